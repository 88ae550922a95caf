#include "tests/sim/simulator.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <sstream>
#include <tuple>

#include "common/merkle.h"
#include "common/sha256.h"
#include "consensus/core.h"
#include "consensus/verify.h"
#include "node/block_sync.h"
#include "node/consensus_store.h"
#include "tests/sim/fast_crypto.h"
#include "tests/sim/mutants.h"
#include "tests/sim/sim_storage.h"

namespace tamga::sim {
namespace {

using consensus::BlocksFetched;
using consensus::Core;
using consensus::CoreConfig;
using consensus::Effect;
using consensus::Event;
using consensus::SafetyData;
using consensus::Verifier;

constexpr std::uint64_t kStartMs = 1'800'000'000'000;  // Simulated Unix time at t = 0.
constexpr std::uint64_t kRoundWindow = 100;
constexpr std::uint64_t kDriftMs = 30'000;
// Clocks: each drifts by up to this many parts per million, and up to f jump by 5-30 s
// during the faults (set right again at the heal, as NTP would).
constexpr std::int64_t kDriftPpmMax = 200;
constexpr std::uint64_t kJumpMsMin = 5'000, kJumpMsMax = 30'000;
// The transaction type the simulated executor reads as a change of the validator set (its
// payload is the new set); the real one comes with the governance contracts.
constexpr std::uint16_t kReconfigureTxType = 0xFFFF;

// Where a node's simulated disk keeps the height of its committed chain, written with
// each commit (unsynced, as the ledger's commit).
constexpr std::string_view kSimHeadKey = "sim/head";
Bytes U64BeBytes(std::uint64_t v) {
  Bytes out(8);
  for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
  return out;
}
std::uint64_t ReadU64Be(const Bytes& b) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < b.size(); ++i) v = v << 8 | b[i];
  return v;
}

// Deterministic on every platform: no std distributions, whose output the standard leaves
// to the library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  std::uint64_t Next() {  // splitmix64
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t Below(std::uint64_t n) { return n == 0 ? 0 : Next() % n; }
  std::uint64_t Between(std::uint64_t lo, std::uint64_t hi) { return lo + Below(hi - lo + 1); }
  bool PerMillion(std::uint64_t ppm) { return Below(1'000'000) < ppm; }

 private:
  std::uint64_t state_;
};

struct FetchRequest {
  net::BlockRequest request;
  int reply_to;  // Node id.
};
struct FetchResponse {
  net::BlockResponse response;
};
using NetMsg = std::variant<Proposal, Vote, Timeout, FetchRequest, FetchResponse>;

struct LedgerEntry {
  CertifiedBlock certified;
  std::vector<CertifiedBlock> epoch_proof;      // For the block that ended an epoch,
  std::optional<ValidatorSet> next_validators;  // with the set it began.
};

class Simulation;

// tamgad's BlockSync, with the simulated network and node as its surroundings. Made anew
// at each start of a node (like the daemon's, it keeps nothing across a crash).
class SimSync final : public node::SyncNetwork, public node::SyncTarget {
 public:
  SimSync(Simulation& sim, int id, std::uint32_t incarnation)
      : sim_(sim), id_(id), incarnation_(incarnation), sync(*this) {}
  void Request(const PublicKey& peer, const net::BlockRequest& request) override;
  void Drop(const PublicKey& peer, const std::string& why) override;
  Epoch epoch() const override;
  Height committed() const override;
  const consensus::Verifier& verifier() const override;
  void Deliver(std::vector<CertifiedBlock> blocks) override;
  bool stopped() const override;

 private:
  Simulation& sim_;
  const int id_;
  const std::uint32_t incarnation_;

 public:
  node::BlockSync sync;
};

// A node's committed chain as BlockSync serves it.
class SimChain final : public node::CommittedChain {
 public:
  explicit SimChain(const std::vector<LedgerEntry>& ledger) : ledger_(ledger) {}
  Height head() const override { return Height(ledger_.size()); }
  Result<CertifiedBlock> CommittedAt(Height h) const override {
    return ledger_.at(h.value() - 1).certified;
  }
  Result<std::vector<CertifiedBlock>> EpochProofAt(Height h) const override {
    return ledger_.at(h.value() - 1).epoch_proof;
  }

 private:
  const std::vector<LedgerEntry>& ledger_;
};

struct Node {
  int id = 0;
  ValidatorIndex index;  // In the genesis set (or past its end, for a joining validator).
  PublicKey key;
  ValidatorSet set;  // Of the epoch it is in; rebuilt from the ledger on restart.
  bool honest = true;
  int twin_side = -1;  // 0 or 1 for twins.
  std::unique_ptr<consensus::Signer> signer;
  std::unique_ptr<Core> core;
  std::vector<LedgerEntry> ledger;  // Committed blocks; ledger[i] is height i + 1.
  // Its disks, and tamgad's own ConsensusStore over them (rebuilt at each start).
  std::unique_ptr<SimKvStore> kv;
  std::unique_ptr<SimSafetyStore> safety_disk;
  std::unique_ptr<node::ConsensusStore> store;
  // Counts down the writes of the current event to the one a crash cuts (0: none armed).
  int crash_at_write = 0;
  std::int64_t clock_drift_ppm = 0;
  std::int64_t clock_jump_ms = 0;
  std::map<Hash32, ExecutionResult> results;  // Volatile execution cache.
  bool up = true;
  std::uint32_t incarnation = 0;
  std::int64_t clock_offset_ms = 0;
  std::uint64_t height_at_heal = 0;
  std::optional<std::uint64_t> live_at_ms;  // When it committed 3 blocks after the heal.
  std::uint64_t tx_counter = 0;
  std::uint64_t next_epoch_fetch_ms = 0;  // Rate limit of catch-up across an epoch change.
  std::unique_ptr<SimSync> sync;          // tamgad's BlockSync, wired to the simulation.
  // An equivocator's last two-block rounds: (the block even ids got, the one odd ids got).
  std::deque<std::pair<Proposal, Proposal>> equivocations;
};

struct Partition {
  std::uint64_t start_ms;
  std::uint64_t end_ms;
  std::vector<int> side;  // Per node id.
  bool one_way;           // Only side 0 -> side 1 is cut.
};

ExecutionResult Execute(const ExecutionResult& parent, const Block& b, const Hash32& id) {
  ExecutionResult r;
  r.state_root = Sha256Of(parent.state_root.view(), id.view());
  r.log_root = Sha256Of(parent.log_root.view(), b.header.payload_root.view());
  r.log_size = parent.log_size + b.transactions.size();
  return r;
}

