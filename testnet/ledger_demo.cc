// tamga_ledger_demo: the rules, the ledger and its proofs, for testnet/demo, before the
// daemon (#6) runs them across processes. Four administrations (KZ, UZ, KG, KR) start a
// chain from a genesis document with fresh Ed25519 keys. Every block below is executed by
// the real rules (contracts/), certified by a quorum of real validator signatures and
// committed to RocksDB: a chamber in KZ issues a certificate of origin for goods to UZ;
// UZ customs uses part of it, then the rest; a third use, a use by KG customs and a use of
// a revoked certificate are refused with their reasons. Then Tajikistan joins by a
// two-thirds membership vote, which changes the validator set at the next epoch, and a
// proof file of the certificate is written and checked offline against the pinned
// genesis, and tampered copies are refused.
//
//   tamga_ledger_demo WORKDIR DOCUMENT

#include <cstdio>
#include <map>
#include <string>

#include "common/file_util.h"
#include "common/merkle.h"
#include "common/sha256.h"
#include "contracts/executor.h"
#include "ledger/ledger.h"

namespace tamga {
namespace {

using contracts::Reason;
using contracts::TxType;

class Demo {
 public:
  std::vector<SecretKey> validators;
  std::unique_ptr<ledger::Ledger> ledger;

  Status Start(const std::string& dir, const contracts::Genesis& genesis) {
    TAMGA_ASSIGN_OR_RETURN(contracts::GenesisChain chain, contracts::StartChain(genesis));
    anchor_ = chain.anchor;
    TAMGA_ASSIGN_OR_RETURN(
        ledger, ledger::Ledger::OpenDirectory(dir, chain.anchor, std::move(chain.state)));
    TAMGA_ASSIGN_OR_RETURN(last_, ledger->HeaderAt(Height(0)));
    TAMGA_ASSIGN_OR_RETURN(last_qc_, ledger->GenesisQc());
    return Status::Ok();
  }
  const ledger::TrustAnchor& anchor() const { return anchor_; }

  template <typename P>
  Transaction Tx(const SecretKey& key, TxType type, const P& payload) {
    Transaction tx;
    tx.chain_id = anchor_.chain_id;
    tx.type = static_cast<std::uint16_t>(type);
    tx.payload = Encode(payload);
    tx.sequence = ++sequence_[key.public_key()];
    tx.Sign(key);
    return tx;
  }

  // Keys of validators that may join by a membership vote, so the demo can sign for them.
  std::map<PublicKey, SecretKey> known_validators;

  // One block: executed by the rules, certified, committed. Returns the receipts. If the
  // rules adopted a membership change, the block ends the epoch and the next one is signed
  // by the new set.
  Result<std::vector<ledger::Receipt>> Block(std::vector<Transaction> txs) {
    tamga::Block b = Next(std::move(txs));
    TAMGA_ASSIGN_OR_RETURN(ledger::BlockOutput out,
                           contracts::Executor::ExecuteBlock(ledger->StateBefore(nullptr), b));
    for (std::size_t i = 0; i < out.receipts.size(); ++i) {
      // A transaction that never ran did not use its sequence number.
      if (!contracts::CountsAsOnLedger(static_cast<contracts::Reason>(out.receipts[i].code))) {
        --sequence_[b.transactions[i].signer];
      }
    }
    const std::optional<ValidatorSet> next = out.next_validators;
    TAMGA_ASSIGN_OR_RETURN(auto p, ledger->Prepare(nullptr, b, std::move(out)));
    const QuorumCertificate qc = Certify(b, p->result);
    std::vector<CertifiedBlock> epoch_proof;
    if (next) {
      // The two-chain that commits the block ending the epoch: one certified child.
      tamga::Block child = Next({});
      child.header.height = b.header.height.Next();
      child.header.round = b.header.round.Next();
      child.header.parent_id = b.header.Id();
      child.justify = qc;
      TAMGA_ASSIGN_OR_RETURN(auto cp, ledger->Prepare(p, child, {}));
      epoch_proof.push_back({child, Certify(child, cp->result)});
    }
    TAMGA_RETURN_IF_ERROR(ledger->Commit(*p, qc, epoch_proof));
    last_ = b.header;
    last_qc_ = qc;
    round_ = b.header.round;
    if (next) {
      epoch_ = next->epoch;
      round_ = Round(0);
      validators.clear();
      for (const PublicKey& k : next->validators) validators.push_back(known_validators.at(k));
    }
    return ledger->ReceiptsAt(b.header.height);
  }

