// client/log_client.cc

#include "client/log_client.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace tamga::client {

Result<ledger::ProvenFacts> ProveLogSize(HttpClient& node, const ledger::TrustAnchor& anchor,
                                         std::uint64_t size, std::uint64_t wait_ms) {
  if (size == 0) return Status::InvalidArgument("an empty log has no record to prove");
  const std::string target = "/v1/records/" + std::to_string(size - 1) + "/proof";
  constexpr std::uint64_t kPauseMs = 250;
  TAMGA_ASSIGN_OR_RETURN(HttpResponse r, node.Get(target));
  for (std::uint64_t waited = 0;
       waited < wait_ms && r.status == 503 && r.body.find("not_yet_provable") != std::string::npos;
       waited += kPauseMs) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kPauseMs));
    TAMGA_ASSIGN_OR_RETURN(r, node.Get(target));
  }
  if (r.status != 200) {
    return Status::Unavailable("GET " + target + " answered " + std::to_string(r.status) + ": " +
                               r.body.substr(0, 300));
  }
  ledger::ProofVerdict v = ledger::VerifyProofJson(anchor, r.body);
  if (!v.ok()) {
    return Status::BadSignature("the node's proof of record " + std::to_string(size - 1) +
                                " does not verify (" +
                                std::string(ledger::ProofErrorCode(v.error)) + "): " + v.message);
  }
  return std::move(v.facts);
}

Result<std::vector<Hash32>> FetchConsistency(HttpClient& node, std::uint64_t from,
                                             std::uint64_t to) {
  TAMGA_ASSIGN_OR_RETURN(
      HttpResponse r,
      node.Get("/v1/log/consistency?from=" + std::to_string(from) + "&to=" + std::to_string(to)));
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || !j.is_object() || !j.contains("proof") || !j["proof"].is_array()) {
    return Status::Unavailable("the node answered " + std::to_string(r.status) + ": " +
                               r.body.substr(0, 300));
  }
  std::vector<Hash32> proof;
  for (const auto& h : j["proof"]) {
    auto hash = h.is_string() ? Hash32::FromHex(h.get<std::string>())
                              : Result<Hash32>(Status::InvalidArgument("not a string"));
    if (!hash.ok()) return Status::Corruption("the node answered a proof that is not hashes");
    proof.push_back(*hash);
  }
  return proof;
}

}  // namespace tamga::client
