// tamga-traffic: plays a synthetic stretch of CAREC trade (testnet/traffic.h) through the
// API of a running testnet, then (with --check) asks a node for the time-release
// indicators of the time it played and compares them with the plan's own account.
//
//   tamga-traffic --testnet DIR [--days D] [--speed X] [--seed S] [--tag T]
//                 [--transits-per-day N] [--certificates-per-day N] [--check]
//
// DIR is a folder written by `tamga testnet init` whose nodes are running (testnet/up).
// Each administration's steps are signed by its administrator (node<i>/admin.key), or by
// the border office and chamber of commerce the plan's setup registers for it with fresh
// keys, and sent to its own node. --speed X plays X simulated seconds a second (1440, the
// default: a day a minute); blocks carry the wall clock's time, so the node measures the
// plan's durations divided by X. A step that depends on another (the same transit's or
// certificate's previous step) is sent once that one is committed. Progress every two
// seconds on stderr; at the end the steps accepted, rejected (with the first reasons) and
// refused, by type. Exit status 0, or 1 when a step was refused or rejected, or when the
// node's counts differ from the plan's (--check).

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "audit/kpi.h"
#include "client/genesis_file.h"
#include "client/http_client.h"
#include "common/clock.h"
#include "common/encoding.h"
#include "common/key_file.h"
#include "contracts/executor.h"
#include "contracts/genesis.h"
#include "node/config.h"
#include "testnet/traffic.h"

namespace tamga::traffic {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "tamga-traffic: %s\n", why.c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.error().ToString());
  return std::move(r).value();
}

// The plan's intervals as the indicators' distribution, for their nearest-rank percentiles.
audit::Distribution AsDistribution(const std::vector<std::uint64_t>& ms) {
  audit::Distribution d;
  for (const std::uint64_t v : ms) {
    audit::KpiSample s;
    s.end_ms = v;
    d.samples.push_back(s);
  }
  return d;
}

struct Signer {
  SecretKey key;
  std::uint64_t sequence = 0;  // The last one used.
};

struct Counts {
  std::uint64_t accepted = 0, rejected = 0, refused = 0;
};

struct Options {
  std::string dir;
  PlanOptions plan;
  double speed = 1440;
  bool check = false;
};

class Player {
 public:
  explicit Player(const Options& o) : o_(o) {}

  int Run() {
    const contracts::Genesis genesis =
        Must(client::LoadGenesisFile(o_.dir + "/genesis.json"), "genesis");
    chain_ = Must(contracts::StartChain(genesis), "genesis").anchor.chain_id;
    std::vector<std::string> countries;
    for (std::size_t i = 0; i < genesis.administrations.size(); ++i) {
      const std::string node = o_.dir + "/node" + std::to_string(i);
      const std::string country = genesis.administrations[i].country;
      countries.push_back(country);
      auto cfg =
          Must(node::LoadConfig(node + "/tamgad.toml"), "config of node " + std::to_string(i));
      clients_.emplace(country, Must(client::HttpClient::Connect(cfg.api_listen),
                                     "connect to " + cfg.api_listen));
      const SecretKey admin = Must(LoadKeyFile(node + "/admin.key", std::nullopt), "admin key");
      auto account =
          Must(clients_.at(country).Get("/v1/accounts/" + admin.public_key().ToHex()), "account");
      const json a = json::parse(account.body, nullptr, false);
      if (account.status != 200 || !a.contains("last_sequence")) {
        Die("node " + std::to_string(i) + " does not know its administrator: " + account.body);
      }
      signers_[{country, Actor::kAdministrator}] = {admin, a["last_sequence"].get<std::uint64_t>()};
      signers_[{country, Actor::kOffice}] = {SecretKey::Generate(), 0};
      signers_[{country, Actor::kChamber}] = {SecretKey::Generate(), 0};
      context_.office_keys[country] = signers_[{country, Actor::kOffice}].key.public_key();
      context_.chamber_keys[country] = signers_[{country, Actor::kChamber}].key.public_key();
    }
    if (countries.size() < 2) Die("trade needs two administrations at least; this chain has one");
    plan_ = MakePlan(countries, o_.plan);
    std::size_t kpi_steps = 0;
    for (const auto& [name, groups] : plan_.expected) {
      for (const auto& [group, v] : groups) kpi_steps += v.size();
    }
    // What begins in the last days ends later: a certificate is used, and verified, up
    // to weeks after it is issued.
    const double last_day =
        plan_.steps.empty() ? 0 : static_cast<double>(plan_.steps.back().at_ms) / 86'400'000.0;
    std::fprintf(stderr,
                 "tamga-traffic: %zu administrations, %.1f simulated days of new trade, its "
                 "last steps on day %.1f; at %gx that is %.0f s; %zu steps (%zu of setup), "
                 "%zu intervals to measure\n",
                 countries.size(), o_.plan.days, last_day, o_.speed, last_day * 86'400 / o_.speed,
                 plan_.steps.size(), plan_.setup_steps, kpi_steps);
    ids_.assign(plan_.steps.size(), std::nullopt);
    committed_.assign(plan_.steps.size(), {});

    // The setup, then the clock starts.
    for (std::size_t i = 0; i < plan_.setup_steps; ++i) {
      // Accept after propose.
      if (plan_.steps[i].after) WaitCommitted(*plan_.steps[i].after, plan_.steps[i].country);
      Send(i);
    }
    for (std::size_t i = 0; i < plan_.setup_steps; ++i) WaitCommitted(i);
    start_wall_ms_ = UnixNowMs();
    const Clock::time_point start = Clock::now();
    Clock::time_point last_progress = start;
    for (std::size_t i = plan_.setup_steps; i < plan_.steps.size(); ++i) {
      const Step& s = plan_.steps[i];
      const auto due = start + std::chrono::microseconds(static_cast<std::int64_t>(
                                   static_cast<double>(s.at_ms) * 1000 / o_.speed));
      std::this_thread::sleep_until(due);
      if (s.after) WaitCommitted(*s.after, s.country);
      Send(i);
      if (Clock::now() - last_progress >= std::chrono::seconds(2)) {
        last_progress = Clock::now();
        std::fprintf(stderr, "  day %.1f of %.1f: %zu of %zu steps sent, %llu refused\n",
                     static_cast<double>(s.at_ms) / 86'400'000.0, last_day, i + 1,
                     plan_.steps.size(), static_cast<unsigned long long>(refused_));
      }
    }
    const std::uint64_t end_wall_ms = UnixNowMs();
    std::fprintf(stderr, "  all %zu steps sent; waiting for their receipts\n", plan_.steps.size());
    const bool steps_ok = Receipts();
    if (!o_.check) return steps_ok ? 0 : 1;
    return Check(end_wall_ms) && steps_ok ? 0 : 1;
  }

