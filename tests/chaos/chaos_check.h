// tests/chaos/chaos_check.h
// The chaos run's checker (testnet/chaos): from what every node committed and what the
// clients were told, is the history safe? Pure: the run reads the nodes over their APIs and
// hands the chains here, so the checker's own tests can feed it histories that are wrong.
//
// Thread-safety: a function of its arguments.

#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tamga::chaos {

struct CommittedBlock {
  std::string id;  // Empty: the node does not hold this height (it joined from a snapshot).
  std::string state_root;
  std::vector<std::string> transactions;  // Ids, in block order.
};
// One node's committed chain: [h - 1] is the block at height h.
using Chain = std::vector<CommittedBlock>;

struct Verdict {
  std::vector<std::string> problems;  // Empty: the history is safe.
  std::size_t heights_compared = 0;   // Heights held by two nodes or more.
  std::size_t acknowledged_found = 0;
  bool ok() const { return problems.empty(); }
};

// `chains`: every node's committed chain. `acknowledged`: the transactions some client was
// told were committed. Heights a node does not hold are skipped. Checks: (1) at every
// height, every node that has it holds the same
// block with the same state root; (2) no chain holds a transaction twice; (3) every
// acknowledged transaction is on the longest chain, once. Each problem names the height,
// the nodes or the transaction; at most `max_problems` are listed.
Verdict Check(const std::vector<Chain>& chains, const std::vector<std::string>& acknowledged,
              std::size_t max_problems = 20);

}  // namespace tamga::chaos
