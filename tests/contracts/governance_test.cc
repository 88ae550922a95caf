// tests/contracts/governance_test.cc
// Membership votes (two thirds adopt; the validator set changes at the next epoch) and key
// rotation: each acceptance and each rejection.

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "common/sha256.h"
#include "contracts/queries.h"
#include "tests/contracts/harness.h"
#include "tests/support/samples.h"

namespace tamga::contracts {
namespace {

using testing::ContractsChain;

AdministrationEntry Newcomer(const std::string& country, const SecretKey& validator,
                             const SecretKey& admin) {
  return {country, "Customs of " + country, validator.public_key(), "127.0.0.1:7100",
          admin.public_key()};
}

// KZ leaves: UZ proposes, KG and KR approve (3 of 4).
void RemoveKz(ContractsChain& c) {
  const ProposeMembership remove{
      "REMOVE-KZ", MembershipAction::kRemove, {"KZ", "", PublicKey(), "", PublicKey()}};
  ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kProposeMembership, remove), Reason::kAccepted);
  ASSERT_EQ(c.Submit(c.admin("KG"), TxType::kApproveMembership, ApproveMembership{"REMOVE-KZ"}),
            Reason::kAccepted);
  ASSERT_EQ(c.Submit(c.admin("KR"), TxType::kApproveMembership, ApproveMembership{"REMOVE-KZ"}),
            Reason::kAccepted);
}

TEST(Governance, TwoThirdsAdmitANewAdministrationAtTheNextEpoch) {
  ContractsChain c;
  const SecretKey tj_validator = testing::TestKey(150), tj_admin = testing::TestKey(151);
  c.KnowValidator(tj_validator);
  c.KnowAdmin("TJ", tj_admin);
  const ProposeMembership add{"ADD-TJ", MembershipAction::kAdd,
                              Newcomer("TJ", tj_validator, tj_admin)};
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kProposeMembership, add), Reason::kAccepted);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kApproveMembership, ApproveMembership{"ADD-TJ"}),
            Reason::kAlreadyApproved);
  EXPECT_EQ(c.Submit(c.admin("UZ"), TxType::kApproveMembership, ApproveMembership{"NOPE"}),
            Reason::kProposalUnknown);
  ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kApproveMembership, ApproveMembership{"ADD-TJ"}),
            Reason::kAccepted);
  // Two of four: not yet. TJ cannot act.
  EXPECT_EQ(c.ledger().Head().validators.size(), 4u);
  EXPECT_EQ(c.Submit(tj_admin, TxType::kRegisterOffice,
                     RegisterOffice{"TJ-1", "x", SecretKey::Generate().public_key()}),
            Reason::kUnknownSigner);
  // The third of four adopts it: the block ends epoch 0 with TJ's validator in the next set.
  ASSERT_EQ(c.Submit(c.admin("KG"), TxType::kApproveMembership, ApproveMembership{"ADD-TJ"}),
            Reason::kAccepted);
  const ledger::LedgerHead head = c.ledger().Head();
  EXPECT_EQ(head.validators.epoch, Epoch(1));
  ASSERT_EQ(head.validators.size(), 5u);
  EXPECT_EQ(head.validators.validators[4], tj_validator.public_key());
  EXPECT_EQ(c.Read<MembershipProposal>(ProposalKey("ADD-TJ"))->status, ProposalStatus::kAdopted);
  EXPECT_EQ(c.Submit(c.admin("KR"), TxType::kApproveMembership, ApproveMembership{"ADD-TJ"}),
            Reason::kAlreadyApproved);
  // TJ now acts, and epoch 1 blocks (signed by the new set) commit.
  EXPECT_EQ(c.Submit(tj_admin, TxType::kRegisterOffice,
                     RegisterOffice{"TJ-1", "x", SecretKey::Generate().public_key()}),
            Reason::kAccepted);
  // A proof built after the change verifies from the genesis set alone.
  (void)c.Block({});
  const ledger::ProofFile proof =
      c.ledger().BuildProof(std::nullopt, {AdministrationKey("TJ")}).value();
  EXPECT_EQ(proof.epochs.size(), 1u);
  const ledger::ProofVerdict v = ledger::VerifyProof(c.ledger().anchor(), proof);
  EXPECT_TRUE(v.ok()) << v.message;
}

