#include "tests/chaos/link_proxy.h"

// clang-format off
#include "common/asio.h"
// clang-format on

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "common/sha256.h"
#include "net/handshake.h"
#include "tests/e2e/cluster.h"

namespace tamga::chaos {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

PublicKey KeyOf(std::uint8_t i) { return PublicKey::FromView(Sha256Of(Bytes{i}).view()); }

// What a dialler sends first: a Hello-sized message with the key where a Hello has it.
std::string HelloFrom(const PublicKey& key) {
  std::string hello(net::kHelloSize, 'h');
  std::copy(key.view().begin(), key.view().end(), hello.begin() + 42);
  return hello;
}

// Reads exactly `n` bytes, or what came within `limit` (the socket is non-blocking).
std::string ReadFor(tcp::socket& s, std::size_t n, milliseconds limit) {
  std::string got;
  const auto end = SteadyClock::now() + limit;
  while (got.size() < n && SteadyClock::now() < end) {
    boost::system::error_code ec;
    std::array<char, 4096> buf{};
    const std::size_t k =
        s.read_some(asio::buffer(buf.data(), std::min(buf.size(), n - got.size())), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(milliseconds(5));
      continue;
    }
    if (ec) break;
    got.append(buf.data(), k);
  }
  return got;
}

// Whether the peer closed `s` within `limit` (the socket is non-blocking).
bool ClosedWithin(tcp::socket& s, milliseconds limit) {
  const auto end = SteadyClock::now() + limit;
  while (SteadyClock::now() < end) {
    boost::system::error_code ec;
    std::array<char, 64> buf{};
    s.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(milliseconds(5));
      continue;
    }
    if (ec) return true;
  }
  return false;
}

// Two validators; node 1 is a plain listening socket of this test, behind the proxy.
struct Fixture {
  Fixture()
      : acceptor(io, tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0)),
        front1(testing::Cluster::FreePort()),
        proxy(
            {LinkProxy::Node{testing::Cluster::FreePort(), testing::Cluster::FreePort(), KeyOf(0)},
             LinkProxy::Node{front1, acceptor.local_endpoint().port(), KeyOf(1)}}) {}

  // Node 0 (or the key given) dials node 1 through the proxy: the dialler's socket and
  // node 1's, the Hello already read from it intact.
  std::pair<tcp::socket, tcp::socket> Dial(const PublicKey& key, std::uint16_t front) {
    tcp::socket dialler(io);
    dialler.connect(tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), front));
    asio::write(dialler, asio::buffer(HelloFrom(key)));
    tcp::socket node(io);
    acceptor.accept(node);
    node.non_blocking(true);
    dialler.non_blocking(true);
    EXPECT_EQ(ReadFor(node, net::kHelloSize, milliseconds(5'000)), HelloFrom(key));
    return {std::move(dialler), std::move(node)};
  }

  asio::io_context io;
  tcp::acceptor acceptor;
  std::uint16_t front1;
  LinkProxy proxy;
};

TEST(LinkProxy, ForwardsBothWaysAndHoldsACutDirectionUntilTheHeal) {
  Fixture fx;
  LinkProxy& proxy = fx.proxy;
  ASSERT_TRUE(proxy.Start().ok());
  auto [dialler, node] = fx.Dial(KeyOf(0), fx.front1);
  asio::write(dialler, asio::buffer(std::string("ping")));
  EXPECT_EQ(ReadFor(node, 4, milliseconds(5'000)), "ping");
  asio::write(node, asio::buffer(std::string("pong")));
  EXPECT_EQ(ReadFor(dialler, 4, milliseconds(5'000)), "pong");

  proxy.Cut(0, 1);
  asio::write(dialler, asio::buffer(std::string("held")));
  EXPECT_EQ(ReadFor(node, 4, milliseconds(300)), "") << "a cut direction delivers nothing";
  asio::write(node, asio::buffer(std::string("back")));
  EXPECT_EQ(ReadFor(dialler, 4, milliseconds(5'000)), "back") << "the other direction flows";
  proxy.HealAll();
  EXPECT_EQ(ReadFor(node, 4, milliseconds(5'000)), "held") << "delivered at the heal";
  EXPECT_EQ(proxy.accepted(), 1u);
  EXPECT_EQ(proxy.unnamed(), 0u);
  // A dialler that goes away closes the connection on the node's side too.
  dialler.close();
  EXPECT_TRUE(ClosedWithin(node, milliseconds(5'000)));
}

TEST(LinkProxy, DelaysADirectionAndForwardsAnUnknownDiallerUntouched) {
  Fixture fx;
  LinkProxy& proxy = fx.proxy;
  ASSERT_TRUE(proxy.Start().ok());
  proxy.Delay(0, 1, milliseconds(300));
  auto [dialler, node] = fx.Dial(KeyOf(0), fx.front1);
  const auto sent = SteadyClock::now();
  asio::write(dialler, asio::buffer(std::string("late")));
  EXPECT_EQ(ReadFor(node, 4, milliseconds(5'000)), "late");
  EXPECT_GE(SteadyClock::now() - sent, milliseconds(300)) << "not before its delay";

  // A dialler that is none of the validators: forwarded, never cut.
  proxy.Cut(0, 1);
  proxy.Cut(1, 0);
  auto [stranger, node2] = fx.Dial(KeyOf(9), fx.front1);
  asio::write(stranger, asio::buffer(std::string("free")));
  EXPECT_EQ(ReadFor(node2, 4, milliseconds(5'000)), "free");
  EXPECT_EQ(proxy.unnamed(), 1u);
}

}  // namespace
}  // namespace tamga::chaos
