// tests/node/facts_test.cc
// The API's facts and their proof files, and what `tamga verify` concludes from a proof:
// on a chain of four administrations driven by the real rules (tests/contracts/harness.h),
// with proofs built by the ledger and checked against the pinned genesis only.

#include "node/facts.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/genesis_command.h"
#include "cli/keys_command.h"
#include "cli/verify_command.h"
#include "client/genesis_file.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "ledger/proof_file.h"
#include "node/events.h"
#include "tests/contracts/harness.h"
#include "tests/support/temp_dir.h"

namespace tamga::node {
namespace {

using cli::DocumentVerdict;
using cli::ExplainDocument;
using cli::GenesisAdd;
using cli::GenesisAddOptions;
using cli::GenesisCreate;
using cli::GenesisSign;
using cli::GenesisVerify;
using cli::KeysGenerate;
using cli::KeysGenerateOptions;
using cli::kVerifyInForce;
using cli::kVerifyNotInForce;
using cli::kVerifyProofInvalid;
using contracts::Reason;
using contracts::TxType;
using testing::ContractsChain;
using testing::SampleCertificate;

class Facts : public ::testing::Test {
 protected:
  Facts() : issuer_(c_.AddIssuer("KZ", "KZ-CCI")), office_(c_.AddOffice("UZ", "UZ-TASH")) {}

  // Issues certificate `number` of `quantity` kg to UZ for document `doc`.
  void Issue(const std::string& number, const Hash32& doc, std::uint64_t quantity) {
    auto cert = SampleCertificate(number, "KZ", "UZ", quantity, c_.NextBlockTime());
    cert.document_hash = doc;
    ASSERT_EQ(c_.Submit(issuer_, TxType::kIssueCertificates, contracts::IssueCertificates{{cert}}),
              Reason::kAccepted);
  }
  Reason Use(const std::string& number, std::uint64_t quantity, const std::string& decl) {
    return c_.Submit(office_, TxType::kUseCertificate,
                     contracts::UseCertificate{"KZ", number, Sha256Of(AsBytes(decl)), quantity});
  }
  // Two blocks on top: the last change becomes provable (a two-chain of QCs above it).
  void Settle() {
    c_.Block({});
    c_.Block({});
  }
  // What `tamga verify` says of `proof_json` for `doc`, checked now (the next block's time).
  DocumentVerdict Explain(const Hash32& doc, const std::string& proof_json) {
    return ExplainDocument(c_.genesis(), doc, proof_json, c_.NextBlockTime(), 3'600'000);
  }
  std::string ProofOf(const Hash32& doc) {
    auto fact = DocumentFact(c_.ledger(), doc);
    EXPECT_TRUE(fact.ok()) << fact.error().ToString();
    auto proof = ProveFact(c_.ledger(), *fact);
    EXPECT_TRUE(proof.ok()) << proof.error().ToString();
    return ledger::ProofToJson(*proof);
  }

