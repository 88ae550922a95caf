// cli/log_command.cc

#include "cli/log_command.h"

#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "cli/verify_command.h"
#include "client/genesis_file.h"
#include "client/http_client.h"
#include "common/file_util.h"
#include "contracts/genesis.h"
#include "ledger/log_proof.h"
#include "ledger/proof_file.h"

namespace tamga::cli {

int RunLogConsistency(const LogConsistencyOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& why) {
    err << "tamga log consistency: " << why << "\n";
    return kVerifyError;
  };
  auto genesis = client::LoadGenesisFile(o.genesis_file);
  if (!genesis.ok()) return fail(genesis.error().ToString());
  auto chain = contracts::StartChain(*genesis);
  if (!chain.ok()) return fail("the genesis does not start a chain: " + chain.error().message());
  std::vector<ledger::ProvenFacts> facts;
  for (const std::string& file : {o.older, o.newer}) {
    auto text = ReadFileToString(file, ledger::kProofFileMax);
    if (!text.ok()) return fail(text.error().ToString());
    ledger::ProofVerdict v = ledger::VerifyProofJson(chain->anchor, *text);
    if (!v.ok()) {
      out << "NOT VALID: " << file << " does not verify (" << ledger::ProofErrorCode(v.error)
          << "): " << v.message << "\n";
      return kVerifyProofInvalid;
    }
    facts.push_back(std::move(v.facts));
  }
  if (facts[0].result.log_size > facts[1].result.log_size) std::swap(facts[0], facts[1]);
  const ledger::ProvenFacts& a = facts[0];
  const ledger::ProvenFacts& b = facts[1];
  auto client = client::HttpClient::Connect(o.node, 10'000);
  if (!client.ok()) return fail(client.error().ToString());
  auto r = client->Get("/v1/log/consistency?from=" + std::to_string(a.result.log_size) +
                       "&to=" + std::to_string(b.result.log_size));
  if (!r.ok()) return fail(r.error().ToString());
  const auto j = nlohmann::json::parse(r->body, nullptr, false);
  if (r->status != 200 || !j.is_object() || !j.contains("proof") || !j["proof"].is_array()) {
    return fail(o.node + " answered " + std::to_string(r->status) + ": " + r->body.substr(0, 300));
  }
  std::vector<Hash32> proof;
  for (const auto& h : j["proof"]) {
    auto hash = h.is_string() ? Hash32::FromHex(h.get<std::string>())
                              : Result<Hash32>(Status::InvalidArgument("not a string"));
    if (!hash.ok()) return fail(o.node + " answered a proof that is not 64-hex-digit hashes");
    proof.push_back(*hash);
  }
  const ledger::PathCheck check = ledger::CheckConsistency(
      a.result.log_size, b.result.log_size, a.result.log_root, b.result.log_root, proof);
  const std::string what = "the log at block " + b.height.ToString() + " (" +
                           std::to_string(b.result.log_size) + " records, signed " +
                           UtcTime(b.timestamp_ms) + ") and the log at block " +
                           a.height.ToString() + " (" + std::to_string(a.result.log_size) +
                           " records, signed " + UtcTime(a.timestamp_ms) + ")";
  if (check != ledger::PathCheck::kOk) {
    out << "NOT CONSISTENT: " << what << ": "
        << (check == ledger::PathCheck::kBadPath ? "the proof does not fit the two sizes"
                                                 : "the proof does not lead to both roots")
        << "\n";
    return kVerifyProofInvalid;
  }
  out << "CONSISTENT: " << what << ": the later extends the earlier, nothing rewritten ("
      << proof.size() << " hashes)\n";
  return kVerifyInForce;
}

}  // namespace tamga::cli
