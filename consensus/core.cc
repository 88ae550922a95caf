#include "consensus/core.h"

#include <algorithm>

#include "common/merkle.h"
#include "common/sha256.h"
#include "consensus/verify.h"

namespace tamga::consensus {
namespace {

Hash32 VoteDataHash(const VoteData& d) { return Sha256Of(Encode(d)); }

std::optional<ValidatorIndex> IndexOf(const ValidatorSet& set, const PublicKey& key) {
  for (std::size_t i = 0; i < set.validators.size(); ++i) {
    if (set.validators[i] == key) return ValidatorIndex(static_cast<std::uint32_t>(i));
  }
  return std::nullopt;
}

}  // namespace

Core::Core(CoreConfig config, const Signer& signer, SafetyData safety, Block root,
           QuorumCertificate root_qc, RecoveryData recovered)
    : config_(std::move(config)),
      signer_(signer),
      validators_(config_.validators),
      self_(config_.may_sign ? IndexOf(validators_, signer.public_key()) : std::nullopt),
      safety_(std::move(safety), signer, config_.chain, self_.value_or(ValidatorIndex(0))),
      tree_(std::make_shared<const Block>(std::move(root)), root_qc),
      pacemaker_(config_.round_timeout_ms_base, config_.round_timeout_ms_max),
      highest_qc_(std::move(root_qc)),
      last_persisted_(safety_.data()) {
  // Rebuild the uncommitted part of the tree: parents before children.
  std::sort(recovered.blocks.begin(), recovered.blocks.end(),
            [](const Block& a, const Block& b) { return a.header.height < b.header.height; });
  for (Block& b : recovered.blocks) {
    if (b.header.epoch != validators_.epoch) continue;
    b.TxIds();  // Computed before the block is shared: a shared block is never written.
    tree_.Insert(std::make_shared<const Block>(std::move(b)));
  }
  if (recovered.highest_qc && recovered.highest_qc->data.epoch == validators_.epoch &&
      recovered.highest_qc->data.height > committed_height()) {
    highest_qc_ = *recovered.highest_qc;
    tree_.AddQc(highest_qc_);
  }
  if (recovered.highest_tc && recovered.highest_tc->epoch == validators_.epoch) {
    highest_tc_ = recovered.highest_tc;
  }
}

Round Core::QcRound(const QuorumCertificate& qc) const {
  return qc.data.epoch == validators_.epoch ? qc.data.round : Round(0);
}

ValidatorIndex Core::LeaderOfRound(Round round) const {
  return LeaderOf(round, validators_.size());
}

bool Core::ExtendsPendingReconfiguration(const Hash32& parent_id) const {
  for (const BlockNode* n = tree_.Get(parent_id); n != nullptr && n->id != tree_.root_id();
       n = tree_.Get(n->block->header.parent_id)) {
    if (n->next_validators) return true;
  }
  return false;
}

void Core::InsertBlock(const Block& block, Out& out) {
  if (tree_.Contains(block.header.Id())) return;
  // The one copy of the block: the tree and every effect that carries it share it. Its
  // transactions' ids are computed first (the verifier did already), so that no one
  // writes to a shared block.
  block.TxIds();
  auto shared = std::make_shared<const Block>(block);
  if (!tree_.Insert(shared)) return;
  out.push_back(SaveBlock{std::move(shared)});
}

std::size_t Core::Quorum() const { return config_.rules->Quorum(validators_.size()); }

bool Core::InWindow(Epoch epoch, Round round) const {
  return epoch == validators_.epoch &&
         round.value() <= pacemaker_.current().value() + config_.round_window;
}

Core::Footprint Core::footprint() const {
  Footprint f;
  f.blocks = tree_.size();
  for (const auto& [r, m] : votes_seen_) f.votes += m.size();
  for (const auto& [r, m] : timeouts_) f.timeouts += m.size();
  f.pending_proposals = pending_proposals_.size();
  return f;
}

std::vector<Effect> Core::Start(std::uint64_t now_ms) {
  now_ms_ = now_ms;
  Out out;
  // A crash between committing an epoch change and persisting the new epoch's safety data
  // leaves the data one epoch behind: catch it up before anything is signed.
  if (safety_.data().epoch < validators_.epoch) {
    Persist(safety_.EnterEpoch(validators_.epoch, self_.value_or(ValidatorIndex(0))), out);
  }
  // Resume in the round after the highest certificate. Certificates are saved before any
  // signature that relies on them, so this round is at least the last one signed in, and
  // the node can time out of it if it has to.
  Round resume = QcRound(highest_qc_);
  if (highest_tc_) resume = std::max(resume, highest_tc_->round);
  AdvanceTo(resume.Next(), /*via_tc=*/highest_tc_ && highest_tc_->round == resume, out);
  // Recovered blocks are re-executed, parents first (OnExecuted walks down the tree).
  for (const Hash32& child : tree_.ChildrenOf(tree_.root_id())) ExecuteIfReady(child, out);
  if (!tree_.Contains(highest_qc_.data.block_id)) {
    RequestFetch(LeaderOfRound(highest_qc_.data.round), out);
  }
  return out;
}

std::vector<Effect> Core::Handle(std::uint64_t now_ms, const Event& event) {
  now_ms_ = now_ms;
  Out out;
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ProposalReceived>) {
          OnProposal(now_ms, e.proposal, out);
        } else if constexpr (std::is_same_v<T, VoteReceived>) {
          OnVote(e.vote, out);
        } else if constexpr (std::is_same_v<T, TimeoutReceived>) {
          OnTimeout(e.timeout, out);
        } else if constexpr (std::is_same_v<T, TimerFired>) {
          OnTimer(now_ms, e.round, out);
        } else if constexpr (std::is_same_v<T, BlockExecuted>) {
          OnExecuted(e, out);
        } else if constexpr (std::is_same_v<T, PayloadReady>) {
          OnPayload(now_ms, e, out);
        } else if constexpr (std::is_same_v<T, BlocksFetched>) {
          OnFetched(now_ms, e, out);
        } else {
          static_assert(std::is_same_v<T, TransactionsWaiting>);
          OnTransactionsWaiting(out);
        }
      },
      event);
  // A proposal that arrived before its round (or before its parent) is retried whenever
  // the state moves.
  if (auto it = pending_proposals_.find(pacemaker_.current()); it != pending_proposals_.end()) {
    if (tree_.Contains(it->second.block.header.parent_id)) {
      Proposal p = std::move(it->second);
      pending_proposals_.erase(it);
      OnProposal(now_ms, p, out);
    }
  }
  return out;
}

