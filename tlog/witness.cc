// tlog/witness.cc

#include "tlog/witness.h"

#include <algorithm>
#include <utility>

#include "common/merkle.h"
#include "ledger/log_proof.h"
#include "tlog/base64.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"

namespace tamga::tlog {
namespace {

constexpr std::string_view kTextType = "text/plain; charset=utf-8";
constexpr std::string_view kSizeType = "text/x.tlog.size";
constexpr std::string_view kOldPrefix = "old ";

struct Request {
  std::uint64_t old_size = 0;
  std::vector<Hash32> proof;
  Note note;
  Checkpoint checkpoint;
};

// The next '\n'-terminated line of `rest`, which moves past it; nullopt if none is left.
std::optional<std::string_view> NextLine(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  if (end == rest.npos) return std::nullopt;
  const std::string_view line = rest.substr(0, end);
  rest.remove_prefix(end + 1);
  return line;
}

Result<Hash32> DecodeHash(std::string_view line) {
  Result<Bytes> raw = Base64Decode(line);
  if (!raw || raw->size() != Hash32::kSize) {
    return Status::Corruption("not the base64 of a 32-byte hash");
  }
  return Hash32::FromView(*raw);
}

Result<Request> ParseRequest(std::string_view body) {
  Request r;
  std::optional<std::string_view> line = NextLine(body);
  if (!line || !line->starts_with(kOldPrefix)) {
    return Status::Corruption("the body does not start with an old size line");
  }
  const std::optional<std::uint64_t> old_size = ParseTreeSize(line->substr(kOldPrefix.size()));
  if (!old_size) return Status::Corruption("the old size is not a canonical decimal");
  r.old_size = *old_size;
  while (true) {
    line = NextLine(body);
    if (!line) return Status::Corruption("no empty line before the checkpoint");
    if (line->empty()) break;
    if (r.proof.size() == kWitnessMaxProofLines) {
      return Status::Corruption("over " + std::to_string(kWitnessMaxProofLines) +
                                " consistency proof lines");
    }
    Result<Hash32> hash = DecodeHash(*line);
    if (!hash) {
      return Status::Corruption("consistency proof line " + std::to_string(r.proof.size() + 1) +
                                " is " + hash.error().message());
    }
    r.proof.push_back(*hash);
  }
  Result<Note> note = ParseNote(body);
  if (!note) return Status::Corruption("the checkpoint: " + note.error().message());
  r.note = std::move(note).value();
  Result<Checkpoint> checkpoint = ParseCheckpointText(r.note.text);
  if (!checkpoint) return Status::Corruption("the checkpoint: " + checkpoint.error().message());
  r.checkpoint = std::move(checkpoint).value();
  return r;
}

WitnessAnswer Refuse(int status, const std::string& why, std::string origin = {}) {
  return {status, std::string(kTextType), why + "\n", std::nullopt, std::move(origin)};
}

WitnessAnswer Conflict(std::uint64_t latest, std::string origin) {
  return {409, std::string(kSizeType), std::to_string(latest) + "\n", std::nullopt,
          std::move(origin)};
}

}  // namespace

std::string EncodeWitnessState(const WitnessState& state) {
  std::string out;
  for (const auto& [origin, latest] : state.latest) {
    out +=
        origin + " " + std::to_string(latest.size) + " " + Base64Encode(latest.root.view()) + "\n";
  }
  return out;
}

Result<WitnessState> DecodeWitnessState(std::string_view text) {
  WitnessState state;
  for (std::size_t n = 1; !text.empty(); ++n) {
    const std::string where = "witness state line " + std::to_string(n);
    const std::optional<std::string_view> line = NextLine(text);
    if (!line) return Status::Corruption(where + " does not end in a newline");
    const std::size_t space1 = line->find(' ');
    const std::size_t space2 = space1 == line->npos ? line->npos : line->find(' ', space1 + 1);
    if (space2 == line->npos) return Status::Corruption(where + " is not origin, size and root");
    std::string origin(line->substr(0, space1));
    if (!ValidKeyName(origin)) return Status::Corruption(where + ": invalid origin");
    if (!state.latest.empty() && state.latest.rbegin()->first >= origin) {
      return Status::Corruption(where + ": origins not in strictly increasing order");
    }
    const std::optional<std::uint64_t> size =
        ParseTreeSize(line->substr(space1 + 1, space2 - space1 - 1));
    if (!size) return Status::Corruption(where + ": the size is not a canonical decimal");
    Result<Hash32> root = DecodeHash(line->substr(space2 + 1));
    if (!root) return Status::Corruption(where + ": the root is " + root.error().message());
    state.latest.emplace(std::move(origin), WitnessLatest{*size, *root});
  }
  return state;
}

Result<Witness::Log> Witness::BuildLog(const WitnessedLog& l) {
  if (!ValidKeyName(l.origin)) return Status::InvalidArgument("invalid log origin " + l.origin);
  if (l.quorum < 1 || l.quorum > l.keys.size()) {
    return Status::InvalidArgument("log " + l.origin + " has a quorum of " +
                                   std::to_string(l.quorum) + " of " +
                                   std::to_string(l.keys.size()) + " keys");
  }
  Log entry;
  entry.quorum = l.quorum;
  entry.generation = l.generation;
  for (const PublicKey& k : l.keys) {
    NoteVerifier v = MakeVerifier(l.origin, k);
    if (std::any_of(entry.keys.begin(), entry.keys.end(),
                    [&](const NoteVerifier& o) { return o.key_id == v.key_id; })) {
      return Status::InvalidArgument("log " + l.origin + " has two keys with one key ID");
    }
    entry.keys.push_back(std::move(v));
  }
  return entry;
}

Witness::Witness(std::string name, SecretKey key, std::vector<WitnessedLog> logs,
                 WitnessState state)
    : name_(std::move(name)), key_(std::move(key)), state_(std::move(state)) {
  TAMGA_CHECK_MSG(ValidKeyName(name_), "invalid witness name");
  for (WitnessedLog& l : logs) {
    auto entry = BuildLog(l);
    TAMGA_CHECK_MSG(entry.ok(), entry.error().message());
    const bool added = logs_.emplace(std::move(l.origin), std::move(entry).value()).second;
    TAMGA_CHECK_MSG(added, "two logs with one origin");
  }
}

Status Witness::SetLogKeys(const WitnessedLog& log) {
  auto it = logs_.find(log.origin);
  if (it == logs_.end()) return Status::NotFound("this witness does not follow " + log.origin);
  if (log.generation <= it->second.generation) {
    return Status::FailedPrecondition("keys of generation " + std::to_string(log.generation) +
                                      ", not after the " + std::to_string(it->second.generation) +
                                      " held");
  }
  TAMGA_ASSIGN_OR_RETURN(Log entry, BuildLog(log));
  it->second = std::move(entry);
  return Status::Ok();
}

NoteVerifier Witness::verifier() const { return MakeCosignatureVerifier(name_, key_.public_key()); }

WitnessAnswer Witness::AddCheckpoint(std::string_view body, std::uint64_t now) {
  TAMGA_CHECK_MSG(now <= kMaxCosignatureTime, "witness clock over 2^63 - 1 seconds");
  if (body.size() > kWitnessBodyMax) {
    return Refuse(413, "a body of " + std::to_string(body.size()) + " bytes, over the limit of " +
                           std::to_string(kWitnessBodyMax));
  }
  Result<Request> parsed = ParseRequest(body);
  if (!parsed) return Refuse(400, parsed.error().message());
  Request& r = *parsed;
  const Checkpoint& c = r.checkpoint;
  const auto followed = logs_.find(c.origin);
  if (followed == logs_.end()) return Refuse(404, "unknown log origin " + c.origin, c.origin);

  Result<std::vector<NoteVerifier>> verified = VerifyNote(r.note, followed->second.keys);
  if (!verified) return Refuse(403, verified.error().message(), c.origin);
  if (verified->size() < followed->second.quorum) {
    return Refuse(403,
                  std::to_string(verified->size()) + " of the log's keys signed, fewer than " +
                      "its quorum of " + std::to_string(followed->second.quorum),
                  c.origin);
  }
  if (r.old_size > c.size) {
    return Refuse(400,
                  "old size " + std::to_string(r.old_size) + " over the checkpoint's size " +
                      std::to_string(c.size),
                  c.origin);
  }

  // Never cosigned: the empty tree.
  WitnessLatest latest{0, MerkleRoot({})};
  if (const auto it = state_.latest.find(c.origin); it != state_.latest.end()) latest = it->second;
  if (r.old_size != latest.size) return Conflict(latest.size, c.origin);
  if (r.old_size == c.size) {
    if (!r.proof.empty()) {
      return Refuse(422, "a consistency proof between equal sizes must be empty", c.origin);
    }
    if (c.root != latest.root) return Conflict(latest.size, c.origin);
  } else if (ledger::CheckConsistency(r.old_size, c.size, latest.root, c.root, r.proof) !=
             ledger::PathCheck::kOk) {
    return Refuse(422,
                  "the consistency proof from " + std::to_string(r.old_size) + " to " +
                      std::to_string(c.size) + " does not verify",
                  c.origin);
  }

  WitnessAnswer a{200, std::string(kTextType),
                  FormatSignatureLine(Cosign(r.note.text, name_, key_, now)), std::nullopt,
                  c.origin};
  const WitnessLatest next{c.size, c.root};
  auto [it, added] = state_.latest.try_emplace(c.origin, next);
  if (added || it->second != next) {
    it->second = next;
    a.updated = next;
  }
  return a;
}

}  // namespace tamga::tlog
