// tests/fuzz/proof_file_fuzz.cc
// A proof file as `tamga verify` and the verifier page read it: the first 32 bytes are the
// SHA-256 of the document asked about, the rest is the proof's JSON, checked against the
// genesis every vector of docs/vectors pins (the same code as the command line:
// cli::ExplainDocument, and cli::ExplainRecognition for an AEO question). The seeds are the
// vectors' own proofs. A verdict either way is fine; a crash or a hang is a finding.

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/verify_command.h"
#include "client/genesis_file.h"
#include "tests/fuzz/fuzz.h"

namespace {

using namespace tamga;

const contracts::Genesis& PinnedGenesis() {
  static const contracts::Genesis genesis = [] {
    std::ifstream in(std::string(TAMGA_SOURCE_DIR) + "/docs/vectors/anchor-valid.json");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto parsed = client::ParseGenesisJson(nlohmann::json::parse(text).at("genesis").dump());
    TAMGA_FUZZ_CHECK(parsed.ok(), "the vectors' genesis does not parse");
    return *parsed;
  }();
  return genesis;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const contracts::Genesis& genesis = PinnedGenesis();
  if (size < Hash32::kSize) return 0;
  const Hash32 document = Hash32::FromView(fuzz::View(data, Hash32::kSize));
  const std::string_view json(reinterpret_cast<const char*>(data) + Hash32::kSize,
                              size - Hash32::kSize);
  const std::uint64_t now_ms = 1'900'000'000'000;
  const cli::DocumentVerdict d = cli::ExplainDocument(genesis, document, json, now_ms);
  TAMGA_FUZZ_CHECK(!d.code.empty() && !d.headline.empty(), "a verdict without a code or words");
  const cli::DocumentVerdict r =
      cli::ExplainRecognition(genesis, "KZ", document, "UZ", now_ms, json, now_ms);
  TAMGA_FUZZ_CHECK(!r.code.empty(), "a recognition verdict without a code");
  return 0;
}
