// tests/audit/kpi_test.cc
// The time-release indicators on a generated month: a seeded schedule of transits along
// three corridors, certificates issued and used, verification requests answered, AEO
// statuses and an MRA, played through the real rules with block times from the schedule
// (and a few days past the period's end). The test keeps its own account of what it did
// (the time of every step, who signed what) and works the expected figures out from that,
// then compares them with ComputeKpis, in every format.

#include "audit/kpi.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <tuple>

#include "audit/kpi_command.h"
#include "client/genesis_file.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "ledger/rocks_kv_store.h"
#include "tests/audit/sample_chain.h"
#include "tests/audit/screenshot.h"
#include "tests/contracts/harness.h"
#include "tests/support/temp_dir.h"

namespace tamga::audit {
namespace {

using contracts::Reason;
using contracts::TxType;
using testing::ContractsChain;

constexpr std::uint64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr std::uint64_t kFarFuture = 4'000'000'000'000;

// Nearest rank, in integers: the value at rank ceil(num/den * n).
std::uint64_t Rank(std::vector<std::uint64_t> v, std::uint64_t num, std::uint64_t den) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t rank = (num * v.size() + den - 1) / den;
  return v[std::max<std::size_t>(rank, 1) - 1];
}

struct Expected {
  std::vector<std::uint64_t> values;
  std::vector<std::string> subjects;
  void Add(const std::string& subject, std::uint64_t ms) {
    values.push_back(ms);
    subjects.push_back(subject);
  }
};

void ExpectDistribution(const Distribution& got, const Expected& want, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_EQ(got.count(), want.values.size());
  EXPECT_EQ(got.Percentile(0.5), Rank(want.values, 1, 2));
  EXPECT_EQ(got.Percentile(0.9), Rank(want.values, 9, 10));
  EXPECT_EQ(got.Percentile(0.99), Rank(want.values, 99, 100));
  std::vector<std::string> subjects;
  for (const KpiSample& s : got.samples) subjects.push_back(s.subject);
  EXPECT_EQ(subjects, want.subjects);
}

class GeneratedMonth : public ::testing::Test {
 protected:
  // One step of the schedule: at `at_ms`, a transaction made when its block is built (so
  // that its sequence number is the signer's next), and what to note once it is in.
  struct Step {
    std::uint64_t at_ms;
    std::size_t order;  // Ties keep the order they were scheduled in.
    std::function<Transaction()> make;
    std::function<void(std::uint64_t block_ms)> done;
    bool expect_accepted = true;
    std::string country;  // The signer's administration.
  };

  GeneratedMonth() {
    offices_["KZ"] = c_.AddOffice("KZ", "KZ-KHORGOS");
    offices_["KG"] = c_.AddOffice("KG", "KG-TORUGART");
    offices_["UZ"] = c_.AddOffice("UZ", "UZ-TASH");
    offices_["KR"] = c_.AddOffice("KR", "KR-BUSAN");
    chamber_ = c_.AddIssuer("KZ", "CCI-KZ");
  }

  void Schedule(std::uint64_t at_ms, const std::string& country, std::function<Transaction()> make,
                std::function<void(std::uint64_t)> done = {}, bool expect_accepted = true) {
    steps_.push_back(
        {at_ms, steps_.size(), std::move(make), std::move(done), expect_accepted, country});
  }
  template <typename P>
  std::function<Transaction()> Make(const SecretKey& key, TxType type, P payload) {
    return [this, &key, type, payload] { return c_.Tx(key, type, payload); };
  }

  // Plays the schedule in time order, one transaction a block, each block at its step's
  // time (or a second after the previous block, if two steps fall in one second).
  void Play() {
    std::sort(steps_.begin(), steps_.end(), [](const Step& a, const Step& b) {
      return std::tie(a.at_ms, a.order) < std::tie(b.at_ms, b.order);
    });
    for (const Step& s : steps_) {
      const std::uint64_t next = c_.NextBlockTime();
      if (s.at_ms > next) c_.AdvanceTime(s.at_ms - next);
      const std::uint64_t block_ms = c_.NextBlockTime();
      const Transaction tx = s.make();
      const std::vector<ledger::Receipt> r = c_.Block({tx});
      ASSERT_EQ(r.size(), 1u);
      ASSERT_EQ(r[0].code == 0, s.expect_accepted) << r[0].detail;
      if (r[0].code != 0) continue;
      if (s.done) s.done(block_ms);
      if (block_ms >= from_ && block_ms < to_) {
        ++volumes_[s.country][std::string(contracts::TxTypeName(tx.type))];
      }
    }
  }

