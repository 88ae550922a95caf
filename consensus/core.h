// consensus/core.h
// Core is the BFT state machine of one validator: a two-chain HotStuff protocol in the
// shape of Jolteon (DiemBFT v4 / Aptos), described in docs/consensus.md. It performs no
// I/O, reads no clock (the time arrives with each event) and starts no threads: the same
// initial state and the same events give the same effects, which is what lets the
// simulator in tests/sim drive thousands of seeded fault schedules through it.
//
// The owner (the node, or the simulator) must:
//   - check every message with Verifier (verify.h) before handing it in, after asking
//     InWindow() so that far-future rounds are dropped before any signature check;
//   - carry out effects in order, and finish each PersistSafetyData and SaveCertificates
//     (synced) before carrying out the next effect, so no vote or timeout leaves before
//     its record, and a restart always finds the certificate of the round it signed in;
//   - answer ExecuteBlock with BlockExecuted, RequestPayload with PayloadReady, and
//     FetchBlocks with BlocksFetched (certified blocks from a peer, QCs verified).
//
// Thread-safety: not thread-safe. One owner, one thread.

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "common/chain.h"
#include "consensus/block_tree.h"
#include "consensus/crypto.h"
#include "consensus/pacemaker.h"
#include "consensus/rules.h"
#include "consensus/safety_rules.h"

namespace tamga::consensus {

struct CoreConfig {
  ChainId chain;
  // The validator set of the epoch the node starts in. The node's own index is where its
  // signer's key appears; a node whose key is not in the set follows the chain without
  // signing (an observer, or a validator added in a later epoch).
  ValidatorSet validators;
  std::uint64_t round_timeout_ms_base = 1000;
  std::uint64_t round_timeout_ms_max = 8000;
  // Messages for rounds beyond current + round_window are dropped unread: this bounds
  // what a flood of far-future votes can make the node store or check.
  std::uint64_t round_window = 100;
  // A proposal whose timestamp is more than this ahead of our clock gets no vote. Anchor
  // timestamps have legal meaning, so this is tight (docs/consensus.md).
  std::uint64_t clock_drift_ms_max = 30'000;
  // A quiet idle chain: how long a leader with nothing to commit may wait for transactions
  // before proposing an empty block (the owner holds RequestPayload that long; see
  // NothingToCommit). A round whose next proposal may be held so is given this much more
  // time before it times out; TransactionsWaiting ends that grace. 0: no wait.
  std::uint64_t idle_wait_ms = 0;
  // False for an observer: it follows the chain and never signs, even where its key is in
  // the validator set.
  bool may_sign = true;
  // The counting rules (quorum size, one count per signer, the commit rule). Must outlive
  // the core; only the simulator's positive controls pass anything but the standard.
  const Rules* rules = &StandardRules();
};

// --- Events (inputs) --------------------------------------------------------------------

struct ProposalReceived {
  Proposal proposal;
};
struct VoteReceived {
  Vote vote;
};
struct TimeoutReceived {
  Timeout timeout;
};
struct TimerFired {
  Round round;
};
struct BlockExecuted {
  Hash32 block_id;
  ExecutionResult result;
  // Set iff the block holds a governance change of the validator set, to take effect when
  // the block commits (epoch + 1).
  std::optional<ValidatorSet> next_validators;
};
// The transactions for the block of `round` on top of `parent` (RequestPayload's): the
// owner chose them so that none is already in `parent` or its uncommitted ancestors.
struct PayloadReady {
  Round round;
  Hash32 parent;
  std::vector<Transaction> transactions;
};
struct BlocksFetched {
  std::vector<CertifiedBlock> blocks;  // Ascending heights.
};
// The owner holds transactions to propose (it admitted one): a round given idle grace
// (CoreConfig::idle_wait_ms) times out after the normal timeout from now, so a leader that
// is down does not hold the transactions up for the whole wait.
struct TransactionsWaiting {};
using Event = std::variant<ProposalReceived, VoteReceived, TimeoutReceived, TimerFired,
                           BlockExecuted, PayloadReady, BlocksFetched, TransactionsWaiting>;

// --- Effects (outputs) ------------------------------------------------------------------

using Message = std::variant<Proposal, Vote, Timeout>;

struct PersistSafetyData {
  SafetyData data;
};
struct SendTo {
  ValidatorIndex to;
  Message message;
};
// To every validator but this one.
struct Broadcast {
  Message message;
};
struct SetTimer {
  Round round;
  std::uint64_t delay_ms;
};
// Execute `block` on top of its parent's state and answer with BlockExecuted.
struct ExecuteBlock {
  SharedBlock block;
};
// `block` is final; `qc` certifies it with its execution result. In height order. For the
// block that ends an epoch, `epoch_proof` holds the certified blocks above it up to the QC
// that committed it: with them, a node that missed the change can check it (a peer serves
// them right after the block when it catches a node up).
struct CommitBlock {
  SharedBlock block;
  QuorumCertificate qc;
  std::vector<CertifiedBlock> epoch_proof;
  // For the block that ends an epoch, the set of the next one. The owner stores it with
  // the block, in the same atomic write: a restart must find the epoch the block began.
  std::optional<ValidatorSet> next_validators;
};
// The committed block `root` changed the validator set: from now on the node runs epoch
// `validators.epoch` with that set, and verifies its messages against it, accepting
// `root_qc` (of the previous epoch) as the new epoch's root.
struct EnterEpoch {
  ValidatorSet validators;
  QuorumCertificate root_qc;
};
// This validator leads `round` and will extend block `parent` (its highest QC's), which
// is in its tree, and so is every block from the committed one up to it: answer with
// PayloadReady for that parent. Should a higher QC arrive before the answer, the core asks
// again for the new parent instead of proposing transactions chosen for the old one (the
// new parent may hold some of them).
struct RequestPayload {
  Round round;
  Hash32 parent;
};
// Ask `peer` for certified blocks from `from_height` up; answer with BlocksFetched.
struct FetchBlocks {
  Height from_height;
  ValidatorIndex peer;
};
// Store this block durably (uncommitted blocks survive a restart through RecoveryData).
struct SaveBlock {
  SharedBlock block;
};
// Store the highest certificates durably. Emitted before any signature that relies on
// them, so a restarted node can always time out of the round it was in.
struct SaveCertificates {
  QuorumCertificate highest_qc;
  std::optional<TimeoutCertificate> highest_tc;
};
// Why this validator did not vote for a proposal it had in hand. Stable codes (logs,
// `tamga_vote_refusals_total{reason}`) from VoteRefusalCode.
enum class VoteRefusalReason : std::uint8_t {
  kHeightNotNext,  // The block's height is not its parent's + 1.
  kTimestampNotAfterParent,
  kTimestampAhead,  // More than clock_drift_ms_max ahead of this node's clock.
  kTransactionsAfterReconfiguration,
  kSafetyRules,  // SafetyRules said no (already voted, not safe, data lost): see detail.
};
std::string_view VoteRefusalCode(VoteRefusalReason r);
struct VoteRefused {
  Round round;
  VoteRefusalReason reason;
  std::string detail;  // A sentence for the log.
};
// A validator signed two different proposals or votes for one round.
struct ReportEquivocation {
  ValidatorIndex author;
  Round round;
  std::string what;
};
using Effect = std::variant<PersistSafetyData, SendTo, Broadcast, SetTimer, ExecuteBlock,
                            CommitBlock, RequestPayload, FetchBlocks, SaveBlock, SaveCertificates,
                            ReportEquivocation, EnterEpoch, VoteRefused>;

// What a restarting node read back from SaveBlock and SaveCertificates.
struct RecoveryData {
  std::vector<Block> blocks;  // Uncommitted blocks, any order; stale ones are ignored.
  std::optional<QuorumCertificate> highest_qc;
  std::optional<TimeoutCertificate> highest_tc;
};

class Core {
 public:
  // `root` is the last committed block (genesis on first start) and `root_qc` the QC that
  // certifies it; `safety` and `recovered` are what was last persisted. `signer` must
  // outlive the core.
  Core(CoreConfig config, const Signer& signer, SafetyData safety, Block root,
       QuorumCertificate root_qc, RecoveryData recovered = {});

