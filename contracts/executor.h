// contracts/executor.h
// The rules, as deterministic functions of (state, transaction, block time): each
// transaction is accepted with its writes and records, or rejected with a Reason and
// changes nothing but its signer's sequence. No clocks, no floating point, no unordered
// iteration, no I/O: the only inputs are the parent state and the block, so a node holding
// only a certified state executes the next block as well as one holding all history.
//
// Order of checks for every transaction (docs/contracts.md): chain id, signature, signer
// known, sequence = last + 1, type, signer not revoked at the block's time, the signer's
// role and its office's or issuer's status, the payload, then the rule of the type. A
// transaction that passed the sequence check uses that number up, accepted or rejected
// (except when deferred by another validator-set change in its block), so no transaction
// runs twice and none rejected by a rule can be replayed later.
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

// Whether the ledger already holds a transaction with this id. Admission only: it lets a
// node answer a resubmitted transaction "already on the ledger" instead of "bad
// sequence"; blocks never ask (the sequence decides).
using OnLedgerFn = std::function<bool(const Hash32& tx_hash)>;

// The admission lookup against `ledger`: a transaction is on the ledger if a block holds
// it with a receipt that used its sequence number (accepted, or rejected by a rule). A
// failed read counts as "on the ledger" (refuse rather than risk a replay).
OnLedgerFn ReplayGuard(const ledger::Ledger& ledger);
// Whether a receipt with `reason` used its transaction's sequence number.
bool CountsAsOnLedger(Reason reason);

class Executor {
 public:
  // Executes every transaction of `block` in order on top of `parent`; signatures are
  // checked first, in parallel on `verifier` when given.
  // `verified` (optional) names transactions whose signature this node has already checked
  // (the mempool's, at admission): a transaction's id covers its signature, so the answer
  // cannot differ, and the check is not repeated.
  static Result<ledger::BlockOutput> ExecuteBlock(const ledger::StateReader& parent,
                                                  const Block& block,
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
