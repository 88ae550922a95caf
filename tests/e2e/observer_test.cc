// tests/e2e/observer_test.cc
// An observer (role = "observer" in tamgad.toml) with real processes: the validators admit
// it once an administration names its key on the ledger (set-observers), up to their cap
// per administration; it follows a running cluster, serves a proof that verifies offline
// against the genesis alone, and signs nothing, not even once a membership vote puts its
// key in the validator set. With it in
// the set of five and one validator stopped, three signers are short of the quorum of
// four: the chain stops until the validator comes back. Once its key is in the set, the
// node refuses to start as an observer with it.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cli/verify_command.h"
#include "client/genesis_file.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/governance.h"

namespace tamga::testing {
namespace {

using contracts::TxType;
using nlohmann::json;
using std::chrono::seconds;

// How many links node i has up.
std::size_t LinkedCount(Cluster& c, std::size_t i) {
  std::size_t n = 0;
  for (const json& p : StatusOf(c, i, "peers")) n += p["connected"] == true ? 1 : 0;
  return n;
}
bool Linked(Cluster& c, std::size_t i) { return LinkedCount(c, i) > 0; }

TEST(Observer, FollowsServesAProofThatVerifiesAndIsNeverCountedInAQuorum) {
  Cluster c("e2e_observer", 4, {}, /*spare=*/2);
  // Nodes 4 and 5 are spares (their keys are in no set yet), configured as observers.
  // `role` is a top-level key, so it goes before the first table.
  for (std::size_t i : {4, 5}) {
    const std::string toml = c.NodeDir(i) + "/tamgad.toml";
    ASSERT_TRUE(
        WriteFileAtomic(toml, "role = \"observer\"\n" + *ReadFileToString(toml, 1 << 20), {}).ok());
  }
  // Every validator admits one observer per administration.
  for (std::size_t i = 0; i < 4; ++i)
    c.SetConfig(i, "network", "observers_per_administration", "1");
  for (std::size_t i = 0; i < 6; ++i) c.Start(i);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; })) << c.Log(0);
  // Node 4 runs and answers, but no validator takes its link.
  ASSERT_TRUE(Cluster::WaitFor([&] { return StatusOf(c, 4, "role") == "observer"; })) << c.Log(4);
  ASSERT_TRUE(Cluster::WaitFor([&] {
    return c.Log(4).find("key not admitted") != std::string::npos;
  })) << c.Log(4);
  EXPECT_EQ(StatusOf(c, 4, "height"), 0u) << "followed before any administration named it";
  EXPECT_FALSE(Linked(c, 4)) << c.Log(4);

  // KZ names both: the first is admitted, the second is beyond the validators' cap.
  Votes v(c);
  ASSERT_TRUE(v.Do(0, 0, TxType::kSetObservers,
                   Encode(contracts::ObserverKeys{{c.validator_key(4), c.validator_key(5)}})));
  // Every validator applied the list once node 4 is linked to all four.
  ASSERT_TRUE(Cluster::WaitFor([&] { return LinkedCount(c, 4) == 4 && c.Height(4) >= 1; }))
      << c.Log(4);
  const std::size_t named_at = c.Log(5).size();
  EXPECT_EQ(StatusOf(c, 4, "role"), "observer");
  EXPECT_EQ(StatusOf(c, 0, "role"), "validator");
  // Node 5 dials again (with back-off) and is refused again, after the list committed.
  ASSERT_TRUE(Cluster::WaitFor([&] {
    return c.Log(5).find("key not admitted", named_at) != std::string::npos;
  })) << c.Log(5);
  EXPECT_EQ(StatusOf(c, 5, "height"), 0u)
      << "a validator admitted more observers of KZ than its cap";
  EXPECT_FALSE(Linked(c, 5)) << c.Log(5);
  // KG names it too: it is admitted under KG's cap, and follows.
  ASSERT_TRUE(
      v.Do(2, 0, TxType::kSetObservers, Encode(contracts::ObserverKeys{{c.validator_key(5)}})));
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(5) >= 2 && Linked(c, 5); })) << c.Log(5);
  c.Terminate(5);

  // A document anchored through a validator; the observer serves its proof.
  const Hash32 document = Sha256Of(AsBytes("invoice INV-OBS-1"));
  const Transaction anchor = c.Tx(
      c.admin(0), TxType::kAnchorDocument,
      Encode(contracts::AnchorDocument{contracts::DocumentType::kInvoice, document, "INV-OBS-1"}),
      2);  // KZ's administrator sent set-observers as number 1.
  ASSERT_EQ(c.Submit(0, anchor).first, 202);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.TxStatus(4, anchor.Hash()) == "committed"; }))
      << c.Log(4);
  std::string proof;
  ASSERT_TRUE(Cluster::WaitFor([&] {
    auto r = c.Get(4, "/v1/documents/" + document.ToHex() + "/proof");
    if (!r || r->status != 200) return false;  // 503 until a later block proves the commit.
    proof = r->body;
    return true;
  })) << c.Log(4);
  auto genesis = client::LoadGenesisFile(c.GenesisFile());
  ASSERT_TRUE(genesis.ok());
  const cli::DocumentVerdict verdict = cli::ExplainDocument(*genesis, document, proof, UnixNowMs());
  EXPECT_EQ(verdict.exit_code, cli::kVerifyInForce) << verdict.code << ": " << verdict.headline;

  // TJ, the observer's administration, is admitted (3 of 4): its key is now in the set of
  // five, and the observer still signs nothing.
  ASSERT_TRUE(v.Do(1, 0, TxType::kProposeMembership,
                   Encode(contracts::ProposeMembership{"ADD-TJ", contracts::MembershipAction::kAdd,
                                                       Entry(c, 4, "TJ")})));
  ASSERT_TRUE(
      v.Do(2, 0, TxType::kApproveMembership, Encode(contracts::ApproveMembership{"ADD-TJ"})));
  ASSERT_TRUE(
      v.Do(3, 0, TxType::kApproveMembership, Encode(contracts::ApproveMembership{"ADD-TJ"})));
  ASSERT_TRUE(Cluster::WaitFor([&] {
    auto set = StatusOf(c, 4, "validators");
    return set.is_array() && set.size() == 5;
  })) << c.Log(4);
  EXPECT_TRUE(StatusOf(c, 4, "validator_index").is_null());
  EXPECT_NE(c.Log(4).find("observer_in_set"), std::string::npos) << c.Log(4);
  // Four signers of five make the quorum of four: the chain goes on.
  const std::uint64_t five = c.Height(0);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(4) >= five + 3; })) << c.Log(0);

  // One validator stops: three signers remain, and the observer is not a fourth.
  // What was certified before the stop may still commit on a node that learns of it late
  // (a timeout carries the QC): the highest committed height among the nodes is what
  // must not move.
  c.Terminate(3);
  const auto highest = [&] {  // Height() is 0 when a node does not answer: ask thrice.
    std::uint64_t h = 0;
    for (int sample = 0; sample < 3; ++sample) {
      for (std::size_t i : {0, 1, 2, 4}) h = std::max(h, c.Height(i));
    }
    return h;
  };
  std::this_thread::sleep_for(seconds(3));
  const std::uint64_t stalled = highest();
  std::this_thread::sleep_for(seconds(6));  // Several round timeouts.
  EXPECT_EQ(highest(), stalled) << "committed without a quorum of validators" << c.Log(0);
  EXPECT_TRUE(StatusOf(c, 4, "validator_index").is_null());

  // It comes back: four signers again, and the chain goes on.
  c.Start(3);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(4) >= stalled + 3; }, seconds(90)))
      << c.Log(0);
  // Its key is in the set now: as an observer, the node refuses to start again with it.
  c.Terminate(4);
  c.Start(4);
  ASSERT_TRUE(c.WaitForExit(4, seconds(60)))
      << "still running as an observer with a key of the set";
  EXPECT_EQ(c.last_exit(4), 1) << "a start-up error";
  EXPECT_NE(c.Log(4).find("an observer needs a key of its own"), std::string::npos) << c.Log(4);

  std::cout << "observer: proof verified (" << verdict.code << "), stalled at height " << stalled
            << " with 3 of 5 signers, resumed to " << c.Height(0) << "\n";
}

}  // namespace
}  // namespace tamga::testing
