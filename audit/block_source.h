// audit/block_source.h
// Where an audit reads a chain from: a ledger (a node's data directory, opened read-only,
// or any open ledger::Ledger) or a node's HTTP API. Each committed block comes with the QC
// that certifies it, the epoch proof stored with it (only a block that ended an epoch has
// one) and the receipts the node recorded for its transactions.
//
// Thread-safety: a source is used by one thread at a time.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/chain.h"
#include "common/status.h"
#include "ledger/ledger.h"
#include "ledger/records.h"

namespace tamga::client {
class HttpClient;
}  // namespace tamga::client

namespace tamga::audit {

// One committed block as a node stored it.
struct AuditBlock {
  Block block;
  QuorumCertificate qc;                           // Certifies `block` and its result.
  std::optional<ledger::EpochProof> epoch_proof;  // Only for a block that ended an epoch.
  std::vector<ledger::Receipt> receipts;          // As the node recorded them.
};

class BlockSource {
 public:
  virtual ~BlockSource() = default;
  // The highest committed height.
  virtual Result<Height> Head() = 0;
  // The block at `h` (0 is genesis). Corruption and NotFound mean the source's data at `h`
  // is bad or missing (an anomaly of the chain); other codes are operating errors (disk,
  // network) that say nothing about the chain.
  virtual Result<AuditBlock> At(Height h) = 0;
  // The directory or URL, for reports.
  virtual std::string Describe() const = 0;
};

// Reads a ledger already open. `ledger` must outlive the source.
class LedgerSource final : public BlockSource {
 public:
  explicit LedgerSource(const ledger::Ledger& ledger, std::string name = "ledger")
      : ledger_(ledger), name_(std::move(name)) {}
  Result<Height> Head() override { return ledger_.Head().height; }
  Result<AuditBlock> At(Height h) override;
  std::string Describe() const override { return name_; }

 private:
  const ledger::Ledger& ledger_;
  const std::string name_;
};

// The ledger of a node's data directory, opened read-only so that the node may keep
// running (the audit then sees the chain as it was when opened). tamgad keeps its ledger
// in DATA_DIR/ledger; a directory that is itself a ledger is accepted too. A ledger of
// another chain than `anchor`'s is refused with both chain ids.
Result<std::unique_ptr<ledger::Ledger>> OpenDataDirectory(const std::string& data_dir,
                                                          const ledger::TrustAnchor& anchor);

// Downloads every block from a node's API: GET /v1/status for the height and
// GET /v1/blocks/{h}/raw for each block (ParseRawBlock below).
class HttpSource final : public BlockSource {
 public:
  // `url` is "http://host:port" or "host:port".
  static Result<std::unique_ptr<HttpSource>> Connect(const std::string& url,
                                                     std::uint64_t timeout_ms = 30'000);
  ~HttpSource() override;
  Result<Height> Head() override;
  Result<AuditBlock> At(Height h) override;
  std::string Describe() const override { return url_; }

 private:
  HttpSource(std::string url, std::unique_ptr<client::HttpClient> client);
  const std::string url_;
  std::unique_ptr<client::HttpClient> client_;
};

// The body of GET /v1/blocks/{h}/raw:
//   {"height": h, "block": "<hex of Encode(Block)>", "qc": "<hex of Encode(QC)>",
//    "epoch_proof": "<hex of Encode(EpochProof)>" or null,
//    "receipts": "<hex of Encode(list<Receipt>)>"}
// Fails with Corruption if a field is missing, not canonical, or for another height.
Result<AuditBlock> ParseRawBlock(std::string_view json, Height expected);

}  // namespace tamga::audit
