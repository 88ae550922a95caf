// tests/audit/audit_test.cc
// The replay on a chain of real transactions: a clean chain reports its counts exactly
// (whatever the threads and window), and a tampered block, receipt or QC, a QC for another
// result and a genesis of another chain are each caught and named.

#include "audit/audit.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/audit/sample_chain.h"
#include "tests/ledger/chain_builder.h"
#include "tests/support/samples.h"

namespace tamga::audit {
namespace {

using testing::ContractsChain;
using testing::Tamper;

class Audit : public ::testing::Test {
 protected:
  Audit() { testing::BuildSampleChain(c_); }

  AuditReport Run(AuditOptions options = {}) {
    LedgerSource source(c_.ledger(), "test ledger");
    auto report = Replay(c_.genesis(), source, options);
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : AuditReport{};
  }
  ledger::KvStore& store() { return c_.ledger().store(); }

  ContractsChain c_;
};

// The anomalies at `h`, joined (empty if none).
std::string AnomaliesAt(const AuditReport& r, std::uint64_t h) {
  std::string out;
  for (const Anomaly& a : r.anomalies) {
    if (a.height == Height(h)) out += a.reason + "\n";
  }
  return out;
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

void ExpectSampleCounts(const AuditReport& r) {
  EXPECT_EQ(r.head, Height(testing::kSampleHead));
  EXPECT_EQ(r.last_replayed, Height(testing::kSampleHead));
  EXPECT_EQ(r.blocks, 11u);
  EXPECT_EQ(r.epochs, 1u);
  EXPECT_EQ(r.transactions, 13u);
  EXPECT_EQ(r.accepted, 8u);
  EXPECT_EQ(r.rejected, 5u);
  EXPECT_EQ(r.final_result.log_size, 9u);
  const std::map<std::string, RecordCount> by_type = {
      {"accredit-issuer", {1, 1}}, {"register-office", {2, 2}},    {"issue-certificates", {1, 2}},
      {"use-certificate", {1, 1}}, {"propose-membership", {1, 1}}, {"approve-membership", {2, 2}},
  };
  EXPECT_EQ(r.by_type, by_type);
  const std::map<std::string, RecordCount> by_administration = {
      {"KZ", {4, 5}}, {"UZ", {3, 3}}, {"KG", {1, 1}}};
  EXPECT_EQ(r.by_administration, by_administration);
  const std::map<std::string, std::uint64_t> rejected = {
      {"wrong_country", 1},  {"certificate_unknown", 1}, {"bad_signature", 1},
      {"unknown_signer", 1}, {"signer_revoked", 1},
  };
  EXPECT_EQ(r.rejected_by_reason, rejected);
}

TEST_F(Audit, ACleanChainIsOkWithExactCounts) {
  const AuditReport r = Run();
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.anomalies.empty()) << ReportText(r);
  EXPECT_FALSE(r.stopped);
  ExpectSampleCounts(r);
  EXPECT_EQ(r.chain_id, c_.chain_id());
  EXPECT_EQ(r.final_result, c_.ledger().Head().result);
  EXPECT_EQ(r.source, "test ledger");
}

TEST_F(Audit, ThreadsAndWindowsDoNotChangeTheReport) {
  AuditOptions one;
  one.threads = 1;
  one.window_blocks = 1;
  AuditOptions many;
  many.threads = 3;
  many.window_blocks = 4;  // Windows straddle the epoch change at height 9.
  const AuditReport a = Run(one), b = Run(many);
  EXPECT_TRUE(a.ok()) << ReportText(a);
  ExpectSampleCounts(a);
  EXPECT_EQ(ReportJson(a), ReportJson(b));
}

TEST_F(Audit, ReportsAsTextAndJson) {
  const AuditReport r = Run();
  const std::string text = ReportText(r);
  EXPECT_TRUE(Contains(text, "verdict       OK")) << text;
  EXPECT_TRUE(Contains(text, "11 replayed (heights 1 to 11, head 11), 1 epoch change")) << text;
  EXPECT_TRUE(Contains(text, "issue-certificates: 1 accepted, 2 records")) << text;
  EXPECT_TRUE(Contains(text, "accredit-issuer: 1 accepted, 1 record\n")) << text;
  EXPECT_TRUE(Contains(text, "signer_revoked: 1")) << text;
  const auto j = nlohmann::json::parse(ReportJson(r));
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["blocks"], 11);
  EXPECT_EQ(j["log_size"], 9);
  EXPECT_EQ(j["state_root"], c_.StateRoot().ToHex());
  EXPECT_EQ(j["records_by_administration"]["KZ"]["records"], 5);
  EXPECT_EQ(j["rejected_by_reason"]["bad_signature"], 1);
  EXPECT_TRUE(j["anomalies"].empty());
  EXPECT_TRUE(j["stopped"].is_null());
}

TEST_F(Audit, ProgressIsReportedEveryNBlocksAndAtTheEnd) {
  std::vector<std::uint64_t> seen;
  AuditOptions options;
  options.progress_every_blocks = 5;
  options.progress_interval_ms = 1'000'000'000;  // Never by time in this test.
  options.on_progress = [&](const AuditProgress& p) {
    EXPECT_EQ(p.head, Height(testing::kSampleHead));
    seen.push_back(p.height.value());
  };
  (void)Run(options);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{5, 10, 11}));
}