// --- Proposals --------------------------------------------------------------------------

std::string_view VoteRefusalCode(VoteRefusalReason r) {
  switch (r) {
    case VoteRefusalReason::kHeightNotNext:
      return "height_not_next";
    case VoteRefusalReason::kTimestampNotAfterParent:
      return "timestamp_not_after_parent";
    case VoteRefusalReason::kTimestampAhead:
      return "timestamp_ahead";
    case VoteRefusalReason::kTransactionsAfterReconfiguration:
      return "transactions_after_reconfiguration";
    case VoteRefusalReason::kSafetyRules:
      return "safety_rules";
  }
  return "unknown";
}

std::optional<VoteRefused> Core::VoteRefusal(std::uint64_t now_ms, const Block& block) const {
  const BlockHeader& h = block.header;
  const BlockNode* parent = tree_.Get(h.parent_id);
  TAMGA_CHECK(parent != nullptr);  // The block is in the tree, so its parent is.
  auto refuse = [&](VoteRefusalReason r, std::string detail) {
    return VoteRefused{h.round, r, std::move(detail)};
  };
  if (h.height != parent->block->header.height.Next()) {
    return refuse(VoteRefusalReason::kHeightNotNext, "height is not parent + 1");
  }
  // Block time: later than the parent's, and not further ahead of our clock than the
  // configured drift. The QC over the block then signs its time (docs/consensus.md).
  if (h.timestamp_ms <= parent->block->header.timestamp_ms) {
    return refuse(VoteRefusalReason::kTimestampNotAfterParent,
                  "timestamp " + std::to_string(h.timestamp_ms) + " <= parent's " +
                      std::to_string(parent->block->header.timestamp_ms));
  }
  if (!block.transactions.empty() && ExtendsPendingReconfiguration(h.parent_id)) {
    return refuse(VoteRefusalReason::kTransactionsAfterReconfiguration,
                  "carries transactions after an uncommitted change of the validator set");
  }
  if (h.timestamp_ms > now_ms + config_.clock_drift_ms_max) {
    return refuse(VoteRefusalReason::kTimestampAhead,
                  "timestamp " + std::to_string(h.timestamp_ms) + " is more than " +
                      std::to_string(config_.clock_drift_ms_max) + " ms ahead of local time " +
                      std::to_string(now_ms));
  }
  return std::nullopt;
}

