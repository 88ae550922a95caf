// tests/fuzz/canonical_fuzz.cc
// The canonical decoders (common/encoding.h) of every signed or hashed struct: the chain's
// (common/chain.h), the ledger's (ledger/records.h) and the rules' payloads and records
// (contracts/model.h), listed in canonical_types.h. The first byte picks the type; the
// rest is decoded as a whole value. Signatures and hashes are taken over these encodings,
// so a decoder must accept only what re-encodes to the very same bytes: two spellings of
// one value would be two ids for it.

#include <algorithm>
#include <array>

#include "common/encoding.h"
#include "tests/fuzz/canonical_types.h"
#include "tests/fuzz/fuzz.h"

namespace {

using tamga::Bytes;
using tamga::ByteView;

template <typename T>
void RoundTrip(ByteView in) {
  auto value = tamga::Decode<T>(in, "fuzzed value");
  if (!value.ok()) return;
  const Bytes again = tamga::Encode(*value);
  TAMGA_FUZZ_CHECK(std::equal(again.begin(), again.end(), in.begin(), in.end()),
                   "an accepted encoding is not the canonical one");
}

using RoundTripFn = void (*)(ByteView);

template <typename... T>
constexpr std::array<RoundTripFn, sizeof...(T)> Table(tamga::fuzz::TypeList<T...>) {
  return {RoundTrip<T>...};
}

constexpr auto kTypes = Table(tamga::fuzz::CanonicalTypes{});

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  kTypes[data[0] % kTypes.size()](ByteView(data + 1, size - 1));
  return 0;
}
