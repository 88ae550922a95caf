// audit/kpi.h
// Time-release indicators, computed from a ledger's committed transactions: the figures
// customs measure in a WCO Time Release Study, and the trade-facilitation ones the
// CAREC seeds ask for. Every time is a block's quorum-signed timestamp (the time the
// transaction that made the step was committed), every figure is a function of the chain
// alone, and every interval names the two transactions it runs between (height and
// position), so an auditor can check each against its proof.
//
// For a period [from, to) of block time:
//   - transit time per corridor (the route's countries, "KZ-KG-UZ"): from the block that
//     opened a transit to the one that terminated it, counted when terminated in the period;
//   - border crossing time per crossing ("KZ>KG"): from the exit from one country of the
//     route to the entry into the next, counted when the entry is in the period;
//   - certificate of origin issuance to first use at import, counted at the first use;
//   - retroactive verification, from the latest request to the answer, counted at the
//     answer;
//   (a certificate's correction carries on its issue time, its first use and a pending
//   request, as the rules carry them over);
//   - mutual-recognition arrangements at the end of the period: for each pair of
//     administrations that ever proposed one, the arrangement as it stands after the
//     period's last block, and the AEOs each side recognises under it at that block's
//     time (contracts/recognition.h decides);
//   - volumes: accepted transactions and the records they appended, per administration (of
//     the signer) and type.
// Medians and percentiles are nearest-rank over the whole milliseconds (the sample at
// rank ceil(p * n)), so they are samples themselves, and the same chain gives the same
// figures everywhere.
//
// Thread-safety: ComputeKpis is a function; the ledger may be committed to meanwhile
// (it reads up to the head it saw first).

#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "common/chain.h"
#include "common/status.h"
#include "ledger/ledger.h"

namespace tamga::audit {

struct KpiQuery {
  std::uint64_t from_ms = 0;                                        // Inclusive.
  std::uint64_t to_ms = std::numeric_limits<std::uint64_t>::max();  // Exclusive.
  // Only transits along this route ("KZ-KG-UZ"), for the transit and crossing figures;
  // empty: every route.
  std::string corridor;
};

// A transaction of the chain: its block and its position in it.
struct TxRef {
  Height height;
  std::uint32_t index = 0;
  friend bool operator==(const TxRef&, const TxRef&) = default;
};

// One measured interval.
struct KpiSample {
  std::string subject;  // The transit's MRN, or the certificate's "country/number".
  TxRef start, end;
  std::uint64_t start_ms = 0, end_ms = 0;
  std::uint64_t ms() const { return end_ms - start_ms; }
  friend bool operator==(const KpiSample&, const KpiSample&) = default;
};

struct Distribution {
  std::vector<KpiSample> samples;  // In chain order of their end.
  std::uint64_t count() const { return samples.size(); }
  // The nearest-rank percentile (0 < p <= 1) of the intervals; 0 when there are none.
  std::uint64_t Percentile(double p) const;
};

struct MraFigure {
  std::string id;
  std::string proposer, partner;
  std::string status;  // proposed, in_force, suspended, ended (at the end of the period).
  // AEOs of one side recognised by the other at the end of the period.
  std::uint64_t recognised_of_proposer = 0;
  std::uint64_t recognised_of_partner = 0;
};

struct Volume {
  std::uint64_t transactions = 0;  // Accepted.
  std::uint64_t records = 0;       // Log records they appended.
};

struct KpiReport {
  KpiQuery query;
  Height head;            // The last block read.
  Height first_height;    // The first block read (above a snapshot, if any).
  Height last_in_period;  // The last block before the period's end (0: none).
  std::uint64_t blocks_in_period = 0;
  std::map<std::string, Distribution> transit_time;   // By corridor.
  std::map<std::string, Distribution> crossing_time;  // By crossing, "KZ>KG".
  Distribution origin_issue_to_first_use;
  Distribution verification_request_to_answer;
  std::vector<MraFigure> mras;  // By pair of countries, in alphabetical order.
  // By the signer's administration, then by transaction type.
  std::map<std::string, std::map<std::string, Volume>> volumes;
};

struct KpiProgress {
  Height height, head;
};

// Reads every committed block from 1 (or, on a ledger that started from a snapshot, from
// the block after it: intervals that began before are then not counted) to the head (an
// interval may start before the period it is counted in). `on_progress` (optional) is called every
// 1,000 blocks and at the end. When `cancel` (optional) turns true, the reading stops at the
// next block with a FailedPrecondition error.
Result<KpiReport> ComputeKpis(const ledger::Ledger& ledger, const KpiQuery& query,
                              const std::function<void(const KpiProgress&)>& on_progress = {},
                              const std::atomic<bool>* cancel = nullptr);

// The report as text (a table per figure), as CSV (one row per figure: indicator, group,
// count, median_ms, p90_ms, p99_ms; volumes as indicator "volume"), and as JSON (the same
// figures, and with `with_samples` every interval with its two transactions).
std::string KpiText(const KpiReport& report);
std::string KpiCsv(const KpiReport& report);
std::string KpiJson(const KpiReport& report, bool with_samples);
// One self-contained HTML page (audit/html.h): the period, a table of every figure, charts
// of the median, p90 and p99 per corridor, crossing and document indicator, the MRAs, and
// volumes per administration (audit/kpi_html.cc). No script. `served`: the page as a node
// serves it at /kpis (node/api.cc), with a form to choose another period and corridor
// (GET kpis?from=&to=&corridor=) and links to the same figures as JSON and CSV.
std::string KpiHtml(const KpiReport& report, bool served = false);
// The page a node serves while it computes: the query's form, how far the computation is,
// and a refresh in `refresh_s` seconds; `message` says why it waits (or what was wrong with
// the query, with refresh_s 0).
std::string KpiWaitHtml(const KpiQuery& query, const std::string& message, int refresh_s);
// A time as ParseKpiTime reads it back: "2026-03-01" at midnight, "2026-03-01T12:00:00Z" on a
// whole second, else milliseconds.
std::string KpiTimeText(std::uint64_t ms);
// "2026-03-01 00:00:00 UTC to the head".
std::string KpiPeriod(const KpiQuery& query);

// "2026-03-01", "2026-03-01T12:00:00Z" or milliseconds since the epoch, to milliseconds.
Result<std::uint64_t> ParseKpiTime(const std::string& text);

}  // namespace tamga::audit
