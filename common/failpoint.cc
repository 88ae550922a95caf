// common/failpoint.cc

#include "common/failpoint.h"

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace tamga {
namespace {

// clang-format off
constexpr std::string_view kNames[] = {
    "ledger.initialise.before", "ledger.initialise.after",
    "ledger.commit.before",     "ledger.commit.after",
    "ledger.stop_sync.before",  "ledger.stop_sync.after",
    "ledger.snapshot.before",   "ledger.snapshot.after",
    "consensus.save.before",    "consensus.save.after",
    "consensus.sync.before",    "consensus.sync.after",
    "safety.save.before",       "safety.save.after",
    "safety.create.before",     "safety.create.after",
    "safety.reset.before",      "safety.reset.after",
    "witness.save.before",      "witness.save.after",
};
// clang-format on

struct Armed {
  std::string name;  // Empty: nothing armed.
  unsigned long long at = 1;
  std::atomic<unsigned long long> reached{0};
};

Armed& ArmedFromEnvironment() {
  static Armed* armed = [] {
    auto* a = new Armed();
    const char* v = std::getenv("TAMGA_FAILPOINT");
    if (v == nullptr || *v == '\0') return a;
    std::string_view spec(v);
    const auto at = spec.find('@');
    a->name = std::string(spec.substr(0, at));
    bool known = false;
    for (std::string_view n : kNames) known |= n == a->name;
    if (!known) {
      std::fprintf(stderr, "TAMGA_FAILPOINT: \"%s\" names no failpoint\n", v);
      std::_Exit(2);
    }
    if (at != std::string_view::npos) {
      const std::string_view n = spec.substr(at + 1);
      auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), a->at);
      if (ec != std::errc() || p != n.data() + n.size() || a->at == 0) {
        std::fprintf(stderr, "TAMGA_FAILPOINT: \"%s\" is not name or name@N (N from 1)\n", v);
        std::_Exit(2);
      }
    }
    return a;
  }();
  return *armed;
}

}  // namespace

void Failpoint(std::string_view name) {
  Armed& a = ArmedFromEnvironment();
  if (a.name.empty() || a.name != name) return;
  if (a.reached.fetch_add(1) + 1 != a.at) return;
  std::fprintf(stderr, "failpoint %.*s reached (%llu): exiting\n", static_cast<int>(name.size()),
               name.data(), a.at);
  ::_exit(kFailpointExit);
}

std::span<const std::string_view> FailpointNames() { return kNames; }

}  // namespace tamga
