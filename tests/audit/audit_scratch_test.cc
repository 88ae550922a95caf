// tests/audit/audit_scratch_test.cc
// The replay with its ledger on disk: the same report as in memory; interrupted after any
// block and resumed, the same report as one run (clean, with anomalies that let it go on,
// and with one that stops it); a scratch folder whose ledger is not an audit's is refused.
// The report survives its JSON, and its HTML page stands alone.

#include <gtest/gtest.h>

#include "audit/audit.h"
#include "ledger/ledger.h"
#include "ledger/rocks_kv_store.h"
#include "tests/audit/sample_chain.h"
#include "tests/ledger/chain_builder.h"
#include "tests/support/samples.h"
#include "tests/support/temp_dir.h"

namespace tamga::audit {
namespace {

using testing::Tamper;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

class AuditScratch : public ::testing::Test {
 protected:
  AuditScratch() : dir_("audit_scratch") { testing::BuildSampleChain(c_); }

  // A replay into `scratch` (empty: in memory) that is interrupted once `stop_after`
  // blocks have been replayed by this run (never if nullopt).
  AuditReport Run(const std::string& scratch, std::optional<std::uint64_t> stop_after = {}) {
    LedgerSource source(c_.ledger(), "test ledger");
    AuditOptions options;
    options.scratch_dir = scratch;
    options.window_blocks = 3;
    std::uint64_t asked = 0;
    if (stop_after) options.interrupted = [&] { return asked++ >= *stop_after; };
    auto report = Replay(c_.genesis(), source, options);
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : AuditReport{};
  }
  // The JSON of a report, as one run from genesis would have written it.
  static std::string AsOneRun(AuditReport r) {
    r.resumed_from = Height(0);
    return ReportJson(r);
  }
  ledger::KvStore& store() { return c_.ledger().store(); }

