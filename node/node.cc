#include "node/node.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "client/genesis_file.h"
#include "client/passphrase.h"
#include "common/clock.h"
#include "common/encoding.h"
#include "common/failpoint.h"
#include "common/file_util.h"
#include "common/key_file.h"
#include "common/log.h"
#include "contracts/executor.h"
#include "contracts/queries.h"
#include "contracts/rules.h"
#include "node/snapshot_join.h"
#include "tlog/cosignature.h"

namespace tamga::node {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::size_t kPayloadBytesMax = 4 << 20;

// The committed chain as block sync serves it.
class LedgerChain final : public CommittedChain {
 public:
  explicit LedgerChain(const ledger::Ledger& ledger) : ledger_(ledger) {}
  Height head() const override { return ledger_.Head().height; }
  Height lowest() const override { return ledger_.snapshot_height().value_or(Height(0)); }
  Result<CertifiedBlock> CommittedAt(Height h) const override {
    TAMGA_ASSIGN_OR_RETURN(Block block, ledger_.BlockAt(h));
    TAMGA_ASSIGN_OR_RETURN(QuorumCertificate qc, ledger_.QcAt(h));
    return CertifiedBlock{std::move(block), std::move(qc)};
  }
  Result<std::vector<CertifiedBlock>> EpochProofAt(Height h) const override {
    TAMGA_ASSIGN_OR_RETURN(std::optional<ledger::EpochProof> proof, ledger_.EpochProofAt(h));
    if (!proof) return std::vector<CertifiedBlock>();
    return std::move(proof->blocks);
  }

 private:
  const ledger::Ledger& ledger_;
};

net::Message ToWire(const consensus::Message& m) {
  return std::visit([](const auto& x) -> net::Message { return x; }, m);
}

}  // namespace

Node::Node(const NodeConfig& config, asio::io_context& io)
    : config_(config),
      io_(io),
      sync_(*this),
      pool_(std::max<std::size_t>(1, config.verify_threads)),
      batch_verifier_(pool_),
      mempool_({config.mempool_transactions_max}, ChainId()) {}

Node::~Node() { Stop(); }

std::uint64_t Node::NowMs() const {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(UnixNowMs()) +
                                    config_.testing_clock_offset_ms);
}

Result<std::unique_ptr<Node>> Node::Open(const NodeConfig& config, asio::io_context& io,
                                         std::optional<std::uint64_t> resume_round) {
  std::unique_ptr<Node> node(new Node(config, io));
  TAMGA_RETURN_IF_ERROR(node->OpenParts(resume_round));
  return node;
}

