// tests/fuzz/genesis_fuzz.cc
// The genesis file every node and verifier loads (client/genesis_file.h), then the chain it
// would start (contracts::StartChain). What parses must print back to a file that parses
// to the same genesis: the chain id is the hash of the parsed value, so a lossy round trip
// would let two files that look alike start different chains.

#include <string_view>

#include "client/genesis_file.h"
#include "contracts/genesis.h"
#include "tests/fuzz/fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tamga;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto genesis = client::ParseGenesisJson(text);
  if (!genesis.ok()) return 0;
  auto again = client::ParseGenesisJson(client::GenesisToJson(*genesis));
  TAMGA_FUZZ_CHECK(again.ok(), "a parsed genesis, printed again, does not parse");
  TAMGA_FUZZ_CHECK(Encode(*again) == Encode(*genesis), "a genesis changes in a round trip");
  (void)contracts::StartChain(*genesis);
  return 0;
}