class Simulation {
 public:
  explicit Simulation(const SimOptions& o)
      : opt_(o),
        rng_(o.seed),
        fault_rng_(o.seed ^ 0xD15CFA17'5EEDull),
        trace_(std::getenv("TAMGA_SIM_TRACE") != nullptr) {
    report_.options = o;
  }

  SimReport Run() {
    Setup();
    for (auto& n : nodes_) StartNode(n);
    while (!queue_.empty()) {
      Scheduled ev = queue_.top();
      queue_.pop();
      if (ev.at > kStartMs + opt_.duration_ms) break;
      now_ = ev.at;
      ++report_.events;
      ev.fn();
      if (report_.violations.size() > 20) break;  // Enough to diagnose.
    }
    Finish();
    return std::move(report_);
  }

 private:
  friend class SimSync;

  struct Scheduled {
    std::uint64_t at;
    std::uint64_t seq;
    std::function<void()> fn;
    bool operator<(const Scheduled& o) const {  // Min-heap on (at, seq).
      return at != o.at ? at > o.at : seq > o.seq;
    }
  };

  void At(std::uint64_t at, std::function<void()> fn) {
    queue_.push(Scheduled{at, seq_++, std::move(fn)});
  }

  void Violate(const std::string& oracle, const std::string& detail) {
    report_.violations.push_back({oracle, detail, now_ - kStartMs});
  }

  // --- Set-up -----------------------------------------------------------------------------

  void Setup() {
    const std::uint32_t n = opt_.validators;
    chain_ = Sha256Of(AsBytes("tamga-sim chain " + std::to_string(opt_.seed)));
    set_.epoch = Epoch(0);
    std::vector<SecretKey> keys;
    std::vector<PublicKey> all_keys;  // Genesis validators, then the one that joins.
    for (std::uint32_t i = 0; i < n + 1; ++i) {
      if (opt_.real_crypto) {
        std::array<std::uint8_t, 32> seed{};
        seed.fill(static_cast<std::uint8_t>(i + 1));
        keys.push_back(SecretKey::FromSeed(seed));
        all_keys.push_back(keys.back().public_key());
      } else {
        all_keys.push_back(
            PublicKey::FromView(Sha256Of(AsBytes("sim key " + std::to_string(i))).view()));
      }
    }
    set_.validators.assign(all_keys.begin(), all_keys.begin() + n);
    sets_[Epoch(0)] = set_;
    genesis_.header.chain_id = chain_;
    genesis_.header.timestamp_ms = kStartMs - 1000;
    genesis_.header.payload_root = MerkleRoot({});
    genesis_qc_.data = VoteData{chain_, Epoch(0), Round(0), Height(0), genesis_.header.Id(), {}};
    if (opt_.real_crypto) {
      checker_ = std::make_unique<consensus::Ed25519Checker>();
    } else {
      checker_ = std::make_unique<FastChecker>();
    }
    AddVerifier(set_, genesis_qc_);

    // Byzantine validators are the highest indexes; twins add a second node per index.
    // Node `i` of the genesis set (or, at i == n, the validator that joins later).
    auto add_node = [&](std::uint32_t i, bool honest, int twin_side) {
      Node node;
      node.id = static_cast<int>(nodes_.size());
      node.index = ValidatorIndex(i);
      node.honest = honest;
      node.twin_side = twin_side;
      node.key = all_keys[i];
      node.set = set_;
      const int id = node.id;
      node.kv = std::make_unique<SimKvStore>([this, id] { return CrashesNow(id); });
      node.safety_disk =
          std::make_unique<SimSafetyStore>([this, id] { return CrashesNow(id); },
                                           [this](std::uint64_t k) { return fault_rng_.Below(k); });
      if (opt_.real_crypto) {
        node.signer = std::make_unique<consensus::Ed25519Signer>(keys[i]);
      } else {
        node.signer = std::make_unique<FastSigner>(all_keys[i]);
      }
      nodes_.push_back(std::move(node));
    };
    const std::uint32_t byz = std::min(opt_.byzantine, n);
    for (std::uint32_t i = 0; i < n; ++i) {
      const bool byzantine = i >= n - byz;
      const int copies = byzantine && opt_.behaviour == Behaviour::kTwins ? 2 : 1;
      for (int c = 0; c < copies; ++c) add_node(i, !byzantine, copies == 2 ? c : -1);
    }
    if (opt_.reconfigure) {
      // A validator that joins: it runs from the start, following the chain without a
      // vote, and becomes a member when the change commits. Validator 0 leaves then.
      add_node(n, /*honest=*/true, /*twin_side=*/-1);
      next_set_.epoch = Epoch(1);
      next_set_.validators.assign(all_keys.begin() + 1, all_keys.end());
    }
    DeriveFaults();
  }

  void DeriveFaults() {
    std::ostringstream d;
    // Faults in the first third; the remaining two thirds show liveness after the heal.
    // That is long enough for the worst backoff here: f Byzantine leaders in a row, each
    // round at the 8 s timeout cap, after a fault phase that drove the backoff up.
    heal_ms_ = kStartMs + (opt_.faults ? opt_.duration_ms / 3 : 0);
    const bool wan_draw = rng_.Below(3) == 0;  // Drawn always, so seeds replay alike.
    reconfigure_at_ = kStartMs + opt_.duration_ms / 6 + rng_.Below(opt_.duration_ms / 6);
    const bool wan = opt_.network == Network::kPerSeed ? wan_draw : opt_.network == Network::kWan;
    delay_min_ = wan ? 50 : 1;
    delay_max_ = wan ? 150 : 10;
    d << (wan ? "WAN 50-150 ms" : "LAN 1-10 ms");
    for (auto& n : nodes_) {
      n.clock_offset_ms = static_cast<std::int64_t>(rng_.Below(2001)) - 1000;
      n.clock_drift_ppm =
          static_cast<std::int64_t>(fault_rng_.Below(2 * kDriftPpmMax + 1)) - kDriftPpmMax;
    }
    // Twins: in half the seeds each twin talks only to its own half of the honest nodes,
    // for the whole run (this is the Byzantine strategy, not a network fault).
    if (opt_.behaviour == Behaviour::kTwins && opt_.byzantine > 0) {
      twins_split_ = rng_.Below(2) == 0;
      honest_side_.assign(nodes_.size(), 0);
      for (auto& s : honest_side_) s = static_cast<int>(rng_.Below(2));
      if (twins_split_) d << ", twins split";
    }
    if (!opt_.faults) {
      derived_ = d.str() + ", no faults";
      healed_ = true;  // Liveness is measured from the start.
      return;
    }
    loss_ppm_ = rng_.Below(4) == 0 ? 0 : rng_.Between(0, 300'000);
    dup_ppm_ = rng_.Between(0, 50'000);
    straggler_ppm_ = rng_.Between(0, 50'000);
    d << ", loss " << loss_ppm_ / 10'000 << "%, dup " << dup_ppm_ / 10'000 << "%";
    const std::uint64_t fault_end = heal_ms_;
    const int partitions = static_cast<int>(rng_.Below(4));
    for (int i = 0; i < partitions; ++i) {
      Partition p;
      p.start_ms = kStartMs + rng_.Below(opt_.duration_ms / 3);
      p.end_ms = std::min(fault_end, p.start_ms + rng_.Between(2'000, 15'000));
      const int kind = static_cast<int>(rng_.Below(3));
      p.one_way = kind == 2;
      p.side.assign(nodes_.size(), 0);
      if (kind == 1) {  // Isolate one validator (often a leader, since all lead in turn).
        p.side[rng_.Below(nodes_.size())] = 1;
      } else {
        for (auto& s : p.side) s = static_cast<int>(rng_.Below(2));
      }
      partitions_.push_back(p);
    }
    if (twins_split_) {
      // The Twins scenario proper: for a while the honest halves cannot reach each other
      // either, so each half with its twin looks like a whole network.
      Partition p;
      p.start_ms = kStartMs + rng_.Below(opt_.duration_ms / 6);
      p.end_ms = std::min(fault_end, p.start_ms + rng_.Between(5'000, 20'000));
      p.one_way = false;
      p.side.assign(nodes_.size(), 0);
      for (const auto& n : nodes_) {
        p.side[static_cast<std::size_t>(n.id)] =
            n.twin_side >= 0 ? n.twin_side : honest_side_[static_cast<std::size_t>(n.id)];
      }
      partitions_.push_back(p);
    }
    d << ", " << partitions << " partitions";
    const int crashes = static_cast<int>(rng_.Below(4));
    for (int i = 0; i < crashes; ++i) {
      const int id = static_cast<int>(rng_.Below(nodes_.size()));
      const std::uint64_t at = kStartMs + rng_.Below(opt_.duration_ms / 3);
      const std::uint64_t back = std::min(fault_end, at + rng_.Between(500, 10'000));
      At(at, [this, id] { Crash(nodes_[id]); });
      At(back, [this, id] { Restart(nodes_[id]); });
    }
    d << ", " << crashes << " crashes";
    crash_mid_event_ppm_ = rng_.Between(0, 3'000);
    // Disks: a crash during a write (the flush of an event's persist effects cut there),
    // and unsynced writes lost at every crash (SimKvStore::Crash).
    crash_write_ppm_ = fault_rng_.Between(0, 3'000);
    // Clock jumps on up to f nodes, undone at the heal.
    const std::uint64_t f = (opt_.validators - 1) / 3;
    const std::uint64_t jumps = fault_rng_.Below(f + 1);
    for (std::uint64_t i = 0; i < jumps; ++i) {
      const int id = static_cast<int>(fault_rng_.Below(nodes_.size()));
      const std::uint64_t magnitude = fault_rng_.Between(kJumpMsMin, kJumpMsMax);
      const std::int64_t step = fault_rng_.Below(2) == 0 ? static_cast<std::int64_t>(magnitude)
                                                         : -static_cast<std::int64_t>(magnitude);
      At(kStartMs + fault_rng_.Below(opt_.duration_ms / 3), [this, id, step] {
        nodes_[static_cast<std::size_t>(id)].clock_jump_ms = step;
        ++report_.clock_jumps;
      });
    }
    d << ", " << jumps << " clock jumps, disk crash " << crash_write_ppm_ << " ppm";
    At(heal_ms_, [this] { Heal(); });
    derived_ = d.str();
  }

  // --- Nodes ------------------------------------------------------------------------------

  CoreConfig ConfigFor(const Node& n) const {
    CoreConfig c;
    c.chain = chain_;
    c.validators = n.set;
    c.round_timeout_ms_base = opt_.round_timeout_ms_base;
    c.round_timeout_ms_max = opt_.round_timeout_ms_max;
    c.round_window = kRoundWindow;
    c.clock_drift_ms_max = kDriftMs;
    c.idle_wait_ms = opt_.idle_wait_ms;
    c.rules = &RulesFor(opt_.mutant);
    return c;
  }

  std::uint64_t LocalNow(const Node& n) const {
    const auto elapsed = static_cast<std::int64_t>(now_ - kStartMs);
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(now_) + n.clock_offset_ms +
                                      elapsed * n.clock_drift_ppm / 1'000'000 + n.clock_jump_ms);
  }

  // Whether the write a node is making now is the one a crash cuts.
  bool CrashesNow(int id) {
    Node& n = nodes_[static_cast<std::size_t>(id)];
    if (n.crash_at_write == 0) return false;
    return --n.crash_at_write == 0;
  }

  // The safety data on the node's disk (what a restart would read).
  SafetyData DurableSafety(const Node& n) const {
    auto saved = n.safety_disk->Load();
    if (!saved.ok() || !saved->has_value()) return SafetyData();
    auto decoded = Decode<SafetyData>(**saved, "safety data");
    return decoded.ok() ? *decoded : SafetyData();
  }

  void StartNode(Node& n) {
    Block root = genesis_;
    QuorumCertificate root_qc = genesis_qc_;
    // The epoch comes from the committed chain alone, as the daemon's will.
    n.set = set_;
    for (const LedgerEntry& e : n.ledger) {
      if (e.next_validators) {
        n.set = *e.next_validators;
        AddVerifier(n.set, e.certified.qc);
      }
    }
    if (!n.ledger.empty()) {
      root = n.ledger.back().certified.block;
      root_qc = n.ledger.back().certified.qc;
    }
    n.results.clear();
    n.results[root.header.Id()] = root_qc.data.result;
    n.crash_at_write = 0;
    n.store = std::make_unique<node::ConsensusStore>(*n.kv, *n.safety_disk);
    auto recovered = n.store->Recover(Height(n.ledger.size()));
    if (!recovered.ok()) {
      // tamgad would refuse to start: a violation to report (under a mutant that lets a
      // malformed certificate into a saved block, say), not a reason to stop the run.
      Violate("O2 durability",
              "node " + std::to_string(n.id) +
                  " cannot read back what it saved: " + recovered.error().ToString());
      n.up = false;
      return;
    }
    if (recovered->safety_lost) {
      Violate("O3 persist-before-send",
              "node " + std::to_string(n.id) + " found its safety data lost at restart");
    }
    n.sync = std::make_unique<SimSync>(*this, n.id, n.incarnation);
    n.core = std::make_unique<Core>(ConfigFor(n), *n.signer, recovered->safety, root, root_qc,
                                    std::move(recovered->core));
    Apply(n, n.core->Start(LocalNow(n)));
  }

  void Crash(Node& n) {
    if (!n.up) return;
    n.up = false;
    ++n.incarnation;
    n.core.reset();
    // The store and sync objects are replaced at the next start, not here: a crash can come
    // while they are on the stack (a block sync hands a block in, the core's effects crash).
    n.crash_at_write = 0;
    n.kv->Crash([this](std::uint64_t k) { return fault_rng_.Below(k); });
    // Commits are written unsynced, as tamgad writes them: the crash keeps those its disk
    // kept (a prefix), and the node commits the rest again after its restart.
    std::size_t kept = 0;
    if (auto head = n.kv->Get(ledger::Column::kMeta, AsBytes(kSimHeadKey)); head.ok() && *head) {
      kept = static_cast<std::size_t>(ReadU64Be(**head));
    }
    if (kept < n.ledger.size()) {
      report_.lost_commits += n.ledger.size() - kept;
      n.ledger.resize(kept);
      n.height_at_heal = std::min<std::uint64_t>(n.height_at_heal, kept);
    }
  }

  // A crash in the middle of an event; the node comes back a little later (before the heal).
  void CrashMidEvent(Node& n) {
    const int id = n.id;
    Crash(n);
    At(now_ + rng_.Between(500, 5'000), [this, id] {
      if (!healed_) Restart(nodes_[id]);
    });
  }

  // Writes the staged persist effects; false if a crash cut the flush.
  bool Flush(Node& n) {
    if (Status s = n.store->Flush(); !s.ok()) {
      ++report_.torn_writes;
      CrashMidEvent(n);
      return false;
    }
    return true;
  }

  void Restart(Node& n) {
    if (n.up) return;
    n.up = true;
    ++n.incarnation;
    StartNode(n);
    if (n.up) OfferOtherBlocks(n);
  }

  // An equivocator offers a validator that has just come back the blocks it did not get in
  // its recent two-block rounds. An honest validator refuses them (it voted in those
  // rounds, and its disk says so); one whose vote never reached its disk would sign again.
  void OfferOtherBlocks(Node& to) {
    if (opt_.behaviour != Behaviour::kEquivocator || !to.up) return;
    for (const Node& b : nodes_) {
      if (b.honest || !b.up || b.id == to.id) continue;
      for (const auto& [even, odd] : b.equivocations) {
        Transmit(b, to, to.id % 2 == 0 ? NetMsg(odd) : NetMsg(even));
      }
    }
  }

  void Heal() {
    // Healed first: a node restarted here must not crash again mid-event (faults are over).
    healed_ = true;
    loss_ppm_ = 0;
    dup_ppm_ = 0;
    for (auto& n : nodes_) n.clock_jump_ms = 0;  // NTP has set the clocks right.
    for (auto& n : nodes_) Restart(n);
    for (auto& n : nodes_) {
      n.height_at_heal = n.ledger.size();
      if (n.core) round_at_heal_ = std::max(round_at_heal_, n.core->current_round().value());
    }
  }

  void Handle(Node& n, const Event& e) {
    if (!n.up) return;
    auto effects = n.core->Handle(LocalNow(n), e);
    if (trace_) Trace(n, e, effects);
    CheckFootprint(*n.core);
    Apply(n, std::move(effects));
  }

  void Apply(Node& n, std::vector<Effect> effects) {
    const std::uint32_t incarnation = n.incarnation;
    // A crash between two effects of one event: what was persisted stays, what was not
    // sent is lost.
    std::size_t crash_after = effects.size();
    if (!healed_ && opt_.faults && !effects.empty() && rng_.PerMillion(crash_mid_event_ppm_)) {
      crash_after = rng_.Below(effects.size());
    }
    // A crash during one of the event's writes: the first, or the second (a flush cut
    // between the certificates' batch and the safety data).
    if (!healed_ && opt_.faults && fault_rng_.PerMillion(crash_write_ppm_)) {
      n.crash_at_write = static_cast<int>(fault_rng_.Between(1, 2));
    }
    if (opt_.mutant == Mutant::kSkipPersistVotedRound) ForgetVotedRound(n, effects);
    for (std::size_t i = 0; i < effects.size(); ++i) {
      if (i == crash_after) return CrashMidEvent(n);
      if (!n.up || n.incarnation != incarnation) return;
      // tamgad's order: persist effects are staged, and written (synced) before the next
      // effect that is not one.
      if (n.store->Stage(effects[i])) continue;
      if (!Flush(n)) return;
      ApplyOne(n, std::move(effects[i]));
    }
    if (n.up && n.incarnation == incarnation && Flush(n)) n.crash_at_write = 0;
  }

  // The skip-persist mutant: the safety data written with a vote keeps the voted round
  // (and stored vote) that were on the disk before, as a store that dropped that field would.
  void ForgetVotedRound(const Node& n, std::vector<Effect>& effects) const {
    std::optional<Round> voted;
    for (const Effect& e : effects) {
      const consensus::Message* m = nullptr;
      if (const auto* s = std::get_if<consensus::SendTo>(&e)) m = &s->message;
      if (const auto* b = std::get_if<consensus::Broadcast>(&e)) m = &b->message;
      if (m == nullptr) continue;
      if (const auto* v = std::get_if<Vote>(m)) voted = v->data.round;
    }
    if (!voted) return;
    const SafetyData before = DurableSafety(n);
    for (Effect& e : effects) {
      auto* p = std::get_if<consensus::PersistSafetyData>(&e);
      if (p == nullptr || p->data.last_voted_round != *voted) continue;
      if (before.epoch == p->data.epoch) {
        p->data.last_voted_round = before.last_voted_round;
        p->data.last_vote = before.last_vote;
      } else {
        p->data.last_voted_round = Round(0);
        p->data.last_vote.reset();
      }
    }
  }

  void ApplyOne(Node& n, Effect effect) {
    std::visit(
        [&](auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, consensus::SendTo>) {
            SendConsensus(n, e.message, std::optional<ValidatorIndex>(e.to));
          } else if constexpr (std::is_same_v<T, consensus::Broadcast>) {
            SendConsensus(n, e.message, std::nullopt);
          } else if constexpr (std::is_same_v<T, consensus::SetTimer>) {
            const int id = n.id;
            const std::uint32_t inc = n.incarnation;
            const Round round = e.round;
            At(now_ + e.delay_ms, [this, id, inc, round] {
              Node& node = nodes_[id];
              if (node.up && node.incarnation == inc) {
                Handle(node, consensus::TimerFired{round});
                if (!node.honest) ByzantineTick(node);
              }
            });
          } else if constexpr (std::is_same_v<T, consensus::ExecuteBlock>) {
            const Block& block = *e.block;
            const Hash32 id = block.header.Id();
            auto parent = n.results.find(block.header.parent_id);
            TAMGA_CHECK_MSG(parent != n.results.end(), "core executed a block before its parent");
            const ExecutionResult r = Execute(parent->second, block, id);
            n.results[id] = r;
            std::optional<ValidatorSet> next;
            for (const auto& tx : block.transactions) {
              if (tx.type != kReconfigureTxType) continue;
              auto set = Decode<ValidatorSet>(tx.payload, "validator set");
              if (set.ok() && set->epoch == block.header.epoch.Next()) next = *set;
            }
            Local(n, consensus::BlockExecuted{id, r, std::move(next)});
          } else if constexpr (std::is_same_v<T, consensus::CommitBlock>) {
            OnCommit(n, e);
          } else if constexpr (std::is_same_v<T, consensus::RequestPayload>) {
            std::vector<Transaction> txs;
            if (opt_.reconfigure && now_ >= reconfigure_at_ && n.core->epoch() == Epoch(0)) {
              // The governance change: validator 0 leaves, the new one joins.
              Transaction tx;
              tx.chain_id = chain_;
              tx.type = kReconfigureTxType;
              tx.payload = Encode(next_set_);
              txs.push_back(std::move(tx));
            }
            const std::uint64_t count = rng_.Below(3);
            for (std::uint64_t i = 0; i < count; ++i) {
              Transaction tx;
              tx.chain_id = chain_;
              tx.type = 1;
              tx.sequence = ++n.tx_counter;
              tx.signer = n.key;
              const std::uint64_t tag = rng_.Next();
              tx.payload.assign(reinterpret_cast<const std::uint8_t*>(&tag),
                                reinterpret_cast<const std::uint8_t*>(&tag) + sizeof tag);
              txs.push_back(std::move(tx));
            }
            // Idle: the leader waits for transactions, as tamgad does, then proposes an
            // empty block.
            const bool idle = txs.empty() && n.core->MayWaitForTransactions();
            Local(n, consensus::PayloadReady{e.round, e.parent, std::move(txs)},
                  idle ? opt_.idle_wait_ms : 0);
          } else if constexpr (std::is_same_v<T, consensus::FetchBlocks>) {
            if (e.peer.value() < n.set.size()) {
              n.sync->sync.Fetch(e.from_height, n.set.validators[e.peer.value()], n.set.validators,
                                 LocalNow(n));
            }
          } else if constexpr (std::is_same_v<T, consensus::EnterEpoch>) {
            n.set = e.validators;
            AddVerifier(e.validators, e.root_qc);
          } else if constexpr (std::is_same_v<T, consensus::ReportEquivocation>) {
            if (IsHonestKey(n.set.validators[e.author.value()])) {
              Violate("O7 evidence", "evidence of '" + e.what + "' against honest validator " +
                                         e.author.ToString() + " in round " + e.round.ToString());
            }
          }
        },
        effect);
  }

  // Delivers an event to a node at the current time, after what is already queued now.
  // Hands `e` to node n's core after `delay_ms` (now by default), if the node is still up
  // in the same incarnation.
  void Local(Node& n, Event e, std::uint64_t delay_ms = 0) {
    const int id = n.id;
    const std::uint32_t inc = n.incarnation;
    At(now_ + delay_ms, [this, id, inc, e = std::move(e)] {
      Node& node = nodes_[id];
      if (node.up && node.incarnation == inc) Handle(node, e);
    });
  }

  bool IsHonestKey(const PublicKey& key) const {
    for (const auto& n : nodes_) {
      if (n.key == key) return n.honest;
    }
    return false;
  }

  // One verifier per epoch, shared by all nodes: the first node to enter an epoch makes
  // it. Honest nodes must all enter it with the same set and root.
  void AddVerifier(const ValidatorSet& set, const QuorumCertificate& root) {
    auto it = verifiers_.find(set.epoch);
    if (it != verifiers_.end()) {
      if (!(it->second->root_qc().data == root.data) || !(it->second->validators() == set)) {
        Violate("O1 agreement",
                "two different changes of the validator set into epoch " + set.epoch.ToString());
      }
      return;
    }
    auto v = std::make_unique<Verifier>(chain_, set, root, *checker_, RulesFor(opt_.mutant));
    verifiers_.emplace(set.epoch, std::move(v));
    sets_[set.epoch] = set;
  }

  const Verifier* VerifierFor(const Node& n) const {
    auto it = verifiers_.find(n.core->epoch());
    return it == verifiers_.end() ? nullptr : it->second.get();
  }

  // --- Network ----------------------------------------------------------------------------

  bool Connected(const Node& from, const Node& to) const {
    if (healed_) return !TwinCut(from, to);
    for (const auto& p : partitions_) {
      if (now_ < p.start_ms || now_ >= p.end_ms) continue;
      const int a = p.side[static_cast<std::size_t>(from.id)];
      const int b = p.side[static_cast<std::size_t>(to.id)];
      if (a != b && (!p.one_way || (a == 0 && b == 1))) return false;
    }
    return !TwinCut(from, to);
  }

  // Twins split: each twin talks only with the honest nodes of its side.
  bool TwinCut(const Node& from, const Node& to) const {
    if (!twins_split_) return false;
    const Node* twin = from.twin_side >= 0 ? &from : (to.twin_side >= 0 ? &to : nullptr);
    const Node* other = twin == &from ? &to : &from;
    if (twin == nullptr || other->twin_side >= 0) return false;
    return honest_side_[static_cast<std::size_t>(other->id)] != twin->twin_side;
  }

  void Transmit(const Node& from, Node& to, const NetMsg& msg) {
    if (!Connected(from, to) || rng_.PerMillion(loss_ppm_)) return;
    const int copies = rng_.PerMillion(dup_ppm_) ? 2 : 1;
    for (int c = 0; c < copies; ++c) {
      std::uint64_t delay = rng_.Between(delay_min_, delay_max_);
      if (rng_.PerMillion(straggler_ppm_)) delay *= rng_.Between(2, 10);
      ++report_.messages;
      const int id = to.id;
      const int sender = from.id;
      At(now_ + delay, [this, id, sender, msg] { Deliver(nodes_[id], msg, sender); });
    }
  }

  // Validator indexes mean what the sender's current set says.
  void SendTo(const Node& from, ValidatorIndex to, const NetMsg& msg) {
    if (to.value() >= from.set.size()) return;
    const PublicKey& key = from.set.validators[to.value()];
    for (auto& n : nodes_) {
      if (n.key == key && n.id != from.id) Transmit(from, n, msg);
    }
  }

  bool InSet(const ValidatorSet& set, const PublicKey& key) const {
    return std::find(set.validators.begin(), set.validators.end(), key) != set.validators.end();
  }

  void SendConsensus(Node& n, consensus::Message m, std::optional<ValidatorIndex> to) {
    if (n.honest) CheckHonestSignature(n, m);
    if (!n.honest && !Corrupt(n, m, to)) return;
    if (to) {
      std::visit([&](const auto& x) { SendTo(n, *to, NetMsg(x)); }, m);
      return;
    }
    for (auto& other : nodes_) {
      if (other.key == n.key || !InSet(n.set, other.key)) continue;
      std::visit([&](const auto& x) { Transmit(n, other, NetMsg(x)); }, m);
    }
  }

  void Deliver(Node& n, const NetMsg& msg, int sender) {
    if (!n.up) return;
    const Verifier* verifier = VerifierFor(n);
    if (verifier == nullptr) return;
    // A peer already in a later epoch: this node missed the change. Ask that peer for the
    // blocks it has committed (which carry the proof of the change), at most once a second.
    const Epoch msg_epoch = std::visit(
        [](const auto& m) {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, Proposal>)
            return m.block.header.epoch;
          else if constexpr (std::is_same_v<T, Vote> || std::is_same_v<T, Timeout>) {
            return m.data.epoch;
          } else {
            return Epoch(0);
          }
        },
        msg);
    if (msg_epoch > n.core->epoch() && now_ >= n.next_epoch_fetch_ms) {
      n.next_epoch_fetch_ms = now_ + 1000;
      n.sync->sync.Fetch(Height(n.ledger.size() + 1), nodes_[static_cast<std::size_t>(sender)].key,
                         n.set.validators, LocalNow(n));
      return;
    }
    std::visit(
        [&](const auto& m) {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, Proposal>) {
            if (!n.core->InWindow(m.block.header.epoch, m.block.header.round)) return;
            if (!verifier->VerifyProposal(m).ok()) return;
            Handle(n, consensus::ProposalReceived{m});
            if (n.up && !n.honest && opt_.behaviour == Behaviour::kEquivocator) {
              DoubleVote(n, m);
            }
          } else if constexpr (std::is_same_v<T, Vote>) {
            if (!n.core->InWindow(m.data.epoch, m.data.round)) return;
            if (!verifier->VerifyVote(m).ok()) return;
            Handle(n, consensus::VoteReceived{m});
          } else if constexpr (std::is_same_v<T, Timeout>) {
            if (!n.core->InWindow(m.data.epoch, m.data.round)) return;
            if (!verifier->VerifyTimeout(m).ok()) return;
            if (m.last_round_tc && !verifier->VerifyTc(*m.last_round_tc).ok()) return;
            Handle(n, consensus::TimeoutReceived{m});
          } else if constexpr (std::is_same_v<T, FetchRequest>) {
            ServeFetch(n, m);
          } else {
            n.sync->sync.OnResponse(nodes_[static_cast<std::size_t>(sender)].key, m.response,
                                    *n.sync, LocalNow(n));
          }
        },
        msg);
  }

  // tamgad's BlockSync serves: committed blocks, then the certified path above them.
  void ServeFetch(const Node& n, const FetchRequest& req) {
    auto served = n.sync->sync.Serve(SimChain(n.ledger), *n.core, req.request);
    TAMGA_CHECK_MSG(served.ok(), "serving blocks: " + served.error().ToString());
    net::BlockResponse resp = std::move(*served);
    if (resp.blocks.empty()) return;
    if (!n.honest && opt_.behaviour == Behaviour::kBadSignatures) {
      // A lying server: other transactions under a genuine header and QC.
      for (auto& cb : resp.blocks) {
        Transaction forged;
        forged.chain_id = chain_;
        forged.sequence = rng_.Next();
        cb.block.transactions.push_back(forged);
        cb.block.header.transaction_count =
            static_cast<std::uint32_t>(cb.block.transactions.size());
      }
    }
    Node& to = nodes_[static_cast<std::size_t>(req.reply_to)];
    Transmit(n, to, FetchResponse{std::move(resp)});
  }

  // --- Byzantine behaviour ----------------------------------------------------------------

  // Returns false to drop the message; may rewrite it.
  bool Corrupt(Node& n, consensus::Message& m, std::optional<ValidatorIndex> to) {
    switch (opt_.behaviour) {
      case Behaviour::kTwins:
      case Behaviour::kFutureVotes:
        return true;
      case Behaviour::kWithholdVotes:
        return std::holds_alternative<Proposal>(m);
      case Behaviour::kBadSignatures:
        if (rng_.Below(2) == 0) {
          std::visit([](auto& x) { x.signature.data()[0] ^= 0x80; }, m);
        }
        return true;
      case Behaviour::kTimestamp:
        if (auto* p = std::get_if<Proposal>(&m)) {
          // A year ahead, or a time long before its parent's.
          p->block.header.timestamp_ms =
              rng_.Below(2) == 0 ? LocalNow(n) + 365ull * 24 * 3600 * 1000 : kStartMs - 3'600'000;
          p->signature = n.signer->Sign(SignDomain::kProposal, p->block.header.Id().view());
        }
        return true;
      case Behaviour::kEquivocator:
        if (auto* p = std::get_if<Proposal>(&m); p != nullptr && !to) {
          // Two blocks for one round: the second gets one more transaction. Each half of
          // the validators sees one of them.
          Proposal other = *p;
          Transaction extra;
          extra.chain_id = chain_;
          extra.sequence = rng_.Next();
          other.block.transactions.push_back(extra);
          std::vector<Hash32> ids;
          for (const auto& tx : other.block.transactions) ids.push_back(tx.Hash());
          other.block.header.payload_root = MerkleRoot(ids);
          other.block.header.transaction_count =
              static_cast<std::uint32_t>(other.block.transactions.size());
          other.signature = n.signer->Sign(SignDomain::kProposal, other.block.header.Id().view());
          for (auto& peer : nodes_) {
            if (peer.key == n.key || !InSet(n.set, peer.key)) continue;
            Transmit(n, peer, peer.id % 2 == 0 ? NetMsg(*p) : NetMsg(other));
          }
          n.equivocations.emplace_back(*p, std::move(other));
          if (n.equivocations.size() > 4) n.equivocations.pop_front();
          return false;
        }
        return true;
    }
    return true;
  }

  // Votes for every proposal it sees, ignoring the rules, and signs each vote twice with
  // different "nonces" so a verifier that deduplicated by signature would count it twice.
  void DoubleVote(Node& n, const Proposal& p) {
    const Hash32 id = p.block.header.Id();
    auto parent = n.results.find(p.block.header.parent_id);
    if (parent == n.results.end()) return;
    const ExecutionResult r = Execute(parent->second, p.block, id);
    VoteData vd{chain_, p.block.header.epoch, p.block.header.round, p.block.header.height, id, r};
    const Bytes msg = Encode(vd);
    if (!n.core->self()) return;
    const ValidatorIndex next = consensus::LeaderOf(vd.round.Next(), n.set.size());
    for (std::uint8_t nonce = 0; nonce < (opt_.real_crypto ? 1 : 2); ++nonce) {
      Vote v{vd, *n.core->self(),
             opt_.real_crypto ? n.signer->Sign(SignDomain::kVote, msg)
                              : FastSign(n.signer->public_key(), SignDomain::kVote, msg, nonce)};
      SendTo(n, next, v);
    }
  }

  // Future-round flood: validly signed votes for rounds past the window, every tick.
  void ByzantineTick(Node& n) {
    if (opt_.behaviour != Behaviour::kFutureVotes || !n.up || !n.core->self()) return;
    const std::uint64_t cur = n.core->current_round().value();
    for (std::uint64_t r :
         {cur + kRoundWindow + 1, cur + 1000, cur + 1'000'000, std::uint64_t{1} << 62}) {
      VoteData vd{
          chain_, n.core->epoch(), Round(r), Height(r), Sha256Of(AsBytes(std::to_string(r))), {}};
      Vote v{vd, *n.core->self(), n.signer->Sign(SignDomain::kVote, Encode(vd))};
      for (auto& peer : nodes_) {
        if (peer.key == n.key) continue;
        Transmit(n, peer, v);
      }
    }
  }

  // TAMGA_SIM_TRACE=1 prints every event and its effects: for reading one failing seed.
  void Trace(const Node& n, const Event& e, const std::vector<Effect>& effects) const {
    static const char* kEvents[] = {"proposal", "vote",    "timeout", "timer",
                                    "executed", "payload", "fetched"};
    std::string what = kEvents[e.index()];
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, consensus::ProposalReceived>) {
            what += " r" + x.proposal.block.header.round.ToString() + " by " +
                    x.proposal.block.header.proposer.ToString();
          } else if constexpr (std::is_same_v<T, consensus::VoteReceived>) {
            what += " r" + x.vote.data.round.ToString() + " from " + x.vote.author.ToString();
          } else if constexpr (std::is_same_v<T, consensus::TimeoutReceived>) {
            what += " r" + x.timeout.data.round.ToString() + " from " +
                    x.timeout.author.ToString() + " hqc " + x.timeout.data.high_qc_round.ToString();
          } else if constexpr (std::is_same_v<T, consensus::TimerFired>) {
            what += " r" + x.round.ToString();
          }
        },
        e);
    std::string effs;
    static const char* kEffects[] = {
        "persist", "send",       "broadcast",  "timer",    "execute", "commit",      "payload?",
        "fetch",   "save-block", "save-certs", "evidence", "epoch",   "vote-refused"};
    for (const auto& ef : effects) effs += std::string(" ") + kEffects[ef.index()];
    std::printf("%8llu node %d r%llu: %s ->%s\n", static_cast<unsigned long long>(now_ - kStartMs),
                n.id, static_cast<unsigned long long>(n.core ? n.core->current_round().value() : 0),
                what.c_str(), effs.c_str());
  }

  // --- Oracles ----------------------------------------------------------------------------

  // O3: an honest key never signs two different votes in a round, nor a vote in a round it
  // has timed out of; and nothing leaves before the round it signs is persisted.
  void CheckHonestSignature(const Node& n, const consensus::Message& m) {
    const std::string who = "validator " + n.key.ShortHex();
    if (const auto* v = std::get_if<Vote>(&m)) {
      const std::uint64_t epoch = v->data.epoch.value(), round = v->data.round.value();
      const Hash32 h = Sha256Of(Encode(v->data));
      auto [it, inserted] = honest_votes_.emplace(std::make_tuple(n.key, epoch, round), h);
      if (!inserted && it->second != h) {
        Violate("O3 equivocation", who + " signed two different votes in round " +
                                       std::to_string(round) + " of epoch " +
                                       std::to_string(epoch));
      }
      // A fresh vote (not the re-send of one signed before) in a round it timed out of.
      auto t = honest_timeouts_.find(std::make_pair(n.key, epoch));
      if (inserted && t != honest_timeouts_.end() && t->second >= round) {
        Violate("O3 equivocation", who + " voted in round " + std::to_string(round) +
                                       " after timing out of round " + std::to_string(t->second));
      }
      const SafetyData synced = DurableSafety(n);
      if (opt_.check_persist_before_send && synced.epoch == v->data.epoch &&
          synced.last_voted_round < v->data.round) {
        Violate("O3 persist-before-send", who + " sent a vote for round " + std::to_string(round) +
                                              " while its persisted last voted round is " +
                                              synced.last_voted_round.ToString());
      }
    } else if (const auto* t = std::get_if<Timeout>(&m)) {
      auto& hi = honest_timeouts_[std::make_pair(n.key, t->data.epoch.value())];
      hi = std::max(hi, t->data.round.value());
      const SafetyData synced = DurableSafety(n);
      if (opt_.check_persist_before_send && synced.epoch == t->data.epoch &&
          synced.last_voted_round < t->data.round) {
        Violate("O3 persist-before-send", who + " sent a timeout for round " +
                                              t->data.round.ToString() + " before persisting it");
      }
    }
  }

  void OnCommit(Node& n, const consensus::CommitBlock& c) {
    const BlockHeader& h = c.block->header;
    const Hash32 id = h.Id();
    // O2: the committed chain only grows, one height at a time, and links up.
    if (h.height.value() != n.ledger.size() + 1) {
      Violate("O2 durability", "node " + std::to_string(n.id) + " committed height " +
                                   h.height.ToString() + " after " +
                                   std::to_string(n.ledger.size()));
      return;
    }
    const Hash32 parent_id =
        n.ledger.empty() ? genesis_.header.Id() : n.ledger.back().certified.block.header.Id();
    if (h.parent_id != parent_id) {
      Violate("O2 durability", "node " + std::to_string(n.id) + " committed a block at height " +
                                   h.height.ToString() + " that does not extend its chain");
    }
    const std::uint64_t parent_ts = n.ledger.empty()
                                        ? genesis_.header.timestamp_ms
                                        : n.ledger.back().certified.block.header.timestamp_ms;
    n.ledger.push_back({{*c.block, c.qc}, c.epoch_proof, c.next_validators});
    ledger::WriteBatch commit;
    commit.Put(ledger::Column::kMeta, AsBytes(kSimHeadKey), U64BeBytes(h.height.value()));
    if (!n.kv->Write(commit, /*sync=*/false).ok()) return CrashMidEvent(n);
    if (!n.store->PruneCommitted(h.height).ok()) return CrashMidEvent(n);
    n.results[id] = c.qc.data.result;
    n.sync->sync.OnCommitted(*n.sync);
    report_.max_round = std::max(report_.max_round, h.round.value());
    if (!n.honest) return;
    report_.commits = std::max<std::uint64_t>(report_.commits, n.ledger.size());
    // O1: agreement among honest nodes.
    auto [it, inserted] = committed_.emplace(h.height.value(), id);
    if (!inserted && it->second != id) {
      Violate("O1 agreement", "two blocks committed at height " + h.height.ToString() + ": " +
                                  it->second.ShortHex() + " and " + id.ShortHex());
    }
    // O4 certificate validity, as an auditor would check it: the QC of a committed block
    // holds a quorum of distinct validators, so at least f + 1 of them honest.
    const ValidatorSet& qc_set = sets_.at(c.qc.data.epoch);
    std::set<std::uint32_t> signers;
    std::size_t honest_signers = 0;
    for (const auto& s : c.qc.signatures) {
      if (s.signer.value() < qc_set.size() && signers.insert(s.signer.value()).second &&
          IsHonestKey(qc_set.validators[s.signer.value()])) {
        ++honest_signers;
      }
    }
    const std::size_t f = (qc_set.size() - 1) / 3;
    if (signers.size() < qc_set.QuorumSize() || honest_signers < f + 1) {
      Violate("O4 certificate", "height " + h.height.ToString() + " committed with a QC of " +
                                    std::to_string(c.qc.signatures.size()) + " signatures from " +
                                    std::to_string(signers.size()) + " distinct validators (" +
                                    std::to_string(honest_signers) + " honest)");
    }
    // Block time: strictly increasing, and never ahead of the honest clocks by more than
    // the drift bound.
    if (h.timestamp_ms <= parent_ts) {
      Violate("block time", "height " + h.height.ToString() + " has timestamp " +
                                std::to_string(h.timestamp_ms) + " <= parent's");
    }
    std::uint64_t honest_clock = now_;
    for (const auto& x : nodes_) {
      if (x.honest) honest_clock = std::max(honest_clock, LocalNow(x));
    }
    if (h.timestamp_ms > honest_clock + kDriftMs) {
      Violate("block time", "height " + h.height.ToString() + " is stamped " +
                                std::to_string(h.timestamp_ms - honest_clock) +
                                " ms ahead of the fastest honest clock");
    }
    // O5 bookkeeping.
    if (healed_ && !n.live_at_ms && n.ledger.size() >= n.height_at_heal + 3) {
      n.live_at_ms = now_;
      const std::uint64_t r = h.round.value();
      rounds_to_live_ = std::max(rounds_to_live_, r > round_at_heal_ ? r - round_at_heal_ : 0);
    }
  }

  void CheckFootprint(const Core& core) {
    const auto f = core.footprint();
    report_.peak_blocks = std::max<std::uint64_t>(report_.peak_blocks, f.blocks);
    report_.peak_votes = std::max<std::uint64_t>(report_.peak_votes, f.votes);
    report_.peak_timeouts = std::max<std::uint64_t>(report_.peak_timeouts, f.timeouts);
    // O6: what a core holds is bounded by the round window, whatever peers send.
    const std::uint64_t n = opt_.validators;
    const std::uint64_t votes_max = (kRoundWindow + 2) * n * 2;
    const std::uint64_t timeouts_max = (kRoundWindow + 1) * n;
    if (f.votes > votes_max || f.timeouts > timeouts_max ||
        f.pending_proposals > kRoundWindow + 1 || f.blocks > 20'000) {
      if (!memory_violated_) {
        Violate("O6 memory", "core holds " + std::to_string(f.votes) + " votes, " +
                                 std::to_string(f.timeouts) + " timeouts, " +
                                 std::to_string(f.blocks) + " blocks");
      }
      memory_violated_ = true;
    }
  }

  void Finish() {
    for (const auto& n : nodes_) {
      if (n.up && n.core) {
        report_.max_round = std::max(report_.max_round, n.core->current_round().value());
        if (n.honest) report_.final_epoch = std::max(report_.final_epoch, n.core->epoch().value());
      }
    }
    // O5: after the heal, every honest node commits at least 3 new blocks.
    std::uint64_t worst = 0;
    bool all_live = true;
    const ValidatorSet& final_set = sets_.rbegin()->second;
    for (const auto& n : nodes_) {
      // A validator that left follows the chain by fetching, without a vote: not checked.
      if (!n.honest || !InSet(final_set, n.key)) continue;
      if (!n.live_at_ms) {
        all_live = false;
        Violate("O5 liveness",
                "node " + std::to_string(n.id) + " committed " +
                    std::to_string(n.ledger.size() - n.height_at_heal) + " blocks in the " +
                    std::to_string(kStartMs + opt_.duration_ms - heal_ms_) + " ms after the heal");
      } else {
        worst = std::max(worst, *n.live_at_ms - heal_ms_);
      }
    }
    if (all_live) {
      report_.heal_to_commit_ms = worst;
      report_.heal_to_commit_rounds = rounds_to_live_;
    }
    report_.derived = derived_;
    for (const auto& n : nodes_) report_.lost_unsynced_batches += n.kv->lost_batches();
    for (const auto& n : nodes_) {
      std::ostringstream s;
      s << "node " << n.id << " (validator " << n.index << (n.honest ? "" : ", byzantine")
        << (n.up ? "" : ", down") << "): committed " << n.ledger.size();
      if (n.core) {
        const auto& sd = n.core->safety_data();
        s << ", round " << n.core->current_round() << ", highest QC round "
          << n.core->highest_qc().data.round << ", last voted " << sd.last_voted_round
          << ", locked " << sd.locked_round << ", tree " << n.core->tree().size();
      }
      report_.final_state.push_back(s.str());
    }
  }

  const SimOptions opt_;
  Rng rng_;
  Rng fault_rng_;  // Disk faults and clocks: apart, so the network's schedule stays as it was.
  const bool trace_;
  SimReport report_;
  std::uint64_t now_ = kStartMs;
  std::uint64_t seq_ = 0;
  std::priority_queue<Scheduled> queue_;

  std::vector<Node> nodes_;
  ChainId chain_;
  ValidatorSet set_;
  Block genesis_;
  QuorumCertificate genesis_qc_;
  std::unique_ptr<consensus::SignatureChecker> checker_;

  std::string derived_;
  std::uint64_t heal_ms_ = kStartMs;
  bool healed_ = false;
  std::uint64_t delay_min_ = 1, delay_max_ = 10;
  std::uint64_t loss_ppm_ = 0, dup_ppm_ = 0, straggler_ppm_ = 0, crash_mid_event_ppm_ = 0;
  std::uint64_t crash_write_ppm_ = 0;
  std::vector<Partition> partitions_;
  bool twins_split_ = false;
  std::vector<int> honest_side_;

  std::map<std::uint64_t, Hash32> committed_;
  std::map<std::tuple<PublicKey, std::uint64_t, std::uint64_t>, Hash32> honest_votes_;
  std::map<std::pair<PublicKey, std::uint64_t>, std::uint64_t> honest_timeouts_;
  std::map<Epoch, ValidatorSet> sets_;
  std::map<Epoch, std::unique_ptr<Verifier>> verifiers_;
  ValidatorSet next_set_;  // The change of the validator set, if the run makes one.
  std::uint64_t reconfigure_at_ = 0;
  std::uint64_t round_at_heal_ = 0;
  std::uint64_t rounds_to_live_ = 0;
  bool memory_violated_ = false;
};

void SimSync::Request(const PublicKey& peer, const net::BlockRequest& request) {
  Node& self = sim_.nodes_[static_cast<std::size_t>(id_)];
  for (auto& other : sim_.nodes_) {
    if (other.key == peer && other.id != id_)
      sim_.Transmit(self, other, FetchRequest{request, id_});
  }
}

void SimSync::Drop(const PublicKey& peer, const std::string& why) {
  if (sim_.trace_)
    std::printf("node %d: drops %s: %s\n", id_, peer.ShortHex().c_str(), why.c_str());
}

Epoch SimSync::epoch() const { return sim_.nodes_[static_cast<std::size_t>(id_)].core->epoch(); }

Height SimSync::committed() const {
  return Height(sim_.nodes_[static_cast<std::size_t>(id_)].ledger.size());
}

const consensus::Verifier& SimSync::verifier() const {
  return *sim_.VerifierFor(sim_.nodes_[static_cast<std::size_t>(id_)]);
}

void SimSync::Deliver(std::vector<CertifiedBlock> blocks) {
  sim_.Handle(sim_.nodes_[static_cast<std::size_t>(id_)], BlocksFetched{std::move(blocks)});
}

bool SimSync::stopped() const {
  const Node& n = sim_.nodes_[static_cast<std::size_t>(id_)];
  return !n.up || n.incarnation != incarnation_ || sim_.VerifierFor(n) == nullptr;
}

}  // namespace

