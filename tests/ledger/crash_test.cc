// tests/ledger/crash_test.cc
// Kill -9 a process that is committing blocks, at random moments, 200 times; after each
// kill, reopen its data directory and check that the store opens, that every block the
// writer reported committed is there, that the head block is whole, and that the roots
// equal a recomputation (the log root from the stored leaves, the state root from a
// reference ledger that executed the same blocks in memory).
//
// TAMGA_CRASH_ITERATIONS overrides the number of kills (for longer soaks).

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include "common/merkle.h"
#include "ledger/merkle_log.h"
#include "tests/ledger/chain_builder.h"
#include "tests/support/temp_dir.h"

extern char** environ;

namespace tamga::ledger {
namespace {

struct WriterRun {
  std::uint64_t last_reported = 0;  // 0: none.
  bool exited_by_itself = false;
};

struct Writer {
  pid_t pid = 0;
  int stdout_fd = -1;  // The read end of its standard output.
};

// Starts the writer on `dir` with its standard output on a pipe.
Writer StartWriter(const std::string& dir) {
  int pipe_fds[2];
  EXPECT_EQ(::pipe(pipe_fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::string program = TAMGA_CRASH_WRITER;
  std::vector<char*> argv = {program.data(), const_cast<char*>(dir.c_str()), nullptr};
  Writer w;
  EXPECT_EQ(::posix_spawn(&w.pid, program.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  w.stdout_fd = pipe_fds[0];
  return w;
}

// Starts the writer, lets it run for `run_for`, kills it with SIGKILL.
WriterRun KillWriterAfter(const std::string& dir, std::chrono::microseconds run_for) {
  const Writer w = StartWriter(dir);
  std::this_thread::sleep_for(run_for);
  ::kill(w.pid, SIGKILL);
  int status = 0;
  ::waitpid(w.pid, &status, 0);
  WriterRun run;
  run.exited_by_itself = !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(w.stdout_fd, buf, sizeof buf)) > 0;) {
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(w.stdout_fd);
  // Only whole lines count: the kill may cut the last one.
  const std::size_t end = out.rfind('\n');
  if (end != std::string::npos) {
    const std::size_t begin = out.rfind('\n', end - 1);
    run.last_reported = std::stoull(out.substr(begin == std::string::npos ? 0 : begin + 1,
                                               end - (begin == std::string::npos ? 0 : begin + 1)));
  }
  return run;
}

// Another process holding the directory keeps this one out, with a plain message.
TEST(LedgerCrash, ASecondProcessIsRefusedWhileTheWriterRuns) {
  testing::TempDir dir("ledger_lock");
  const std::string data = dir.File("data");
  const Writer w = StartWriter(data);
  // Once the writer reports its first block, it holds the directory.
  char c = 0;
  ASSERT_EQ(::read(w.stdout_fd, &c, 1), 1);
  auto second = Ledger::OpenDirectory(data, testing::TestAnchor(testing::ValidatorKeys(4)));
  ::kill(w.pid, SIGKILL);
  ::waitpid(w.pid, nullptr, 0);
  ::close(w.stdout_fd);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.error().message().find("in use by another process"), std::string::npos)
      << second.error().message();
  // After the writer is gone, the directory opens.
  EXPECT_TRUE(Ledger::OpenDirectory(data, testing::TestAnchor(testing::ValidatorKeys(4))).ok());
}

TEST(LedgerCrash, KillNineAtRandomPointsLosesNothingCommittedAndLeavesAWholeState) {
  int iterations = 200;
  if (const char* env = std::getenv("TAMGA_CRASH_ITERATIONS")) iterations = std::atoi(env);
  testing::TempDir dir("ledger_crash");
  const std::string data = dir.File("data");
  const auto keys = testing::ValidatorKeys(4);
  const TrustAnchor anchor = testing::TestAnchor(keys);
  // The same blocks, executed in memory: the recomputation the disk must agree with.
  auto reference = Ledger::Open(std::make_unique<MemKvStore>(), anchor).value();
  testing::ChainBuilder reference_chain(*reference, keys);

  // How long the writer takes to open the store and commit its first block here (much
  // longer under sanitizers): kill times are spread over a window scaled to it, so kills
  // land during start-up and recovery as well as between and inside commits.
  std::chrono::microseconds first_commit;
  {
    const auto t0 = std::chrono::steady_clock::now();
    const Writer w = StartWriter(data);
    char c = 0;
    ASSERT_EQ(::read(w.stdout_fd, &c, 1), 1) << "the writer never committed a block";
    first_commit = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - t0);
    ::kill(w.pid, SIGKILL);
    ::waitpid(w.pid, nullptr, 0);
    ::close(w.stdout_fd);
  }
  const std::uint64_t window_us = 2 * static_cast<std::uint64_t>(first_commit.count()) + 40'000;

  std::mt19937_64 rng(20261121);
  std::uint64_t durable = 0;  // Highest height the writer reported committed.
  int kills_with_progress = 0;
  for (int i = 0; i < iterations; ++i) {
    const auto run_for = std::chrono::microseconds(rng() % window_us);
    const WriterRun run = KillWriterAfter(data, run_for);
    ASSERT_FALSE(run.exited_by_itself) << "the writer failed on its own at iteration " << i;
    if (run.last_reported > durable) {
      durable = run.last_reported;
      ++kills_with_progress;
    }

    auto ledger = Ledger::OpenDirectory(data, anchor);
    ASSERT_TRUE(ledger.ok()) << "iteration " << i << ": " << ledger.error().ToString();
    const LedgerHead head = (*ledger)->Head();
    ASSERT_GE(head.height.value(), durable) << "iteration " << i << ": a committed block was lost";

    // The head block is whole and certified with the result stored for it.
    const Block block = (*ledger)->BlockAt(head.height).value();
    const QuorumCertificate qc = (*ledger)->QcAt(head.height).value();
    ASSERT_EQ(qc.data.block_id, block.header.Id());
    ASSERT_EQ(qc.data.result, head.result);
    ASSERT_EQ((*ledger)->ReceiptsAt(head.height).value().size(), block.transactions.size());
    if (head.height > Height(0)) {
      ASSERT_EQ(block.header.parent_id,
                (*ledger)->BlockAt(Height(head.height.value() - 1)).value().header.Id());
    }

    // Roots: the log's from its leaves, the state's from the reference execution.
    std::vector<Hash32> leaves;
    for (std::uint64_t j = 0; j < head.result.log_size; ++j) {
      leaves.push_back(MerkleLeafHash(MerkleLog::Leaf((*ledger)->store(), j).value()));
    }
    ASSERT_EQ(MerkleRoot(leaves), head.result.log_root) << "iteration " << i;
    while (reference->Head().height < head.height) {
      const std::uint64_t next = reference->Head().height.value() + 1;
      ASSERT_TRUE(reference_chain.AppendBlock(1 + next % 5).ok());
    }
    ASSERT_EQ(reference->ResultAt(head.height).value(), head.result) << "iteration " << i;
  }
  // The test means nothing if the writer never got to commit between kills.
  EXPECT_GT(kills_with_progress, iterations / 10);
  std::printf("%d kills over a window of %llu ms, %llu blocks committed, %d kills after progress\n",
              iterations, static_cast<unsigned long long>(window_us / 1000),
              static_cast<unsigned long long>(durable), kills_with_progress);
}

}  // namespace
}  // namespace tamga::ledger
