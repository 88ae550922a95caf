// node/snapshot_join.cc

#include "node/snapshot_join.h"

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "client/http_client.h"
#include "common/encoding.h"
#include "common/log.h"
#include "common/merkle.h"
#include "ledger/proof_file.h"
#include "ledger/rocks_kv_store.h"
#include "ledger/state_sync.h"

namespace tamga::node {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kRequestTimeoutMs = 30'000;

struct Source {
  std::string url;
  client::HttpClient http;
  ledger::ProofFile proof;
};

// The source's proof of its highest provable block, verified; or why not.
Result<Source> AskSource(const std::string& url, const ledger::TrustAnchor& anchor) {
  TAMGA_ASSIGN_OR_RETURN(client::HttpClient http,
                         client::HttpClient::Connect(url, kRequestTimeoutMs));
  TAMGA_ASSIGN_OR_RETURN(client::HttpResponse r, http.Get("/v1/snapshot"));
  if (r.status != 200) {
    return Status::Unavailable("GET /v1/snapshot answered " + std::to_string(r.status));
  }
  TAMGA_ASSIGN_OR_RETURN(ledger::ProofFile proof, ledger::ProofFromJson(r.body));
  const ledger::ProofVerdict verdict = ledger::VerifyProof(anchor, proof);
  if (!verdict.ok()) return Status::BadSignature("its proof does not verify: " + verdict.message);
  return Source{url, std::move(http), std::move(proof)};
}

// The proof's block from any source that serves it whole (its header and transactions
// match the proof's header).
Result<Block> FetchBlock(std::vector<Source>& sources, const BlockHeader& header) {
  const Height h = header.height;
  Status last = Status::NotFound("no source");
  for (Source& s : sources) {
    auto r = s.http.Get("/v1/blocks/" + h.ToString() + "/raw");
    if (!r.ok() || r->status != 200) {
      last = r.ok() ? Status::Unavailable(s.url + " answered " + std::to_string(r->status))
                    : r.error();
      continue;
    }
    const json j = json::parse(r->body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("block") || !j["block"].is_string()) {
      last = Status::Corruption(s.url + ": a raw block without its block");
      continue;
    }
    auto bytes = FromHex(j["block"].get<std::string>());
    if (!bytes.ok()) {
      last = bytes.error();
      continue;
    }
    auto block = Decode<Block>(*bytes, "block");
    if (!block.ok()) {
      last = block.error();
      continue;
    }
    if (block->header != header || MerkleRoot(block->ComputeTxIds()) != header.payload_root) {
      last = Status::Corruption(s.url + ": a block that is not the proof's");
      Log(LogLevel::kWarn, "snapshot_source_dropped",
          {{"source", s.url}, {"why", last.ToString()}});
      continue;
    }
    return block;
  }
  return last;
}

}  // namespace

