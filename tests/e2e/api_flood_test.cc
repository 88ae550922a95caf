// tests/e2e/api_flood_test.cc
// Denial of service on the API (TESTING.md L7), against real tamgad processes: one address
// opens thousands of connections and sends nothing, another trickles bytes; clients from
// other addresses are still answered, and the cluster keeps committing. Submissions past
// an address's or a signer's rate are answered 429 with Retry-After, and nobody can spend
// another's allowance. Linux routes all of 127.0.0.0/8 to loopback, so the attackers bind
// 127.0.0.2 and 127.0.0.3 as their source.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "client/http_client.h"
#include "common/encoding.h"
#include "common/sha256.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/openapi_check.h"
#include "tests/e2e/raw_http.h"

namespace tamga::testing {
namespace {

using std::chrono::seconds;

// How many of `fds` the server has not closed.
std::size_t StillOpen(const std::vector<int>& fds) {
  std::size_t open = 0;
  for (int fd : fds) {
    pollfd p{fd, POLLIN, 0};
    char c;
    const bool closed = ::poll(&p, 1, 0) == 1 && ::recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
    open += closed ? 0 : 1;
  }
  return open;
}

// One honest request on a fresh connection: the HTTP status, or 0 if none came.
int HonestStatus(const std::string& api) {
  auto client = client::HttpClient::Connect(api, 5'000);
  if (!client.ok()) return 0;
  auto r = client->Get("/v1/status");
  return r.ok() ? r->status : 0;
}

TEST(ApiFlood, HeldAndTricklingConnectionsLockNoOtherClientOut) {
  Cluster c("e2e_flood", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; }, seconds(30))) << c.Log(0);
  const std::uint16_t port = static_cast<std::uint16_t>(c.peer_port(0) + 1);
  const std::string api = c.api(0);

  // 3,000 connections from one address that send nothing, and 100 from another that send
  // a request line one byte at a time and never finish it.
  std::vector<int> held, trickling;
  for (int i = 0; i < 3000; ++i) {
    const int fd = ConnectFrom("127.0.0.2", port);
    if (fd >= 0) held.push_back(fd);
  }
  for (int i = 0; i < 100; ++i) {
    const int fd = ConnectFrom("127.0.0.3", port);
    if (fd >= 0) trickling.push_back(fd);
  }
  ASSERT_GT(held.size(), 2500u);
  const std::string line = "GET /v1/status HTTP/1.1\r\nHost: x\r\n";
  std::size_t served = 0, asked = 0;
  const std::uint64_t height_before = c.Height(1);
  for (std::size_t k = 0; k < 20; ++k) {
    for (int fd : trickling) ::send(fd, &line[k % line.size()], 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    // Honest clients, from 127.0.0.1, each on a fresh connection.
    for (int i = 0; i < 3; ++i, ++asked) served += HonestStatus(api) == 200 ? 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::size_t held_open = StillOpen(held), trickling_open = StillOpen(trickling);
  std::printf(
      "honest requests served during the flood: %zu of %zu; the flooder kept %zu of %zu "
      "connections, the trickler %zu of %zu\n",
      served, asked, held_open, held.size(), trickling_open, trickling.size());
  EXPECT_EQ(served, asked) << "an honest client was locked out";
  EXPECT_LE(held_open, 32u) << "one address holds more than its cap";
  EXPECT_LE(trickling_open, 32u);
  // The cluster kept committing (node 1's API is not attacked; its height is the chain's).
  EXPECT_TRUE(Cluster::WaitFor([&] { return c.Height(1) >= height_before + 3; }, seconds(30)));
  EXPECT_TRUE(c.Running(0)) << c.Log(0);
  for (int fd : held) ::close(fd);
  for (int fd : trickling) ::close(fd);
  // After the flood, everyone is served as before, and the metrics tell what happened.
  EXPECT_EQ(HonestStatus(api), 200);
  auto client = client::HttpClient::Connect(api, 5'000);
  ASSERT_TRUE(client.ok());
  auto metrics = client->Get("/metrics");
  ASSERT_TRUE(metrics.ok() && metrics->status == 200);
  const std::string evicted = "tamga_api_connections_evicted_total ";
  const auto at = metrics->body.find("\n" + evicted);
  ASSERT_NE(at, std::string::npos) << metrics->body;
  const std::uint64_t n = std::stoull(metrics->body.substr(at + 1 + evicted.size()));
  std::printf("evictions counted by the node: %llu\n", static_cast<unsigned long long>(n));
  EXPECT_GE(n, held.size() - 32);
}

// The body of a submission of `tx`.
std::string SubmitBody(const Transaction& tx) {
  return "{\"transaction\": \"" + ToHex(Encode(tx)) + "\"}";
}

TEST(ApiFlood, SubmissionsPastAnAddressOrASignerRateGet429AndNobodyElsePays) {
  Cluster c("e2e_rate", 4);
  // Node 0 allows 3 submissions a second by one signer and 20 from one address.
  c.SetConfig(0, "api", "submissions_per_second_per_signer", "3");
  c.SetConfig(0, "api", "submissions_per_second_per_address", "20");
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; }, seconds(30))) << c.Log(0);
  const std::uint16_t port = static_cast<std::uint16_t>(c.peer_port(0) + 1);
  std::string error;
  const auto spec = OpenApi::Load(TAMGA_OPENAPI, &error);
  ASSERT_TRUE(spec.has_value()) << error;
  const nlohmann::json* declared = spec->OperationResponse("post", "/v1/transactions", 429);
  ASSERT_NE(declared, nullptr) << "docs/openapi.json declares no 429 for POST /v1/transactions";
  const nlohmann::json& schema = (*declared)["content"]["application/json"]["schema"];