Status Node::OpenParts(std::optional<std::uint64_t> resume_round) {
  TAMGA_ASSIGN_OR_RETURN(genesis_, client::LoadGenesisFile(config_.genesis_file));
  auto chain = contracts::StartChain(genesis_);
  if (!chain.ok()) {
    return Status(chain.error().code(), config_.genesis_file + ": " + chain.error().message());
  }
  anchor_ = chain->anchor;
  mempool_ = Mempool({config_.mempool_transactions_max}, anchor_.chain_id);
  for (const auto& a : genesis_.administrations) addresses_[a.validator_key] = a.address;

  TAMGA_ASSIGN_OR_RETURN(key_, client::OpenKeyFile(config_.key_file, config_.passphrase_file));
  signer_ = std::make_unique<consensus::Ed25519Signer>(key_);
  if (config_.testing_byzantine) {
    byzantine_.emplace(*config_.testing_byzantine, *signer_);
    Log(LogLevel::kWarn, "byzantine",
        {{"mode", std::string(ByzantineModeName(*config_.testing_byzantine))}});
  }
  checkpoints_ = std::make_unique<CheckpointCollector>(tlog::ChainOrigin(anchor_.chain_id), key_);

  if (!config_.timestamp_key_file.empty()) TAMGA_RETURN_IF_ERROR(OpenTimestamping());

  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) {
    return Status::IoError("cannot create data directory " + config_.data_dir + ": " +
                           ec.message());
  }
  // A node told where to find a snapshot starts from one when it holds no ledger yet.
  bool joined = false;
  if (!config_.sync_snapshot_from.empty()) {
    TAMGA_ASSIGN_OR_RETURN(auto report, JoinFromSnapshot(config_.data_dir + "/ledger", anchor_,
                                                         config_.sync_snapshot_from));
    joined = report.has_value();
  }
  TAMGA_ASSIGN_OR_RETURN(ledger_, ledger::Ledger::OpenDirectory(config_.data_dir + "/ledger",
                                                                anchor_, std::move(chain->state)));
  // Commits are not synced one by one: the consensus store syncs them before the next
  // vote or safety data (node/consensus_store.h), and the stop syncs what is left. A power
  // cut can lose the last few; the node commits them again from its saved blocks or fetches
  // them, the same blocks (a quorum certified them).
  ledger_->set_sync_commits(false);
  if (!config_.witness_addresses.empty()) {
    std::vector<WitnessFeed::Witness> witnesses;
    for (std::size_t i = 0; i < config_.witness_addresses.size(); ++i) {
      TAMGA_ASSIGN_OR_RETURN(tlog::NoteVerifier key,
                             tlog::ParseCosignatureVerifierKey(config_.witness_keys[i]));
      witnesses.push_back({config_.witness_addresses[i], std::move(key)});
    }
    witness_feed_ = std::make_unique<WitnessFeed>(io_, *ledger_, std::move(witnesses));
  }
  if (!config_.tiles_dir.empty()) {
    tile_writer_ = std::make_unique<TileWriter>(*ledger_, config_.tiles_dir);
  }
  const ledger::LedgerHead head = ledger_->Head();

  // Checked before anything is written (a resumed safety file below).
  if (config_.observer) {
    const auto& v = head.validators.validators;
    if (auto at = std::find(v.begin(), v.end(), key_.public_key()); at != v.end()) {
      return Status::FailedPrecondition(
          "role = \"observer\", but this key is validator " + std::to_string(at - v.begin()) +
          "'s in epoch " + head.validators.epoch.ToString() +
          ": an observer needs a key of its own (peers keep one link per key)");
    }
  }

  // What the core saved before the last stop. A validator whose ledger has blocks but whose
  // safety file is gone must not sign until an operator says what happened
  // (docs/operations.md).
  safety_file_ = std::make_unique<ledger::SafetyFile>(config_.data_dir + "/safety");
  store_ = std::make_unique<ConsensusStore>(ledger_->store(), *safety_file_);
  if (joined) {
    // A node that has just joined from a snapshot starts with fresh safety data unless it
    // kept some: the same as a node that starts at genesis and replays (it cannot tell
    // whether its key voted before; an operator who moves a validator keeps its safety
    // file, docs/operations.md).
    TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> kept, safety_file_->Load());
    if (!kept) TAMGA_RETURN_IF_ERROR(store_->SaveSafety(consensus::SafetyData{}));
  }
  TAMGA_ASSIGN_OR_RETURN(ConsensusStore::Recovered recovered, store_->Recover(head.height));
  consensus::SafetyData safety = recovered.safety;
  if (recovered.safety_lost && !resume_round) {
    Log(LogLevel::kError, "safety_data_lost",
        {{"file", safety_file_->path()},
         {"height", head.height.ToString()},
         {"action", "the node follows the chain but signs nothing; see docs/operations.md"}});
  }
  if (resume_round && !safety.lost) {
    return Status::FailedPrecondition("--resume-after-data-loss: the safety data at " +
                                      safety_file_->path() +
                                      " is not lost; refusing to overwrite it");
  }
  if (resume_round) {
    // The index only names the signer in what SafetyRules signs; resuming signs nothing.
    consensus::SafetyRules rules(safety, *signer_, anchor_.chain_id, ValidatorIndex(0));
    const auto& kept = recovered.core.highest_qc;
    const Round kept_round =
        kept && kept->data.epoch == head.validators.epoch ? kept->data.round : Round(0);
    safety = rules.ResumeAfterDataLoss(head.validators.epoch, Round(*resume_round), kept_round);
    TAMGA_RETURN_IF_ERROR(store_->SaveSafety(safety));
    Log(LogLevel::kWarn, "safety_data_resumed",
        {{"epoch", head.validators.epoch.ToString()}, {"round", std::to_string(*resume_round)}});
  }

  TAMGA_ASSIGN_OR_RETURN(Block root, ledger_->BlockAt(head.height));
  QuorumCertificate root_qc;
  if (head.height.value() == 0) {
    TAMGA_ASSIGN_OR_RETURN(root_qc, ledger_->GenesisQc());
  } else {
    TAMGA_ASSIGN_OR_RETURN(root_qc, ledger_->QcAt(head.height));
  }
  consensus::CoreConfig cc;
  cc.chain = anchor_.chain_id;
  cc.may_sign = !config_.observer;
  cc.validators = head.validators;
  cc.round_timeout_ms_base = config_.round_timeout_ms;
  cc.round_timeout_ms_max = config_.round_timeout_max_ms;
  cc.idle_wait_ms = config_.idle_block_ms;
  core_ = std::make_unique<consensus::Core>(cc, *signer_, safety, root, root_qc,
                                            std::move(recovered.core));
  verifier_ =
      std::make_unique<consensus::Verifier>(anchor_.chain_id, head.validators, root_qc, checker_);

  net::TransportOptions to;
  to.chain = anchor_.chain_id;
  to.listen = config_.listen;
  transport_ = std::make_unique<net::Transport>(
      io_, to, key_,
      [this](const PublicKey& from, Bytes frame) { OnFrame(from, std::move(frame)); });
  transport_->SetAdmitted(AdmittedKeys());
  payload_timer_ = std::make_shared<asio::steady_timer>(io_);

  Log(LogLevel::kInfo, "opened",
      {{"chain", anchor_.chain_id.ShortHex()},
       {"key", key_.public_key().ShortHex()},
       {"height", head.height.ToString()},
       {"epoch", head.validators.epoch.ToString()},
       {"validator", core_->self() ? core_->self()->ToString() : std::string("no (observer)")},
       {"role", std::string(config_.observer ? "observer" : "validator")},
       {"data_dir", config_.data_dir}});
  return Status::Ok();
}

Status Node::Start() {
  TAMGA_RETURN_IF_ERROR(transport_->Listen());
  DialValidators(verifier_->validators());
  Log(LogLevel::kInfo, "started", {{"listen", config_.listen}});
  last_commit_ms_ = NowMs();
  Apply(core_->Start(NowMs()));
  const ledger::LedgerHead head = ledger_->Head();
  SignCheckpoint(head.validators.epoch, head.result);
  ResendCheckpoint();
  return Status::Ok();
}

