// cli/log_command.cc

#include "cli/log_command.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "cli/checkpoint_check.h"
#include "cli/verify_command.h"
#include "client/genesis_file.h"
#include "client/http_client.h"
#include "client/log_client.h"
#include "client/witness_client.h"
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/merkle.h"
#include "contracts/genesis.h"
#include "ledger/log_proof.h"
#include "ledger/proof_file.h"
#include "ledger/records.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"
#include "tlog/tiles.h"

namespace tamga::cli {
namespace {

// A checkpoint, a note or a proof file: none is near this.
constexpr std::size_t kCheckpointMax = tlog::kMaxNoteSize;

// What a proof file or a checkpoint shows of the log, once verified.
struct LogView {
  std::uint64_t size = 0;
  Hash32 root;
  std::string what;  // "the log at block 12 (40 records, signed ...)" and so on.
};

// Why a check did not succeed: `invalid` when what was checked is wrong (exit 2), not
// when it could not be checked (exit 1).
struct Failure {
  bool invalid = false;
  std::string why;
};

template <typename T>
using Checked = std::variant<T, Failure>;

Failure Invalid(std::string why) { return {true, std::move(why)}; }
Failure Unusable(std::string why) { return {false, std::move(why)}; }

// The sets whose quorum may have signed a checkpoint of `size` records: the genesis', and
// with a node, those the proof of record size - 1 shows (its block's epoch and the next),
// whose root must then be the checkpoint's.
Checked<std::vector<ValidatorSet>> TrustedSets(const ledger::TrustAnchor& anchor,
                                               const tlog::Checkpoint& c,
                                               client::HttpClient* node) {
  std::vector<ValidatorSet> sets{anchor.validators};
  if (node == nullptr || c.size == 0) return sets;
  // A checkpoint is signed at commit; a proof of the block needs two certified blocks
  // above it, a moment later.
  auto facts = client::ProveLogSize(*node, anchor, c.size, 10'000);
  if (!facts.ok()) return Unusable(facts.error().message());
  if (facts->result.log_size == c.size && facts->result.log_root != c.root) {
    return Invalid("the quorum certified another root for " + std::to_string(c.size) +
                   " records at block " + facts->height.ToString() + " (" +
                   facts->result.log_root.ToHex() + "): two views of one log");
  }
  sets.push_back(facts->validators);
  if (facts->validators_after.epoch != facts->validators.epoch) {
    sets.push_back(facts->validators_after);
  }
  return sets;
}

Checked<CheckedCheckpoint> CheckCheckpoint(const ledger::TrustAnchor& anchor, std::string_view text,
                                           client::HttpClient* node) {
  auto note = tlog::ParseNote(text);
  if (!note.ok()) return Invalid("not a signed note: " + note.error().message());
  auto c = tlog::ParseCheckpointText(note->text);
  if (!c.ok()) return Invalid("not a checkpoint: " + c.error().message());
  if (c->origin != tlog::ChainOrigin(anchor.chain_id)) {
    return Invalid("a checkpoint of log " + c->origin + ", the pinned genesis' log is " +
                   tlog::ChainOrigin(anchor.chain_id));
  }
  auto sets = TrustedSets(anchor, *c, node);
  if (auto* f = std::get_if<Failure>(&sets)) return *f;
  auto checked =
      CheckCheckpointNote(text, anchor.chain_id, std::get<std::vector<ValidatorSet>>(sets));
  if (!checked.ok()) {
    return Invalid(checked.error().message() +
                   (node ? "" : "; give --node to learn the validators of later epochs"));
  }
  return *checked;
}

// The node's latest checkpoint (GET /checkpoint) and what checking it showed.
struct NodeCheckpoint {
  std::string note;
  CheckedCheckpoint checked;
};
Checked<NodeCheckpoint> FetchCheckpoint(const ledger::TrustAnchor& anchor, client::HttpClient& node,
                                        const std::string& name) {
  auto r = node.Get("/checkpoint");
  if (!r.ok()) return Unusable(r.error().ToString());
  if (r->status != 200) {
    return Unusable(name + " answered " + std::to_string(r->status) + ": " +
                    r->body.substr(0, 300));
  }
  auto checked = CheckCheckpoint(anchor, r->body, &node);
  if (auto* f = std::get_if<Failure>(&checked)) return *f;
  return NodeCheckpoint{std::move(r->body), std::get<CheckedCheckpoint>(std::move(checked))};
}

// A proof file (JSON) or a checkpoint, verified.
Checked<LogView> ReadLogView(const ledger::TrustAnchor& anchor, const std::string& file,
                             client::HttpClient* node) {
  auto text = ReadFileToString(file, std::max(ledger::kProofFileMax, kCheckpointMax));
  if (!text.ok()) return Unusable(text.error().ToString());
  if (!text->empty() && text->front() == '{') {
    ledger::ProofVerdict v = ledger::VerifyProofJson(anchor, *text);
    if (!v.ok()) {
      return Invalid(file + " does not verify (" + std::string(ledger::ProofErrorCode(v.error)) +
                     "): " + v.message);
    }
    const ledger::ProvenFacts& f = v.facts;
    return LogView{f.result.log_size, f.result.log_root,
                   "the log at block " + f.height.ToString() + " (" +
                       std::to_string(f.result.log_size) + " records, signed " +
                       UtcTime(f.timestamp_ms) + ")"};
  }
  auto c = CheckCheckpoint(anchor, *text, node);
  if (auto* f = std::get_if<Failure>(&c)) return Failure{f->invalid, file + ": " + f->why};
  const auto& checked = std::get<CheckedCheckpoint>(c);
  return LogView{checked.checkpoint.size, checked.checkpoint.root, Describe(checked)};
}

// When `witness` cosigned the checkpoint `note` (POSIX seconds); why not otherwise.
Result<std::uint64_t> CosignedAt(std::string_view note, const tlog::NoteVerifier& witness) {
  TAMGA_ASSIGN_OR_RETURN(tlog::Note parsed, tlog::ParseNote(note));
  for (const tlog::NoteSignature& sig : parsed.signatures) {
    if (sig.name != witness.name || sig.key_id != witness.key_id) continue;
    return tlog::VerifyCosignature(parsed.text, sig, witness);
  }
  return Status::NotFound("the checkpoint carries no cosignature by this witness");
}

Result<ledger::TrustAnchor> LoadAnchor(const std::string& genesis_file) {
  TAMGA_ASSIGN_OR_RETURN(auto genesis, client::LoadGenesisFile(genesis_file));
  auto chain = contracts::StartChain(genesis);
  if (!chain.ok()) {
    return Status::InvalidArgument("the genesis does not start a chain: " +
                                   chain.error().message());
  }
  return chain->anchor;
}

}  // namespace

int RunLogConsistency(const LogConsistencyOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& why) {
    err << "tamga log consistency: " << why << "\n";
    return kVerifyError;
  };
  auto anchor = LoadAnchor(o.genesis_file);
  if (!anchor.ok()) return fail(anchor.error().ToString());
  auto client = client::HttpClient::Connect(o.node, 10'000);
  if (!client.ok()) return fail(client.error().ToString());
  std::vector<LogView> views;
  for (const std::string& file : {o.older, o.newer}) {
    auto v = ReadLogView(*anchor, file, &*client);
    if (auto* f = std::get_if<Failure>(&v)) {
      if (!f->invalid) return fail(f->why);
      out << "NOT VALID: " << f->why << "\n";
      return kVerifyProofInvalid;
    }
    views.push_back(std::get<LogView>(std::move(v)));
  }
  if (views[0].size > views[1].size) std::swap(views[0], views[1]);
  const LogView& a = views[0];
  const LogView& b = views[1];
  auto proof = client::FetchConsistency(*client, a.size, b.size);
  if (!proof.ok()) return fail(proof.error().ToString());
  const ledger::PathCheck check = ledger::CheckConsistency(a.size, b.size, a.root, b.root, *proof);
  const std::string what = b.what + " and " + a.what;
  if (check != ledger::PathCheck::kOk) {
    out << "NOT CONSISTENT: " << what << ": "
        << (check == ledger::PathCheck::kBadPath ? "the proof does not fit the two sizes"
                                                 : "the proof does not lead to both roots")
        << "\n";
    return kVerifyProofInvalid;
  }
  out << "CONSISTENT: " << what << ": the later extends the earlier, nothing rewritten ("
      << proof->size() << " hashes)\n";
  return kVerifyInForce;
}

int RunLogCheckpoint(const LogCheckpointOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& why) {
    err << "tamga log checkpoint: " << why << "\n";
    return kVerifyError;
  };
  if (o.file.empty() && o.node.empty()) return fail("give a checkpoint file, or --node");
  auto anchor = LoadAnchor(o.genesis_file);
  if (!anchor.ok()) return fail(anchor.error().ToString());
  std::optional<client::HttpClient> node;
  if (!o.node.empty()) {
    auto c = client::HttpClient::Connect(o.node, 10'000);
    if (!c.ok()) return fail(c.error().ToString());
    node.emplace(std::move(c).value());
  }
  std::string text;
  if (!o.file.empty()) {
    auto t = ReadFileToString(o.file, kCheckpointMax);
    if (!t.ok()) return fail(t.error().ToString());
    text = std::move(t).value();
  } else {
    auto r = node->Get("/checkpoint");
    if (!r.ok()) return fail(r.error().ToString());
    if (r->status != 200) {
      return fail(o.node + " answered " + std::to_string(r->status) + ": " +
                  r->body.substr(0, 300));
    }
    text = std::move(r->body);
  }
  auto c = CheckCheckpoint(*anchor, text, node ? &*node : nullptr);
  if (auto* f = std::get_if<Failure>(&c)) {
    if (!f->invalid) return fail(f->why);
    out << "NOT VALID: " << f->why << "\n";
    return kVerifyProofInvalid;
  }
  std::string cosigned;
  for (const std::string& vkey : o.witness_keys) {
    auto witness = ReadWitnessKey(vkey);
    if (!witness.ok()) return fail("--witness-key " + vkey + ": " + witness.error().message());
    auto when = CosignedAt(text, *witness);
    if (!when.ok()) {
      out << "NOT VALID: witness " << witness->name << ": " << when.error().message() << "\n";
      return kVerifyProofInvalid;
    }
    cosigned += ", cosigned by witness " + witness->name + " at " + UtcTime(*when * 1000);
  }
  if (!o.out.empty()) {
    if (Status s = WriteFileAtomic(o.out, text, {}); !s.ok()) return fail(s.ToString());
  }
  out << "VALID: " << Describe(std::get<CheckedCheckpoint>(c)) << " (a quorum is "
      << std::get<CheckedCheckpoint>(c).validators.QuorumSize() << ")" << cosigned << "\n";
  return kVerifyInForce;
}

namespace {

// Files fetched into DIR under a ".part" name, renamed into place only once everything
// checked out (and removed otherwise): DIR never serves a file that was not checked.
class Staging {
 public:
  ~Staging() {
    std::error_code ec;
    for (const auto& f : parts_) std::filesystem::remove(Part(f), ec);
  }
  static std::filesystem::path Part(const std::filesystem::path& f) { return f.string() + ".part"; }
  void Add(std::filesystem::path f) { parts_.push_back(std::move(f)); }
  std::size_t size() const { return parts_.size(); }
  Status Commit() {
    for (const auto& f : parts_) {
      std::error_code ec;
      std::filesystem::rename(Part(f), f, ec);
      if (ec) return Status::IoError("cannot rename " + Part(f).string() + ": " + ec.message());
    }
    parts_.clear();
    return Status::Ok();
  }

