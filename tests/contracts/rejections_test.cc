// tests/contracts/rejections_test.cc
// The rejections the family tests do not reach on their way: one case each, so that every
// documented reason of every rule is exercised.

#include <gtest/gtest.h>

#include "common/sha256.h"
#include "tests/contracts/harness.h"

namespace tamga::contracts {
namespace {

using testing::ContractsChain;
using testing::SampleCertificate;

constexpr std::uint64_t kFar = 4'000'000'000'000;

TEST(MoreRejections, Registry) {
  ContractsChain c;
  const SecretKey chamber = c.AddIssuer("KZ", "CCI-KZ");
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kAccreditIssuer,
                     AccreditIssuer{"CCI-KZ", "again", SecretKey::Generate().public_key(), 1}),
            Reason::kAlreadyExists);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kAccreditIssuer,
                     AccreditIssuer{"OTHER", "same key", chamber.public_key(), 1}),
            Reason::kKeyInUse);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kAccreditIssuer,
                     AccreditIssuer{"bad id!", "x", SecretKey::Generate().public_key(), 1}),
            Reason::kMalformed);
  // A suspended office is refused.
  const SecretKey office = c.AddOffice("UZ", "UZ-1");
  ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kSetOfficeStatus,
                     SetEntityStatus{"UZ-1", EntityStatus::kSuspended}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(office, TxType::kRequestVerification, RequestVerification{"KZ", "X"}),
            Reason::kSignerSuspended);
  // A revocation must bring the time earlier.
  const std::uint64_t from = c.NextBlockTime() + 10'000;
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kRevokeKey, RevokeKey{chamber.public_key(), from}),
            Reason::kAccepted);
  EXPECT_EQ(
      c.Submit(c.admin("KZ"), TxType::kRevokeKey, RevokeKey{chamber.public_key(), from + 5000}),
      Reason::kSignerRevoked);
}

TEST(MoreRejections, IssueReplaceAndVerify) {
  ContractsChain c;
  const SecretKey chamber = c.AddIssuer("KZ", "CCI-KZ");
  const SecretKey other = c.AddIssuer("KZ", "OTHER");
  auto cert = [&](const std::string& n) {
    return SampleCertificate(n, "KZ", "UZ", 100, c.NextBlockTime());
  };
  auto issue = [&](std::vector<CertificateIssue> v) {
    return c.Submit(chamber, TxType::kIssueCertificates, IssueCertificates{std::move(v)});
  };
  CertificateIssue zero = cert("Z1");
  zero.quantity = 0;
  EXPECT_EQ(issue({zero}), Reason::kMalformed);
  CertificateIssue no_unit = cert("Z2");
  no_unit.unit = "";
  EXPECT_EQ(issue({no_unit}), Reason::kMalformed);
  CertificateIssue twin = cert("Z4");
  twin.document_hash = cert("Z3").document_hash;
  EXPECT_EQ(issue({cert("Z3"), twin}), Reason::kAlreadyExists);  // One document twice in a batch.
  EXPECT_EQ(issue({}), Reason::kMalformed);

  ASSERT_EQ(issue({cert("R1"), cert("R2")}), Reason::kAccepted);
  EXPECT_EQ(c.Submit(chamber, TxType::kReplaceCertificate, ReplaceCertificate{"R1", cert("R2")}),
            Reason::kAlreadyExists);  // Number taken.
  CertificateIssue anchored = cert("R3");
  anchored.document_hash = cert("R2").document_hash;
  EXPECT_EQ(c.Submit(chamber, TxType::kReplaceCertificate, ReplaceCertificate{"R1", anchored}),
            Reason::kAlreadyExists);  // Document already anchored.
  EXPECT_EQ(c.Submit(other, TxType::kReplaceCertificate, ReplaceCertificate{"R1", cert("R4")}),
            Reason::kSignerLacksRole);
  ASSERT_EQ(c.Submit(chamber, TxType::kRevokeCertificate, RevokeCertificate{"R2", 1}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(chamber, TxType::kReplaceCertificate, ReplaceCertificate{"R2", cert("R5")}),
            Reason::kCertificateRevoked);
  EXPECT_EQ(c.Submit(chamber, TxType::kRevokeCertificate, RevokeCertificate{"NONE", 1}),
            Reason::kCertificateUnknown);
  EXPECT_EQ(
      c.Submit(c.admin("KZ"), TxType::kAnswerVerification, AnswerVerification{"NONE", true, 0}),
      Reason::kCertificateUnknown);
  EXPECT_EQ(
      c.Submit(c.admin("UZ"), TxType::kRequestVerification, RequestVerification{"KZ", "NONE"}),
      Reason::kCertificateUnknown);
}

TEST(MoreRejections, MraTransitions) {
  ContractsChain c;
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kProposeMra, ProposeMra{"UZ", "M1", {}, 0, kFar}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kSetMraStatus, SetMraStatus{"UZ", MraAction::kSuspend}),
            Reason::kMraNotInForce);  // Only proposed.
  ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kAcceptMra, AcceptMra{"KZ"}), Reason::kAccepted);
  EXPECT_EQ(c.Submit(c.admin("UZ"), TxType::kSetMraStatus, SetMraStatus{"KZ", MraAction::kResume}),
            Reason::kMraNotInForce);  // Not suspended.
  ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kSetMraStatus, SetMraStatus{"KZ", MraAction::kEnd}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kSetMraStatus, SetMraStatus{"UZ", MraAction::kEnd}),
            Reason::kMraNotInForce);  // Already ended.
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kProposeMra, ProposeMra{"UZ", "M2", {}, 0, kFar}),
            Reason::kAccepted);  // A new one after the end.
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kProposeMra, ProposeMra{"UZ", "M3", {}, 0, kFar}),
            Reason::kAlreadyExists);
  EXPECT_EQ(
      c.Submit(c.admin("KG"), TxType::kProposeMra, ProposeMra{"UZ", "M4", {"bad name!"}, 0, kFar}),
      Reason::kMalformed);
}

