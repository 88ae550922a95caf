// End-to-end tests: real tamgad processes on loopback, talking over the authenticated
// transport, committing real transactions through the rules into RocksDB. Each test is
// bounded by the waits below (at most a minute per step).

#include "tests/e2e/cluster.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "common/encoding.h"
#include "common/file_util.h"
#include "consensus/verify.h"
#include "net/handshake.h"

namespace tamga::testing {
namespace {

using contracts::TxType;
using nlohmann::json;

Transaction Office(const Cluster& c, std::size_t admin, const std::string& code,
                   std::uint64_t sequence) {
  return c.Tx(
      c.admin(admin), TxType::kRegisterOffice,
      Encode(contracts::RegisterOffice{code, "Office " + code, SecretKey::Generate().public_key()}),
      sequence);
}

// Waits until every running node has committed `id`.
bool CommittedEverywhere(Cluster& c, const Hash32& id) {
  return Cluster::WaitFor([&] {
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (c.Running(i) && c.TxStatus(i, id) != "committed") return false;
    }
    return true;
  });
}

// Every running node reaches height `h` and agrees on the state root after it.
void ExpectSameStateAt(Cluster& c, std::uint64_t h) {
  std::optional<std::string> first;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!c.Running(i)) continue;
    auto root = c.StateRootAt(i, h);
    ASSERT_TRUE(root.has_value()) << "node " << i << " did not reach height " << h;
    if (!first) first = root;
    EXPECT_EQ(*root, *first) << "node " << i << " has another state root at height " << h;
  }
}

std::uint64_t MaxHeight(Cluster& c) {
  std::uint64_t h = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.Running(i)) h = std::max(h, c.Height(i));
  }
  return h;
}

// Whether the running cluster commits `blocks` more blocks (seen on node `probe`).
bool KeepsCommitting(Cluster& c, std::size_t probe, std::uint64_t blocks = 3) {
  const std::uint64_t from = c.Height(probe);
  return Cluster::WaitFor([&] { return c.Height(probe) >= from + blocks; });
}

TEST(ClusterTest, TransactionsSubmittedToAnyNodeCommitOnAllWithEqualRoots) {
  Cluster c("e2e_commit", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; })) << c.Log(0);
  std::vector<Hash32> ids;
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::uint64_t seq = 1; seq <= 3; ++seq) {
      // Administration i's transactions go to node (i + seq) % 4: any node takes any.
      const Transaction tx =
          Office(c, i, "OFF-" + std::to_string(i) + "-" + std::to_string(seq), seq);
      auto [status, body] = c.Submit((i + seq) % 4, tx);
      ASSERT_EQ(status, 202) << body.dump();
      ids.push_back(tx.Hash());
    }
  }
  for (const Hash32& id : ids) {
    ASSERT_TRUE(CommittedEverywhere(c, id)) << c.Log(0);
    json body;
    c.TxStatus(1, id, &body);
    EXPECT_EQ(body["result"], "accepted") << body.dump();
  }
  ExpectSameStateAt(c, MaxHeight(c));
  // A clean stop on SIGTERM.
  for (std::size_t i = 0; i < 4; ++i) {
    c.Terminate(i);
    EXPECT_EQ(c.last_exit(i), 0) << c.Log(i);
  }
}

TEST(ClusterTest, KilledValidatorCatchesUpAfterRestart) {
  Cluster c("e2e_kill", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 2; }));
  c.Kill(3);
  // The other three keep committing, transactions included.
  std::vector<Hash32> ids;
  for (std::uint64_t seq = 1; seq <= 5; ++seq) {
    const Transaction tx = Office(c, 0, "K-" + std::to_string(seq), seq);
    ASSERT_EQ(c.Submit(seq % 3, tx).first, 202);
    ids.push_back(tx.Hash());
  }
  for (const Hash32& id : ids) ASSERT_TRUE(CommittedEverywhere(c, id)) << c.Log(0);
  ASSERT_TRUE(KeepsCommitting(c, 0, 12));
  const std::uint64_t target = c.Height(0);
  c.Start(3);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(3) >= target; })) << c.Log(3);
  for (const Hash32& id : ids) EXPECT_EQ(c.TxStatus(3, id), "committed");
  ExpectSameStateAt(c, target);
  EXPECT_NE(c.Log(3).find("sync"), std::string::npos);
}

