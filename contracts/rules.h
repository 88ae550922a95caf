// contracts/rules.h
// What every rule sees (internal to contracts/): the verdict type, typed reads and writes
// of state records, and the context of the transaction being applied. One function per
// record family decides the transactions of that family.
//
// Thread-safety: not thread-safe (one block executes on one thread).

#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "contracts/executor.h"

namespace tamga::contracts::rules {

// A rule's answer before records are attached.
struct Verdict {
  Reason reason = Reason::kAccepted;
  std::string detail;
};
inline Verdict Reject(Reason r, std::string detail) { return {r, std::move(detail)}; }

// A state record of type T under `key` (nullopt if absent), read through a BlockState or
// any ledger::StateReader.
template <typename T, typename StateLike>
Result<std::optional<T>> Read(const StateLike& s, const Hash32& key, std::string_view what) {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, s.Get(key));
  if (!v) return std::optional<T>();
  // State written by these rules always decodes; a value that does not is corruption.
  TAMGA_ASSIGN_OR_RETURN(T decoded, Decode<T>(*v, what));
  return std::optional<T>(std::move(decoded));
}

template <typename T>
void Write(BlockState& s, const Hash32& key, const T& value) {
  s.Put(key, Encode(value));
}

// What one transaction's rule sees.
struct Context {
  BlockState& state;
  const Transaction& tx;
  const Hash32& tx_hash;  // Hashed once: a batch can be a megabyte.
  const SignerRecord& signer;
  std::uint64_t now_ms;
  TxOutcome& out;

  void Record(ByteView body) {
    out.records.push_back({Height(), 0, tx_hash, tx.type, Bytes(body.begin(), body.end())});
  }
  // Index entries that list this transaction in a certificate's or a transit's history.
  void History(std::string_view country, std::string_view number) {
    IndexUnder(CertificateHistoryPrefix(country, number));
  }
  void TransitHistory(std::string_view mrn) { IndexUnder(TransitHistoryPrefix(mrn)); }
  void IndexUnder(Bytes key) {
    key.insert(key.end(), tx_hash.data(), tx_hash.data() + 32);
    out.index.emplace_back(std::move(key), Bytes{});
  }
};

// Decodes the payload as P (a malformed payload is rejected) and applies `rule` to it.
template <typename P, typename F>
Result<Verdict> WithPayload(const Transaction& tx, F&& rule) {
  Result<P> p = Decode<P>(tx.payload, TxTypeName(tx.type));
  if (!p.ok()) return Reject(Reason::kMalformed, p.error().message());
  return rule(*p);
}

// The rules of each family; each handles the transaction types listed in executor.cc.
Result<Verdict> RegistryRule(Context& ctx);
Result<Verdict> OriginRule(Context& ctx);
Result<Verdict> AeoRule(Context& ctx);
Result<Verdict> TransitRule(Context& ctx);
Result<Verdict> AnchorRule(Context& ctx);
Result<Verdict> GovernanceRule(Context& ctx);

// Whether `country` is an administration of the chain (and has not left it).
Result<bool> IsMember(const BlockState& state, std::string_view country);

// Why `key` cannot be given to a new role or entity: registered to someone already, or a
// validator key; nullopt if it is free.
Result<std::optional<Verdict>> KeyTaken(const BlockState& state, const PublicKey& key);

}  // namespace tamga::contracts::rules