void Core::Persist(SafetyData data, Out& out) {
  if (last_persisted_ && last_persisted_->epoch == data.epoch && !data.lost) {
    TAMGA_CHECK_MSG(data.last_voted_round >= last_persisted_->last_voted_round &&
                        data.locked_round >= last_persisted_->locked_round,
                    "safety data would move back: voted round " + data.last_voted_round.ToString() +
                        " after " + last_persisted_->last_voted_round.ToString() +
                        ", locked round " + data.locked_round.ToString() + " after " +
                        last_persisted_->locked_round.ToString());
  }
  last_persisted_ = data;
  out.push_back(PersistSafetyData{std::move(data)});
}

void Core::OnProposal(std::uint64_t now_ms, const Proposal& p, Out& out) {
  const BlockHeader& h = p.block.header;
  if (!InWindow(h.epoch, h.round)) return;
  // A proposal of a round already left gets no vote, but its block may be the one our
  // highest QC certifies (its votes overtook it): keep it, so the next leader can build on
  // it without a fetch.
  if (h.round < pacemaker_.current()) {
    // Only the very block our highest QC certifies: nothing else from a past round can
    // enter, so a leader cannot grow the tree with variants of old rounds.
    if (h.Id() == highest_qc_.data.block_id) {
      InsertBlock(p.block, out);
      ExecuteIfReady(h.Id(), out);
      MaybeRequestPayload(out);
    }
    return;
  }
  const Hash32 id = h.Id();
  // At most one proposal per (round, leader): a second, different one is evidence.
  if (auto seen = proposal_seen_.find(h.round); seen != proposal_seen_.end()) {
    if (seen->second != id) {
      out.push_back(ReportEquivocation{h.proposer, h.round, "two proposals"});
      // Its leader split the round: the quorum may be split too, and then only a TC ends
      // it. Give up on it now rather than at the timer: a timeout is always safe to sign,
      // and once f+1 validators that saw both blocks have sent theirs, the others join
      // (OnTimeout) and the round costs a few messages instead of a whole timeout.
      if (h.epoch == validators_.epoch && h.round == pacemaker_.current() && !my_timeout_) {
        SendTimeout(out);
      }
      return;
    }
    if (tree_.Contains(id)) return;  // A duplicate delivery.
  }
  proposal_seen_[h.round] = id;

  ProcessQc(p.block.justify, out);
  if (h.epoch != validators_.epoch) return;  // Its QC ended the epoch.
  if (p.last_round_tc) ProcessTc(*p.last_round_tc, out);
  if (h.round != pacemaker_.current()) return;  // Stale now, or our state lags.

  if (!tree_.Contains(h.parent_id)) {
    pending_proposals_[h.round] = p;
    RequestFetch(h.proposer, out);
    return;
  }
  InsertBlock(p.block, out);
  if (!tree_.Contains(id)) return;
  ExecuteIfReady(id, out);
  // The next leader builds on this block. If that would commit nothing it may wait for
  // transactions, and this round waits with it; otherwise it proposes at once, and a
  // normal timeout runs from now.
  if (config_.idle_wait_ms > 0 && !my_timeout_) {
    if (NothingToCommit(id)) {
      idle_until_ms_ = now_ms + pacemaker_.TimeoutMs() + config_.idle_wait_ms;
    } else if (idle_until_ms_) {
      idle_until_ms_.reset();
      out.push_back(SetTimer{h.round, pacemaker_.TimeoutMs()});
    }
  }
  if (auto refused = VoteRefusal(now_ms, p.block)) {
    if (self_) out.push_back(std::move(*refused));
    return;
  }
  awaiting_vote_ = AwaitingVote{id, p.last_round_tc};
  TryVote(out);
}