TEST(ClusterTest, SyncDropsPeersServingForgedBlocksAndCatchesUpFromOthers) {
  Cluster c("e2e_liar", 4);
  // Nodes 0 and 1 vote honestly but answer sync requests with forged transactions.
  for (std::size_t liar : {0, 1}) c.AddConfig(liar, "\n[testing]\nserve_forged_blocks = true\n");
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(2) >= 2; }));
  c.Kill(3);
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    ASSERT_EQ(c.Submit(2, Office(c, 2, "L-" + std::to_string(seq), seq)).first, 202);
  }
  ASSERT_TRUE(KeepsCommitting(c, 2, 12));
  const std::uint64_t target = c.Height(2);
  c.Start(3);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(3) >= target; })) << c.Log(3);
  ExpectSameStateAt(c, target);
  EXPECT_NE(c.Log(3).find("does not verify"), std::string::npos) << c.Log(3);
}

TEST(ClusterTest, CommitsContinueWhenTheLeaderIsKilledRepeatedly) {
  Cluster c("e2e_leader", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 2; }));
  std::size_t probe = 0;
  for (int kill = 0; kill < 3; ++kill) {
    // The leader of the round a live node is in now.
    auto status = c.Status(probe);
    ASSERT_TRUE(status.has_value());
    const Round round((*status)["round"].get<std::uint64_t>());
    const std::size_t leader = consensus::LeaderOf(round, 4).value();
    c.Kill(leader);
    probe = (leader + 1) % 4;
    EXPECT_TRUE(KeepsCommitting(c, probe, 3)) << "after killing leader " << leader << "\n"
                                              << c.Log(probe);
    c.Start(leader);
    ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(leader) >= c.Height(probe); }))
        << c.Log(leader);
  }
  ExpectSameStateAt(c, MaxHeight(c));
}

TEST(ClusterTest, AValidatorThatLostItsSafetyDataSignsNothingUntilResumed) {
  Cluster c("e2e_lost", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 3; }));
  // Node 3 loses its safety file (a restore from an old backup, say).
  c.Kill(3);
  ASSERT_TRUE(std::filesystem::remove(c.DataDir(3) + "/safety"));
  c.Start(3);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(3) >= c.Height(1); })) << c.Log(3);
  EXPECT_NE(c.Log(3).find("safety_data_lost"), std::string::npos);
  // With node 0 down too, only two validators vote: nothing can commit.
  c.Kill(0);
  const std::uint64_t stuck = std::max(c.Height(1), c.Height(2));
  std::this_thread::sleep_for(std::chrono::seconds(4));
  EXPECT_LE(std::max(c.Height(1), c.Height(2)), stuck + 1)  // One already certified may land.
      << "a validator without its safety data voted";
  // The operator resumes it past every round the others have reached: commits resume.
  auto status = c.Status(1);
  ASSERT_TRUE(status.has_value());
  const std::uint64_t round = (*status)["round"].get<std::uint64_t>();
  c.Terminate(3);
  c.Start(3, {"--resume-after-data-loss", std::to_string(round)});
  EXPECT_TRUE(Cluster::WaitFor([&] { return c.Height(1) >= stuck + 3; })) << c.Log(3);
  EXPECT_NE(c.Log(3).find("safety_data_resumed"), std::string::npos);
}

// --- Hostile peers ----------------------------------------------------------------------

