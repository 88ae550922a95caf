#include "net/transport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <thread>

#include "net/handshake.h"
#include "tests/support/samples.h"

namespace tamga::net {
namespace {

namespace asio = boost::asio;
using tamga::testing::TestChain;

// Two or more transports on one io_context, driven until a condition holds.
class TransportTest : public ::testing::Test {
 protected:
  struct Node {
    SecretKey key = SecretKey::Generate();
    std::vector<std::pair<PublicKey, Bytes>> received;
    std::unique_ptr<Transport> t;
  };

  std::unique_ptr<Node> Make(TransportOptions o = {}) {
    auto n = std::make_unique<Node>();
    o.chain = TestChain();
    o.listen = "127.0.0.1:0";
    o.backoff_min_ms = 20;
    o.backoff_max_ms = 200;
    Node* raw = n.get();
    n->t = std::make_unique<Transport>(io_, o, n->key, [raw](const PublicKey& from, Bytes b) {
      raw->received.emplace_back(from, std::move(b));
    });
    EXPECT_TRUE(n->t->Listen().ok());
    return n;
  }

  std::string Addr(const Node& n) { return "127.0.0.1:" + std::to_string(n.t->listen_port()); }

  bool RunUntil(const std::function<bool()>& pred, int ms = 5000) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!pred() && std::chrono::steady_clock::now() < end) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
    return pred();
  }

  // Whether `x` and `y` agree on one link between them, the one dialled by the lower key:
  // the link both keep once every dial has landed (frames sent on a link that loses the
  // tie are lost with it; consensus re-sends on its timers).
  static bool Settled(const Node& x, const Node& y) {
    auto link = [](const Node& from, const Node& to) -> std::optional<PeerInfo> {
      for (const PeerInfo& p : from.t->Peers()) {
        if (p.key == to.key.public_key() && p.connected) return p;
      }
      return std::nullopt;
    };
    const auto xy = link(x, y), yx = link(y, x);
    if (!xy || !yx || xy->outbound == yx->outbound) return false;
    const PublicKey& dialler = xy->outbound ? x.key.public_key() : y.key.public_key();
    return dialler == std::min(x.key.public_key(), y.key.public_key());
  }

  asio::io_context io_;
};

TEST_F(TransportTest, PeersConnectOnceAndExchangeFrames) {
  auto a = Make(), b = Make();
  a->t->SetAdmitted({b->key.public_key()});
  b->t->SetAdmitted({a->key.public_key()});
  // Both dial each other: one link survives, the same on both sides.
  a->t->AddPeer(b->key.public_key(), Addr(*b));
  b->t->AddPeer(a->key.public_key(), Addr(*a));
  ASSERT_TRUE(RunUntil([&] { return Settled(*a, *b); }));
  const Bytes hello = {'h', 'i'};
  ASSERT_TRUE(a->t->Send(b->key.public_key(), hello));
  b->t->Broadcast(Bytes{'y', 'o'});
  ASSERT_TRUE(RunUntil([&] { return !b->received.empty() && !a->received.empty(); }));
  EXPECT_EQ(b->received[0].first, a->key.public_key());
  EXPECT_EQ(b->received[0].second, hello);
  EXPECT_EQ(a->received[0].second, (Bytes{'y', 'o'}));
  // Still one link each after things settle.
  RunUntil([] { return false; }, 300);
  EXPECT_TRUE(a->t->Connected(b->key.public_key()));
  EXPECT_TRUE(b->t->Connected(a->key.public_key()));
  a->t->Send(b->key.public_key(), hello);
  ASSERT_TRUE(RunUntil([&] { return b->received.size() == 2; }));
}

TEST_F(TransportTest, ADroppedLinkIsRedialled) {
  auto a = Make(), b = Make();
  a->t->SetAdmitted({b->key.public_key()});
  b->t->SetAdmitted({a->key.public_key()});
  a->t->AddPeer(b->key.public_key(), Addr(*b));
  ASSERT_TRUE(RunUntil([&] { return b->t->Connected(a->key.public_key()); }));
  b->t->Disconnect(a->key.public_key(), "test");
  ASSERT_TRUE(RunUntil([&] { return !a->t->Connected(b->key.public_key()); }));
  ASSERT_TRUE(RunUntil([&] {
    return a->t->Connected(b->key.public_key()) && b->t->Connected(a->key.public_key());
  }));
}

TEST_F(TransportTest, UnadmittedKeysAndOtherChainsNeverConnect) {
  auto a = Make(), b = Make();
  a->t->SetAdmitted({b->key.public_key()});
  b->t->SetAdmitted({});  // b admits no one.
  a->t->AddPeer(b->key.public_key(), Addr(*b));
  RunUntil([] { return false; }, 500);
  EXPECT_FALSE(a->t->Connected(b->key.public_key()));
  EXPECT_FALSE(b->t->Connected(a->key.public_key()));
  // Admitting it later lets the redial succeed; removing it again closes the link.
  b->t->SetAdmitted({a->key.public_key()});
  ASSERT_TRUE(RunUntil([&] { return b->t->Connected(a->key.public_key()); }));
  b->t->SetAdmitted({});
  ASSERT_TRUE(RunUntil([&] { return !b->t->Connected(a->key.public_key()); }));
}