void Core::ExecuteIfReady(const Hash32& id, Out& out) {
  const BlockNode* node = tree_.Get(id);
  if (node == nullptr || node->result || executing_.count(id)) return;
  const BlockNode* parent = tree_.Get(node->block->header.parent_id);
  if (parent == nullptr || !parent->result) return;
  executing_.insert(id);
  out.push_back(ExecuteBlock{node->block});
}

void Core::OnExecuted(const BlockExecuted& e, Out& out) {
  executing_.erase(e.block_id);
  const BlockNode* node = tree_.Get(e.block_id);
  if (node == nullptr) return;
  // A change of the validator set counts only for the next epoch, and only if it leaves
  // someone to run it.
  std::optional<ValidatorSet> next = e.next_validators;
  if (next && (next->epoch != validators_.epoch.Next() || next->validators.empty())) next.reset();
  tree_.SetResult(e.block_id, e.result, std::move(next));
  TryVote(out);
  if (deferred_commit_) {
    const QuorumCertificate qc = *deferred_commit_;
    TryCommit(qc, out);
  }
  for (const Hash32& child : tree_.ChildrenOf(e.block_id)) ExecuteIfReady(child, out);
}

void Core::TryVote(Out& out) {
  if (!self_ || !awaiting_vote_ || voted_this_round_) return;
  const BlockNode* node = tree_.Get(awaiting_vote_->block_id);
  if (node == nullptr || !node->result) return;
  if (node->block->header.round != pacemaker_.current()) return;
  auto signed_vote = safety_.SignVote(*node->block, *node->result, awaiting_vote_->tc);
  awaiting_vote_.reset();
  if (!signed_vote.ok()) {
    out.push_back(VoteRefused{node->block->header.round, VoteRefusalReason::kSafetyRules,
                              signed_vote.error().message()});
    return;
  }
  voted_this_round_ = true;
  if (!signed_vote->repeat) Persist(signed_vote->data, out);
  const ValidatorIndex next = LeaderOfRound(pacemaker_.current().Next());
  if (IsSelf(next)) {
    OnVote(signed_vote->vote, out);
  } else {
    out.push_back(SendTo{next, signed_vote->vote});
  }
}

void Core::OnPayload(std::uint64_t now_ms, const PayloadReady& p, Out& out) {
  const Round round = pacemaker_.current();
  if (p.round != round || proposed_this_round_ || !IsLeader(round)) {
    return;
  }
  const BlockNode* parent = tree_.Get(highest_qc_.data.block_id);
  if (parent == nullptr) {  // Its votes overtook it; it arrives, or is fetched.
    waiting_for_parent_ = true;
    return;
  }
  if (p.parent != parent->id) {
    // Chosen for another parent: this one (certified since) may hold some of them.
    out.push_back(RequestPayload{round, parent->id});
    return;
  }
  Proposal proposal;
  Block& b = proposal.block;
  b.header.chain_id = config_.chain;
  b.header.epoch = validators_.epoch;
  b.header.round = round;
  b.header.height = parent->block->header.height.Next();
  b.header.parent_id = parent->id;
  b.header.proposer = *self_;
  b.header.timestamp_ms = std::max(now_ms, parent->block->header.timestamp_ms + 1);
  // After an uncommitted change of the validator set, blocks stay empty until it commits.
  if (!ExtendsPendingReconfiguration(parent->id)) b.transactions = p.transactions;
  b.header.payload_root = MerkleRoot(b.ComputeTxIds());
  b.header.transaction_count = static_cast<std::uint32_t>(b.transactions.size());
  b.justify = highest_qc_;
  const Round qc_round = QcRound(highest_qc_);
  if (qc_round.Next() != round) {
    if (!highest_tc_ || highest_tc_->round.Next() != round) return;  // Cannot justify.
    // Voters refuse a block whose QC is below the TC's highest: we lack that QC, so
    // fetch it instead of proposing in vain.
    Round tc_hqc;
    for (const auto& s : highest_tc_->signatures) tc_hqc = std::max(tc_hqc, s.high_qc_round);
    if (qc_round < tc_hqc) {
      RequestFetch(LeaderOfRound(tc_hqc), out);
      return;
    }
    proposal.last_round_tc = highest_tc_;
  }
  auto signed_proposal = safety_.SignProposal(b.header);
  if (!signed_proposal.ok()) return;
  proposal.signature = signed_proposal->signature;
  proposed_this_round_ = true;
  Persist(signed_proposal->data, out);
  out.push_back(Broadcast{proposal});
  OnProposal(now_ms, proposal, out);
}