class RawPeer {
 public:
  explicit RawPeer(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawPeer() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Send(ByteView b) { (void)!::write(fd_, b.data(), b.size()); }
  // Up to `n` bytes; fewer if the node closed the link.
  Bytes Read(std::size_t n) {
    Bytes out(n);
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::read(fd_, out.data() + got, n - got);
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
    out.resize(got);
    return out;
  }
  // Whether the node closed the link (a read returns end-of-file) within the timeout.
  bool ClosedByNode() {
    std::uint8_t b;
    for (;;) {
      const ssize_t r = ::read(fd_, &b, 1);
      if (r == 0) return true;
      if (r < 0) return false;  // Timed out: still open.
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

TEST(ClusterTest, HostilePeersAreRefusedAndTheClusterKeepsCommitting) {
  const SecretKey observer = SecretKey::Generate();
  Cluster c("e2e_hostile", 4, observer.public_key());
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 2; }));
  const std::uint16_t port = c.peer_port(0);

  {  // Garbage bytes instead of a handshake.
    RawPeer p(port);
    ASSERT_TRUE(p.connected());
    Bytes garbage(net::kHelloSize);
    std::mt19937 rng(7);
    for (auto& b : garbage) b = static_cast<std::uint8_t>(rng());
    p.Send(garbage);
    const Bytes reply = p.Read(1);
    ASSERT_EQ(reply.size(), 1u);
    EXPECT_EQ(reply[0], static_cast<std::uint8_t>(net::Refusal::kBadMagic));
    EXPECT_TRUE(p.ClosedByNode());
  }
  {  // A node of another genesis, even with a validator's key.
    const SecretKey other = SecretKey::Generate();
    ChainId wrong = c.chain();
    wrong.data()[0] ^= 1;
    net::Initiator hs(wrong, other, c.validator_key(0));
    RawPeer p(port);
    p.Send(hs.hello());
    const Bytes reply = p.Read(1);
    ASSERT_EQ(reply.size(), 1u);
    EXPECT_EQ(reply[0], static_cast<std::uint8_t>(net::Refusal::kWrongChain));
    EXPECT_TRUE(p.ClosedByNode());
  }
  {  // A peer whose key is neither a validator nor a configured observer.
    const SecretKey stranger = SecretKey::Generate();
    net::Initiator hs(c.chain(), stranger, c.validator_key(0));
    RawPeer p(port);
    p.Send(hs.hello());
    const Bytes reply = p.Read(1);
    ASSERT_EQ(reply.size(), 1u);
    EXPECT_EQ(reply[0], static_cast<std::uint8_t>(net::Refusal::kUnknownKey));
    EXPECT_TRUE(p.ClosedByNode());
  }
  Bytes recorded_hello, recorded_finish;
  {  // The observer's genuine handshake, then a frame with an oversized length prefix.
    net::Initiator hs(c.chain(), observer, c.validator_key(0));
    RawPeer p(port);
    p.Send(hs.hello());
    const Bytes reply = p.Read(net::kReplySize);
    auto done = hs.OnReply(reply);
    ASSERT_TRUE(done.ok()) << done.error().ToString();
    p.Send(done->first);
    recorded_hello.assign(hs.hello().begin(), hs.hello().end());
    recorded_finish.assign(done->first.begin(), done->first.end());
    const Bytes oversized = {0x7f, 0xff, 0xff, 0xff};
    p.Send(oversized);
    EXPECT_TRUE(p.ClosedByNode());
  }
  {  // The recorded handshake replayed: the node's new ephemeral key breaks the signature.
    RawPeer p(port);
    p.Send(recorded_hello);
    const Bytes reply = p.Read(net::kReplySize);
    ASSERT_EQ(reply.size(), net::kReplySize);
    EXPECT_EQ(reply[0], 0);
    p.Send(recorded_finish);
    EXPECT_TRUE(p.ClosedByNode());
  }
  {  // A half-open connection: connects and says nothing; closed after the handshake timeout.
    RawPeer p(port);
    ASSERT_TRUE(p.connected());
    EXPECT_TRUE(p.ClosedByNode());
  }
  EXPECT_TRUE(KeepsCommitting(c, 0, 3));
  const std::string log = c.Log(0);
  EXPECT_NE(log.find("another chain"), std::string::npos);
  EXPECT_NE(log.find("not admitted"), std::string::npos);
  EXPECT_NE(log.find("frame length"), std::string::npos);
  EXPECT_NE(log.find("handshake not finished in time"), std::string::npos);
}

TEST(ClusterTest, BadTransactionsAreRejectedWithTheirReasonAndNeverCommitted) {
  Cluster c("e2e_badtx", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; }));
  std::vector<Hash32> refused;
  auto expect_refused = [&](const Transaction& tx, int http, const std::string& code) {
    auto [status, body] = c.Submit(1, tx);
    EXPECT_EQ(status, http) << body.dump();
    EXPECT_EQ(body["code"], code) << body.dump();
  };

  Transaction bad_sig = Office(c, 0, "BAD-SIG", 1);
  bad_sig.signature.data()[5] ^= 0x10;
  expect_refused(bad_sig, 400, "bad_signature");
  refused.push_back(bad_sig.Hash());

  Transaction wrong_chain;
  wrong_chain.chain_id = c.chain();
  wrong_chain.chain_id.data()[0] ^= 1;
  wrong_chain.type = static_cast<std::uint16_t>(TxType::kRegisterOffice);
  wrong_chain.payload =
      Encode(contracts::RegisterOffice{"WRONG", "x", SecretKey::Generate().public_key()});
  wrong_chain.sequence = 1;
  wrong_chain.Sign(c.admin(0));
  expect_refused(wrong_chain, 400, "wrong_chain");
  refused.push_back(wrong_chain.Hash());

  const SecretKey stranger = SecretKey::Generate();
  const Transaction unauthorised =
      c.Tx(stranger, TxType::kRegisterOffice,
           Encode(contracts::RegisterOffice{"STRANGE", "x", stranger.public_key()}), 1);
  expect_refused(unauthorised, 400, "unknown_signer");
  refused.push_back(unauthorised.Hash());

  // A good transaction, committed; then the same bytes again, and its sequence reused.
  const Transaction good = Office(c, 0, "GOOD", 1);
  ASSERT_EQ(c.Submit(2, good).first, 202);
  ASSERT_TRUE(CommittedEverywhere(c, good.Hash()));
  expect_refused(good, 409, "replayed_transaction");
  const Transaction reused = Office(c, 0, "AGAIN", 1);
  expect_refused(reused, 400, "bad_sequence");
  refused.push_back(reused.Hash());

  // A few blocks later, none of the refused ones is on any node, and the good one is there
  // once.
  json body;
  EXPECT_EQ(c.TxStatus(3, good.Hash(), &body), "committed");
  EXPECT_EQ(body["result"], "accepted");
  ASSERT_TRUE(KeepsCommitting(c, 0, 5));
  for (const Hash32& id : refused) {
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(c.TxStatus(i, id), "unknown") << id.ToHex();
  }
}

