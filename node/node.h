// node/node.h
// One validator: the consensus core, the ledger, the rules, the mempool and the network,
// wired on one Boost.Asio thread (docs/ARCHITECTURE.md, "The node").
//
// Everything that touches consensus state runs on the io_context's thread, which is the
// core's strand: network frames, timers, API requests and the core's effects. Signature
// checks of whole blocks run on a small verifier pool (common/batch_verifier.h). The core
// never waits on the network: its effects are carried out in order, and the events they
// produce (BlockExecuted, PayloadReady, BlocksFetched) are posted back as new events.
//
// Durability, in the order the core requires: safety data (ledger/safety_file.h) and the
// highest certificates and uncommitted blocks (RocksDB, synced) are written before the
// next effect after them, so no vote or timeout leaves before its record. Committed blocks
// are written by Ledger::Commit in one synced batch. A failed write stops the node.
//
// Thread-safety: not thread-safe; call only on the io_context's thread.

#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/asio.h"
#include "common/batch_verifier.h"
#include "common/thread_pool.h"
#include "consensus/core.h"
#include "consensus/verify.h"
#include "contracts/model.h"
#include "ledger/ledger.h"
#include "ledger/safety_file.h"
#include "net/transport.h"
#include "net/wire.h"
#include "node/block_sync.h"
#include "node/checkpoints.h"
#include "node/config.h"
#include "node/consensus_store.h"
#include "node/events.h"
#include "node/mempool.h"
#include "node/metrics.h"
#include "node/recent_set.h"
#include "node/tile_writer.h"
#include "node/timestamper.h"
#include "node/witness_feed.h"
#include "tsa/authority.h"

namespace tamga::node {

struct SubmitOutcome {
  Hash32 id;
  std::optional<Refused> refused;  // Empty: queued for a block.
};

struct NodeStatus {
  ChainId chain_id;
  PublicKey key;
  std::optional<ValidatorIndex> self;
  bool observer = false;  // Its configured role.
  ledger::LedgerHead head;
  Round round;
  Epoch epoch;
  std::size_t mempool = 0;
  std::vector<net::PeerInfo> peers;
  std::optional<std::int64_t> clock_offset_ms;  // Median of the peers' clocks minus ours.
  std::uint64_t committed_transactions = 0;     // Since this process started.
  // When this node last committed a block (its own clock, ms since the epoch); before the
  // first commit, when it started.
  std::uint64_t last_commit_unix_ms = 0;
};

class Node final : private SyncTarget, private SyncNetwork {
 public:
  // Opens the data directory (locked while the node runs), the key and the genesis.
  // `resume_round`: the operator's decision after the safety data was lost (tamgad
  // --resume-after-data-loss): sign nothing for rounds up to it. Refused if the safety data
  // is not lost.
  static Result<std::unique_ptr<Node>> Open(const NodeConfig& config, boost::asio::io_context& io,
                                            std::optional<std::uint64_t> resume_round = {});
  ~Node() override;

  // Listens, dials the other validators and starts the core.
  Status Start();
  // Stops networking and timers; the io_context may then run out. The ledger closes in
  // the destructor.
  void Stop();
  // Set when the node stopped itself (a failed write, a divergent result): the reason.
  const std::optional<std::string>& fatal() const { return fatal_; }

  // A transaction from a client: admitted to the mempool and sent to the other validators.
  SubmitOutcome Submit(const Transaction& tx);
  NodeStatus GetStatus() const;
  const ledger::Ledger& ledger() const { return *ledger_; }
  // The genesis document the chain started from (served to the verifier page).
  const contracts::Genesis& genesis() const { return genesis_; }
  const NodeConfig& config() const { return config_; }
  bool InMempool(const Hash32& id) const { return mempool_.Contains(id); }
  // The sequence `signer`'s next transaction should carry, counting those queued here.
  std::uint64_t NextSequence(const PublicKey& signer, std::uint64_t last_committed) const {
    return mempool_.NextSequence(signer, last_committed);
  }

  // Calls `done` on this thread once the committed height reaches `height`, or after
  // `timeout_ms` (whichever first).
  void WaitForHeight(Height height, std::uint64_t timeout_ms, std::function<void()> done);