// --- Votes and quorum certificates ------------------------------------------------------

void Core::OnVote(const Vote& v, Out& out) {
  const Round r = v.data.round;
  if (!InWindow(v.data.epoch, r) || r.Next() < pacemaker_.current()) return;
  if (qc_formed_.count(r)) return;
  // Dedup by (epoch, round, author), never by signature bytes: a re-signed copy of a vote
  // must not count twice. A different vote by the same author is evidence.
  VoteKey key{v.author, config_.rules->SignerCountsOnce() ? Signature() : v.signature};
  const Hash32 data_hash = VoteDataHash(v.data);
  auto& seen = votes_seen_[r];
  if (auto it = seen.find(key); it != seen.end()) {
    if (it->second != data_hash) {
      out.push_back(ReportEquivocation{v.author, r, "two votes"});
    }
    return;
  }
  seen.emplace(key, data_hash);
  QuorumCertificate& tally = vote_tallies_[r][data_hash];
  tally.data = v.data;
  tally.signatures.push_back({v.author, v.signature});
  if (tally.signatures.size() < Quorum()) return;
  qc_formed_.insert(r);
  QuorumCertificate qc = tally;
  std::stable_sort(
      qc.signatures.begin(), qc.signatures.end(),
      [](const QuorumSignature& a, const QuorumSignature& b) { return a.signer < b.signer; });
  ProcessQc(qc, out);
}

void Core::ProcessQc(const QuorumCertificate& qc, Out& out) {
  if (IsRoot(qc) || qc.data.epoch != validators_.epoch) return;
  if (qc.data.height <= committed_height()) return;
  tree_.AddQc(qc);
  const Round highest_before = QcRound(highest_qc_);
  if (qc.data.round > highest_before) {
    highest_qc_ = qc;
    out.push_back(SaveCertificates{highest_qc_, highest_tc_});
  }
  TAMGA_CHECK(QcRound(highest_qc_) >= highest_before);  // The highest QC never moves back.
  if (!tree_.Contains(qc.data.block_id)) {
    RequestFetch(LeaderOfRound(qc.data.round), out);
  } else {
    TryCommit(qc, out);
    if (qc.data.epoch != validators_.epoch) return;  // It ended the epoch.
  }
  AdvanceTo(qc.data.round.Next(), /*via_tc=*/false, out);
}

// The two-chain commit rule: a QC for block B whose parent P has round(B) = round(P) + 1
// commits P and every ancestor of P (Jolteon, Gelashvili et al. 2022, section 4); the
// chain's length is the rules' CommitChainLength (2).
void Core::TryCommit(const QuorumCertificate& qc, Out& out) {
  const BlockNode* b = tree_.Get(qc.data.block_id);
  if (b == nullptr) return;
  // Walk down the chain of consecutive rounds: in the two-chain rule, to b's parent.
  const BlockNode* target = b;
  for (std::size_t link = 1; link < config_.rules->CommitChainLength(); ++link) {
    const BlockNode* p = tree_.Get(target->block->header.parent_id);
    if (p == nullptr || p->id == tree_.root_id()) return;
    if (p->block->header.round.Next() != target->block->header.round) return;
    target = p;
  }
  const std::vector<const BlockNode*> full_path = tree_.PathFromRoot(target->id);
  if (full_path.empty()) return;
  // Only executed blocks commit: execution tells whether a block changes the validator
  // set, and every node must switch epochs at the same block. The rest commits when its
  // execution answers (OnExecuted retries).
  std::vector<const BlockNode*> path = full_path;
  std::size_t executed = 0;
  while (executed < path.size() && path[executed]->result) ++executed;
  deferred_commit_.reset();
  if (executed < path.size()) {
    deferred_commit_ = qc;
    path.resize(executed);
    if (path.empty()) return;
  }
  // A block that changes the validator set ends the epoch: commit up to it, and prove its
  // commit with the certified blocks above it up to the QC that committed it.
  std::vector<CertifiedBlock> epoch_proof;
  const BlockNode* reconfiguration = nullptr;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (!path[i]->next_validators) continue;
    reconfiguration = path[i];
    for (std::size_t j = i + 1; j < full_path.size(); ++j) {
      epoch_proof.push_back({*full_path[j]->block, *full_path[j]->qc});
    }
    if (b != target) epoch_proof.push_back({*b->block, qc});
    path.resize(i + 1);
    deferred_commit_.reset();
    break;
  }
  for (const BlockNode* n : path) {
    // Every block below B has its certifying QC: the justify of its child on the path.
    TAMGA_CHECK(n->qc.has_value());
    // A quorum certified another result than our execution gave: this node's state has
    // diverged. Stop rather than build on it (STYLE.md: our bugs abort).
    TAMGA_CHECK_MSG(*n->result == n->qc->data.result, "execution result of height " +
                                                          n->block->header.height.ToString() +
                                                          " differs from the one its QC certifies");
    if (n == reconfiguration) {
      out.push_back(CommitBlock{n->block, *n->qc, epoch_proof, n->next_validators});
    } else {
      out.push_back(CommitBlock{n->block, *n->qc, {}, std::nullopt});
    }
  }
  if (reconfiguration != nullptr) {
    SwitchEpoch(*reconfiguration, out);
    return;
  }
  const Hash32 new_root = path.back()->id;
  tree_.PruneTo(new_root);
  for (auto it = executing_.begin(); it != executing_.end();) {
    it = tree_.Contains(*it) && *it != new_root ? std::next(it) : executing_.erase(it);
  }
  for (const Hash32& child : tree_.ChildrenOf(new_root)) ExecuteIfReady(child, out);
}