  ContractsChain c_;
  std::map<std::string, SecretKey> offices_;
  SecretKey chamber_;
  std::vector<Step> steps_;
  std::uint64_t from_ = 0, to_ = 0;
  std::map<std::string, std::map<std::string, std::uint64_t>> volumes_;
};

Hash32 Operator(const std::string& national_id) { return Sha256Of(AsBytes(national_id)); }

struct TransitPlan {
  std::string mrn, corridor;
  std::vector<std::string> route;
  std::uint64_t opened = 0, terminated = 0;
  std::vector<std::uint64_t> exits, entries;  // Block times, one a crossing.
};

struct CertificatePlan {
  std::string number;  // As first issued; a correction is that number with "-R".
  std::string first_used_as, answered_as;
  std::uint64_t issued = 0, first_use = 0, requested = 0, answered = 0;
};

TEST_F(GeneratedMonth, IndicatorsMatchTheScheduleInEveryFormat) {
  std::mt19937_64 rng(20261204);
  auto uniform = [&](std::uint64_t lo, std::uint64_t hi) { return lo + rng() % (hi - lo + 1); };
  const std::uint64_t setup = c_.NextBlockTime();
  from_ = setup + kDay;
  to_ = from_ + 30 * kDay;

  // Before the period: AEOs of three administrations, an MRA between two of them.
  const std::map<std::string, std::vector<Hash32>> aeos = {
      {"KZ", {Operator("KZ-1"), Operator("KZ-2"), Operator("KZ-3")}},
      {"UZ", {Operator("UZ-1"), Operator("UZ-2")}},
      {"KG", {Operator("KG-1")}}};
  std::uint64_t t = setup;
  for (const auto& [country, ops] : aeos) {
    for (const Hash32& op : ops) {
      Schedule(t += kMinute, country,
               Make(c_.admin(country), TxType::kSetAeoStatus,
                    contracts::SetAeoStatus{op, contracts::AeoStatus::kGranted, "AEO-S", 0,
                                            kFarFuture}));
    }
  }
  Schedule(t += kMinute, "KZ",
           Make(c_.admin("KZ"), TxType::kProposeMra,
                contracts::ProposeMra{"UZ", "KZ-UZ-AEO", {}, 0, kFarFuture}));
  Schedule(t += kMinute, "UZ",
           Make(c_.admin("UZ"), TxType::kAcceptMra, contracts::AcceptMra{"KZ"}));
  // In the period UZ suspends one of its two; after it, KZ suspends one of its three
  // (which the figures at the period's end must not see).
  Schedule(from_ + 10 * kDay, "UZ",
           Make(c_.admin("UZ"), TxType::kSetAeoStatus,
                contracts::SetAeoStatus{aeos.at("UZ")[0], contracts::AeoStatus::kSuspended, "AEO-S",
                                        0, kFarFuture}));
  Schedule(to_ + kDay, "KZ",
           Make(c_.admin("KZ"), TxType::kSetAeoStatus,
                contracts::SetAeoStatus{aeos.at("KZ")[0], contracts::AeoStatus::kSuspended, "AEO-S",
                                        0, kFarFuture}));

  // Transits along three corridors, opened from two days before the period to its last
  // day, so some start before it and some end after it.
  const std::vector<std::pair<std::vector<std::string>, std::string>> corridors = {
      {{"KZ", "KG", "UZ"}, "UZ-TASH"}, {{"UZ", "KZ"}, "KZ-KHORGOS"}, {{"KG", "KZ"}, "KZ-KHORGOS"}};
  std::vector<TransitPlan> transits(45);
  for (std::size_t i = 0; i < transits.size(); ++i) {
    TransitPlan& plan = transits[i];
    const auto& [route, destination] = corridors[i % corridors.size()];
    plan.mrn = "MRN-" + std::to_string(i);
    plan.route = route;
    for (const std::string& c : route) plan.corridor += (plan.corridor.empty() ? "" : "-") + c;
    std::uint64_t at = from_ - 2 * kDay + uniform(0, 30 * kDay);
    Schedule(at, route[0],
             Make(offices_.at(route[0]), TxType::kOpenTransit,
                  contracts::OpenTransit{plan.mrn, route, destination,
                                         Sha256Of(AsBytes("guarantee " + plan.mrn)),
                                         Sha256Of(AsBytes("manifest " + plan.mrn)),
                                         Sha256Of(AsBytes("seals " + plan.mrn))}),
             [&plan](std::uint64_t ms) { plan.opened = ms; });
    auto event = [&, i](const std::string& country, contracts::TransitEventKind kind, int n) {
      return Make(offices_.at(country), TxType::kTransitEvent,
                  contracts::TransitEvent{
                      "MRN-" + std::to_string(i), kind, true,
                      Sha256Of(AsBytes("note " + std::to_string(i) + "/" + std::to_string(n)))});
    };
    if (i == 0) {  // Refused (out of order): counted nowhere.
      Schedule(at + kMinute, route[1], event(route[1], contracts::TransitEventKind::kEntry, 99), {},
               /*expect_accepted=*/false);
    }
    for (std::size_t k = 0; k + 1 < route.size(); ++k) {
      if (i % 4 == 0) {  // A seal check on the way: a step of no crossing.
        Schedule(at += uniform(kHour, 2 * kHour), route[k],
                 event(route[k], contracts::TransitEventKind::kSealCheck, 50 + int(k)));
      }
      Schedule(at += uniform(2 * kHour, 20 * kHour), route[k],
               event(route[k], contracts::TransitEventKind::kExit, 2 * int(k)),
               [&plan](std::uint64_t ms) { plan.exits.push_back(ms); });
      Schedule(at += uniform(10 * kMinute, 6 * kHour), route[k + 1],
               event(route[k + 1], contracts::TransitEventKind::kEntry, 2 * int(k) + 1),
               [&plan](std::uint64_t ms) { plan.entries.push_back(ms); });
    }
    Schedule(
        at += uniform(kHour, 10 * kHour), route.back(),
        Make(offices_.at(route.back()), TxType::kTerminateTransit, contracts::TransitRef{plan.mrn}),
        [&plan](std::uint64_t ms) { plan.terminated = ms; });
  }

  // Certificates of origin from KZ to UZ: issued, used once or twice at import, and a
  // third of them verified afterwards. Some are corrected (replaced) before their first use,
  // between two uses, or while a verification request is pending; some are asked twice.
  std::vector<CertificatePlan> certificates(30);
  for (std::size_t i = 0; i < certificates.size(); ++i) {
    CertificatePlan& plan = certificates[i];
    plan.number = "KZ-2026-" + std::to_string(1000 + i);
    std::string current = plan.number;
    std::uint64_t at = from_ - 3 * kDay + uniform(0, 30 * kDay);
    auto issue = [this](const std::string& number) {
      contracts::CertificateIssue c;
      c.number = number;
      c.document_hash = Sha256Of(AsBytes("certificate " + number));
      c.exporting_country = "KZ";
      c.importing_country = "UZ";
      c.issued_ms = c_.NextBlockTime() - 1000;
      c.valid_until_ms = c.issued_ms + 90 * kDay;
      c.hs_headings = {"520100"};
      c.quantity = 1000;
      c.unit = "kg";
      return c;
    };
    Schedule(
        at, "KZ",
        [this, issue, number = plan.number] {
          return c_.Tx(chamber_, TxType::kIssueCertificates,
                       contracts::IssueCertificates{{issue(number)}});
        },
        [&plan](std::uint64_t ms) { plan.issued = ms; });
    auto replace = [&, issue] {
      const std::string old = current;
      current += "-R";
      Schedule(at += uniform(10 * kMinute, 5 * kHour), "KZ", [this, issue, old, now = current] {
        return c_.Tx(chamber_, TxType::kReplaceCertificate,
                     contracts::ReplaceCertificate{old, issue(now)});
      });
    };
    if (i % 10 == 1) replace();  // Before any use.
    const int uses = i % 2 == 0 ? 2 : 1;
    for (int u = 0; u < uses; ++u) {
      if (u == 1 && i % 10 == 6) replace();  // Between the two uses.
      Schedule(
          at += uniform(kHour, u == 0 ? 10 * kDay : 3 * kDay), "UZ",
          Make(offices_.at("UZ"), TxType::kUseCertificate,
               contracts::UseCertificate{
                   "KZ", current,
                   Sha256Of(AsBytes("declaration " + plan.number + "/" + std::to_string(u))), 400}),
          [&plan, u, used = current](std::uint64_t ms) {
            if (u > 0) return;
            plan.first_use = ms;
            plan.first_used_as = used;
          });
    }
    if (i % 3 == 0) {
      auto request = [&] {
        Schedule(at += uniform(kHour, 2 * kDay), "UZ",
                 Make(offices_.at("UZ"), TxType::kRequestVerification,
                      contracts::RequestVerification{"KZ", current}),
                 [&plan](std::uint64_t ms) { plan.requested = ms; });
      };
      request();
      if (i % 9 == 0) request();  // Asked again before the answer: timed from the latest.
      if (i % 9 == 3) replace();  // The pending request follows the correction.
      Schedule(at += uniform(2 * kHour, 5 * kDay), "KZ",
               Make(c_.admin("KZ"), TxType::kAnswerVerification,
                    contracts::AnswerVerification{current, true, 0}),
               [&plan, answered_as = current](std::uint64_t ms) {
                 plan.answered = ms;
                 plan.answered_as = answered_as;
               });
    }
  }
  Play();
  if (HasFatalFailure()) return;

  // What the test did, worked out from its own account. Samples come in the order of the
  // transaction that ends them, which is time order here (one transaction a block).
  auto in_period = [&](std::uint64_t ms) { return ms >= from_ && ms < to_; };
  std::map<std::string,
           std::vector<std::pair<std::uint64_t, std::pair<std::string, std::uint64_t>>>>
      transit_by_end, crossing_by_end;
  std::vector<std::pair<std::uint64_t, std::pair<std::string, std::uint64_t>>> use_by_end,
      answer_by_end;
  for (const TransitPlan& p : transits) {
    ASSERT_EQ(p.exits.size(), p.route.size() - 1) << p.mrn;
    if (in_period(p.terminated)) {
      transit_by_end[p.corridor].push_back({p.terminated, {p.mrn, p.terminated - p.opened}});
    }
    for (std::size_t k = 0; k < p.exits.size(); ++k) {
      if (in_period(p.entries[k])) {
        crossing_by_end[p.route[k] + ">" + p.route[k + 1]].push_back(
            {p.entries[k], {p.mrn, p.entries[k] - p.exits[k]}});
      }
    }
  }
  for (const CertificatePlan& p : certificates) {
    if (in_period(p.first_use)) {
      use_by_end.push_back({p.first_use, {"KZ/" + p.first_used_as, p.first_use - p.issued}});
    }
    if (p.answered != 0 && in_period(p.answered)) {
      answer_by_end.push_back({p.answered, {"KZ/" + p.answered_as, p.answered - p.requested}});
    }
  }
  auto expected = [](auto list) {
    std::sort(list.begin(), list.end());
    Expected e;
    for (const auto& [end, sample] : list) e.Add(sample.first, sample.second);
    return e;
  };

  KpiQuery q;
  q.from_ms = from_;
  q.to_ms = to_;
  const KpiReport r = ComputeKpis(c_.ledger(), q).value();
  EXPECT_EQ(r.head, c_.ledger().Head().height);
  ASSERT_EQ(r.transit_time.size(), transit_by_end.size());
  for (const auto& [corridor, list] : transit_by_end) {
    ASSERT_TRUE(r.transit_time.count(corridor)) << corridor;
    ExpectDistribution(r.transit_time.at(corridor), expected(list), "transit " + corridor);
  }
  ASSERT_EQ(r.crossing_time.size(), crossing_by_end.size());
  for (const auto& [crossing, list] : crossing_by_end) {
    ASSERT_TRUE(r.crossing_time.count(crossing)) << crossing;
    ExpectDistribution(r.crossing_time.at(crossing), expected(list), "crossing " + crossing);
  }
  ExpectDistribution(r.origin_issue_to_first_use, expected(use_by_end), "first use");
  ExpectDistribution(r.verification_request_to_answer, expected(answer_by_end), "verification");
  EXPECT_GT(r.transit_time.at("KZ-KG-UZ").count(), 5u);
  EXPECT_GT(r.verification_request_to_answer.count(), 3u);

  ASSERT_EQ(r.mras.size(), 1u);
  EXPECT_EQ(r.mras[0].id, "KZ-UZ-AEO");
  EXPECT_EQ(r.mras[0].proposer, "KZ");
  EXPECT_EQ(r.mras[0].status, "in_force");
  EXPECT_EQ(r.mras[0].recognised_of_proposer, 3u);  // KZ's three, as UZ sees them.
  EXPECT_EQ(r.mras[0].recognised_of_partner, 1u);   // UZ's two, one suspended.

  std::map<std::string, std::map<std::string, std::uint64_t>> volumes;
  for (const auto& [country, types] : r.volumes) {
    for (const auto& [type, v] : types) volumes[country][type] = v.transactions;
  }
  EXPECT_EQ(volumes, volumes_);

  // Each interval names the two transactions it spans: the end of a transit's is its
  // termination, the start its opening, both of that MRN.
  for (const auto& [corridor, d] : r.transit_time) {
    for (const KpiSample& s : d.samples) {
      const Block start = c_.ledger().BlockAt(s.start.height).value();
      const Block end = c_.ledger().BlockAt(s.end.height).value();
      const Transaction& open = start.transactions.at(s.start.index);
      const Transaction& term = end.transactions.at(s.end.index);
      ASSERT_EQ(open.type, static_cast<std::uint16_t>(TxType::kOpenTransit));
      ASSERT_EQ(term.type, static_cast<std::uint16_t>(TxType::kTerminateTransit));
      EXPECT_EQ(Decode<contracts::OpenTransit>(open.payload, "open").value().mrn, s.subject);
      EXPECT_EQ(Decode<contracts::TransitRef>(term.payload, "term").value().mrn, s.subject);
      EXPECT_EQ(start.header.timestamp_ms, s.start_ms);
      EXPECT_EQ(end.header.timestamp_ms, s.end_ms);
    }
  }

  // The same figures in JSON and CSV.
  const nlohmann::json j = nlohmann::json::parse(KpiJson(r, /*with_samples=*/true));
  const Distribution& kgu = r.transit_time.at("KZ-KG-UZ");
  EXPECT_EQ(j["transit_time"]["KZ-KG-UZ"]["count"], kgu.count());
  EXPECT_EQ(j["transit_time"]["KZ-KG-UZ"]["median_ms"], kgu.Percentile(0.5));
  EXPECT_EQ(j["transit_time"]["KZ-KG-UZ"]["samples"].size(), kgu.count());
  EXPECT_EQ(j["transit_time"]["KZ-KG-UZ"]["samples"][0]["end"]["height"],
            kgu.samples[0].end.height.value());
  EXPECT_EQ(j["mras"][0]["recognised_aeos_of_partner"], 1);
  EXPECT_FALSE(
      nlohmann::json::parse(KpiJson(r, false))["transit_time"]["KZ-KG-UZ"].contains("samples"));
  const std::string csv = KpiCsv(r);
  EXPECT_NE(csv.find("transit_time,KZ-KG-UZ," + std::to_string(kgu.count()) + "," +
                     std::to_string(kgu.Percentile(0.5)) + ","),
            std::string::npos)
      << csv;
  const std::string text = KpiText(r);
  EXPECT_NE(text.find("KZ-UZ-AEO (KZ-UZ): in_force"), std::string::npos) << text;

  // The page, drawn by a real browser: docs/images/kpi-report.png comes from here.
  const std::string page = KpiHtml(r);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("href="), std::string::npos);
  EXPECT_NE(page.find("Transit time by corridor"), std::string::npos);
  EXPECT_NE(page.find("<td>KZ-UZ-AEO</td>"), std::string::npos);
  EXPECT_NE(page.find("<td>KZ-KG-UZ</td><td>" + std::to_string(kgu.count()) + "</td>"),
            std::string::npos);
  testing::TempDir dir("kpi_page");
  ASSERT_TRUE(WriteFileAtomic(dir.File("kpi.html"), page, {}).ok());
  testing::ExpectScreenshot(dir.File("kpi.html"), "kpi-report.png", 880, 1650, dir.path().string());
  // As a node serves it at /kpis: a form for the period and corridor, links to the figures
  // as JSON and CSV with the same query (docs/images/kpi-page.png).
  const std::string served = KpiHtml(r, true);
  EXPECT_EQ(served.find("<script"), std::string::npos);
  EXPECT_NE(served.find("<form class=\"period\" method=\"get\" action=\"kpis\">"),
            std::string::npos);
  const std::string from_text = KpiTimeText(q.from_ms), to_text = KpiTimeText(q.to_ms);
  EXPECT_EQ(ParseKpiTime(from_text).value(), q.from_ms) << from_text;
  EXPECT_EQ(ParseKpiTime(to_text).value(), q.to_ms) << to_text;
  EXPECT_NE(served.find("name=\"from\" value=\"" + from_text + "\""), std::string::npos);
  std::string encoded;  // ':' percent-encoded in the links' query.
  for (char ch : from_text) encoded += ch == ':' ? std::string("%3A") : std::string(1, ch);
  EXPECT_NE(served.find("href=\"v1/kpis?from=" + encoded + "&amp;to="), std::string::npos)
      << served;
  ASSERT_TRUE(WriteFileAtomic(dir.File("served.html"), served, {}).ok());
  testing::ExpectScreenshot(dir.File("served.html"), "kpi-page.png", 880, 1000,
                            dir.path().string());

