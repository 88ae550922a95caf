// tests/contracts/aeo_transit_test.cc
// AEO statuses and mutual recognition (never transitive), transit in route order, and the
// generic anchor: each acceptance and each rejection.

#include <gtest/gtest.h>

#include "common/sha256.h"
#include "contracts/queries.h"
#include "tests/contracts/harness.h"

namespace tamga::contracts {
namespace {

using testing::ContractsChain;

Hash32 Operator(const std::string& national_id) { return Sha256Of(AsBytes(national_id)); }

class Aeo : public ::testing::Test {
 protected:
  Reason SetStatus(const std::string& country, const Hash32& op, AeoStatus status) {
    return c_.Submit(c_.admin(country), TxType::kSetAeoStatus,
                     SetAeoStatus{op, status, "AEO-S", 0, kFarFuture});
  }
  Recognition Ask(const std::string& a, const Hash32& op, const std::string& b) {
    const auto state = c_.ledger().StateBefore(nullptr);
    return RecognitionOf(state, a, op, b, c_.NextBlockTime()).value();
  }
  static constexpr std::uint64_t kFarFuture = 4'000'000'000'000;
  ContractsChain c_;
};

TEST_F(Aeo, RecognitionNeedsAGrantedStatusAndAnMraInForceAndIsNeverTransitive) {
  const Hash32 x = Operator("KR-123-45-67890");
  EXPECT_FALSE(Ask("KR", x, "KZ").recognised);  // Not an AEO at all.
  ASSERT_EQ(SetStatus("KR", x, AeoStatus::kGranted), Reason::kAccepted);
  EXPECT_TRUE(Ask("KR", x, "KR").recognised);  // At home.
  Recognition r = Ask("KR", x, "KZ");
  EXPECT_FALSE(r.recognised);
  EXPECT_NE(r.why.find("no MRA"), std::string::npos) << r.why;

  ASSERT_EQ(c_.Submit(c_.admin("KR"), TxType::kProposeMra,
                      ProposeMra{"KZ", "MRA-KR-KZ", {}, 0, kFarFuture}),
            Reason::kAccepted);
  EXPECT_FALSE(Ask("KR", x, "KZ").recognised);  // Proposed, not yet accepted.
  EXPECT_EQ(c_.Submit(c_.admin("KR"), TxType::kAcceptMra, AcceptMra{"KR"}), Reason::kMraUnknown);
  EXPECT_EQ(c_.Submit(c_.admin("KR"), TxType::kAcceptMra, AcceptMra{"KZ"}), Reason::kWrongCountry);
  ASSERT_EQ(c_.Submit(c_.admin("KZ"), TxType::kAcceptMra, AcceptMra{"KR"}), Reason::kAccepted);
  r = Ask("KR", x, "KZ");
  EXPECT_TRUE(r.recognised) << r.why;
  ASSERT_TRUE(r.mra);
  EXPECT_EQ(r.mra->id, "MRA-KR-KZ");
  EXPECT_EQ(c_.Submit(c_.admin("KZ"), TxType::kAcceptMra, AcceptMra{"KR"}), Reason::kMraNotInForce);
  EXPECT_EQ(
      c_.Submit(c_.admin("KZ"), TxType::kProposeMra, ProposeMra{"KR", "AGAIN", {}, 0, kFarFuture}),
      Reason::kAlreadyExists);

  // KZ-UZ in force too: still no KR-UZ recognition.
  ASSERT_EQ(c_.Submit(c_.admin("KZ"), TxType::kProposeMra,
                      ProposeMra{"UZ", "MRA-KZ-UZ", {}, 0, kFarFuture}),
            Reason::kAccepted);
  ASSERT_EQ(c_.Submit(c_.admin("UZ"), TxType::kAcceptMra, AcceptMra{"KZ"}), Reason::kAccepted);
  EXPECT_FALSE(Ask("KR", x, "UZ").recognised);

  // Suspending the MRA or the operator ends recognition; resuming restores it.
  ASSERT_EQ(
      c_.Submit(c_.admin("KZ"), TxType::kSetMraStatus, SetMraStatus{"KR", MraAction::kSuspend}),
      Reason::kAccepted);
  r = Ask("KR", x, "KZ");
  EXPECT_FALSE(r.recognised);
  EXPECT_NE(r.why.find("suspended"), std::string::npos) << r.why;
  EXPECT_EQ(
      c_.Submit(c_.admin("KZ"), TxType::kSetMraStatus, SetMraStatus{"KR", MraAction::kSuspend}),
      Reason::kMraNotInForce);
  // Only the party that suspended lifts the suspension.
  EXPECT_EQ(
      c_.Submit(c_.admin("KR"), TxType::kSetMraStatus, SetMraStatus{"KZ", MraAction::kResume}),
      Reason::kWrongCountry);
  ASSERT_EQ(
      c_.Submit(c_.admin("KZ"), TxType::kSetMraStatus, SetMraStatus{"KR", MraAction::kResume}),
      Reason::kAccepted);
  EXPECT_TRUE(Ask("KR", x, "KZ").recognised);
  ASSERT_EQ(SetStatus("KR", x, AeoStatus::kSuspended), Reason::kAccepted);
  EXPECT_FALSE(Ask("KR", x, "KZ").recognised);
  EXPECT_EQ(c_.Submit(c_.admin("KG"), TxType::kSetMraStatus, SetMraStatus{"KR", MraAction::kEnd}),
            Reason::kMraUnknown);
  ASSERT_EQ(c_.Submit(c_.admin("KR"), TxType::kSetMraStatus, SetMraStatus{"KZ", MraAction::kEnd}),
            Reason::kAccepted);
  // Only an administrator sets AEO statuses or MRAs.
  const SecretKey office = c_.AddOffice("KR", "KR-INCHEON");
  EXPECT_EQ(c_.Submit(office, TxType::kSetAeoStatus,
                      SetAeoStatus{x, AeoStatus::kGranted, "AEO-S", 0, kFarFuture}),
            Reason::kSignerLacksRole);
}

TEST_F(Aeo, ProgrammesDatesAndPartners) {
  const Hash32 x = Operator("KR-1");
  ASSERT_EQ(c_.Submit(c_.admin("KR"), TxType::kSetAeoStatus,
                      SetAeoStatus{x, AeoStatus::kGranted, "AEO-SAFETY", 0, kFarFuture}),
            Reason::kAccepted);
  ASSERT_EQ(c_.Submit(c_.admin("KR"), TxType::kProposeMra,
                      ProposeMra{"KZ", "M1", {"AEO-S"}, 0, kFarFuture}),
            Reason::kAccepted);
  ASSERT_EQ(c_.Submit(c_.admin("KZ"), TxType::kAcceptMra, AcceptMra{"KR"}), Reason::kAccepted);
  const Recognition r = Ask("KR", x, "KZ");
  EXPECT_FALSE(r.recognised);
  EXPECT_NE(r.why.find("programme"), std::string::npos) << r.why;
  EXPECT_EQ(
      c_.Submit(c_.admin("KR"), TxType::kProposeMra, ProposeMra{"TJ", "M2", {}, 0, kFarFuture}),
      Reason::kWrongCountry);  // Not an administration of this chain.
  EXPECT_EQ(
      c_.Submit(c_.admin("KR"), TxType::kProposeMra, ProposeMra{"KR", "M3", {}, 0, kFarFuture}),
      Reason::kMalformed);
  EXPECT_EQ(c_.Submit(c_.admin("KR"), TxType::kSetAeoStatus,
                      SetAeoStatus{x, AeoStatus::kGranted, "P", 10, 5}),
            Reason::kMalformed);
  // Status at a time outside the certification's validity.
  ASSERT_EQ(c_.Submit(c_.admin("KR"), TxType::kSetAeoStatus,
                      SetAeoStatus{x, AeoStatus::kGranted, "AEO-S", 0, 1000}),
            Reason::kAccepted);
  EXPECT_FALSE(Ask("KR", x, "KR").recognised);
}

TEST_F(Aeo, OperatorLinksNeedBothSides) {
  const Hash32 x = Operator("KR-1"), y = Operator("KZ-BIN-99");
  ASSERT_EQ(c_.Submit(c_.admin("KR"), TxType::kLinkOperator, LinkOperator{x, "KZ", y}),
            Reason::kAccepted);
  EXPECT_FALSE(c_.Read<OperatorLink>(OperatorLinkKey("KR", x, "KZ"))->confirmed);
  ASSERT_EQ(c_.Submit(c_.admin("KZ"), TxType::kLinkOperator, LinkOperator{y, "KR", x}),
            Reason::kAccepted);
  EXPECT_TRUE(c_.Read<OperatorLink>(OperatorLinkKey("KR", x, "KZ"))->confirmed);
  EXPECT_TRUE(c_.Read<OperatorLink>(OperatorLinkKey("KZ", y, "KR"))->confirmed);
  // KR re-links X to another KZ operator: KZ's confirmation of the old pair is withdrawn.
  const Hash32 z = Operator("KZ-BIN-77");
  ASSERT_EQ(c_.Submit(c_.admin("KR"), TxType::kLinkOperator, LinkOperator{x, "KZ", z}),
            Reason::kAccepted);
  EXPECT_FALSE(c_.Read<OperatorLink>(OperatorLinkKey("KZ", y, "KR"))->confirmed);
  EXPECT_FALSE(c_.Read<OperatorLink>(OperatorLinkKey("KR", x, "KZ"))->confirmed);
  EXPECT_EQ(c_.Submit(c_.admin("KR"), TxType::kLinkOperator, LinkOperator{x, "TJ", z}),
            Reason::kWrongCountry);
  EXPECT_EQ(c_.Submit(c_.admin("KR"), TxType::kLinkOperator, LinkOperator{x, "KR", z}),
            Reason::kMalformed);
}

class Transit : public ::testing::Test {
 protected:
  Transit()
      : kz_(c_.AddOffice("KZ", "KZ-KHORGOS")),
        kg_(c_.AddOffice("KG", "KG-TORUGART")),
        uz_(c_.AddOffice("UZ", "UZ-TASH")),
        kr_(c_.AddOffice("KR", "KR-BUSAN")) {}
  Reason Event(const SecretKey& office, TransitEventKind kind, bool seal_intact = true) {
    return c_.Submit(office, TxType::kTransitEvent,
                     TransitEvent{"MRN-1", kind, seal_intact,
                                  Sha256Of(AsBytes("note " + std::to_string(++notes_)))});
  }
  Reason Open() {
    return c_.Submit(kz_, TxType::kOpenTransit,
                     OpenTransit{"MRN-1",
                                 {"KZ", "KG", "UZ"},
                                 "UZ-TASH",
                                 Sha256Of(AsBytes("guarantee")),
                                 Sha256Of(AsBytes("manifest")),
                                 Sha256Of(AsBytes("seals"))});
  }
  ContractsChain c_;
  SecretKey kz_, kg_, uz_, kr_;
  int notes_ = 0;  // Each office's record of an event differs, so each event is a new transaction.
};

TEST_F(Transit, KazakhstanThroughKyrgyzstanToUzbekistanInRouteOrder) {
  ASSERT_EQ(Open(), Reason::kAccepted);
  EXPECT_EQ(Open(), Reason::kAlreadyExists);
  // Advance information: the manifest's hash is visible before arrival.
  const auto doc = c_.Read<DocumentRecord>(DocumentKey(Sha256Of(AsBytes("manifest"))));
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->number, "MRN-1");

