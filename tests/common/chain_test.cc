#include "common/chain.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/support/samples.h"

namespace tamga {
namespace {

using testing::SampleBlock;
using testing::SampleProposal;
using testing::SampleQc;
using testing::SampleTc;
using testing::SampleTransaction;
using testing::TestKey;

// Encode, decode, encode again: the bytes must be identical and the values equal.
template <typename T>
void ExpectRoundTrip(const T& value, std::string_view what) {
  const Bytes once = Encode(value);
  Result<T> decoded = Decode<T>(once, what);
  ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
  EXPECT_EQ(*decoded, value);
  EXPECT_EQ(Encode(*decoded), once);
}

// Random single-byte changes, truncations and extensions of a valid encoding: each either
// fails to decode or decodes to a value whose encoding is exactly the mutated bytes. That
// is the definition of a canonical decoder: no two byte strings mean the same value.
template <typename T>
void ExpectCanonicalUnderMutation(const T& value, std::uint32_t seed) {
  const Bytes valid = Encode(value);
  std::mt19937 rng(seed);
  int accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    Bytes m = valid;
    switch (rng() % 3) {
      case 0:
        m[rng() % m.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
        break;
      case 1:
        m.resize(rng() % m.size());
        break;
      default:
        m.push_back(static_cast<std::uint8_t>(rng()));
        break;
    }
    Result<T> decoded = Decode<T>(m, "mutant");
    if (decoded.ok()) {
      ++accepted;
      ASSERT_EQ(Encode(*decoded), m) << "mutation " << i << " decoded to a different encoding";
    }
  }
  // Most byte flips land in hashes or integers and stay decodable; a test in which none
  // did would not be testing the acceptance branch at all.
  EXPECT_GT(accepted, 0);
}

TEST(Chain, TransactionRoundTripsAndIsCanonical) {
  const Transaction tx = SampleTransaction(1, 42);
  ExpectRoundTrip(tx, "transaction");
  ExpectCanonicalUnderMutation(tx, 1);
}

TEST(Chain, BlockRoundTripsAndIsCanonical) {
  const Block b = SampleBlock(5, 3);
  ExpectRoundTrip(b, "block");
  ExpectCanonicalUnderMutation(b, 2);
}

TEST(Chain, ProposalsWithAndWithoutTcRoundTrip) {
  ExpectRoundTrip(SampleProposal(9, 2, false), "proposal");
  ExpectRoundTrip(SampleProposal(9, 0, true), "proposal");
  ExpectCanonicalUnderMutation(SampleProposal(9, 1, true), 3);
}

TEST(Chain, VotesCertificatesAndValidatorSetsRoundTrip) {
  const QuorumCertificate qc = SampleQc(4, 3);
  ExpectRoundTrip(qc, "qc");
  ExpectCanonicalUnderMutation(qc, 4);
  ExpectRoundTrip(SampleTc(4, 3), "tc");
  Vote v{qc.data, ValidatorIndex(2), qc.signatures[2].signature};
  ExpectRoundTrip(v, "vote");
  Timeout t{{testing::TestChain(), Epoch(1), Round(5), Round(4)}, qc, std::nullopt,
            ValidatorIndex(1), {}};
  ExpectRoundTrip(t, "timeout");
  ExpectCanonicalUnderMutation(t, 6);
  t.last_round_tc = SampleTc(4, 3);
  ExpectRoundTrip(t, "timeout");
  ExpectCanonicalUnderMutation(t, 7);
  ExpectCanonicalUnderMutation(v, 8);
  ExpectCanonicalUnderMutation(SampleTc(4, 3), 9);
  ValidatorSet set{Epoch(0), {TestKey(1).public_key(), TestKey(2).public_key()}};
  ExpectRoundTrip(set, "validator set");
  ExpectCanonicalUnderMutation(set, 5);
}

TEST(Chain, QcWithDuplicateOrUnsortedSignersIsRejected) {
  QuorumCertificate qc = SampleQc(4, 3);
  QuorumCertificate dup = qc;
  dup.signatures[1] = dup.signatures[0];  // The same signer counted twice.
  Result<QuorumCertificate> r = Decode<QuorumCertificate>(Encode(dup), "qc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kCorruption);
  EXPECT_NE(r.error().message().find("not strictly ascending at position 1"), std::string::npos);

  QuorumCertificate swapped = qc;
  std::swap(swapped.signatures[0], swapped.signatures[2]);
  EXPECT_FALSE(Decode<QuorumCertificate>(Encode(swapped), "qc").ok());
  EXPECT_FALSE(CheckSignerOrder(swapped).ok());
  EXPECT_TRUE(CheckSignerOrder(qc).ok());

  TimeoutCertificate tc = SampleTc(4, 2);
  std::swap(tc.signatures[0], tc.signatures[1]);
  EXPECT_FALSE(Decode<TimeoutCertificate>(Encode(tc), "tc").ok());
}

TEST(Chain, ValidatorSetWithAKeyTwiceIsRejected) {
  ValidatorSet set{Epoch(0), {TestKey(1).public_key(), TestKey(1).public_key()}};
  EXPECT_EQ(Decode<ValidatorSet>(Encode(set), "set").error().message(),
            "set: validator set lists a key twice");
}

TEST(Chain, BlockWhoseHeaderMiscountsItsTransactionsIsRejected) {
  Block b = SampleBlock(3, 2);
  b.header.transaction_count = 3;
  Result<Block> r = Decode<Block>(Encode(b), "block");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(),
            "block: block header counts 3 transactions, the block holds 2");
}

TEST(Chain, ProposalPresenceByteOtherThanZeroOrOneIsRejected) {
  Proposal p = SampleProposal(4, 0, false);
  Bytes enc = Encode(p);
  enc[enc.size() - 65] = 2;  // The byte before the 64-byte signature: TC present?
  EXPECT_FALSE(Decode<Proposal>(enc, "proposal").ok());
}

TEST(Chain, CountsOverTheirLimitsAreRejected) {
  Encoder e;
  e.Id(Epoch(0));
  e.Count(kValidatorsMax + 1);
  for (std::size_t i = 0; i <= kValidatorsMax; ++i) e.Fixed(TestKey(1).public_key());
  Result<ValidatorSet> r = Decode<ValidatorSet>(e.bytes(), "set");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "set: validators count 1025 > max 1024");
}

TEST(Chain, UnknownHeaderVersionIsRejected) {
  BlockHeader h = SampleBlock(2, 0).header;
  h.version = 2;
  EXPECT_FALSE(Decode<BlockHeader>(Encode(h), "header").ok());
}

TEST(Chain, OversizedPayloadIsRejectedBeforeAllocation) {
  Transaction tx = SampleTransaction(1, 1, 0);
  Bytes enc = Encode(tx);
  // The payload length sits after chain id (32) and type (2): claim 1 MiB + 1.
  const std::uint32_t len = kTxPayloadMax + 1;
  enc[34] = static_cast<std::uint8_t>(len >> 24);
  enc[35] = static_cast<std::uint8_t>(len >> 16);
  enc[36] = static_cast<std::uint8_t>(len >> 8);
  enc[37] = static_cast<std::uint8_t>(len);
  Result<Transaction> r = Decode<Transaction>(enc, "tx");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "tx: transaction payload length 1048577 > max 1048576");
}

