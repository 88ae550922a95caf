// tests/contracts/registry_test.cc
// Genesis, the checks every transaction passes through, and the registry of offices,
// issuers and keys: each acceptance and each rejection.

#include <gtest/gtest.h>

#include "common/sha256.h"
#include "ledger/state_tree.h"
#include "tests/contracts/harness.h"
#include "tests/support/samples.h"

namespace tamga::contracts {
namespace {

using testing::ContractsChain;

TEST(Genesis, ListsAdministrationsAndTheirKeysInTheState) {
  ContractsChain c;
  const auto kz = c.Read<AdministrationRecord>(AdministrationKey("KZ"));
  ASSERT_TRUE(kz);
  EXPECT_EQ(kz->entry.name, "Customs of KZ");
  const auto signer = c.Read<SignerRecord>(SignerKey(c.admin("UZ").public_key()));
  ASSERT_TRUE(signer);
  EXPECT_EQ(signer->role, Role::kAdministrator);
  EXPECT_EQ(signer->country, "UZ");
  EXPECT_EQ(c.ledger().anchor().validators.size(), 4u);
}

TEST(Genesis, RefusesBadDocuments) {
  Genesis g;
  EXPECT_FALSE(StartChain(g).ok());
  const PublicKey a = testing::TestKey(1).public_key(), b = testing::TestKey(2).public_key();
  g.administrations = {{"KZ", "Kazakhstan", a, "h:1", b}, {"KZ", "again", b, "h:2", a}};
  EXPECT_FALSE(StartChain(g).ok());  // A country twice.
  g.administrations = {{"kz", "lower case", a, "h:1", b}};
  EXPECT_FALSE(StartChain(g).ok());
  g.administrations = {{"KZ", "same key twice", a, "h:1", a}};
  EXPECT_FALSE(StartChain(g).ok());
}

TEST(EveryTransaction, ChecksChainSignatureReplaySignerAndSequence) {
  ContractsChain c;
  const SecretKey& kz = c.admin("KZ");
  const RegisterOffice office{"KZ-ALMATY", "Almaty", SecretKey::Generate().public_key()};

  Transaction other_chain = c.Tx(kz, TxType::kRegisterOffice, office);
  other_chain.chain_id = Sha256Of(AsBytes("another chain"));
  other_chain.Sign(kz);
  EXPECT_EQ(c.Check(other_chain), Reason::kWrongChain);
  EXPECT_EQ(c.Submit(other_chain), Reason::kWrongChain);

  Transaction bad_sig = c.Tx(kz, TxType::kRegisterOffice, office);
  bad_sig.signature.data()[0] ^= 1;
  EXPECT_EQ(c.Check(bad_sig), Reason::kBadSignature);
  EXPECT_EQ(c.Submit(bad_sig), Reason::kBadSignature);

  Transaction unknown = c.Tx(SecretKey::Generate(), TxType::kRegisterOffice, office);
  EXPECT_EQ(c.Submit(unknown), Reason::kUnknownSigner);

  Transaction bad_type = c.Tx(kz, static_cast<TxType>(999), Bytes{});
  EXPECT_EQ(c.Submit(bad_type), Reason::kUnknownType);  // It uses sequence number 1.

  Transaction ok = c.Tx(kz, TxType::kRegisterOffice, office);
  EXPECT_EQ(ok.sequence, 2u);
  EXPECT_EQ(c.Check(ok), Reason::kAccepted);
  EXPECT_EQ(c.Submit(ok), Reason::kAccepted);
  // The very same transaction again: its number is used up; admission names it plainly.
  EXPECT_EQ(c.Submit(ok), Reason::kBadSequence);
  EXPECT_EQ(c.Check(ok), Reason::kReplayed);

  Transaction gap = c.Tx(kz, TxType::kRegisterOffice,
                         RegisterOffice{"KZ-2", "x", SecretKey::Generate().public_key()});
  gap.sequence = 5;
  gap.Sign(kz);
  EXPECT_EQ(c.Submit(gap), Reason::kBadSequence);
  Transaction reused = gap;
  reused.sequence = 2;  // Already used by `ok`.
  reused.Sign(kz);
  EXPECT_EQ(c.Submit(reused), Reason::kBadSequence);

  // Two in one block with consecutive sequences: both accepted, in order.
  Transaction a = c.Tx(kz, TxType::kRegisterOffice,
                       RegisterOffice{"KZ-3", "x", SecretKey::Generate().public_key()});
  Transaction b = c.Tx(kz, TxType::kRegisterOffice,
                       RegisterOffice{"KZ-4", "x", SecretKey::Generate().public_key()});
  const auto receipts = c.Block({a, b});
  EXPECT_EQ(receipts[0].code, 0);
  EXPECT_EQ(receipts[1].code, 0);
  // The same transaction twice in one block: the first used the number.
  Transaction d = c.Tx(kz, TxType::kRegisterOffice,
                       RegisterOffice{"KZ-5", "x", SecretKey::Generate().public_key()});
  const auto twice = c.Block({d, d});
  EXPECT_EQ(twice[0].code, 0);
  EXPECT_EQ(static_cast<Reason>(twice[1].code), Reason::kBadSequence);
}

TEST(EveryTransaction, ARuleRejectionCannotBeReplayedButAnEarlyArrivalRunsLater) {
  ContractsChain c;
  const SecretKey& kz = c.admin("KZ");
  // Refused by a rule: the transaction used its sequence number, so the same bytes never
  // run, even once the rule would pass (here: the office it names gets registered).
  const Transaction suspend =
      c.Tx(kz, TxType::kSetOfficeStatus, SetEntityStatus{"KZ-1", EntityStatus::kSuspended});
  EXPECT_EQ(c.Submit(suspend), Reason::kUnknownOffice);
  EXPECT_EQ(c.Read<SignerRecord>(SignerKey(kz.public_key()))->last_sequence, suspend.sequence);
  ASSERT_EQ(c.Submit(kz, TxType::kRegisterOffice,
                     RegisterOffice{"KZ-1", "x", SecretKey::Generate().public_key()}),
            Reason::kAccepted);
  EXPECT_EQ(c.Check(suspend), Reason::kReplayed);      // Admission: "already on the ledger".
  EXPECT_EQ(c.Submit(suspend), Reason::kBadSequence);  // In a block: its number is used.
  // Ahead of its predecessor: refused for its sequence, then runs once its turn comes.
  const Transaction first = c.Tx(kz, TxType::kRegisterOffice,
                                 RegisterOffice{"KZ-2", "x", SecretKey::Generate().public_key()});
  const Transaction second = c.Tx(kz, TxType::kRegisterOffice,
                                  RegisterOffice{"KZ-3", "x", SecretKey::Generate().public_key()});
  const auto early = c.Block({second, first});
  EXPECT_EQ(static_cast<Reason>(early[0].code), Reason::kBadSequence);
  EXPECT_EQ(early[1].code, 0);
  EXPECT_EQ(c.Submit(second), Reason::kAccepted);
  EXPECT_EQ(c.Submit(second), Reason::kBadSequence);
  EXPECT_EQ(c.Check(second), Reason::kReplayed);  // The index keeps the accepted inclusion.
  // The index still points at the accepted inclusion, not at the replayed copy.
  const auto at = c.ledger().FindTransaction(second.Hash()).value();
  ASSERT_TRUE(at);
  EXPECT_EQ(c.ledger().ReceiptsAt(at->first).value()[at->second].code, 0);
}

TEST(EveryTransaction, ARejectedTransactionChangesNothingButItsSignersSequence) {
  ContractsChain c;
  const SecretKey& kz = c.admin("KZ");
  SignerRecord signer = *c.Read<SignerRecord>(SignerKey(kz.public_key()));
  const Hash32 before = c.StateRoot();
  EXPECT_EQ(c.Submit(kz, TxType::kRegisterOffice,
                     RegisterOffice{"bad code!", "x", SecretKey::Generate().public_key()}),
            Reason::kMalformed);
  // The state is the one before with the signer's sequence moved on, and nothing else.
  signer.last_sequence = 1;
  ledger::Overlay scratch(nullptr, &c.ledger().store());
  const Hash32 expected =
      ledger::StateTree::Update(scratch, before, {{SignerKey(kz.public_key()), Encode(signer)}})
          .value();
  EXPECT_EQ(c.StateRoot(), expected);
  EXPECT_EQ(c.Submit(kz, TxType::kRegisterOffice,
                     RegisterOffice{"KZ-1", "x", SecretKey::Generate().public_key()}),
            Reason::kAccepted);
  EXPECT_EQ(c.Read<SignerRecord>(SignerKey(kz.public_key()))->last_sequence, 2u);
}

TEST(EveryTransaction, OneThatNeverRanKeepsTheStateAndItsNumber) {
  ContractsChain c;
  const SecretKey& kz = c.admin("KZ");
  const Hash32 before = c.StateRoot();
  Transaction gap = c.Tx(kz, TxType::kRegisterOffice,
                         RegisterOffice{"KZ-1", "x", SecretKey::Generate().public_key()});
  gap.sequence = 7;
  gap.Sign(kz);
  EXPECT_EQ(c.Submit(gap), Reason::kBadSequence);
  Transaction forged = c.Tx(kz, TxType::kRegisterOffice,
                            RegisterOffice{"KZ-1", "x", SecretKey::Generate().public_key()});
  forged.signature.data()[0] ^= 1;
  EXPECT_EQ(c.Submit(forged), Reason::kBadSignature);
  EXPECT_EQ(c.Submit(SecretKey::Generate(), TxType::kRegisterOffice,
                     RegisterOffice{"KZ-1", "x", SecretKey::Generate().public_key()}),
            Reason::kUnknownSigner);
  EXPECT_EQ(c.StateRoot(), before);
}

TEST(Registry, OfficesAndIssuers) {
  ContractsChain c;
  const SecretKey office = SecretKey::Generate();
  EXPECT_EQ(c.Submit(c.admin("UZ"), TxType::kRegisterOffice,
                     RegisterOffice{"UZ-TASH", "Tashkent", office.public_key()}),
            Reason::kAccepted);
  const auto rec = c.Read<EntityRecord>(OfficeKey("UZ", "UZ-TASH"));
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->key, office.public_key());
  EXPECT_EQ(c.Read<SignerRecord>(SignerKey(office.public_key()))->role, Role::kOffice);
  // The same code again, or the same key for another office.
  EXPECT_EQ(c.Submit(c.admin("UZ"), TxType::kRegisterOffice,
                     RegisterOffice{"UZ-TASH", "again", SecretKey::Generate().public_key()}),
            Reason::kAlreadyExists);
  EXPECT_EQ(c.Submit(c.admin("UZ"), TxType::kRegisterOffice,
                     RegisterOffice{"UZ-2", "same key", office.public_key()}),
            Reason::kKeyInUse);
  // An office registers nothing.
  EXPECT_EQ(c.Submit(office, TxType::kRegisterOffice,
                     RegisterOffice{"UZ-3", "x", SecretKey::Generate().public_key()}),
            Reason::kSignerLacksRole);
  // Issuers need a known scope.
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kAccreditIssuer,
                     AccreditIssuer{"CCI-KZ", "Chamber", SecretKey::Generate().public_key(), 0}),
            Reason::kMalformed);
  EXPECT_EQ(
      c.Submit(c.admin("KZ"), TxType::kAccreditIssuer,
               AccreditIssuer{"CCI-KZ", "Chamber", SecretKey::Generate().public_key(), 1u << 7}),
      Reason::kMalformed);
  // Status changes only for entities of one's own country.
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kSetOfficeStatus,
                     SetEntityStatus{"UZ-TASH", EntityStatus::kSuspended}),
            Reason::kUnknownOffice);
  EXPECT_EQ(c.Submit(c.admin("UZ"), TxType::kSetIssuerStatus,
                     SetEntityStatus{"nobody", EntityStatus::kSuspended}),
            Reason::kUnknownIssuer);
}

