// cli/checkpoint_check.cc

#include "cli/checkpoint_check.h"

#include <algorithm>
#include <filesystem>

#include "common/file_util.h"
#include "tlog/cosignature.h"

namespace tamga::cli {

Result<CheckedCheckpoint> CheckCheckpointNote(std::string_view text, const ChainId& chain,
                                              const std::vector<ValidatorSet>& sets) {
  auto note = tlog::ParseNote(text);
  if (!note.ok()) return Status::Corruption("not a signed note: " + note.error().message());
  auto c = tlog::ParseCheckpointText(note->text);
  if (!c.ok()) return Status::Corruption("not a checkpoint: " + c.error().message());
  const std::string origin = tlog::ChainOrigin(chain);
  if (c->origin != origin) {
    return Status::PermissionDenied("a checkpoint of log " + c->origin +
                                    ", the pinned genesis' log is " + origin);
  }
  std::string best = "signed by no validator known here";
  for (auto it = sets.rbegin(); it != sets.rend(); ++it) {
    const ValidatorSet& set = *it;
    std::vector<tlog::NoteVerifier> known;
    for (const PublicKey& k : set.validators) known.push_back(tlog::MakeVerifier(origin, k));
    auto verified = tlog::VerifyNote(*note, known);
    if (!verified.ok()) {
      // None of this set signed; or one did and its signature is wrong.
      for (const tlog::NoteSignature& s : note->signatures) {
        for (const tlog::NoteVerifier& k : known) {
          if (s.name == k.name && s.key_id == k.key_id) {
            return Status::BadSignature("validator " + k.key.ShortHex() + " of epoch " +
                                        set.epoch.ToString() + ": " + verified.error().message());
          }
        }
      }
    }
    const std::size_t count = verified.ok() ? verified->size() : 0;
    if (count >= set.QuorumSize()) return CheckedCheckpoint{*c, set, count};
    best = "signed by " + std::to_string(count) + " of the " + std::to_string(set.size()) +
           " validators of epoch " + set.epoch.ToString() + ", a quorum is " +
           std::to_string(set.QuorumSize());
  }
  return Status::BadSignature("not signed by a quorum of any validator set known here (" + best +
                              ")");
}

std::string Describe(const CheckedCheckpoint& c) {
  return "the checkpoint of " + std::to_string(c.checkpoint.size) + " records (root " +
         c.checkpoint.root.ToHex() + "), signed by " + std::to_string(c.signed_by) + " of the " +
         std::to_string(c.validators.size()) + " validators of epoch " +
         c.validators.epoch.ToString();
}

Result<tlog::NoteVerifier> ReadWitnessKey(const std::string& key_or_file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(key_or_file, ec)) {
    return tlog::ParseCosignatureVerifierKey(key_or_file);
  }
  TAMGA_ASSIGN_OR_RETURN(std::string text, ReadFileToString(key_or_file, 4096));
  const std::string line = text.substr(0, text.find('\n'));
  auto key = tlog::ParseCosignatureVerifierKey(line);
  if (!key.ok()) return Status::InvalidArgument(key_or_file + ": " + key.error().message());
  return key;
}

std::vector<std::pair<tlog::NoteVerifier, std::uint64_t>> Cosigners(
    std::string_view note, std::span<const tlog::NoteVerifier> witnesses) {
  std::vector<std::pair<tlog::NoteVerifier, std::uint64_t>> out;
  auto parsed = tlog::ParseNote(note);
  if (!parsed.ok()) return out;
  for (const tlog::NoteVerifier& w : witnesses) {
    // One witness given twice (its key and a file holding it) counts once.
    if (std::any_of(out.begin(), out.end(), [&](const auto& c) {
          return c.first.name == w.name && c.first.key_id == w.key_id;
        })) {
      continue;
    }
    for (const tlog::NoteSignature& s : parsed->signatures) {
      if (s.name != w.name || s.key_id != w.key_id) continue;
      if (auto at = tlog::VerifyCosignature(parsed->text, s, w); at.ok()) {
        out.emplace_back(w, *at);
        break;
      }
    }
  }
  return out;
}

}  // namespace tamga::cli