 private:
  tamga::Block Next(std::vector<Transaction> txs) const {
    tamga::Block b;
    b.header.chain_id = anchor_.chain_id;
    b.header.epoch = epoch_;
    b.header.round = round_.Next();
    b.header.height = last_.height.Next();
    b.header.parent_id = last_.Id();
    b.header.timestamp_ms = last_.timestamp_ms + 400;
    std::vector<Hash32> ids;
    for (const Transaction& t : txs) ids.push_back(t.Hash());
    b.header.payload_root = MerkleRoot(ids);
    b.header.transaction_count = static_cast<std::uint32_t>(txs.size());
    b.justify = last_qc_;
    b.transactions = std::move(txs);
    return b;
  }

  QuorumCertificate Certify(const tamga::Block& b, const ExecutionResult& r) const {
    QuorumCertificate qc;
    qc.data = VoteData{b.header.chain_id, b.header.epoch, b.header.round,
                       b.header.height,   b.header.Id(),  r};
    const Bytes msg = Encode(qc.data);
    for (std::size_t i = 0; i < validators.size() * 2 / 3 + 1; ++i) {
      qc.signatures.push_back({ValidatorIndex(static_cast<std::uint32_t>(i)),
                               validators[i].Sign(SignDomain::kVote, msg)});
    }
    return qc;
  }

