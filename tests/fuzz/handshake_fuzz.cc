// tests/fuzz/handshake_fuzz.cc
// The bytes an unauthenticated stranger (or a peer) can put before a session exists, and
// the sealed frames after it (net/handshake.h). The input is cut into a Hello for a
// responder that admits one key, then a Finish; a Reply for an initiator; and what is
// left as a sealed frame. Each side must refuse what it should with a status, never read
// past a message or crash. The seeds are real handshake messages between two test keys.

#include <algorithm>

#include "net/handshake.h"
#include "tests/fuzz/fuzz.h"
#include "tests/support/samples.h"

namespace {

using namespace tamga;

// Takes the next `n` bytes (fewer at the end of the input).
ByteView Next(ByteView& in, std::size_t n) {
  const ByteView out = in.first(std::min(n, in.size()));
  in = in.subspan(out.size());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const SecretKey dialler = testing::TestKey(1);
  static const SecretKey listener = testing::TestKey(2);
  ByteView in = fuzz::View(data, size);

  net::Responder responder(testing::TestChain(), listener,
                           [](const PublicKey& k) { return k == dialler.public_key(); });
  const auto reply = responder.OnHello(Next(in, net::kHelloSize));
  TAMGA_FUZZ_CHECK(responder.reply_size() <= reply.size(), "a reply longer than its buffer");
  const ByteView finish = Next(in, net::kFinishSize);
  if (responder.refusal() == net::Refusal::kNone) (void)responder.OnFinish(finish);

  net::Initiator initiator(testing::TestChain(), dialler, listener.public_key());
  (void)initiator.OnReply(Next(in, net::kReplySize));

  net::Key32 key{};
  key[0] = 7;
  net::FrameCipher cipher(key);
  const std::uint8_t ad[4] = {0, 0, 0, static_cast<std::uint8_t>(in.size())};
  (void)cipher.Open(in, ByteView(ad, sizeof ad));
  return 0;
}