TEST_F(Audit, ATamperedBlockIsNamedAndTheReplayStopsThere) {
  // One byte of the issuance's payload: the block no longer matches its certified header,
  // the signature fails, and the replayed state leaves the certified one.
  Tamper<Block>(store(), ledger::Column::kBlocks, ledger::KeyU64('b', testing::kIssueHeight),
                [](Block& b) { b.transactions[0].payload.back() ^= 1; });
  const AuditReport r = Run();
  EXPECT_FALSE(r.ok());
  const std::string at = AnomaliesAt(r, testing::kIssueHeight);
  EXPECT_TRUE(Contains(at, "payload root does not match its transactions")) << ReportText(r);
  EXPECT_TRUE(Contains(at, "state root: certified")) << at;
  EXPECT_TRUE(Contains(at, "log size: certified 4, replayed 2")) << at;
  EXPECT_EQ(r.anomalies.size(), 2u) << ReportText(r);
  ASSERT_TRUE(r.stopped);
  EXPECT_EQ(r.stopped->height, Height(testing::kIssueHeight));
  EXPECT_EQ(r.last_replayed, Height(testing::kIssueHeight - 1));
  EXPECT_EQ(r.blocks, testing::kIssueHeight - 1);
  const std::string text = ReportText(r);
  EXPECT_TRUE(Contains(text, "height 3: the block does not verify against its QC")) << text;
  EXPECT_TRUE(Contains(text, "heights 4 to 11 were not replayed")) << text;
  const auto j = nlohmann::json::parse(ReportJson(r));
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["anomalies"][0]["height"], testing::kIssueHeight);
  EXPECT_EQ(j["stopped"]["height"], testing::kIssueHeight);
}

TEST_F(Audit, ABlockThatDoesNotDecodeIsNamed) {
  ledger::WriteBatch batch;
  batch.Put(ledger::Column::kBlocks, ledger::KeyU64('b', testing::kUseHeight), Bytes{1, 2, 3});
  ASSERT_TRUE(store().Write(batch, true).ok());
  const AuditReport r = Run();
  ASSERT_EQ(r.anomalies.size(), 1u) << ReportText(r);
  EXPECT_EQ(r.anomalies[0].height, Height(testing::kUseHeight));
  EXPECT_TRUE(Contains(r.anomalies[0].reason, "cannot be read")) << r.anomalies[0].reason;
  ASSERT_TRUE(r.stopped);
  EXPECT_EQ(r.last_replayed, Height(testing::kUseHeight - 1));
}

TEST_F(Audit, ATamperedReceiptIsNamedAndTheReplayGoesOn) {
  // The use of an unknown certificate recorded as accepted.
  Tamper<std::vector<ledger::Receipt>>(store(), ledger::Column::kReceipts,
                                       ledger::KeyU64('r', testing::kUseHeight),
                                       [](std::vector<ledger::Receipt>& r) { r[1].code = 0; });
  const AuditReport r = Run();
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.anomalies.size(), 1u) << ReportText(r);
  EXPECT_EQ(r.anomalies[0].height, Height(testing::kUseHeight));
  EXPECT_TRUE(Contains(r.anomalies[0].reason, "receipt of transaction 1")) << r.anomalies[0].reason;
  EXPECT_TRUE(Contains(r.anomalies[0].reason, "replayed rejected (certificate unknown)"))
      << r.anomalies[0].reason;
  EXPECT_FALSE(r.stopped);
  ExpectSampleCounts(r);  // Counted from the replay, not from the stored receipts.
}