TEST(Governance, ARemovedAdministrationNoLongerActsAndProposalRules) {
  ContractsChain c;
  const ProposeMembership remove{
      "REMOVE-KR", MembershipAction::kRemove, {"KR", "", PublicKey(), "", PublicKey()}};
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kProposeMembership, remove), Reason::kAccepted);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kProposeMembership, remove), Reason::kAlreadyExists);
  ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kApproveMembership, ApproveMembership{"REMOVE-KR"}),
            Reason::kAccepted);
  ASSERT_EQ(c.Submit(c.admin("KG"), TxType::kApproveMembership, ApproveMembership{"REMOVE-KR"}),
            Reason::kAccepted);
  EXPECT_EQ(c.ledger().Head().validators.size(), 3u);
  EXPECT_EQ(c.Submit(c.admin("KR"), TxType::kRegisterOffice,
                     RegisterOffice{"KR-1", "x", SecretKey::Generate().public_key()}),
            Reason::kSignerRevoked);
  EXPECT_EQ(
      c.Submit(c.admin("KZ"), TxType::kProposeMra, ProposeMra{"KR", "M", {}, 0, 4'000'000'000'000}),
      Reason::kWrongCountry);
  // Removing a non-member, adding a member, adding with a key in use.
  EXPECT_EQ(
      c.Submit(c.admin("KZ"), TxType::kProposeMembership,
               ProposeMembership{
                   "R2", MembershipAction::kRemove, {"KR", "", PublicKey(), "", PublicKey()}}),
      Reason::kWrongCountry);
  EXPECT_EQ(
      c.Submit(c.admin("KZ"), TxType::kProposeMembership,
               ProposeMembership{"A1", MembershipAction::kAdd,
                                 Newcomer("UZ", testing::TestKey(160), testing::TestKey(161))}),
      Reason::kAlreadyExists);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kProposeMembership,
                     ProposeMembership{"A2", MembershipAction::kAdd,
                                       Newcomer("TM", testing::TestKey(162), c.admin("UZ"))}),
            Reason::kKeyInUse);
  EXPECT_EQ(
      c.Submit(c.admin("KZ"), TxType::kProposeMembership,
               ProposeMembership{"A3", MembershipAction::kAdd,
                                 Newcomer("TM", testing::TestKey(163), testing::TestKey(163))}),
      Reason::kMalformed);
}