// The timeouts all four validators have broadcast (tamga_round_timeouts_total); -1 if a
// node does not say.
std::int64_t RoundTimeouts(Cluster& c) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto r = c.Get(i, "/metrics");
    if (!r || r->status != 200) return -1;
    const std::string name = "\ntamga_round_timeouts_total ";
    const auto at = r->body.find(name);
    if (at == std::string::npos) return -1;
    sum += std::stoll(r->body.substr(at + name.size()));
  }
  return sum;
}

// A quiet idle chain: with a heartbeat of 3 s the leaders propose an empty block about
// once per heartbeat, and no validator gives up on a round while they wait; a transaction
// ends the wait, and commits everywhere, again with no round timed out.
TEST(ClusterTest, AnIdleChainProposesOncePerHeartbeatAndATransactionEndsTheWait) {
  Cluster c("e2e_quiet", 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string toml = c.NodeDir(i) + "/tamgad.toml";
    std::string config = *ReadFileToString(toml, 1 << 20);
    const auto at = config.find("idle_block_ms = 100");
    ASSERT_NE(at, std::string::npos) << config;
    config.replace(at, 19, "idle_block_ms = 3000");
    ASSERT_TRUE(WriteFileAtomic(toml, config, {}).ok());
  }
  c.StartAll();
  // Past the start (links come up one by one, so its first rounds may time out): every
  // link up, and a few blocks on.
  ASSERT_TRUE(Cluster::WaitFor([&] {
    for (std::size_t i = 0; i < 4; ++i) {
      auto s = c.Status(i);
      if (!s) return false;
      int up = 0;
      for (const json& p : (*s)["peers"]) up += p["connected"] == true ? 1 : 0;
      if (up < 3) return false;
    }
    return c.Height(0) >= 3;
  })) << c.Log(0);
  const std::int64_t timeouts = RoundTimeouts(c);
  ASSERT_GE(timeouts, 0);
  const std::uint64_t before = c.Height(0);
  std::this_thread::sleep_for(std::chrono::seconds(12));
  const std::uint64_t blocks = c.Height(0) - before;
  std::cout << "idle for 12 s with a 3 s heartbeat: " << blocks << " blocks\n";
  EXPECT_LE(blocks, 6u) << "about one block per heartbeat, not one per round trip";
  EXPECT_GE(blocks, 1u) << "the heartbeat keeps time moving";
  EXPECT_EQ(RoundTimeouts(c), timeouts) << "a validator gave up on an idle round" << c.Log(0);

  const auto submitted = std::chrono::steady_clock::now();
  const Transaction tx = Office(c, 1, "QUIET-1", 1);
  ASSERT_EQ(c.Submit(2, tx).first, 202);
  ASSERT_TRUE(CommittedEverywhere(c, tx.Hash())) << c.Log(2);
  std::cout << "a transaction on the idle chain committed everywhere after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - submitted)
                   .count()
            << " ms\n";
  EXPECT_EQ(RoundTimeouts(c), timeouts) << "a validator gave up on a round" << c.Log(0);
}

