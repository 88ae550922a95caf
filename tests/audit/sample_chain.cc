// tests/audit/sample_chain.cc

#include "tests/audit/sample_chain.h"

#include "common/sha256.h"
#include "tests/support/samples.h"

namespace tamga::testing {

using contracts::Reason;
using contracts::TxType;

void BuildSampleChain(ContractsChain& c) {
  // 1, 2: a chamber of KZ and a customs office of UZ.
  const SecretKey chamber = c.AddIssuer("KZ", "CCI-KZ");
  const SecretKey uz_office = c.AddOffice("UZ", "UZ-TASH");
  // 3: two certificates in one issuance; one for another country's exports.
  const std::uint64_t now = c.NextBlockTime();
  std::vector<ledger::Receipt> r = c.Block(
      {c.Tx(chamber, TxType::kIssueCertificates,
            contracts::IssueCertificates{{SampleCertificate("KZ-1", "KZ", "UZ", 500, now),
                                          SampleCertificate("KZ-2", "KZ", "UZ", 700, now)}}),
       c.Tx(chamber, TxType::kIssueCertificates,
            contracts::IssueCertificates{{SampleCertificate("UZ-9", "UZ", "KZ", 10, now)}})});
  TAMGA_CHECK(r[0].code == 0 && r[1].code == static_cast<std::uint16_t>(Reason::kWrongCountry));
  // 4: a use at import, and a use of a certificate nobody issued.
  r = c.Block(
      {c.Tx(uz_office, TxType::kUseCertificate,
            contracts::UseCertificate{"KZ", "KZ-1", Sha256Of(AsBytes("UZ-DECL-1")), 100}),
       c.Tx(uz_office, TxType::kUseCertificate,
            contracts::UseCertificate{"KZ", "NO-SUCH", Sha256Of(AsBytes("UZ-DECL-2")), 1})});
  TAMGA_CHECK(r[0].code == 0 &&
              r[1].code == static_cast<std::uint16_t>(Reason::kCertificateUnknown));
  // 5: a transaction altered after signing, and one by a key nobody registered.
  Transaction altered = c.Tx(c.admin("KZ"), TxType::kRegisterOffice,
                             contracts::RegisterOffice{"KZ-X", "x", TestKey(90).public_key()});
  altered.payload.back() ^= 1;
  r = c.Block({altered, c.Tx(TestKey(91), TxType::kRegisterOffice,
                             contracts::RegisterOffice{"KZ-Y", "y", TestKey(92).public_key()})});
  TAMGA_CHECK(r[0].code == static_cast<std::uint16_t>(Reason::kBadSignature) &&
              r[1].code == static_cast<std::uint16_t>(Reason::kUnknownSigner));
  // 6: empty.
  (void)c.Block({});
  // 7 to 9: KR leaves; the third vote ends epoch 0.
  const contracts::ProposeMembership remove{
      "REMOVE-KR", contracts::MembershipAction::kRemove, {"KR", "", PublicKey(), "", PublicKey()}};
  TAMGA_CHECK(c.Submit(c.admin("KZ"), TxType::kProposeMembership, remove) == Reason::kAccepted);
  TAMGA_CHECK(c.Submit(c.admin("UZ"), TxType::kApproveMembership,
                       contracts::ApproveMembership{"REMOVE-KR"}) == Reason::kAccepted);
  TAMGA_CHECK(c.Submit(c.admin("KG"), TxType::kApproveMembership,
                       contracts::ApproveMembership{"REMOVE-KR"}) == Reason::kAccepted);
  TAMGA_CHECK(c.ledger().Head().validators.epoch == Epoch(1));
  // 10 (epoch 1, three validators): KZ registers an office; KR's key no longer acts.
  r = c.Block({c.Tx(c.admin("KZ"), TxType::kRegisterOffice,
                    contracts::RegisterOffice{"KZ-ALM", "Almaty", TestKey(93).public_key()}),
               c.Tx(c.admin("KR"), TxType::kRegisterOffice,
                    contracts::RegisterOffice{"KR-1", "Seoul", TestKey(94).public_key()})});
  TAMGA_CHECK(r[0].code == 0 && r[1].code == static_cast<std::uint16_t>(Reason::kSignerRevoked));
  // 11: empty.
  (void)c.Block({});
  TAMGA_CHECK(c.ledger().Head().height == Height(kSampleHead));
}

void CopyStore(const ledger::KvStore& from, ledger::KvStore& to) {
  ledger::WriteBatch batch;
  for (std::size_t i = 0; i < ledger::kColumnCount; ++i) {
    const auto column = static_cast<ledger::Column>(i);
    TAMGA_CHECK(from.Scan(column, {}, {},
                          [&](ByteView k, ByteView v) {
                            batch.Put(column, k, v);
                            return true;
                          })
                    .ok());
  }
  TAMGA_CHECK(to.Write(batch, true).ok());
}

}  // namespace tamga::testing
