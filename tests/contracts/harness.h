// tests/contracts/harness.h
// A chain of four administrations (KZ, UZ, KG, KR) on an in-memory ledger (or a given
// store), driven by the real executor: transactions are signed, executed in blocks,
// certified and committed, and the state is read back through the ledger.
//
// Thread-safety: not thread-safe.

#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "contracts/executor.h"
#include "tests/ledger/chain_builder.h"

namespace tamga::testing {

class ContractsChain {
 public:
  ContractsChain();
  // The same chain in `store` (a RocksDB store for the benchmarks of a long chain).
  explicit ContractsChain(std::unique_ptr<ledger::KvStore> store);

  const SecretKey& admin(const std::string& country) const { return admins_.at(country); }
  // Validator keys this harness can sign with once a membership vote brings them in.
  void KnowValidator(const SecretKey& key) { validator_keys_.emplace(key.public_key(), key); }
  void KnowAdmin(const std::string& country, const SecretKey& key) {
    admins_.insert_or_assign(country, key);
  }
  const ChainId& chain_id() const { return ledger_->anchor().chain_id; }
  // The genesis document the chain started from.
  const contracts::Genesis& genesis() const { return genesis_; }
  ledger::Ledger& ledger() { return *ledger_; }
  // The time the next block will carry.
  std::uint64_t NextBlockTime() const;
  // Moves the next blocks' times on by `ms` (block times are otherwise a second apart).
  void AdvanceTime(std::uint64_t ms) { builder_->AdvanceTime(ms); }

  // A transaction of `type` signed by `key`, with that key's next sequence number.
  Transaction Tx(const SecretKey& key, contracts::TxType type, const Bytes& payload);
  template <typename P>
  Transaction Tx(const SecretKey& key, contracts::TxType type, const P& payload) {
    return Tx(key, type, Encode(payload));
  }
  // Executes and commits one block of `txs`; returns their receipts. Afterwards each
  // signer's next sequence is the state's (a transaction that never ran did not use its number).
  std::vector<ledger::Receipt> Block(std::vector<Transaction> txs);
  // One transaction in its own block; its reason.
  contracts::Reason Submit(const Transaction& tx);
  template <typename P>
  contracts::Reason Submit(const SecretKey& key, contracts::TxType type, const P& payload) {
    return Submit(Tx(key, type, payload));
  }
  // The submission check of `tx` against the head.
  contracts::Reason Check(const Transaction& tx);

  template <typename T>
  std::optional<T> Read(const Hash32& key) {
    auto v = ledger_->StateAt(ledger_->Head().height, key).value();
    if (!v) return std::nullopt;
    return Decode<T>(*v, "state record").value();
  }
  Hash32 StateRoot() { return ledger_->Head().result.state_root; }
  // The state root `before` with only `tx`'s signer's sequence moved to `tx.sequence`: what
  // a transaction rejected by a rule leaves behind.
  Hash32 RootWithSequenceUsed(const Hash32& before, const Transaction& tx);

  // Registers an office or accredits an issuer for `country`, with a fresh key.
  SecretKey AddOffice(const std::string& country, const std::string& code);
  SecretKey AddIssuer(const std::string& country, const std::string& id,
                      std::uint32_t scope = contracts::kScopeCertificateOfOrigin);

 private:
  std::map<std::string, SecretKey> admins_;
  contracts::Genesis genesis_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<ChainBuilder> builder_;
  std::map<PublicKey, std::uint64_t> next_sequence_;
  std::map<PublicKey, SecretKey> validator_keys_;
};

// A certificate of origin from `from` to `to` of `quantity` kg, valid for a day from `now`.
contracts::CertificateIssue SampleCertificate(const std::string& number, const std::string& from,
                                              const std::string& to, std::uint64_t quantity,
                                              std::uint64_t now_ms);

}  // namespace tamga::testing