// Byzantine validators as processes (shared/TESTING.md, L5): validator 3 of four runs
// with [testing] byzantine = <mode> (node/byzantine.h). The three honest ones (a quorum)
// commit every transaction and agree with it on every state root; what they log as
// evidence names validator 3's key and no other; each mode's lie is seen where it can be.
class ByzantineValidator : public ::testing::TestWithParam<std::string> {};

// The lines of `log` that report an equivocation.
std::vector<std::string> EquivocationLines(const std::string& log) {
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(" equivocation ") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

TEST_P(ByzantineValidator, HonestValidatorsCommitAgreeAndNameOnlyIt) {
  const std::string mode = GetParam();
  Cluster c("e2e_byzantine_" + mode, 4);
  c.AddConfig(3, "\n[testing]\nbyzantine = \"" + mode + "\"\n");
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 2; })) << c.Log(0);
  std::vector<Hash32> ids;
  for (std::uint64_t seq = 1; seq <= 6; ++seq) {
    const Transaction tx = Office(c, 0, "B-" + std::to_string(seq), seq);
    ASSERT_EQ(c.Submit(seq % 3, tx).first, 202);
    ids.push_back(tx.Hash());
  }
  for (const Hash32& id : ids) ASSERT_TRUE(CommittedEverywhere(c, id)) << c.Log(0);
  // Rounds rotate among the four: twelve more blocks include rounds validator 3 leads.
  ASSERT_TRUE(KeepsCommitting(c, 0, 12)) << c.Log(0);
  const std::uint64_t target = c.Height(0);
  ASSERT_TRUE(Cluster::WaitFor([&] {
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (c.Height(i) < target) return false;
    }
    return true;
  })) << c.Log(3);
  ExpectSameStateAt(c, target);

  const std::string byzantine_key = "key=" + c.validator_key(3).ToHex();
  std::size_t evidence = 0;
  std::string honest_logs;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string log = c.Log(i);
    honest_logs += log;
    for (const std::string& line : EquivocationLines(log)) {
      EXPECT_NE(line.find(byzantine_key), std::string::npos) << "node " << i << ": " << line;
      ++evidence;
    }
  }
  if (mode == "equivocate" || mode == "double_vote") {
    EXPECT_GT(evidence, 0u) << "no honest validator reported the equivocation";
    const std::string what = mode == "equivocate" ? "two proposals" : "two votes";
    EXPECT_NE(honest_logs.find(what), std::string::npos);
  } else {
    EXPECT_EQ(evidence, 0u);
  }
  if (mode == "skew_timestamps") {
    EXPECT_NE(honest_logs.find("timestamp_ahead"), std::string::npos)
        << "nobody refused a block dated ten minutes ahead";
  }
  if (mode == "bad_signatures") {
    EXPECT_NE(honest_logs.find("does not verify"), std::string::npos)
        << "nobody closed the link of a validator whose signatures fail";
  }
  if (mode == "replay_old") {  // Dropped unchecked as already verified.
    std::uint64_t repeated = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      const auto metrics = c.Get(i, "/metrics");
      ASSERT_TRUE(metrics.has_value());
      const std::string name = "\ntamga_peer_messages_repeated_total ";
      const std::size_t at = metrics->body.find(name);
      ASSERT_NE(at, std::string::npos);
      repeated += std::stoull(metrics->body.substr(at + name.size()));
    }
    EXPECT_GT(repeated, 0u) << "no replayed message reached an honest validator";
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, ByzantineValidator,
                         ::testing::Values("equivocate", "double_vote", "bad_signatures",
                                           "future_votes", "skew_timestamps", "withhold_votes",
                                           "replay_old"));

}  // namespace
}  // namespace tamga::testing
