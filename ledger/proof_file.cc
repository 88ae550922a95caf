// ledger/proof_file.cc

#include "ledger/proof_file.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "common/ed25519.h"
#include "common/merkle.h"
#include "common/sha256.h"
#include "ledger/log_proof.h"

namespace tamga::ledger {
namespace {

using nlohmann::json;

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();

// --- JSON -------------------------------------------------------------------------------

template <typename T>
std::string HexOf(const T& value) {
  return ToHex(Encode(value));
}

json StateProofJson(const StateProof& p) {
  json siblings = json::array();
  for (const Hash32& h : p.siblings) siblings.push_back(h.ToHex());
  json leaf = nullptr;
  if (p.leaf) leaf = {{"key", p.leaf->key.ToHex()}, {"value_hash", p.leaf->value_hash.ToHex()}};
  return {{"siblings", siblings}, {"leaf", leaf}};
}

json CommittedJson(const CommittedHeader& c) {
  json headers = json::array(), qcs = json::array();
  for (const BlockHeader& h : c.commit.headers) headers.push_back(HexOf(h));
  for (const QuorumCertificate& q : c.commit.qcs) qcs.push_back(HexOf(q));
  return {{"header", HexOf(c.header)},
          {"qc", HexOf(c.qc)},
          {"commit", {{"headers", headers}, {"qcs", qcs}}}};
}

// Reading: every accessor names the field it failed on.
class Reader {
 public:
  Status error;

