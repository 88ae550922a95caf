// tests/e2e/events_test.cc
// Events that resume (GET /v1/events), against real tamgad processes: a national system's
// stream is cut off while transactions commit, resumes on another node with Last-Event-ID,
// is cut off again while the node it will come back to restarts, and resumes there with
// ?from=. What it received, put together, is every record of the ledger once, in order,
// and each event equals what the ledger says of its record.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "tests/e2e/cluster.h"
#include "tests/e2e/raw_http.h"

namespace tamga::testing {
namespace {

using contracts::TxType;
using nlohmann::json;
using std::chrono::seconds;

// Reads events from `stream` into `out` until `want` events in all or `timeout` passes.
// Checks that the stream opens (200) with the comment `opening`.
void Receive(EventStream& stream, const std::string& opening, std::vector<json>& out,
             std::size_t want, seconds timeout) {
  auto head = stream.Head(seconds(10));
  ASSERT_TRUE(head.has_value()) << "no answer from the event stream";
  ASSERT_EQ(head->status, 200);
  auto first = stream.NextBlock(seconds(10));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, opening);
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (out.size() < want && std::chrono::steady_clock::now() < end) {
    auto block = stream.NextBlock(std::chrono::milliseconds(500));
    if (!block) continue;
    if (block->rfind(':', 0) == 0) continue;  // Keep-alive.
    SseEvent e = ParseEvent(*block);
    ASSERT_EQ(e.event, "record") << *block;
    json data = json::parse(e.data);
    ASSERT_EQ(e.id, std::to_string(data["record"].get<std::uint64_t>())) << *block;
    out.push_back(std::move(data));
  }
}

std::uint64_t LogSize(Cluster& c, std::size_t i) {
  auto s = c.Status(i);
  return s && s->contains("log_size") ? (*s)["log_size"].get<std::uint64_t>() : 0;
}

TEST(Events, AStreamCutOffUnderLoadResumesWithNoGapAndNoDuplicateAcrossARestart) {
  Cluster c("e2e_events", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; })) << c.Log(0);

  // Load: 4 administrations register 30 offices each, about 40 a second, to nodes 0 and 3
  // (nodes 1 and 2 serve the stream and one of them restarts).
  std::vector<Hash32> acknowledged;
  std::atomic<bool> load_done{false};
  std::thread load([&] {
    // Its own connections: the Cluster's are for the test's thread.
    auto to0 = client::HttpClient::Connect(c.api(0), 10'000);
    auto to3 = client::HttpClient::Connect(c.api(3), 10'000);
    if (!to0.ok() || !to3.ok()) return;
    for (std::uint64_t seq = 1; seq <= 30; ++seq) {
      for (std::size_t admin = 0; admin < 4; ++admin) {
        const std::string code = "EV-" + std::to_string(admin) + "-" + std::to_string(seq);
        const Transaction tx =
            c.Tx(c.admin(admin), TxType::kRegisterOffice,
                 Encode(contracts::RegisterOffice{code, "Office " + code,
                                                  SecretKey::Generate().public_key()}),
                 seq);
        if (Cluster::SubmitWith(seq % 2 == 0 ? *to0 : *to3, tx).first == 202) {
          acknowledged.push_back(tx.Hash());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
    }
    load_done = true;
  });

  // A failed assertion returns early: the load is joined all the same.
  struct JoinLoad {
    std::thread& load;
    ~JoinLoad() {
      if (load.joinable()) load.join();
    }
  } join_load{load};

  std::vector<json> received;
  {
    // From the first record, on node 1; cut off after 20 events.
    EventStream s(static_cast<std::uint16_t>(c.peer_port(1) + 1), "/v1/events?from=0");
    Receive(s, ": committed records, from record 0", received, 20, seconds(60));
  }
  ASSERT_GE(received.size(), 20u);
  {
    // Resumed on node 2 with the id of the last event received; cut off after 30 more.
    const std::uint64_t last = received.back()["record"].get<std::uint64_t>();
    EventStream s(static_cast<std::uint16_t>(c.peer_port(2) + 1), "/v1/events",
                  "Last-Event-ID: " + std::to_string(last) + "\r\n");
    Receive(s, ": committed records, after record " + std::to_string(last), received,
            received.size() + 30, seconds(60));
  }
  ASSERT_GE(received.size(), 50u);
  // Node 1 restarts while the subscriber is away and the load goes on.
  c.Terminate(1);
  ASSERT_EQ(c.last_exit(1), 0) << c.Log(1);
  c.Start(1);
  load.join();
  ASSERT_TRUE(load_done);
  ASSERT_EQ(acknowledged.size(), 120u) << "every submission is acknowledged";
  // Everything acknowledged commits, and node 1 catches up with the others.
  const std::uint64_t target = c.Height(0) + 3;
  ASSERT_TRUE(Cluster::WaitFor([&] {
    for (std::size_t i = 0; i < 4; ++i) {
      if (c.Height(i) < target) return false;
    }
    return true;
  })) << c.Log(1);
  const std::uint64_t total = LogSize(c, 1);
  ASSERT_EQ(total, LogSize(c, 0));
  {
    // Resumed on the restarted node 1 with ?from=, up to the end of the log.
    const std::uint64_t from = received.back()["record"].get<std::uint64_t>() + 1;
    EventStream s(static_cast<std::uint16_t>(c.peer_port(1) + 1),
                  "/v1/events?from=" + std::to_string(from));
    Receive(s, ": committed records, from record " + std::to_string(from), received, total,
            seconds(60));
  }

  // Every record once, in order; every acknowledged transaction among them, once.
  ASSERT_EQ(received.size(), total);
  std::multiset<std::string> txs;
  for (std::size_t i = 0; i < received.size(); ++i) {
    ASSERT_EQ(received[i]["record"], i) << received[i].dump();
    txs.insert(received[i]["tx"].get<std::string>());
  }
  for (const Hash32& id : acknowledged) EXPECT_EQ(txs.count(id.ToHex()), 1u) << id.ToHex();

  // Each event says of its record what the ledger says: its transaction, height and type.
  for (std::size_t i = 0; i < received.size(); i += 17) {
    const json& e = received[i];
    json tx;
    ASSERT_EQ(c.TxStatus(2, Hash32::FromHex(e["tx"].get<std::string>()).value(), &tx), "committed");
    EXPECT_EQ(tx["height"], e["height"]) << tx.dump() << " " << e.dump();
    EXPECT_EQ(e["type"], "register-office") << e.dump();
    EXPECT_FALSE(e["signer_country"].get<std::string>().empty()) << e.dump();
  }

  // A stream that asks for nonsense is refused, and nothing else changes.
  EXPECT_EQ(
      Exchange(static_cast<std::uint16_t>(c.peer_port(0) + 1), Request("GET", "/v1/events?from=-1"))
          ->status,
      400);
  EXPECT_EQ(Exchange(static_cast<std::uint16_t>(c.peer_port(0) + 1),
                     Request("GET", "/v1/events", "", "Last-Event-ID: x\r\n"))
                ->status,
            400);
}

}  // namespace
}  // namespace tamga::testing
