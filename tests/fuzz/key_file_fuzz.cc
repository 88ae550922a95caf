// tests/fuzz/key_file_fuzz.cc
// A validator's or an administrator's key file (common/key_file.h). A key file ends with a
// checksum of the rest, which random bytes never match; so the harness writes the right
// checksum under whatever body the fuzzer made, and the parser's deeper checks (fields,
// hex, the seed against its public key, the sealed seed) are what gets explored. An
// encrypted file is opened with a passphrase only when its Argon2id costs are small, so a
// slow key derivation is not mistaken for a hang.

#include <cstdlib>
#include <string>

#include "common/key_file.h"
#include "common/sha256.h"
#include "tests/fuzz/fuzz.h"

namespace {

// The value of the line "name: value" in `text`, or "" if there is none.
std::string Field(const std::string& text, const std::string& name) {
  const std::string key = name + ": ";
  const std::size_t at = text.find(key);
  if (at == std::string::npos || (at != 0 && text[at - 1] != '\n')) return "";
  const std::size_t end = text.find('\n', at);
  return text.substr(at + key.size(), end == std::string::npos ? end : end - at - key.size());
}

bool Cheap(const std::string& text) {
  const std::string ops = Field(text, "opslimit");
  const std::string mem = Field(text, "memlimit");
  if (ops.empty() || mem.empty() || ops.size() > 2 || mem.size() > 7) return false;
  return std::strtoull(ops.c_str(), nullptr, 10) <= 3 &&
         std::strtoull(mem.c_str(), nullptr, 10) <= (1u << 20);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tamga;
  std::string body(reinterpret_cast<const char*>(data), size);
  if (const std::size_t at = body.rfind("checksum: ");
      at != std::string::npos && (at == 0 || body[at - 1] == '\n')) {
    body.resize(at);
  }
  const std::string text = body + "checksum: " + Sha256Of(AsBytes(body)).ToHex() + "\n";
  (void)ParseKeyFile("fuzzed", text, std::nullopt);
  if (Cheap(text)) (void)ParseKeyFile("fuzzed", text, "correct horse");
  return 0;
}
