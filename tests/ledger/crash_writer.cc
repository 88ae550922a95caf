// tests/ledger/crash_writer.cc
// The victim of the kill-and-reopen test: opens the ledger in DIR and commits blocks
// (contents fixed by height, tests/ledger/chain_builder.h) until killed, printing the
// height of each block once Commit has returned, i.e. once it is durable.

#include <unistd.h>

#include <cstdio>
#include <string>

#include "tests/ledger/chain_builder.h"

int main(int argc, char** argv) {
  using namespace tamga;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const auto keys = testing::ValidatorKeys(4);
  auto ledger = ledger::Ledger::OpenDirectory(argv[1], testing::TestAnchor(keys));
  if (!ledger.ok()) {
    std::fprintf(stderr, "open: %s\n", ledger.error().ToString().c_str());
    return 1;
  }
  testing::ChainBuilder chain(**ledger, keys);
  for (;;) {
    const std::uint64_t next = (*ledger)->Head().height.value() + 1;
    const Status s = chain.AppendBlock(1 + next % 5);
    if (!s.ok()) {
      std::fprintf(stderr, "commit %llu: %s\n", static_cast<unsigned long long>(next),
                   s.ToString().c_str());
      return 1;
    }
    const std::string line = std::to_string(next) + "\n";
    if (::write(STDOUT_FILENO, line.data(), line.size()) < 0) return 1;
  }
}
