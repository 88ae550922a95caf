// tests/chaos/chaos_main.cc
// tamga_chaos (run by testnet/chaos): a cluster of real tamgad processes on loopback under a
// seeded nemesis (shared/TESTING.md, layer L4), with clients that record what they were
// told, and a checker over every node's ledger at the end (tests/chaos/chaos_check.h).
//
// The nemesis, one fault at a time, each held 1-4 s, 2-5 s apart, kinds and targets drawn
// from the seed: kill -9 and restart; SIGSTOP and SIGCONT (a pause); SIGTERM and restart;
// kill -9, wipe the ledger (the safety file kept, as docs/operations.md tells an operator)
// and restart, rejoining from a snapshot of the others ([sync] snapshot_from) or by block
// sync from genesis (only while the chain is at most --replay-max-blocks tall, if given,
// and another node still holds block 1; from a snapshot otherwise). And, unless --network
// off, faults of the network between validators, which runs through a proxy
// (tests/chaos/link_proxy.h): a partition into two halves, one node isolated, one node
// unheard (its messages held, the others' reaching it), a ring (each node hears only its
// two neighbours), or one node's links delayed 100-500 ms each way. After each heal the
// node must commit a block beyond the cluster's height at the heal within 20 s (after a
// network fault, every node must); after a wipe rejoined by block sync, which replays the
// whole chain, within 120 s (its catch-up rate is printed).
//
// Clients: one per validator's administration (its admin key signs), each submitting
// unique anchors to a random node at its share of --rate and asking any node until one
// says the anchor is committed; only then is it "acknowledged" and the next one sent.
//
// With --byzantine MODE, the last f validators (--byzantine-count) lie as node/byzantine.h
// says, and every equivocation an honest validator logs must name one of them; --nemesis off
// leaves out the crashes, pauses and wipes.
//
// Clocks (unless --clock-offsets off, and not in a Byzantine run): the first f validators
// run all along with their clocks off by a time drawn from the seed, up to 45 s either way
// ([testing] clock_offset_ms), beyond the 30 s a block may be ahead of a voter's clock: a
// node far behind refuses to vote, one far ahead has its proposals refused.
//
// A watcher records the chain as it grows, block by block from whichever node answers
// (nodes that rejoined from a snapshot hold nothing below it, so at the end no node may
// hold the whole history). At the end every node's chain is read over its API and checked
// with the recorded one: one block and state root per height, no transaction twice, every
// acknowledged anchor committed. Also printed: the faults, the heal-to-commit times (median, p99,
// max) and each node's peak resident memory. Exit 0 when the history is safe and every heal was
// followed by a commit within 20 s (and at least --min-faults faults were injected); else 1, with
// the command that replays the fault schedule.

#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client/http_client.h"
#include "common/encoding.h"
#include "common/sha256.h"
#include "contracts/executor.h"
#include "node/byzantine.h"
#include "tests/chaos/chaos_check.h"
#include "tests/chaos/link_proxy.h"
#include "tests/e2e/cluster.h"