  // The time-stamping authority ([timestamp]), or null when the node runs none.
  const tsa::Authority* timestamp_authority() const { return tsa_.get(); }
  // Queues an RFC 3161 request for the ledger; `done` gets its answer (node/timestamper.h).
  // NotFound without [timestamp]; FailedPrecondition when the committed state does not
  // name this node's time-stamping key and certificate as its administration's;
  // ResourceExhausted when too many wait.
  Status Timestamp(tsa::Request request, Timestamper::Done done);

  // The newest checkpoint of the record log a quorum signed (node/checkpoints.h), if any.
  const std::optional<PublishedCheckpoint>& checkpoint() const { return checkpoints_->latest(); }
  // Its signed note, with the cosignatures of the witnesses that cosigned it ([witnesses]).
  std::string CheckpointNote() const;
  const std::string& checkpoint_origin() const { return checkpoints_->origin(); }

  // Counters for /metrics, and committed records for event subscribers.
  const Metrics& metrics() const { return metrics_; }
  Metrics& metrics() { return metrics_; }
  EventHub& events() { return events_; }

 private:
  Node(const NodeConfig& config, boost::asio::io_context& io);
  Status OpenParts(std::optional<std::uint64_t> resume_round);

  // --- Consensus events and effects ---
  void Handle(const consensus::Event& event);
  void Post(consensus::Event event);
  void Apply(std::vector<consensus::Effect> effects);
  void ApplyOne(consensus::Effect& effect);
  void Execute(const consensus::SharedBlock& block);
  void Commit(const consensus::CommitBlock& c);
  // Counts a committed block's receipts and records and publishes its records as events.
  void Announce(const ledger::PreparedBlock& block);
  // Transactions for a block on top of `parent` (none already in it or its uncommitted
  // ancestors).
  std::vector<Transaction> TakePayload(const Hash32& parent);
  // Answers the waiting payload request (payload_wait_) with what the mempool holds now.
  void AnswerPayload();
  void SetTimer(Round round, std::uint64_t delay_ms);
  void EnterEpoch(const consensus::EnterEpoch& e);
  // Dials every validator of `set` (but this node) at its address in the ledger's registry
  // of administrations (the committed head's), or the genesis' if the registry has none.
  void DialValidators(const ValidatorSet& set);
  void Fatal(const std::string& why);
  // Loads the TSA's key and certificates and the time-stamping key ([timestamp]).
  Status OpenTimestamping();
  // Ok when the committed state names this node's time-stamping key and certificate as
  // its administration's (contracts::TimestampAuthorityCountry); why not otherwise.
  Status TimestampRegistered() const;

  // --- Network ---
  // Mempool admission against the committed state, from a client or a peer.
  std::optional<Refused> Admit(const Transaction& tx, const Hash32& id);
  void OnFrame(const PublicKey& from, Bytes frame);
  void OnConsensusMessage(const PublicKey& from, const net::Message& m);
  // A proposal or timeout of this epoch from validator `from`, for a round beyond the core's
  // window: this node fell far behind (a restart after a wipe, say). It asks `from` for
  // blocks at once rather than after two of its own timeouts; at most once a second, since
  // the message is not checked (what comes back is).
  void FetchFromAhead(const PublicKey& from, ValidatorIndex author, Epoch epoch);
  void ServeBlocks(const PublicKey& to, const net::BlockRequest& req);
  void OnBlocks(const PublicKey& from, const net::BlockResponse& resp);
  // Checkpoints: this node signs what it committed (Commit), takes its peers' signatures,
  // and sends its own again every kCheckpointResendMs while nothing is published at its size.
  void SignCheckpoint(Epoch epoch, const ExecutionResult& result);
  void OnCheckpointSignature(const PublicKey& from, const net::CheckpointSignature& sig);
  void ResendCheckpoint();
  // Offers a newly published checkpoint size to the witnesses and the tile folder.
  void OfferCheckpoint();
  // Block sync's view of this node (SyncTarget) and of the network (SyncNetwork).
  Epoch epoch() const override { return core_->epoch(); }
  Height committed() const override { return ledger_->Head().height; }
  const consensus::Verifier& verifier() const override { return *verifier_; }
  void Deliver(std::vector<CertifiedBlock> blocks) override;
  bool stopped() const override { return stopped_; }
  void Request(const PublicKey& peer, const net::BlockRequest& request) override;
  void Drop(const PublicKey& peer, const std::string& why) override;
  void SendTo(const PublicKey& to, net::Message m);
  void Broadcast(net::Message m);
  // A consensus message to validator `to` (nullopt: to every other one), through the
  // Byzantine mode's lies if the configuration sets one.
  void SendConsensus(std::optional<ValidatorIndex> to, const consensus::Message& m);
  std::optional<PublicKey> KeyOf(ValidatorIndex i) const;
  void NoteClock(const PublicKey& peer, std::uint64_t timestamp_ms);
  // Median of the validators' clocks minus ours, from their proposals; empty before any.
  std::optional<std::int64_t> MedianClockOffset() const;
  std::set<PublicKey> AdmittedKeys() const;

