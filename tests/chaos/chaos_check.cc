// tests/chaos/chaos_check.cc

#include "tests/chaos/chaos_check.h"

#include <algorithm>
#include <unordered_map>

namespace tamga::chaos {

Verdict Check(const std::vector<Chain>& chains, const std::vector<std::string>& acknowledged,
              std::size_t max_problems) {
  Verdict v;
  const auto problem = [&](std::string p) {
    if (v.problems.size() < max_problems) v.problems.push_back(std::move(p));
  };
  std::size_t longest = 0;
  for (std::size_t n = 0; n < chains.size(); ++n) {
    if (chains[n].size() > chains[longest].size()) longest = n;
  }
  const std::size_t top = chains.empty() ? 0 : chains[longest].size();
  // (1) Agreement, height by height, against the first node that has the height.
  for (std::size_t h = 0; h < top; ++h) {
    std::size_t holders = 0;
    const CommittedBlock* first = nullptr;
    std::size_t first_node = 0;
    for (std::size_t n = 0; n < chains.size(); ++n) {
      if (h >= chains[n].size() || chains[n][h].id.empty()) continue;
      ++holders;
      const CommittedBlock& b = chains[n][h];
      if (first == nullptr) {
        first = &b;
        first_node = n;
      } else if (b.id != first->id) {
        problem("height " + std::to_string(h + 1) + ": node " + std::to_string(n) +
                " committed block " + b.id + ", node " + std::to_string(first_node) +
                " committed " + first->id);
      } else if (b.state_root != first->state_root) {
        problem("height " + std::to_string(h + 1) + ": node " + std::to_string(n) +
                " has state root " + b.state_root + ", node " + std::to_string(first_node) +
                " has " + first->state_root);
      }
    }
    if (holders >= 2) ++v.heights_compared;
  }
  // (2) Exactly once on every chain; the longest one's places kept for (3).
  std::unordered_map<std::string, std::size_t> on_longest;  // Id -> times.
  for (std::size_t n = 0; n < chains.size(); ++n) {
    std::unordered_map<std::string, std::size_t> seen;  // Id -> first height.
    for (std::size_t h = 0; h < chains[n].size(); ++h) {
      for (const std::string& tx : chains[n][h].transactions) {
        auto [it, fresh] = seen.emplace(tx, h + 1);
        if (!fresh) {
          problem("node " + std::to_string(n) + " committed transaction " + tx +
                  " twice: at heights " + std::to_string(it->second) + " and " +
                  std::to_string(h + 1));
        }
        if (n == longest) ++on_longest[tx];
      }
    }
  }
  // (3) Nothing acknowledged is lost: on the longest chain, or (below where it joined from
  // a snapshot) on another.
  for (std::size_t n = 0; n < chains.size(); ++n) {
    if (n == longest) continue;
    for (std::size_t h = 0; h < chains[n].size(); ++h) {
      if (h < chains[longest].size() && !chains[longest][h].id.empty()) continue;
      for (const std::string& tx : chains[n][h].transactions) on_longest.emplace(tx, 1);
    }
  }
  for (const std::string& tx : acknowledged) {
    auto it = on_longest.find(tx);
    if (it == on_longest.end()) {
      problem("transaction " + tx + " was acknowledged as committed but no node holds it");
    } else {
      ++v.acknowledged_found;
    }
  }
  return v;
}

}  // namespace tamga::chaos