// The committed `reconfiguration` block ends this epoch. Everything of the old epoch above it
// is dropped (only empty blocks can be there), rounds restart at 1 under the new set, and
// the QC of `reconfiguration` becomes the new epoch's root.
void Core::SwitchEpoch(const BlockNode& reconfiguration, Out& out) {
  const SharedBlock root = reconfiguration.block;
  const QuorumCertificate root_qc = *reconfiguration.qc;
  validators_ = *reconfiguration.next_validators;
  self_ = config_.may_sign ? IndexOf(validators_, signer_.public_key()) : std::nullopt;
  tree_ = BlockTree(root, root_qc);
  tree_.SetResult(tree_.root_id(), root_qc.data.result, std::nullopt);
  highest_qc_ = root_qc;
  highest_tc_.reset();
  proposal_seen_.clear();
  pending_proposals_.clear();
  votes_seen_.clear();
  vote_tallies_.clear();
  qc_formed_.clear();
  timeouts_.clear();
  tc_formed_.clear();
  executing_.clear();
  last_fetch_.reset();
  deferred_commit_.reset();
  out.push_back(EnterEpoch{validators_, root_qc});
  Persist(safety_.EnterEpoch(validators_.epoch, self_.value_or(ValidatorIndex(0))), out);
  out.push_back(SaveCertificates{highest_qc_, std::nullopt});
  pacemaker_.Reset();
  AdvanceTo(Round(1), /*via_tc=*/false, out);
}

// --- Timeouts and timeout certificates --------------------------------------------------

void Core::OnTimer(std::uint64_t now_ms, Round round, Out& out) {
  if (round != pacemaker_.current()) return;
  if (idle_until_ms_ && now_ms < *idle_until_ms_) {
    out.push_back(SetTimer{round, *idle_until_ms_ - now_ms});  // Still on idle grace.
    return;
  }
  idle_until_ms_.reset();
  SendTimeout(out);
  out.push_back(SetTimer{round, pacemaker_.TimeoutMs()});
  // A round that outlives two timers may mean this node fell behind further than the
  // round window lets it see: ask the peers in turn for what they have certified.
  if (++timer_fires_this_round_ >= 2) {
    fetch_peer_ = static_cast<std::uint32_t>((fetch_peer_ + 1) % validators_.size());
    last_fetch_.reset();
    RequestFetch(ValidatorIndex(fetch_peer_), out);
  }
}

void Core::OnTransactionsWaiting(Out& out) {
  if (!idle_until_ms_) return;
  idle_until_ms_.reset();
  // The timer armed for the grace may fire later; this one fires after a normal timeout.
  out.push_back(SetTimer{pacemaker_.current(), pacemaker_.TimeoutMs()});
}