bool SimReport::safe() const {
  return std::all_of(violations.begin(), violations.end(),
                     [](const Violation& v) { return v.oracle.rfind("O5", 0) == 0; });
}

std::string SimReport::ReplayCommand() const {
  std::ostringstream c;
  c << "build/ci/tests/sim/tamga-sim --seed " << options.seed << " --validators "
    << options.validators << " --byzantine " << options.byzantine << " --behaviour "
    << BehaviourName(options.behaviour) << " --seconds " << options.duration_ms / 1000;
  if (options.mutant != Mutant::kNone) c << " --mutant " << MutantName(options.mutant);
  if (options.real_crypto) c << " --real-crypto";
  if (options.reconfigure) c << " --reconfigure";
  if (!options.faults) c << " --no-faults";
  if (options.idle_wait_ms > 0) c << " --idle-wait-ms " << options.idle_wait_ms;
  if (!options.check_persist_before_send) c << " --no-persist-check";
  return c.str();
}

SimReport RunSimulation(const SimOptions& options) { return Simulation(options).Run(); }

std::string BehaviourName(Behaviour b) {
  switch (b) {
    case Behaviour::kTwins:
      return "twins";
    case Behaviour::kEquivocator:
      return "equivocator";
    case Behaviour::kFutureVotes:
      return "future-votes";
    case Behaviour::kBadSignatures:
      return "bad-signatures";
    case Behaviour::kWithholdVotes:
      return "withhold-votes";
    case Behaviour::kTimestamp:
      return "timestamp";
  }
  return "?";
}

std::string MutantName(Mutant m) {
  switch (m) {
    case Mutant::kNone:
      return "none";
    case Mutant::kSkipPersistVotedRound:
      return "skip-persist";
    case Mutant::kQuorum2f:
      return "quorum-2f";
    case Mutant::kDuplicateSigner:
      return "duplicate-signer";
    case Mutant::kCommitOneChain:
      return "one-chain";
  }
  return "?";
}

std::optional<Behaviour> ParseBehaviour(const std::string& s) {
  for (Behaviour b :
       {Behaviour::kTwins, Behaviour::kEquivocator, Behaviour::kFutureVotes,
        Behaviour::kBadSignatures, Behaviour::kWithholdVotes, Behaviour::kTimestamp}) {
    if (BehaviourName(b) == s) return b;
  }
  return std::nullopt;
}

std::optional<Mutant> ParseMutant(const std::string& s) {
  for (Mutant m : {Mutant::kNone, Mutant::kSkipPersistVotedRound, Mutant::kQuorum2f,
                   Mutant::kDuplicateSigner, Mutant::kCommitOneChain}) {
    if (MutantName(m) == s) return m;
  }
  return std::nullopt;
}

}  // namespace tamga::sim