TEST(Governance, AdoptionChecksAgainWhatAnEarlierAdoptionChanged) {
  ContractsChain c;
  // Two proposals to add TJ, with different keys: the first adopted wins, the second's
  // last approval is refused.
  const SecretKey v1 = testing::TestKey(190), a1 = testing::TestKey(191);
  const SecretKey v2 = testing::TestKey(192), a2 = testing::TestKey(193);
  c.KnowValidator(v1);
  for (const auto& [id, v, a] :
       {std::tuple{"ADD-TJ-1", &v1, &a1}, std::tuple{"ADD-TJ-2", &v2, &a2}}) {
    ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kProposeMembership,
                       ProposeMembership{id, MembershipAction::kAdd, Newcomer("TJ", *v, *a)}),
              Reason::kAccepted);
    ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kApproveMembership, ApproveMembership{id}),
              Reason::kAccepted);
  }
  ASSERT_EQ(c.Submit(c.admin("KG"), TxType::kApproveMembership, ApproveMembership{"ADD-TJ-1"}),
            Reason::kAccepted);
  ASSERT_EQ(c.ledger().Head().validators.size(), 5u);
  // Five members now: KZ, UZ and KG's approvals make three, TJ's a fourth.
  ASSERT_EQ(c.Submit(c.admin("KG"), TxType::kApproveMembership, ApproveMembership{"ADD-TJ-2"}),
            Reason::kAccepted);
  c.KnowAdmin("TJ", a1);
  EXPECT_EQ(c.Submit(a1, TxType::kApproveMembership, ApproveMembership{"ADD-TJ-2"}),
            Reason::kAlreadyExists);
  EXPECT_EQ(c.ledger().Head().validators.size(), 5u);
  EXPECT_EQ(c.Read<AdministrationRecord>(AdministrationKey("TJ"))->entry.validator_key,
            v1.public_key());
  // Two proposals to remove KR: the second's last approval is refused.
  const ProposeMembership remove{
      "", MembershipAction::kRemove, {"KR", "", PublicKey(), "", PublicKey()}};
  for (const char* id : {"REMOVE-KR-1", "REMOVE-KR-2"}) {
    ProposeMembership r = remove;
    r.id = id;
    ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kProposeMembership, r), Reason::kAccepted);
    ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kApproveMembership, ApproveMembership{id}),
              Reason::kAccepted);
    ASSERT_EQ(c.Submit(c.admin("KG"), TxType::kApproveMembership, ApproveMembership{id}),
              Reason::kAccepted);
  }
  ASSERT_EQ(c.Submit(a1, TxType::kApproveMembership, ApproveMembership{"REMOVE-KR-1"}),
            Reason::kAccepted);
  ASSERT_EQ(c.ledger().Head().validators.size(), 4u);
  EXPECT_EQ(c.Submit(a1, TxType::kApproveMembership, ApproveMembership{"REMOVE-KR-2"}),
            Reason::kWrongCountry);
  EXPECT_EQ(c.ledger().Head().validators.size(), 4u);
}

TEST(Governance, OneValidatorSetChangePerBlock) {
  ContractsChain c;
  for (const auto& [id, cc, v, a] :
       {std::tuple{"ADD-TJ", "TJ", 170, 171}, std::tuple{"ADD-TM", "TM", 172, 173}}) {
    const SecretKey validator = testing::TestKey(static_cast<std::uint8_t>(v));
    c.KnowValidator(validator);
    ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kProposeMembership,
                       ProposeMembership{id, MembershipAction::kAdd,
                                         Newcomer(cc, validator,
                                                  testing::TestKey(static_cast<std::uint8_t>(a)))}),
              Reason::kAccepted);
    ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kApproveMembership, ApproveMembership{id}),
              Reason::kAccepted);
  }
  const auto r =
      c.Block({c.Tx(c.admin("KG"), TxType::kApproveMembership, ApproveMembership{"ADD-TJ"}),
               c.Tx(c.admin("KR"), TxType::kApproveMembership, ApproveMembership{"ADD-TM"})});
  EXPECT_EQ(r[0].code, 0);
  EXPECT_EQ(static_cast<Reason>(r[1].code), Reason::kEpochChangePending);
  EXPECT_EQ(c.ledger().Head().validators.size(), 5u);
  // In the next epoch KR's approval counts again; with five members, adoption needs four
  // (two thirds of five, rounded up): KZ, UZ, KR, then KG.
  EXPECT_EQ(c.Submit(c.admin("KR"), TxType::kApproveMembership, ApproveMembership{"ADD-TM"}),
            Reason::kAccepted);
  EXPECT_EQ(c.ledger().Head().validators.size(), 5u);
  EXPECT_EQ(c.Submit(c.admin("KG"), TxType::kApproveMembership, ApproveMembership{"ADD-TM"}),
            Reason::kAccepted);
  EXPECT_EQ(c.ledger().Head().validators.size(), 6u);
  EXPECT_EQ(c.ledger().Head().validators.epoch, Epoch(2));
}

