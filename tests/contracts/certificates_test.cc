// tests/contracts/certificates_test.cc
// Certificates of origin: issue (one and in batches), use at import down to the last
// kilogram, replace, revoke, expiry, retroactive verification, and point-in-time status.

#include <gtest/gtest.h>

#include "common/sha256.h"
#include "tests/contracts/harness.h"

namespace tamga::contracts {
namespace {

using testing::ContractsChain;
using testing::SampleCertificate;

class Certificates : public ::testing::Test {
 protected:
  Certificates()
      : chamber_(c_.AddIssuer("KZ", "CCI-KZ")),
        uz_office_(c_.AddOffice("UZ", "UZ-TASH")),
        kg_office_(c_.AddOffice("KG", "KG-BISH")) {}

  Reason Issue(const CertificateIssue& cert) {
    return c_.Submit(chamber_, TxType::kIssueCertificates, IssueCertificates{{cert}});
  }
  CertificateIssue Cert(const std::string& number, std::uint64_t kg = 240'000) {
    return SampleCertificate(number, "KZ", "UZ", kg, c_.NextBlockTime());
  }
  Reason Use(const SecretKey& office, const std::string& number, std::uint64_t kg,
             const std::string& declaration) {
    return c_.Submit(office, TxType::kUseCertificate,
                     UseCertificate{"KZ", number, Sha256Of(AsBytes(declaration)), kg});
  }
  CertificateRecord Get(const std::string& number) {
    return c_.Read<CertificateRecord>(CertificateKey("KZ", number)).value();
  }

