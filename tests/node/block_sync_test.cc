// Block sync's chained fetches stay within ahead_blocks_max of the committed height: a node
// replaying a long chain holds a bounded window of it, and commits open the window again.

#include "node/block_sync.h"

#include <gtest/gtest.h>

#include "common/merkle.h"
#include "tests/support/samples.h"

namespace tamga::node {
namespace {

using testing::TestChain;
using testing::TestKey;

VoteData Certifies(const Block& b) {
  VoteData d;
  d.chain_id = TestChain();
  d.round = b.header.round;
  d.height = b.header.height;
  d.block_id = b.header.Id();
  return d;
}

// Every signature verifies: what is under test is which blocks are asked for, not the
// checks of consensus::Verifier (tests/consensus/verify_test.cc).
class AcceptAll final : public consensus::SignatureChecker {
 public:
  bool Verify(const PublicKey&, SignDomain, ByteView, const Signature&) const override {
    return true;
  }
};

// A chain of empty blocks, each certified by validators 0-2 of four.
class Chain {
 public:
  explicit Chain(std::uint64_t length) {
    for (std::uint8_t i = 0; i < 4; ++i) set_.validators.push_back(TestKey(i).public_key());
    genesis_.header.chain_id = TestChain();
    root_qc_.data = Certifies(genesis_);
    QuorumCertificate justify = root_qc_;
    for (std::uint64_t h = 1; h <= length; ++h) {
      Block b;
      b.header.chain_id = TestChain();
      b.header.round = Round(h);
      b.header.height = Height(h);
      b.header.parent_id = justify.data.block_id;
      b.header.payload_root = MerkleRoot({});
      b.justify = justify;
      QuorumCertificate qc;
      qc.data = Certifies(b);
      for (std::uint32_t v = 0; v < 3; ++v) qc.signatures.push_back({ValidatorIndex(v), {}});
      blocks_.push_back({b, qc});
      justify = qc;
    }
  }
  // What a server answers to a request from `from` (at most 100 blocks).
  net::BlockResponse Serve(std::uint64_t from) const {
    net::BlockResponse r;
    for (std::uint64_t h = from; h < from + 100 && h <= blocks_.size(); ++h) {
      r.blocks.push_back({blocks_[h - 1].block, blocks_[h - 1].qc});
    }
    r.highest_height = Height(blocks_.size());
    return r;
  }
  consensus::Verifier MakeVerifier() const {
    return consensus::Verifier(TestChain(), set_, root_qc_, checker_);
  }

 private:
  ValidatorSet set_;
  Block genesis_;
  QuorumCertificate root_qc_;
  AcceptAll checker_;
  std::vector<CertifiedBlock> blocks_;
};

class Recorder final : public SyncNetwork {
 public:
  void Request(const PublicKey&, const net::BlockRequest& r) override { requests.push_back(r); }
  void Drop(const PublicKey&, const std::string& why) override { dropped.push_back(why); }
  std::vector<net::BlockRequest> requests;
  std::vector<std::string> dropped;
};

// Holds what was delivered; commits when the test says.
class Target final : public SyncTarget {
 public:
  explicit Target(const consensus::Verifier& v) : verifier_(v) {}
  Epoch epoch() const override { return Epoch(0); }
  Height committed() const override { return committed_; }
  const consensus::Verifier& verifier() const override { return verifier_; }
  void Deliver(std::vector<CertifiedBlock> blocks) override {
    for (const auto& b : blocks) {
      EXPECT_EQ(b.block.header.height.value(), delivered + 1);
      delivered = b.block.header.height.value();
    }
  }
  bool stopped() const override { return false; }
  void CommitTo(std::uint64_t h) { committed_ = Height(h); }
  std::uint64_t delivered = 0;

 private:
  const consensus::Verifier& verifier_;
  Height committed_{0};
};

TEST(BlockSync, ChainedFetchesStayWithinTheWindowAboveTheCommittedHeight) {
  const Chain chain(1000);
  const consensus::Verifier verifier = chain.MakeVerifier();
  Recorder network;
  Target target(verifier);
  BlockSync sync(network, SyncLimits{.ahead_blocks_max = 300});
  const PublicKey server = TestKey(1).public_key();

  sync.Fetch(Height(1), server, {}, 0);
  ASSERT_EQ(network.requests.size(), 1u);
  // Replies chain at once while the next would end within 300 of the committed height 0.
  for (std::uint64_t from : {1, 101, 201}) {
    ASSERT_EQ(network.requests.back().from_height, Height(from));
    EXPECT_EQ(sync.OnResponse(server, chain.Serve(from), target, 0), 100u);
  }
  EXPECT_EQ(target.delivered, 300u);
  EXPECT_EQ(network.requests.size(), 3u) << "blocks 301-400 would end 400 above height 0";

  target.CommitTo(99);
  sync.OnCommitted(target);
  EXPECT_EQ(network.requests.size(), 3u) << "still 301 above";
  target.CommitTo(100);
  sync.OnCommitted(target);
  ASSERT_EQ(network.requests.size(), 4u);
  EXPECT_EQ(network.requests.back().from_height, Height(301));
  sync.OnCommitted(target);  // Nothing paused: asks nothing more.
  EXPECT_EQ(network.requests.size(), 4u);

  // Caught up to the end: the last reply says the server holds no more, nothing is asked.
  std::uint64_t from = 301;
  while (target.delivered < 1000) {
    ASSERT_EQ(sync.OnResponse(server, chain.Serve(from), target, 0), 100u);
    target.CommitTo(target.delivered);
    sync.OnCommitted(target);
    from += 100;
    if (target.delivered < 1000) {
      ASSERT_EQ(network.requests.back().from_height, Height(from));
    }
  }
  EXPECT_EQ(network.requests.size(), 10u);
  EXPECT_TRUE(network.dropped.empty());
}

TEST(BlockSync, APausedChainResumesAboveBlocksCommittedMeanwhile) {
  const Chain chain(1000);
  const consensus::Verifier verifier = chain.MakeVerifier();
  Recorder network;
  Target target(verifier);
  BlockSync sync(network, SyncLimits{.ahead_blocks_max = 150});
  const PublicKey server = TestKey(1).public_key();
  sync.Fetch(Height(1), server, {}, 0);
  EXPECT_EQ(sync.OnResponse(server, chain.Serve(1), target, 0), 100u);
  ASSERT_EQ(network.requests.size(), 1u) << "101-200 would end 200 above height 0";
  // Blocks reached the node some other way (the core's own fetch) up to 180.
  target.delivered = 180;
  target.CommitTo(180);
  sync.OnCommitted(target);
  ASSERT_EQ(network.requests.size(), 2u);
  EXPECT_EQ(network.requests.back().from_height, Height(181));
  // The reply to that chained request continues the chain.
  EXPECT_EQ(sync.OnResponse(server, chain.Serve(181), target, 0), 100u);
  EXPECT_EQ(network.requests.size(), 2u) << "281-380 would end 200 above 180";
}

}  // namespace
}  // namespace tamga::node