TEST(KeyRotation, AKeyMovesItsRoleAndTheOldOneStopsButWhatItSignedStands) {
  ContractsChain c;
  const SecretKey old_key = c.AddOffice("UZ", "UZ-TASH");
  const SecretKey new_key = SecretKey::Generate();
  // Another office may not rotate it; KZ's administrator may not either.
  const SecretKey other = c.AddOffice("UZ", "UZ-2");
  EXPECT_EQ(
      c.Submit(other, TxType::kRotateKey, RotateKey{old_key.public_key(), new_key.public_key()}),
      Reason::kSignerLacksRole);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kRotateKey,
                     RotateKey{old_key.public_key(), new_key.public_key()}),
            Reason::kWrongCountry);
  EXPECT_EQ(
      c.Submit(old_key, TxType::kRotateKey, RotateKey{old_key.public_key(), other.public_key()}),
      Reason::kKeyInUse);
  ASSERT_EQ(
      c.Submit(old_key, TxType::kRotateKey, RotateKey{old_key.public_key(), new_key.public_key()}),
      Reason::kAccepted);
  EXPECT_EQ(c.Read<EntityRecord>(OfficeKey("UZ", "UZ-TASH"))->key, new_key.public_key());
  EXPECT_EQ(c.Submit(old_key, TxType::kRotateKey,
                     RotateKey{old_key.public_key(), SecretKey::Generate().public_key()}),
            Reason::kSignerRevoked);
  // The new key acts from sequence 1.
  EXPECT_EQ(c.Tx(new_key, TxType::kRequestVerification, RequestVerification{"KZ", "X"}).sequence,
            1u);
  // The administration rotates an office key, and its own.
  const SecretKey newer = SecretKey::Generate();
  ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kRotateKey,
                     RotateKey{new_key.public_key(), newer.public_key()}),
            Reason::kAccepted);
  const SecretKey new_admin = SecretKey::Generate();
  ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kRotateKey,
                     RotateKey{c.admin("UZ").public_key(), new_admin.public_key()}),
            Reason::kAccepted);
  EXPECT_EQ(c.Read<AdministrationRecord>(AdministrationKey("UZ"))->entry.admin_key,
            new_admin.public_key());
  c.KnowAdmin("UZ", new_admin);
  EXPECT_EQ(c.Submit(new_admin, TxType::kRegisterOffice,
                     RegisterOffice{"UZ-3", "x", SecretKey::Generate().public_key()}),
            Reason::kAccepted);
  // An administrator key is rotated only by itself.
  EXPECT_EQ(c.Submit(new_admin, TxType::kRotateKey,
                     RotateKey{c.admin("KZ").public_key(), SecretKey::Generate().public_key()}),
            Reason::kWrongCountry);
}