TEST(MoreRejections, TransitAndAnchors) {
  ContractsChain c;
  const SecretKey kz = c.AddOffice("KZ", "KZ-1"), kg = c.AddOffice("KG", "KG-1");
  (void)c.AddOffice("UZ", "UZ-1");
  const Hash32 manifest = Sha256Of(AsBytes("manifest"));
  ASSERT_EQ(
      c.Submit(kz, TxType::kOpenTransit,
               OpenTransit{"MRN-A", {"KZ", "KG", "UZ"}, "UZ-1", Hash32(), manifest, Hash32()}),
      Reason::kAccepted);
  EXPECT_EQ(c.Submit(kz, TxType::kOpenTransit,
                     OpenTransit{"MRN-B", {"KZ", "UZ"}, "UZ-1", Hash32(), manifest, Hash32()}),
            Reason::kAlreadyExists);  // The manifest is anchored already.
  EXPECT_EQ(
      c.Submit(kg, TxType::kTransitEvent,
               TransitEvent{"MRN-A", TransitEventKind::kSealCheck, true, Sha256Of(AsBytes("n1"))}),
      Reason::kEventOutOfOrder);  // The goods are still in KZ.
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kDischargeTransit, TransitRef{"MRN-NONE"}),
            Reason::kTransitUnknown);

  // The administration anchors without accreditation, and revokes its issuer's anchors.
  const Hash32 invoice = Sha256Of(AsBytes("invoice"));
  ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kAnchorDocument,
                     AnchorDocument{DocumentType::kInvoice, invoice, "INV-1"}),
            Reason::kAccepted);
  const SecretKey phyto = c.AddIssuer("UZ", "UZ-PHYTO", ScopeOf(DocumentType::kPhytosanitary));
  const Hash32 ephyto = Sha256Of(AsBytes("ephyto"));
  ASSERT_EQ(c.Submit(phyto, TxType::kAnchorDocument,
                     AnchorDocument{DocumentType::kPhytosanitary, ephyto, "P-1"}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(c.admin("UZ"), TxType::kRevokeAnchor, RevokeAnchor{ephyto}),
            Reason::kAccepted);
  // A hash a certificate anchored cannot be anchored again as another document.
  EXPECT_EQ(c.Submit(c.admin("UZ"), TxType::kAnchorDocument,
                     AnchorDocument{DocumentType::kOther, manifest, "M-1"}),
            Reason::kAlreadyExists);
}

}  // namespace
}  // namespace tamga::contracts
