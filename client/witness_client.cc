// client/witness_client.cc

#include "client/witness_client.h"

#include <charconv>
#include <optional>

#include "tlog/base64.h"
#include "tlog/cosignature.h"

namespace tamga::client {
namespace {

// The size a 409 names ("<size>\n").
std::optional<std::uint64_t> ConflictSize(const std::string& body) {
  std::uint64_t size = 0;
  if (body.empty() || body.back() != '\n') return std::nullopt;
  const char* end = body.data() + body.size() - 1;
  if (std::from_chars(body.data(), end, size).ptr != end) return std::nullopt;
  return size;
}

}  // namespace

Result<Cosigned> AskWitness(HttpClient& witness, const tlog::NoteVerifier& key,
                            const std::string& note, std::uint64_t size,
                            const ConsistencyFn& consistency) {
  std::uint64_t old_size = 0;
  std::string proof;
  // Other clients (the other validators) feed the same witness, so its record may move
  // between two requests: follow it a few times.
  for (int attempt = 0; attempt < 4; ++attempt) {
    TAMGA_ASSIGN_OR_RETURN(
        HttpResponse r, witness.Post("/add-checkpoint", "old " + std::to_string(old_size) + "\n" +
                                                            proof + "\n" + note));
    if (r.status == 200) {
      TAMGA_ASSIGN_OR_RETURN(tlog::Note cosigned, tlog::ParseNote(note + r.body));
      for (const tlog::NoteSignature& s : cosigned.signatures) {
        if (s.name != key.name || s.key_id != key.key_id) continue;
        TAMGA_ASSIGN_OR_RETURN(std::uint64_t at, tlog::VerifyCosignature(cosigned.text, s, key));
        return Cosigned{tlog::FormatSignatureLine(s), at, old_size};
      }
      return Status::BadSignature("the witness answered no cosignature by " + key.name);
    }
    if (r.status == 422) {
      return Status::FailedPrecondition("the witness did not accept the consistency proof from " +
                                        std::to_string(old_size) + " to " + std::to_string(size) +
                                        " records (422): what it cosigned is not extended by "
                                        "this checkpoint, or the proof was wrong");
    }
    const auto latest = r.status == 409 ? ConflictSize(r.body) : std::nullopt;
    if (!latest) {
      return Status::Unavailable("the witness answered " + std::to_string(r.status) + ": " +
                                 r.body.substr(0, 200));
    }
    if (*latest > size) {
      return Status::FailedPrecondition("the witness has cosigned " + std::to_string(*latest) +
                                        " records, more than this checkpoint's " +
                                        std::to_string(size));
    }
    if (*latest == size && old_size == size) {
      // It holds this very size, and refused the root: another root.
      return Status::FailedPrecondition("the witness has cosigned another root for " +
                                        std::to_string(size) +
                                        " records: it was shown another history of this log");
    }
    old_size = *latest;
    TAMGA_ASSIGN_OR_RETURN(std::vector<Hash32> hashes, consistency(old_size, size));
    proof.clear();
    for (const Hash32& h : hashes) proof += tlog::Base64Encode(h.view()) + "\n";
  }
  return Status::Unavailable("the witness's record kept moving; ask again");
}

}  // namespace tamga::client