TEST(KeyRotation, AnAdministrationRotatesItsValidatorKeyAtTheNextEpoch) {
  ContractsChain c;
  const PublicKey old_key = c.genesis().administrations[0].validator_key;  // KZ's.
  ASSERT_EQ(c.genesis().administrations[0].country, "KZ");
  const SecretKey new_key = testing::TestKey(180);
  c.KnowValidator(new_key);
  // Only KZ's administrator rotates KZ's validator key; to a free key only.
  EXPECT_EQ(c.Submit(c.admin("UZ"), TxType::kRotateKey, RotateKey{old_key, new_key.public_key()}),
            Reason::kUnknownSigner);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kRotateKey,
                     RotateKey{old_key, c.genesis().administrations[1].validator_key}),
            Reason::kKeyInUse);
  EXPECT_EQ(
      c.Submit(c.admin("KZ"), TxType::kRotateKey, RotateKey{old_key, c.admin("UZ").public_key()}),
      Reason::kKeyInUse);
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kRotateKey, RotateKey{old_key, new_key.public_key()}),
            Reason::kAccepted);
  // The next epoch's set has the new key where the old one was; the registry names it.
  const ledger::LedgerHead head = c.ledger().Head();
  EXPECT_EQ(head.validators.epoch, Epoch(1));
  ASSERT_EQ(head.validators.size(), 4u);
  EXPECT_EQ(head.validators.validators[0], new_key.public_key());
  EXPECT_EQ(c.Read<AdministrationRecord>(AdministrationKey("KZ"))->entry.validator_key,
            new_key.public_key());
  // The old key is nothing any more: rotating it again is refused.
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kRotateKey,
                     RotateKey{old_key, testing::TestKey(181).public_key()}),
            Reason::kUnknownSigner);
  // Blocks of the new epoch (signed with the new key) commit, and a proof built after the
  // rotation verifies from the genesis set alone.
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kRegisterOffice,
                     RegisterOffice{"KZ-9", "x", SecretKey::Generate().public_key()}),
            Reason::kAccepted);
  const ledger::ProofFile proof =
      c.ledger().BuildProof(std::nullopt, {AdministrationKey("KZ")}).value();
  EXPECT_EQ(proof.epochs.size(), 1u);
  const ledger::ProofVerdict v = ledger::VerifyProof(c.ledger().anchor(), proof);
  EXPECT_TRUE(v.ok()) << v.message;
  // A removal adopted after the rotation removes the validator as it is now.
  ASSERT_NO_FATAL_FAILURE(RemoveKz(c));
  const ledger::LedgerHead after = c.ledger().Head();
  EXPECT_EQ(after.validators.size(), 3u);
  EXPECT_EQ(std::count(after.validators.validators.begin(), after.validators.validators.end(),
                       new_key.public_key()),
            0);
}

TEST(KeyRotation, ARemovalProposedBeforeARotationRemovesTheRotatedKey) {
  ContractsChain c;
  const SecretKey new_key = testing::TestKey(182);
  c.KnowValidator(new_key);
  const ProposeMembership remove{
      "REMOVE-KR", MembershipAction::kRemove, {"KR", "", PublicKey(), "", PublicKey()}};
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kProposeMembership, remove), Reason::kAccepted);
  ASSERT_EQ(c.Submit(c.admin("KR"), TxType::kRotateKey,
                     RotateKey{c.genesis().administrations[3].validator_key, new_key.public_key()}),
            Reason::kAccepted);
  ASSERT_EQ(c.ledger().Head().validators.validators[3], new_key.public_key());
  ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kApproveMembership, ApproveMembership{"REMOVE-KR"}),
            Reason::kAccepted);
  ASSERT_EQ(c.Submit(c.admin("KG"), TxType::kApproveMembership, ApproveMembership{"REMOVE-KR"}),
            Reason::kAccepted);
  const ledger::LedgerHead head = c.ledger().Head();
  ASSERT_EQ(head.validators.size(), 3u);
  for (const PublicKey& k : head.validators.validators) EXPECT_NE(k, new_key.public_key());
}

TEST(ValidatorAddress, AnAdministrationMovesItsOwnValidator) {
  ContractsChain c;
  for (const char* bad : {"no-port", "host:99999", ":26650", ""}) {
    EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kSetValidatorAddress, SetValidatorAddress{bad}),
              Reason::kMalformed)
        << bad;
  }
  const SecretKey office = c.AddOffice("KZ", "KZ-1");
  EXPECT_EQ(c.Submit(office, TxType::kSetValidatorAddress, SetValidatorAddress{"10.0.0.9:26650"}),
            Reason::kSignerLacksRole);
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kSetValidatorAddress,
                     SetValidatorAddress{"validator.kz.example:26650"}),
            Reason::kAccepted);
  EXPECT_EQ(c.Read<AdministrationRecord>(AdministrationKey("KZ"))->entry.address,
            "validator.kz.example:26650");
  // Its own entry only, and no change of the validator set.
  EXPECT_EQ(c.Read<AdministrationRecord>(AdministrationKey("UZ"))->entry.address,
            c.genesis().administrations[1].address);
  EXPECT_EQ(c.ledger().Head().validators.epoch, Epoch(0));
}