  testing::TempDir dir_;
  testing::ContractsChain c_;
};

TEST_F(AuditScratch, OnDiskTheReportIsTheOneInMemory) {
  const AuditReport memory = Run("");
  const AuditReport disk = Run(dir_.File("scratch"));
  EXPECT_TRUE(disk.ok()) << ReportText(disk);
  EXPECT_TRUE(disk.complete());
  EXPECT_EQ(ReportJson(memory), ReportJson(disk));
  EXPECT_EQ(disk.final_result, c_.ledger().Head().result);
  // The scratch folder holds a RocksDB ledger of the replayed chain.
  EXPECT_TRUE(std::filesystem::exists(dir_.File("scratch/ledger/CURRENT")));
}

TEST_F(AuditScratch, InterruptedAfterAnyBlockAndResumedItIsOneRun) {
  const std::string one_run = ReportJson(Run(""));
  for (std::uint64_t k = 0; k <= testing::kSampleHead; ++k) {
    SCOPED_TRACE("interrupted after " + std::to_string(k) + " blocks");
    const std::string scratch = dir_.File("resume" + std::to_string(k));
    const AuditReport first = Run(scratch, k);
    EXPECT_EQ(first.last_replayed, Height(k));
    EXPECT_EQ(first.interrupted, k < testing::kSampleHead);
    if (k < testing::kSampleHead) {
      EXPECT_FALSE(first.complete());
      EXPECT_TRUE(Contains(ReportText(first), "interrupted after height " + std::to_string(k)))
          << ReportText(first);
    }
    const AuditReport second = Run(scratch);
    EXPECT_EQ(second.resumed_from, Height(k));
    EXPECT_TRUE(second.complete());
    EXPECT_EQ(AsOneRun(second), one_run);  // Across the epoch change at height 9 too.
  }
}

TEST_F(AuditScratch, ResumedReplaysFindWhatOneRunFinds) {
  // A forged QC signature at 6 (the replay goes on), a tampered receipt at 4 (goes on).
  Tamper<QuorumCertificate>(store(), ledger::Column::kCertificates,
                            ledger::KeyU64('q', testing::kEmptyHeight), [](QuorumCertificate& qc) {
                              qc.signatures[1].signature =
                                  testing::TestKey(99).Sign(SignDomain::kVote, Encode(qc.data));
                            });
  Tamper<std::vector<ledger::Receipt>>(store(), ledger::Column::kReceipts,
                                       ledger::KeyU64('r', testing::kUseHeight),
                                       [](std::vector<ledger::Receipt>& r) { r[1].code = 0; });
  const AuditReport whole = Run("");
  ASSERT_EQ(whole.anomalies.size(), 2u) << ReportText(whole);
  for (std::uint64_t k : {3u, 4u, 5u, 6u, 10u}) {
    SCOPED_TRACE(k);
    const std::string scratch = dir_.File("anomalies" + std::to_string(k));
    (void)Run(scratch, k);
    EXPECT_EQ(AsOneRun(Run(scratch)), ReportJson(whole));
  }
}

TEST_F(AuditScratch, ALongChainsTimelineIsOneRunsWhateverTheHeadWhenCut) {
  // 150 more blocks, audited to the end; then 150 more, and the audit resumed: the timeline
  // (merged in pairs past 240 stretches) is the one a single run of all 311 makes.
  for (int i = 0; i < 150; ++i) (void)c_.Block({});
  const std::string scratch = dir_.File("growing");
  const AuditReport first = Run(scratch);
  EXPECT_EQ(first.bucket_blocks, 1u);
  EXPECT_EQ(first.timeline.size(), 161u);
  for (int i = 0; i < 150; ++i) (void)c_.Block({});
  const AuditReport resumed = Run(scratch);
  EXPECT_EQ(resumed.resumed_from, Height(161));
  const AuditReport one = Run("");
  EXPECT_EQ(one.bucket_blocks, 2u);
  ASSERT_EQ(one.timeline.size(), 156u);  // 311 blocks, two a stretch.
  EXPECT_EQ(one.timeline.back().first_height, Height(311));
  EXPECT_EQ(one.timeline[0].blocks, 2u);
  EXPECT_EQ(AsOneRun(resumed), ReportJson(one));
  // And cut at 200, before the merge, and at 260, after it.
  for (std::uint64_t k : {200u, 260u}) {
    const std::string cut = dir_.File("cut" + std::to_string(k));
    (void)Run(cut, k);
    EXPECT_EQ(AsOneRun(Run(cut)), ReportJson(one)) << k;
  }
}

TEST_F(AuditScratch, AStopIsFoundAgainWhenResumedNotTwice) {
  // A block that does not decode stops the replay at 4; a second run stops there again.
  ledger::WriteBatch batch;
  batch.Put(ledger::Column::kBlocks, ledger::KeyU64('b', testing::kUseHeight), Bytes{1, 2, 3});
  ASSERT_TRUE(store().Write(batch, true).ok());
  const std::string scratch = dir_.File("stopped");
  const AuditReport first = Run(scratch);
  ASSERT_TRUE(first.stopped);
  const AuditReport again = Run(scratch);
  ASSERT_TRUE(again.stopped);
  EXPECT_EQ(again.resumed_from, Height(testing::kUseHeight - 1));
  EXPECT_EQ(again.anomalies, first.anomalies);
  EXPECT_EQ(AsOneRun(again), ReportJson(first));
}

TEST_F(AuditScratch, AFolderWithALedgerButNoReportIsRefused) {
  // A node's ledger is not an audit's scratch folder: refused rather than taken over.
  const std::string scratch = dir_.File("node");
  {
    auto rocks = ledger::RocksKvStore::Open(scratch + "/ledger").value();
    testing::CopyStore(store(), *rocks);
  }
  LedgerSource source(c_.ledger(), "test ledger");
  AuditOptions options;
  options.scratch_dir = scratch;
  auto r = Replay(c_.genesis(), source, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition) << r.error().ToString();
  EXPECT_TRUE(Contains(r.error().message(), "no audit report")) << r.error().message();
}

TEST_F(AuditScratch, TheJsonReadsBackToTheSameReport) {
  Tamper<std::vector<ledger::Receipt>>(store(), ledger::Column::kReceipts,
                                       ledger::KeyU64('r', testing::kUseHeight),
                                       [](std::vector<ledger::Receipt>& r) { r[1].code = 0; });
  const AuditReport r = Run("", 7);
  const auto back = ReportFromJson(ReportJson(r));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(ReportJson(*back), ReportJson(r));
  EXPECT_EQ(back->timeline, r.timeline);
  EXPECT_TRUE(back->interrupted);
  EXPECT_FALSE(ReportFromJson("{\"ok\": true}").ok());
  EXPECT_FALSE(ReportFromJson("not json").ok());
}

TEST_F(AuditScratch, TheTimelineAndEpochsAreCounted) {
  const AuditReport r = Run("");
  EXPECT_EQ(r.bucket_blocks, 1u);  // 11 blocks: one a column.
  ASSERT_EQ(r.timeline.size(), testing::kSampleHead);
  std::uint64_t blocks = 0, transactions = 0, rejected = 0, records = 0;
  for (const TimelineBucket& t : r.timeline) {
    blocks += t.blocks;
    transactions += t.transactions;
    rejected += t.rejected;
    records += t.records;
    EXPECT_LE(t.first_time_ms, t.last_time_ms);
  }
  EXPECT_EQ(blocks, r.blocks);
  EXPECT_EQ(transactions, r.transactions);
  EXPECT_EQ(rejected, r.rejected);
  EXPECT_EQ(records, r.final_result.log_size);
  EXPECT_EQ(r.timeline[testing::kIssueHeight - 1].records, 2u);
  EXPECT_EQ(r.timeline[testing::kIssueHeight - 1].rejected, 1u);
  ASSERT_EQ(r.epoch_changes.size(), 1u);
  EXPECT_EQ(r.epoch_changes[0].height, Height(testing::kEpochEndHeight));
  EXPECT_EQ(r.epoch_changes[0].epoch, Epoch(1));
  EXPECT_EQ(r.epoch_changes[0].validators, 3u);
  EXPECT_EQ(r.genesis_time_ms, c_.genesis().genesis_time_ms);
}

TEST_F(AuditScratch, TheHtmlPageStandsAloneAndEscapesWhatItQuotes) {
  const std::string clean = ReportHtml(Run(""));
  EXPECT_TRUE(Contains(clean,
                       "OK: every QC, signature, result and receipt of heights 1 to 11 "
                       "checks"));
  Tamper<std::vector<ledger::Receipt>>(
      store(), ledger::Column::kReceipts, ledger::KeyU64('r', testing::kUseHeight),
      [](std::vector<ledger::Receipt>& r) { r[1].detail = "<script>alert(1)</script>"; });
  AuditReport r = Run("");
  r.chain_name = "KZ & UZ <test>";
  const std::string html = ReportHtml(r);
  EXPECT_TRUE(Contains(html, "<!DOCTYPE html>"));
  EXPECT_TRUE(Contains(html, "NOT OK: 1 anomaly")) << html;
  EXPECT_TRUE(Contains(html, "KZ &amp; UZ &lt;test&gt;"));
  EXPECT_TRUE(Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_GE(std::count(html.begin(), html.end(), '\n'), 20);
  // Five charts, drawn inline; nothing fetched from anywhere.
  std::size_t charts = 0;
  for (std::size_t at = html.find("<svg"); at != std::string::npos;
       at = html.find("<svg", at + 1)) {
    ++charts;
  }
  EXPECT_EQ(charts, 5u);
  for (const char* outside : {"<script", "src=", "href=", "url(", "@import", "<link"}) {
    EXPECT_FALSE(Contains(html, outside)) << outside;
  }
}

}  // namespace
}  // namespace tamga::audit