  const json* Field(const json& obj, const char* name) {
    if (!error.ok()) return nullptr;
    if (!obj.is_object() || !obj.contains(name)) {
      Fail(std::string("missing field \"") + name + "\"");
      return nullptr;
    }
    return &obj.at(name);
  }
  std::string String(const json& obj, const char* name) {
    const json* v = Field(obj, name);
    if (v == nullptr) return {};
    if (!v->is_string()) {
      Fail(std::string("field \"") + name + "\" is not a string");
      return {};
    }
    return v->get<std::string>();
  }
  Bytes HexBytes(const json& obj, const char* name) {
    std::string s = String(obj, name);
    if (!error.ok()) return {};
    Result<Bytes> b = FromHex(s);
    if (!b.ok()) {
      Fail(std::string("field \"") + name + "\" is not hex");
      return {};
    }
    return std::move(b).value();
  }
  Hash32 Hash(const json& v, const char* what) {
    if (!error.ok()) return {};
    if (!v.is_string()) {
      Fail(std::string(what) + " is not a string");
      return {};
    }
    Result<Hash32> h = Hash32::FromHex(v.get<std::string>());
    if (!h.ok()) {
      Fail(std::string(what) + " is not 64 hex digits");
      return {};
    }
    return h.value();
  }
  Hash32 HashField(const json& obj, const char* name) {
    const json* v = Field(obj, name);
    return v == nullptr ? Hash32() : Hash(*v, name);
  }
  const json* Array(const json& obj, const char* name) {
    const json* v = Field(obj, name);
    if (v != nullptr && !v->is_array()) {
      Fail(std::string("field \"") + name + "\" is not an array");
      return nullptr;
    }
    return v;
  }
  template <typename T>
  T Decoded(const json& obj, const char* name) {
    Bytes b = HexBytes(obj, name);
    if (!error.ok()) return T();
    return DecodeHex<T>(b, name);
  }
  template <typename T>
  T DecodeHex(const Bytes& b, std::string_view name) {
    Result<T> v = Decode<T>(b, name);
    if (!v.ok()) {
      Fail(v.error().ToString());
      return T();
    }
    return std::move(v).value();
  }
  void Fail(std::string m) {
    if (error.ok()) error = Status::Corruption(std::move(m));
  }
};

StateProof ReadStateProof(Reader& r, const json& obj) {
  StateProof p;
  const json* siblings = r.Array(obj, "siblings");
  if (siblings == nullptr) return p;
  if (siblings->size() > kStateKeyBits) {
    r.Fail("state proof has more than 256 siblings");
    return p;
  }
  for (std::size_t i = 0; r.error.ok() && i < siblings->size(); ++i) {
    p.siblings.push_back(r.Hash((*siblings)[i], "sibling"));
  }
  const json* leaf = r.Field(obj, "leaf");
  if (leaf != nullptr && !leaf->is_null()) {
    p.leaf = StateLeaf{r.HashField(*leaf, "key"), r.HashField(*leaf, "value_hash")};
  }
  return p;
}

// A JSON array of hex strings, each the canonical encoding of a T; stops at the first error.
template <typename T>
std::vector<T> ReadEncodedList(Reader& r, const json& list, const std::string& what) {
  std::vector<T> out;
  for (std::size_t i = 0; r.error.ok() && i < list.size(); ++i) {
    if (!list[i].is_string()) {
      r.Fail(what + " is not a string");
      break;
    }
    Result<Bytes> b = FromHex(list[i].get<std::string>());
    if (!b.ok()) {
      r.Fail(what + " is not hex");
      break;
    }
    out.push_back(r.DecodeHex<T>(*b, what));
  }
  return out;
}

CommittedHeader ReadCommitted(Reader& r, const json& obj) {
  CommittedHeader c;
  c.header = r.Decoded<BlockHeader>(obj, "header");
  c.qc = r.Decoded<QuorumCertificate>(obj, "qc");
  const json* commit = r.Field(obj, "commit");
  if (commit == nullptr) return c;
  const json* headers = r.Array(*commit, "headers");
  const json* qcs = r.Array(*commit, "qcs");
  if (headers == nullptr || qcs == nullptr) return c;
  if (headers->size() > kCommitHeadersMax || qcs->size() > 2) {
    r.Fail("commit evidence is longer than allowed");
    return c;
  }
  c.commit.headers = ReadEncodedList<BlockHeader>(r, *headers, "commit header");
  c.commit.qcs = ReadEncodedList<QuorumCertificate>(r, *qcs, "commit qc");
  return c;
}

// --- Verification -----------------------------------------------------------------------

struct Failure {
  ProofError error = ProofError::kOk;
  std::string message;
  bool ok() const { return error == ProofError::kOk; }
};

Failure Fail(ProofError e, std::string m) { return {e, std::move(m)}; }

// `qc` is a valid quorum certificate of `set` for the block `header`.
Failure CheckQc(const ChainId& chain, const ValidatorSet& set, const BlockHeader& header,
                const QuorumCertificate& qc, std::string_view what) {
  const std::string w(what);
  if (header.chain_id != chain || qc.data.chain_id != chain) {
    return Fail(ProofError::kWrongChain,
                w + " belongs to chain " + qc.data.chain_id.ShortHex() + ", not the pinned one");
  }
  if (header.epoch != set.epoch || qc.data.epoch != set.epoch) {
    return Fail(ProofError::kBrokenEpochChain,
                w + " is of epoch " + header.epoch.ToString() + " but the validator set " +
                    "followed from genesis is of epoch " + set.epoch.ToString());
  }
  if (qc.data.block_id != header.Id() || qc.data.height != header.height ||
      qc.data.round != header.round) {
    return Fail(ProofError::kBadSignature, "the QC of " + w + " certifies block " +
                                               qc.data.block_id.ShortHex() + ", not this header (" +
                                               header.Id().ShortHex() + ")");
  }
  if (Status order = CheckSignerOrder(qc); !order.ok()) {
    return Fail(ProofError::kMalformed, "the QC of " + w + ": " + order.message());
  }
  for (const QuorumSignature& s : qc.signatures) {
    if (s.signer.value() >= set.size()) {
      return Fail(ProofError::kSignerNotInSet,
                  "the QC of " + w + " names validator " + s.signer.ToString() + ", but epoch " +
                      set.epoch.ToString() + " has " + std::to_string(set.size()) + " validators");
    }
  }
  if (qc.signatures.size() < set.QuorumSize()) {
    return Fail(ProofError::kQuorumNotReached,
                "the QC of " + w + " has " + std::to_string(qc.signatures.size()) +
                    " signers; a quorum of epoch " + set.epoch.ToString() + " is " +
                    std::to_string(set.QuorumSize()));
  }
  const Bytes message = Encode(qc.data);
  for (const QuorumSignature& s : qc.signatures) {
    if (!VerifySignature(set.validators[s.signer.value()], SignDomain::kVote, message, s.signature)
             .ok()) {
      return Fail(ProofError::kBadSignature, "the QC of " + w + ": signature of validator " +
                                                 s.signer.ToString() + " does not verify");
    }
  }
  return {};
}

Failure CheckCommitted(const ChainId& chain, const ValidatorSet& set, const CommittedHeader& c,
                       std::string_view what) {
  Failure f = CheckQc(chain, set, c.header, c.qc, what);
  if (!f.ok()) return f;
  const std::string w(what);
  const CommitEvidence& e = c.commit;
  if (e.headers.empty() || e.qcs.size() != 2) {
    return Fail(ProofError::kNotCommitted,
                "commit evidence of " + w + " needs at least one header and two QCs");
  }
  const BlockHeader* prev = &c.header;
  for (const BlockHeader& h : e.headers) {
    if (h.parent_id != prev->Id() || prev->height.value() == kMaxU64 ||
        h.height != prev->height.Next() || h.epoch != set.epoch) {
      return Fail(ProofError::kNotCommitted, "commit evidence of " + w + ": header at height " +
                                                 h.height.ToString() +
                                                 " is not the child of the one before it");
    }
    prev = &h;
  }
  const BlockHeader& last = e.headers.back();
  const BlockHeader& before = e.headers.size() >= 2 ? e.headers[e.headers.size() - 2] : c.header;
  if (before.round.value() == kMaxU64 || last.round != before.round.Next()) {
    return Fail(ProofError::kNotCommitted, "commit evidence of " + w + ": the last two rounds (" +
                                               before.round.ToString() + ", " +
                                               last.round.ToString() + ") are not consecutive");
  }
  if (!(e.headers.size() == 1 && e.qcs[0] == c.qc)) {  // Else already checked above.
    f = CheckQc(chain, set, before, e.qcs[0], w + "'s commit evidence");
    if (!f.ok()) return f;
  }
  return CheckQc(chain, set, last, e.qcs[1], w + "'s commit evidence");
}

Failure FromPathCheck(PathCheck c, std::string_view what) {
  switch (c) {
    case PathCheck::kOk:
      return {};
    case PathCheck::kBadPath:
      return Fail(ProofError::kBadInclusionPath,
                  std::string(what) + ": the path cannot be one for its position or key");
    case PathCheck::kRootMismatch:
      return Fail(ProofError::kRootMismatch,
                  std::string(what) + ": the path does not lead to the certified root");
  }
  return {};
}

ProofVerdict Verdict(const Failure& f) { return ProofVerdict{f.error, f.message, {}}; }

}  // namespace

namespace {

// Each reason's stable code (test vectors, the page's texts) and words, in one table.
struct ProofErrorRow {
  ProofError error;
  std::string_view code;
  std::string_view text;
};
constexpr ProofErrorRow kProofErrors[] = {
    {ProofError::kOk, "ok", "ok"},
    {ProofError::kMalformed, "malformed_file", "malformed file"},
    {ProofError::kWrongChain, "wrong_chain", "wrong chain"},
    {ProofError::kBrokenEpochChain, "broken_epoch_chain", "broken epoch chain"},
    {ProofError::kSignerNotInSet, "signer_not_in_set", "signer not in the epoch's set"},
    {ProofError::kQuorumNotReached, "quorum_not_reached", "quorum not reached"},
    {ProofError::kBadSignature, "bad_signature", "bad signature"},
    {ProofError::kNotCommitted, "not_committed", "not committed"},
    {ProofError::kBadInclusionPath, "bad_inclusion_path", "bad inclusion path"},
    {ProofError::kRootMismatch, "root_mismatch", "root mismatch"},
};

const ProofErrorRow* RowOf(ProofError e) {
  for (const ProofErrorRow& r : kProofErrors) {
    if (r.error == e) return &r;
  }
  return nullptr;
}

}  // namespace

std::string_view ProofErrorName(ProofError e) {
  const ProofErrorRow* r = RowOf(e);
  return r == nullptr ? std::string_view("unknown") : r->text;
}

std::string_view ProofErrorCode(ProofError e) {
  const ProofErrorRow* r = RowOf(e);
  return r == nullptr ? std::string_view("unknown") : r->code;
}

std::string ProofToJson(const ProofFile& p) {
  json epochs = json::array();
  for (const EpochChange& c : p.epochs) {
    epochs.push_back({{"block", CommittedJson(c.block)},
                      {"validator_set", HexOf(c.next)},
                      {"validator_set_proof", StateProofJson(c.next_proof)}});
  }
  json out = {{"format", kProofFormat},
              {"chain_id", p.chain_id.ToHex()},
              {"epochs", epochs},
              {"block", CommittedJson(p.block)},
              {"validator_set", HexOf(p.block_validators)},
              {"validator_set_proof", StateProofJson(p.block_validators_proof)}};
  if (p.log) {
    json path = json::array();
    for (const Hash32& h : p.log->path) path.push_back(h.ToHex());
    out["log"] = {{"index", p.log->index}, {"record", ToHex(p.log->record)}, {"path", path}};
  }
  json state = json::array();
  for (const StateEntryProof& s : p.state) {
    state.push_back({{"key", s.key.ToHex()},
                     {"value", s.value ? json(ToHex(*s.value)) : json(nullptr)},
                     {"proof", StateProofJson(s.proof)}});
  }
  out["state"] = state;
  return out.dump(1);
}

Result<ProofFile> ProofFromJson(std::string_view text) {
  if (text.size() > kProofFileMax) {
    return Status::Corruption("proof file of " + std::to_string(text.size()) +
                              " bytes is over the limit of " + std::to_string(kProofFileMax));
  }
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::Corruption("proof file is not valid JSON");
  Reader r;
  ProofFile p;
  if (r.String(doc, "format") != kProofFormat && r.error.ok()) {
    return Status::Corruption("proof file format is not \"" + std::string(kProofFormat) + "\"");
  }
  p.chain_id = r.HashField(doc, "chain_id");
  if (const json* epochs = r.Array(doc, "epochs")) {
    if (epochs->size() > kProofEpochsMax)
      r.Fail("more than " + std::to_string(kProofEpochsMax) + " epochs");
    for (std::size_t i = 0; r.error.ok() && i < epochs->size(); ++i) {
      const json& e = (*epochs)[i];
      EpochChange c;
      if (const json* b = r.Field(e, "block")) c.block = ReadCommitted(r, *b);
      c.next = r.Decoded<ValidatorSetEntry>(e, "validator_set");
      if (const json* sp = r.Field(e, "validator_set_proof")) c.next_proof = ReadStateProof(r, *sp);
      p.epochs.push_back(std::move(c));
    }
  }
  if (const json* b = r.Field(doc, "block")) p.block = ReadCommitted(r, *b);
  p.block_validators = r.Decoded<ValidatorSetEntry>(doc, "validator_set");
  if (const json* sp = r.Field(doc, "validator_set_proof")) {
    p.block_validators_proof = ReadStateProof(r, *sp);
  }
  if (r.error.ok() && doc.contains("log") && !doc.at("log").is_null()) {
    const json& l = doc.at("log");
    LogEntryProof log;
    const json* index = r.Field(l, "index");
    if (index != nullptr &&
        (!index->is_number_unsigned() || index->get<std::uint64_t>() > kLogIndexMax)) {
      r.Fail("log index is not an integer between 0 and 2^53 - 1");
    }
    if (r.error.ok()) log.index = index->get<std::uint64_t>();
    log.record = r.HexBytes(l, "record");
    if (const json* path = r.Array(l, "path")) {
      if (path->size() > 64) r.Fail("log path longer than 64");
      for (std::size_t i = 0; r.error.ok() && i < path->size(); ++i) {
        log.path.push_back(r.Hash((*path)[i], "log path entry"));
      }
    }
    p.log = std::move(log);
  }
  if (const json* state = r.Array(doc, "state")) {
    if (state->size() > kProofStateEntriesMax) {
      r.Fail("more than " + std::to_string(kProofStateEntriesMax) + " state entries");
    }
    for (std::size_t i = 0; r.error.ok() && i < state->size(); ++i) {
      const json& s = (*state)[i];
      StateEntryProof e;
      e.key = r.HashField(s, "key");
      if (const json* v = r.Field(s, "value")) {
        if (!v->is_null()) e.value = r.HexBytes(s, "value");
      }
      if (const json* sp = r.Field(s, "proof")) e.proof = ReadStateProof(r, *sp);
      p.state.push_back(std::move(e));
    }
  }
  if (!r.error.ok()) return r.error;
  return p;
}

ProofVerdict VerifyProof(const TrustAnchor& anchor, const ProofFile& p) {
  if (anchor.validators.epoch != Epoch(0) || anchor.validators.validators.empty() ||
      !CheckValidatorKeys(anchor.validators).ok()) {
    return Verdict(Fail(ProofError::kMalformed,
                        "the pinned genesis does not hold a valid validator set of epoch 0"));
  }
  if (p.chain_id != anchor.chain_id) {
    return Verdict(Fail(ProofError::kWrongChain, "the proof is for chain " + p.chain_id.ShortHex() +
                                                     ", the pinned genesis is chain " +
                                                     anchor.chain_id.ShortHex()));
  }
  ValidatorSet set = anchor.validators;
  for (std::size_t i = 0; i < p.epochs.size(); ++i) {
    const EpochChange& c = p.epochs[i];
    const std::string what = "the end of epoch " + set.epoch.ToString();
    Failure f = CheckCommitted(anchor.chain_id, set, c.block, what);
    if (!f.ok()) return Verdict(f);
    const ValidatorSetEntry& next = c.next;
    if (next.set.epoch.value() != set.epoch.value() + 1 || next.set.validators.empty() ||
        !CheckValidatorKeys(next.set).ok() || next.changed_at != c.block.header.height) {
      return Verdict(Fail(ProofError::kBrokenEpochChain,
                          what + " names a set for epoch " + next.set.epoch.ToString() +
                              " changed at height " + next.changed_at.ToString() +
                              ", not a valid set for the next epoch changed by that block"));
    }
    const PathCheck sc = CheckStateProof(c.block.qc.data.result.state_root, ValidatorSetKey(),
                                         Sha256Of(Encode(next)), c.next_proof);
    if (sc != PathCheck::kOk) {
      return Verdict(Fail(ProofError::kBrokenEpochChain,
                          what + ": the next validator set is not the one in that block's state"));
    }
    set = next.set;
  }
  Failure f = CheckCommitted(anchor.chain_id, set, p.block, "the block");
  if (!f.ok()) return Verdict(f);
  // The block's own state says which set is in force after it: its epoch's (the epoch
  // goes on), or the next one set by this very block (it ends the epoch). A next set
  // changed by an earlier block means this block lies above the end of its epoch, where
  // certified blocks are abandoned.
  {
    const ValidatorSetEntry& entry = p.block_validators;
    if (CheckStateProof(p.block.qc.data.result.state_root, ValidatorSetKey(),
                        Sha256Of(Encode(entry)), p.block_validators_proof) != PathCheck::kOk) {
      return Verdict(Fail(ProofError::kBrokenEpochChain,
                          "the validator set given is not the one in the block's state"));
    }
    const Height h = p.block.header.height;
    const bool continues = entry.set == set;
    const bool ends_here =
        entry.set.epoch.value() == set.epoch.value() + 1 && entry.changed_at == h;
    if (!continues && !ends_here) {
      if (entry.set.epoch.value() == set.epoch.value() + 1 && entry.changed_at < h) {
        return Verdict(Fail(ProofError::kNotCommitted,
                            "the block at height " + h.ToString() +
                                " lies above the end of epoch " + set.epoch.ToString() +
                                " (height " + entry.changed_at.ToString() +
                                "): blocks certified there are abandoned"));
      }
      return Verdict(Fail(ProofError::kBrokenEpochChain,
                          "the block's state holds the validator set of epoch " +
                              entry.set.epoch.ToString() + ", not that of epoch " +
                              set.epoch.ToString()));
    }
  }

  ProofVerdict v;
  const ExecutionResult& result = p.block.qc.data.result;
  if (p.log) {
    f = FromPathCheck(CheckInclusion(p.log->index, result.log_size, MerkleLeafHash(p.log->record),
                                     p.log->path, result.log_root),
                      "log record " + std::to_string(p.log->index));
    if (!f.ok()) return Verdict(f);
    Result<LogRecord> record = Decode<LogRecord>(p.log->record, "log record");
    if (!record.ok()) {
      return Verdict(Fail(ProofError::kMalformed, record.error().ToString()));
    }
    v.facts.record = std::move(record).value();
    v.facts.log = p.log;
  }
  for (const StateEntryProof& s : p.state) {
    std::optional<Hash32> vh;
    if (s.value) vh = Sha256Of(*s.value);
    f = FromPathCheck(CheckStateProof(result.state_root, s.key, vh, s.proof),
                      "state entry " + s.key.ShortHex());
    if (!f.ok()) return Verdict(f);
  }
  v.facts.state = p.state;
  const BlockHeader& h = p.block.header;
  v.facts.height = h.height;
  v.facts.epoch = h.epoch;
  v.facts.round = h.round;
  v.facts.timestamp_ms = h.timestamp_ms;
  v.facts.block_id = h.Id();
  v.facts.result = result;
  for (const QuorumSignature& s : p.block.qc.signatures) {
    v.facts.signers.push_back(s.signer);
    v.facts.signer_keys.push_back(set.validators[s.signer.value()]);
  }
  v.facts.validators = set;
  v.facts.validators_after = p.block_validators.set;
  return v;
}

ProofVerdict VerifyProofJson(const TrustAnchor& anchor, std::string_view json_text) {
  Result<ProofFile> p = ProofFromJson(json_text);
  if (!p.ok()) return ProofVerdict{ProofError::kMalformed, p.error().message(), {}};
  return VerifyProof(anchor, *p);
}

}  // namespace tamga::ledger
