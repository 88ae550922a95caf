// cli/tx_command.cc

#include "cli/tx_command.h"

#include <nlohmann/json.hpp>

#include "client/passphrase.h"
#include "common/sha256.h"

namespace tamga::cli {

using nlohmann::json;

namespace {

// The JSON body of a node's answer, or why not.
Result<json> Body(const client::HttpResponse& r, const std::string& what) {
  json j = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Unavailable(what + ": the node answered " + std::to_string(r.status) +
                               " without JSON");
  }
  return j;
}

}  // namespace

Hash32 HashOfText(std::string_view text) { return Sha256Of(AsBytes(text)); }

Result<TxClient> TxClient::Open(const TxOptions& options) {
  if (options.key_file.empty()) return Status::InvalidArgument("--key is required");
  TAMGA_ASSIGN_OR_RETURN(SecretKey key,
                         client::OpenKeyFile(options.key_file, options.passphrase_file));
  TAMGA_ASSIGN_OR_RETURN(client::HttpClient http,
                         client::HttpClient::Connect(options.node, options.wait_ms + 10'000));
  TxClient c(options, std::move(key), std::move(http));
  TAMGA_ASSIGN_OR_RETURN(auto status, c.client_.Get("/v1/status"));
  TAMGA_ASSIGN_OR_RETURN(json s, Body(status, "status"));
  if (!s.contains("chain_id") || !s["chain_id"].is_string()) {
    return Status::Unavailable(options.node + " does not look like a Tamga node");
  }
  TAMGA_ASSIGN_OR_RETURN(c.chain_, ChainId::FromHex(s["chain_id"].get<std::string>()));
  TAMGA_ASSIGN_OR_RETURN(auto account, c.client_.Get("/v1/accounts/" + c.key().ToHex()));
  TAMGA_ASSIGN_OR_RETURN(json a, Body(account, "account"));
  if (account.status != 200) {
    return Status::Unavailable("account lookup: " + a.value("message", std::string("failed")));
  }
  // The node counts what it has queued for this key too, so commands that do not wait for
  // their block can follow each other.
  if (a.contains("next_sequence") && a["next_sequence"].is_number_unsigned()) {
    c.last_sequence_ = a["next_sequence"].get<std::uint64_t>() - 1;
  } else {
    c.last_sequence_ = a.value("last_sequence", std::uint64_t{0});
  }
  if (a["country"].is_string()) c.country_ = a["country"].get<std::string>();
  if (a["role"].is_string()) c.role_ = a["role"].get<std::string>();
  return c;
}

Status TxClient::Send(contracts::TxType type, const Bytes& payload, std::ostream& out) {
  Transaction tx;
  tx.chain_id = chain_;
  tx.type = static_cast<std::uint16_t>(type);
  tx.payload = payload;
  tx.sequence = ++last_sequence_;
  tx.Sign(key_);
  const Hash32 id = tx.Hash();
  const std::string body = json{{"transaction", ToHex(Encode(tx))}}.dump();
  std::string target = "/v1/transactions";
  if (options_.wait_ms > 0) target += "?wait_ms=" + std::to_string(options_.wait_ms);
  TAMGA_ASSIGN_OR_RETURN(auto r, client_.Post(target, body));
  TAMGA_ASSIGN_OR_RETURN(json j, Body(r, "submission"));
  const std::string what(contracts::TxTypeName(tx.type));
  if (r.status >= 400) {
    --last_sequence_;
    return Status::FailedPrecondition(what + " refused by the node (" +
                                      j.value("code", std::string("error")) +
                                      "): " + j.value("message", std::string()));
  }
  if (r.status == 202) {
    if (options_.wait_ms == 0) {
      out << what << " " << id.ToHex() << " submitted (not waiting for its block)\n";
      return Status::Ok();
    }
    // Not known to be accepted, so not a success; GET /v1/transactions/{id} tells later.
    return Status::Unavailable(what + " " + id.ToHex() + " submitted but not committed within " +
                               std::to_string(options_.wait_ms) + " ms; ask the node later");
  }
  const auto code = j.value("code", 0);
  const std::string detail = j.value("detail", std::string());
  if (code != 0) {
    --last_sequence_;  // A rejected transaction does not use its number.
    return Status::FailedPrecondition(what + " rejected at height " +
                                      std::to_string(j.value("height", 0)) + " (" +
                                      j.value("reason", std::string()) + "): " + detail);
  }
  out << what << " accepted at height " << j.value("height", 0)
      << (detail.empty() ? "" : ": " + detail) << "\n  tx " << id.ToHex() << "\n";
  return Status::Ok();
}

}  // namespace tamga::cli