  ContractsChain c_;
  SecretKey chamber_, uz_office_, kg_office_;
};

TEST_F(Certificates, IssueUseInPartsThenRefuseTheThirdUse) {
  const CertificateIssue cert = Cert("KZ-2026-000123");
  ASSERT_EQ(Issue(cert), Reason::kAccepted);
  const auto doc = c_.Read<DocumentRecord>(DocumentKey(cert.document_hash));
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->number, "KZ-2026-000123");
  EXPECT_EQ(Get("KZ-2026-000123").remaining, 240'000u);

  EXPECT_EQ(Use(uz_office_, "KZ-2026-000123", 100'000, "UZ-DECL-1"), Reason::kAccepted);
  EXPECT_EQ(Get("KZ-2026-000123").remaining, 140'000u);
  EXPECT_EQ(Use(uz_office_, "KZ-2026-000123", 140'001, "UZ-DECL-2"), Reason::kQuantityExceeded);
  EXPECT_EQ(Use(uz_office_, "KZ-2026-000123", 140'000, "UZ-DECL-1"), Reason::kDuplicateUse);
  EXPECT_EQ(Use(uz_office_, "KZ-2026-000123", 140'000, "UZ-DECL-2"), Reason::kAccepted);
  const CertificateRecord used = Get("KZ-2026-000123");
  EXPECT_EQ(used.remaining, 0u);
  EXPECT_EQ(used.uses, 2u);
  EXPECT_EQ(Use(uz_office_, "KZ-2026-000123", 1, "UZ-DECL-3"), Reason::kFullyUsed);
}

TEST_F(Certificates, OnlyAnOfficeOfTheImportingCountryMayUseIt) {
  ASSERT_EQ(Issue(Cert("C1")), Reason::kAccepted);
  EXPECT_EQ(Use(kg_office_, "C1", 10, "KG-DECL"), Reason::kWrongImportingCountry);
  EXPECT_EQ(c_.Submit(chamber_, TxType::kUseCertificate,
                      UseCertificate{"KZ", "C1", Sha256Of(AsBytes("d")), 10}),
            Reason::kSignerLacksRole);
  EXPECT_EQ(Use(uz_office_, "NO-SUCH", 10, "D"), Reason::kCertificateUnknown);
  EXPECT_EQ(Use(uz_office_, "C1", 0, "D"), Reason::kMalformed);
}

TEST_F(Certificates, IssuanceRules) {
  ASSERT_EQ(Issue(Cert("D1")), Reason::kAccepted);
  EXPECT_EQ(Issue(Cert("D1")), Reason::kAlreadyExists);  // Number taken.
  CertificateIssue same_doc = Cert("D2");
  same_doc.document_hash = Get("D1").issue.document_hash;
  EXPECT_EQ(Issue(same_doc), Reason::kAlreadyExists);  // Document already anchored.
  CertificateIssue foreign = SampleCertificate("D3", "UZ", "KZ", 10, c_.NextBlockTime());
  EXPECT_EQ(Issue(foreign), Reason::kWrongCountry);  // A KZ chamber issues for KZ exports.
  CertificateIssue bad = Cert("D4");
  bad.valid_until_ms = bad.issued_ms;
  EXPECT_EQ(Issue(bad), Reason::kMalformed);
  bad = Cert("D5");
  bad.hs_headings = {"10x1"};
  EXPECT_EQ(Issue(bad), Reason::kMalformed);
  bad = Cert("D6");
  bad.importing_country = "KZ";
  EXPECT_EQ(Issue(bad), Reason::kMalformed);
  // A chamber accredited for nothing it can use here.
  EXPECT_EQ(c_.Submit(c_.admin("KZ"), TxType::kAccreditIssuer,
                      AccreditIssuer{"OTHER", "x", SecretKey::Generate().public_key(), 1u << 7}),
            Reason::kMalformed);
  // The administration itself may issue.
  EXPECT_EQ(c_.Submit(c_.admin("KZ"), TxType::kIssueCertificates, IssueCertificates{{Cert("D7")}}),
            Reason::kAccepted);
  EXPECT_EQ(Get("D7").issuer, "");
}

TEST_F(Certificates, OneSignedBatchIssuesAThousandCertificatesOrNone) {
  IssueCertificates batch;
  for (int i = 0; i < 1000; ++i)
    batch.certificates.push_back(Cert("BATCH-" + std::to_string(i), 1000));
  IssueCertificates with_duplicate = batch;
  with_duplicate.certificates.push_back(Cert("BATCH-7"));
  const Hash32 before = c_.StateRoot();
  const Transaction refused = c_.Tx(chamber_, TxType::kIssueCertificates, with_duplicate);
  EXPECT_EQ(c_.Submit(refused), Reason::kAlreadyExists);
  EXPECT_EQ(c_.StateRoot(), c_.RootWithSequenceUsed(before, refused));
  const auto receipts = c_.Block({c_.Tx(chamber_, TxType::kIssueCertificates, batch)});
  ASSERT_EQ(receipts[0].code, 0);
  EXPECT_EQ(receipts[0].record_count, 1000u);  // One log record, so one proof, each.
  EXPECT_EQ(Get("BATCH-999").remaining, 1000u);
  const ledger::LogRecord r = c_.ledger().RecordAt(receipts[0].first_record + 5).value();
  EXPECT_EQ(Decode<CertificateIssue>(r.body, "issue").value().number, "BATCH-5");
}

TEST_F(Certificates, ReplacedAndRevokedCertificatesCannotBeUsed) {
  ASSERT_EQ(Issue(Cert("E1", 1000)), Reason::kAccepted);
  ASSERT_EQ(Use(uz_office_, "E1", 300, "DECL-E1"), Reason::kAccepted);
  // The correction cannot certify less than was already used.
  EXPECT_EQ(
      c_.Submit(chamber_, TxType::kReplaceCertificate, ReplaceCertificate{"E1", Cert("E1-R", 200)}),
      Reason::kQuantityExceeded);
  ASSERT_EQ(
      c_.Submit(chamber_, TxType::kReplaceCertificate, ReplaceCertificate{"E1", Cert("E1-R", 900)}),
      Reason::kAccepted);
  const CertificateRecord old = Get("E1"), fresh = Get("E1-R");
  EXPECT_EQ(old.status, CertificateStatus::kReplaced);
  EXPECT_EQ(old.replaced_by, "E1-R");
  EXPECT_EQ(fresh.replaces, "E1");
  EXPECT_EQ(fresh.remaining, 600u);  // 900 certified, 300 already used under E1.
  EXPECT_EQ(Use(uz_office_, "E1", 10, "DECL-2"), Reason::kCertificateReplaced);
  EXPECT_EQ(c_.Submit(chamber_, TxType::kRevokeCertificate, RevokeCertificate{"E1", 1}),
            Reason::kCertificateReplaced);

  ASSERT_EQ(c_.Submit(chamber_, TxType::kRevokeCertificate, RevokeCertificate{"E1-R", 3}),
            Reason::kAccepted);
  EXPECT_EQ(Get("E1-R").status, CertificateStatus::kRevoked);
  EXPECT_EQ(Get("E1-R").revocation_reason, 3);
  EXPECT_EQ(Use(uz_office_, "E1-R", 10, "DECL-3"), Reason::kCertificateRevoked);
  EXPECT_EQ(c_.Submit(chamber_, TxType::kRevokeCertificate, RevokeCertificate{"E1-R", 3}),
            Reason::kCertificateRevoked);
  // Another chamber of the same country may not touch it; the administration may.
  const SecretKey other = c_.AddIssuer("KZ", "OTHER-KZ");
  ASSERT_EQ(Issue(Cert("E2")), Reason::kAccepted);
  EXPECT_EQ(c_.Submit(other, TxType::kRevokeCertificate, RevokeCertificate{"E2", 1}),
            Reason::kSignerLacksRole);
  EXPECT_EQ(c_.Submit(c_.admin("KZ"), TxType::kRevokeCertificate, RevokeCertificate{"E2", 1}),
            Reason::kAccepted);
}

TEST_F(Certificates, ACorrectionKeepsUnitAndCountriesAndDoesNotRecountADeclaration) {
  ASSERT_EQ(Issue(Cert("J1", 1000)), Reason::kAccepted);
  ASSERT_EQ(Use(uz_office_, "J1", 100, "DECL-J"), Reason::kAccepted);
  CertificateIssue other_unit = Cert("J1-R", 1000);
  other_unit.unit = "pcs";
  EXPECT_EQ(c_.Submit(chamber_, TxType::kReplaceCertificate, ReplaceCertificate{"J1", other_unit}),
            Reason::kMalformed);
  CertificateIssue other_country = Cert("J1-R", 1000);
  other_country.importing_country = "KG";
  EXPECT_EQ(
      c_.Submit(chamber_, TxType::kReplaceCertificate, ReplaceCertificate{"J1", other_country}),
      Reason::kWrongCountry);
  ASSERT_EQ(c_.Submit(chamber_, TxType::kReplaceCertificate,
                      ReplaceCertificate{"J1", Cert("J1-R", 1000)}),
            Reason::kAccepted);
  EXPECT_EQ(Use(uz_office_, "J1-R", 100, "DECL-J"), Reason::kDuplicateUse);
  EXPECT_EQ(Use(uz_office_, "J1-R", 100, "DECL-K"), Reason::kAccepted);
}

TEST_F(Certificates, ANotConfirmedAnswerStopsUseAndFollowsACorrection) {
  ASSERT_EQ(Issue(Cert("K1", 1000)), Reason::kAccepted);
  ASSERT_EQ(c_.Submit(uz_office_, TxType::kRequestVerification, RequestVerification{"KZ", "K1"}),
            Reason::kAccepted);
  ASSERT_EQ(
      c_.Submit(c_.admin("KZ"), TxType::kAnswerVerification, AnswerVerification{"K1", false, 7}),
      Reason::kAccepted);
  EXPECT_EQ(Use(uz_office_, "K1", 10, "DECL-K1"), Reason::kCertificateNotConfirmed);
  EXPECT_EQ(
      c_.Submit(c_.admin("KZ"), TxType::kAnswerVerification, AnswerVerification{"K1", true, 0}),
      Reason::kNoPendingRequest);  // Answered already.
  ASSERT_EQ(c_.Submit(chamber_, TxType::kReplaceCertificate,
                      ReplaceCertificate{"K1", Cert("K1-R", 1000)}),
            Reason::kAccepted);
  EXPECT_EQ(Use(uz_office_, "K1-R", 10, "DECL-K1"), Reason::kCertificateNotConfirmed);
}

TEST_F(Certificates, ExpiredOrNotYetValidCertificatesCannotBeUsed) {
  CertificateIssue short_lived = Cert("F1");
  short_lived.valid_until_ms = c_.NextBlockTime() + 500;  // Expires before the next block.
  ASSERT_EQ(Issue(short_lived), Reason::kAccepted);
  EXPECT_EQ(Use(uz_office_, "F1", 10, "D"), Reason::kCertificateExpired);
  CertificateIssue later = Cert("F2");
  later.issued_ms = c_.NextBlockTime() + 3'600'000;
  later.valid_until_ms = later.issued_ms + 86'400'000;
  ASSERT_EQ(Issue(later), Reason::kAccepted);
  EXPECT_EQ(Use(uz_office_, "F2", 10, "D"), Reason::kCertificateNotYetValid);
}

TEST_F(Certificates, RetroactiveVerificationIsAskedByTheImporterAndAnsweredByTheExporter) {
  ASSERT_EQ(Issue(Cert("G1")), Reason::kAccepted);
  EXPECT_EQ(
      c_.Submit(c_.admin("KZ"), TxType::kAnswerVerification, AnswerVerification{"G1", true, 0}),
      Reason::kNoPendingRequest);
  EXPECT_EQ(
      c_.Submit(c_.admin("KG"), TxType::kRequestVerification, RequestVerification{"KZ", "G1"}),
      Reason::kWrongImportingCountry);
  const std::uint64_t asked_at = c_.NextBlockTime();
  ASSERT_EQ(c_.Submit(uz_office_, TxType::kRequestVerification, RequestVerification{"KZ", "G1"}),
            Reason::kAccepted);
  EXPECT_EQ(Get("G1").verification, VerificationState::kRequested);
  EXPECT_EQ(Get("G1").verification_ms, asked_at);
  EXPECT_EQ(c_.Submit(chamber_, TxType::kAnswerVerification, AnswerVerification{"G1", true, 0}),
            Reason::kSignerLacksRole);
  ASSERT_EQ(
      c_.Submit(c_.admin("KZ"), TxType::kAnswerVerification, AnswerVerification{"G1", false, 4}),
      Reason::kAccepted);
  EXPECT_EQ(Get("G1").verification, VerificationState::kNotConfirmed);
  EXPECT_EQ(Get("G1").verification_reason, 4);
}

TEST_F(Certificates, StatusAtAPastTimeComesFromTheVersionedState) {
  ASSERT_EQ(Issue(Cert("H1", 100)), Reason::kAccepted);
  const std::uint64_t valid_time =
      c_.ledger().BlockAt(c_.ledger().Head().height).value().header.timestamp_ms;
  ASSERT_EQ(c_.Submit(chamber_, TxType::kRevokeCertificate, RevokeCertificate{"H1", 2}),
            Reason::kAccepted);
  const Height then = c_.ledger().HeightAtTime(valid_time).value();
  const auto past = c_.ledger().StateAt(then, CertificateKey("KZ", "H1")).value();
  ASSERT_TRUE(past);
  EXPECT_EQ(Decode<CertificateRecord>(*past, "c").value().status, CertificateStatus::kValid);
  EXPECT_EQ(Get("H1").status, CertificateStatus::kRevoked);
  // The history index lists both transactions.
  int history = 0;
  ASSERT_TRUE(c_.ledger()
                  .IndexScan(CertificateHistoryPrefix("KZ", "H1"),
                             [&](ByteView, ByteView) {
                               ++history;
                               return true;
                             })
                  .ok());
  EXPECT_EQ(history, 2);
}

}  // namespace
}  // namespace tamga::contracts