TEST(Registry, ASuspendedOrWithdrawnEntityCannotActAndComesBackWhenReinstated) {
  ContractsChain c;
  const SecretKey chamber = c.AddIssuer("KZ", "CCI-KZ");
  const std::uint64_t t = c.NextBlockTime();
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kSetIssuerStatus,
                     SetEntityStatus{"CCI-KZ", EntityStatus::kSuspended}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(chamber, TxType::kIssueCertificates,
                     IssueCertificates{{testing::SampleCertificate("A1", "KZ", "UZ", 10, t)}}),
            Reason::kSignerSuspended);
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kSetIssuerStatus,
                     SetEntityStatus{"CCI-KZ", EntityStatus::kActive}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(chamber, TxType::kIssueCertificates,
                     IssueCertificates{
                         {testing::SampleCertificate("A1", "KZ", "UZ", 10, c.NextBlockTime())}}),
            Reason::kAccepted);
}

TEST(Registry, ARevokedKeyIsRefusedFromItsRevocationTimeAndWhatItSignedBeforeStands) {
  ContractsChain c;
  const SecretKey chamber = c.AddIssuer("KZ", "CCI-KZ");
  ASSERT_EQ(c.Submit(chamber, TxType::kIssueCertificates,
                     IssueCertificates{
                         {testing::SampleCertificate("B1", "KZ", "UZ", 10, c.NextBlockTime())}}),
            Reason::kAccepted);
  // Revoked from two blocks after the revocation's: one more transaction still passes.
  const std::uint64_t from = c.NextBlockTime() + 2000;
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kRevokeKey, RevokeKey{chamber.public_key(), from}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(chamber, TxType::kIssueCertificates,
                     IssueCertificates{
                         {testing::SampleCertificate("B2", "KZ", "UZ", 10, c.NextBlockTime())}}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(chamber, TxType::kIssueCertificates,
                     IssueCertificates{
                         {testing::SampleCertificate("B3", "KZ", "UZ", 10, c.NextBlockTime())}}),
            Reason::kSignerRevoked);
  // The certificate signed before stays valid, and its issuer key is on record.
  const auto b1 = c.Read<CertificateRecord>(CertificateKey("KZ", "B1"));
  ASSERT_TRUE(b1);
  EXPECT_EQ(b1->status, CertificateStatus::kValid);
  EXPECT_EQ(c.Read<SignerRecord>(SignerKey(chamber.public_key()))->revoked_from_ms, from);
  // Only the key's own administration revokes it, and not an administrator key.
  EXPECT_EQ(c.Submit(c.admin("UZ"), TxType::kRevokeKey, RevokeKey{chamber.public_key(), from}),
            Reason::kWrongCountry);
  EXPECT_EQ(
      c.Submit(c.admin("KZ"), TxType::kRevokeKey, RevokeKey{c.admin("KZ").public_key(), from}),
      Reason::kSignerLacksRole);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kRevokeKey,
                     RevokeKey{SecretKey::Generate().public_key(), from}),
            Reason::kUnknownSigner);
  const SecretKey other = c.AddIssuer("KZ", "OTHER");
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kRevokeKey, RevokeKey{other.public_key(), 1}),
            Reason::kMalformed);  // Not into the past.
}

