// tests/testnet/traffic_test.cc
// The synthetic trade of testnet/traffic.h: the same seed gives the same plan; every step
// comes after the one it waits for; and the whole plan, played through the real rules
// with each block at its step's simulated time, is accepted step by step and gives the
// indicators (audit/kpi.h) the plan accounted for: the same counts per corridor, crossing
// and document indicator, and the same medians and p90s to the millisecond (no two steps
// of this plan fall in one second, which the harness would have to move apart).

#include "testnet/traffic.h"

#include <gtest/gtest.h>

#include <set>

#include "audit/kpi.h"
#include "common/encoding.h"
#include "tests/contracts/harness.h"

namespace tamga::traffic {
namespace {

const std::vector<std::string> kCountries = {"KZ", "UZ", "KG", "KR"};

// Every step's payload as bytes, built with one context.
std::vector<Bytes> Payloads(const Plan& p) {
  Context c;
  c.now_ms = 1'800'000'000'000;
  for (const std::string& country : kCountries) {
    c.office_keys[country] = SecretKey::FromSeed({1}).public_key();
    c.chamber_keys[country] = SecretKey::FromSeed({2}).public_key();
  }
  std::vector<Bytes> out;
  for (const Step& s : p.steps) out.push_back(s.payload(c));
  return out;
}

TEST(Traffic, ASeedGivesOnePlanAndStepsFollowWhatTheyWaitFor) {
  PlanOptions o;
  o.days = 5;
  const Plan a = MakePlan(kCountries, o), b = MakePlan(kCountries, o);
  ASSERT_EQ(a.steps.size(), b.steps.size());
  EXPECT_EQ(Payloads(a), Payloads(b));
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    EXPECT_EQ(a.steps[i].at_ms, b.steps[i].at_ms);
    EXPECT_EQ(a.steps[i].after, b.steps[i].after);
  }
  o.seed = 2;
  EXPECT_NE(Payloads(MakePlan(kCountries, o)), Payloads(a));
  // Transits opened in the first hours of the first day, many seeds: nothing is scheduled
  // before the start or past the plan's weeks (the pre-arrival declaration's lead time
  // once reached back before zero).
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    PlanOptions early;
    early.seed = seed;
    early.days = 0.05;
    early.transits_per_day = 200;
    early.certificates_per_day = 0;
    for (const Step& s : MakePlan(kCountries, early).steps) {
      EXPECT_LT(s.at_ms, 30 * 86'400'000ull) << "seed " << seed;
    }
  }

  ASSERT_GT(a.setup_steps, 0u);
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    const Step& s = a.steps[i];
    if (i < a.setup_steps) {
      EXPECT_EQ(s.at_ms, 0u);
    } else if (i > a.setup_steps) {
      EXPECT_GE(s.at_ms, a.steps[i - 1].at_ms) << "in time order";
    }
    // Follow-ups run on for weeks at most after the last day of new trade.
    EXPECT_LT(s.at_ms, (5 + 60) * 86'400'000ull) << "step " << i;
    if (s.after) {
      EXPECT_LT(*s.after, i);
      EXPECT_LE(a.steps[*s.after].at_ms, s.at_ms);
    }
  }
  // A resumption waits for its suspension: sent milliseconds apart at high speeds, it was
  // once refused by a node that had not committed the suspension yet.
  {
    PlanOptions month;
    month.days = 30;
    const Plan m = MakePlan(kCountries, month);
    const std::vector<Bytes> payloads = Payloads(m);
    int resumes = 0;
    for (std::size_t i = 0; i < m.steps.size(); ++i) {
      if (m.steps[i].type != contracts::TxType::kSetMraStatus) continue;
      const auto p = Decode<contracts::SetMraStatus>(payloads[i], "set-mra-status").value();
      if (p.action != contracts::MraAction::kResume) continue;
      ++resumes;
      ASSERT_TRUE(m.steps[i].after.has_value());
      EXPECT_EQ(m.steps[*m.steps[i].after].type, contracts::TxType::kSetMraStatus);
    }
    EXPECT_EQ(resumes, 1);
  }

  // The corridors among these countries: the real ones that lie within them.
  const auto corridors = Corridors(kCountries);
  EXPECT_NE(
      std::find(corridors.begin(), corridors.end(), std::vector<std::string>{"KZ", "KG", "UZ"}),
      corridors.end());
  for (const auto& route : corridors) {
    for (const std::string& c : route) EXPECT_NE(c, "CN") << "not an administration here";
  }
  EXPECT_EQ(Corridors({"AA", "BB"}),
            (std::vector<std::vector<std::string>>{{"AA", "BB"}, {"BB", "AA"}}));
}