  // One corridor only: its transits and its crossings, the other figures unchanged.
  q.corridor = "KZ-KG-UZ";
  const KpiReport one = ComputeKpis(c_.ledger(), q).value();
  ASSERT_EQ(one.transit_time.size(), 1u);
  EXPECT_EQ(one.transit_time.at("KZ-KG-UZ").samples, kgu.samples);
  std::set<std::string> crossings;
  for (const auto& [crossing, d] : one.crossing_time) crossings.insert(crossing);
  EXPECT_EQ(crossings, (std::set<std::string>{"KG>UZ", "KZ>KG"}));
  // KZ>KG and KG>UZ are crossed on that corridor alone.
  EXPECT_EQ(one.crossing_time.at("KZ>KG").samples, r.crossing_time.at("KZ>KG").samples);
  EXPECT_EQ(one.crossing_time.at("KG>UZ").samples, r.crossing_time.at("KG>UZ").samples);
  EXPECT_EQ(one.origin_issue_to_first_use.samples, r.origin_issue_to_first_use.samples);
  EXPECT_EQ(one.verification_request_to_answer.samples, r.verification_request_to_answer.samples);
  EXPECT_EQ(one.volumes.size(), r.volumes.size());
}

// `tamga kpi` on a node's data directory (the sample chain: a certificate issued at
// height 3 and first used at height 4, a second later).
TEST(KpiCommand, ReadsADataDirectoryInEachFormatAndRefusesBadInput) {
  testing::TempDir dir("kpi_command");
  ContractsChain c;
  testing::BuildSampleChain(c);
  {
    auto store = ledger::RocksKvStore::Open(dir.File("data/ledger")).value();
    testing::CopyStore(c.ledger().store(), *store);
  }
  KpiCommandOptions o;
  o.data_dir = dir.File("data");
  o.genesis_file = dir.File("genesis.json");
  ASSERT_TRUE(WriteFileAtomic(o.genesis_file, client::GenesisToJson(c.genesis()), {}).ok());
  std::ostringstream out, err;
  auto run = [&] {
    out.str("");
    err.str("");
    return RunKpi(o, out, err);
  };

  o.format = "csv";
  ASSERT_TRUE(run().ok());
  EXPECT_NE(out.str().find("indicator,group,count,median_ms,p90_ms,p99_ms\n"), std::string::npos);
  EXPECT_NE(out.str().find("origin_issue_to_first_use,,1,1000,1000,1000\n"), std::string::npos)
      << out.str();
  EXPECT_NE(err.str().find("kpi: block 11 of 11 (100%)"), std::string::npos) << err.str();

  o.format = "json";
  o.samples = true;
  o.quiet = true;
  ASSERT_TRUE(run().ok());
  EXPECT_TRUE(err.str().empty());
  const nlohmann::json j = nlohmann::json::parse(out.str());
  const nlohmann::json& use = j["origin_issue_to_first_use"]["samples"][0];
  EXPECT_EQ(use["start"]["height"], testing::kIssueHeight);
  EXPECT_EQ(use["end"]["height"], testing::kUseHeight);
  EXPECT_EQ(use["ms"], 1000);

  // A period after the use: nothing in it.
  o.format = "csv";
  o.from =
      std::to_string(c.ledger().HeaderAt(Height(testing::kUseHeight)).value().timestamp_ms + 1);
  ASSERT_TRUE(run().ok());
  EXPECT_NE(out.str().find("origin_issue_to_first_use,,0,0,0,0\n"), std::string::npos) << out.str();
  o.format = "text";
  ASSERT_TRUE(run().ok());
  EXPECT_NE(out.str().find("Time-release indicators, "), std::string::npos) << out.str();

  o.from = "yesterday";
  Status s = run();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'yesterday' is not a time"), std::string::npos) << s.message();
  o.from = "2030-01-02";
  o.to = "2030-01-01";
  s = run();
  EXPECT_NE(s.message().find("the period is empty"), std::string::npos) << s.message();
  o.from = o.to = "";
  o.format = "xml";
  EXPECT_EQ(run().code(), StatusCode::kInvalidArgument);
  o.format = "text";
  o.data_dir = dir.File("nothing-here");
  EXPECT_FALSE(run().ok());
}