  EXPECT_EQ(Event(kg_, TransitEventKind::kEntry), Reason::kEventOutOfOrder);  // Not exited KZ yet.
  EXPECT_EQ(Event(kr_, TransitEventKind::kExit), Reason::kNotOnRoute);
  EXPECT_EQ(Event(kz_, TransitEventKind::kSealCheck), Reason::kAccepted);
  EXPECT_EQ(Event(kz_, TransitEventKind::kExit), Reason::kAccepted);
  EXPECT_EQ(Event(kz_, TransitEventKind::kExit), Reason::kEventOutOfOrder);  // Twice.
  EXPECT_EQ(c_.Submit(uz_, TxType::kTerminateTransit, TransitRef{"MRN-1"}),
            Reason::kEventOutOfOrder);
  EXPECT_EQ(Event(kg_, TransitEventKind::kEntry), Reason::kAccepted);
  EXPECT_EQ(Event(kg_, TransitEventKind::kSealCheck, /*seal_intact=*/false), Reason::kAccepted);
  EXPECT_EQ(Event(uz_, TransitEventKind::kEntry), Reason::kEventOutOfOrder);  // KG exit first.
  EXPECT_EQ(Event(kg_, TransitEventKind::kExit), Reason::kAccepted);
  EXPECT_EQ(Event(uz_, TransitEventKind::kIncident), Reason::kAccepted);  // At the UZ border.
  EXPECT_EQ(Event(uz_, TransitEventKind::kEntry), Reason::kAccepted);
  EXPECT_EQ(Event(uz_, TransitEventKind::kExit),
            Reason::kEventOutOfOrder);  // The end of the route.

