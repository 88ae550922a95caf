// tests/fuzz/config_fuzz.cc
// tamgad.toml as the daemon reads it (node::ParseConfig): any text gives a configuration
// or an error that names what is wrong, never a crash. Paths in it are only resolved
// against the base directory here, not opened.

#include <string_view>

#include "node/config.h"
#include "tests/fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = tamga::node::ParseConfig(text, "/nonexistent/fuzz");
  if (!config.ok()) {
    TAMGA_FUZZ_CHECK(!config.error().message().empty(), "a refusal that says nothing");
  }
  return 0;
}