  ContractsChain c_;
  SecretKey issuer_, office_;
  const Hash32 doc_ = Sha256Of(AsBytes("CERTIFICATE OF ORIGIN KZ-1: 240 000 kg of wheat"));
};

TEST_F(Facts, AValidCertificateVerifiesOfflineWithItsIssuerCountriesTimeAndBalance) {
  Issue("KZ-1", doc_, 240'000);
  Settle();
  const DocumentVerdict v = Explain(doc_, ProofOf(doc_));
  EXPECT_EQ(v.exit_code, kVerifyInForce) << v.headline;
  EXPECT_EQ(v.code, "in_force");
  EXPECT_NE(v.headline.find("VALID: certificate of origin KZ-1 of KZ"), std::string::npos);
  std::string all;
  for (const auto& l : v.lines) all += l + "\n";
  EXPECT_NE(all.find("issued by KZ-CCI of KZ"), std::string::npos) << all;
  EXPECT_NE(all.find("Goods from KZ to UZ: 240,000 kg certified"), std::string::npos) << all;
  EXPECT_NE(all.find("240,000 kg remaining after 0 uses"), std::string::npos) << all;
  // Three or four of KZ, UZ, KG, KR signed the block's QC, named by country.
  EXPECT_NE(all.find("of the validators: KZ"), std::string::npos) << all;
}

TEST_F(Facts, TheVerdictIsSaidInEachOfTheFourLanguages) {
  Issue("KZ-1", doc_, 240'000);
  Settle();
  const std::string proof = ProofOf(doc_);
  const std::pair<std::string, std::string> expected[] = {
      {"ru", "ДЕЙСТВИТЕЛЕН: сертификат происхождения KZ-1 (KZ)"},
      {"zh", "有效：KZ 的原产地证书 KZ-1"},
      {"ko", "유효: KZ의 원산지증명서 KZ-1"}};
  for (const auto& [lang, words] : expected) {
    const DocumentVerdict v =
        ExplainDocument(c_.genesis(), doc_, proof, c_.NextBlockTime(), 3'600'000, lang);
    EXPECT_EQ(v.code, "in_force");
    EXPECT_EQ(v.headline.rfind(words, 0), 0u) << lang << ": " << v.headline;
  }
  // Russian groups digits with a no-break space.
  const DocumentVerdict ru =
      ExplainDocument(c_.genesis(), doc_, proof, c_.NextBlockTime(), 3'600'000, "ru");
  EXPECT_NE(ru.headline.find("240\u00a0000 kg"), std::string::npos) << ru.headline;
}

TEST_F(Facts, ATamperedProofIsRefused) {
  Issue("KZ-1", doc_, 240'000);
  Settle();
  auto proof = ledger::ProofFromJson(ProofOf(doc_)).value();
  // The certificate's state entry with a larger balance: the path no longer leads to the
  // certified root.
  for (auto& e : proof.state) {
    if (e.key == contracts::CertificateKey("KZ", "KZ-1")) e.value->back() ^= 1;
  }
  const DocumentVerdict v = Explain(doc_, ledger::ProofToJson(proof));
  EXPECT_EQ(v.exit_code, kVerifyProofInvalid) << v.headline;
  EXPECT_EQ(v.code, "proof_invalid");
  EXPECT_EQ(v.proof_error, "root_mismatch");
  EXPECT_NE(v.headline.find("does not verify"), std::string::npos) << v.headline;
}

TEST_F(Facts, AProofAgainstAnotherGenesisIsRefused) {
  Issue("KZ-1", doc_, 240'000);
  Settle();
  contracts::Genesis other = c_.genesis();
  other.chain_name += " (another chain)";
  const DocumentVerdict v = ExplainDocument(other, doc_, ProofOf(doc_), c_.NextBlockTime());
  EXPECT_EQ(v.exit_code, kVerifyProofInvalid) << v.headline;
  EXPECT_EQ(v.code, "proof_invalid");
  EXPECT_EQ(v.proof_error, "wrong_chain");
  EXPECT_NE(v.headline.find("wrong chain"), std::string::npos) << v.headline;
}

TEST_F(Facts, ADocumentTheProofIsNotAboutIsNotValid) {
  Issue("KZ-1", doc_, 240'000);
  Settle();
  const Hash32 forged = Sha256Of(AsBytes("CERTIFICATE OF ORIGIN KZ-1: 420 000 kg of wheat"));
  const DocumentVerdict v = Explain(forged, ProofOf(doc_));
  EXPECT_EQ(v.exit_code, kVerifyNotInForce) << v.headline;
  EXPECT_EQ(v.code, "not_about_document");
}

TEST_F(Facts, AUsedUpCertificateIsProvenButNotInForce) {
  Issue("KZ-1", doc_, 100);
  EXPECT_EQ(Use("KZ-1", 60, "D-1"), Reason::kAccepted);
  EXPECT_EQ(Use("KZ-1", 40, "D-2"), Reason::kAccepted);
  EXPECT_EQ(Use("KZ-1", 1, "D-3"), Reason::kFullyUsed);
  Settle();
  const DocumentVerdict v = Explain(doc_, ProofOf(doc_));
  EXPECT_EQ(v.exit_code, kVerifyNotInForce) << v.headline;
  EXPECT_EQ(v.code, "certificate_fully_used");
  EXPECT_NE(v.headline.find("fully used (100 kg in 2 uses)"), std::string::npos) << v.headline;

  // The history lists the issue and both uses with their quantities, in order.
  auto fact = CertificateFact(c_.ledger(), "KZ", "KZ-1").value();
  EXPECT_EQ(fact.body["remaining"], 0);
  ASSERT_EQ(fact.body["history"].size(), 3u);
  EXPECT_EQ(fact.body["history"][0]["type"], "issue-certificates");
  EXPECT_EQ(fact.body["history"][1]["quantity"], 60);
  EXPECT_EQ(fact.body["history"][2]["quantity"], 40);
  EXPECT_EQ(fact.body["history"][2]["signer_country"], "UZ");
}

TEST_F(Facts, ARevokedCertificateIsProvenButNotInForce) {
  Issue("KZ-1", doc_, 100);
  ASSERT_EQ(c_.Submit(issuer_, TxType::kRevokeCertificate, contracts::RevokeCertificate{"KZ-1", 2}),
            Reason::kAccepted);
  Settle();
  const DocumentVerdict v = Explain(doc_, ProofOf(doc_));
  EXPECT_EQ(v.exit_code, kVerifyNotInForce) << v.headline;
  EXPECT_EQ(v.code, "certificate_revoked");
  EXPECT_NE(v.headline.find("was revoked"), std::string::npos) << v.headline;
}

TEST_F(Facts, ACertificateItsExporterDidNotConfirmIsNotInForce) {
  Issue("KZ-1", doc_, 100);
  ASSERT_EQ(c_.Submit(c_.admin("UZ"), TxType::kRequestVerification,
                      contracts::RequestVerification{"KZ", "KZ-1"}),
            Reason::kAccepted);
  Settle();
  DocumentVerdict v = Explain(doc_, ProofOf(doc_));
  EXPECT_EQ(v.exit_code, kVerifyInForce) << v.headline;  // Asked, not yet answered.
  EXPECT_EQ(v.code, "in_force");
  ASSERT_EQ(c_.Submit(c_.admin("KZ"), TxType::kAnswerVerification,
                      contracts::AnswerVerification{"KZ-1", false, 3}),
            Reason::kAccepted);
  Settle();
  v = Explain(doc_, ProofOf(doc_));
  EXPECT_EQ(v.exit_code, kVerifyNotInForce) << v.headline;
  EXPECT_EQ(v.code, "certificate_not_confirmed_by_its_exporting_administration");
  EXPECT_NE(v.headline.find("did not confirm"), std::string::npos) << v.headline;
}

TEST_F(Facts, AnOldProofOrOneWhoseCertificateExpiredSinceIsNotAccepted) {
  Issue("KZ-1", doc_, 100);  // Valid for a day (SampleCertificate).
  Settle();
  const std::string proof = ProofOf(doc_);
  const std::uint64_t now = c_.NextBlockTime();
  const DocumentVerdict old =
      ExplainDocument(c_.genesis(), doc_, proof, now + 7'200'000, 3'600'000);
  EXPECT_EQ(old.exit_code, kVerifyNotInForce);  // Two hours old, one accepted.
  EXPECT_EQ(old.code, "too_old");
  EXPECT_EQ(ExplainDocument(c_.genesis(), doc_, proof, now + 7'200'000, 0).exit_code,
            kVerifyInForce);  // Any age accepted.
  const DocumentVerdict v = ExplainDocument(c_.genesis(), doc_, proof, now + 2 * 86'400'000, 0);
  EXPECT_EQ(v.exit_code, kVerifyNotInForce) << v.headline;
  EXPECT_EQ(v.code, "expired_since");
  EXPECT_NE(v.headline.find("expired since the proof"), std::string::npos) << v.headline;
}

TEST_F(Facts, AnUnknownDocumentIsNotFound) {
  auto fact = DocumentFact(c_.ledger(), doc_);
  ASSERT_FALSE(fact.ok());
  EXPECT_EQ(fact.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(CertificateFact(c_.ledger(), "kz", "KZ-1").error().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(Facts, AChangeIsNotProvenBeforeTwoBlocksFollowIt) {
  Issue("KZ-1", doc_, 100);
  Settle();
  ASSERT_EQ(Use("KZ-1", 10, "D-1"), Reason::kAccepted);
  // The newest state (90 kg left) is not provable yet: a proof would show the older 100.
  auto fact = DocumentFact(c_.ledger(), doc_).value();
  auto early = ProveFact(c_.ledger(), fact);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code(), StatusCode::kUnavailable);
  Settle();
  const DocumentVerdict v = Explain(doc_, ProofOf(doc_));
  EXPECT_EQ(v.exit_code, kVerifyInForce) << v.headline;
  EXPECT_EQ(v.code, "in_force");
  EXPECT_NE(v.headline.find("90 kg remaining"), std::string::npos) << v.headline;
}

TEST_F(Facts, RecognitionIsAnsweredAsOfTheAskedTime) {
  const Hash32 op = Sha256Of(AsBytes("KR-1208-81-55412"));
  const std::uint64_t t0 = c_.NextBlockTime();
  ASSERT_EQ(c_.Submit(c_.admin("KR"), TxType::kSetAeoStatus,
                      contracts::SetAeoStatus{op, contracts::AeoStatus::kGranted, "AEO-S", t0 - 1,
                                              t0 + 365 * 86'400'000ull}),
            Reason::kAccepted);
  ASSERT_EQ(c_.Submit(c_.admin("KR"), TxType::kProposeMra,
                      contracts::ProposeMra{"KZ", "MRA-1", {}, t0 - 1, t0 + 365 * 86'400'000ull}),
            Reason::kAccepted);
  ASSERT_EQ(c_.Submit(c_.admin("KZ"), TxType::kAcceptMra, contracts::AcceptMra{"KR"}),
            Reason::kAccepted);
  const std::uint64_t in_force = c_.NextBlockTime() - 1;
  ASSERT_EQ(c_.Submit(c_.admin("KZ"), TxType::kSetMraStatus,
                      contracts::SetMraStatus{"KR", contracts::MraAction::kSuspend}),
            Reason::kAccepted);
  Settle();
  auto now = RecognitionFact(c_.ledger(), "KR", op, "KZ", std::nullopt).value();
  EXPECT_FALSE(now.body["recognised"].get<bool>()) << now.body.dump();
  EXPECT_EQ(now.body["mra"]["status"], "suspended");
  auto then = RecognitionFact(c_.ledger(), "KR", op, "KZ", in_force).value();
  EXPECT_TRUE(then.body["recognised"].get<bool>()) << then.body.dump();
  // Its proof covers the AEO record and the MRA at that height.
  auto proof = ProveFact(c_.ledger(), then);
  ASSERT_TRUE(proof.ok()) << proof.error().ToString();
  EXPECT_EQ(proof->state.size(), 2u);
  EXPECT_TRUE(ledger::VerifyProof(c_.ledger().anchor(), *proof).ok());
}

TEST(TransitFacts, EventsAreListedInRouteOrder) {
  ContractsChain c;
  const SecretKey kz = c.AddOffice("KZ", "KZ-KHORGOS");
  const SecretKey kg = c.AddOffice("KG", "KG-TORUGART");
  const SecretKey uz = c.AddOffice("UZ", "UZ-TASH");
  ASSERT_EQ(c.Submit(kz, TxType::kOpenTransit,
                     contracts::OpenTransit{"MRN-1",
                                            {"KZ", "KG", "UZ"},
                                            "UZ-TASH",
                                            Sha256Of(AsBytes("guarantee")),
                                            Sha256Of(AsBytes("manifest")),
                                            Sha256Of(AsBytes("seals"))}),
            Reason::kAccepted);
  int n = 0;
  auto event = [&](const SecretKey& k, contracts::TransitEventKind kind) {
    return c.Submit(k, TxType::kTransitEvent,
                    contracts::TransitEvent{"MRN-1", kind, true,
                                            Sha256Of(AsBytes("note " + std::to_string(++n)))});
  };
  using K = contracts::TransitEventKind;
  EXPECT_EQ(event(kz, K::kExit), Reason::kAccepted);
  EXPECT_EQ(event(uz, K::kEntry), Reason::kEventOutOfOrder);  // Not in KG yet.
  EXPECT_EQ(event(kg, K::kEntry), Reason::kAccepted);
  EXPECT_EQ(event(kg, K::kExit), Reason::kAccepted);
  EXPECT_EQ(event(uz, K::kEntry), Reason::kAccepted);
  EXPECT_EQ(c.Submit(uz, TxType::kTerminateTransit, contracts::TransitRef{"MRN-1"}),
            Reason::kAccepted);
  auto fact = TransitFact(c.ledger(), "MRN-1").value();
  EXPECT_EQ(fact.body["state"], "terminated");
  std::vector<std::string> seen;
  for (const auto& e : fact.body["events"]) {
    seen.push_back(e.contains("event") ? e["event"].get<std::string>()
                                       : e["type"].get<std::string>());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"open-transit", "exit", "entry", "exit", "entry",
                                            "terminate-transit"}));
  // The manifest is a document of the chain too.
  auto doc = DocumentFact(c.ledger(), Sha256Of(AsBytes("manifest"))).value();
  EXPECT_EQ(doc.body["transit"]["mrn"], "MRN-1");
}

// The genesis ceremony: create, add each administration, sign with each administrator key,
// verify; a change after signing voids the signatures.
TEST(GenesisCeremony, EveryAdministrationSignsTheChainId) {
  tamga::testing::TempDir dir("tamga-genesis-ceremony");
  std::ostringstream out;
  const std::string file = dir.File("genesis.json");
  ASSERT_TRUE(GenesisCreate({file, "ceremony test", 1'800'000'000'000, false}, out).ok());
  const std::vector<std::string> countries = {"KZ", "UZ", "KG", "KR"};
  for (std::size_t i = 0; i < countries.size(); ++i) {
    for (const char* role : {"validator", "admin"}) {
      KeysGenerateOptions k;
      k.path = dir.File(countries[i] + "-" + role + ".key");
      k.plain = true;
      ASSERT_TRUE(KeysGenerate(k, out).ok());
    }
    GenesisAddOptions a{file,
                        countries[i],
                        "Customs of " + countries[i],
                        dir.File(countries[i] + "-validator.key"),
                        "127.0.0.1:" + std::to_string(7000 + i),
                        dir.File(countries[i] + "-admin.key")};
    ASSERT_TRUE(GenesisAdd(a, out).ok()) << countries[i];
  }
  // A country twice is refused and leaves the file as it was.
  EXPECT_FALSE(GenesisAdd({file, "KZ", "again", dir.File("KZ-validator.key"), "127.0.0.1:1",
                           dir.File("KZ-admin.key")},
                          out)
                   .ok());
  EXPECT_EQ(client::LoadGenesisFile(file)->administrations.size(), 4u);

  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(GenesisSign({file, dir.File(countries[i] + "-admin.key"), ""}, out).ok());
  }
  EXPECT_EQ(GenesisVerify(file, out).code(), StatusCode::kFailedPrecondition);  // KR missing.
  // A validator key is no administrator key.
  EXPECT_EQ(GenesisSign({file, dir.File("KR-validator.key"), ""}, out).code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(GenesisSign({file, dir.File("KR-admin.key"), ""}, out).ok());
  std::ostringstream report;
  EXPECT_TRUE(GenesisVerify(file, report).ok()) << report.str();

  // A forged signature is named.
  std::string sigs = ReadFileToString(file + ".signatures.json", 1 << 20).value();
  const auto at = sigs.find("\"UZ\": \"") + 7;
  sigs[at] = sigs[at] == '0' ? '1' : '0';
  ASSERT_TRUE(WriteFileAtomic(file + ".signatures.json", sigs, {}).ok());
  std::ostringstream forged;
  EXPECT_FALSE(GenesisVerify(file, forged).ok());
  EXPECT_NE(forged.str().find("UZ  Customs of UZ"), std::string::npos);
  EXPECT_NE(forged.str().find("BAD SIGNATURE"), std::string::npos) << forged.str();

  // Adding an administration changes the chain id: the old signatures no longer count.
  KeysGenerateOptions k;
  k.plain = true;
  k.path = dir.File("TJ-validator.key");
  ASSERT_TRUE(KeysGenerate(k, out).ok());
  k.path = dir.File("TJ-admin.key");
  ASSERT_TRUE(KeysGenerate(k, out).ok());
  ASSERT_TRUE(GenesisAdd({file, "TJ", "Customs of TJ", dir.File("TJ-validator.key"),
                          "127.0.0.1:7009", dir.File("TJ-admin.key")},
                         out)
                  .ok());
  std::ostringstream after;
  EXPECT_FALSE(GenesisVerify(file, after).ok());
  EXPECT_NE(after.str().find("KZ  Customs of KZ"), std::string::npos);
  EXPECT_EQ(after.str().find("  signed\n"), std::string::npos) << after.str();
}

}  // namespace
}  // namespace tamga::node

namespace tamga::node {
namespace {

CommittedRecord RecordFor(std::uint64_t index, std::vector<std::string> countries) {
  CommittedRecord r;
  r.index = index;
  r.countries = std::move(countries);
  return r;
}

// Subscribers get the records that concern their country; one that leaves from inside its
// own sink (a stream that fell behind) is removed after the publication, and the others
// are still served.
TEST(EventHub, ServesEachCountryAndLetsASinkLeaveFromInside) {
  EventHub hub;
  std::vector<std::uint64_t> uz, all;
  std::uint64_t quitter = 0;
  int quitter_calls = 0;
  ASSERT_NE(hub.Subscribe("UZ",
                          [&](const CommittedRecord& r) {
                            uz.push_back(r.index);
                            return true;
                          }),
            0u);
  quitter = hub.Subscribe("", [&](const CommittedRecord&) {
    ++quitter_calls;
    hub.Unsubscribe(quitter);
    return true;
  });
  ASSERT_NE(hub.Subscribe("",
                          [&](const CommittedRecord& r) {
                            all.push_back(r.index);
                            return r.index < 2;  // Leaves by its answer after record 2.
                          }),
            0u);
  hub.Publish({RecordFor(1, {"KZ", "UZ"}), RecordFor(2, {"KG", "KZ"}), RecordFor(3, {"UZ"})});
  EXPECT_EQ(uz, (std::vector<std::uint64_t>{1, 3}));
  EXPECT_EQ(all, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(quitter_calls, 1);
  EXPECT_EQ(hub.subscribers(), 1u);
  hub.Publish({RecordFor(4, {"UZ"})});
  EXPECT_EQ(uz.back(), 4u);
  EXPECT_EQ(quitter_calls, 1);
  for (std::size_t i = 1; i < EventHub::kSubscribersMax; ++i) {
    ASSERT_NE(hub.Subscribe("KZ", [](const CommittedRecord&) { return true; }), 0u);
  }
  EXPECT_EQ(hub.Subscribe("KZ", [](const CommittedRecord&) { return true; }), 0u);  // Full.
}

}  // namespace
}  // namespace tamga::node