void Node::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (timestamper_) timestamper_->Stop();
  if (transport_) transport_->Stop();
  for (auto& [r, t] : timers_) t->cancel();
  timers_.clear();
  if (payload_timer_) payload_timer_->cancel();
  if (checkpoint_timer_) checkpoint_timer_->cancel();
  for (auto& [h, w] : height_waiters_) w->timer->cancel();
  height_waiters_.clear();
  // A clean stop leaves every commit durable (after a failed write the store refuses).
  if (ledger_ && !fatal_) {
    Failpoint("ledger.stop_sync.before");
    const Status synced = ledger_->store().Sync();
    Failpoint("ledger.stop_sync.after");
    if (!synced.ok()) Log(LogLevel::kError, "sync_at_stop_failed", {{"reason", synced.ToString()}});
  }
}

void Node::Fatal(const std::string& why) {
  if (fatal_) return;
  fatal_ = why;
  Log(LogLevel::kError, "fatal", {{"reason", why}});
  Stop();
  io_.stop();
}

// --- Consensus events and effects ------------------------------------------------------

void Node::Handle(const consensus::Event& event) {
  if (stopped_) return;
  Apply(core_->Handle(NowMs(), event));
}

void Node::Post(consensus::Event event) {
  asio::post(io_, [this, e = std::move(event)] { Handle(e); });
}

void Node::Apply(std::vector<consensus::Effect> effects) {
  for (auto& effect : effects) {
    if (stopped_) return;
    if (store_->Stage(effect)) continue;
    // Whatever must be durable before this effect is written now, synced.
    if (Status s = store_->Flush(); !s.ok()) return Fatal(s.ToString());
    ApplyOne(effect);
  }
  if (Status s = store_->Flush(); !s.ok()) return Fatal(s.ToString());
}

void Node::ApplyOne(consensus::Effect& effect) {
  std::visit(
      [&](auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, consensus::SendTo>) {
          SendConsensus(e.to, e.message);
        } else if constexpr (std::is_same_v<T, consensus::Broadcast>) {
          if (std::holds_alternative<Timeout>(e.message)) metrics_.RoundTimedOut();
          SendConsensus(std::nullopt, e.message);
        } else if constexpr (std::is_same_v<T, consensus::SetTimer>) {
          SetTimer(e.round, e.delay_ms);
        } else if constexpr (std::is_same_v<T, consensus::ExecuteBlock>) {
          Execute(e.block);
        } else if constexpr (std::is_same_v<T, consensus::CommitBlock>) {
          Commit(e);
        } else if constexpr (std::is_same_v<T, consensus::RequestPayload>) {
          // Propose at once if there is work: transactions ready to go, or blocks above the
          // committed one holding transactions (the next blocks are what commit them).
          // Otherwise wait for a transaction up to idle_block_ms (the heartbeat), as the
          // core expects (CoreConfig::idle_wait_ms).
          std::vector<Transaction> txs = TakePayload(e.parent);
          const bool work = !txs.empty() || !core_->MayWaitForTransactions();
          if (work) {
            payload_wait_.reset();
            payload_timer_->cancel();
            Post(consensus::PayloadReady{e.round, e.parent, std::move(txs)});
          } else {
            payload_wait_ = e;
            payload_timer_->expires_after(std::chrono::milliseconds(config_.idle_block_ms));
            payload_timer_->async_wait([this, round = e.round](error_code ec) {
              if (!ec && !stopped_ && payload_wait_ && payload_wait_->round == round) {
                AnswerPayload();
              }
            });
          }
        } else if constexpr (std::is_same_v<T, consensus::FetchBlocks>) {
          if (auto k = KeyOf(e.peer)) {
            sync_.Fetch(e.from_height, *k, verifier_->validators().validators, NowMs());
          }
        } else if constexpr (std::is_same_v<T, consensus::EnterEpoch>) {
          EnterEpoch(e);
        } else if constexpr (std::is_same_v<T, consensus::VoteRefused>) {
          const std::string_view code = consensus::VoteRefusalCode(e.reason);
          metrics_.VoteRefused(std::string(code));
          Log(LogLevel::kInfo, "vote_refused",
              {{"round", e.round.ToString()}, {"reason", std::string(code)}, {"detail", e.detail}});
        } else if constexpr (std::is_same_v<T, consensus::ReportEquivocation>) {
          const std::optional<PublicKey> key = KeyOf(e.author);
          Log(LogLevel::kWarn, "equivocation",
              {{"validator", e.author.ToString()},
               {"key", key ? key->ToHex() : std::string("?")},
               {"round", e.round.ToString()},
               {"what", e.what}});
        }
      },
      effect);
}

