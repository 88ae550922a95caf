#include "node/mempool.h"

#include <utility>

#include "common/encoding.h"
#include "contracts/model.h"

namespace tamga::node {
namespace {

// The state as a transaction sees it once its signer's earlier queued transactions ran:
// only the signer's sequence differs.
class AfterPredecessors final : public ledger::StateReader {
 public:
  AfterPredecessors(const ledger::StateReader& base, const Hash32& signer_key,
                    contracts::SignerRecord record)
      : base_(base), signer_key_(signer_key), record_(Encode(record)) {}
  Result<std::optional<Bytes>> Get(const Hash32& key) const override {
    if (key == signer_key_) return std::optional<Bytes>(record_);
    return base_.Get(key);
  }

 private:
  const ledger::StateReader& base_;
  Hash32 signer_key_;
  Bytes record_;
};

std::optional<contracts::SignerRecord> ReadSigner(const ledger::StateReader& state,
                                                  const PublicKey& signer) {
  auto raw = state.Get(contracts::SignerKey(signer));
  if (!raw.ok() || !raw->has_value()) return std::nullopt;
  auto rec = Decode<contracts::SignerRecord>(**raw, "signer record");
  if (!rec.ok()) return std::nullopt;
  return *rec;
}

}  // namespace

Refused Refused::Of(ApiCode c, std::string message) {
  if (message.empty()) message = std::string(ApiCodeText(c));
  return Refused{std::string(ApiCodeName(c)), std::move(message)};
}

Refused Refused::Of(contracts::Reason r, std::string_view detail) {
  std::string message(contracts::ReasonText(r));
  if (!detail.empty()) message += ": " + std::string(detail);
  return Refused{std::string(contracts::ReasonCode(r)), std::move(message)};
}

std::uint64_t LastSequence(const ledger::StateReader& state, const PublicKey& signer) {
  auto rec = ReadSigner(state, signer);
  return rec ? rec->last_sequence : 0;
}

std::uint64_t Mempool::NextSequence(const PublicKey& signer, std::uint64_t last_committed) const {
  std::uint64_t next = last_committed + 1;
  auto it = by_signer_.find(signer);
  if (it == by_signer_.end()) return next;
  while (it->second.count(next)) ++next;
  return next;
}

std::optional<Refused> Mempool::Admit(const Transaction& tx, const Hash32& id,
                                      const ledger::StateReader& committed, std::uint64_t now_ms,
                                      const contracts::OnLedgerFn& on_ledger) {
  if (Contains(id)) return Refused::Of(ApiCode::kDuplicate);
  const std::size_t size = tx.payload.size() + 200;
  if (entries_.size() >= options_.transactions_max || bytes_ + size > options_.bytes_max) {
    return Refused::Of(ApiCode::kMempoolFull,
                       "the node holds " + std::to_string(entries_.size()) +
                           " transactions waiting for a block; try again shortly");
  }
  // Ahead of the committed sequence: check as if the predecessors ran. They must be queued
  // here already, or arrive before it can be proposed.
  std::optional<AfterPredecessors> ahead;
  const ledger::StateReader* state = &committed;
  if (auto rec = ReadSigner(committed, tx.signer);
      rec && tx.sequence > rec->last_sequence + 1 &&
      tx.sequence <= rec->last_sequence + options_.sequence_window) {
    contracts::SignerRecord shifted = *rec;
    shifted.last_sequence = tx.sequence - 1;
    ahead.emplace(committed, contracts::SignerKey(tx.signer), shifted);
    state = &*ahead;
  }
  auto outcome = contracts::Executor::Check(*state, chain_, tx, id, now_ms, on_ledger);
  if (!outcome.ok()) return Refused::Of(ApiCode::kUnavailable, outcome.error().ToString());
  if (outcome->reason != contracts::Reason::kAccepted) {
    return Refused::Of(outcome->reason, outcome->detail);
  }
  auto& seqs = by_signer_[tx.signer];
  if (seqs.count(tx.sequence)) {
    return Refused::Of(ApiCode::kSequenceTaken,
                       "another transaction of this signer with sequence " +
                           std::to_string(tx.sequence) + " is already waiting for a block");
  }
  seqs[tx.sequence] = id;
  entries_[id] = Entry{tx, size, now_ms};
  by_age_.emplace(now_ms, id);
  bytes_ += size;
  return std::nullopt;
}

std::vector<Transaction> Mempool::Take(const ledger::StateReader& parent,
                                       const std::set<Hash32>& in_flight, std::size_t max_count,
                                       std::size_t max_bytes) {
  std::vector<Transaction> out;
  if (by_signer_.empty()) return out;
  std::size_t bytes = 0;
  // Start from a rotating signer so that one busy signer does not always fill the block.
  const std::size_t start = next_signer_++ % by_signer_.size();
  auto it = std::next(by_signer_.begin(), static_cast<std::ptrdiff_t>(start));
  for (std::size_t visited = 0; visited < by_signer_.size(); ++visited, ++it) {
    if (it == by_signer_.end()) it = by_signer_.begin();
    std::uint64_t expected = LastSequence(parent, it->first) + 1;
    for (auto s = it->second.lower_bound(expected); s != it->second.end(); ++s) {
      if (s->first != expected) break;  // A gap: the rest waits.
      const Entry& e = entries_.at(s->second);
      ++expected;
      if (in_flight.count(s->second)) continue;
      if (out.size() >= max_count || bytes + e.bytes > max_bytes) return out;
      out.push_back(e.tx);
      bytes += e.bytes;
    }
  }
  return out;
}

void Mempool::OnCommit(const std::vector<Transaction>& block, const std::vector<Hash32>& ids,
                       const ledger::StateReader& committed) {
  std::set<PublicKey> signers;
  for (std::size_t i = 0; i < block.size(); ++i) {
    signers.insert(block[i].signer);
    Erase(ids[i]);
  }
  for (const PublicKey& signer : signers) {
    auto it = by_signer_.find(signer);
    if (it == by_signer_.end()) continue;
    const std::uint64_t last = LastSequence(committed, signer);
    std::vector<Hash32> stale;
    for (auto s = it->second.begin(); s != it->second.end() && s->first <= last; ++s) {
      stale.push_back(s->second);
    }
    for (const Hash32& id : stale) Erase(id);
  }
}

std::size_t Mempool::Expire(std::uint64_t now_ms) {
  std::size_t dropped = 0;
  while (!by_age_.empty() && by_age_.begin()->first + options_.expiry_ms < now_ms) {
    const Hash32 id = by_age_.begin()->second;
    if (entries_.count(id) > 0) {
      ++dropped;
      Erase(id);  // Also drops its by_age_ entry, the first one.
    } else {
      by_age_.erase(by_age_.begin());
    }
  }
  return dropped;
}

void Mempool::Erase(const Hash32& id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    return;
  }
  for (auto [a, b] = by_age_.equal_range(it->second.admitted_ms); a != b; ++a) {
    if (a->second == id) {
      by_age_.erase(a);
      break;
    }
  }
  bytes_ -= it->second.bytes;
  auto s = by_signer_.find(it->second.tx.signer);
  if (s != by_signer_.end()) {
    s->second.erase(it->second.tx.sequence);
    if (s->second.empty()) by_signer_.erase(s);
  }
  entries_.erase(it);
}

}  // namespace tamga::node
