// tests/audit/block_source_test.cc
// The client side of GET /v1/blocks/{h}/raw: an answer built from a ledger decodes to what
// the ledger stores (with and without an epoch proof), and a malformed, partial or
// misplaced answer is refused as corruption.

#include "audit/block_source.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/audit/sample_chain.h"

namespace tamga::audit {
namespace {

using nlohmann::json;

// The answer a node gives for height `h` of `ledger`, as the API contract states it.
json RawAnswer(const ledger::Ledger& ledger, Height h) {
  const auto proof = ledger.EpochProofAt(h).value();
  return {{"height", h.value()},
          {"block", ToHex(Encode(ledger.BlockAt(h).value()))},
          {"qc", ToHex(Encode(ledger.QcAt(h).value()))},
          {"epoch_proof", proof ? json(ToHex(Encode(*proof))) : json(nullptr)},
          {"receipts", ToHex(Encode(ledger.ReceiptsAt(h).value()))}};
}

void ExpectSame(const AuditBlock& a, const AuditBlock& b) {
  EXPECT_EQ(a.block, b.block);
  EXPECT_EQ(a.qc, b.qc);
  EXPECT_EQ(a.epoch_proof, b.epoch_proof);
  EXPECT_EQ(a.receipts, b.receipts);
}

class RawBlock : public ::testing::Test {
 protected:
  RawBlock() : source_(c_.ledger()) { testing::BuildSampleChain(c_); }
  testing::ContractsChain c_;
  LedgerSource source_;
};

TEST_F(RawBlock, DecodesWhatTheLedgerStores) {
  for (std::uint64_t h : {std::uint64_t{0}, testing::kIssueHeight, testing::kEpochEndHeight}) {
    const Height height(h);
    auto parsed = ParseRawBlock(RawAnswer(c_.ledger(), height).dump(), height);
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    ExpectSame(*parsed, source_.At(height).value());
  }
  EXPECT_TRUE(source_.At(Height(testing::kEpochEndHeight))->epoch_proof.has_value());
  EXPECT_EQ(source_.Head().value(), Height(testing::kSampleHead));
}

TEST_F(RawBlock, RefusesMalformedAnswers) {
  const Height h(testing::kIssueHeight);
  const json good = RawAnswer(c_.ledger(), h);
  auto refused = [&](const std::string& body, const std::string& why) {
    auto r = ParseRawBlock(body, h);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code(), StatusCode::kCorruption);
    EXPECT_NE(r.error().message().find(why), std::string::npos) << r.error().message();
  };
  refused("not json", "not a JSON object");
  refused(RawAnswer(c_.ledger(), Height(2)).dump(), "another height");
  json missing = good;
  missing.erase("qc");
  refused(missing.dump(), "\"qc\" is missing");
  json odd = good;
  odd["block"] = "abc";
  refused(odd.dump(), "\"block\" is not hex");
  json trailing = good;
  trailing["receipts"] = good["receipts"].get<std::string>() + "00";
  refused(trailing.dump(), "raw block 3");
}

}  // namespace
}  // namespace tamga::audit