 private:
  void Send(std::size_t i) {
    const Step& s = plan_.steps[i];
    Signer& signer = signers_.at({s.country, s.actor});
    context_.now_ms = UnixNowMs();
    Transaction tx;
    tx.chain_id = chain_;
    tx.type = static_cast<std::uint16_t>(s.type);
    tx.payload = s.payload(context_);
    tx.sequence = signer.sequence + 1;
    tx.Sign(signer.key);
    auto r = clients_.at(s.country).Post("/v1/transactions",
                                         json{{"transaction", ToHex(Encode(tx))}}.dump());
    const std::string type(contracts::TxTypeName(static_cast<std::uint16_t>(s.type)));
    if (!r.ok() || (r->status != 202 && r->status != 200)) {
      // Not admitted: its sequence stays free for the signer's next step.
      ++refused_;
      ++counts_[type].refused;
      if (refusals_.size() < 5) {
        refusals_.push_back(type + ": " + (r.ok() ? r->body : r.error().ToString()));
      }
      return;
    }
    signer.sequence = tx.sequence;
    ids_[i] = tx.Hash();
  }

  // The committed status of step i's transaction on the node of `country`: "accepted",
  // "rejected: reason", or "" while not committed there (or never admitted).
  std::string Status(std::size_t i, const std::string& country) {
    if (!ids_[i]) return "";
    auto r = clients_.at(country).Get("/v1/transactions/" + ids_[i]->ToHex());
    if (!r.ok() || r->status != 200) return "";
    const json j = json::parse(r->body, nullptr, false);
    if (!j.is_object() || j.value("status", "") != "committed") return "";
    if (j.value("result", "") == "accepted") return "accepted";
    return "rejected: " + j.value("reason", std::string("?")) + " " + j.value("detail", "");
  }