namespace tamga::chaos {
namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;
using std::chrono::milliseconds;

constexpr auto kHealBound = std::chrono::seconds(20);
constexpr auto kReplayBound = std::chrono::seconds(120);

struct Options {
  std::size_t validators = 4;
  double minutes = 3;
  std::uint64_t seed = 1;
  double rate = 20;  // Anchors a second offered, over all clients.
  std::size_t min_faults = 0;
  std::string logs;  // A folder to copy every node's log into at the end.
  // A wipe rejoins by block sync only while the chain is at most this tall, from a
  // snapshot beyond (0: no limit): replaying thousands of blocks is what an operator would
  // not do, and under the sanitizers it outlasts any bound.
  std::uint64_t replay_max_blocks = 0;
  // Byzantine validators as processes: the last `byzantine_count` validators (f of them by
  // default) run with [testing] byzantine = this mode (node/byzantine.h).
  std::string byzantine;
  std::size_t byzantine_count = 0;
  bool nemesis = true;        // --nemesis off: no crashes, pauses or wipes (a Byzantine run).
  bool network = true;        // --network off: the nemesis leaves the network alone.
  bool clock_offsets = true;  // --clock-offsets off: every node on the machine's clock.
};

[[noreturn]] void Usage(const std::string& why) {
  std::cerr
      << "tamga_chaos: " << why
      << "\nusage: tamga_chaos [--validators N] [--minutes M] [--seed S] [--rate R] "
         "[--min-faults F] [--logs DIR] [--replay-max-blocks B] [--byzantine MODE] "
         "[--byzantine-count F] [--nemesis on|off] [--network on|off] [--clock-offsets on|off]\n";
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) Usage("missing value after " + a);
    const std::string v = argv[++i];
    try {
      if (a == "--validators") {
        o.validators = std::stoul(v);
      } else if (a == "--minutes") {
        o.minutes = std::stod(v);
      } else if (a == "--seed") {
        o.seed = std::stoull(v);
      } else if (a == "--rate") {
        o.rate = std::stod(v);
      } else if (a == "--min-faults") {
        o.min_faults = std::stoul(v);
      } else if (a == "--logs") {
        o.logs = v;
      } else if (a == "--replay-max-blocks") {
        o.replay_max_blocks = std::stoull(v);
      } else if (a == "--byzantine") {
        if (!node::ParseByzantineMode(v).ok()) Usage(node::ParseByzantineMode(v).error().message());
        o.byzantine = v;
      } else if (a == "--byzantine-count") {
        o.byzantine_count = std::stoul(v);
      } else if (a == "--nemesis") {
        if (v != "on" && v != "off") Usage("--nemesis takes on or off");
        o.nemesis = v == "on";
      } else if (a == "--network") {
        if (v != "on" && v != "off") Usage("--network takes on or off");
        o.network = v == "on";
      } else if (a == "--clock-offsets") {
        if (v != "on" && v != "off") Usage("--clock-offsets takes on or off");
        o.clock_offsets = v == "on";
      } else {
        Usage("unknown argument " + a);
      }
    } catch (const std::exception&) {
      Usage("not a number: " + a + " " + v);
    }
  }
  if (o.validators < 4 || o.validators > 10) Usage("--validators must be 4 to 10");
  if (o.minutes <= 0 || o.rate <= 0) Usage("--minutes and --rate must be positive");
  if (!o.byzantine.empty() && o.byzantine_count == 0) o.byzantine_count = (o.validators - 1) / 3;
  if (o.byzantine_count >= o.validators) Usage("--byzantine-count must leave honest validators");
  return o;
}