TEST(Registry, ValidatorKeysAndWithdrawnEntities) {
  ContractsChain c;
  const PublicKey validator = c.ledger().anchor().validators.validators[2];
  EXPECT_EQ(
      c.Submit(c.admin("KZ"), TxType::kRegisterOffice, RegisterOffice{"KZ-V", "x", validator}),
      Reason::kKeyInUse);
  const SecretKey office = c.AddOffice("KZ", "KZ-W");
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kSetOfficeStatus,
                     SetEntityStatus{"KZ-W", EntityStatus::kWithdrawn}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(office, TxType::kUseCertificate, UseCertificate{"UZ", "N", Hash32(), 1}),
            Reason::kSignerSuspended);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kSetOfficeStatus,
                     SetEntityStatus{"KZ-W", EntityStatus::kActive}),
            Reason::kSignerSuspended);  // Withdrawal is final.
}

}  // namespace
}  // namespace tamga::contracts

namespace tamga::contracts {
namespace {

TEST(RulesVersion, ABlockOfAnotherRulesVersionIsNotExecuted) {
  ledger::MemKvStore store;
  ledger::Overlay overlay(nullptr, &store);
  const Hash32 root =
      ledger::StateTree::Update(overlay, Hash32(), {{RulesVersionKey(), Bytes{0, 0, 0, 1}}})
          .value();
  const ledger::TreeStateReader state(nullptr, overlay, root);
  const Result<ledger::BlockOutput> out = Executor::ExecuteBlock(state, Block{}, nullptr);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), StatusCode::kFailedPrecondition);
  // A chain of version 1 (a rule rejection did not use the sequence number then).
  EXPECT_NE(out.error().message().find("rules version 1; this build implements version 2"),
            std::string::npos)
      << out.error().message();
}

}  // namespace
}  // namespace tamga::contracts