  EXPECT_EQ(c_.Submit(c_.admin("KZ"), TxType::kDischargeTransit, TransitRef{"MRN-1"}),
            Reason::kTransitNotTerminated);
  const SecretKey other_uz = c_.AddOffice("UZ", "UZ-SAMARKAND");
  EXPECT_EQ(c_.Submit(other_uz, TxType::kTerminateTransit, TransitRef{"MRN-1"}),
            Reason::kSignerLacksRole);
  ASSERT_EQ(c_.Submit(uz_, TxType::kTerminateTransit, TransitRef{"MRN-1"}), Reason::kAccepted);
  EXPECT_EQ(Event(uz_, TransitEventKind::kSealCheck), Reason::kTransitClosed);
  EXPECT_EQ(c_.Submit(c_.admin("UZ"), TxType::kDischargeTransit, TransitRef{"MRN-1"}),
            Reason::kWrongCountry);
  // The same bytes as the premature discharge above would be a replay; any accepted
  // transaction of KZ in between moves its sequence on, and the new discharge differs.
  (void)c_.AddOffice("KZ", "KZ-ALMATY");
  ASSERT_EQ(c_.Submit(c_.admin("KZ"), TxType::kDischargeTransit, TransitRef{"MRN-1"}),
            Reason::kAccepted);
  EXPECT_EQ(c_.Submit(c_.admin("KZ"), TxType::kDischargeTransit, TransitRef{"MRN-1"}),
            Reason::kTransitClosed);