std::optional<json> GetJson(client::HttpClient& c, const std::string& target) {
  auto r = c.Get(target);
  if (!r.ok() || r->status != 200) return std::nullopt;
  auto j = json::parse(r->body, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// Node i's committed height; nullopt if it does not answer within `timeout_ms`.
std::optional<std::uint64_t> HeightOf(const testing::Cluster& c, std::size_t i,
                                      std::uint64_t timeout_ms = 1'500) {
  auto client = client::HttpClient::Connect(c.api(i), timeout_ms);
  if (!client.ok()) return std::nullopt;
  auto j = GetJson(*client, "/v1/status");
  if (!j || !j->contains("height")) return std::nullopt;
  return (*j)["height"].get<std::uint64_t>();
}

// A block as GET /v1/blocks/{h} answers it; nullopt for an answer that is not one.
std::optional<CommittedBlock> ParseBlock(const json& b) {
  if (!b.is_object() || !b.contains("id") || !b.contains("state_root") ||
      !b.contains("transactions") || !b["id"].is_string() || !b["state_root"].is_string() ||
      !b["transactions"].is_array()) {
    return std::nullopt;
  }
  CommittedBlock block{b["id"].get<std::string>(), b["state_root"].get<std::string>(), {}};
  for (const auto& tx : b["transactions"]) {
    if (!tx.is_string()) return std::nullopt;
    block.transactions.push_back(tx.get<std::string>());
  }
  return block;
}

// Resident memory of a process in bytes (0 if it is gone).
std::uint64_t ResidentBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The clients: what they were told.
struct Acks {
  std::mutex mu;
  std::vector<std::string> committed;  // Acknowledged as committed.
  std::atomic<std::uint64_t> submissions{0}, unanswered{0};
};

void Client(const testing::Cluster& c, std::size_t who, const Options& o,
            const std::atomic<bool>& stop, Acks& acks) {
  std::mt19937_64 rng(o.seed * 7919 + who);
  const auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(static_cast<double>(o.validators) / o.rate));
  auto next = Clock::now();
  for (std::uint64_t seq = 1; !stop;) {
    next = std::max(next + period, Clock::now() - period);
    std::this_thread::sleep_until(next);
    const std::string ref =
        "CHAOS-" + std::to_string(o.seed) + "-" + std::to_string(who) + "-" + std::to_string(seq);
    const Transaction tx = c.Tx(c.admin(who), contracts::TxType::kAnchorDocument,
                                Encode(contracts::AnchorDocument{contracts::DocumentType::kOther,
                                                                 Sha256Of(AsBytes(ref)), ref}),
                                seq);
    const std::string id = tx.Hash().ToHex();
    // To a random node, again and again (the same transaction) until one says committed.
    bool committed = false;
    while (!committed && !stop) {
      const std::size_t k = rng() % o.validators;
      auto client = client::HttpClient::Connect(c.api(k), 2'000);
      ++acks.submissions;
      if (!client.ok() || testing::Cluster::SubmitWith(*client, tx).first == 0) {
        ++acks.unanswered;
        std::this_thread::sleep_for(milliseconds(200));
        continue;
      }
      for (int poll = 0; poll < 25 && !stop; ++poll) {
        auto r = client->Get("/v1/transactions/" + id);
        if (!r.ok()) break;
        if (r->status == 200) {
          auto j = json::parse(r->body, nullptr, false);
          if (j.is_object() && j.value("status", "") == "committed") {
            committed = true;
            break;
          }
        }
        std::this_thread::sleep_for(milliseconds(200));
      }
    }
    if (committed) {
      std::lock_guard lock(acks.mu);
      acks.committed.push_back(id);
      ++seq;
    }
  }
}

// The processes' faults first, then the network's (drawn only with --network on).
enum class Kind {
  kKill,
  kPause,
  kRestart,
  kWipeSnapshot,
  kWipeReplay,
  kHalves,
  kIsolate,
  kUnheard,
  kRing,
  kDelay,
};
constexpr std::uint64_t kProcessKinds = 5;
constexpr std::uint64_t kAllKinds = 10;
bool IsNetwork(Kind k) { return static_cast<std::uint64_t>(k) >= kProcessKinds; }
const char* Name(Kind k) {
  switch (k) {
    case Kind::kKill:
      return "kill -9";
    case Kind::kPause:
      return "pause (SIGSTOP)";
    case Kind::kRestart:
      return "restart (SIGTERM)";
    case Kind::kWipeSnapshot:
      return "wipe, snapshot";
    case Kind::kWipeReplay:
      return "wipe, block sync";
    case Kind::kHalves:
      return "partition, halves";
    case Kind::kIsolate:
      return "partition, isolated";
    case Kind::kUnheard:
      return "one-way, unheard";
    case Kind::kRing:
      return "partition, ring";
    case Kind::kDelay:
      return "link delay";
  }
  return "?";
}

class Run {
 public:
  explicit Run(Options o)
      : o_(std::move(o)),
        c_("chaos_" + std::to_string(o_.seed), o_.validators),
        peak_rss_(o_.validators, 0) {}

  bool Byzantine(std::size_t i) const {
    return !o_.byzantine.empty() && i + o_.byzantine_count >= o_.validators;
  }

  int Go() {
    std::printf("chaos: %zu validators, %.1f min, seed %llu, %.0f anchors/s offered%s\n",
                o_.validators, o_.minutes, static_cast<unsigned long long>(o_.seed), o_.rate,
                o_.nemesis ? "" : ", no nemesis");
    if (!o_.byzantine.empty()) {
      std::printf("byzantine: the last %zu validators run '%s'\n", o_.byzantine_count,
                  o_.byzantine.c_str());
    }
    for (std::size_t i = 0; i < o_.validators; ++i) {
      if (Byzantine(i)) c_.AddConfig(i, "\n[testing]\nbyzantine = \"" + o_.byzantine + "\"\n");
    }
    if (o_.clock_offsets && o_.byzantine.empty()) {
      // Their own generator, so that the nemesis's schedule stays what the seed made it.
      std::mt19937_64 rng(o_.seed ^ 0xc10c);
      std::printf("clocks:");
      for (std::size_t i = 0; i < (o_.validators - 1) / 3; ++i) {
        const std::int64_t offset = static_cast<std::int64_t>(rng() % 90'001) - 45'000;
        c_.AddConfig(i, "\n[testing]\nclock_offset_ms = " + std::to_string(offset) + "\n");
        std::printf(" node %zu %+.1f s", i, static_cast<double>(offset) / 1000);
      }
      std::printf(" (a block may be 30 s ahead of a voter's clock)\n");
    }
    if (o_.nemesis && o_.network) {
      // Each node listens on a port of its own; the peer address its genesis names is the
      // proxy's.
      std::vector<LinkProxy::Node> links;
      const std::uint16_t backs = c_.FreePortsBelowEphemeral(o_.validators);
      for (std::size_t i = 0; i < o_.validators; ++i) {
        const auto back = static_cast<std::uint16_t>(backs + i);
        c_.SetConfig(i, "network", "listen", "\"127.0.0.1:" + std::to_string(back) + "\"");
        links.push_back(LinkProxy::Node{c_.peer_port(i), back, c_.validator_key(i)});
      }
      proxy_ = std::make_unique<LinkProxy>(std::move(links));
      if (Status s = proxy_->Start(); !s.ok()) {
        std::printf("%s\n", s.ToString().c_str());
        return 1;
      }
    }
    c_.StartAll();
    start_ = Clock::now();
    if (!WaitUntil([&] { return AllAbove(0); }, std::chrono::seconds(60))) {
      std::printf("the cluster did not commit its first block within 60 s\n");
      return Fail();
    }
    std::atomic<bool> stop{false};
    std::thread watcher([&] { Watch(); });
    std::vector<std::thread> clients;
    for (std::size_t i = 0; i < o_.validators; ++i) {
      clients.emplace_back(Client, std::cref(c_), i, std::cref(o_), std::cref(stop),
                           std::ref(acks_));
    }
    if (o_.nemesis) {
      Nemesis();
    } else {
      Pause(std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(o_.minutes * 60)));
    }
    stop = true;
    for (auto& t : clients) t.join();
    const int status = Finish();
    watching_ = false;
    watcher.join();
    if (!o_.logs.empty()) {
      std::filesystem::create_directories(o_.logs);
      for (std::size_t i = 0; i < o_.validators; ++i) {
        std::ofstream(o_.logs + "/node" + std::to_string(i) + ".log") << c_.Log(i);
      }
      std::printf("logs: %s\n", o_.logs.c_str());
    }
    return status;
  }

 private:
  // Polls `pred` every 100 ms (sampling memory meanwhile) until it holds or `limit` passes.
  template <typename Pred>
  bool WaitUntil(Pred pred, Clock::duration limit) {
    const auto end = Clock::now() + limit;
    while (true) {
      Sample();
      if (pred()) return true;
      if (Clock::now() > end) return false;
      std::this_thread::sleep_for(milliseconds(100));
    }
  }
  void Pause(Clock::duration d) {
    WaitUntil([] { return false; }, d);
  }
  void Sample() {
    if (Clock::now() < next_sample_) return;
    next_sample_ = Clock::now() + std::chrono::seconds(1);
    for (std::size_t i = 0; i < o_.validators; ++i) {
      if (c_.Running(i)) peak_rss_[i] = std::max(peak_rss_[i], ResidentBytes(c_.pid(i)));
    }
  }
  // Whether every node (every honest one) answers with a height above `h`.
  bool AllAbove(std::uint64_t h, bool honest_only = false) {
    for (std::size_t i = 0; i < o_.validators; ++i) {
      if (honest_only && Byzantine(i)) continue;
      auto got = HeightOf(c_, i);
      if (!got || *got <= h) return false;
    }
    return true;
  }
  // Whether a node but `except` serves block 1 (a node that joined from a snapshot does not).
  bool FirstBlockHeldExcept(std::size_t except) {
    for (std::size_t i = 0; i < o_.validators; ++i) {
      if (i == except) continue;
      auto client = client::HttpClient::Connect(c_.api(i), 1'500);
      if (!client.ok()) continue;
      auto r = client->Get("/v1/blocks/1");
      if (r.ok() && r->status == 200) return true;
    }
    return false;
  }
  // The highest height any node but `except` answers with (all: the node count).
  std::uint64_t TopExcept(std::size_t except) {
    std::uint64_t top = 0;
    for (std::size_t i = 0; i < o_.validators; ++i) {
      if (i == except) continue;
      if (auto h = HeightOf(c_, i)) top = std::max(top, *h);
    }
    return top;
  }

  void Nemesis() {
    std::mt19937_64 rng(o_.seed);
    const auto between = [&](std::uint64_t lo, std::uint64_t hi) {
      return lo + rng() % (hi - lo + 1);
    };
    const auto end = start_ + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(o_.minutes * 60));
    while (Clock::now() < end) {
      Pause(milliseconds(between(2'000, 5'000)));
      auto kind = static_cast<Kind>(between(0, (proxy_ ? kAllKinds : kProcessKinds) - 1));
      const std::size_t node = between(0, o_.validators - 1);
      // A replay from genesis needs a node that holds the first block: after a few snapshot
      // joins none may (an operator would then join from a snapshot too).
      if (kind == Kind::kWipeReplay &&
          ((o_.replay_max_blocks > 0 && TopExcept(node) > o_.replay_max_blocks) ||
           !FirstBlockHeldExcept(node))) {
        kind = Kind::kWipeSnapshot;
      }
      const auto hold = milliseconds(between(1'000, 4'000));
      const double at = Seconds(Clock::now() - start_);
      std::string what;  // Who the fault hit, if not just `node`.
      // A network fault's effect shows in how far the chain grew while it held.
      const std::uint64_t top_before = IsNetwork(kind) ? TopExcept(o_.validators) : 0;
      switch (kind) {
        case Kind::kKill:
          c_.Kill(node);
          Pause(hold);
          c_.Start(node);
          break;
        case Kind::kPause:
          if (c_.pid(node) > 0) ::kill(c_.pid(node), SIGSTOP);
          Pause(hold);
          if (c_.pid(node) > 0) ::kill(c_.pid(node), SIGCONT);
          break;
        case Kind::kRestart:
          c_.Terminate(node);
          Pause(hold);
          c_.Start(node);
          break;
        case Kind::kWipeSnapshot:
        case Kind::kWipeReplay: {
          c_.Kill(node);
          std::error_code ec;
          std::filesystem::remove_all(c_.DataDir(node) + "/ledger", ec);
          std::string sources;
          for (std::size_t i = 0; i < o_.validators && kind == Kind::kWipeSnapshot; ++i) {
            if (i == node) continue;
            sources += (sources.empty() ? "\"http://" : ", \"http://") + c_.api(i) + "\"";
          }
          c_.SetConfig(node, "sync", "snapshot_from", "[" + sources + "]");
          Pause(hold);
          c_.Start(node);
          break;
        }
        default:
          what = Disturb(kind, node, rng);
          Pause(hold);
          proxy_->HealAll();
          break;
      }
      ++faults_[kind];
      const auto healed = Clock::now();
      // After a network fault every node must pass the top; after another, the node hit.
      const std::uint64_t target = IsNetwork(kind) ? TopExcept(o_.validators) : TopExcept(node);
      const bool back = WaitUntil(
          [&] {
            if (IsNetwork(kind)) return AllAbove(target, /*honest_only=*/true);
            auto h = HeightOf(c_, node, 1'000);
            return h && *h > target;
          },
          kind == Kind::kWipeReplay ? kReplayBound : kHealBound);
      const double took = Seconds(Clock::now() - healed);
      if (what.empty()) what = "node " + std::to_string(node);
      std::printf("[%7.1f s] %-19s %s for %.1f s: ", at, Name(kind), what.c_str(), Seconds(hold));
      if (IsNetwork(kind)) {
        std::printf("the chain grew %llu blocks meanwhile; ",
                    static_cast<unsigned long long>(target > top_before ? target - top_before : 0));
      }
      if (back && kind == Kind::kWipeReplay) {
        replays_.push_back(took);
        std::printf("replayed %llu blocks and commits past them %.2f s after the heal\n",
                    static_cast<unsigned long long>(target), took);
      } else if (back) {
        heal_to_commit_.push_back(took);
        std::printf("commits past height %llu %.2f s after the heal\n",
                    static_cast<unsigned long long>(target), took);
      } else {
        problems_.push_back(what + " did not commit past height " + std::to_string(target) +
                            " within " + (kind == Kind::kWipeReplay ? "120" : "20") +
                            " s of the heal after " + Name(kind) + " at " + std::to_string(at) +
                            " s");
        std::printf("NOT committing %s s after the heal\n",
                    kind == Kind::kWipeReplay ? "120" : "20");
      }
      std::fflush(stdout);
    }
  }

  // Starts network fault `kind` around `node` (its draws from `rng`); who it hits, for the
  // fault's line.
  std::string Disturb(Kind kind, std::size_t node, std::mt19937_64& rng) {
    const std::size_t n = o_.validators;
    const auto both = [&](std::size_t a, std::size_t b) {
      proxy_->Cut(a, b);
      proxy_->Cut(b, a);
    };
    switch (kind) {
      case Kind::kHalves: {
        std::vector<std::size_t> order(n);
        for (std::size_t i = 0; i < n; ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), rng);
        std::vector<bool> left(n, false);
        for (std::size_t i = 0; i < n / 2; ++i) left[order[i]] = true;
        std::string a, b;
        for (std::size_t i = 0; i < n; ++i) {
          std::string& side = left[i] ? a : b;
          side += (side.empty() ? "" : ",") + std::to_string(i);
          for (std::size_t j = i + 1; j < n; ++j) {
            if (left[i] != left[j]) both(i, j);
          }
        }
        return "nodes " + a + " | " + b;
      }
      case Kind::kIsolate:
        for (std::size_t j = 0; j < n; ++j) {
          if (j != node) both(node, j);
        }
        return "node " + std::to_string(node);
      case Kind::kUnheard:
        for (std::size_t j = 0; j < n; ++j) {
          if (j != node) proxy_->Cut(node, j);
        }
        return "node " + std::to_string(node);
      case Kind::kRing:
        for (std::size_t i = 0; i < n; ++i) {
          for (std::size_t j = i + 1; j < n; ++j) {
            if (j != i + 1 && !(i == 0 && j == n - 1)) both(i, j);
          }
        }
        return "all nodes";
      case Kind::kDelay: {
        const auto delay = milliseconds(100 + rng() % 401);
        for (std::size_t j = 0; j < n; ++j) {
          if (j == node) continue;
          proxy_->Delay(node, j, delay);
          proxy_->Delay(j, node, delay);
        }
        return "node " + std::to_string(node) + " +" + std::to_string(delay.count()) + " ms";
      }
      default:
        return {};
    }
  }

  // Follows the chain from height 1: each block from the first node (in turn) that has it.
  void Watch() {
    std::size_t k = 0;
    std::optional<client::HttpClient> client;
    while (watching_) {
      if (!client) {
        auto c = client::HttpClient::Connect(c_.api(k), 2'000);
        if (!c.ok()) {
          k = (k + 1) % o_.validators;
          std::this_thread::sleep_for(milliseconds(100));
          continue;
        }
        client.emplace(std::move(*c));
      }
      const std::uint64_t h = recorded_height_ + 1;
      auto r = client->Get("/v1/blocks/" + std::to_string(h) + "?wait_ms=500");
      const bool later =
          r.ok() && r->status == 404 && r->body.find("not committed yet") != std::string::npos;
      if (later) continue;  // It waited half a second: ask again.
      if (!r.ok() || r->status != 200) {
        client.reset();  // Down, paused, or below its snapshot: the next node.
        k = (k + 1) % o_.validators;
        continue;
      }
      auto b = json::parse(r->body, nullptr, false);
      auto block = ParseBlock(b);
      if (!block) continue;
      std::lock_guard lock(recorded_mu_);
      recorded_.push_back(std::move(*block));
      recorded_height_ = h;
    }
  }

  int Finish() {
    // Every node reaches the top of the others, then each chain is read whole.
    std::uint64_t top = 0;
    for (std::size_t i = 0; i < o_.validators; ++i)
      top = std::max(top, HeightOf(c_, i).value_or(0));
    if (!WaitUntil([&] { return AllAbove(top); }, kHealBound)) {
      problems_.push_back("not every node committed past height " + std::to_string(top) +
                          " within 20 s of the last heal");
    }
    if (!WaitUntil([&] { return recorded_height_ >= top; }, kHealBound)) {
      problems_.push_back("the watcher recorded " + std::to_string(recorded_height_) +
                          " blocks, not the " + std::to_string(top) + " committed");
    }
    std::vector<Chain> chains(o_.validators);
    for (std::size_t i = 0; i < o_.validators; ++i) {
      auto client = client::HttpClient::Connect(c_.api(i), 10'000);
      const std::uint64_t height = client.ok() ? HeightOf(c_, i).value_or(0) : 0;
      for (std::uint64_t h = 1; h <= height; ++h) {
        auto r = client->Get("/v1/blocks/" + std::to_string(h));
        if (r.ok() && r->status == 404) {  // Below the snapshot it joined from.
          chains[i].push_back(CommittedBlock{});
          continue;
        }
        auto block = r.ok() && r->status == 200 ? ParseBlock(json::parse(r->body, nullptr, false))
                                                : std::nullopt;
        if (!block) {
          problems_.push_back("node " + std::to_string(i) + " did not serve block " +
                              std::to_string(h) + " of its " + std::to_string(height));
          break;
        }
        chains[i].push_back(std::move(*block));
      }
    }
    std::vector<std::string> acknowledged;
    {
      std::lock_guard lock(acks_.mu);
      acknowledged = acks_.committed;
    }
    {
      std::lock_guard lock(recorded_mu_);
      chains.push_back(recorded_);  // Chain number `validators`: the recorded history.
    }
    const Verdict v = Check(chains, acknowledged);
    problems_.insert(problems_.end(), v.problems.begin(), v.problems.end());
    CheckEvidence();

    std::size_t total = 0;
    std::printf("faults: ");
    for (const auto& [kind, n] : faults_) {
      std::printf("%s%s %zu", total == 0 ? "" : ", ", Name(kind), n);
      total += n;
    }
    std::printf(" (%zu in all)\n", total);
    if (total < o_.min_faults) {
      problems_.push_back("only " + std::to_string(total) + " faults injected, fewer than " +
                          std::to_string(o_.min_faults));
    }
    if (!heal_to_commit_.empty()) {
      std::vector<double> t = heal_to_commit_;
      std::sort(t.begin(), t.end());
      const auto at = [&](double q) {
        return t[std::min(t.size() - 1,
                          static_cast<std::size_t>(q * static_cast<double>(t.size())))];
      };
      std::printf("heal to commit: median %.2f s, p99 %.2f s, max %.2f s (%zu heals)\n", at(0.5),
                  at(0.99), t.back(), t.size());
    }
    if (!replays_.empty()) {
      std::printf("wiped and replayed by block sync: longest %.2f s\n",
                  *std::max_element(replays_.begin(), replays_.end()));
    }
    std::printf(
        "anchors: %zu acknowledged as committed (%llu submissions, %llu unanswered), "
        "%zu found on the longest chain; heights compared: %zu\n",
        acknowledged.size(), static_cast<unsigned long long>(acks_.submissions.load()),
        static_cast<unsigned long long>(acks_.unanswered.load()), v.acknowledged_found,
        v.heights_compared);
    std::printf("heights (nodes, then the recorded history):");
    for (const Chain& ch : chains) std::printf(" %zu", ch.size());
    std::printf("\npeak resident memory (MiB):");
    for (std::uint64_t b : peak_rss_) std::printf(" %.0f", static_cast<double>(b) / (1 << 20));
    std::printf("\n");
    const double seconds = o_.minutes * 60;
    std::printf("acknowledged per second: %.1f of %.0f offered\n",
                static_cast<double>(acknowledged.size()) / seconds, o_.rate);
    if (acknowledged.empty()) problems_.push_back("no anchor was acknowledged: nothing was tested");
    if (!problems_.empty()) return Fail();
    std::printf(
        "verdict: SAFE (no divergence, nothing acknowledged lost or committed twice, "
        "every node committing within 20 s of each heal)\n");
    return 0;
  }

  // What honest validators logged as equivocation must name a Byzantine validator's key.
  void CheckEvidence() {
    std::size_t reports = 0;
    for (std::size_t i = 0; i < o_.validators; ++i) {
      if (Byzantine(i)) continue;
      std::istringstream log(c_.Log(i));
      for (std::string line; std::getline(log, line);) {
        if (line.find(" equivocation ") == std::string::npos) continue;
        ++reports;
        bool named = false;
        for (std::size_t b = 0; b < o_.validators; ++b) {
          named |=
              Byzantine(b) && line.find("key=" + c_.validator_key(b).ToHex()) != std::string::npos;
        }
        if (!named) {
          problems_.push_back("node " + std::to_string(i) +
                              " reported an equivocation by an honest validator: " + line);
        }
      }
    }
    std::printf("equivocation reports by honest validators: %zu\n", reports);
  }

  int Fail() {
    std::printf("verdict: FAILED\n");
    for (const std::string& p : problems_) std::printf("  %s\n", p.c_str());
    for (std::size_t i = 0; i < o_.validators; ++i) {
      const std::string log = c_.Log(i);
      const std::size_t from = log.size() > 3'000 ? log.size() - 3'000 : 0;
      std::printf("--- node %zu, end of its log:\n%s\n", i, log.substr(from).c_str());
    }
    std::string more;
    if (!o_.byzantine.empty()) {
      more += " --byzantine " + o_.byzantine + " --byzantine-count " +
              std::to_string(o_.byzantine_count);
    }
    if (!o_.nemesis) more += " --nemesis off";
    if (!o_.network) more += " --network off";
    if (!o_.clock_offsets) more += " --clock-offsets off";
    std::printf(
        "replay the fault schedule: testnet/chaos --validators %zu --minutes %g --seed %llu "
        "--replay-max-blocks %llu%s\n",
        o_.validators, o_.minutes, static_cast<unsigned long long>(o_.seed),
        static_cast<unsigned long long>(o_.replay_max_blocks), more.c_str());
    return 1;
  }

  Options o_;
  testing::Cluster c_;
  std::unique_ptr<LinkProxy> proxy_;  // Between the validators, with --network on.
  Acks acks_;
  Clock::time_point start_;
  Clock::time_point next_sample_;
  std::vector<std::uint64_t> peak_rss_;
  std::map<Kind, std::size_t> faults_;
  std::vector<double> heal_to_commit_;
  std::vector<double> replays_;
  std::atomic<bool> watching_{true};
  std::atomic<std::uint64_t> recorded_height_{0};
  std::mutex recorded_mu_;
  Chain recorded_;
  std::vector<std::string> problems_;
};

}  // namespace
}  // namespace tamga::chaos

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  tamga::chaos::Run run(tamga::chaos::Parse(argc, argv));
  return run.Go();
}