void Node::Execute(const consensus::SharedBlock& shared) {
  const Block& block = *shared;
  const Hash32 id = block.header.Id();
  std::shared_ptr<const ledger::PreparedBlock> parent;
  if (block.header.parent_id != ledger_->Head().block_id) {
    auto it = prepared_.find(block.header.parent_id);
    if (it == prepared_.end()) {
      return Fatal("asked to execute block " + id.ShortHex() + " before its parent");
    }
    parent = it->second;
  }
  const ledger::TreeStateReader state = ledger_->StateBefore(parent);
  // Transactions still in the mempool had their signatures checked at admission.
  auto out = contracts::Executor::ExecuteBlock(
      state, block, &batch_verifier_, [this](const Hash32& tx) { return mempool_.Contains(tx); });
  if (!out.ok()) return Fatal("executing block " + id.ShortHex() + ": " + out.error().ToString());
  std::optional<ValidatorSet> next = out->next_validators;
  auto prepared = ledger_->Prepare(parent, shared, std::move(*out));
  if (!prepared.ok()) {
    return Fatal("preparing block " + id.ShortHex() + ": " + prepared.error().ToString());
  }
  prepared_[id] = *prepared;
  Post(consensus::BlockExecuted{id, (*prepared)->result, std::move(next)});
}

void Node::Commit(const consensus::CommitBlock& c) {
  const Block& block = *c.block;
  const Hash32 id = block.header.Id();
  auto it = prepared_.find(id);
  if (it == prepared_.end())
    return Fatal("asked to commit block " + id.ShortHex() + ", never executed");
  const auto prepared = it->second;
  if (Status s = ledger_->Commit(*prepared, c.qc, c.epoch_proof); !s.ok()) {
    return Fatal("committing height " + block.header.height.ToString() + ": " + s.ToString());
  }
  const Height height = block.header.height;
  for (auto p = prepared_.begin(); p != prepared_.end();) {
    p = p->second->block->header.height <= height ? prepared_.erase(p) : std::next(p);
  }
  if (Status s = store_->PruneCommitted(height); !s.ok()) return Fatal(s.ToString());
  sync_.OnCommitted(*this);

  std::vector<Hash32> ids;
  std::size_t rejected = 0;
  for (const auto& r : prepared->output.receipts) {
    ids.push_back(r.tx_hash);
    if (r.code != 0) ++rejected;
  }
  mempool_.OnCommit(block.transactions, ids, ledger_->StateBefore(nullptr));
  if (const std::size_t expired = mempool_.Expire(NowMs()); expired > 0) {
    Log(LogLevel::kInfo, "mempool_expired", {{"txs", std::to_string(expired)}});
  }
  committed_transactions_ += ids.size();
  const std::uint64_t now = NowMs();
  last_commit_ms_ = now;
  const std::uint64_t proposed = block.header.timestamp_ms;
  metrics_.CommitLatency(now > proposed ? now - proposed : 0);
  Announce(*prepared);
  if (timestamper_) timestamper_->OnCommit(*prepared);
  // A block replayed while catching up is not signed: peers moved on long ago.
  if (now < proposed + kCheckpointSignWithinMs)
    SignCheckpoint(block.header.epoch, prepared->result);
  // An administration moved its validator: dial it at its new address from now on. One
  // named its observers: admit them (and close the links of those it no longer names).
  bool moved = false, observers = false;
  for (const ledger::LogRecord& r : prepared->output.records) {
    moved |= r.kind == static_cast<std::uint16_t>(contracts::TxType::kSetValidatorAddress);
    observers |= r.kind == static_cast<std::uint16_t>(contracts::TxType::kSetObservers);
  }
  if (moved) DialValidators(verifier_->validators());
  if (observers) transport_->SetAdmitted(AdmittedKeys());
  const ExecutionResult& result = prepared->result;
  Log(ids.empty() ? LogLevel::kDebug : LogLevel::kInfo, "commit",
      {{"height", height.ToString()},
       {"round", block.header.round.ToString()},
       {"epoch", block.header.epoch.ToString()},
       {"txs", std::to_string(ids.size())},
       {"rejected", std::to_string(rejected)},
       {"state_root", result.state_root.ShortHex()},
       {"log_size", std::to_string(result.log_size)}});
  if (c.next_validators) {
    Log(LogLevel::kInfo, "validator_set_changed",
        {{"height", height.ToString()},
         {"epoch", c.next_validators->epoch.ToString()},
         {"validators", std::to_string(c.next_validators->size())}});
  }
  while (!height_waiters_.empty() && height_waiters_.begin()->first <= height.value()) {
    auto w = std::move(height_waiters_.begin()->second);
    height_waiters_.erase(height_waiters_.begin());
    if (w->answered) continue;
    w->answered = true;
    w->timer->cancel();
    asio::post(io_, std::move(w->done));
  }
}

std::vector<Transaction> Node::TakePayload(const Hash32& parent_id) {
  std::set<Hash32> in_flight;
  for (const auto* n : core_->tree().PathFromRoot(parent_id)) {
    if (n->id == core_->tree().root_id()) continue;
    // An executed block's receipts hold its transactions' ids: no need to hash them again.
    if (auto p = prepared_.find(n->id); p != prepared_.end()) {
      for (const auto& r : p->second->output.receipts) in_flight.insert(r.tx_hash);
    } else {
      for (const Hash32& id : n->block->TxIds()) in_flight.insert(id);
    }
  }
  std::shared_ptr<const ledger::PreparedBlock> parent;
  if (auto it = prepared_.find(parent_id); it != prepared_.end()) parent = it->second;
  const ledger::TreeStateReader state = ledger_->StateBefore(parent);
  return mempool_.Take(state, in_flight, config_.block_transactions_max, kPayloadBytesMax);
}

