// contracts/executor.h
// The rules, as deterministic functions of (state, transaction, block time): each
// transaction is accepted with its writes and records, or rejected with a Reason and
// changes nothing. No clocks, no floating point, no unordered iteration, no I/O: the only
// inputs are the parent state, the block and the ledger's answer to "is this transaction
// already on the ledger?".
//
// Order of checks for every transaction (docs/contracts.md): chain id, signature, replay,
// type, signer known, signer not revoked at the block's time, sequence = last + 1, the
// signer's role and its office's or issuer's status, the payload, then the rule of the
// type. The signer's sequence advances only when the transaction is accepted.
//
// Thread-safety: stateless functions; BlockState is not thread-safe.

#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/batch_verifier.h"
#include "common/chain.h"
#include "contracts/genesis.h"
#include "contracts/model.h"
#include "ledger/ledger.h"
#include "ledger/state_tree.h"

namespace tamga::contracts {

// The state as a block sees it while it executes: the parent's state, this block's
// accepted writes, and the writes of the transaction being applied (kept apart so that a
// rejection drops them).
class BlockState {
 public:
  explicit BlockState(const ledger::StateReader& parent) : parent_(parent) {}
  Result<std::optional<Bytes>> Get(const Hash32& key) const;
  void Put(const Hash32& key, Bytes value) { pending_[key] = std::move(value); }
  void KeepPending();     // The transaction is accepted.
  void DiscardPending();  // The transaction is rejected.
  // This block's writes, ordered by key.
  std::vector<ledger::StateWrite> Writes() const;

  // A validator-set change adopted in this block (at most one), to take effect at the
  // next epoch; staged like the writes.
  void SetNextValidators(ValidatorSet next) { pending_next_ = std::move(next); }
  const std::optional<ValidatorSet>& next_validators() const { return next_; }
  bool epoch_change_pending() const { return next_.has_value() || pending_next_.has_value(); }

 private:
  const ledger::StateReader& parent_;
  std::map<Hash32, Bytes> block_;
  std::map<Hash32, Bytes> pending_;
  std::optional<ValidatorSet> next_, pending_next_;
};

struct TxOutcome {
  Reason reason = Reason::kAccepted;
  std::string detail;                      // A sentence for people.
  std::vector<ledger::LogRecord> records;  // Accepted only; height set by the ledger.
  std::vector<std::pair<Bytes, Bytes>> index;
};

// Whether the ledger already holds a transaction with this id (a replay if so).
using OnLedgerFn = std::function<bool(const Hash32& tx_hash)>;

// The replay check against `ledger`: a transaction is on the ledger if a block holds it
// and its receipt there is one the rules reached: accepted, or rejected by a rule. One
// rejected before it could run (wrong chain, bad signature, bad sequence: say it came
// ahead of its predecessor), or deferred (another validator-set change in its block),
// may be included again; it then runs at most once, since an
// accepted transaction moves its signer's sequence on. A failed read counts as "on the
// ledger" (refuse rather than risk a replay).
OnLedgerFn ReplayGuard(const ledger::Ledger& ledger);
// The rule ReplayGuard applies to one receipt: whether a transaction that got `reason`
// counts as on the ledger (the node applies it to executed blocks not yet committed).
bool CountsAsOnLedger(Reason reason);

class Executor {
 public:
  // Executes every transaction of `block` in order on top of `parent`; signatures are
  // checked first, in parallel on `verifier` when given.
  // `verified` (optional) names transactions whose signature this node has already checked
  // (the mempool's, at admission): a transaction's id covers its signature, so the answer
  // cannot differ, and the check is not repeated.
  static Result<ledger::BlockOutput> ExecuteBlock(const ledger::StateReader& parent,
                                                  const Block& block, const OnLedgerFn& on_ledger,
                                                  const BatchVerifier* verifier = nullptr,
                                                  const OnLedgerFn& verified = {});

  // The check at submission (the mempool's): the same rules against `state` at time
  // `now_ms`; nothing is kept. `tx_hash` is `tx.Hash()`, which the caller already has.
  static Result<TxOutcome> Check(const ledger::StateReader& state, const ChainId& chain,
                                 const Transaction& tx, const Hash32& tx_hash, std::uint64_t now_ms,
                                 const OnLedgerFn& on_ledger);

  // One transaction against `state`, given its id (`tx.Hash()`, computed once by the
  // caller: a batch can be a megabyte) and whether its signature verified. Accepted writes
  // are kept in `state`, rejected ones discarded.
  static Result<TxOutcome> Apply(BlockState& state, const ChainId& chain, const Transaction& tx,
                                 const Hash32& tx_hash, bool signature_ok, std::uint64_t now_ms,
                                 const OnLedgerFn& on_ledger);
};

// Index keys written for lookups the state does not answer by key (not proven; each
// element found can be proven on its own): transactions that touched a certificate or a
// transit, each key the prefix followed by the transaction's 32-byte id.
Bytes CertificateHistoryPrefix(std::string_view exporting_country, std::string_view number);
Bytes TransitHistoryPrefix(std::string_view mrn);

}  // namespace tamga::contracts
