// tests/contracts/harness.cc

#include "tests/contracts/harness.h"

#include "common/sha256.h"
#include "tests/support/samples.h"

namespace tamga::testing {

using contracts::Reason;

ContractsChain::ContractsChain() : ContractsChain(std::make_unique<ledger::MemKvStore>()) {}

ContractsChain::ContractsChain(std::unique_ptr<ledger::KvStore> store) {
  const std::vector<std::string> countries = {"KZ", "UZ", "KG", "KR"};
  const auto validators = ValidatorKeys(4);
  contracts::Genesis g;
  g.chain_name = "tamga contracts test";
  g.genesis_time_ms = 1'800'000'000'000;
  for (std::size_t i = 0; i < countries.size(); ++i) {
    admins_.emplace(countries[i], TestKey(static_cast<std::uint8_t>(20 + i)));
    g.administrations.push_back(
        {countries[i], "Customs of " + countries[i], validators[i].public_key(),
         "127.0.0.1:" + std::to_string(7000 + i), admins_.at(countries[i]).public_key()});
  }
  genesis_ = g;
  contracts::GenesisChain start = contracts::StartChain(g).value();
  ledger_ = ledger::Ledger::Open(std::move(store), start.anchor, std::move(start.state)).value();
  builder_ = std::make_unique<ChainBuilder>(*ledger_, validators);
  for (const SecretKey& k : validators) KnowValidator(k);
}

std::uint64_t ContractsChain::NextBlockTime() const {
  return builder_->TimeOf(ledger_->Head().height.Next());
}

Transaction ContractsChain::Tx(const SecretKey& key, contracts::TxType type, const Bytes& payload) {
  Transaction tx;
  tx.chain_id = chain_id();
  tx.type = static_cast<std::uint16_t>(type);
  tx.payload = payload;
  std::uint64_t& next = next_sequence_[key.public_key()];
  if (next == 0) next = 1;
  tx.sequence = next++;
  tx.Sign(key);
  return tx;
}

std::vector<ledger::Receipt> ContractsChain::Block(std::vector<Transaction> txs) {
  const tamga::Block b = builder_->NextBlockWith(std::move(txs));
  const auto parent = ledger_->StateBefore(nullptr);
  ledger::BlockOutput out = contracts::Executor::ExecuteBlock(parent, b).value();
  Status s;
  if (out.next_validators) {
    // A membership vote adopted: the block ends the epoch, as consensus would commit it.
    std::vector<SecretKey> next;
    for (const PublicKey& k : out.next_validators->validators)
      next.push_back(validator_keys_.at(k));
    s = builder_->CommitReconfiguration(b, std::move(out), std::move(next));
  } else {
    s = builder_->CommitBlock(b, std::move(out));
  }
  TAMGA_CHECK_MSG(s.ok(), s.ToString());
  // As stored: the ledger numbers each receipt's records.
  std::vector<ledger::Receipt> receipts = ledger_->ReceiptsAt(ledger_->Head().height).value();
  // The next sequence of each signer is what the state says: a transaction that never ran
  // did not use up its number.
  for (const Transaction& tx : b.transactions) {
    auto rec = Read<contracts::SignerRecord>(contracts::SignerKey(tx.signer));
    next_sequence_[tx.signer] = rec ? rec->last_sequence + 1 : 1;
  }
  return receipts;
}

Hash32 ContractsChain::RootWithSequenceUsed(const Hash32& before, const Transaction& tx) {
  const Hash32 key = contracts::SignerKey(tx.signer);
  const auto value = ledger::StateTree::Get(ledger_->store(), before, key).value();
  TAMGA_CHECK_MSG(value.has_value(), "the signer is not in the state");
  auto record = Decode<contracts::SignerRecord>(*value, "signer").value();
  record.last_sequence = tx.sequence;
  ledger::Overlay scratch(nullptr, &ledger_->store());
  return ledger::StateTree::Update(scratch, before, {{key, Encode(record)}}).value();
}

Reason ContractsChain::Submit(const Transaction& tx) {
  return static_cast<Reason>(Block({tx})[0].code);
}

Reason ContractsChain::Check(const Transaction& tx) {
  const auto state = ledger_->StateBefore(nullptr);
  return contracts::Executor::Check(state, chain_id(), tx, tx.Hash(), NextBlockTime(),
                                    contracts::ReplayGuard(*ledger_))
      .value()
      .reason;
}

SecretKey ContractsChain::AddOffice(const std::string& country, const std::string& code) {
  SecretKey key = SecretKey::Generate();
  const Reason r = Submit(admin(country), contracts::TxType::kRegisterOffice,
                          contracts::RegisterOffice{code, "Office " + code, key.public_key()});
  TAMGA_CHECK_MSG(r == Reason::kAccepted, std::string(contracts::ReasonText(r)));
  return key;
}

SecretKey ContractsChain::AddIssuer(const std::string& country, const std::string& id,
                                    std::uint32_t scope) {
  SecretKey key = SecretKey::Generate();
  const Reason r = Submit(admin(country), contracts::TxType::kAccreditIssuer,
                          contracts::AccreditIssuer{id, "Chamber " + id, key.public_key(), scope});
  TAMGA_CHECK_MSG(r == Reason::kAccepted, std::string(contracts::ReasonText(r)));
  return key;
}

contracts::CertificateIssue SampleCertificate(const std::string& number, const std::string& from,
                                              const std::string& to, std::uint64_t quantity,
                                              std::uint64_t now_ms) {
  contracts::CertificateIssue c;
  c.number = number;
  c.document_hash = Sha256Of(AsBytes("certificate of origin " + from + "/" + number));
  c.exporting_country = from;
  c.importing_country = to;
  c.issued_ms = now_ms - 1000;
  c.valid_until_ms = now_ms + 86'400'000;
  c.hs_headings = {"100119"};
  c.quantity = quantity;
  c.unit = "kg";
  return c;
}

}  // namespace tamga::testing