Result<std::optional<SnapshotJoinReport>> JoinFromSnapshot(const std::string& ledger_dir,
                                                           const ledger::TrustAnchor& anchor,
                                                           const std::vector<std::string>& urls) {
  const auto start = Clock::now();
  std::error_code ec;
  std::filesystem::create_directories(ledger_dir, ec);
  TAMGA_ASSIGN_OR_RETURN(std::unique_ptr<ledger::RocksKvStore> store,
                         ledger::RocksKvStore::Open(ledger_dir));
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> format,
                         store->Get(ledger::Column::kMeta, AsBytes("format")));
  if (format) return std::optional<SnapshotJoinReport>();

  SnapshotJoinReport report;
  std::vector<Source> sources;
  for (const std::string& url : urls) {
    auto s = AskSource(url, anchor);
    if (!s.ok()) {
      report.dropped[url] = s.error().ToString();
      Log(LogLevel::kWarn, "snapshot_source_refused",
          {{"source", url}, {"why", s.error().ToString()}});
      continue;
    }
    Log(LogLevel::kInfo, "snapshot_source",
        {{"source", url}, {"height", s->proof.block.header.height.ToString()}});
    sources.push_back(std::move(*s));
  }
  if (sources.empty()) {
    return Status::Unavailable("no snapshot source gave a proof that verifies against the genesis");
  }
  report.sources = sources.size();
  // The lowest block the sources proved: state-tree nodes are never deleted, so every
  // source holds the whole tree of that block (a higher one would be missing from those
  // behind it), and block sync brings the node up from there. A block that ends an epoch
  // cannot be the snapshot (its successor runs under another set).
  const Source* chosen = nullptr;
  for (const Source& s : sources) {
    const ledger::ProofFile& p = s.proof;
    if (p.block_validators.changed_at == p.block.header.height) continue;
    if (!chosen || p.block.header.height < chosen->proof.block.header.height) chosen = &s;
  }
  if (chosen == nullptr) {
    return Status::Unavailable(
        "every source's provable block ends an epoch; start the node again in a moment");
  }
  const ledger::ProofFile proof = chosen->proof;
  report.height = proof.block.header.height;
  const Hash32 root = proof.block.qc.data.result.state_root;
  Log(LogLevel::kInfo, "snapshot_start",
      {{"height", report.height.ToString()},
       {"state_root", root.ShortHex()},
       {"sources", std::to_string(sources.size())}});

  std::vector<ledger::StateSync::PeerId> peers;
  for (std::size_t i = 0; i < sources.size(); ++i)
    peers.push_back(static_cast<ledger::StateSync::PeerId>(i));
  ledger::StateSync sync(root, peers, {ledger::kStateSyncBatchMax});
  auto last_report = Clock::now();
  while (!sync.done()) {
    if (sync.failed()) {
      for (const auto& [peer, why] : sync.dropped()) report.dropped[sources[peer].url] = why;
      return Status::Unavailable("every snapshot source was dropped before the state was copied (" +
                                 std::to_string(sync.progress().nodes) + " nodes in place)");
    }
    TAMGA_ASSIGN_OR_RETURN(auto requests, sync.NextRequests(*store));
    for (const auto& r : requests) {
      Source& s = sources[r.peer];
      json body = {{"hashes", json::array()}};
      for (const Hash32& h : r.hashes) body["hashes"].push_back(h.ToHex());
      auto answer = s.http.Post("/v1/state/nodes", body.dump());
      ledger::Overlay out(nullptr, store.get());
      if (!answer.ok() || answer->status != 200) {
        sync.OnFailure(r.id, answer.ok()
                                 ? "POST /v1/state/nodes answered " + std::to_string(answer->status)
                                 : answer.error().ToString());
      } else {
        auto items = ledger::DecodeStateNodes(AsBytes(answer->body));
        if (!items.ok()) {
          sync.OnFailure(r.id, "an answer that does not decode: " + items.error().ToString());
        } else {
          sync.OnAnswer(r.id, *items, out);
        }
      }
      if (auto it = sync.dropped().find(r.peer); it != sync.dropped().end()) {
        Log(LogLevel::kWarn, "snapshot_source_dropped", {{"source", s.url}, {"why", it->second}});
      }
      ledger::WriteBatch batch;
      out.AppendTo(batch);
      TAMGA_RETURN_IF_ERROR(store->Write(batch, /*sync=*/false));
    }
    if (Clock::now() - last_report > std::chrono::seconds(2)) {
      last_report = Clock::now();
      const auto& p = sync.progress();
      Log(LogLevel::kInfo, "snapshot_progress",
          {{"nodes", std::to_string(p.nodes)},
           {"pending", std::to_string(p.pending)},
           {"bytes", std::to_string(p.bytes)}});
    }
  }
  for (const auto& [peer, why] : sync.dropped()) report.dropped[sources[peer].url] = why;
  TAMGA_ASSIGN_OR_RETURN(Block block, FetchBlock(sources, proof.block.header));
  TAMGA_RETURN_IF_ERROR(ledger::Ledger::InstallSnapshot(*store, anchor, proof, block));
  const auto& p = sync.progress();
  report.nodes = p.nodes;
  report.fetched = p.fetched;
  report.bytes = p.bytes;
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  Log(LogLevel::kInfo, "snapshot_installed",
      {{"height", report.height.ToString()},
       {"nodes", std::to_string(report.nodes)},
       {"fetched", std::to_string(report.fetched)},
       {"bytes", std::to_string(report.bytes)},
       {"sources", std::to_string(report.sources)},
       {"dropped", std::to_string(report.dropped.size())},
       {"seconds", std::to_string(report.seconds)}});
  return std::optional<SnapshotJoinReport>(std::move(report));
}

}  // namespace tamga::node
