// tests/contracts/governance_test.cc
// Membership votes (two thirds adopt; the validator set changes at the next epoch) and key
// rotation: each acceptance and each rejection.

#include <gtest/gtest.h>

#include "common/sha256.h"
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

}  // namespace
}  // namespace tamga::contracts