// Decided from the chain ending at `tip` alone, not from this node's committed root: the
// leader that holds the QC of `tip` has committed more than the replicas that only hold
// `tip`, and both must reach the same answer. A block on top of `tip` carries QC(tip) and,
// with it, the news of every commit QC(tip) makes. It is not needed soon only if no block
// whose commit is still unannounced holds transactions: walking down from `tip`, each
// block x carries QC(p) of its parent p, which announces the commit of p's parent when p's
// round follows its own QC's round; from there down, everyone holding `tip` knows it.
// The leader may have committed (and pruned) more than a replica: a walk that reaches
// this node's root through a link that announces nothing answers "needed", since below
// the root it cannot see what a replica still sees. That only makes a leader propose
// sooner, which costs nobody a timeout.
bool Core::NothingToCommit(const Hash32& tip) const {
  const BlockNode* x = tree_.Get(tip);
  if (x == nullptr) return false;
  while (true) {
    if (!x->block->transactions.empty()) return false;
    const BlockNode* p = tree_.Get(x->block->header.parent_id);
    if (p == nullptr) return x->id == tip;  // `tip` is the root: all below is committed.
    if (p->block->header.round == QcRound(p->block->justify).Next()) {
      return p->block->transactions.empty();
    }
    x = p;
  }
}

bool Core::MayWaitForTransactions() const {
  return config_.idle_wait_ms > 0 && !entered_via_tc_ && NothingToCommit(highest_qc_.data.block_id);
}

void Core::SendTimeout(Out& out) {
  if (!self_) return;  // Not a member of this epoch: nothing to sign.
  if (my_timeout_) {   // Already signed for this round: send the same bytes again.
    out.push_back(Broadcast{*my_timeout_});
    return;
  }
  auto signed_timeout = safety_.SignTimeout(pacemaker_.current(), highest_qc_, highest_tc_);
  if (!signed_timeout.ok()) return;
  Persist(signed_timeout->data, out);
  const Timeout mine = signed_timeout->timeout;
  my_timeout_ = mine;
  out.push_back(Broadcast{mine});
  OnTimeout(mine, out);  // Count our own; it may complete a TC.
}

void Core::OnTimeout(const Timeout& t, Out& out) {
  const Round r = t.data.round;
  if (!InWindow(t.data.epoch, r)) return;
  ProcessQc(t.high_qc, out);
  if (t.data.epoch != validators_.epoch) return;  // Its QC ended the epoch.
  if (t.last_round_tc) ProcessTc(*t.last_round_tc, out);
  if (r < pacemaker_.current() || tc_formed_.count(r)) return;
  auto& round_timeouts = timeouts_[r];
  if (round_timeouts.count(t.author)) return;
  round_timeouts.emplace(t.author, TimeoutSignature{t.author, t.data.high_qc_round, t.signature});
  // f+1 timeouts for our round mean at least one honest validator gave up on it: join
  // them rather than wait for our own timer (Bracha-style amplification).
  const std::size_t f = (validators_.size() - 1) / 3;
  if (r == pacemaker_.current() && !my_timeout_ && round_timeouts.size() >= f + 1) {
    SendTimeout(out);
    // If it signed, our own timeout came back through here and checked for a TC (and may
    // have moved the round on, dropping `round_timeouts`). If SafetyRules refused, the
    // others' timeouts may still make one.
    if (my_timeout_ || pacemaker_.current() != r) return;
  }
  if (tc_formed_.count(r) || round_timeouts.size() < Quorum()) return;
  tc_formed_.insert(r);
  TimeoutCertificate tc{config_.chain, validators_.epoch, r, {}};
  for (const auto& [author, sig] : round_timeouts) tc.signatures.push_back(sig);
  ProcessTc(tc, out);
}

void Core::ProcessTc(const TimeoutCertificate& tc, Out& out) {
  if (tc.epoch != validators_.epoch) return;
  if (!highest_tc_ || tc.round > highest_tc_->round) {
    highest_tc_ = tc;
    out.push_back(SaveCertificates{highest_qc_, highest_tc_});
  }
  AdvanceTo(tc.round.Next(), /*via_tc=*/true, out);
}

// --- Rounds -----------------------------------------------------------------------------