void Node::AnswerPayload() {
  const consensus::RequestPayload request = *payload_wait_;
  payload_wait_.reset();
  payload_timer_->cancel();
  Post(consensus::PayloadReady{request.round, request.parent, TakePayload(request.parent)});
}

void Node::SetTimer(Round round, std::uint64_t delay_ms) {
  // Timers of rounds the core has left are dropped (it ignores them anyway).
  const Round current = core_->current_round();
  for (auto it = timers_.begin(); it != timers_.end() && it->first.value() + 1 < current.value();) {
    it->second->cancel();
    it = timers_.erase(it);
  }
  auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(delay_ms));
  if (auto old = timers_.find(round); old != timers_.end()) old->second->cancel();
  timers_[round] = timer;
  timer->async_wait([this, round](error_code ec) {
    if (!ec && !stopped_) Handle(consensus::TimerFired{round});
  });
}

void Node::EnterEpoch(const consensus::EnterEpoch& e) {
  verifier_ =
      std::make_unique<consensus::Verifier>(anchor_.chain_id, e.validators, e.root_qc, checker_);
  transport_->SetAdmitted(AdmittedKeys());
  DialValidators(e.validators);
  Log(LogLevel::kInfo, "epoch",
      {{"epoch", e.validators.epoch.ToString()},
       {"validators", std::to_string(e.validators.size())},
       {"validator", core_->self() ? core_->self()->ToString() : std::string("no")}});
  const auto& v = e.validators.validators;
  if (config_.observer && std::find(v.begin(), v.end(), key_.public_key()) != v.end()) {
    Log(LogLevel::kWarn, "observer_in_set",
        {{"epoch", e.validators.epoch.ToString()},
         {"action",
          "this key is in the validator set, and an observer signs nothing: restart "
          "with role = \"validator\" to take the seat"}});
  }
}

// --- Network ----------------------------------------------------------------------------

void Node::DialValidators(const ValidatorSet& set) {
  std::map<PublicKey, std::string> addresses = addresses_;
  auto administrations = contracts::Administrations(ledger_->StateBefore(nullptr));
  if (administrations.ok()) {
    for (const auto& a : *administrations) {
      if (!a.removed) addresses[a.entry.validator_key] = a.entry.address;
    }
  } else {
    Log(LogLevel::kError, "registry_unreadable", {{"reason", administrations.error().ToString()}});
  }
  for (const PublicKey& k : set.validators) {
    auto it = addresses.find(k);
    if (it == addresses.end()) {
      Log(LogLevel::kWarn, "no_address", {{"validator", k.ShortHex()}});
      continue;
    }
    transport_->AddPeer(k, it->second);
  }
}

std::set<PublicKey> Node::AdmittedKeys() const {
  std::set<PublicKey> keys(config_.observers.begin(), config_.observers.end());
  for (const PublicKey& k : verifier_->validators().validators) keys.insert(k);
  // The observers each administration names on the ledger, up to this node's cap each.
  if (config_.observers_per_administration > 0) {
    auto listed = contracts::ObserverKeysByCountry(ledger_->StateBefore(nullptr));
    if (!listed.ok()) {
      Log(LogLevel::kError, "registry_unreadable", {{"reason", listed.error().ToString()}});
    } else {
      for (const auto& [country, observers] : *listed) {
        const std::size_t n = std::min(observers.size(), config_.observers_per_administration);
        keys.insert(observers.begin(), observers.begin() + static_cast<std::ptrdiff_t>(n));
      }
    }
  }
  return keys;
}

std::optional<PublicKey> Node::KeyOf(ValidatorIndex i) const {
  const auto& v = verifier_->validators().validators;
  if (i.value() >= v.size()) return std::nullopt;
  return v[i.value()];
}

void Node::SendTo(const PublicKey& to, net::Message m) {
  transport_->Send(to,
                   net::EncodeEnvelope({net::kProtocolVersion, anchor_.chain_id, std::move(m)}));
}

void Node::SendConsensus(std::optional<ValidatorIndex> to, const consensus::Message& m) {
  if (!byzantine_) {
    if (!to) return Broadcast(ToWire(m));
    if (auto k = KeyOf(*to)) SendTo(*k, ToWire(m));
    return;
  }
  for (const Byzantine::Send& s : byzantine_->Outgoing(to, m, verifier_->validators().size())) {
    if (!s.to) {
      Broadcast(ToWire(s.message));
    } else if (auto k = KeyOf(*s.to); k && *k != key_.public_key()) {
      SendTo(*k, ToWire(s.message));
    }
  }
}

void Node::Broadcast(net::Message m) {
  transport_->Broadcast(
      net::EncodeEnvelope({net::kProtocolVersion, anchor_.chain_id, std::move(m)}));
}

void Node::OnFrame(const PublicKey& from, Bytes frame) {
  if (stopped_) return;
  auto env = net::DecodeEnvelope(frame, anchor_.chain_id);
  if (!env.ok()) return transport_->Disconnect(from, "bad frame: " + env.error().ToString());
  std::visit(
      [&](auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Transaction>) {
          const Hash32 id = m.Hash();
          auto refused = Admit(m, id);
          if (refused && !refused->Is(ApiCode::kDuplicate)) {
            Log(LogLevel::kDebug, "tx_refused",
                {{"tx", id.ShortHex()}, {"peer", from.ShortHex()}, {"reason", refused->code}});
          }
        } else if constexpr (std::is_same_v<T, net::BlockRequest>) {
          ServeBlocks(from, m);
        } else if constexpr (std::is_same_v<T, net::BlockResponse>) {
          OnBlocks(from, m);
        } else if constexpr (std::is_same_v<T, net::CheckpointSignature>) {
          OnCheckpointSignature(from, m);
        } else {
          OnConsensusMessage(from, m);
        }
      },
      env->body);
}