TEST(Observers, AnAdministrationNamesItsObserversAndLosesThemWhenItLeaves) {
  ContractsChain c;
  const PublicKey a = SecretKey::Generate().public_key();
  const PublicKey b = SecretKey::Generate().public_key();
  const PublicKey d = SecretKey::Generate().public_key();
  const auto listed = [&] {
    return ObserverKeysByCountry(c.ledger().StateBefore(nullptr)).value();
  };
  EXPECT_TRUE(listed().empty());

  // Keys of their own: not listed twice, not a validator's, not a registered signer's.
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kSetObservers, ObserverKeys{{a, a}}),
            Reason::kMalformed);
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kSetObservers,
                     ObserverKeys{{a, c.genesis().administrations[1].validator_key}}),
            Reason::kKeyInUse);
  const SecretKey office = c.AddOffice("KZ", "KZ-1");
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kSetObservers, ObserverKeys{{office.public_key()}}),
            Reason::kKeyInUse);
  // At most kObserversMax, named by an administrator.
  ObserverKeys many;
  for (std::size_t i = 0; i <= kObserversMax; ++i)
    many.keys.push_back(testing::TestKey(static_cast<std::uint8_t>(170 + i)).public_key());
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kSetObservers, many), Reason::kMalformed);
  EXPECT_EQ(c.Submit(office, TxType::kSetObservers, ObserverKeys{{a}}), Reason::kSignerLacksRole);
  EXPECT_TRUE(listed().empty()) << "a refusal wrote nothing";

  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kSetObservers, ObserverKeys{{a, b}}),
            Reason::kAccepted);
  ASSERT_EQ(c.Submit(c.admin("KR"), TxType::kSetObservers, ObserverKeys{{d}}), Reason::kAccepted);
  EXPECT_EQ(listed(), (std::map<std::string, std::vector<PublicKey>>{{"KR", {d}}, {"KZ", {a, b}}}));
  // A new list replaces the last; an empty one clears it.
  ASSERT_EQ(c.Submit(c.admin("KZ"), TxType::kSetObservers, ObserverKeys{{b}}), Reason::kAccepted);
  ASSERT_EQ(c.Submit(c.admin("KR"), TxType::kSetObservers, ObserverKeys{}), Reason::kAccepted);
  EXPECT_EQ(listed(), (std::map<std::string, std::vector<PublicKey>>{{"KZ", {b}}}));
  EXPECT_EQ(c.ledger().Head().validators.epoch, Epoch(0)) << "no change of the validator set";

  // KZ leaves: its observers are no longer listed, and it can name none.
  ASSERT_NO_FATAL_FAILURE(RemoveKz(c));
  ASSERT_EQ(c.ledger().Head().validators.size(), 3u);
  EXPECT_TRUE(listed().empty());
  EXPECT_EQ(c.Submit(c.admin("KZ"), TxType::kSetObservers, ObserverKeys{{a}}),
            Reason::kSignerRevoked);

  // Admitted again, with a new administrator key: the observers it named before are gone.
  const SecretKey kz_validator = testing::TestKey(190), kz_admin = testing::TestKey(191);
  c.KnowValidator(kz_validator);
  ASSERT_EQ(c.Submit(c.admin("UZ"), TxType::kProposeMembership,
                     ProposeMembership{"ADD-KZ", MembershipAction::kAdd,
                                       Newcomer("KZ", kz_validator, kz_admin)}),
            Reason::kAccepted);
  ASSERT_EQ(c.Submit(c.admin("KG"), TxType::kApproveMembership, ApproveMembership{"ADD-KZ"}),
            Reason::kAccepted);
  ASSERT_EQ(c.ledger().Head().validators.size(), 4u);
  EXPECT_TRUE(listed().empty());
  EXPECT_EQ(c.Read<ObserverKeys>(ObserversKey("KZ")), ObserverKeys{});
}

}  // namespace
}  // namespace tamga::contracts
