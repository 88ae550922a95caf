// tests/e2e/log_test.cc
// `tamga log consistency` with real processes: two proof files of one chain, taken before
// and after more records were committed, are consistent (the later log extends the
// earlier), in either order; a proof file that was changed does not verify.

#include <gtest/gtest.h>

#include <string>

#include "common/encoding.h"
#include "common/file_util.h"
#include "contracts/model.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/timestamp_tools.h"

namespace tamga::testing {
namespace {

std::string Snapshot(Cluster& c, std::size_t i) {
  auto r = c.Get(i, "/v1/snapshot");
  EXPECT_TRUE(r && r->status == 200);
  return r ? r->body : "";
}

TEST(LogConsistency, ALaterProofFileExtendsAnEarlierOneAndAChangedOneDoesNotVerify) {
  Cluster c("log_consistency", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1 && c.Height(3) >= 1; }));
  // Records, then a proof file of the highest provable block.
  const auto office = [&](std::uint64_t n) {
    const Transaction tx =
        c.Tx(c.admin(0), contracts::TxType::kRegisterOffice,
             Encode(contracts::RegisterOffice{"KZ-" + std::to_string(n), "Office",
                                              SecretKey::Generate().public_key()}),
             n);
    ASSERT_EQ(c.Submit(0, tx).first, 202);
    ASSERT_TRUE(Cluster::WaitFor([&] { return c.TxStatus(0, tx.Hash()) == "committed"; }));
  };
  for (std::uint64_t n = 1; n <= 3; ++n) office(n);
  TempDir files("log_consistency_files");
  const std::string older = files.File("older.json"), newer = files.File("newer.json");
  ASSERT_TRUE(
      Cluster::WaitFor([&] { return Snapshot(c, 1).find("\"log\"") != std::string::npos; }));
  ASSERT_TRUE(WriteFileAtomic(older, Snapshot(c, 1), {}).ok());
  for (std::uint64_t n = 4; n <= 8; ++n) office(n);
  const std::uint64_t h = c.Height(0);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(2) >= h + 3; }));
  ASSERT_TRUE(WriteFileAtomic(newer, Snapshot(c, 2), {}).ok());

  const std::string command = std::string(TAMGA_CLI) + " log consistency --genesis " +
                              c.GenesisFile() + " --node " + c.api(3) + " ";
  const Output ok = Shell(command + older + " " + newer);
  EXPECT_EQ(ok.exit, 0) << ok.text;
  EXPECT_NE(ok.text.find("CONSISTENT: "), std::string::npos) << ok.text;
  EXPECT_EQ(ok.text.find("NOT"), std::string::npos) << ok.text;
  EXPECT_EQ(Shell(command + newer + " " + older).exit, 0);  // Either order.
  EXPECT_EQ(Shell(command + older + " " + older).exit, 0);  // The same size: trivially.

  // The later file with one digit of its block's certificate changed (which carries the
  // log's size and root): it no longer verifies.
  std::string changed = *ReadFileToString(newer, 1 << 24);
  const auto block = changed.find("\"block\"");
  ASSERT_NE(block, std::string::npos);
  auto at = changed.find("\"qc\":", block);
  ASSERT_NE(at, std::string::npos) << changed.substr(0, 500);
  at = changed.find('"', at + 5) + 1 + 100;  // A digit inside the certified vote data.
  changed[at] = changed[at] == '0' ? '1' : '0';
  ASSERT_TRUE(WriteFileAtomic(files.File("changed.json"), changed, {}).ok());
  const Output bad = Shell(command + older + " " + files.File("changed.json"));
  EXPECT_EQ(bad.exit, 2) << bad.text;
  EXPECT_NE(bad.text.find("NOT VALID"), std::string::npos) << bad.text;
}

}  // namespace
}  // namespace tamga::testing
