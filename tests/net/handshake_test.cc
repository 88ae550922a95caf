#include "net/handshake.h"

#include <gtest/gtest.h>

#include "tests/support/samples.h"

namespace tamga::net {
namespace {

using tamga::testing::TestChain;

struct Pair {
  SecretKey a = SecretKey::Generate();  // Initiator.
  SecretKey b = SecretKey::Generate();  // Responder.
  std::function<bool(const PublicKey&)> admit_a = [this](const PublicKey& k) {
    return k == a.public_key();
  };
};

TEST(HandshakeTest, BothSidesProveTheirKeysAndAgreeOnSessionKeys) {
  Pair p;
  Initiator init(TestChain(), p.a, p.b.public_key());
  Responder resp(TestChain(), p.b, p.admit_a);
  const auto reply = resp.OnHello(init.hello());
  ASSERT_EQ(resp.refusal(), Refusal::kNone);
  auto fin = init.OnReply(reply);
  ASSERT_TRUE(fin.ok()) << fin.error().ToString();
  auto s = resp.OnFinish(fin->first);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->peer, p.a.public_key());
  EXPECT_EQ(fin->second.peer, p.b.public_key());

  // Frames go both ways, each direction with its own key.
  const Bytes msg = {1, 2, 3, 4};
  const Bytes ad = {0, 0, 0, 20};
  auto sealed = fin->second.send.Seal(msg, ad);
  auto opened = s->recv.Open(sealed, ad);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, msg);
  auto back = s->send.Seal(msg, ad);
  EXPECT_NE(back, sealed);
  ASSERT_TRUE(fin->second.recv.Open(back, ad).ok());
}

TEST(HandshakeTest, FramesThatAreTamperedReplayedOrReorderedFailToOpen) {
  Pair p;
  Initiator init(TestChain(), p.a, p.b.public_key());
  Responder resp(TestChain(), p.b, p.admit_a);
  auto fin = init.OnReply(resp.OnHello(init.hello()));
  ASSERT_TRUE(fin.ok());
  auto s = resp.OnFinish(fin->first);
  ASSERT_TRUE(s.ok());
  FrameCipher& tx = fin->second.send;
  FrameCipher& rx = s->recv;
  const Bytes ad = {0, 0, 0, 1};
  const Bytes f1 = tx.Seal(Bytes{1}, ad);
  const Bytes f2 = tx.Seal(Bytes{2}, ad);
  EXPECT_FALSE(rx.Open(f2, ad).ok());  // Reordered.
  Bytes bad = f1;
  bad[0] ^= 1;
  EXPECT_FALSE(rx.Open(bad, ad).ok());                // Tampered.
  EXPECT_FALSE(rx.Open(f1, Bytes{0, 0, 0, 2}).ok());  // Another length prefix.
  ASSERT_TRUE(rx.Open(f1, ad).ok());
  EXPECT_FALSE(rx.Open(f1, ad).ok());  // Replayed.
  EXPECT_TRUE(rx.Open(f2, ad).ok());
}

TEST(HandshakeTest, ResponderRefusesBeforeAnyExpensiveWork) {
  Pair p;
  {
    Initiator init(TestChain(), p.a, p.b.public_key());
    Responder resp(TestChain(), p.b, [](const PublicKey&) { return false; });
    const auto reply = resp.OnHello(init.hello());
    EXPECT_EQ(resp.refusal(), Refusal::kUnknownKey);
    EXPECT_EQ(resp.reply_size(), 1u);
    auto r = init.OnReply(ByteView(reply.data(), 1));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message().find("not admitted"), std::string::npos);
  }
  {
    ChainId other = TestChain();
    other.data()[3] ^= 1;
    Initiator init(other, p.a, p.b.public_key());
    Responder resp(TestChain(), p.b, p.admit_a);
    resp.OnHello(init.hello());
    EXPECT_EQ(resp.refusal(), Refusal::kWrongChain);
  }
  {
    Initiator init(TestChain(), p.a, p.b.public_key());
    auto hello = init.hello();
    hello[9] ^= 1;  // Version.
    Responder resp(TestChain(), p.b, p.admit_a);
    resp.OnHello(hello);
    EXPECT_EQ(resp.refusal(), Refusal::kWrongVersion);
  }
  {
    Responder resp(TestChain(), p.b, p.admit_a);
    resp.OnHello(Bytes(kHelloSize - 1, 0));
    EXPECT_EQ(resp.refusal(), Refusal::kBadMagic);
    EXPECT_FALSE(resp.OnFinish(Bytes(kFinishSize, 0)).ok());
  }
}

TEST(HandshakeTest, EveryByteOfTheReplyAndFinishIsBound) {
  Pair p;
  for (std::size_t i = 1; i < kReplySize; i += 7) {
    Initiator init(TestChain(), p.a, p.b.public_key());
    Responder resp(TestChain(), p.b, p.admit_a);
    auto reply = resp.OnHello(init.hello());
    reply[i] ^= 0x01;
    EXPECT_FALSE(init.OnReply(reply).ok()) << "reply byte " << i;
  }
  for (std::size_t i = 0; i < kFinishSize; i += 5) {
    Initiator init(TestChain(), p.a, p.b.public_key());
    Responder resp(TestChain(), p.b, p.admit_a);
    auto fin = init.OnReply(resp.OnHello(init.hello()));
    ASSERT_TRUE(fin.ok());
    auto finish = fin->first;
    finish[i] ^= 0x01;
    EXPECT_FALSE(resp.OnFinish(finish).ok()) << "finish byte " << i;
  }
}

TEST(HandshakeTest, TheWrongResponderKeyIsRefused) {
  Pair p;
  const SecretKey impostor = SecretKey::Generate();
  Initiator init(TestChain(), p.a, p.b.public_key());
  Responder resp(TestChain(), impostor, p.admit_a);
  auto r = init.OnReply(resp.OnHello(init.hello()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
}

TEST(HandshakeTest, ARecordedHandshakeReplayedToTheResponderFails) {
  Pair p;
  Initiator init(TestChain(), p.a, p.b.public_key());
  Responder first(TestChain(), p.b, p.admit_a);
  auto fin = init.OnReply(first.OnHello(init.hello()));
  ASSERT_TRUE(fin.ok());
  ASSERT_TRUE(first.OnFinish(fin->first).ok());
  // An eavesdropper replays the initiator's two messages to a fresh responder.
  Responder second(TestChain(), p.b, p.admit_a);
  second.OnHello(init.hello());
  ASSERT_EQ(second.refusal(), Refusal::kNone);
  auto replay = second.OnFinish(fin->first);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code(), StatusCode::kBadSignature);
}

}  // namespace
}  // namespace tamga::net