void Node::FetchFromAhead(const PublicKey& from, ValidatorIndex author, Epoch epoch) {
  const auto key = KeyOf(author);
  const std::uint64_t now = NowMs();
  if (epoch != core_->epoch() || !key || *key != from || now < next_ahead_fetch_ms_) return;
  next_ahead_fetch_ms_ = now + 1'000;
  sync_.Fetch(ledger_->Head().height.Next(), from, verifier_->validators().validators, now);
}

void Node::OnConsensusMessage(const PublicKey& from, const net::Message& m) {
  // A message whose signature fails came from a peer that proved its key: it misbehaves
  // (or is broken), and its link is closed. Others (a stale epoch, say) are just dropped.
  auto refuse = [&](const Status& s, const char* what) {
    if (s.code() == StatusCode::kBadSignature || s.code() == StatusCode::kCorruption) {
      transport_->Disconnect(from, std::string(what) + " refused: " + s.ToString());
    } else {
      Log(LogLevel::kDebug, "message_dropped",
          {{"peer", from.ShortHex()}, {"what", what}, {"reason", s.ToString()}});
    }
  };
  // Before any signature is checked: a validator sends only its own messages (nobody
  // relays), and a message already verified once is not verified again.
  auto admit = [&](ValidatorIndex author, const Signature& signature, const char* what) {
    const auto key = KeyOf(author);
    if (!key || *key != from) {
      transport_->Disconnect(from, std::string(what) + " of validator " + author.ToString() +
                                       " sent by another: validators send only their own");
      return false;
    }
    if (verified_.Contains(signature)) {
      metrics_.PeerMessageRepeated();
      return false;
    }
    return true;
  };
  if (const auto* p = std::get_if<Proposal>(&m)) {
    if (!core_->InWindow(p->block.header.epoch, p->block.header.round)) {
      return FetchFromAhead(from, p->block.header.proposer, p->block.header.epoch);
    }
    if (!admit(p->block.header.proposer, p->signature, "proposal")) return;
    if (Status s = verifier_->VerifyProposal(*p); !s.ok()) return refuse(s, "proposal");
    verified_.Insert(p->signature);
    NoteClock(from, p->block.header.timestamp_ms);
    Handle(consensus::ProposalReceived{*p});
  } else if (const auto* v = std::get_if<Vote>(&m)) {
    if (!core_->InWindow(v->data.epoch, v->data.round)) return;
    if (!admit(v->author, v->signature, "vote")) return;
    if (Status s = verifier_->VerifyVote(*v); !s.ok()) return refuse(s, "vote");
    verified_.Insert(v->signature);
    Handle(consensus::VoteReceived{*v});
  } else if (const auto* t = std::get_if<Timeout>(&m)) {
    if (!core_->InWindow(t->data.epoch, t->data.round)) {
      return FetchFromAhead(from, t->author, t->data.epoch);
    }
    if (!admit(t->author, t->signature, "timeout")) return;
    if (Status s = verifier_->VerifyTimeout(*t); !s.ok()) return refuse(s, "timeout");
    if (t->last_round_tc) {
      if (Status s = verifier_->VerifyTc(*t->last_round_tc); !s.ok()) return refuse(s, "timeout");
    }
    verified_.Insert(t->signature);
    Handle(consensus::TimeoutReceived{*t});
  }
}

void Node::ServeBlocks(const PublicKey& to, const net::BlockRequest& req) {
  auto resp = sync_.Serve(LedgerChain(*ledger_), *core_, req);
  if (!resp.ok() && resp.error().code() == StatusCode::kNotFound) {
    // Not held here (below a snapshot): the asker turns to another peer.
    Log(LogLevel::kWarn, "sync_unserved",
        {{"peer", to.ShortHex()},
         {"from", req.from_height.ToString()},
         {"why", resp.error().ToString()}});
    return;
  }
  if (!resp.ok()) return Fatal("serving blocks: " + resp.error().ToString());
  if (config_.testing_serve_forged_blocks) {
    // A lying server (tests only): other transactions under genuine headers and QCs.
    for (auto& cb : resp->blocks) {
      Transaction forged;
      forged.chain_id = anchor_.chain_id;
      forged.sequence = cb.block.header.height.value();
      cb.block.transactions.push_back(forged);
      cb.block.header.transaction_count = static_cast<std::uint32_t>(cb.block.transactions.size());
    }
  }
  SendTo(to, std::move(*resp));
}

