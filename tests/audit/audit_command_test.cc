// tests/audit/audit_command_test.cc
// `tamga audit --data-dir`: a node's RocksDB ledger read read-only while the node holds it
// open, reports written as text and JSON, exit 0 when clean and 4 for a tampered block;
// usage and I/O errors come back as a Status (exit 1). A scratch folder is kept and resumed,
// a temporary one removed; the HTML report renders in headless Chromium.

#include "audit/audit_command.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "client/genesis_file.h"
#include "common/file_util.h"
#include "ledger/rocks_kv_store.h"
#include "tests/audit/sample_chain.h"
#include "tests/audit/screenshot.h"
#include "tests/support/temp_dir.h"

namespace tamga::audit {
namespace {

// A node's data directory holding the sample chain, and its genesis file.
class AuditCommand : public ::testing::Test {
 protected:
  AuditCommand() : dir_("audit_command") {
    testing::BuildSampleChain(c_);
    auto store = ledger::RocksKvStore::Open(dir_.File("data/ledger")).value();
    testing::CopyStore(c_.ledger().store(), *store);
    options_.data_dir = dir_.File("data");
    options_.genesis_file = dir_.File("genesis.json");
    options_.report_file = dir_.File("report.txt");
    options_.json_file = dir_.File("report.json");
    options_.threads = 2;
    TAMGA_CHECK(
        WriteFileAtomic(options_.genesis_file, client::GenesisToJson(c_.genesis()), {}).ok());
  }

  Status Run(int* exit_code) {
    out_.str("");
    err_.str("");
    return RunAudit(options_, out_, err_, exit_code);
  }
  nlohmann::json JsonReport() {
    return nlohmann::json::parse(ReadFileToString(options_.json_file, 1 << 20).value());
  }

  testing::TempDir dir_;
  testing::ContractsChain c_;
  AuditCommandOptions options_;
  std::ostringstream out_, err_;
};

TEST_F(AuditCommand, ACleanDataDirectoryExitsZeroWhileTheNodeHoldsIt) {
  // The node is running: its store is open for writing (and locked) during the audit.
  auto node_store = ledger::RocksKvStore::Open(dir_.File("data/ledger")).value();
  int code = -1;
  const Status s = Run(&code);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(code, kAuditExitClean) << out_.str();
  EXPECT_NE(out_.str().find("verdict       OK"), std::string::npos) << out_.str();
  EXPECT_NE(err_.str().find("audit: block 11 of 11 (100%)"), std::string::npos) << err_.str();
  EXPECT_EQ(ReadFileToString(options_.report_file, 1 << 20).value(), out_.str());
  const nlohmann::json j = JsonReport();
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["blocks"], 11);
  EXPECT_EQ(j["source"], options_.data_dir);
  EXPECT_EQ(j["state_root"], c_.StateRoot().ToHex());
}

TEST_F(AuditCommand, ATamperedBlockOnDiskExitsFourAndIsNamed) {
  {
    auto store = ledger::RocksKvStore::Open(dir_.File("data/ledger")).value();
    testing::Tamper<Block>(*store, ledger::Column::kBlocks,
                           ledger::KeyU64('b', testing::kUseHeight),
                           [](Block& b) { b.transactions[0].payload.back() ^= 1; });
  }
  int code = -1;
  const Status s = Run(&code);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(code, kAuditExitAnomalies);
  EXPECT_NE(out_.str().find("height 4: the block does not verify against its QC"),
            std::string::npos)
      << out_.str();
  const nlohmann::json j = JsonReport();
  EXPECT_EQ(j["ok"], false);
  ASSERT_FALSE(j["anomalies"].empty());
  EXPECT_EQ(j["anomalies"][0]["height"], testing::kUseHeight);
}

TEST_F(AuditCommand, AScratchFolderIsKeptAndResumedAndATemporaryOneRemoved) {
  options_.scratch_dir = dir_.File("scratch");
  int code = -1;
  Status s = Run(&code);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(code, kAuditExitClean);
  EXPECT_TRUE(std::filesystem::exists(dir_.File("scratch/ledger/CURRENT")));
  EXPECT_NE(err_.str().find("audit: scratch folder " + options_.scratch_dir), std::string::npos)
      << err_.str();
  s = Run(&code);  // Nothing left to replay: the report is the folder's.
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(code, kAuditExitClean);
  EXPECT_NE(out_.str().find("resumed       from height 11"), std::string::npos) << out_.str();
  EXPECT_EQ(JsonReport()["transactions"], 13);

  // Without --scratch, a temporary folder under TMPDIR, gone at the end.
  options_.scratch_dir.clear();
  const std::string tmp = dir_.File("tmp");
  std::filesystem::create_directories(tmp);
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before != nullptr ? before : "";
  ::setenv("TMPDIR", tmp.c_str(), 1);
  s = Run(&code);
  if (before != nullptr) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(code, kAuditExitClean);
  EXPECT_TRUE(std::filesystem::is_empty(tmp));
}

// The HTML report, drawn by a real browser: the screenshot in docs/images comes from here.
TEST_F(AuditCommand, TheHtmlReportRendersInHeadlessChromium) {
  // Something to show: a tampered receipt, besides the five kinds of rejection.
  {
    auto store = ledger::RocksKvStore::Open(dir_.File("data/ledger")).value();
    testing::Tamper<std::vector<ledger::Receipt>>(
        *store, ledger::Column::kReceipts, ledger::KeyU64('r', testing::kUseHeight),
        [](std::vector<ledger::Receipt>& r) { r[1].code = 0; });
  }
  options_.html_file = dir_.File("report.html");
  int code = -1;
  const Status s = Run(&code);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(code, kAuditExitAnomalies);
  const std::string html = ReadFileToString(options_.html_file, 1 << 22).value();
  EXPECT_NE(html.find("NOT OK: 1 anomaly"), std::string::npos);

  testing::ExpectScreenshot(options_.html_file, "audit-report.png", 880, 1950,
                            dir_.path().string());
}

TEST_F(AuditCommand, UsageAndInputErrorsAreStatuses) {
  int code = -1;
  options_.quiet = true;
  AuditCommandOptions both = options_;
  both.node = "127.0.0.1:1";
  EXPECT_EQ(RunAudit(both, out_, err_, &code).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(code, kAuditExitUsage);

  AuditCommandOptions nowhere = options_;
  nowhere.data_dir = dir_.File("no-such-dir");
  EXPECT_EQ(RunAudit(nowhere, out_, err_, &code).code(), StatusCode::kNotFound);

  AuditCommandOptions empty_dir = options_;
  empty_dir.data_dir = dir_.path().string();  // Holds data/, but no ledger itself.
  const Status no_ledger = RunAudit(empty_dir, out_, err_, &code);
  EXPECT_NE(no_ledger.message().find("no ledger in"), std::string::npos) << no_ledger.ToString();

  // A genesis of another chain: the data directory's chain is named.
  contracts::Genesis other = c_.genesis();
  other.chain_name = "another chain";
  ASSERT_TRUE(WriteFileAtomic(dir_.File("other.json"), client::GenesisToJson(other), {}).ok());
  AuditCommandOptions wrong = options_;
  wrong.genesis_file = dir_.File("other.json");
  const Status s = RunAudit(wrong, out_, err_, &code);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("belongs to chain " + c_.chain_id().ToHex()), std::string::npos)
      << s.ToString();
  EXPECT_EQ(code, kAuditExitUsage);
}

}  // namespace
}  // namespace tamga::audit
