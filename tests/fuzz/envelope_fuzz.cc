// tests/fuzz/envelope_fuzz.cc
// A peer's frame as the node reads it: net::DecodeEnvelope with the node's limits. Any
// bytes must give an envelope or a Corruption, never a crash, a sanitizer report or work
// out of proportion to the frame. Cap'n Proto has no single encoding, so the property is
// that what was accepted survives a round trip: encoded again and decoded, it is equal.

#include "net/wire.h"
#include "tests/fuzz/fuzz.h"
#include "tests/support/samples.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tamga::ChainId chain = tamga::testing::TestChain();
  auto envelope = tamga::net::DecodeEnvelope(tamga::fuzz::View(data, size), chain);
  if (!envelope.ok()) return 0;
  const tamga::Bytes again = tamga::net::EncodeEnvelope(*envelope);
  auto back = tamga::net::DecodeEnvelope(again, chain);
  TAMGA_FUZZ_CHECK(back.ok(), "a decoded envelope, encoded again, does not decode");
  TAMGA_FUZZ_CHECK(*back == *envelope, "a decoded envelope changes in a round trip");
  return 0;
}