  // Enters the first round. Call once, before Handle.
  [[nodiscard]] std::vector<Effect> Start(std::uint64_t now_ms);
  // REQUIRES: messages inside `event` passed Verifier and InWindow.
  [[nodiscard]] std::vector<Effect> Handle(std::uint64_t now_ms, const Event& event);

  // Cheap check made before any signature check: is a message of this epoch and round
  // worth verifying at all?
  bool InWindow(Epoch epoch, Round round) const;

  Round current_round() const { return pacemaker_.current(); }
  Epoch epoch() const { return validators_.epoch; }
  const ValidatorSet& validators() const { return validators_; }
  // This node's index in the current set; empty if it is not a member.
  const std::optional<ValidatorIndex>& self() const { return self_; }
  Height committed_height() const { return tree_.root().block->header.height; }
  const BlockTree& tree() const { return tree_; }
  const QuorumCertificate& highest_qc() const { return highest_qc_; }
  // Whether a block on top of `tip` is needed by nobody soon: no block that is not yet
  // known committed by everyone who holds `tip` holds transactions (core.cc says how this
  // is read from the chain). Its leader may then wait for transactions
  // (CoreConfig::idle_wait_ms). False if `tip` is not in the tree.
  bool NothingToCommit(const Hash32& tip) const;
  // Whether the leader of the current round may wait for transactions before proposing
  // (the owner then holds RequestPayload up to idle_wait_ms): idle waits are on, the round
  // was not entered by a TC, and NothingToCommit(highest QC's block).
  bool MayWaitForTransactions() const;
  // Whether the current round runs on idle grace (TransactionsWaiting would end it).
  bool idle_grace() const { return idle_until_ms_.has_value(); }
  const SafetyData& safety_data() const { return safety_.data(); }
  const CoreConfig& config() const { return config_; }

  // What the core holds, for the simulator's memory oracle (O6).
  struct Footprint {
    std::size_t blocks = 0;
    std::size_t votes = 0;
    std::size_t timeouts = 0;
    std::size_t pending_proposals = 0;
  };
  Footprint footprint() const;

