// node/mempool.h
// Transactions waiting for a block. Admission runs the rules' own pre-check
// (contracts::Executor::Check: chain id, signature, replay, signer, sequence, role,
// payload) against the committed state, so a transaction that cannot pass is refused with
// its reason at the door and never reaches a block. A signer may queue transactions ahead
// of its committed sequence (up to a window); they are checked as if their predecessors
// had run, and proposed only in sequence order with no gap.
//
// Bounded by count and bytes: when full, a new transaction is refused ("mempool_full")
// rather than evicting one already accepted. Refusals' codes come from node/api_codes.h and
// contracts::ReasonCode.
//
// Thread-safety: not thread-safe; the node's one thread owns it.

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/chain.h"
#include "contracts/executor.h"
#include "contracts/model.h"
#include "ledger/state_tree.h"
#include "node/api_codes.h"

namespace tamga::node {

struct MempoolOptions {
  std::size_t transactions_max = 50'000;
  std::size_t bytes_max = 256 << 20;
  // How far ahead of its committed sequence a signer may queue.
  std::uint64_t sequence_window = 1'000;
  // A transaction not proposed within this long (a gap before it never filled, say) is
  // dropped, so that queued-ahead transactions cannot hold the mempool full for good.
  std::uint64_t expiry_ms = 600'000;
};

// Why a transaction was not admitted: a stable code for programs and a sentence for people.
// Made by Of, so that the code comes from a table: ApiCodeName ("duplicate",
// "mempool_full"...) or contracts::ReasonCode ("bad_signature"...).
struct Refused {
  std::string code;
  std::string message;

  // `message` empty: the code's own sentence.
  static Refused Of(ApiCode c, std::string message = {});
  // The reason's text, then ": " and `detail` if any.
  static Refused Of(contracts::Reason r, std::string_view detail = {});

  bool Is(ApiCode c) const { return code == ApiCodeName(c); }
  bool Is(contracts::Reason r) const { return code == contracts::ReasonCode(r); }
};

class Mempool {
 public:
  Mempool(MempoolOptions options, ChainId chain) : options_(options), chain_(chain) {}

  // Checks `tx` (with id `id`) against `committed` (the state after the head block) at time
  // `now_ms` and queues it; the reason if refused.
  std::optional<Refused> Admit(const Transaction& tx, const Hash32& id,
                               const ledger::StateReader& committed, std::uint64_t now_ms,
                               const contracts::OnLedgerFn& on_ledger);

  // Up to `max_count` transactions (and `max_bytes`) for a block whose parent state is
  // `parent`: per signer, consecutive sequences from the next one `parent` expects,
  // skipping those in `in_flight` (already in uncommitted ancestors).
  std::vector<Transaction> Take(const ledger::StateReader& parent,
                                const std::set<Hash32>& in_flight, std::size_t max_count,
                                std::size_t max_bytes);

  // A block committed: drops its transactions, and any others of its signers whose
  // sequence `committed` shows as used.
  void OnCommit(const std::vector<Transaction>& block, const std::vector<Hash32>& ids,
                const ledger::StateReader& committed);

  // Drops transactions admitted more than expiry_ms before `now_ms`; how many.
  std::size_t Expire(std::uint64_t now_ms);

  bool Contains(const Hash32& id) const { return entries_.count(id) > 0; }
  // The sequence a new transaction of `signer` should carry: after `last_committed` and
  // the consecutive ones queued here.
  std::uint64_t NextSequence(const PublicKey& signer, std::uint64_t last_committed) const;
  std::size_t size() const { return entries_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    Transaction tx;
    std::size_t bytes = 0;
    std::uint64_t admitted_ms = 0;
  };
  void Erase(const Hash32& id);

  MempoolOptions options_;
  ChainId chain_;
  std::map<Hash32, Entry> entries_;
  std::map<PublicKey, std::map<std::uint64_t, Hash32>> by_signer_;
  std::multimap<std::uint64_t, Hash32> by_age_;  // admitted_ms -> id.
  std::size_t bytes_ = 0;
  std::size_t next_signer_ = 0;  // Rotates the signer Take starts with.
};

// The last sequence `signer` used in `state` (0 for an unknown key or a failed read).
std::uint64_t LastSequence(const ledger::StateReader& state, const PublicKey& signer);

}  // namespace tamga::node
