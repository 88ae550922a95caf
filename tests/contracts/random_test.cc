// tests/contracts/random_test.cc
// Long random sequences of valid and invalid transactions from several administrations:
// the same sequence gives the same state root on another node, a rejected transaction
// leaves the root unchanged, and quantities add up (nothing is used twice or below zero).

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "common/sha256.h"
#include "contracts/queries.h"
#include "tests/contracts/harness.h"
#include "tests/support/samples.h"

namespace tamga::contracts {
namespace {

using testing::ContractsChain;

struct Model {
  std::uint64_t quantity = 0;
  std::uint64_t used = 0;
};

TEST(RandomSequences, DeterministicRejectionsChangeNothingQuantitiesAddUp) {
  constexpr int kSteps = 400;
  ContractsChain a, b;
  std::mt19937_64 rng(77);
  // Deterministic keys so that both nodes see the same transactions.
  const SecretKey kz_chamber = testing::TestKey(101), kg_chamber = testing::TestKey(102);
  const SecretKey uz_office = testing::TestKey(103), kr_office = testing::TestKey(104);
  std::vector<std::vector<Transaction>> blocks;
  auto run = [&](std::vector<Transaction> txs) {
    blocks.push_back(txs);
    return a.Block(std::move(txs));
  };
  ASSERT_EQ(
      run({a.Tx(a.admin("KZ"), TxType::kAccreditIssuer,
                AccreditIssuer{"CCI-KZ", "c", kz_chamber.public_key(), kScopeCertificateOfOrigin}),
           a.Tx(a.admin("KG"), TxType::kAccreditIssuer,
                AccreditIssuer{"CCI-KG", "c", kg_chamber.public_key(), kScopeCertificateOfOrigin}),
           a.Tx(a.admin("UZ"), TxType::kRegisterOffice,
                RegisterOffice{"UZ-1", "o", uz_office.public_key()}),
           a.Tx(a.admin("KR"), TxType::kRegisterOffice,
                RegisterOffice{"KR-1", "o", kr_office.public_key()})})[3]
          .code,
      0);

  std::map<std::string, Model> model;                        // "CC/number" -> quantities.
  std::vector<std::pair<std::string, std::string>> numbers;  // (exporting country, number)
  int accepted = 0, rejected = 0;
  for (int step = 0; step < kSteps; ++step) {
    const int op = static_cast<int>(rng() % 6);
    Transaction tx;
    std::string touched;
    std::uint64_t use_quantity = 0;
    if (op <= 1 || numbers.empty()) {  // Issue, sometimes a duplicate number.
      const bool kz = rng() % 2 == 0;
      const std::string from = kz ? "KZ" : "KG";
      const std::string number = rng() % 5 == 0 && !numbers.empty()
                                     ? numbers[rng() % numbers.size()].second
                                     : from + "-" + std::to_string(step);
      const std::string to = rng() % 2 == 0 ? "UZ" : "KR";
      CertificateIssue c =
          testing::SampleCertificate(number, from, to, 1 + rng() % 1000, a.NextBlockTime());
      tx = a.Tx(kz ? kz_chamber : kg_chamber, TxType::kIssueCertificates, IssueCertificates{{c}});
      touched = from + "/" + number;
      if (!model.count(touched)) model[touched].quantity = 0;  // Filled in if accepted.
      use_quantity = c.quantity;
    } else if (op <= 3) {  // Use, by either office, any amount.
      const auto& [from, number] = numbers[rng() % numbers.size()];
      const bool uz = rng() % 2 == 0;
      use_quantity = 1 + rng() % 600;
      tx = a.Tx(uz ? uz_office : kr_office, TxType::kUseCertificate,
                UseCertificate{from, number, Sha256Of(AsBytes(std::to_string(rng() % 50))),
                               use_quantity});
      touched = from + "/" + number;
    } else if (op == 4) {  // Revoke, sometimes by the wrong chamber.
      const auto& [from, number] = numbers[rng() % numbers.size()];
      tx = a.Tx(rng() % 2 == 0 ? kz_chamber : kg_chamber, TxType::kRevokeCertificate,
                RevokeCertificate{number, 1});
    } else {  // Garbage: a bad sequence or a bad signature.
      tx = a.Tx(kz_chamber, TxType::kRevokeCertificate, RevokeCertificate{"X", 1});
      if (rng() % 2 == 0) {
        tx.sequence += 3;
        tx.Sign(kz_chamber);
      } else {
        tx.signature.data()[1] ^= 4;
      }
    }
    const Hash32 before = a.StateRoot();
    const Reason r = static_cast<Reason>(run({tx})[0].code);
    if (r == Reason::kAccepted) {
      ++accepted;
      if (static_cast<TxType>(tx.type) == TxType::kIssueCertificates) {
        model[touched] = Model{use_quantity, 0};
        const auto slash = touched.find('/');
        numbers.emplace_back(touched.substr(0, slash), touched.substr(slash + 1));
      } else if (static_cast<TxType>(tx.type) == TxType::kUseCertificate) {
        model[touched].used += use_quantity;
      }
    } else {
      ++rejected;
      // One that never ran leaves the state as it was; one a rule refused uses up its
      // signer's sequence number and changes nothing else.
      const bool ran = contracts::CountsAsOnLedger(r);
      ASSERT_EQ(a.StateRoot(), ran ? a.RootWithSequenceUsed(before, tx) : before)
          << "step " << step << ": rejected (" << ReasonText(r) << ") yet the state changed";
    }
  }
  EXPECT_GT(accepted, kSteps / 5);
  EXPECT_GT(rejected, kSteps / 5);
  // Quantities: what the state says remains is what the model says, never below zero.
  for (const auto& [from, number] : numbers) {
    const Model& m = model[from + "/" + number];
    const auto rec = a.Read<CertificateRecord>(CertificateKey(from, number));
    ASSERT_TRUE(rec);
    ASSERT_LE(m.used, m.quantity);
    EXPECT_EQ(rec->remaining, m.quantity - m.used) << from << "/" << number;
  }
  // Another node executing the same blocks reaches the same roots.
  for (const auto& txs : blocks) (void)b.Block(txs);
  EXPECT_EQ(b.StateRoot(), a.StateRoot());
  EXPECT_EQ(b.ledger().Head().result, a.ledger().Head().result);
}

}  // namespace
}  // namespace tamga::contracts