 private:
  using Out = std::vector<Effect>;

  void OnProposal(std::uint64_t now_ms, const Proposal& p, Out& out);
  void OnVote(const Vote& v, Out& out);
  void OnTimeout(const Timeout& t, Out& out);
  void OnTimer(std::uint64_t now_ms, Round round, Out& out);
  void OnTransactionsWaiting(Out& out);
  void OnExecuted(const BlockExecuted& e, Out& out);
  void OnPayload(std::uint64_t now_ms, const PayloadReady& p, Out& out);
  void OnFetched(std::uint64_t now_ms, const BlocksFetched& f, Out& out);

  void ProcessQc(const QuorumCertificate& qc, Out& out);
  void ProcessTc(const TimeoutCertificate& tc, Out& out);
  void AdvanceTo(Round round, bool via_tc, Out& out);
  void TryCommit(const QuorumCertificate& qc, Out& out);
  void ExecuteIfReady(const Hash32& id, Out& out);
  void TryVote(Out& out);
  void SendTimeout(Out& out);
  void RequestFetch(ValidatorIndex peer, Out& out);
  void MaybeRequestPayload(Out& out);
  // Whether `block` may be voted for at `now_ms`; a reason if not.
  std::optional<VoteRefused> VoteRefusal(std::uint64_t now_ms, const Block& block) const;
  // Emits safety data to persist. CHECKs that, within an epoch, the voted round and the
  // lock never move back from what was persisted before.
  void Persist(SafetyData data, Out& out);
  std::size_t Quorum() const;
  bool IsRoot(const QuorumCertificate& qc) const { return qc.data.block_id == tree_.root_id(); }
  // A QC's round in this epoch: the root QC of an epoch is of the previous one, round 0 here.
  Round QcRound(const QuorumCertificate& qc) const;
  bool IsSelf(ValidatorIndex i) const { return self_.has_value() && *self_ == i; }
  bool IsLeader(Round round) const { return IsSelf(LeaderOfRound(round)); }
  ValidatorIndex LeaderOfRound(Round round) const;
  // Whether a block extends an uncommitted block that changes the validator set: such a
  // block must be empty, since its transactions could take effect in no epoch.
  bool ExtendsPendingReconfiguration(const Hash32& parent_id) const;
  void SwitchEpoch(const BlockNode& reconfiguration, Out& out);
  void InsertBlock(const Block& block, Out& out);

  const CoreConfig config_;
  const Signer& signer_;
  ValidatorSet validators_;             // Of the current epoch.
  std::optional<ValidatorIndex> self_;  // Our index in validators_, if a member.
  SafetyRules safety_;
  BlockTree tree_;
  Pacemaker pacemaker_;
  QuorumCertificate highest_qc_;                  // Highest-round QC seen.
  std::optional<TimeoutCertificate> highest_tc_;  // Highest-round TC seen.

  // Per round (pruned below current_round - 1).
  std::map<Round, Hash32> proposal_seen_;        // At most one proposal per (round, leader).
  std::map<Round, Proposal> pending_proposals_;  // Waiting for their parent; round >= current.
  struct VoteKey {
    ValidatorIndex author;
    Signature signature;  // Part of the key only under rules where a signer may count twice.
    auto operator<=>(const VoteKey&) const = default;
  };
  std::map<Round, std::map<VoteKey, Hash32>> votes_seen_;  // -> hash of VoteData.
  std::map<Round, std::map<Hash32, QuorumCertificate>> vote_tallies_;
  std::set<Round> qc_formed_;
  std::map<Round, std::map<ValidatorIndex, TimeoutSignature>> timeouts_;
  std::set<Round> tc_formed_;

  // The current round's own actions.
  struct AwaitingVote {
    Hash32 block_id;
    std::optional<TimeoutCertificate> tc;
  };
  std::optional<AwaitingVote> awaiting_vote_;
  bool voted_this_round_ = false;
  bool proposed_this_round_ = false;
  bool waiting_for_parent_ = false;  // Leader of this round, its parent not yet in the tree.
  std::uint32_t timer_fires_this_round_ = 0;
  // The current round does not time out before this (idle grace); empty: no grace.
  std::optional<std::uint64_t> idle_until_ms_;
  bool entered_via_tc_ = false;        // The current round was entered by a TC.
  std::uint64_t now_ms_ = 0;           // The time of the event being handled (Start, Handle).
  std::uint32_t fetch_peer_ = 0;       // Rotates over the validators for timer-driven fetches.
  std::optional<Timeout> my_timeout_;  // Signed for the current round; resent on timer.
  std::set<Hash32> executing_;         // ExecuteBlock sent, no answer yet.
  // A QC whose commit waits for the execution of blocks it would commit.
  std::optional<QuorumCertificate> deferred_commit_;
  std::optional<std::pair<Round, Height>> last_fetch_;  // Rate limit: one per round/height.
  std::optional<SafetyData> last_persisted_;            // For Persist's postcondition.
};

}  // namespace tamga::consensus
