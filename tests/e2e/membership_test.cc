// tests/e2e/membership_test.cc
// A network that grows, changes a key and shrinks while it runs, with real tamgad processes:
// three administrations that are not in the genesis join one after the other by membership
// votes (4 validators, then 5, 6 and 7), find each other at the addresses the ledger holds,
// and take part; one validator's key is rotated (the node restarts with its new key) and
// the validator then moves to another port by a transaction (the others dial it there);
// then two of the newcomers leave again (6, then 5). The newcomers' nodes start from a
// snapshot of the state (GET /v1/snapshot), not from genesis. A load of registrations runs
// through all of it: every acknowledged one commits exactly once, the cluster never stops,
// and the five that remain agree on the state at the end.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "common/file_util.h"
#include "common/key_file.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/governance.h"

namespace tamga::testing {
namespace {

using contracts::TxType;
using nlohmann::json;
using std::chrono::seconds;

// Spare nodes 4, 5 and 6 belong to the testnet's fifth, sixth and seventh countries.
constexpr const char* kFifth = "TJ";
constexpr const char* kSixth = "TM";
constexpr const char* kSeventh = "AZ";

// Whether node 0 reports a validator set of n.
bool SetOf(Cluster& c, std::size_t n) {
  auto set = StatusOf(c, 0, "validators");
  return set.is_array() && set.size() == n;
}

// Whether node i has a link up to the validator with key `k`.
bool LinkedTo(Cluster& c, std::size_t i, const PublicKey& k) {
  for (const json& p : StatusOf(c, i, "peers")) {
    if (p["key"] == k.ToHex() && p["connected"] == true) return true;
  }
  return false;
}

// Whether node i dials the validator with key `k` at `address` (it learnt the address).
bool Dials(Cluster& c, std::size_t i, const PublicKey& k, const std::string& address) {
  for (const json& p : StatusOf(c, i, "peers")) {
    if (p["key"] == k.ToHex()) return p["address"] == address;
  }
  return false;
}

TEST(Membership, AdministrationsJoinRotateAKeyAndLeaveWhileTheClusterCommits) {
  // A fourth spare is never started: its peer port, found free with the cluster's other
  // ports, is where KG's validator moves to.
  Cluster c("e2e_members", 4, {}, /*spare=*/4);
  for (std::size_t i = 4; i < 7; ++i) {
    c.SetConfig(i, "sync", "snapshot_from",
                "[\"http://" + c.api(0) + "\", \"http://" + c.api(1) + "\"]");
  }
  for (std::size_t i = 0; i < 4; ++i) c.Start(i);
  // The spares start once a block is provable, from a snapshot.
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 4; })) << c.Log(0);
  for (std::size_t i = 4; i < 7; ++i) c.Start(i);
  // (Until they are voted in, the members refuse their links: they stay at the snapshot.)
  for (std::size_t i = 4; i < 7; ++i) {
    ASSERT_TRUE(Cluster::WaitFor([&] {
      return c.Log(i).find("snapshot_installed") != std::string::npos && c.Height(i) >= 1;
    })) << c.Log(i);
  }

  // Load: KR's administrator registers an office about every 10 ms (up to 100/s), through
  // nodes 0 and 1 (which run throughout), until told to stop.
  std::vector<Hash32> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> refused{0};
  std::optional<Transaction> tx;  // The one being sent; unacknowledged when the load stops.
  std::thread load([&] {
    std::unique_ptr<client::HttpClient> clients[2];
    std::uint64_t seq = 1;
    while (!stop) {
      const std::string code = "LOAD-" + std::to_string(seq);
      if (!tx) {
        tx = c.Tx(c.admin(3), TxType::kRegisterOffice,
                  Encode(contracts::RegisterOffice{code, "Office " + code,
                                                   SecretKey::Generate().public_key()}),
                  seq);
      }
      auto& client = clients[seq % 2];
      if (!client) {
        auto connected = client::HttpClient::Connect(c.api(seq % 2), 10'000);
        if (connected.ok()) client = std::make_unique<client::HttpClient>(std::move(*connected));
      }
      auto [status, body] = client ? Cluster::SubmitWith(*client, *tx) : std::pair(0, json());
      // An answer lost on a broken connection leaves the transaction in: sent again, it is
      // a duplicate (waiting) or replayed (committed), and counts as acknowledged.
      const json answer = body.is_object() && body.contains("code") ? body["code"] : json();
      if (status == 202 || answer == "duplicate" || answer == "replayed_transaction") {
        acknowledged.push_back(tx->Hash());
        tx.reset();
        ++seq;
      } else {
        ++refused;  // The same transaction is sent again (on a new connection if it broke).
        if (status == 0) client.reset();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });

  // A failed assertion returns early: the load stops and is joined all the same.
  struct StopLoad {
    std::atomic<bool>& stop;
    std::thread& load;
    ~StopLoad() {
      stop = true;
      if (load.joinable()) load.join();
    }
  } stop_load{stop, load};

  Votes v(c);
  // --- TJ joins: 3 of 4 (KZ proposes, UZ and KG approve).
  ASSERT_TRUE(v.Do(0, 0, TxType::kProposeMembership,
                   Encode(contracts::ProposeMembership{"ADD-TJ", contracts::MembershipAction::kAdd,
                                                       Entry(c, 4, kFifth)})));
  ASSERT_TRUE(
      v.Do(1, 1, TxType::kApproveMembership, Encode(contracts::ApproveMembership{"ADD-TJ"})));
  ASSERT_TRUE(
      v.Do(2, 0, TxType::kApproveMembership, Encode(contracts::ApproveMembership{"ADD-TJ"})));
  ASSERT_TRUE(Cluster::WaitFor([&] { return StatusOf(c, 4, "validator_index") == 4; }, seconds(90)))
      << c.Log(4);

  // --- TM joins: 4 of 5 (TJ's approval among them).
  ASSERT_TRUE(v.Do(0, 0, TxType::kProposeMembership,
                   Encode(contracts::ProposeMembership{"ADD-TM", contracts::MembershipAction::kAdd,
                                                       Entry(c, 5, kSixth)})));
  for (std::size_t a : {1, 2, 4}) {
    ASSERT_TRUE(v.Do(a, a == 4 ? 4 : 0, TxType::kApproveMembership,
                     Encode(contracts::ApproveMembership{"ADD-TM"})));
  }
  ASSERT_TRUE(Cluster::WaitFor([&] { return StatusOf(c, 5, "validator_index") == 5; }, seconds(90)))
      << c.Log(5);
  // The two newcomers found each other at the ledger's addresses: neither is in the genesis.
  ASSERT_TRUE(Cluster::WaitFor([&] {
    return LinkedTo(c, 4, c.validator_key(5)) && LinkedTo(c, 5, c.validator_key(4));
  })) << c.Log(4)
      << c.Log(5);
  const auto at = [&](std::size_t i) { return "127.0.0.1:" + std::to_string(c.peer_port(i)); };
  EXPECT_TRUE(Dials(c, 4, c.validator_key(5), at(5)) && Dials(c, 5, c.validator_key(4), at(4)))
      << "each newcomer read the other's address from the ledger";
  const std::uint64_t six = c.Height(0);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(5) >= six + 3; })) << c.Log(5);

  // --- AZ joins: 4 of 6.
  ASSERT_TRUE(v.Do(0, 0, TxType::kProposeMembership,
                   Encode(contracts::ProposeMembership{"ADD-AZ", contracts::MembershipAction::kAdd,
                                                       Entry(c, 6, kSeventh)})));
  for (std::size_t a : {1, 2, 5}) {
    ASSERT_TRUE(v.Do(a, a == 5 ? 5 : 0, TxType::kApproveMembership,
                     Encode(contracts::ApproveMembership{"ADD-AZ"})));
  }
  ASSERT_TRUE(Cluster::WaitFor([&] { return StatusOf(c, 6, "validator_index") == 6; }, seconds(90)))
      << c.Log(6);
  ASSERT_TRUE(Cluster::WaitFor([&] {
    return LinkedTo(c, 6, c.validator_key(4)) && LinkedTo(c, 6, c.validator_key(5));
  })) << c.Log(6);
  const std::uint64_t seven = c.Height(0);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(6) >= seven + 3; })) << c.Log(6);

  // --- KG rotates its validator key; its node restarts with the new key.
  const SecretKey rotated = SecretKey::Generate();
  ASSERT_TRUE(SavePlainKeyFile(c.NodeDir(2) + "/validator-2.key", rotated).ok());
  ASSERT_TRUE(v.Do(2, 0, TxType::kRotateKey,
                   Encode(contracts::RotateKey{c.validator_key(2), rotated.public_key()})));
  ASSERT_TRUE(Cluster::WaitFor([&] {
    auto set = StatusOf(c, 0, "validators");
    return set.is_array() && set.size() == 7 && set[2] == rotated.public_key().ToHex();
  })) << c.Log(0);
  c.Terminate(2);
  const std::string toml = c.NodeDir(2) + "/tamgad.toml";
  std::string config = *ReadFileToString(toml, 1 << 20);
  config.replace(config.find("validator.key"), 13, "validator-2.key");
  ASSERT_TRUE(WriteFileAtomic(toml, config, {}).ok());
  c.Start(2);
  ASSERT_TRUE(Cluster::WaitFor([&] { return StatusOf(c, 2, "validator_index") == 2; }, seconds(90)))
      << c.Log(2);
  ASSERT_TRUE(Cluster::WaitFor([&] { return LinkedTo(c, 4, rotated.public_key()); })) << c.Log(4);

  // --- KG moves its validator to another port: every node dials it there once the change
  // commits, and it takes part again after it restarts at the new address.
  const std::string moved = "127.0.0.1:" + std::to_string(c.peer_port(7));
  ASSERT_TRUE(
      v.Do(2, 0, TxType::kSetValidatorAddress, Encode(contracts::SetValidatorAddress{moved})));
  ASSERT_TRUE(Cluster::WaitFor([&] {
    for (std::size_t i : {0, 1, 3, 4, 5, 6}) {
      if (!Dials(c, i, rotated.public_key(), moved)) return false;
    }
    return true;
  })) << c.Log(4);
  c.Terminate(2);
  config = *ReadFileToString(toml, 1 << 20);
  const std::string old_listen = at(2) + "\"";
  config.replace(config.find(old_listen), old_listen.size(), moved + "\"");
  ASSERT_TRUE(WriteFileAtomic(toml, config, {}).ok());
  c.Start(2);
  ASSERT_TRUE(Cluster::WaitFor([&] {
    return LinkedTo(c, 0, rotated.public_key()) && LinkedTo(c, 4, rotated.public_key());
  })) << c.Log(2);
  const std::uint64_t moved_height = c.Height(0);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(2) >= moved_height + 3; })) << c.Log(2);

  // --- TM leaves: 5 of 7, AZ's approval among them.
  const auto remove = [&](const char* country, std::initializer_list<std::size_t> approvers) {
    const std::string id = std::string("REMOVE-") + country;
    auto r =
        v.Do(0, 0, TxType::kProposeMembership,
             Encode(contracts::ProposeMembership{id,
                                                 contracts::MembershipAction::kRemove,
                                                 {country, "", PublicKey(), "", PublicKey()}}));
    // Approvals are sent through node 0, which stays.
    for (std::size_t a : approvers) {
      if (r) r = v.Do(a, 0, TxType::kApproveMembership, Encode(contracts::ApproveMembership{id}));
    }
    return r;
  };
  ASSERT_TRUE(remove(kSixth, {1, 2, 4, 6}));
  ASSERT_TRUE(Cluster::WaitFor([&] { return SetOf(c, 6); })) << c.Log(0);
  c.Terminate(5);
  const std::uint64_t six_again = c.Height(0);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(6) >= six_again + 3; })) << c.Log(6);

  // --- TJ leaves too: 4 of 6, its own approval among them.
  ASSERT_TRUE(remove(kFifth, {1, 4, 6}));
  ASSERT_TRUE(Cluster::WaitFor([&] { return SetOf(c, 5); })) << c.Log(0);
  c.Terminate(4);

  // The five go on committing; then the load stops.
  const std::uint64_t five = c.Height(0);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(6) >= five + 5; })) << c.Log(6);
  stop = true;
  load.join();
  ASSERT_GE(acknowledged.size(), 20u);

  // Every acknowledged registration committed and accepted, on AZ's node (which joined
  // from a snapshot).
  for (const Hash32& id : acknowledged) {
    json body;
    ASSERT_TRUE(Cluster::WaitFor([&] { return c.TxStatus(6, id, &body) == "committed"; }))
        << id.ToHex();
    EXPECT_EQ(body["result"], "accepted") << body.dump();
  }
  // KR's administrator sent nothing else: its last sequence number is the count of
  // acknowledgments (plus one if the transaction in flight when the load stopped, whose
  // answer it did not wait for, committed too), so nothing acknowledged went missing and
  // nothing else ran.
  std::size_t sent = acknowledged.size();
  if (tx && c.TxStatus(6, tx->Hash()) == "committed") ++sent;
  auto account = c.Get(6, "/v1/accounts/" + c.admin(3).public_key().ToHex());
  ASSERT_TRUE(account && account->status == 200);
  EXPECT_EQ(json::parse(account->body)["last_sequence"], sent) << account->body;
  const std::uint64_t end = c.Height(0);
  std::optional<std::string> root;
  for (std::size_t i : {0, 1, 2, 3, 6}) {
    auto r = c.StateRootAt(i, end);
    ASSERT_TRUE(r.has_value()) << "node " << i << " did not reach height " << end << c.Log(i);
    if (!root) root = r;
    EXPECT_EQ(*r, *root) << "node " << i;
  }
  std::cout << "membership: " << acknowledged.size() << " registrations acknowledged, " << refused
            << " refusals retried, final height " << end << ", epoch " << StatusOf(c, 0, "epoch")
            << "\n";
}

}  // namespace
}  // namespace tamga::testing