namespace tamga::contracts {
namespace {

// Random AEO statuses and MRAs among four administrations: whenever X of A is recognised by
// B, A's own record says granted and the A-B arrangement itself is in force.
TEST(RandomSequences, RecognitionIsNeverTransitive) {
  ContractsChain c;
  std::mt19937_64 rng(99);
  const std::vector<std::string> countries = {"KZ", "UZ", "KG", "KR"};
  const Hash32 x = Sha256Of(AsBytes("operator"));
  int recognised_abroad = 0;
  for (int step = 0; step < 150; ++step) {
    const std::string& a = countries[rng() % 4];
    const std::string& b = countries[rng() % 4];
    switch (rng() % 5) {
      case 0:
        (void)c.Submit(c.admin(a), TxType::kSetAeoStatus,
                       SetAeoStatus{x, rng() % 3 == 0 ? AeoStatus::kSuspended : AeoStatus::kGranted,
                                    "AEO", 0, 4'000'000'000'000});
        break;
      case 1:
        (void)c.Submit(c.admin(a), TxType::kProposeMra,
                       ProposeMra{b, "M" + std::to_string(step), {}, 0, 4'000'000'000'000});
        break;
      case 2:
        (void)c.Submit(c.admin(a), TxType::kAcceptMra, AcceptMra{b});
        break;
      default:
        (void)c.Submit(c.admin(a), TxType::kSetMraStatus,
                       SetMraStatus{b, static_cast<MraAction>(1 + rng() % 3)});
        break;
    }
    const auto state = c.ledger().StateBefore(nullptr);
    for (const std::string& from : countries) {
      for (const std::string& to : countries) {
        const Recognition r = RecognitionOf(state, from, x, to, c.NextBlockTime()).value();
        if (!r.recognised) continue;
        ASSERT_TRUE(r.aeo && r.aeo->status == AeoStatus::kGranted);
        if (from == to) continue;
        ++recognised_abroad;
        const auto mra = c.Read<MraRecord>(MraKey(from, to));
        ASSERT_TRUE(mra && mra->status == MraStatus::kInForce)
            << from << " -> " << to << " recognised without an MRA of their own in force";
      }
    }
  }
  EXPECT_GT(recognised_abroad, 0);  // The check above was exercised.
}

}  // namespace
}  // namespace tamga::contracts