void Node::OnBlocks(const PublicKey& from, const net::BlockResponse& resp) {
  const std::size_t used = sync_.OnResponse(from, resp, *this, NowMs());
  metrics_.SyncTarget(resp.highest_height.value());
  // A peer ahead that sends nothing holds no blocks where this node needs them: it started
  // from a snapshot above. If every peer did, only a snapshot join ([sync] snapshot_from)
  // brings this node back; say so (every 30 s at most) rather than wait in silence.
  const Height head = ledger_->Head().height;
  if (resp.blocks.empty() && resp.highest_height > head && NowMs() >= next_unservable_log_ms_) {
    next_unservable_log_ms_ = NowMs() + 30'000;
    Log(LogLevel::kWarn, "sync_unavailable",
        {{"peer", from.ShortHex()},
         {"peer_height", resp.highest_height.ToString()},
         {"height", head.ToString()},
         {"hint",
          "the peer holds no block at the next height (it started from a snapshot above "
          "it); if no peer does, join from a snapshot: [sync] snapshot_from"}});
  }
  if (used > 0) {
    metrics_.SyncedBlocks(used);
    Log(LogLevel::kInfo, "sync",
        {{"peer", from.ShortHex()},
         {"blocks", std::to_string(used)},
         {"peer_height", resp.highest_height.ToString()},
         {"height", ledger_->Head().height.ToString()}});
  }
}

void Node::Deliver(std::vector<CertifiedBlock> blocks) {
  Handle(consensus::BlocksFetched{std::move(blocks)});
}

void Node::Request(const PublicKey& peer, const net::BlockRequest& request) {
  SendTo(peer, request);
}

void Node::Drop(const PublicKey& peer, const std::string& why) {
  transport_->Disconnect(peer, why);
}

void Node::SignCheckpoint(Epoch epoch, const ExecutionResult& result) {
  // The validators of the block's epoch; a block committed past an epoch this node has not
  // entered yet (catching up) is not signed.
  const ValidatorSet& validators = verifier_->validators();
  if (validators.epoch != epoch) return;
  if (auto sig = checkpoints_->OnCommitted(validators, result.log_size, result.log_root)) {
    Broadcast(*sig);
  }
  OfferCheckpoint();
}

void Node::OfferCheckpoint() {
  const auto& latest = checkpoints_->latest();
  if (!latest || offered_size_ == latest->checkpoint.size) return;
  offered_size_ = latest->checkpoint.size;
  if (witness_feed_) {
    witness_feed_->Offer(latest->note, tlog::FormatCheckpointText(latest->checkpoint),
                         latest->checkpoint.size);
  }
  if (tile_writer_) tile_writer_->Offer(latest->note, latest->checkpoint.size);
}

std::string Node::CheckpointNote() const {
  const auto& latest = checkpoints_->latest();
  if (!latest) return "";
  if (!witness_feed_) return latest->note;
  return latest->note + witness_feed_->Lines(tlog::FormatCheckpointText(latest->checkpoint));
}

void Node::OnCheckpointSignature(const PublicKey& from, const net::CheckpointSignature& sig) {
  auto r = checkpoints_->OnSignature(from, sig);
  if (r.status.code() == StatusCode::kBadSignature) {
    return transport_->Disconnect(from, "checkpoint refused: " + r.status.ToString());
  }
  if (!r.status.ok()) {
    Log(LogLevel::kDebug, "message_dropped",
        {{"peer", from.ShortHex()}, {"what", "checkpoint"}, {"reason", r.status.ToString()}});
  }
  if (r.reply) SendTo(from, *r.reply);
  OfferCheckpoint();
}

void Node::ResendCheckpoint() {
  if (stopped_) return;
  if (auto sig = checkpoints_->Resend()) Broadcast(*sig);
  checkpoint_timer_ =
      std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(kCheckpointResendMs));
  checkpoint_timer_->async_wait([this](error_code ec) {
    if (!ec) ResendCheckpoint();
  });
}

void Node::Announce(const ledger::PreparedBlock& p) {
  for (const auto& r : p.output.receipts) {
    if (r.code != 0) {
      metrics_.Rejected(std::string(contracts::ReasonCode(static_cast<contracts::Reason>(r.code))));
    }
  }
  if (p.output.records.empty()) return;
  const auto state = ledger_->StateBefore(nullptr);  // After this block: it is the head.
  std::vector<CommittedRecord> events;
  std::uint64_t index = p.result.log_size - p.output.records.size();
  SignerCountries countries;
  for (const ledger::LogRecord& rec : p.output.records) {
    CommittedRecord e = MakeEvent(state, *p.block, rec, index++, countries);
    metrics_.Record(e.type, e.signer_country);
    events.push_back(std::move(e));
  }
  events_.Publish(events);
}