TEST(Kpi, TimesAreWrittenAsTheyParse) {
  for (const std::uint64_t ms :
       {0ull, 1ull, 86'400'000ull, 1'772'323'200'000ull, 1'772'366'400'000ull, 1'772'366'400'123ull,
        253'402'300'800'000ull}) {
    const std::string text = KpiTimeText(ms);
    auto back = ParseKpiTime(text);
    ASSERT_TRUE(back.ok()) << text << ": " << back.error().ToString();
    EXPECT_EQ(*back, ms) << text;
  }
  EXPECT_EQ(KpiTimeText(1'772'323'200'000), "2026-03-01");
  EXPECT_EQ(KpiTimeText(1'772'366'400'000), "2026-03-01T12:00:00Z");
  EXPECT_EQ(KpiTimeText(253'402'300'800'000), "253402300800000") << "year 10000: a number";
}

TEST(Kpi, AnEmptyPeriodIsRefusedAndTimesParse) {
  ContractsChain c;
  KpiQuery q;
  q.from_ms = 5;
  q.to_ms = 5;
  EXPECT_FALSE(ComputeKpis(c.ledger(), q).ok());
  EXPECT_EQ(ParseKpiTime("2026-03-01").value(), 1'772'323'200'000u);
  EXPECT_EQ(ParseKpiTime("2026-03-01T12:00:00Z").value(), 1'772'323'200'000u + 12 * kHour);
  EXPECT_EQ(ParseKpiTime("1772323200000").value(), 1'772'323'200'000u);
  EXPECT_EQ(ParseKpiTime("0").value(), 0u);
  EXPECT_EQ(ParseKpiTime("86400000").value(), 86'400'000u);  // Milliseconds, however short.
  for (const char* bad : {"March", "2026-03-01 12:00", "", "2026- 3- 1", "2026-02-31",
                          "2026-03-01T24:00:00Z", "2026-03-01T12:00:00", "1969-12-31",
                          "99999999999999999999999", "-5", "2026-03-01x", "\xd0\x9c"}) {
    EXPECT_FALSE(ParseKpiTime(bad).ok()) << bad;
  }
}

TEST(Kpi, PercentilesAreNearestRankSamples) {
  Distribution d;
  EXPECT_EQ(d.Percentile(0.5), 0u);
  for (std::uint64_t ms : {50, 10, 40, 20, 30}) d.samples.push_back({"x", {}, {}, 0, ms});
  EXPECT_EQ(d.Percentile(0.5), 30u);
  EXPECT_EQ(d.Percentile(0.9), 50u);
  EXPECT_EQ(d.Percentile(0.2), 10u);
  EXPECT_EQ(d.Percentile(0.21), 20u);
  EXPECT_EQ(d.Percentile(1.0), 50u);
}

}  // namespace
}  // namespace tamga::audit
