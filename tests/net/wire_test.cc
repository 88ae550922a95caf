#include "net/wire.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <random>

#include "common/schema/tamga.capnp.h"
#include "tests/support/samples.h"

namespace tamga::net {
namespace {

using tamga::testing::SampleBlock;
using tamga::testing::SampleProposal;
using tamga::testing::SampleQc;
using tamga::testing::SampleTc;
using tamga::testing::SampleTransaction;
using tamga::testing::TestChain;

Envelope Wrap(Message m) { return Envelope{kProtocolVersion, TestChain(), std::move(m)}; }

void ExpectRoundTrip(const Envelope& env) {
  const Bytes frame = EncodeEnvelope(env);
  Result<Envelope> back = DecodeEnvelope(frame, TestChain());
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, env);
}

TEST(Wire, EveryMessageKindRoundTrips) {
  ExpectRoundTrip(Wrap(SampleProposal(7, 3, false)));
  ExpectRoundTrip(Wrap(SampleProposal(7, 0, true)));
  const QuorumCertificate qc = SampleQc(6, 3);
  ExpectRoundTrip(Wrap(Vote{qc.data, ValidatorIndex(1), qc.signatures[1].signature}));
  ExpectRoundTrip(Wrap(Timeout{{TestChain(), Epoch(0), Round(7), Round(6)},
                               qc,
                               std::nullopt,
                               ValidatorIndex(2),
                               qc.signatures[2].signature}));
  ExpectRoundTrip(Wrap(SampleTransaction(4, 9)));
  ExpectRoundTrip(Wrap(BlockRequest{Height(10), 100}));
  ExpectRoundTrip(Wrap(BlockResponse{{{SampleBlock(3, 2), SampleQc(3, 3)}}, Height(12)}));
  ExpectRoundTrip(Wrap(CheckpointSignature{Epoch(2), 70000, qc.signatures[0].signature, true}));
}

TEST(Wire, SignaturesSurviveTheWireBecauseTheyCoverCanonicalBytes) {
  const Transaction tx = SampleTransaction(4, 9);
  Result<Envelope> back = DecodeEnvelope(EncodeEnvelope(Wrap(tx)), TestChain());
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(std::get<Transaction>(back->body).VerifySignature().ok());
}

TEST(Wire, OtherChainAndOtherVersionAreRefused) {
  Envelope env = Wrap(SampleTransaction(1, 1));
  Hash32 other = TestChain();
  other.data()[0] ^= 1;
  EXPECT_EQ(DecodeEnvelope(EncodeEnvelope(env), other).error().code(),
            StatusCode::kPermissionDenied);
  env.protocol_version = 2;
  EXPECT_EQ(DecodeEnvelope(EncodeEnvelope(env), TestChain()).error().code(),
            StatusCode::kFailedPrecondition);
}

TEST(Wire, FixedFieldsOfTheWrongLengthAreCorruption) {
  // Only the wire can express a 31-byte key, so build that frame with Cap'n Proto itself.
  capnp::MallocMessageBuilder message;
  auto env = message.initRoot<wire::Envelope>();
  env.setProtocolVersion(kProtocolVersion);
  env.setChainId(kj::arrayPtr(TestChain().data(), 32));
  auto tx = env.initBody().initTransaction();
  const Bytes short_key(31, 7);
  tx.setChainId(kj::arrayPtr(TestChain().data(), 32));
  tx.setSigner(kj::arrayPtr(short_key.data(), short_key.size()));
  tx.setSignature(kj::arrayPtr(Bytes(64, 1).data(), 64));
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  Result<Envelope> r = DecodeEnvelope(Bytes(bytes.begin(), bytes.end()), TestChain());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kCorruption);
  EXPECT_EQ(r.error().message(), "frame: transaction signer is 31 bytes, expected 32");
}

TEST(Wire, UnsortedQcSignersAreCorruptionThoughCapnProtoCanCarryThem) {
  QuorumCertificate qc = SampleQc(2, 3);
  std::swap(qc.signatures[0], qc.signatures[1]);
  Proposal p = SampleProposal(3, 0, false);
  p.block.justify = qc;
  Result<Envelope> bad = DecodeEnvelope(EncodeEnvelope(Wrap(p)), TestChain());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.error().message().find("not strictly ascending"), std::string::npos);
}

TEST(Wire, OversizedUnalignedAndEmptyFramesAreRefusedBeforeParsing) {
  const Bytes frame = EncodeEnvelope(Wrap(SampleTransaction(1, 1)));
  DecodeLimits small;
  small.frame_bytes_max = frame.size() - 8;
  EXPECT_EQ(DecodeEnvelope(frame, TestChain(), small).error().code(),
            StatusCode::kResourceExhausted);
  Bytes unaligned = frame;
  unaligned.pop_back();
  EXPECT_EQ(DecodeEnvelope(unaligned, TestChain()).error().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeEnvelope(Bytes{}, TestChain()).error().code(), StatusCode::kCorruption);
  Bytes trailing = frame;
  trailing.insert(trailing.end(), 8, 0);
  EXPECT_EQ(DecodeEnvelope(trailing, TestChain()).error().code(), StatusCode::kCorruption);
}

TEST(Wire, TraversalLimitStopsAmplification) {
  const Bytes frame = EncodeEnvelope(Wrap(SampleProposal(5, 20, true)));
  DecodeLimits tight;
  tight.traversal_words_max = 64;  // Far less than the message holds.
  Result<Envelope> r = DecodeEnvelope(frame, TestChain(), tight);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kCorruption);
}

TEST(Wire, GarbageNeverCrashesAndAlwaysGivesATypedError) {
  std::mt19937_64 rng(12345);
  const Bytes valid = EncodeEnvelope(Wrap(SampleProposal(4, 2, true)));
  int rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    Bytes frame;
    if (i % 2 == 0) {
      frame.resize(8 * (1 + rng() % 64));
      for (auto& b : frame) b = static_cast<std::uint8_t>(rng());
    } else {
      frame = valid;
      for (int k = 0; k < 4; ++k) frame[rng() % frame.size()] ^= static_cast<std::uint8_t>(rng());
    }
    Result<Envelope> r = DecodeEnvelope(frame, TestChain());
    if (!r.ok()) {
      ++rejected;
      continue;
    }
    // Whatever got through is a well-formed message: it survives a trip through our own
    // encoder unchanged.
    Result<Envelope> again = DecodeEnvelope(EncodeEnvelope(*r), TestChain());
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_EQ(*again, *r);
  }
  EXPECT_GT(rejected, 1500);  // All pure garbage, at the least, is refused.
}

}  // namespace
}  // namespace tamga::net
