// tests/node/kpi_service_test.cc
// The indicators as the API serves them (node/kpi_service.h), on a chain of the contracts
// harness: computed on the service's thread and equal to ComputeKpis' own; a finished
// period's figures kept however the chain grows, an open period's computed again once
// stale; the waiting list's bound; a period the computation refuses; and a service
// destroyed in the middle of a computation.

#include "node/kpi_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/contracts/harness.h"

namespace tamga::node {
namespace {

using Kind = KpiService::Answer::Kind;
using testing::ContractsChain;

// Asks until the answer is no longer "computing" (the test's bound: 60 s).
KpiService::Answer Settle(KpiService& s, const audit::KpiQuery& q, std::uint64_t now_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  KpiService::Answer a = s.Ask(q, now_ms);
  while (a.kind == Kind::kComputing && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    a = s.Ask(q, now_ms);
  }
  return a;
}

// A few blocks of offices registered: accepted transactions, counted as volumes.
void Grow(ContractsChain& c, int offices) {
  for (int i = 0; i < offices; ++i) {
    c.AddOffice(i % 2 == 0 ? "KZ" : "UZ", "OFFICE-" + std::to_string(c.NextBlockTime()));
  }
}

std::uint64_t Transactions(const audit::KpiReport& r) {
  std::uint64_t n = 0;
  for (const auto& [country, types] : r.volumes) {
    for (const auto& [type, v] : types) n += v.transactions;
  }
  return n;
}

TEST(KpiService, ServesComputeKpisFiguresAndKeepsAFinishedPeriod) {
  ContractsChain c;
  Grow(c, 6);
  const std::uint64_t end = c.NextBlockTime();  // The period ends before the next block.
  Grow(c, 2);
  KpiService service(c.ledger(), {.fresh_ms = 1000});

  audit::KpiQuery q;
  q.to_ms = end;
  const KpiService::Answer first = service.Ask(q, 0);
  EXPECT_EQ(first.kind, Kind::kComputing) << "nothing is ready before it is asked for";
  const KpiService::Answer a = Settle(service, q, 0);
  ASSERT_EQ(a.kind, Kind::kReady) << a.error.ToString();
  const audit::KpiReport direct = audit::ComputeKpis(c.ledger(), q).value();
  EXPECT_EQ(audit::KpiJson(a.report->report, true), audit::KpiJson(direct, true));
  // The answers written on the service's thread are the report's.
  EXPECT_EQ(a.report->json, audit::KpiJson(direct, false));
  EXPECT_EQ(a.report->csv, audit::KpiCsv(direct));
  EXPECT_EQ(a.report->page, audit::KpiHtml(direct, true));
  EXPECT_EQ(Transactions(a.report->report), 6u);
  EXPECT_LT(a.report->report.last_in_period, a.report->report.head);
  EXPECT_EQ(service.computations(), 1u);

  // The chain grows and time passes: the period has ended, its figures are the same ones.
  Grow(c, 3);
  const KpiService::Answer later = service.Ask(q, 3'600'000);
  ASSERT_EQ(later.kind, Kind::kReady);
  EXPECT_EQ(later.report, a.report);
  EXPECT_EQ(service.computations(), 1u);
}

TEST(KpiService, AnOpenPeriodIsComputedAgainOnceStale) {
  ContractsChain c;
  Grow(c, 4);
  KpiService service(c.ledger(), {.fresh_ms = 1000});
  const audit::KpiQuery whole;  // From the beginning to the head.
  const KpiService::Answer a = Settle(service, whole, 10'000);
  ASSERT_EQ(a.kind, Kind::kReady) << a.error.ToString();
  const std::uint64_t before = Transactions(a.report->report);
  EXPECT_EQ(a.report->report.last_in_period, a.report->report.head);

  Grow(c, 2);
  // Fresh still: the same figures, from the head they were computed at.
  const KpiService::Answer fresh = service.Ask(whole, 10'999);
  ASSERT_EQ(fresh.kind, Kind::kReady);
  EXPECT_EQ(fresh.report, a.report);
  // Stale: computed again, up to the new head.
  EXPECT_EQ(service.Ask(whole, 11'000).kind, Kind::kComputing);
  const KpiService::Answer again = Settle(service, whole, 11'000);
  ASSERT_EQ(again.kind, Kind::kReady);
  EXPECT_EQ(Transactions(again.report->report), before + 2);
  EXPECT_EQ(again.report->report.head, c.ledger().Head().height);
  EXPECT_EQ(service.computations(), 2u);

  // Another corridor is another period to compute; both stay.
  audit::KpiQuery corridor;
  corridor.corridor = "KZ-UZ";
  ASSERT_EQ(Settle(service, corridor, 11'000).kind, Kind::kReady);
  EXPECT_EQ(service.Ask(whole, 11'500).report, again.report);
  EXPECT_EQ(service.computations(), 3u);
}

TEST(KpiService, KeepsAtMostTheNewestReports) {
  ContractsChain c;
  Grow(c, 2);
  KpiService service(c.ledger(), {.cached_max = 2});
  std::vector<audit::KpiQuery> periods(3);
  for (std::size_t i = 0; i < periods.size(); ++i) {
    periods[i].from_ms = i + 1;
    periods[i].to_ms = c.NextBlockTime() - 1000;  // Ended: final figures.
    ASSERT_EQ(Settle(service, periods[i], 0).kind, Kind::kReady);
  }
  EXPECT_EQ(service.computations(), 3u);
  EXPECT_EQ(service.Ask(periods[2], 0).kind, Kind::kReady);
  EXPECT_EQ(service.Ask(periods[1], 0).kind, Kind::kReady);
  EXPECT_EQ(service.Ask(periods[0], 0).kind, Kind::kComputing) << "the oldest was dropped";
}

TEST(KpiService, RefusesPastItsWaitingListAndReportsAFailedComputation) {
  ContractsChain c;
  Grow(c, 2);
  {
    KpiService none(c.ledger(), {.queue_max = 0});
    EXPECT_EQ(none.Ask({}, 0).kind, Kind::kBusy);
    EXPECT_EQ(none.computations(), 0u);
  }
  KpiService service(c.ledger(), {.fresh_ms = 1000});
  audit::KpiQuery empty;
  empty.from_ms = empty.to_ms = 5;
  const KpiService::Answer a = Settle(service, empty, 0);
  ASSERT_EQ(a.kind, Kind::kFailed);
  EXPECT_EQ(a.error.code(), StatusCode::kInvalidArgument) << a.error.ToString();
  EXPECT_EQ(service.Ask(empty, 999).kind, Kind::kFailed) << "kept as long as fresh figures";
  EXPECT_EQ(service.Ask(empty, 1000).kind, Kind::kComputing) << "then tried again";
}

TEST(KpiService, StopsAComputationWhenDestroyed) {
  ContractsChain c;
  for (int i = 0; i < 300; ++i) c.Block({});  // Long enough to be caught reading.
  for (int round = 0; round < 5; ++round) {
    KpiService service(c.ledger());
    EXPECT_EQ(service.Ask({}, 0).kind, Kind::kComputing);
    // Destroyed at once, or a little later: either way it returns and leaves no thread.
    std::this_thread::sleep_for(std::chrono::microseconds(200 * round));
  }
}

}  // namespace
}  // namespace tamga::node