std::optional<std::int64_t> Node::MedianClockOffset() const {
  if (clock_offsets_.empty()) return std::nullopt;
  std::vector<std::int64_t> v;
  for (const auto& [peer, offset] : clock_offsets_) v.push_back(offset);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

void Node::NoteClock(const PublicKey& peer, std::uint64_t timestamp_ms) {
  if (peer == key_.public_key()) return;
  const std::uint64_t now = NowMs();
  clock_offsets_[peer] = static_cast<std::int64_t>(timestamp_ms) - static_cast<std::int64_t>(now);
  const std::int64_t median = *MedianClockOffset();
  const auto bound = static_cast<std::int64_t>(config_.clock_warn_offset_ms);
  if ((median > bound || median < -bound) && now - last_clock_warning_ms_ > 60'000) {
    last_clock_warning_ms_ = now;
    Log(LogLevel::kWarn, "clock_offset",
        {{"offset_ms", std::to_string(median)},
         {"bound_ms", std::to_string(bound)},
         {"advice",
          "this node's clock disagrees with its peers; anchor times depend on it: "
          "check NTP"}});
  }
}

// --- For clients ------------------------------------------------------------------------

SubmitOutcome Node::Submit(const Transaction& tx) {
  SubmitOutcome out{tx.Hash(), std::nullopt};
  if (stopped_) {
    out.refused = Refused::Of(ApiCode::kUnavailable, "the node is stopping");
    return out;
  }
  out.refused = Admit(tx, out.id);
  if (out.refused) {
    metrics_.Refused(out.refused->code);
    return out;
  }
  Log(LogLevel::kDebug, "tx_admitted", {{"tx", out.id.ShortHex()}});
  Broadcast(tx);
  return out;
}

std::optional<Refused> Node::Admit(const Transaction& tx, const Hash32& id) {
  auto refused = mempool_.Admit(tx, id, ledger_->StateBefore(nullptr), NowMs(),
                                contracts::ReplayGuard(*ledger_));
  // A leader waiting for something to propose proposes now; a round on idle grace (its
  // leader may be down) times out as usual from now on.
  if (!refused && payload_wait_) AnswerPayload();
  if (!refused && core_->idle_grace()) Post(consensus::TransactionsWaiting{});
  return refused;
}

Status Node::OpenTimestamping() {
  tsa::AuthorityConfig tc{
      config_.timestamp_key_file, config_.timestamp_certificate_file, config_.timestamp_chain_file,
      config_.timestamp_policy.empty() ? tsa::kTestnetPolicyOid : config_.timestamp_policy,
      config_.timestamp_accuracy_ms};
  // A sealed TSA key opens with the node's passphrase.
  TAMGA_ASSIGN_OR_RETURN(std::string pem, ReadFileToString(tc.key_file, 1 << 20));
  std::optional<std::string> passphrase;
  if (pem.find("ENCRYPTED") != std::string::npos) {
    TAMGA_ASSIGN_OR_RETURN(
        passphrase, client::ReadPassphrase(client::PassphraseSource{config_.passphrase_file}));
  }
  auto authority = tsa::Authority::Load(tc, passphrase);
  if (!authority.ok()) {
    return Status(authority.error().code(), "[timestamp]: " + authority.error().message());
  }
  tsa_ = std::move(*authority);
  TAMGA_ASSIGN_OR_RETURN(SecretKey signer, client::OpenKeyFile(config_.timestamp_signer_key_file,
                                                               config_.passphrase_file));
  Timestamper::Hooks hooks;
  hooks.submit = [this](const Transaction& tx) { return Submit(tx).refused; };
  hooks.next_sequence = [this](const PublicKey& key) -> std::uint64_t {
    auto record = contracts::rules::Read<contracts::SignerRecord>(
        ledger_->StateBefore(nullptr), contracts::SignerKey(key), "signer");
    const std::uint64_t last = record.ok() && *record ? (*record)->last_sequence : 0;
    return NextSequence(key, last);
  };
  hooks.registered = [this] { return TimestampRegistered(); };
  timestamper_ = std::make_unique<Timestamper>(io_, anchor_.chain_id, std::move(signer), *tsa_,
                                               std::move(hooks));
  return Status::Ok();
}

Status Node::Timestamp(tsa::Request request, Timestamper::Done done) {
  if (!timestamper_) return Status::NotFound("this node runs no time-stamping authority");
  TAMGA_RETURN_IF_ERROR(tsa_->CheckValidNow());
  TAMGA_RETURN_IF_ERROR(TimestampRegistered());
  return timestamper_->Add(std::move(request), std::move(done));
}

Status Node::TimestampRegistered() const {
  return contracts::TimestampAuthorityCountry(ledger_->StateBefore(nullptr), timestamper_->signer(),
                                              tsa_->certificate_hash())
      .status();
}

NodeStatus Node::GetStatus() const {
  NodeStatus s;
  s.chain_id = anchor_.chain_id;
  s.key = key_.public_key();
  s.self = core_->self();
  s.observer = config_.observer;
  s.head = ledger_->Head();
  s.round = core_->current_round();
  s.epoch = core_->epoch();
  s.mempool = mempool_.size();
  s.peers = transport_->Peers();
  s.clock_offset_ms = MedianClockOffset();
  s.committed_transactions = committed_transactions_;
  s.last_commit_unix_ms = last_commit_ms_;
  return s;
}

void Node::WaitForHeight(Height height, std::uint64_t timeout_ms, std::function<void()> done) {
  if (ledger_->Head().height >= height || stopped_) {
    asio::post(io_, std::move(done));
    return;
  }
  auto w = std::make_shared<HeightWaiter>();
  w->timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(timeout_ms));
  w->done = std::move(done);
  height_waiters_.emplace(height.value(), w);
  // The timer's completion may already be queued when a commit answers the waiter (cancel
  // is then too late): `answered` makes whichever comes second a no-op.
  w->timer->async_wait([this, w, key = height.value()](error_code ec) {
    if (ec || w->answered) return;
    w->answered = true;
    auto [first, last] = height_waiters_.equal_range(key);
    for (auto it = first; it != last; ++it) {
      if (it->second == w) {
        height_waiters_.erase(it);
        break;
      }
    }
    w->done();
  });
}

}  // namespace tamga::node
