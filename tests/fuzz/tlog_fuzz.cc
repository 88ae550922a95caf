// tests/fuzz/tlog_fuzz.cc
// The transparency-log formats as a client of GET /checkpoint and the tiles reads them
// (tlog/): the same bytes as a signed note (checked against two known keys), as a
// checkpoint's text, as a tile path, and as an entry bundle. Each parser accepts only the
// one spelling its writer makes: whatever parses must be written back to the same bytes
// (for notes, whatever parses must parse again to the same note).

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"
#include "tlog/tiles.h"

namespace {

using namespace tamga;

std::vector<tlog::NoteVerifier> KnownKeys() {
  std::vector<tlog::NoteVerifier> known;
  for (std::uint8_t i = 1; i <= 2; ++i) {
    std::array<std::uint8_t, SecretKey::kSeedSize> seed{};
    seed.fill(i);
    known.push_back(tlog::MakeVerifier("fuzz.example/log", SecretKey::FromSeed(seed).public_key()));
  }
  return known;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<tlog::NoteVerifier> known = KnownKeys();
  const std::string_view in(reinterpret_cast<const char*>(data), size);

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