namespace tamga::contracts {
namespace {

Imprint ImprintOf(const std::string& text) {
  const Hash32 h = Sha256Of(AsBytes(text));
  return Imprint{ImprintAlgorithm::kSha256, Bytes(h.data(), h.data() + 32)};
}

TEST(TimestampAuthority, RegistersTheKeyThatAloneStampsAndReplacesIt) {
  testing::ContractsChain c;
  const SecretKey first = SecretKey::Generate();
  const Hash32 cert = Sha256Of(AsBytes("the TSA certificate"));
  // Only an administrator names one, and the ledger sets its time.
  EXPECT_EQ(c.Submit(c.AddOffice("KZ", "KZ-1"), TxType::kSetTimestampAuthority,
                     TimestampAuthority{first.public_key(), cert, 0}),
            Reason::kSignerLacksRole);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kSetTimestampAuthority,
                     TimestampAuthority{first.public_key(), cert, 5}),
            Reason::kMalformed);
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kSetTimestampAuthority,
                     TimestampAuthority{first.public_key(), cert, 0}),
            Reason::kAccepted);
  const auto tsa = c.Read<TimestampAuthority>(TimestampAuthorityKey("KZ"));
  ASSERT_TRUE(tsa);
  EXPECT_EQ(tsa->certificate_hash, cert);
  EXPECT_GT(tsa->since_ms, 0u);
  EXPECT_EQ(c.Read<SignerRecord>(SignerKey(first.public_key()))->role, Role::kTimestamper);

  // It stamps: one record per imprint, in order; the same imprint again is a new record.
  TimestampImprints batch{{ImprintOf("a"), ImprintOf("b"), ImprintOf("a")}};
  const auto receipts = c.Block({c.Tx(first, TxType::kTimestampImprints, batch)});
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts[0].code, 0);
  ASSERT_EQ(receipts[0].record_count, 3u);
  for (std::uint32_t i = 0; i < 3; ++i) {
    auto rec = c.ledger().RecordAt(receipts[0].first_record + i);
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(rec->kind, static_cast<std::uint16_t>(TxType::kTimestampImprints));
    EXPECT_EQ(*Decode<Imprint>(rec->body, "imprint"), batch.imprints[i]);
  }
  // Nobody else stamps, not even the administration; and the key signs nothing else.
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kTimestampImprints, batch), Reason::kSignerLacksRole);
  EXPECT_EQ(c.Submit(first, TxType::kRegisterOffice,
                     RegisterOffice{"KZ-2", "x", SecretKey::Generate().public_key()}),
            Reason::kSignerLacksRole);
  // Not moved by rotate-key: it changes with its certificate.
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kRotateKey,
                     RotateKey{first.public_key(), SecretKey::Generate().public_key()}),
            Reason::kSignerLacksRole);
  // Malformed imprints never decode: a digest of another length, or none at all.
  TimestampImprints bad{{Imprint{ImprintAlgorithm::kSha384, ImprintOf("c").digest}}};
  EXPECT_EQ(c.Submit(first, TxType::kTimestampImprints, bad), Reason::kMalformed);
  EXPECT_EQ(c.Submit(first, TxType::kTimestampImprints, TimestampImprints{}), Reason::kMalformed);

  // A new certificate for the same key keeps it; a new key revokes the last one.
  const Hash32 renewed = Sha256Of(AsBytes("the renewed certificate"));
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kSetTimestampAuthority,
                     TimestampAuthority{first.public_key(), renewed, 0}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(first, TxType::kTimestampImprints, batch), Reason::kAccepted);
  const SecretKey second = SecretKey::Generate();
  EXPECT_EQ(c.Submit(c.admin("UZ"), TxType::kSetTimestampAuthority,
                     TimestampAuthority{first.public_key(), cert, 0}),
            Reason::kKeyInUse);  // Another country cannot take KZ's key.
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kSetTimestampAuthority,
                     TimestampAuthority{second.public_key(), renewed, 0}),
            Reason::kAccepted);
  EXPECT_EQ(c.Submit(first, TxType::kTimestampImprints, batch), Reason::kSignerRevoked);
  EXPECT_EQ(c.Submit(second, TxType::kTimestampImprints, batch), Reason::kAccepted);
  EXPECT_EQ(c.Read<TimestampAuthority>(TimestampAuthorityKey("KZ"))->signer, second.public_key());
}

}  // namespace
}  // namespace tamga::contracts