TEST_F(Audit, AForgedQcSignatureIsNamedAndTheReplayGoesOn) {
  Tamper<QuorumCertificate>(store(), ledger::Column::kCertificates,
                            ledger::KeyU64('q', testing::kEmptyHeight), [](QuorumCertificate& qc) {
                              qc.signatures[1].signature =
                                  testing::TestKey(99).Sign(SignDomain::kVote, Encode(qc.data));
                            });
  const AuditReport r = Run();
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.anomalies.size(), 1u) << ReportText(r);
  EXPECT_EQ(r.anomalies[0].height, Height(testing::kEmptyHeight));
  EXPECT_TRUE(Contains(r.anomalies[0].reason, "signature of validator 1 does not verify"))
      << r.anomalies[0].reason;
  EXPECT_FALSE(r.stopped);
  EXPECT_EQ(r.last_replayed, Height(testing::kSampleHead));
}

TEST_F(Audit, AQcWithTooFewSignersInTheNewEpochIsNamed) {
  // Epoch 1 has three validators, so its quorum is all three.
  Tamper<QuorumCertificate>(store(), ledger::Column::kCertificates,
                            ledger::KeyU64('q', testing::kSampleHead),
                            [](QuorumCertificate& qc) { qc.signatures.pop_back(); });
  const AuditReport r = Run();
  ASSERT_EQ(r.anomalies.size(), 1u) << ReportText(r);
  EXPECT_EQ(r.anomalies[0].height, Height(testing::kSampleHead));
  EXPECT_TRUE(Contains(r.anomalies[0].reason, "has 2 signers, quorum is 3"))
      << r.anomalies[0].reason;
}

TEST_F(Audit, AQuorumCertifyingAnotherResultIsNamedFieldByField) {
  // A QC that verifies (signed by the real validators) but certifies one record more.
  const auto keys = testing::ValidatorKeys(4);
  Tamper<QuorumCertificate>(store(), ledger::Column::kCertificates,
                            ledger::KeyU64('q', testing::kUseHeight), [&](QuorumCertificate& qc) {
                              qc.data.result.log_size += 1;
                              for (QuorumSignature& s : qc.signatures) {
                                s.signature =
                                    keys[s.signer.value()].Sign(SignDomain::kVote, Encode(qc.data));
                              }
                            });
  const AuditReport r = Run();
  ASSERT_EQ(r.anomalies.size(), 1u) << ReportText(r);
  EXPECT_EQ(r.anomalies[0].height, Height(testing::kUseHeight));
  EXPECT_TRUE(Contains(r.anomalies[0].reason, "log size: certified 6, replayed 5"))
      << r.anomalies[0].reason;
  EXPECT_FALSE(Contains(r.anomalies[0].reason, "state root")) << r.anomalies[0].reason;
  ASSERT_TRUE(r.stopped);
  EXPECT_EQ(r.stopped->height, Height(testing::kUseHeight));
}

TEST_F(Audit, AMissingEpochProofIsNamed) {
  ledger::WriteBatch batch;
  batch.Delete(ledger::Column::kCertificates, ledger::KeyU64('p', testing::kEpochEndHeight));
  ASSERT_TRUE(store().Write(batch, true).ok());
  const AuditReport r = Run();
  ASSERT_FALSE(r.anomalies.empty());
  EXPECT_EQ(r.anomalies[0].height, Height(testing::kEpochEndHeight));
  EXPECT_TRUE(Contains(r.anomalies[0].reason, "epoch proof")) << r.anomalies[0].reason;
  ASSERT_TRUE(r.stopped);
}

TEST_F(Audit, AGenesisOfAnotherChainIsRefused) {
  contracts::Genesis other = c_.genesis();
  other.chain_name = "another chain";
  LedgerSource source(c_.ledger());
  auto r = Replay(other, source, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(r.error().message(), "holds chain " + c_.chain_id().ToHex()))
      << r.error().message();
  EXPECT_TRUE(Contains(r.error().message(), "(\"another chain\") is chain")) << r.error().message();

  contracts::Genesis empty = c_.genesis();
  empty.administrations.clear();
  r = Replay(empty, source, {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Contains(r.error().message(), "genesis document is invalid")) << r.error().message();
}

}  // namespace
}  // namespace tamga::audit