  const auto t = c_.Read<TransitRecord>(TransitKey("MRN-1"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->state, TransitState::kDischarged);
  EXPECT_TRUE(t->seal_broken);
  EXPECT_EQ(t->events, 7u);
}

TEST_F(Transit, OpeningRules) {
  auto open = [&](const SecretKey& office, std::vector<std::string> route,
                  const std::string& dest) {
    return c_.Submit(
        office, TxType::kOpenTransit,
        OpenTransit{"MRN-X", std::move(route), dest, Hash32(), Sha256Of(AsBytes("m")), Hash32()});
  };
  EXPECT_EQ(open(kg_, {"KZ", "UZ"}, "UZ-TASH"), Reason::kWrongCountry);
  EXPECT_EQ(open(kz_, {"KZ"}, "KZ-KHORGOS"), Reason::kMalformed);
  EXPECT_EQ(open(kz_, {"KZ", "KG", "KZ"}, "KZ-KHORGOS"), Reason::kMalformed);
  EXPECT_EQ(open(kz_, {"KZ", "UZ"}, "UZ-NOWHERE"), Reason::kUnknownOffice);
  EXPECT_EQ(c_.Submit(c_.admin("KZ"), TxType::kOpenTransit,
                      OpenTransit{"MRN-Y", {"KZ", "UZ"}, "UZ-TASH", Hash32(), Hash32(), Hash32()}),
            Reason::kSignerLacksRole);
  EXPECT_EQ(c_.Submit(uz_, TxType::kTerminateTransit, TransitRef{"NO-SUCH"}),
            Reason::kTransitUnknown);
  EXPECT_EQ(open(kz_, {"KZ", "TJ", "UZ"}, "UZ-TASH"),
            Reason::kWrongCountry);  // TJ not on the chain.
  ASSERT_EQ(c_.Submit(c_.admin("UZ"), TxType::kSetOfficeStatus,
                      SetEntityStatus{"UZ-TASH", EntityStatus::kSuspended}),
            Reason::kAccepted);
  EXPECT_EQ(open(kz_, {"KZ", "UZ"}, "UZ-TASH"), Reason::kUnknownOffice);  // Could never terminate.
}

TEST(Anchors, AnIssuerAnchorsTheTypesItIsAccreditedForAndRevokesItsOwn) {
  ContractsChain c;
  const SecretKey phyto = c.AddIssuer("UZ", "UZ-PHYTO", ScopeOf(DocumentType::kPhytosanitary));
  const Hash32 doc = Sha256Of(AsBytes("ePhyto certificate"));
  EXPECT_EQ(c.Submit(phyto, TxType::kAnchorDocument,
                     AnchorDocument{DocumentType::kInvoice, doc, "INV-1"}),
            Reason::kOutsideScope);
  ASSERT_EQ(c.Submit(phyto, TxType::kAnchorDocument,
                     AnchorDocument{DocumentType::kPhytosanitary, doc, "PHY-1"}),
            Reason::kAccepted);
  EXPECT_EQ(c.Read<DocumentRecord>(DocumentKey(doc))->number, "PHY-1");
  EXPECT_EQ(c.Submit(phyto, TxType::kAnchorDocument,
                     AnchorDocument{DocumentType::kPhytosanitary, doc, "PHY-2"}),
            Reason::kAlreadyExists);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kRevokeAnchor, RevokeAnchor{doc}),
            Reason::kSignerLacksRole);
  ASSERT_EQ(c.Submit(phyto, TxType::kRevokeAnchor, RevokeAnchor{doc}), Reason::kAccepted);
  EXPECT_TRUE(c.Read<AnchorRecord>(AnchorKey(doc))->revoked);
  EXPECT_EQ(c.Submit(phyto, TxType::kRevokeAnchor, RevokeAnchor{doc}), Reason::kAnchorRevoked);
  EXPECT_EQ(c.Submit(phyto, TxType::kRevokeAnchor, RevokeAnchor{Sha256Of(AsBytes("x"))}),
            Reason::kAnchorUnknown);
  // A certificate-of-origin chamber is not an ePhyto issuer, and vice versa.
  EXPECT_EQ(c.Submit(phyto, TxType::kIssueCertificates,
                     IssueCertificates{
                         {testing::SampleCertificate("P1", "UZ", "KZ", 5, c.NextBlockTime())}}),
            Reason::kOutsideScope);
}

}  // namespace
}  // namespace tamga::contracts