  std::uint64_t NowMs() const;

  const NodeConfig config_;
  boost::asio::io_context& io_;
  contracts::Genesis genesis_;
  ledger::TrustAnchor anchor_;
  SecretKey key_;
  std::unique_ptr<consensus::Ed25519Signer> signer_;
  std::optional<Byzantine> byzantine_;  // Test only: [testing] byzantine.
  consensus::Ed25519Checker checker_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<ledger::SafetyFile> safety_file_;
  std::unique_ptr<ConsensusStore> store_;
  BlockSync sync_;
  std::unique_ptr<consensus::Core> core_;
  std::unique_ptr<consensus::Verifier> verifier_;
  std::unique_ptr<net::Transport> transport_;
  ThreadPool pool_;
  BatchVerifier batch_verifier_;
  Mempool mempool_;

  // Executed, uncommitted blocks by id.
  std::map<Hash32, std::shared_ptr<const ledger::PreparedBlock>> prepared_;

  std::map<Round, std::shared_ptr<boost::asio::steady_timer>> timers_;
  // A leader's payload request waiting for transactions.
  std::optional<consensus::RequestPayload> payload_wait_;
  std::shared_ptr<boost::asio::steady_timer> payload_timer_;
  std::map<PublicKey, std::int64_t> clock_offsets_;
  // Signatures of the consensus messages verified lately (OnConsensusMessage): a few
  // hundred rounds' worth of every validator's messages.
  static constexpr std::size_t kVerifiedRemembered = 8192;
  RecentSet<Signature> verified_{kVerifiedRemembered};
  std::uint64_t last_clock_warning_ms_ = 0;
  // Clients waiting for a height; each answered once, by a commit or by its timer.
  struct HeightWaiter {
    std::shared_ptr<boost::asio::steady_timer> timer;
    std::function<void()> done;
    bool answered = false;
  };
  std::multimap<std::uint64_t, std::shared_ptr<HeightWaiter>> height_waiters_;
  // Validators' addresses from the genesis; the ledger's registry overrides them
  // (DialValidators).
  std::map<PublicKey, std::string> addresses_;
  std::uint64_t committed_transactions_ = 0;
  std::uint64_t last_commit_ms_ = 0;          // NodeStatus::last_commit_unix_ms.
  std::uint64_t next_ahead_fetch_ms_ = 0;     // FetchFromAhead's rate limit.
  std::uint64_t next_unservable_log_ms_ = 0;  // OnBlocks' sync_unavailable line.
  Metrics metrics_;
  EventHub events_;
  std::unique_ptr<CheckpointCollector> checkpoints_;
  std::shared_ptr<boost::asio::steady_timer> checkpoint_timer_;
  std::unique_ptr<WitnessFeed> witness_feed_;  // Null without [witnesses].
  std::unique_ptr<TileWriter> tile_writer_;    // Null without [tiles].
  std::optional<std::uint64_t> offered_size_;  // The checkpoint size last offered to them.
  static constexpr std::uint64_t kCheckpointResendMs = 2000;
  // Blocks proposed longer ago than this when committed (block sync, far behind) are not
  // signed. Well above the clock drift consensus accepts (30 s) plus a few backed-off
  // rounds, so that an honest validator whose clock runs ahead still signs.
  static constexpr std::uint64_t kCheckpointSignWithinMs = 120'000;
  std::unique_ptr<tsa::Authority> tsa_;
  std::unique_ptr<Timestamper> timestamper_;
  bool stopped_ = false;
  std::optional<std::string> fatal_;
};

}  // namespace tamga::node
