// tests/ledger/state_sync_test.cc
// The state tree copied node by node from peers: a whole tree arrives and reads the same
// under its root; a peer that serves wrong bytes, another tree's nodes, nodes not asked,
// nothing, or fails is dropped and the copy completes from the others; with no honest
// peer it fails; an interrupted copy resumes from what it stored; the wire form
// round-trips and refuses truncated input. Then the whole join: a ledger installed from a
// copied state and a proof carries the chain on exactly as the one it was copied from.

#include "ledger/state_sync.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "common/sha256.h"
#include "ledger/ledger.h"
#include "ledger/state_tree.h"
#include "tests/ledger/chain_builder.h"

namespace tamga::ledger {
namespace {

Hash32 KeyOf(std::uint64_t i) {
  Bytes b;
  AppendU64(b, i);
  return StateKeyOf(b);
}

Bytes ValueOf(std::uint64_t i, std::uint64_t salt = 0) {
  const std::string s = "value " + std::to_string(i) + "/" + std::to_string(salt);
  return Bytes(s.begin(), s.end());
}

// A store holding the tree of keys [0, n) (values salted by `salt`); returns its root.
Hash32 BuildTree(MemKvStore& store, std::uint64_t n, std::uint64_t salt = 0) {
  std::vector<StateWrite> writes;
  for (std::uint64_t i = 0; i < n; ++i) writes.push_back({KeyOf(i), ValueOf(i, salt)});
  Overlay o(nullptr, &store);
  const Hash32 root = StateTree::Update(o, Hash32(), std::move(writes)).value();
  WriteBatch b;
  o.AppendTo(b);
  EXPECT_TRUE(store.Write(b, true).ok());
  return root;
}

// How a peer answers a request: honest by default.
using Serve = std::function<std::optional<std::vector<StateNodeItem>>(
    const std::vector<Hash32>& asked, const MemKvStore& source)>;

std::optional<std::vector<StateNodeItem>> Honest(const std::vector<Hash32>& asked,
                                                 const MemKvStore& source) {
  return ReadStateNodes(source, asked).value();
}

struct Outcome {
  bool done = false;
  bool failed = false;
  StateSync::Progress progress;
  std::map<StateSync::PeerId, std::string> dropped;
};

// A sync of `root` into `target` from peers answering with `peers` (each over
// `source`), in rounds: all requests of a round are sent, then answered in order. Stops
// after `max_rounds` (an interrupted sync) or when done or failed.
Outcome Sync(const Hash32& root, const MemKvStore& source, MemKvStore& target,
            const std::vector<Serve>& peers, std::size_t batch = 16,
            std::size_t max_rounds = 1'000'000) {
  std::vector<StateSync::PeerId> ids;
  for (std::size_t i = 0; i < peers.size(); ++i) ids.push_back(static_cast<StateSync::PeerId>(i));
  StateSync sync(root, ids, {batch});
  for (std::size_t round = 0; round < max_rounds && !sync.done() && !sync.failed(); ++round) {
    const auto requests = sync.NextRequests(target).value();
    Overlay out(nullptr, &target);
    for (const auto& r : requests) {
      auto answer = peers[r.peer](r.hashes, source);
      if (!answer) {
        sync.OnFailure(r.id, "connection closed");
      } else {
        sync.OnAnswer(r.id, *answer, out);
      }
    }
    WriteBatch b;
    out.AppendTo(b);
    EXPECT_TRUE(target.Write(b, true).ok());
  }
  return {sync.done(), sync.failed(), sync.progress(), sync.dropped()};
}

// The nodes of the tree under `root` in `store`, each once.
std::uint64_t CountNodes(const MemKvStore& store, const Hash32& root) {
  if (root == Hash32()) return 0;
  std::vector<Hash32> one{root};
  const auto items = ReadStateNodes(store, one).value();
  EXPECT_EQ(items.size(), 1u);
  if (items.empty() || items[0].node[0] == 0) return 1;
  const ByteView n(items[0].node);
  return 1 + CountNodes(store, Hash32::FromView(n.subspan(1, 32))) +
         CountNodes(store, Hash32::FromView(n.subspan(33, 32)));
}

// Every key of [0, n) reads its value under `root` in `store`.
void ExpectWholeTree(const MemKvStore& store, const Hash32& root, std::uint64_t n) {
  for (std::uint64_t i = 0; i < n; ++i) {
    auto v = StateTree::Get(store, root, KeyOf(i));
    ASSERT_TRUE(v.ok()) << i << ": " << v.error().ToString();
    ASSERT_TRUE(v->has_value()) << i;
    ASSERT_EQ(**v, ValueOf(i)) << i;
  }
}

TEST(StateSync, CopiesAWholeTreeFromHonestPeers) {
  MemKvStore source, target;
  const Hash32 root = BuildTree(source, 3000);
  const Outcome o = Sync(root, source, target, {Honest, Honest, Honest});
  ASSERT_TRUE(o.done);
  EXPECT_TRUE(o.dropped.empty());
  EXPECT_EQ(o.progress.local, 0u);
  // Every node once, nothing twice.
  const std::uint64_t nodes = CountNodes(source, root);
  EXPECT_GE(nodes, 5999u);  // 3,000 leaves and at least 2,999 inner nodes.
  EXPECT_EQ(o.progress.fetched, nodes);
  EXPECT_EQ(o.progress.nodes, nodes);
  ExpectWholeTree(target, root, 3000);
}

TEST(StateSync, TheEmptyTreeNeedsNothing) {
  MemKvStore source, target;
  StateSync sync(Hash32(), {0}, {});
  EXPECT_TRUE(sync.done());
  EXPECT_TRUE(sync.NextRequests(target).value().empty());
}

TEST(StateSync, EachKindOfLiarIsDroppedAndTheCopyCompletesFromTheOthers) {
  MemKvStore source, other, target;
  const Hash32 root = BuildTree(source, 2000);
  const Hash32 other_root = BuildTree(other, 2000, /*salt=*/1);  // Same keys, other values.
  // A node's bytes changed in place.
  Serve flips = [](const std::vector<Hash32>& asked, const MemKvStore& s) {
    auto items = ReadStateNodes(s, asked).value();
    items.back().node[40] ^= 1;
    return std::optional(items);
  };
  // A leaf's value changed (the node itself is right).
  Serve wrong_value = [](const std::vector<Hash32>& asked, const MemKvStore& s) {
    auto items = ReadStateNodes(s, asked).value();
    for (auto& it : items) {
      if (it.value) it.value->push_back('!');
    }
    return std::optional(items);
  };
  // Nodes of another tree in answer to these hashes (a wrong or inflated height's state).
  Serve other_tree = [&](const std::vector<Hash32>&, const MemKvStore&) {
    return std::optional(ReadStateNodes(other, std::vector<Hash32>{other_root}).value());
  };
  // Nothing at all, and a closed connection.
  Serve empty = [](const std::vector<Hash32>&, const MemKvStore&) {
    return std::optional(std::vector<StateNodeItem>{});
  };
  Serve closes = [](const std::vector<Hash32>&, const MemKvStore&) {
    return std::optional<std::vector<StateNodeItem>>();
  };
  // Right nodes in the wrong order.
  Serve shuffles = [](const std::vector<Hash32>& asked, const MemKvStore& s) {
    auto items = ReadStateNodes(s, asked).value();
    if (items.size() > 1) std::swap(items.front(), items.back());
    return std::optional(items);
  };
  const Outcome o = Sync(root, source, target,
                        {flips, Honest, wrong_value, other_tree, empty, closes, shuffles});
  ASSERT_TRUE(o.done);
  EXPECT_EQ(o.dropped.size(), 6u);
  EXPECT_EQ(o.dropped.count(1), 0u);  // The honest one stays.
  EXPECT_NE(o.dropped.at(0).find("bytes of another hash"), std::string::npos) << o.dropped.at(0);
  EXPECT_NE(o.dropped.at(4).find("none of the nodes"), std::string::npos) << o.dropped.at(4);
  EXPECT_EQ(o.dropped.at(5), "connection closed");
  ExpectWholeTree(target, root, 2000);
  // Nothing of the liars was kept: exactly the tree's nodes are in the store.
  std::size_t stored = 0;
  ASSERT_TRUE(target
                  .Scan(Column::kState, Bytes{'n'}, {},
                        [&](ByteView, ByteView) {
                          ++stored;
                          return true;
                        })
                  .ok());
  EXPECT_EQ(stored, CountNodes(source, root));
}

TEST(StateSync, WithNoHonestPeerItFailsAndStoresNothingFalse) {
  MemKvStore source, target;
  const Hash32 root = BuildTree(source, 100);
  Serve flips = [](const std::vector<Hash32>& asked, const MemKvStore& s) {
    auto items = ReadStateNodes(s, asked).value();
    items.front().node[1] ^= 1;
    return std::optional(items);
  };
  const Outcome o = Sync(root, source, target, {flips, flips});
  EXPECT_FALSE(o.done);
  EXPECT_TRUE(o.failed);
  EXPECT_EQ(o.progress.fetched, 0u);
}

TEST(StateSync, AnInterruptedCopyResumesFromWhatItStored) {
  MemKvStore source, target;
  const Hash32 root = BuildTree(source, 3000);
  const Outcome first = Sync(root, source, target, {Honest, Honest}, 16, /*max_rounds=*/60);
  ASSERT_FALSE(first.done);
  ASSERT_GT(first.progress.fetched, 0u);
  const Outcome second = Sync(root, source, target, {Honest});
  ASSERT_TRUE(second.done);
  // The second run walks what the first stored and fetches only the rest.
  EXPECT_EQ(second.progress.fetched + first.progress.fetched, CountNodes(source, root));
  EXPECT_EQ(second.progress.local, first.progress.fetched);
  ExpectWholeTree(target, root, 3000);
}

TEST(StateSync, AShortButTrueAnswerKeepsThePeer) {
  MemKvStore source, target;
  const Hash32 root = BuildTree(source, 500);
  Serve one_at_a_time = [](const std::vector<Hash32>& asked, const MemKvStore& s) {
    return std::optional(ReadStateNodes(s, std::vector<Hash32>{asked.front()}).value());
  };
  const Outcome o = Sync(root, source, target, {one_at_a_time});
  ASSERT_TRUE(o.done);
  EXPECT_TRUE(o.dropped.empty());
  ExpectWholeTree(target, root, 500);
}

TEST(StateSyncWire, RoundTripsAndRefusesTruncatedOrOversizedInput) {
  MemKvStore source;
  const Hash32 root = BuildTree(source, 40);
  std::vector<Hash32> asked{root};
  auto items = ReadStateNodes(source, asked).value();
  // Down one path to a leaf, so the answer holds both kinds.
  while (items.back().node[0] == 1) {
    Hash32 left = Hash32::FromView(ByteView(items.back().node.data() + 1, 32));
    if (left == Hash32()) left = Hash32::FromView(ByteView(items.back().node.data() + 33, 32));
    auto next = ReadStateNodes(source, std::vector<Hash32>{left}).value();
    items.push_back(next.front());
  }
  for (const auto& it : items) EXPECT_TRUE(StateNodeMatches(it));
  const Bytes wire = EncodeStateNodes(items);
  EXPECT_EQ(DecodeStateNodes(wire).value(), items);
  for (std::size_t cut : {std::size_t{1}, std::size_t{5}, std::size_t{70}}) {
    EXPECT_FALSE(DecodeStateNodes(ByteView(wire.data(), wire.size() - cut)).ok()) << cut;
  }
  Bytes bad_kind = wire;
  bad_kind[32] = 7;
  EXPECT_FALSE(DecodeStateNodes(bad_kind).ok());
  // The server never reads more than a batch, and a byte budget keeps at least one node.
  std::vector<Hash32> many(kStateSyncBatchMax + 10, root);
  EXPECT_EQ(ReadStateNodes(source, many).value().size(), kStateSyncBatchMax);
  EXPECT_EQ(ReadStateNodes(source, many, 1).value().size(), 1u);
  // An unknown hash ends the answer there.
  std::vector<Hash32> unknown{root, Sha256Of(Bytes{1}), root};
  EXPECT_EQ(ReadStateNodes(source, unknown).value().size(), 1u);
}

// A chain across an epoch change, copied at its highest provable block into an empty
// store (state by StateSync, the rest from the proof and the block), goes on committing
// the same blocks with the same results, and proves its new records from genesis.
TEST(Snapshot, ALedgerInstalledFromACopiedStateCarriesTheChainOn) {
  using testing::ChainBuilder;
  const auto keys = testing::ValidatorKeys(4);
  const auto next_keys = testing::ValidatorKeys(4, 11);
  const TrustAnchor anchor = testing::TestAnchor(keys);
  auto source_store = std::make_unique<MemKvStore>();
  MemKvStore& source_kv = *source_store;
  auto source = Ledger::Open(std::move(source_store), anchor).value();
  ChainBuilder a(*source, keys);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(a.AppendBlock(3).ok());
  ASSERT_TRUE(a.AppendReconfiguration(next_keys).ok());
  ChainBuilder a2(*source, next_keys);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(a2.AppendBlock(5).ok());

  const Height h = source->ProvableHeight().value();
  const ExecutionResult at = source->ResultAt(h).value();
  ASSERT_GT(at.log_size, 0u);
  const ProofFile proof = source->BuildProof(at.log_size - 1, {}, h).value();
  ASSERT_EQ(proof.epochs.size(), 1u);

  auto target_store = std::make_unique<MemKvStore>();
  const Outcome copied = Sync(at.state_root, source_kv, *target_store, {Honest, Honest});
  ASSERT_TRUE(copied.done);
  // A wrong block, or a proof that does not verify, is refused before anything is written.
  Block wrong = source->BlockAt(h).value();
  wrong.transactions.pop_back();
  EXPECT_FALSE(Ledger::InstallSnapshot(*target_store, anchor, proof, wrong).ok());
  ProofFile forged = proof;
  forged.block.qc.data.result.log_size += 1;
  EXPECT_FALSE(Ledger::InstallSnapshot(*target_store, anchor, forged, source->BlockAt(h).value()).ok());
  // A proof without the log's last record verifies, but cannot carry the log on.
  ProofFile no_log = proof;
  no_log.log.reset();
  ASSERT_TRUE(VerifyProof(anchor, no_log).ok());
  EXPECT_EQ(Ledger::InstallSnapshot(*target_store, anchor, no_log, source->BlockAt(h).value()).code(),
            StatusCode::kInvalidArgument);
  // The block that ended epoch 0 cannot be a snapshot: the next block runs under another set.
  const Height ended = proof.epochs[0].block.header.height;
  const ProofFile at_end =
      source->BuildProof(source->ResultAt(ended).value().log_size - 1, {}, ended).value();
  EXPECT_EQ(Ledger::InstallSnapshot(*target_store, anchor, at_end, source->BlockAt(ended).value())
                .code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Ledger::InstallSnapshot(*target_store, anchor, proof, source->BlockAt(h).value()).ok());
  auto target = Ledger::OpenExisting(std::move(target_store), anchor).value();
  EXPECT_EQ(target->snapshot_height(), h);
  EXPECT_EQ(target->Head().height, h);
  EXPECT_EQ(target->Head().block_id, source->HeaderAt(h).value().Id());
  EXPECT_EQ(target->Head().validators, source->Head().validators);

  // The blocks the source committed since, then new ones on both: the same results.
  for (std::uint64_t j = h.value() + 1; j <= source->Head().height.value(); ++j) {
    const Block b = source->BlockAt(Height(j)).value();
    auto prepared = target->Prepare(nullptr, b, ChainBuilder::AnchorOutput(b)).value();
    ASSERT_EQ(prepared->result, source->ResultAt(Height(j)).value()) << j;
    ASSERT_TRUE(target->Commit(*prepared, source->QcAt(Height(j)).value()).ok()) << j;
  }
  ChainBuilder b(*target, next_keys);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(a2.AppendBlock(2).ok());
    ASSERT_TRUE(b.AppendBlock(2).ok());
    ASSERT_EQ(target->Head().result, source->Head().result);
  }
  // A new record's proof, built by the installed ledger, verifies from genesis (its epoch
  // change comes from the snapshot's proof).
  const Height provable = target->ProvableHeight().value();
  ASSERT_GT(provable, h);
  const std::uint64_t last = target->ResultAt(provable).value().log_size - 1;
  const ProofFile fresh = target->BuildProof(last, {}, provable).value();
  EXPECT_TRUE(VerifyProof(anchor, fresh).ok()) << VerifyProof(anchor, fresh).message;
  EXPECT_EQ(fresh, source->BuildProof(last, {}, provable).value());
  // What lies below the snapshot is not there, and says so.
  EXPECT_EQ(target->BlockAt(Height(2)).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(target->RecordAt(0).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(target->HeightAtTime(0).error().code(), StatusCode::kNotFound);
  EXPECT_FALSE(target->BuildProof(0, {}).ok());
  // A store that holds a ledger is not installed over.
  EXPECT_EQ(Ledger::InstallSnapshot(target->store(), anchor, proof, source->BlockAt(h).value())
                .code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace tamga::ledger