  auto anchor = [&](std::size_t admin, std::uint64_t seq) {
    const Hash32 doc =
        Sha256Of(AsBytes("rate-" + std::to_string(admin) + "-" + std::to_string(seq)));
    return c.Tx(c.admin(admin), contracts::TxType::kAnchorDocument,
                Encode(contracts::AnchorDocument{contracts::DocumentType::kInvoice, doc,
                                                 "INV-RATE-" + std::to_string(seq)}),
                seq);
  };
  auto submit = [&](const Transaction& tx, const char* source) {
    return Exchange(port, Request("POST", "/v1/transactions", SubmitBody(tx)), source);
  };

  // A signer sends 8 at once: its burst of 3 is queued, the rest are told to wait (the
  // bucket refills at 3 a second, so a slow machine may see one more pass).
  int queued = 0, limited = 0;
  auto start = std::chrono::steady_clock::now();
  for (std::uint64_t seq = 1; seq <= 8; ++seq) {
    const auto a = submit(anchor(0, seq), "127.0.0.1");
    ASSERT_TRUE(a.has_value());
    if (a->status == 202) ++queued;
    if (a->status == 429) {
      ++limited;
      const nlohmann::json body = nlohmann::json::parse(a->body);
      EXPECT_EQ(body.value("code", ""), "rate_limited") << a->body;
      EXPECT_EQ(spec->Check(schema, body), std::nullopt) << a->body;
      ASSERT_FALSE(a->retry_after.empty()) << "a 429 without Retry-After";
      EXPECT_GE(std::stoi(a->retry_after), 1);
    }
  }
  auto refilled = [&](int per_second) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    return static_cast<int>(ms * per_second / 1000 + 1);
  };
  EXPECT_GE(queued, 3);
  EXPECT_LE(queued, 3 + refilled(3));
  EXPECT_GE(limited, 1);

  // Twenty forged transactions in the name of administrator 1 (a real transaction of its
  // with the payload changed after signing) are refused as forged, and cost it nothing: its
  // own transaction, sent next from yet another address, is queued. (Without the refund its
  // bucket would be 17 short, which takes more than 5 s to refill.)
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    Transaction forged = anchor(1, 1);
    forged.payload.push_back(static_cast<std::uint8_t>(i));
    const auto a = submit(forged, "127.0.0.5");
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->status, 400) << a->body;
  }
  ASSERT_LT(refilled(3), 17) << "the forged submissions took too long to prove anything";
  const auto own = submit(anchor(1, 1), "127.0.0.4");
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->status, 202) << own->body;

  // One address floods: past its 20, its submissions get 429, whatever they hold; its reads
  // are still answered, and other addresses still submit.
  int flood_limited = 0;
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 60; ++i) {
    const auto a = Exchange(port, Request("POST", "/v1/transactions", "{}"), "127.0.0.2");
    ASSERT_TRUE(a.has_value());
    flood_limited += a->status == 429 ? 1 : 0;
  }
  std::printf("the flooding address was limited %d times of 60\n", flood_limited);
  EXPECT_GE(60 - flood_limited, 20);
  EXPECT_LE(60 - flood_limited, 20 + refilled(20));
  EXPECT_GE(flood_limited, 1);
  const auto read = Exchange(port, Request("GET", "/v1/status"), "127.0.0.2");
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->status, 200);
  const auto other = submit(anchor(2, 1), "127.0.0.3");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->status, 202) << other->body;

  // What was queued commits, and the node counts the refusals.
  const Hash32 last = anchor(2, 1).Hash();
  EXPECT_TRUE(Cluster::WaitFor([&] { return c.TxStatus(0, last) == "committed"; }, seconds(30)));
  auto metrics = c.Get(0, "/metrics");
  ASSERT_TRUE(metrics.has_value());
  EXPECT_NE(metrics->body.find("reason=\"rate_limited\""), std::string::npos) << metrics->body;
  EXPECT_TRUE(c.Running(0)) << c.Log(0);
}

}  // namespace
}  // namespace tamga::testing