TEST(Traffic, APlanPlayedThroughTheRulesGivesTheIndicatorsItAccountedFor) {
  PlanOptions o;
  o.days = 20;
  o.transits_per_day = 6;
  o.certificates_per_day = 8;
  o.first_day_of_year = 200;  // The harvest: more than the average.
  const Plan plan = MakePlan(kCountries, o);

  testing::ContractsChain c;
  std::map<std::pair<std::string, Actor>, SecretKey> keys;
  Context context;
  for (const std::string& country : kCountries) {
    keys.emplace(std::make_pair(country, Actor::kAdministrator), c.admin(country));
    keys.emplace(std::make_pair(country, Actor::kOffice), SecretKey::Generate());
    keys.emplace(std::make_pair(country, Actor::kChamber), SecretKey::Generate());
    context.office_keys[country] = keys.at({country, Actor::kOffice}).public_key();
    context.chamber_keys[country] = keys.at({country, Actor::kChamber}).public_key();
  }
  std::map<std::string, int> types;
  std::uint64_t start = 0;
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& s = plan.steps[i];
    if (i == plan.setup_steps) start = c.NextBlockTime();
    if (i >= plan.setup_steps && start + s.at_ms > c.NextBlockTime()) {
      c.AdvanceTime(start + s.at_ms - c.NextBlockTime());
    }
    context.now_ms = c.NextBlockTime();
    const Transaction tx = c.Tx(keys.at({s.country, s.actor}), s.type, s.payload(context));
    const std::vector<ledger::Receipt> r = c.Block({tx});
    ASSERT_EQ(r.size(), 1u);
    ASSERT_EQ(r[0].code, 0) << "step " << i << " (" << contracts::TxTypeName(tx.type)
                            << "): " << r[0].detail;
    ++types[std::string(contracts::TxTypeName(tx.type))];
  }
  // Every kind of step the plan makes was played.
  for (const char* type :
       {"open-transit", "transit-event", "terminate-transit", "anchor-document",
        "issue-certificates", "use-certificate", "request-verification", "answer-verification",
        "set-aeo-status", "propose-mra", "accept-mra", "set-mra-status"}) {
    EXPECT_GT(types[type], 0) << type;
  }

  audit::KpiQuery q;
  q.from_ms = start;
  const audit::KpiReport r = audit::ComputeKpis(c.ledger(), q).value();
  std::size_t compared = 0;
  for (const auto& [name, groups] : plan.expected) {
    for (const auto& [group, values] : groups) {
      const audit::Distribution* d = nullptr;
      if (name == "transit_time") d = &r.transit_time.at(group);
      if (name == "crossing_time") d = &r.crossing_time.at(group);
      if (name == "origin_issue_to_first_use") d = &r.origin_issue_to_first_use;
      if (name == "verification_request_to_answer") d = &r.verification_request_to_answer;
      ASSERT_NE(d, nullptr) << name;
      EXPECT_EQ(d->count(), values.size()) << name << " " << group;
      audit::Distribution planned_d;  // The plan's intervals, ranked as the indicators rank.
      for (const std::uint64_t v : values) {
        audit::KpiSample sample;
        sample.end_ms = v;
        planned_d.samples.push_back(sample);
      }
      for (double p : {0.5, 0.9}) {
        const auto planned = static_cast<std::int64_t>(planned_d.Percentile(p));
        const auto got = static_cast<std::int64_t>(d->Percentile(p));
        EXPECT_EQ(got, planned) << name << " " << group << " p" << p;
      }
      ++compared;
    }
  }
  EXPECT_EQ(r.transit_time.size(), plan.expected.at("transit_time").size());
  EXPECT_EQ(r.crossing_time.size(), plan.expected.at("crossing_time").size());
  EXPECT_GE(compared, 6u);
  // The arrangements the setup signed, in force at the end (suspended and resumed).
  ASSERT_FALSE(r.mras.empty());
  for (const audit::MraFigure& m : r.mras) EXPECT_EQ(m.status, "in_force") << m.id;
}

}  // namespace
}  // namespace tamga::traffic