  ledger::TrustAnchor anchor_;
  BlockHeader last_;
  QuorumCertificate last_qc_;
  Epoch epoch_;
  Round round_;
  std::map<PublicKey, std::uint64_t> sequence_;
};

int Fail(const std::string& what) {
  std::fprintf(stderr, "ledger demo: %s\n", what.c_str());
  return 1;
}

// Prints one transaction's outcome; `expected` is what the story needs.
bool Show(const char* what, const ledger::Receipt& r, Reason expected) {
  const Reason got = static_cast<Reason>(r.code);
  std::printf("  %-52s -> %s%s%s\n", what, got == Reason::kAccepted ? "accepted" : "REFUSED: ",
              got == Reason::kAccepted ? "" : std::string(contracts::ReasonText(got)).c_str(),
              got == Reason::kAccepted || r.detail.empty() ? "" : (" (" + r.detail + ")").c_str());
  return got == expected;
}

int Run(const std::string& work, const std::string& document) {
  const std::vector<std::string> countries = {"KZ", "UZ", "KG", "KR"};
  Demo d;
  std::map<std::string, SecretKey> admin;
  contracts::Genesis genesis;
  genesis.chain_name = "tamga demo";
  genesis.genesis_time_ms = 1'795'000'000'000;
  for (std::size_t i = 0; i < countries.size(); ++i) {
    d.validators.push_back(SecretKey::Generate());
    d.known_validators.emplace(d.validators.back().public_key(), d.validators.back());
    admin.emplace(countries[i], SecretKey::Generate());
    genesis.administrations.push_back(
        {countries[i], "Customs of " + countries[i], d.validators.back().public_key(),
         "127.0.0.1:" + std::to_string(26650 + i), admin.at(countries[i]).public_key()});
  }
  const std::string dir = work + "/ledger";
  if (Status s = d.Start(dir, genesis); !s.ok()) return Fail(s.ToString());
  std::printf("genesis: KZ, UZ, KG, KR; chain %s...\n",
              d.anchor().chain_id.ToHex().substr(0, 16).c_str());

  auto file = ReadFileToString(document, 64 << 20);
  if (!file.ok()) return Fail(file.error().ToString());
  const Hash32 doc = Sha256Of(AsBytes(*file));
  const SecretKey chamber = SecretKey::Generate(), uz_customs = SecretKey::Generate(),
                  kg_customs = SecretKey::Generate();
  bool story = true;
  auto block = [&](std::vector<Transaction> txs) {
    auto r = d.Block(std::move(txs));
    if (!r.ok()) {
      std::fprintf(stderr, "ledger demo: %s\n", r.error().ToString().c_str());
      std::exit(1);
    }
    return *r;
  };

  auto r = block(
      {d.Tx(admin.at("KZ"), TxType::kAccreditIssuer,
            contracts::AccreditIssuer{"CCI-KZ", "Chamber of Commerce of Kazakhstan",
                                      chamber.public_key(), contracts::kScopeCertificateOfOrigin}),
       d.Tx(admin.at("UZ"), TxType::kRegisterOffice,
            contracts::RegisterOffice{"UZ-TASH", "Tashkent customs", uz_customs.public_key()}),
       d.Tx(admin.at("KG"), TxType::kRegisterOffice,
            contracts::RegisterOffice{"KG-BISH", "Bishkek customs", kg_customs.public_key()})});
  std::printf("block 1:\n");
  story &= Show("KZ accredits its chamber of commerce", r[0], Reason::kAccepted);
  story &= Show("UZ registers its Tashkent office", r[1], Reason::kAccepted);
  story &= Show("KG registers its Bishkek office", r[2], Reason::kAccepted);

  contracts::CertificateIssue coo;
  coo.number = "KZ-2026-000123";
  coo.document_hash = doc;
  coo.exporting_country = "KZ";
  coo.importing_country = "UZ";
  coo.issued_ms = genesis.genesis_time_ms;
  coo.valid_until_ms = genesis.genesis_time_ms + 180ull * 86'400'000;
  coo.hs_headings = {"100119"};
  coo.quantity = 240'000;
  coo.unit = "kg";
  contracts::CertificateIssue other = coo;
  other.number = "KZ-2026-000124";
  other.document_hash = Sha256Of(AsBytes("another certificate"));
  r = block(
      {d.Tx(chamber, TxType::kIssueCertificates, contracts::IssueCertificates{{coo, other}})});
  std::printf("block 2:\n");
  story &=
      Show("the chamber issues KZ-2026-000123 (and -000124), 1 signature", r[0], Reason::kAccepted);
  const std::uint64_t issued_record = r[0].first_record;

  auto use = [&](const SecretKey& office, const std::string& number, std::uint64_t kg,
                 const std::string& declaration) {
    return d.Tx(office, TxType::kUseCertificate,
                contracts::UseCertificate{"KZ", number, Sha256Of(AsBytes(declaration)), kg});
  };
  r = block({use(uz_customs, coo.number, 100'000, "UZ declaration 1"),
             use(uz_customs, coo.number, 140'000, "UZ declaration 2"),
             use(uz_customs, coo.number, 1, "UZ declaration 3"),
             use(kg_customs, coo.number, 1'000, "KG declaration 1")});
  std::printf("block 3:\n");
  story &= Show("UZ customs uses 100 000 kg against a declaration", r[0], Reason::kAccepted);
  story &= Show("UZ customs uses the remaining 140 000 kg", r[1], Reason::kAccepted);
  story &= Show("UZ customs tries a third use of 1 kg", r[2], Reason::kFullyUsed);
  story &= Show("KG customs tries to use it", r[3], Reason::kWrongImportingCountry);
  r = block(
      {d.Tx(chamber, TxType::kRevokeCertificate, contracts::RevokeCertificate{other.number, 2}),
       use(uz_customs, other.number, 500, "UZ declaration 4")});
  std::printf("block 4:\n");
  story &= Show("the chamber revokes KZ-2026-000124", r[0], Reason::kAccepted);
  story &=
      Show("UZ customs tries to use the revoked certificate", r[1], Reason::kCertificateRevoked);
  if (!story) return Fail("an outcome differs from the story");

  // Tajikistan joins: KZ proposes, UZ and KG approve; the third approval of four adopts it
  // and the validator set changes at the next epoch.
  const SecretKey tj_validator = SecretKey::Generate(), tj_admin = SecretKey::Generate();
  d.known_validators.emplace(tj_validator.public_key(), tj_validator);
  const contracts::AdministrationEntry tj{"TJ", "Customs of TJ", tj_validator.public_key(),
                                          "127.0.0.1:26654", tj_admin.public_key()};
  r = block(
      {d.Tx(admin.at("KZ"), TxType::kProposeMembership,
            contracts::ProposeMembership{"ADD-TJ", contracts::MembershipAction::kAdd, tj}),
       d.Tx(admin.at("UZ"), TxType::kApproveMembership, contracts::ApproveMembership{"ADD-TJ"})});
  std::printf("block 5:\n");
  story &= Show("KZ proposes that TJ join; UZ approves (2 of 4)", r[1], Reason::kAccepted);
  r = block(
      {d.Tx(admin.at("KG"), TxType::kApproveMembership, contracts::ApproveMembership{"ADD-TJ"})});
  std::printf("block 6:\n");
  story &= Show("KG approves: two thirds, adopted; block 6 ends epoch 0", r[0], Reason::kAccepted);
  r = block({d.Tx(tj_admin, TxType::kRegisterOffice,
                  contracts::RegisterOffice{"TJ-DUSH", "Dushanbe customs",
                                            SecretKey::Generate().public_key()})});
  std::printf("block 7 (epoch 1, signed by 4 of the 5 validators):\n");
  story &= Show("TJ registers its Dushanbe office", r[0], Reason::kAccepted);
  if (!story) return Fail("an outcome differs from the story");
  for (int i = 0; i < 2; ++i) block({});

  // Restart: the ledger reopens at its head; a second opener is refused.
  const Height head = d.ledger->Head().height;
  d.ledger.reset();
  auto again = ledger::Ledger::OpenDirectory(dir, d.anchor());
  if (!again.ok()) return Fail(again.error().ToString());
  auto second = ledger::Ledger::OpenDirectory(dir, d.anchor());
  std::printf("reopened at height %s (was %s); opening it a second time while open: %s\n",
              (*again)->Head().height.ToString().c_str(), head.ToString().c_str(),
              second.ok() ? "ACCEPTED (wrong)" : "refused, in use");
  if (second.ok()) return Fail("a second opener was accepted");

  // The proof file: the issuance record, the certificate's state and the document's.
  const Hash32 cert_key = contracts::CertificateKey("KZ", coo.number);
  auto proof = (*again)->BuildProof(issued_record, {cert_key, contracts::DocumentKey(doc)});
  if (!proof.ok()) return Fail(proof.error().ToString());
  const std::string json = ledger::ProofToJson(*proof);
  const std::string path = work + "/proof.json";
  if (Status s = WriteFileAtomic(path, json, {}); !s.ok()) return Fail(s.ToString());
  std::printf("proof file %s: %zu bytes\n", path.c_str(), json.size());

  const ledger::ProofVerdict v = ledger::VerifyProofJson(d.anchor(), json);
  if (!v.ok()) return Fail(std::string(ledger::ProofErrorName(v.error)) + ": " + v.message);
  const auto cert = Decode<contracts::CertificateRecord>(*v.facts.state[0].value, "certificate");
  const auto issued = Decode<contracts::CertificateIssue>(v.facts.record->body, "issue");
  if (!cert.ok() || !issued.ok()) return Fail("the proven records do not decode");
  std::printf("offline check against the pinned genesis: OK\n");
  std::printf("  issued: %s, %s -> %s, %llu %s, document %s..., in block %s\n",
              issued->number.c_str(), issued->exporting_country.c_str(),
              issued->importing_country.c_str(), static_cast<unsigned long long>(issued->quantity),
              issued->unit.c_str(), issued->document_hash.ToHex().substr(0, 16).c_str(),
              v.facts.record->height.ToString().c_str());
  std::printf("  status at block %s (time %llu, epoch %s, signed by validators",
              v.facts.height.ToString().c_str(),
              static_cast<unsigned long long>(v.facts.timestamp_ms),
              v.facts.epoch.ToString().c_str());
  for (ValidatorIndex s : v.facts.signers) std::printf(" %s", s.ToString().c_str());
  std::printf("): %s, %llu %s remaining after %u uses\n",
              cert->status == contracts::CertificateStatus::kValid ? "valid" : "not valid",
              static_cast<unsigned long long>(cert->remaining), cert->issue.unit.c_str(),
              cert->uses);

  auto tampered = [&](const char* what, auto change, const ledger::TrustAnchor& a) {
    ledger::ProofFile p = *proof;
    change(p);
    const ledger::ProofVerdict t = ledger::VerifyProof(a, p);
    std::printf("  %-48s -> %s\n", what,
                t.ok() ? "ACCEPTED (wrong)" : std::string(ledger::ProofErrorName(t.error)).c_str());
    return !t.ok();
  };
  std::printf("tampered copies:\n");
  bool all = true;
  all &= tampered(
      "remaining quantity raised in the state entry",
      [](ledger::ProofFile& p) { p.state[0].value->back() ^= 1; }, d.anchor());
  all &= tampered(
      "the issuance record altered",
      [](ledger::ProofFile& p) { p.log->record[p.log->record.size() - 1] ^= 1; }, d.anchor());
  all &= tampered(
      "one signature removed from the QC",
      [](ledger::ProofFile& p) { p.block.qc.signatures.pop_back(); }, d.anchor());
  all &= tampered(
      "a signature altered",
      [](ledger::ProofFile& p) { p.block.qc.signatures[0].signature.data()[9] ^= 1; }, d.anchor());
  all &= tampered(
      "the epoch change left out", [](ledger::ProofFile& p) { p.epochs.clear(); }, d.anchor());
  ledger::TrustAnchor other_chain = d.anchor();
  other_chain.chain_id = Sha256Of(AsBytes("another chain"));
  all &= tampered(
      "checked against another genesis", [](ledger::ProofFile&) {}, other_chain);
  if (!all) return Fail("a tampered proof was accepted");
  return 0;
}

}  // namespace
}  // namespace tamga

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s WORKDIR DOCUMENT\n", argv[0]);
    return 2;
  }
  return tamga::Run(argv[1], argv[2]);
}