TEST(Chain, TransactionSignatureCoversEveryField) {
  Transaction tx = SampleTransaction(3, 7);
  EXPECT_TRUE(tx.VerifySignature().ok());
  auto expect_broken = [](Transaction t) {
    EXPECT_EQ(t.VerifySignature().code(), StatusCode::kBadSignature);
  };
  Transaction t = tx;
  t.sequence = 8;
  expect_broken(t);
  t = tx;
  t.type = 4;
  expect_broken(t);
  t = tx;
  t.payload.back() ^= 1;
  expect_broken(t);
  t = tx;
  t.chain_id.data()[0] ^= 1;
  expect_broken(t);
  t = tx;
  t.signer = TestKey(4).public_key();
  expect_broken(t);
}

TEST(Chain, SignatureCheckedOnCanonicalBytesRejectsNonCanonicalWireForms) {
  // A transaction arrives as bytes. The only way in is Decode, which refuses any
  // non-canonical form; a signature is then checked over the re-encoded canonical bytes,
  // so two different byte strings can never carry one valid signature.
  const Transaction tx = SampleTransaction(2, 1);
  Bytes wire = Encode(tx);
  wire.push_back(0);  // Trailing byte: the same transaction in a second spelling.
  EXPECT_FALSE(Decode<Transaction>(wire, "tx").ok());
  const Result<Transaction> good = Decode<Transaction>(Encode(tx), "tx");
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good->VerifySignature().ok());
}

TEST(Chain, HashesAreDomainSeparatedAndStable) {
  const Block b = SampleBlock(3, 1);
  // Same bytes under different tags give different hashes.
  const Bytes enc = Encode(b.header);
  EXPECT_NE(TaggedHash("block-header", enc), TaggedHash("transaction", enc));
  EXPECT_EQ(b.header.Id(), TaggedHash("block-header", enc));
  // The id changes with any field.
  BlockHeader h = b.header;
  h.timestamp_ms += 1;
  EXPECT_NE(h.Id(), b.header.Id());
}

// The byte layout of docs/encoding.md, written out by hand: a change to the encoder that
// moved, resized or reordered a field would change every signature and must fail here.
TEST(Chain, VoteDataBytesMatchTheDocumentedLayout) {
  auto fill = [](std::uint8_t b) {
    std::array<std::uint8_t, 32> a{};
    a.fill(b);
    return Hash32(a);
  };
  VoteData v{fill(0x11), Epoch(1), Round(2), Height(3), fill(0x22),
             {fill(0x33), fill(0x44), 5}};
  auto rep = [](const char* byte) {
    std::string s;
    for (int i = 0; i < 32; ++i) s += byte;
    return s;
  };
  const std::string expected = rep("11") + "0000000000000001" + "0000000000000002" +
                               "0000000000000003" + rep("22") + rep("33") + rep("44") +
                               "0000000000000005";
  EXPECT_EQ(ToHex(Encode(v)), expected);
}

TEST(Chain, TransactionSizeMatchesTheDocumentedExample) {
  EXPECT_EQ(Encode(SampleTransaction(1, 42, 200)).size(), 342u);
}

TEST(Chain, QuorumSizeIsTwoThirdsPlusOne) {
  ValidatorSet set;
  for (std::size_t n : {1u, 3u, 4u, 7u, 10u, 100u}) {
    set.validators.resize(n);
    EXPECT_EQ(set.QuorumSize(), n * 2 / 3 + 1) << n;
  }
  set.validators.resize(4);
  EXPECT_EQ(set.QuorumSize(), 3u);
  set.validators.resize(7);
  EXPECT_EQ(set.QuorumSize(), 5u);
}

}  // namespace
}  // namespace tamga
