// tests/ledger/ledger_test.cc
// The ledger commits blocks atomically and durably, reads them back, refuses what does not
// extend it, stops after a failed write, and builds proofs that verify.

#include "ledger/ledger.h"

#include <gtest/gtest.h>

#include "common/merkle.h"
#include "common/sha256.h"
#include "ledger/log_proof.h"
#include "ledger/merkle_log.h"
#include "ledger/rocks_kv_store.h"
#include "tests/ledger/chain_builder.h"
#include "tests/ledger/faulty_kv_store.h"
#include "tests/support/temp_dir.h"

namespace tamga::ledger {
namespace {

using testing::ChainBuilder;
using testing::TestAnchor;
using testing::ValidatorKeys;

std::unique_ptr<Ledger> MemLedger(const TrustAnchor& anchor) {
  return Ledger::Open(std::make_unique<MemKvStore>(), anchor).value();
}

// Recomputes the log root from the stored leaves and compares it with the head's.
void ExpectLogRootRecomputes(const Ledger& ledger, KvReader& store) {
  const ExecutionResult r = ledger.Head().result;
  std::vector<Hash32> leaves;
  for (std::uint64_t i = 0; i < r.log_size; ++i) {
    leaves.push_back(MerkleLeafHash(MerkleLog::Leaf(store, i).value()));
  }
  EXPECT_EQ(MerkleRoot(leaves), r.log_root);
}

TEST(Ledger, GenesisHoldsTheValidatorSetAndItsQcHasNoSignatures) {
  const auto keys = ValidatorKeys(4);
  auto ledger = MemLedger(TestAnchor(keys));
  const LedgerHead head = ledger->Head();
  EXPECT_EQ(head.height, Height(0));
  EXPECT_EQ(head.validators, testing::SetOf(keys, Epoch(0)));
  EXPECT_EQ(head.result.log_size, 0u);
  EXPECT_EQ(ledger->StateAt(Height(0), ValidatorSetKey()).value(),
            Encode(ValidatorSetEntry{testing::SetOf(keys, Epoch(0)), Height(0)}));
  const QuorumCertificate qc = ledger->GenesisQc().value();
  EXPECT_TRUE(qc.signatures.empty());
  EXPECT_EQ(qc.data.block_id, GenesisBlock(ledger->anchor()).header.Id());
  EXPECT_EQ(qc.data.result, head.result);
}

TEST(Ledger, CommittedBlocksReadBackWithReceiptsRecordsStateAndIndexes) {
  const auto keys = ValidatorKeys(4);
  auto ledger = MemLedger(TestAnchor(keys));
  ChainBuilder chain(*ledger, keys);
  for (std::size_t h = 1; h <= 10; ++h) ASSERT_TRUE(chain.AppendBlock(h % 4).ok());

  EXPECT_EQ(ledger->Head().height, Height(10));
  std::uint64_t records = 0;
  for (std::uint64_t h = 1; h <= 10; ++h) {
    const Block b = ledger->BlockAt(Height(h)).value();
    EXPECT_EQ(ledger->QcAt(Height(h)).value().data.block_id, b.header.Id());
    const auto receipts = ledger->ReceiptsAt(Height(h)).value();
    ASSERT_EQ(receipts.size(), b.transactions.size());
    for (std::size_t i = 0; i < receipts.size(); ++i) {
      EXPECT_EQ(receipts[i].first_record, records);  // Numbered by the ledger, in order.
      const LogRecord rec = ledger->RecordAt(records).value();
      EXPECT_EQ(rec.height, Height(h));
      EXPECT_EQ(rec.tx_hash, b.transactions[i].Hash());
      EXPECT_EQ(ledger->FindTransaction(b.transactions[i].Hash()).value(),
                std::make_pair(Height(h), static_cast<std::uint32_t>(i)));
      const Hash32 doc = Sha256Of(testing::TestDocument(h, i));
      EXPECT_TRUE(ledger->StateAt(Height(h), testing::DocumentKey(doc)).value().has_value());
      EXPECT_FALSE(ledger->StateAt(Height(h - 1), testing::DocumentKey(doc)).value().has_value());
      Bytes index_key = {'d'};
      index_key.insert(index_key.end(), doc.data(), doc.data() + 32);
      EXPECT_EQ(ledger->IndexGet(index_key).value(), Bytes{static_cast<std::uint8_t>(i)});
      ++records;
    }
  }
  EXPECT_EQ(ledger->Head().result.log_size, records);
  EXPECT_FALSE(ledger->FindTransaction(Sha256Of(AsBytes("nothing"))).value().has_value());
  ExpectLogRootRecomputes(*ledger, ledger->store());
  // Block h is stamped genesis + h seconds.
  const std::uint64_t t0 = ledger->anchor().genesis_time_ms;
  EXPECT_EQ(ledger->HeightAtTime(t0 + 4500).value(), Height(4));
  EXPECT_EQ(ledger->HeightAtTime(t0 - 1).value(), Height(0));
  EXPECT_EQ(ledger->HeightAtTime(t0 + 99'000).value(), Height(10));
}

TEST(Ledger, PreparedBlocksChainOnUncommittedParents) {
  const auto keys = ValidatorKeys(4);
  auto a = MemLedger(TestAnchor(keys));
  auto b = MemLedger(TestAnchor(keys));
  ChainBuilder ca(*a, keys);
  // `a` commits two blocks one by one; `b` prepares both before committing either.
  const Block b1 = ca.NextBlock(3, 1);
  ASSERT_TRUE(ca.AppendBlock(3).ok());
  const Block b2 = ca.NextBlock(2, 1);
  ASSERT_TRUE(ca.AppendBlock(2).ok());

  auto p1 = b->Prepare(nullptr, b1, ChainBuilder::AnchorOutput(b1)).value();
  auto p2 = b->Prepare(p1, b2, ChainBuilder::AnchorOutput(b2)).value();
  EXPECT_EQ(p1->result, a->ResultAt(Height(1)).value());
  EXPECT_EQ(p2->result, a->ResultAt(Height(2)).value());
  // Not committed: nothing of them is in the store yet.
  EXPECT_EQ(b->Head().height, Height(0));
  EXPECT_FALSE(b->Commit(*p2, a->QcAt(Height(2)).value()).ok());  // Out of order.
  ASSERT_TRUE(b->Commit(*p1, a->QcAt(Height(1)).value()).ok());
  ASSERT_TRUE(b->Commit(*p2, a->QcAt(Height(2)).value()).ok());
  EXPECT_EQ(b->Head().result, a->Head().result);
}

TEST(Ledger, RefusesBlocksThatDoNotExtendItAndOutputsThatDoNotMatch) {
  const auto keys = ValidatorKeys(4);
  auto ledger = MemLedger(TestAnchor(keys));
  ChainBuilder chain(*ledger, keys);
  Block b = chain.NextBlock(2, 1);
  BlockOutput out = ChainBuilder::AnchorOutput(b);

  Block wrong_parent = b;
  wrong_parent.header.parent_id = Sha256Of(AsBytes("elsewhere"));
  EXPECT_EQ(ledger->Prepare(nullptr, wrong_parent, out).error().code(),
            StatusCode::kFailedPrecondition);
  Block wrong_chain = b;
  wrong_chain.header.chain_id = Sha256Of(AsBytes("other chain"));
  EXPECT_EQ(ledger->Prepare(nullptr, wrong_chain, out).error().code(),
            StatusCode::kInvalidArgument);
  BlockOutput short_receipts = out;
  short_receipts.receipts.pop_back();
  EXPECT_EQ(ledger->Prepare(nullptr, b, short_receipts).error().code(),
            StatusCode::kInvalidArgument);
  BlockOutput extra_record = out;
  extra_record.records.push_back(extra_record.records.back());
  EXPECT_EQ(ledger->Prepare(nullptr, b, extra_record).error().code(), StatusCode::kInvalidArgument);
  BlockOutput bad_set = out;
  bad_set.next_validators = testing::SetOf(keys, Epoch(5));
  EXPECT_EQ(ledger->Prepare(nullptr, b, bad_set).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger->Head().height, Height(0));
}

TEST(Ledger, AQcForAnotherResultIsRefusedAsDivergenceAndWritesNothing) {
  const auto keys = ValidatorKeys(4);
  auto ledger = MemLedger(TestAnchor(keys));
  ChainBuilder chain(*ledger, keys);
  const Block b = chain.NextBlock(2, 1);
  auto p = ledger->Prepare(nullptr, b, ChainBuilder::AnchorOutput(b)).value();
  ExecutionResult other = p->result;
  other.state_root = Sha256Of(AsBytes("a different state"));
  const Status s = ledger->Commit(*p, chain.Certify(b, other));
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("diverged"), std::string::npos);
  EXPECT_EQ(ledger->Head().height, Height(0));
  EXPECT_FALSE(ledger->BlockAt(Height(1)).ok());
  EXPECT_TRUE(ledger->Commit(*p, chain.Certify(b, p->result)).ok());
}

TEST(Ledger, ReopensFromDiskAtItsHeadAndRefusesAnotherChainOrFormat) {
  testing::TempDir dir("ledger_reopen");
  const auto keys = ValidatorKeys(4);
  ExecutionResult before;
  {
    auto ledger = Ledger::OpenDirectory(dir.File("data"), TestAnchor(keys)).value();
    ChainBuilder chain(*ledger, keys);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(chain.AppendBlock(3).ok());
    before = ledger->Head().result;
  }
  {
    auto ledger = Ledger::OpenDirectory(dir.File("data"), TestAnchor(keys)).value();
    EXPECT_EQ(ledger->Head().height, Height(5));
    EXPECT_EQ(ledger->Head().result, before);
    ChainBuilder chain(*ledger, keys);
    ASSERT_TRUE(chain.AppendBlock(1).ok());
    ExpectLogRootRecomputes(*ledger, ledger->store());
  }
  TrustAnchor other = TestAnchor(keys);
  other.chain_id = Sha256Of(AsBytes("another genesis"));
  Result<std::unique_ptr<Ledger>> wrong = Ledger::OpenDirectory(dir.File("data"), other);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(wrong.error().message().find("belongs to chain"), std::string::npos);
  {
    auto store = RocksKvStore::Open(dir.File("data")).value();
    WriteBatch b;
    Bytes v;
    AppendU64(v, 99);
    b.Put(Column::kMeta, AsBytes("format"), v);
    ASSERT_TRUE(store->Write(b, true).ok());
  }
  Result<std::unique_ptr<Ledger>> future =
      Ledger::OpenDirectory(dir.File("data"), TestAnchor(keys));
  ASSERT_FALSE(future.ok());
  EXPECT_NE(future.error().message().find("format 99"), std::string::npos);
}

TEST(Ledger, OpensReadOnlyBesideItsWriterAndNeverInitialisesAnEmptyStore) {
  testing::TempDir dir("ledger_read_only");
  const auto keys = ValidatorKeys(4);
  auto writer = Ledger::OpenDirectory(dir.File("data"), TestAnchor(keys)).value();
  ChainBuilder chain(*writer, keys);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(chain.AppendBlock(2).ok());

  // The writer holds the directory's lock; a read-only opener needs none.
  auto reader = Ledger::OpenDirectoryReadOnly(dir.File("data"), TestAnchor(keys));
  ASSERT_TRUE(reader.ok()) << reader.error().ToString();
  EXPECT_EQ((*reader)->Head().height, Height(3));
  EXPECT_EQ((*reader)->Head().result, writer->Head().result);
  EXPECT_EQ((*reader)->BlockAt(Height(2)).value(), writer->BlockAt(Height(2)).value());
  WriteBatch b;
  b.Put(Column::kMeta, AsBytes("x"), AsBytes("y"));
  EXPECT_EQ((*reader)->store().Write(b, true).code(), StatusCode::kFailedPrecondition);

  TrustAnchor other = TestAnchor(keys);
  other.chain_id = Sha256Of(AsBytes("another genesis"));
  auto wrong = Ledger::OpenDirectoryReadOnly(dir.File("data"), other);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(wrong.error().message().find("belongs to chain"), std::string::npos);

  // An empty store is refused, not initialised: OpenExisting writes nothing.
  auto none = Ledger::OpenExisting(std::make_unique<MemKvStore>(), TestAnchor(keys));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(Ledger::OpenDirectoryReadOnly(dir.File("nothing"), TestAnchor(keys)).error().code(),
            StatusCode::kNotFound);
}

TEST(Ledger, EveryCommitIsSyncedSoACrashLosesNothingCommitted) {
  const auto keys = ValidatorKeys(4);
  auto disk = std::make_shared<MemKvStore>();
  ExecutionResult committed;
  {
    auto store = std::make_unique<testing::FaultyKvStore>(disk);
    testing::FaultyKvStore* faulty = store.get();
    auto ledger = Ledger::Open(std::move(store), TestAnchor(keys)).value();
    ChainBuilder chain(*ledger, keys);
    for (int i = 0; i < 6; ++i) ASSERT_TRUE(chain.AppendBlock(2).ok());
    committed = ledger->Head().result;
    faulty->Crash();
  }
  auto reopened =
      Ledger::Open(std::make_unique<testing::FaultyKvStore>(disk), TestAnchor(keys)).value();
  EXPECT_EQ(reopened->Head().height, Height(6));
  EXPECT_EQ(reopened->Head().result, committed);
}

class FailedWrite : public ::testing::TestWithParam<testing::FaultyKvStore::FailedBatch> {};

TEST_P(FailedWrite, StopsTheLedgerAndARestartFindsAWholeState) {
  const auto keys = ValidatorKeys(4);
  auto disk = std::make_shared<MemKvStore>();
  auto store = std::make_unique<testing::FaultyKvStore>(disk);
  testing::FaultyKvStore* faulty = store.get();
  auto ledger = Ledger::Open(std::move(store), TestAnchor(keys)).value();
  ChainBuilder chain(*ledger, keys);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(chain.AppendBlock(2).ok());
  faulty->FailWrite(0, Status::ResourceExhausted("disk full: no space left on device"), GetParam());
  const Status s = chain.AppendBlock(2);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("disk full"), std::string::npos) << s.ToString();
  // Stopped: nothing more is accepted, even though the next write would succeed.
  EXPECT_EQ(chain.AppendBlock(1).code(), StatusCode::kFailedPrecondition);
  const Block next = chain.NextBlock(1, 1);
  EXPECT_EQ(ledger->Prepare(nullptr, next, ChainBuilder::AnchorOutput(next)).error().code(),
            StatusCode::kFailedPrecondition);
  faulty->Crash();
  ledger.reset();

  auto reopened =
      Ledger::Open(std::make_unique<testing::FaultyKvStore>(disk), TestAnchor(keys)).value();
  const Height expected(GetParam() == testing::FaultyKvStore::FailedBatch::kDurable ? 4 : 3);
  EXPECT_EQ(reopened->Head().height, expected);
  ExpectLogRootRecomputes(*reopened, reopened->store());
  ChainBuilder again(*reopened, keys);
  EXPECT_TRUE(again.AppendBlock(1).ok());
}

INSTANTIATE_TEST_SUITE_P(LostOrDurable, FailedWrite,
                         ::testing::Values(testing::FaultyKvStore::FailedBatch::kLost,
                                           testing::FaultyKvStore::FailedBatch::kDurable));

TEST(LedgerProofs, ARecordAndStateEntriesProveAgainstGenesis) {
  const auto keys = ValidatorKeys(4);
  auto ledger = MemLedger(TestAnchor(keys));
  ChainBuilder chain(*ledger, keys);
  EXPECT_FALSE(ledger->ProvableHeight().ok());  // Nothing committed past genesis.
  ASSERT_TRUE(chain.AppendBlock(3).ok());
  EXPECT_FALSE(ledger->ProvableHeight().ok());  // Block 1 needs a child to be provable.
  ASSERT_TRUE(chain.AppendBlock(2).ok());
  EXPECT_EQ(ledger->ProvableHeight().value(), Height(1));
  ASSERT_TRUE(chain.AppendBlock(1, /*round_step=*/3).ok());  // A skipped round.
  ASSERT_TRUE(chain.AppendBlock(1).ok());
  EXPECT_EQ(ledger->ProvableHeight().value(), Height(3));

  const Hash32 doc = Sha256Of(testing::TestDocument(2, 1));
  const Hash32 absent = testing::DocumentKey(Sha256Of(AsBytes("never anchored")));
  const ProofFile proof = ledger->BuildProof(4, {testing::DocumentKey(doc), absent}).value();
  const ProofVerdict v = VerifyProof(ledger->anchor(), proof);
  ASSERT_TRUE(v.ok()) << ProofErrorName(v.error) << ": " << v.message;
  EXPECT_EQ(v.facts.height, Height(3));
  EXPECT_EQ(v.facts.timestamp_ms, ledger->BlockAt(Height(3)).value().header.timestamp_ms);
  EXPECT_EQ(v.facts.signers.size(), 3u);
  EXPECT_EQ(v.facts.record->tx_hash, ledger->BlockAt(Height(2)).value().transactions[1].Hash());
  ASSERT_EQ(v.facts.state.size(), 2u);
  EXPECT_TRUE(v.facts.state[0].value.has_value());
  EXPECT_FALSE(v.facts.state[1].value.has_value());
  // Block 2's commit needs block 3 (consecutive rounds fail there) and block 4.
  const ProofFile at2 = ledger->BuildProof(std::nullopt, {}, Height(2)).value();
  EXPECT_EQ(at2.block.commit.headers.size(), 2u);
  EXPECT_TRUE(VerifyProof(ledger->anchor(), at2).ok());
  // A record not yet in the log at that height.
  EXPECT_EQ(ledger->BuildProof(6, {}, Height(1)).error().code(), StatusCode::kNotFound);
  // The JSON form verifies the same.
  EXPECT_TRUE(VerifyProofJson(ledger->anchor(), ProofToJson(proof)).ok());
}

// Above the block that ends an epoch, the old validators may still certify blocks (they
// have not all seen the change commit yet); the next epoch abandons them. Even a two-chain
// of such blocks must not prove as committed.
TEST(LedgerProofs, ABlockAboveTheEndOfItsEpochDoesNotProve) {
  const auto keys0 = ValidatorKeys(4), keys1 = ValidatorKeys(4, 60);
  auto ledger = MemLedger(TestAnchor(keys0));
  ChainBuilder chain(*ledger, keys0);
  ASSERT_TRUE(chain.AppendBlock(1).ok());
  ASSERT_TRUE(chain.AppendReconfiguration(keys1).ok());  // R = height 2.
  ASSERT_TRUE(chain.AppendBlock(1).ok());
  ASSERT_TRUE(chain.AppendBlock(1).ok());
  const ProofFile at_r = ledger->BuildProof(std::nullopt, {}, Height(2)).value();
  ASSERT_TRUE(VerifyProof(ledger->anchor(), at_r).ok());

  // X1: the stored epoch-proof block above R. X2: its child one round later, certified by
  // the same epoch-0 quorum. Together a valid-looking two-chain at heights 3 and 4.
  const EpochProof tail = ledger->EpochProofAt(Height(2)).value().value();
  ASSERT_EQ(tail.blocks.size(), 1u);
  const CertifiedBlock& x1 = tail.blocks[0];
  BlockHeader x2 = x1.block.header;
  x2.round = x1.block.header.round.Next();
  x2.height = x1.block.header.height.Next();
  x2.parent_id = x1.block.header.Id();
  QuorumCertificate x2_qc;
  x2_qc.data = VoteData{x2.chain_id, x2.epoch, x2.round, x2.height, x2.Id(), x1.qc.data.result};
  for (std::uint32_t i = 0; i < 3; ++i) {
    x2_qc.signatures.push_back(
        {ValidatorIndex(i), keys0[i].Sign(SignDomain::kVote, Encode(x2_qc.data))});
  }
  ProofFile forged = at_r;
  forged.block = CommittedHeader{x1.block.header, x1.qc, CommitEvidence{{x2}, {x1.qc, x2_qc}}};
  const ProofVerdict v = VerifyProof(ledger->anchor(), forged);
  EXPECT_EQ(v.error, ProofError::kNotCommitted) << v.message;
  EXPECT_NE(v.message.find("above the end of epoch 0"), std::string::npos) << v.message;
}

TEST(Ledger, AValidatorSetChangeWithoutATwoChainAboveItIsRefused) {
  const auto keys = ValidatorKeys(4);
  auto ledger = MemLedger(TestAnchor(keys));
  ChainBuilder chain(*ledger, keys);
  const Block r = chain.NextBlock(0, 1);
  BlockOutput out;
  out.next_validators = testing::SetOf(ValidatorKeys(4, 70), Epoch(1));
  auto p = ledger->Prepare(nullptr, r, out).value();
  EXPECT_EQ(ledger->Commit(*p, chain.Certify(r, p->result), {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger->Head().height, Height(0));
}

TEST(LedgerProofs, LogConsistencyBetweenTwoCertifiedRoots) {
  const auto keys = ValidatorKeys(4);
  auto ledger = MemLedger(TestAnchor(keys));
  ChainBuilder chain(*ledger, keys);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(chain.AppendBlock(3 + i).ok());
  const ExecutionResult r2 = ledger->ResultAt(Height(2)).value();
  const ExecutionResult r6 = ledger->ResultAt(Height(6)).value();
  const std::vector<Hash32> proof = ledger->LogConsistency(r2.log_size, r6.log_size).value();
  EXPECT_EQ(CheckConsistency(r2.log_size, r6.log_size, r2.log_root, r6.log_root, proof),
            PathCheck::kOk);
  EXPECT_NE(CheckConsistency(r2.log_size, r6.log_size, r6.log_root, r6.log_root, proof),
            PathCheck::kOk);
  EXPECT_EQ(ledger->LogConsistency(1, r6.log_size + 1).error().code(),
            StatusCode::kInvalidArgument);
}

TEST(LedgerProofs, ProofsFollowTheValidatorSetThroughEpochChanges) {
  const auto keys0 = ValidatorKeys(4), keys1 = ValidatorKeys(7, 50), keys2 = ValidatorKeys(4, 80);
  testing::TempDir dir("ledger_epochs");
  auto ledger = Ledger::OpenDirectory(dir.File("data"), TestAnchor(keys0)).value();
  ChainBuilder chain(*ledger, keys0);
  ASSERT_TRUE(chain.AppendBlock(2).ok());
  ASSERT_TRUE(chain.AppendReconfiguration(keys1).ok());  // Height 2 ends epoch 0.
  EXPECT_EQ(ledger->Head().validators, testing::SetOf(keys1, Epoch(1)));
  ASSERT_TRUE(chain.AppendBlock(2).ok());
  ASSERT_TRUE(chain.AppendBlock(2).ok());
  ASSERT_TRUE(chain.AppendReconfiguration(keys2).ok());  // Height 5 ends epoch 1.
  ASSERT_TRUE(chain.AppendBlock(1).ok());
  ASSERT_TRUE(chain.AppendBlock(1).ok());
  ASSERT_TRUE(chain.AppendBlock(1).ok());

  const ProofFile p = ledger->BuildProof(0, {}).value();
  EXPECT_EQ(p.block.header.epoch, Epoch(2));
  ASSERT_EQ(p.epochs.size(), 2u);
  const ProofVerdict v = VerifyProof(ledger->anchor(), p);
  ASSERT_TRUE(v.ok()) << ProofErrorName(v.error) << ": " << v.message;
  EXPECT_EQ(v.facts.signer_keys[0], keys2[0].public_key());
  // Blocks at the end of an epoch prove through the stored epoch proof.
  for (std::uint64_t h : {1, 2, 3, 4, 5}) {
    const ProofVerdict at =
        VerifyProof(ledger->anchor(), ledger->BuildProof(std::nullopt, {}, Height(h)).value());
    EXPECT_TRUE(at.ok()) << "height " << h << ": " << at.message;
  }
  ledger.reset();
  // The epoch survives a restart.
  auto reopened = Ledger::OpenDirectory(dir.File("data"), TestAnchor(keys0)).value();
  EXPECT_EQ(reopened->Head().validators, testing::SetOf(keys2, Epoch(2)));
}

}  // namespace
}  // namespace tamga::ledger