TEST_F(TransportTest, APeerThatDoesNotDrainIsDropped) {
  TransportOptions o;
  o.send_queue_bytes_max = 1 << 20;
  auto a = Make(o);
  // A raw peer that completes the handshake and then never reads.
  const SecretKey lazy = SecretKey::Generate();
  a->t->SetAdmitted({lazy.public_key()});
  // The raw peer runs its handshake on its own thread and io_context, while io_ serves a.
  asio::io_context raw_io;
  asio::ip::tcp::socket s(raw_io);
  const std::uint16_t port = a->t->listen_port();
  const PublicKey a_key = a->key.public_key();
  bool handshake_ok = false;
  std::thread peer([&] {
    s.connect({asio::ip::make_address("127.0.0.1"), port});
    Initiator hs(TestChain(), lazy, a_key);
    asio::write(s, asio::buffer(hs.hello()));
    std::array<std::uint8_t, kReplySize> reply{};
    asio::read(s, asio::buffer(reply));
    auto fin = hs.OnReply(reply);
    if (!fin.ok()) return;
    asio::write(s, asio::buffer(fin->first));
    handshake_ok = true;
  });
  RunUntil([&] { return a->t->Connected(lazy.public_key()); });
  peer.join();
  ASSERT_TRUE(handshake_ok);
  ASSERT_TRUE(RunUntil([&] { return a->t->Connected(lazy.public_key()); }));
  const Bytes big(256 << 10, 7);
  for (int i = 0; i < 256 && a->t->Connected(lazy.public_key()); ++i) {
    a->t->Send(lazy.public_key(), big);
    io_.restart();
    io_.poll();
  }
  EXPECT_FALSE(a->t->Connected(lazy.public_key()));
}

// Connections from 127.0.0.2 that hold every handshake place and say nothing: a peer
// dialling in from another address still gets a place, taken from the flooding address,
// at once rather than when the flood's handshakes time out.
TEST_F(TransportTest, AFloodOfHandshakesFromOneAddressDoesNotKeepAPeerOut) {
  TransportOptions o;
  o.handshaking_max = 4;
  o.handshaking_per_address_max = 4;
  o.handshake_timeout_ms = 60'000;
  auto a = Make(o);
  auto b = Make();
  a->t->SetAdmitted({b->key.public_key()});
  b->t->SetAdmitted({a->key.public_key()});
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> flood;
  for (int i = 0; i < 4; ++i) {
    auto s = std::make_unique<asio::ip::tcp::socket>(io_);
    s->open(asio::ip::tcp::v4());
    s->bind({asio::ip::make_address("127.0.0.2"), 0});
    s->connect({asio::ip::make_address("127.0.0.1"), a->t->listen_port()});
    flood.push_back(std::move(s));
  }
  RunUntil([] { return false; }, 200);  // a accepts them all: its handshake places are full.
  // A fifth from the same address takes no one's place.
  asio::ip::tcp::socket fifth(io_);
  fifth.open(asio::ip::tcp::v4());
  fifth.bind({asio::ip::make_address("127.0.0.2"), 0});
  fifth.connect({asio::ip::make_address("127.0.0.1"), a->t->listen_port()});
  std::array<std::uint8_t, 1> byte{};
  boost::system::error_code ec;
  RunUntil([&] {
    fifth.non_blocking(true);
    fifth.read_some(asio::buffer(byte), ec);
    return ec == asio::error::eof;
  }, 2000);
  EXPECT_EQ(ec, asio::error::eof) << "a fifth connection from the flooding address was let in";
  b->t->AddPeer(a->key.public_key(), Addr(*a));
  ASSERT_TRUE(RunUntil([&] { return a->t->Connected(b->key.public_key()); }, 3000))
      << "a peer from another address was kept out by the flood";
  // One of the flood's connections gave up its place.
  std::size_t closed = 0;
  for (auto& s : flood) {
    s->non_blocking(true);
    s->read_some(asio::buffer(byte), ec);
    closed += ec == asio::error::eof ? 1 : 0;
  }
  EXPECT_EQ(closed, 1u);
}

TEST(TransportParse, HostPort) {
  auto hp = ParseHostPort("127.0.0.1:26650");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->first, "127.0.0.1");
  EXPECT_EQ(hp->second, 26650);
  auto v6 = ParseHostPort("[::1]:80");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->first, "::1");
  EXPECT_FALSE(ParseHostPort("localhost").ok());
  EXPECT_FALSE(ParseHostPort("h:70000").ok());
  EXPECT_FALSE(ParseHostPort("h:12a").ok());
  EXPECT_FALSE(ParseHostPort(":80").ok());
}

}  // namespace
}  // namespace tamga::net
