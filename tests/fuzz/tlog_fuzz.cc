// tests/fuzz/tlog_fuzz.cc
// The transparency-log formats as a client of GET /checkpoint and the tiles reads them
// (tlog/), and as a witness reads an add-checkpoint request: the same bytes as a witness's
// request body, a signed note (checked against two known keys), a checkpoint's text, a
// tile path, and an entry bundle. Each parser accepts only the
// one spelling its writer makes: whatever parses must be written back to the same bytes
// (for notes, whatever parses must parse again to the same note).

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"
#include "tlog/tiles.h"
#include "tlog/witness.h"

namespace {

using namespace tamga;

SecretKey KeyOf(std::uint8_t fill) {
  std::array<std::uint8_t, SecretKey::kSeedSize> seed{};
  seed.fill(fill);
  return SecretKey::FromSeed(seed);
}

// The log's keys, as tests/fuzz/seeds_main.cc signs the seeds with them.
std::vector<tlog::NoteVerifier> KnownKeys() {
  std::vector<tlog::NoteVerifier> known;
  for (std::uint8_t i = 1; i <= 2; ++i) {
    known.push_back(tlog::MakeVerifier("fuzz.example/log", KeyOf(i).public_key()));
  }
  return known;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<tlog::NoteVerifier> known = KnownKeys();
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  // The same bytes as an add-checkpoint body, to a fresh witness of a log of the two keys
  // (quorum 1): every answer is one tlog-witness names, and a 200 carries a cosignature of
  // the checkpoint that verifies.
  {
    tlog::WitnessedLog log{"fuzz.example/log", {known[0].key, known[1].key}, 1, 0};
    tlog::Witness witness("fuzz.example/witness", KeyOf(9), {log}, {});
    const tlog::WitnessAnswer a = witness.AddCheckpoint(in, 1'700'000'000);
    TAMGA_FUZZ_CHECK(a.status == 200 || a.status == 400 || a.status == 403 || a.status == 404 ||
                         a.status == 409 || a.status == 413 || a.status == 422,
                     "a witness answers only what tlog-witness names");
    if (a.status == 200) {
      const auto blank = in.find("\n\n");
      auto note = tlog::ParseNote(in.substr(blank + 2));
      auto cosigned = note.ok() ? tlog::ParseNote(tlog::FormatNote(*note) + a.body)
                                : Result<tlog::Note>(note.error());
      TAMGA_FUZZ_CHECK(
          cosigned.ok() && tlog::VerifyCosignature(cosigned->text, cosigned->signatures.back(),
                                                   witness.verifier())
                               .ok(),
          "a cosignature verifies over the checkpoint");
    }
  }
  if (auto note = tlog::ParseNote(in); note.ok()) {
    auto again = tlog::ParseNote(tlog::FormatNote(*note));
    TAMGA_FUZZ_CHECK(again.ok() && *again == *note, "a parsed note parses back the same");
    auto verified = tlog::VerifyNote(*note, known);
    TAMGA_FUZZ_CHECK(!verified.ok() || !verified->empty(), "a verified note has a signer");
  }
  if (auto c = tlog::ParseCheckpointText(in); c.ok()) {
    TAMGA_FUZZ_CHECK(tlog::FormatCheckpointText(*c) == in, "a checkpoint has one spelling");
  }
  if (auto t = tlog::ParseTilePath(in); t.ok()) {
    TAMGA_FUZZ_CHECK(tlog::TilePath(*t) == in, "a tile has one path");
  }
  if (auto entries = tlog::DecodeEntryBundle(fuzz::View(data, size)); entries.ok()) {
    auto back = tlog::EncodeEntryBundle(*entries);
    TAMGA_FUZZ_CHECK(back.ok() && *back == Bytes(data, data + size),
                     "an entry bundle has one encoding");
  }
  return 0;
}