  // Until step i is committed on the node of `country` (by default its own): a step that
  // depends on it goes to that node, whose admission checks its own committed state.
  void WaitCommitted(std::size_t i, std::string country = "") {
    if (country.empty()) country = plan_.steps[i].country;
    if (!ids_[i] || committed_[i].count(country)) return;
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline) {
      if (!Status(i, country).empty()) {
        committed_[i].insert(country);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Die("step " + std::to_string(i) + " (" +
        std::string(contracts::TxTypeName(static_cast<std::uint16_t>(plan_.steps[i].type))) +
        ") not committed within 60 s: is the testnet running?");
  }

  bool Receipts() {
    std::vector<std::string> rejections;
    for (std::size_t i = 0; i < plan_.steps.size(); ++i) {
      if (!ids_[i]) continue;
      WaitCommitted(i);
      const std::string status = Status(i, plan_.steps[i].country);
      const std::string type(
          contracts::TxTypeName(static_cast<std::uint16_t>(plan_.steps[i].type)));
      if (status == "accepted") {
        ++counts_[type].accepted;
      } else {
        ++counts_[type].rejected;
        if (rejections.size() < 5) rejections.push_back(type + ": " + status);
      }
    }
    std::printf("%-26s %9s %9s %8s\n", "transaction type", "accepted", "rejected", "refused");
    std::uint64_t bad = 0;
    for (const auto& [type, c] : counts_) {
      std::printf(
          "%-26s %9llu %9llu %8llu\n", type.c_str(), static_cast<unsigned long long>(c.accepted),
          static_cast<unsigned long long>(c.rejected), static_cast<unsigned long long>(c.refused));
      bad += c.rejected + c.refused;
    }
    for (const std::string& r : refusals_) std::printf("  refused, %s\n", r.c_str());
    for (const std::string& r : rejections) std::printf("  rejected, %s\n", r.c_str());
    return bad == 0;
  }

  // The node's figures for the time played against the plan's: counts equal, medians
  // side by side (the plan's divided by the speed).
  bool Check(std::uint64_t end_wall_ms) {
    client::HttpClient& c = clients_.begin()->second;
    const std::string target = "/v1/kpis?from=" + std::to_string(start_wall_ms_);
    json k;
    const auto deadline = Clock::now() + std::chrono::seconds(600);
    while (true) {
      auto r = Must(c.Get(target), "GET " + target);
      if (r.status == 200) {
        k = json::parse(r.body, nullptr, false);
        break;
      }
      if (r.status != 202 || Clock::now() > deadline) Die("GET " + target + ": " + r.body);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::printf("\nindicators from %s, played from %llu to %llu (ms since 1970):\n", target.c_str(),
                static_cast<unsigned long long>(start_wall_ms_),
                static_cast<unsigned long long>(end_wall_ms));
    std::printf("%-32s %-10s %7s %7s %12s %12s\n", "indicator", "group", "planned", "node",
                "plan median", "node median");
    bool same = true;
    for (const auto& [name, groups] : plan_.expected) {
      for (const auto& [group, values] : groups) {
        json d = group.empty() ? k.value(name, json::object())
                               : k.value(name, json::object()).value(group, json::object());
        const std::uint64_t count = d.value("count", std::uint64_t{0});
        const std::uint64_t median = d.value("median_ms", std::uint64_t{0});
        const auto planned = static_cast<std::uint64_t>(
            static_cast<double>(AsDistribution(values).Percentile(0.5)) / o_.speed);
        std::printf(
            "%-32s %-10s %7zu %7llu %10llu ms %10llu ms%s\n", name.c_str(),
            group.empty() ? "-" : group.c_str(), values.size(),
            static_cast<unsigned long long>(count), static_cast<unsigned long long>(planned),
            static_cast<unsigned long long>(median), count == values.size() ? "" : "  <- differs");
        same = same && count == values.size();
      }
    }
    std::printf(same ? "every count as planned\n" : "COUNTS DIFFER from the plan\n");
    return same;
  }

  const Options o_;
  ChainId chain_;
  Plan plan_;
  Context context_;
  std::map<std::string, client::HttpClient> clients_;
  std::map<std::pair<std::string, Actor>, Signer> signers_;
  std::vector<std::optional<Hash32>> ids_;
  std::vector<std::set<std::string>> committed_;  // The nodes each step is known committed on.
  std::map<std::string, Counts> counts_;
  std::vector<std::string> refusals_;
  std::uint64_t refused_ = 0;
  std::uint64_t start_wall_ms_ = 0;
};

}  // namespace
}  // namespace tamga::traffic

int main(int argc, char** argv) {
  tamga::traffic::Options o;
  CLI::App app{"tamga-traffic: synthetic CAREC trade played through a running testnet"};
  app.add_option("--testnet", o.dir, "a folder of `tamga testnet init` whose nodes run")
      ->required();
  app.add_option("--days", o.plan.days, "simulated days of trade (default 1)")
      ->check(CLI::Range(0.01, 3650.0));
  app.add_option("--speed", o.speed, "simulated seconds a second (default 1440: a day a minute)")
      ->check(CLI::Range(1.0, 1e7));
  app.add_option("--seed", o.plan.seed, "the plan's seed (default 1)");
  app.add_option("--tag", o.plan.tag,
                 "made part of every code, number and MRN (default T1; change it to play "
                 "again on the same chain)");
  app.add_option("--transits-per-day", o.plan.transits_per_day, "(default 24)")
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--certificates-per-day", o.plan.certificates_per_day, "(default 36)")
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--first-day", o.plan.first_day_of_year,
                 "the day of the year the plan starts on, 0-364 (the season; default 0)")
      ->check(CLI::Range(0, 364));
  app.add_flag("--check", o.check,
               "compare the node's indicators (GET /v1/kpis) with the plan's counts");
  CLI11_PARSE(app, argc, argv);
  if (o.plan.tag.empty() || o.plan.tag.size() > 8 ||
      !std::all_of(o.plan.tag.begin(), o.plan.tag.end(),
                   [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); })) {
    std::fprintf(stderr, "tamga-traffic: --tag is 1 to 8 capital letters or digits\n");
    return 2;
  }
  return tamga::traffic::Player(o).Run();
}