 private:
  std::vector<std::filesystem::path> parts_;
};

// One tile or entry bundle of the read path: a full one from `dir` when it is there (it
// never changes, and was checked when it was written), else from the node, staged.
Checked<std::string> GetTile(client::HttpClient& node, const std::filesystem::path& dir,
                             const tlog::TileId& id, Staging& staging) {
  const std::string path = tlog::TilePath(id);
  const std::filesystem::path file = dir / path;
  std::error_code ec;
  if (id.width == tlog::kTileWidth && std::filesystem::is_regular_file(file, ec)) {
    auto local = ReadFileToString(file.string(), 1 << 24);
    if (!local.ok()) return Unusable(local.error().ToString());
    return std::move(local).value();
  }
  auto r = node.Get("/" + path);
  if (!r.ok()) return Unusable(r.error().ToString());
  if (r->status != 200) {
    return Unusable("GET /" + path + " answered " + std::to_string(r->status) + ": " +
                    r->body.substr(0, 300));
  }
  std::filesystem::create_directories(file.parent_path(), ec);
  staging.Add(file);  // Before writing: a part written halfway is removed too.
  std::ofstream f(Staging::Part(file), std::ios::binary | std::ios::trunc);
  f.write(r->body.data(), static_cast<std::streamsize>(r->body.size()));
  if (!f.flush()) return Unusable("cannot write " + Staging::Part(file).string());
  return std::move(r->body);
}

// The tile's hashes, after checking its size.
Checked<std::vector<Hash32>> TileHashes(const tlog::TileId& id, const std::string& bytes) {
  if (bytes.size() != std::size_t{id.width} * Hash32::kSize) {
    return Invalid("tile " + tlog::TilePath(id) + " has " + std::to_string(bytes.size()) +
                   " bytes, not " + std::to_string(id.width) + " hashes");
  }
  std::vector<Hash32> hashes;
  for (std::size_t i = 0; i < id.width; ++i) {
    hashes.push_back(Hash32::FromView(AsBytes(bytes).subspan(i * Hash32::kSize, Hash32::kSize)));
  }
  return hashes;
}

}  // namespace

int RunExportTiles(const ExportTilesOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& why) {
    err << "tamga log export-tiles: " << why << "\n";
    return kVerifyError;
  };
  auto invalid = [&](const std::string& why) {
    out << "NOT VALID: " << why << "\n";
    return kVerifyProofInvalid;
  };
  auto anchor = LoadAnchor(o.genesis_file);
  if (!anchor.ok()) return fail(anchor.error().ToString());
  auto node = client::HttpClient::Connect(o.node, 30'000);
  if (!node.ok()) return fail(node.error().ToString());
  auto fetched_cp = FetchCheckpoint(*anchor, *node, o.node);
  if (auto* f = std::get_if<Failure>(&fetched_cp))
    return f->invalid ? invalid(f->why) : fail(f->why);
  const std::string note = std::get<NodeCheckpoint>(fetched_cp).note;
  const CheckedCheckpoint checked = std::get<NodeCheckpoint>(fetched_cp).checked;
  const std::uint64_t size = checked.checkpoint.size;
  const Hash32 root = checked.checkpoint.root;
  const std::filesystem::path dir(o.dir);
  out << "checkpoint: " << Describe(checked) << "\n";

  // Level by level: each full tile's tree hash is what the level above must hold; each
  // level's partial tile holds the right edge the root is made of.
  std::vector<Hash32> below;  // Tree hashes of the full tiles of the level below.
  std::vector<std::vector<Hash32>> partial(8);
  Staging staging;
  std::size_t tiles = 0;
  for (std::uint8_t level = 0; level < 8 && (size >> (8 * level)) > 0; ++level) {
    const std::uint64_t full = tlog::FullTiles(size, level);
    const std::uint32_t edge = tlog::PartialTileWidth(size, level);
    std::vector<Hash32> sums;
    for (std::uint64_t n = 0; n < full || (n == full && edge > 0); ++n) {
      const tlog::TileId id{level, n, n < full ? 256u : edge, false};
      auto bytes = GetTile(*node, dir, id, staging);
      if (auto* f = std::get_if<Failure>(&bytes)) return fail(f->why);
      auto hashes = TileHashes(id, std::get<std::string>(bytes));
      if (auto* f = std::get_if<Failure>(&hashes)) return invalid(f->why);
      auto& h = std::get<std::vector<Hash32>>(hashes);
      if (level == 0) {
        const tlog::TileId eid{0, n, id.width, true};
        auto bundle = GetTile(*node, dir, eid, staging);
        if (auto* f = std::get_if<Failure>(&bundle)) return fail(f->why);
        auto entries = tlog::DecodeEntryBundle(AsBytes(std::get<std::string>(bundle)));
        if (!entries.ok() || entries->size() != id.width) {
          return invalid(tlog::TilePath(eid) + " is not a bundle of " + std::to_string(id.width) +
                         " entries");
        }
        for (std::size_t i = 0; i < h.size(); ++i) {
          if (MerkleLeafHash((*entries)[i]) != h[i]) {
            return invalid("record " + std::to_string(n * 256 + i) + " in " + tlog::TilePath(eid) +
                           " does not hash to its leaf in " + tlog::TilePath(id));
          }
        }
      } else {
        for (std::size_t i = 0; i < h.size(); ++i) {
          if (h[i] != below[n * 256 + i]) {
            return invalid("hash " + std::to_string(i) + " of " + tlog::TilePath(id) +
                           " is not the tree hash of the tile below it");
          }
        }
      }
      if (n < full) {
        sums.push_back(MerkleRoot(std::move(h)));
      } else {
        partial[level] = std::move(h);
      }
      if (++tiles % 1000 == 0) out << "  " << tiles << " tiles checked\n" << std::flush;
    }
    out << "level " << int{level} << ": " << full << " full tiles"
        << (edge > 0 ? ", a partial tile of " + std::to_string(edge) : std::string()) << "\n";
    below = std::move(sums);
  }
  // The root from the right edges: a complete subtree of 2^k records is 2^(k mod 8) hashes
  // of level k / 8, all in that level's partial tile.
  auto complete = [&](std::uint64_t start, std::uint64_t end) -> Result<Hash32> {
    const unsigned k = static_cast<unsigned>(std::countr_zero(end - start));
    const unsigned level = k / 8;
    const std::uint64_t first = start >> (8 * level), count = std::uint64_t{1} << (k % 8);
    const std::uint64_t base = tlog::FullTiles(size, static_cast<std::uint8_t>(level)) * 256;
    const auto& edge = partial[level];
    if (first < base || first + count > base + edge.size()) {
      return Status::Internal("records [" + std::to_string(start) + ", " + std::to_string(end) +
                              ") are not on the right edge");
    }
    return MerkleRoot(
        std::vector<Hash32>(edge.begin() + static_cast<std::ptrdiff_t>(first - base),
                            edge.begin() + static_cast<std::ptrdiff_t>(first - base + count)));
  };
  auto computed = size == 0 ? Result<Hash32>(MerkleRoot({})) : ledger::RangeHash(0, size, complete);
  if (!computed.ok()) return fail(computed.error().ToString());
  if (*computed != root) {
    return invalid("the tiles make the root " + computed->ToHex() + ", the checkpoint says " +
                   root.ToHex());
  }
  const std::size_t fetched = staging.size();
  if (Status s = staging.Commit(); !s.ok()) return fail(s.ToString());
  if (Status s = WriteFileAtomic((dir / "checkpoint").string(), note, {}); !s.ok()) {
    return fail(s.ToString());
  }
  out << "EXPORTED: " << size << " records in " << tiles << " tiles (" << fetched
      << " files fetched, the rest already in " << o.dir << "), root " << root.ToHex()
      << " as the checkpoint says\n";
  return kVerifyInForce;
}

int RunLogWitness(const LogWitnessOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& why) {
    err << "tamga log witness: " << why << "\n";
    return kVerifyError;
  };
  std::optional<tlog::NoteVerifier> witness_key;
  if (!o.witness_key.empty()) {
    auto k = ReadWitnessKey(o.witness_key);
    if (!k.ok()) return fail("--witness-key: " + k.error().message());
    witness_key = *k;
  }
  auto anchor = LoadAnchor(o.genesis_file);
  if (!anchor.ok()) return fail(anchor.error().ToString());
  auto node = client::HttpClient::Connect(o.node, 30'000);
  if (!node.ok()) return fail(node.error().ToString());
  auto witness = client::HttpClient::Connect(o.witness, 30'000);
  if (!witness.ok()) return fail(witness.error().ToString());
  auto fetched_cp = FetchCheckpoint(*anchor, *node, o.node);
  if (auto* f = std::get_if<Failure>(&fetched_cp)) {
    if (!f->invalid) return fail(f->why);
    out << "NOT VALID: " << f->why << "\n";
    return kVerifyProofInvalid;
  }
  const std::string note = std::get<NodeCheckpoint>(fetched_cp).note;
  const CheckedCheckpoint checked = std::get<NodeCheckpoint>(fetched_cp).checked;
  const std::uint64_t size = checked.checkpoint.size;

  // The node's consistency proofs are not trusted: the witness checks them.
  const auto consistency = [&](std::uint64_t from, std::uint64_t to) {
    return client::FetchConsistency(*node, from, to);
  };
  // Without --witness-key the cosignature is taken under whatever key the witness names.
  tlog::NoteVerifier key;
  if (witness_key) {
    key = *witness_key;
  } else {
    auto info = witness->Get("/");
    const auto nl = info.ok() ? info->body.find('\n') : std::string::npos;
    auto named = nl == std::string::npos
                     ? Result<tlog::NoteVerifier>(Status::Unavailable("no key at GET /"))
                     : tlog::ParseCosignatureVerifierKey(
                           info->body.substr(nl + 1, info->body.find('\n', nl + 1) - nl - 1));
    if (!named.ok()) return fail("give --witness-key: the witness did not name its key");
    key = *named;
  }
  auto cosigned_by = client::AskWitness(*witness, key, note, size, consistency);
  if (!cosigned_by.ok()) {
    if (cosigned_by.error().code() == StatusCode::kFailedPrecondition &&
        cosigned_by.error().message().find("another history") != std::string::npos) {
      out << "NOT CONSISTENT: " << cosigned_by.error().message() << "\n";
      return kVerifyProofInvalid;
    }
    if (cosigned_by.error().code() == StatusCode::kBadSignature) {
      out << "NOT VALID: " << cosigned_by.error().message() << "\n";
      return kVerifyProofInvalid;
    }
    return fail(cosigned_by.error().ToString());
  }
  const std::string cosigned = note + cosigned_by->line;
  const std::string when = " at " + UtcTime(cosigned_by->timestamp * 1000);
  const std::uint64_t old_size = cosigned_by->previous_size;
  if (!o.out.empty()) {
    if (Status s = WriteFileAtomic(o.out, cosigned, {}); !s.ok()) return fail(s.ToString());
  }
  out << "WITNESSED: " << Describe(checked) << ", cosigned by " << key.name
      << (witness_key ? "" : " (its key as it named it: give --witness-key)") << when
      << (old_size > 0 ? " after a consistency proof from " + std::to_string(old_size) + " records"
                       : std::string())
      << "\n";
  return kVerifyInForce;
}

int RunLogInclusion(const LogInclusionOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& why) {
    err << "tamga log inclusion: " << why << "\n";
    return kVerifyError;
  };
  auto invalid = [&](const std::string& why) {
    out << "NOT VALID: " << why << "\n";
    return kVerifyProofInvalid;
  };
  std::vector<tlog::NoteVerifier> witnesses;
  for (const std::string& w : o.witness_keys) {
    auto key = ReadWitnessKey(w);
    if (!key.ok()) return fail("--witness-key " + w + ": " + key.error().message());
    witnesses.push_back(*key);
  }
  auto anchor = LoadAnchor(o.genesis_file);
  if (!anchor.ok()) return fail(anchor.error().ToString());
  auto site = client::HttpClient::Connect(o.tiles, 30'000);
  if (!site.ok()) return fail(site.error().ToString());
  auto r = site->Get("/checkpoint");
  if (!r.ok()) return fail(r.error().ToString());
  if (r->status != 200) return fail(o.tiles + "/checkpoint answered " + std::to_string(r->status));
  const std::string note = std::move(r->body);
  auto checked = CheckCheckpointNote(note, anchor->chain_id, {anchor->validators});
  if (!checked.ok() && checked.error().message().find("not signed by a quorum of any") == 0) {
    // Perhaps signed by a later set, which a static site cannot prove.
    return fail(
        "the checkpoint is not signed by a quorum of the genesis' validators, the only "
        "set known here; if the set has changed since, check it with tamga log "
        "checkpoint --node (" +
        checked.error().message() + ")");
  }
  if (!checked.ok()) return invalid("the checkpoint: " + checked.error().message());
  const auto cosigners = Cosigners(note, witnesses);
  if (cosigners.size() < witnesses.size()) {
    return invalid(Describe(*checked) + ", cosigned by " + std::to_string(cosigners.size()) +
                   " of the " + std::to_string(witnesses.size()) + " witnesses required");
  }
  const std::uint64_t size = checked->checkpoint.size;
  if (o.index >= size) {
    return fail("the checkpoint holds " + std::to_string(size) + " records, not record " +
                std::to_string(o.index));
  }

  // Tiles, fetched once each, at the width the checkpoint's size gives them.
  std::map<std::pair<unsigned, std::uint64_t>, std::string> fetched;
  auto tile = [&](const tlog::TileId& id) -> Result<std::string> {
    auto key = std::make_pair(id.entries ? 99u : id.level, id.index);
    if (auto it = fetched.find(key); it != fetched.end()) return it->second;
    TAMGA_ASSIGN_OR_RETURN(client::HttpResponse t, site->Get("/" + tlog::TilePath(id)));
    if (t.status != 200) {
      return Status::NotFound("/" + tlog::TilePath(id) + " answered " + std::to_string(t.status));
    }
    return fetched.emplace(key, std::move(t.body)).first->second;
  };
  auto width = [&](std::uint8_t level, std::uint64_t n) {
    return n < tlog::FullTiles(size, level) ? 256u : tlog::PartialTileWidth(size, level);
  };
  // A complete subtree of 2^k records is 2^(k mod 8) consecutive hashes of one tile at
  // level k / 8.
  auto complete = [&](std::uint64_t start, std::uint64_t end) -> Result<Hash32> {
    const unsigned k = static_cast<unsigned>(std::countr_zero(end - start));
    const auto level = static_cast<std::uint8_t>(k / 8);
    const std::uint64_t first = start >> (8 * level), count = std::uint64_t{1} << (k % 8);
    const tlog::TileId id{level, first / 256, width(level, first / 256), false};
    TAMGA_ASSIGN_OR_RETURN(std::string bytes, tile(id));
    const std::uint64_t at = first % 256;
    if (bytes.size() != std::size_t{id.width} * Hash32::kSize || at + count > id.width) {
      return Status::Corruption(tlog::TilePath(id) + " is not " + std::to_string(id.width) +
                                " hashes");
    }
    std::vector<Hash32> hashes;
    for (std::uint64_t i = at; i < at + count; ++i) {
      hashes.push_back(Hash32::FromView(AsBytes(bytes).subspan(i * Hash32::kSize, Hash32::kSize)));
    }
    return MerkleRoot(std::move(hashes));
  };
  const ledger::SubtreeHashFn range = [&](std::uint64_t start, std::uint64_t end) {
    return ledger::RangeHash(start, end, complete);
  };
  auto path = ledger::BuildInclusionProof(o.index, size, range);
  if (!path.ok() && path.error().code() != StatusCode::kCorruption) {
    return fail(path.error().ToString());  // A tile the site did not give.
  }
  if (!path.ok()) return invalid("the tiles do not give a proof: " + path.error().message());
  const tlog::TileId bundle_id{0, o.index / 256, width(0, o.index / 256), true};
  auto bundle = tile(bundle_id);
  if (!bundle.ok()) return fail(bundle.error().ToString());
  auto entries = tlog::DecodeEntryBundle(AsBytes(*bundle));
  if (!entries.ok() || entries->size() != bundle_id.width) {
    return invalid(tlog::TilePath(bundle_id) + " is not a bundle of " +
                   std::to_string(bundle_id.width) + " records");
  }
  const Bytes& leaf = (*entries)[o.index % 256];
  if (ledger::CheckInclusion(o.index, size, MerkleLeafHash(leaf), *path,
                             checked->checkpoint.root) != ledger::PathCheck::kOk) {
    return invalid("record " + std::to_string(o.index) + " as the tiles give it does not lead to " +
                   Describe(*checked));
  }
  auto record = Decode<ledger::LogRecord>(leaf, "log record");
  if (!record.ok())
    return invalid("record " + std::to_string(o.index) + ": " + record.error().message());
  out << "INCLUDED: record " << o.index << " (kind " << record->kind << ", transaction "
      << record->tx_hash.ToHex() << ", block " << record->height.ToString() << ") is in "
      << Describe(*checked);
  for (const auto& [w, at] : cosigners)
    out << ", cosigned by " << w.name << " (" << UtcTime(at * 1000) << ")";
  out << "; read from " << o.tiles << " alone (" << fetched.size() << " files)\n";
  return kVerifyInForce;
}

}  // namespace tamga::cli