void Core::AdvanceTo(Round round, bool via_tc, Out& out) {
  if (!pacemaker_.Advance(round, via_tc)) return;
  awaiting_vote_.reset();
  voted_this_round_ = false;
  proposed_this_round_ = false;
  waiting_for_parent_ = false;
  timer_fires_this_round_ = 0;
  my_timeout_.reset();
  // Forget what no longer matters: votes are for round - 1 (this round's QC) and up,
  // everything else for this round and up.
  const Round keep_votes_from(round.value() > 0 ? round.value() - 1 : 0);
  votes_seen_.erase(votes_seen_.begin(), votes_seen_.lower_bound(keep_votes_from));
  vote_tallies_.erase(vote_tallies_.begin(), vote_tallies_.lower_bound(keep_votes_from));
  qc_formed_.erase(qc_formed_.begin(), qc_formed_.lower_bound(keep_votes_from));
  timeouts_.erase(timeouts_.begin(), timeouts_.lower_bound(round));
  tc_formed_.erase(tc_formed_.begin(), tc_formed_.lower_bound(round));
  proposal_seen_.erase(proposal_seen_.begin(), proposal_seen_.lower_bound(keep_votes_from));
  pending_proposals_.erase(pending_proposals_.begin(), pending_proposals_.lower_bound(round));

  // A leader with nothing to commit may wait for transactions before it proposes: the
  // round waits with it (idle grace), until its proposal says otherwise (OnProposal). Not
  // in a round entered by a TC: its leader proposes at once, so a leader that is down
  // costs an idle chain one long round, and a waiting transaction one normal timeout.
  idle_until_ms_.reset();
  entered_via_tc_ = via_tc;
  std::uint64_t timeout = pacemaker_.TimeoutMs();
  if (MayWaitForTransactions()) {
    timeout += config_.idle_wait_ms;
    idle_until_ms_ = now_ms_ + timeout;
  }
  out.push_back(SetTimer{round, timeout});
  if (IsLeader(round)) {
    if (tree_.Contains(highest_qc_.data.block_id)) {
      out.push_back(RequestPayload{round, highest_qc_.data.block_id});
    } else {
      // The parent's votes overtook it. The owner could not tell which transactions the
      // blocks up to it hold: ask once it is here (MaybeRequestPayload).
      waiting_for_parent_ = true;
    }
  }
}

// --- Catching up ------------------------------------------------------------------------

void Core::RequestFetch(ValidatorIndex peer, Out& out) {
  const Height from = committed_height().Next();
  // One request per round and starting height: a burst of messages about blocks we lack
  // asks once.
  if (last_fetch_ && last_fetch_->first == pacemaker_.current() && last_fetch_->second == from) {
    return;
  }
  last_fetch_ = {pacemaker_.current(), from};
  if (IsSelf(peer)) {
    peer = ValidatorIndex(static_cast<std::uint32_t>((peer.value() + 1) % validators_.size()));
  }
  out.push_back(FetchBlocks{from, peer});
}

void Core::OnFetched(std::uint64_t /*now_ms*/, const BlocksFetched& f, Out& out) {
  for (const CertifiedBlock& cb : f.blocks) {
    // Blocks of another epoch (one ended while handling this batch) wait for another fetch.
    if (cb.block.header.epoch != validators_.epoch) continue;
    const Hash32 id = cb.block.header.Id();
    if (cb.qc.data.block_id != id) return;  // The owner checks this; stop if it did not.
    if (!tree_.Contains(id)) {
      if (cb.block.header.height <= committed_height()) continue;
      InsertBlock(cb.block, out);
      if (!tree_.Contains(id)) return;  // Does not connect: a later fetch will.
      ProcessQc(cb.block.justify, out);
      ExecuteIfReady(id, out);
    }
    ProcessQc(cb.qc, out);
  }
  last_fetch_.reset();
  MaybeRequestPayload(out);
}

// A leader that could not propose for want of its parent asks for a payload again once
// the parent is in the tree.
void Core::MaybeRequestPayload(Out& out) {
  const Round round = pacemaker_.current();
  if (waiting_for_parent_ && !proposed_this_round_ && IsLeader(round) &&
      tree_.Contains(highest_qc_.data.block_id)) {
    waiting_for_parent_ = false;
    out.push_back(RequestPayload{round, highest_qc_.data.block_id});
  }
}

}  // namespace tamga::consensus
