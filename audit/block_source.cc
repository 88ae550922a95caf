// audit/block_source.cc

#include "audit/block_source.h"

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "client/http_client.h"
#include "common/bytes.h"
#include "common/encoding.h"

namespace tamga::audit {
namespace {

using nlohmann::json;

// A hex field of a raw-block answer, decoded canonically as T.
template <typename T>
Result<T> HexField(const json& j, const char* field, std::string_view what) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_string()) {
    return Status::Corruption(std::string(what) + ": field \"" + field + "\" is missing");
  }
  auto bytes = FromHex(it->get<std::string>());
  if (!bytes.ok()) {
    return Status::Corruption(std::string(what) + ": field \"" + field +
                              "\" is not hex: " + bytes.error().message());
  }
  auto value = Decode<T>(*bytes, field);
  if (!value.ok()) {
    return Status::Corruption(std::string(what) + ": " + value.error().message());
  }
  return value;
}

}  // namespace

Result<AuditBlock> LedgerSource::At(Height h) {
  AuditBlock out;
  TAMGA_ASSIGN_OR_RETURN(out.block, ledger_.BlockAt(h));
  TAMGA_ASSIGN_OR_RETURN(out.qc, ledger_.QcAt(h));
  TAMGA_ASSIGN_OR_RETURN(out.epoch_proof, ledger_.EpochProofAt(h));
  TAMGA_ASSIGN_OR_RETURN(out.receipts, ledger_.ReceiptsAt(h));
  return out;
}

Result<std::unique_ptr<ledger::Ledger>> OpenDataDirectory(const std::string& data_dir,
                                                          const ledger::TrustAnchor& anchor) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(data_dir, ec)) {
    return Status::NotFound("data directory " + data_dir + " does not exist");
  }
  // RocksDB names its current manifest in CURRENT: that file marks a database directory.
  std::string directory;
  if (fs::exists(fs::path(data_dir) / "ledger" / "CURRENT", ec)) {
    directory = (fs::path(data_dir) / "ledger").string();
  } else if (fs::exists(fs::path(data_dir) / "CURRENT", ec)) {
    directory = data_dir;
  } else {
    return Status::NotFound("no ledger in " + data_dir + " (tamgad keeps it in " +
                            (fs::path(data_dir) / "ledger").string() + ")");
  }
  // Beside a running node, a file named in the manifest may be compacted away while the
  // read-only instance opens: a few attempts ride that out.
  Result<std::unique_ptr<ledger::Ledger>> opened = Status::Internal("not opened");
  for (int attempt = 0; attempt < 5; ++attempt) {
    opened = ledger::Ledger::OpenDirectoryReadOnly(directory, anchor);
    if (opened.ok() || opened.error().code() != StatusCode::kIoError) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
  }
  return opened;
}

HttpSource::HttpSource(std::string url, std::unique_ptr<client::HttpClient> client)
    : url_(std::move(url)), client_(std::move(client)) {}

HttpSource::~HttpSource() = default;

Result<std::unique_ptr<HttpSource>> HttpSource::Connect(const std::string& url,
                                                        std::uint64_t timeout_ms) {
  TAMGA_ASSIGN_OR_RETURN(client::HttpClient client, client::HttpClient::Connect(url, timeout_ms));
  return std::unique_ptr<HttpSource>(
      new HttpSource(url, std::make_unique<client::HttpClient>(std::move(client))));
}

Result<Height> HttpSource::Head() {
  TAMGA_ASSIGN_OR_RETURN(client::HttpResponse r, client_->Get("/v1/status"));
  if (r.status != 200) {
    return Status::Unavailable(url_ + "/v1/status answered " + std::to_string(r.status));
  }
  const json j = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  auto height = j.is_object() ? j.find("height") : j.end();
  if (!j.is_object() || height == j.end() || !height->is_number_unsigned()) {
    return Status::Unavailable(url_ + "/v1/status did not give a height");
  }
  return Height(height->get<std::uint64_t>());
}

Result<AuditBlock> HttpSource::At(Height h) {
  const std::string target = "/v1/blocks/" + h.ToString() + "/raw";
  TAMGA_ASSIGN_OR_RETURN(client::HttpResponse r, client_->Get(target));
  if (r.status == 404) return Status::NotFound(url_ + " has no block " + h.ToString());
  if (r.status != 200) {
    return Status::Unavailable(url_ + target + " answered " + std::to_string(r.status));
  }
  return ParseRawBlock(r.body, h);
}

Result<AuditBlock> ParseRawBlock(std::string_view text, Height expected) {
  const std::string what = "raw block " + expected.ToString();
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corruption(what + ": not a JSON object");
  auto height = j.find("height");
  if (height == j.end() || !height->is_number_unsigned() ||
      height->get<std::uint64_t>() != expected.value()) {
    return Status::Corruption(what + ": the answer is for another height");
  }
  AuditBlock out;
  TAMGA_ASSIGN_OR_RETURN(out.block, HexField<Block>(j, "block", what));
  TAMGA_ASSIGN_OR_RETURN(out.qc, HexField<QuorumCertificate>(j, "qc", what));
  if (auto proof = j.find("epoch_proof"); proof != j.end() && !proof->is_null()) {
    TAMGA_ASSIGN_OR_RETURN(out.epoch_proof, HexField<ledger::EpochProof>(j, "epoch_proof", what));
  }
  TAMGA_ASSIGN_OR_RETURN(out.receipts, HexField<std::vector<ledger::Receipt>>(j, "receipts", what));
  return out;
}

}  // namespace tamga::audit
