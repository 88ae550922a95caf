// audit/report_html.cc
// The audit report as one self-contained HTML page: the verdict first, then the figures,
// the charts (inline SVG drawn here: columns over the chain's timeline, bars by category)
// and the anomalies. No script, no style sheet or font from elsewhere: it opens offline,
// and prints.

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>
#include <utility>
#include <vector>

#include "audit/audit.h"
#include "audit/html.h"

namespace tamga::audit {
namespace {

using html::BarChart;
using html::Escape;
using html::kBlue;
using html::kRed;
using html::Thousands;
using html::UtcTime;

// Columns, one per timeline bucket: `total` tall, of which `part` (if any) in red.
std::string ColumnChart(const std::string& title, const std::vector<TimelineBucket>& timeline,
                        std::uint64_t (*total)(const TimelineBucket&),
                        std::uint64_t (*part)(const TimelineBucket&), const std::string& legend) {
  constexpr int kWidth = 760, kHeight = 220, kLeft = 70, kBottom = 40, kTop = 10;
  const int plot_w = kWidth - kLeft - 10, plot_h = kHeight - kBottom - kTop;
  std::uint64_t max = 1;
  for (const TimelineBucket& t : timeline) max = std::max(max, total(t));
  std::ostringstream svg;
  svg << "<figure><figcaption>" << Escape(title) << "</figcaption>"
      << html::SvgStart(title, kWidth, kHeight);
  // Axes, and the scale's top.
  svg << "<line x1=\"" << kLeft << "\" y1=\"" << kTop << "\" x2=\"" << kLeft << "\" y2=\""
      << kTop + plot_h << "\" stroke=\"#555\"/>"
      << "<line x1=\"" << kLeft << "\" y1=\"" << kTop + plot_h << "\" x2=\"" << kLeft + plot_w
      << "\" y2=\"" << kTop + plot_h << "\" stroke=\"#555\"/>"
      << "<text x=\"" << kLeft - 6 << "\" y=\"" << kTop + 10 << "\" text-anchor=\"end\">"
      << Thousands(max) << "</text>"
      << "<text x=\"" << kLeft - 6 << "\" y=\"" << kTop + plot_h
      << "\" text-anchor=\"end\">0</text>";
  const std::size_t n = std::max<std::size_t>(timeline.size(), 1);
  const double step = static_cast<double>(plot_w) / static_cast<double>(n);
  for (std::size_t i = 0; i < timeline.size(); ++i) {
    const TimelineBucket& t = timeline[i];
    const double x = kLeft + step * static_cast<double>(i) + step * 0.1;
    const double w = std::max(step * 0.8, 1.0);
    auto bar = [&](std::uint64_t value, const char* colour, const std::string& tip) {
      const double h =
          static_cast<double>(plot_h) * static_cast<double>(value) / static_cast<double>(max);
      svg << "<rect x=\"" << x << "\" y=\"" << kTop + plot_h - h << "\" width=\"" << w
          << "\" height=\"" << h << "\" fill=\"" << colour << "\"><title>" << Escape(tip)
          << "</title></rect>";
    };
    const std::string where = "heights " + t.first_height.ToString() + " to " +
                              t.last_height.ToString() + ", " + UtcTime(t.first_time_ms) + " to " +
                              UtcTime(t.last_time_ms);
    bar(total(t), kBlue, Thousands(total(t)) + ": " + where);
    if (part != nullptr && part(t) > 0)
      bar(part(t), kRed, Thousands(part(t)) + " rejected: " + where);
  }
  if (!timeline.empty()) {
    svg << "<text x=\"" << kLeft << "\" y=\"" << kHeight - 22 << "\">"
        << Escape(UtcTime(timeline.front().first_time_ms)) << "</text>"
        << "<text x=\"" << kLeft + plot_w << "\" y=\"" << kHeight - 22 << "\" text-anchor=\"end\">"
        << Escape(UtcTime(timeline.back().last_time_ms)) << "</text>"
        << "<text x=\"" << kLeft + plot_w / 2 << "\" y=\"" << kHeight - 6
        << "\" text-anchor=\"middle\">" << Escape(legend) << "</text>";
  }
  svg << "</svg></figure>\n";
  return svg.str();
}

std::vector<std::pair<std::string, std::uint64_t>> Records(
    const std::map<std::string, RecordCount>& counts) {
  std::vector<std::pair<std::string, std::uint64_t>> rows;
  for (const auto& [name, c] : counts) rows.emplace_back(name, c.records);
  return rows;
}

std::vector<std::pair<std::string, std::uint64_t>> Accepted(
    const std::map<std::string, RecordCount>& counts) {
  std::vector<std::pair<std::string, std::uint64_t>> rows;
  for (const auto& [name, c] : counts) rows.emplace_back(name, c.accepted);
  return rows;
}

}  // namespace

std::string ReportHtml(const AuditReport& r) {
  std::ostringstream out;
  const std::uint64_t anomalies = r.anomalies.size() + r.anomalies_omitted;
  std::string verdict_class = "ok", verdict;
  if (!r.ok()) {
    verdict_class = "bad";
    verdict = "NOT OK: " + Thousands(anomalies) + (anomalies == 1 ? " anomaly" : " anomalies");
    if (r.stopped) verdict += "; the replay stopped at height " + r.stopped->height.ToString();
    if (r.interrupted) verdict += "; interrupted after height " + r.last_replayed.ToString();
  } else if (!r.complete()) {
    verdict_class = "partial";
    verdict = "OK so far: the replay was interrupted after height " + r.last_replayed.ToString() +
              " of " + r.head.ToString();
  } else {
    verdict = "OK: every QC, signature, result and receipt of heights 1 to " +
              r.last_replayed.ToString() + " checks";
  }
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>Tamga audit: " << Escape(r.chain_name) << "</title><style>" << html::StyleSheet()
      << "</style></head><body>\n"
      << "<h1>Tamga audit of " << Escape(r.chain_name) << "</h1>\n"
      << "<p>Replayed from " << Escape(r.source)
      << ", checked from the genesis document alone.</p>\n"
      << "<p class=\"verdict " << verdict_class << "\" id=\"verdict\">" << Escape(verdict)
      << "</p>\n";

  out << "<h2>The chain</h2>\n<table>\n";
  auto row = [&](const std::string& name, const std::string& value, bool hash = false) {
    out << "<tr><th>" << Escape(name) << "</th><td" << (hash ? " class=\"hash\"" : "") << ">"
        << Escape(value) << "</td></tr>\n";
  };
  row("Chain", r.chain_id.ToHex(), true);
  row("Genesis", UtcTime(r.genesis_time_ms));
  row("Blocks", Thousands(r.blocks) + " replayed, head " + r.head.ToString());
  if (r.resumed_from.value() > 0) {
    row("Resumed",
        "from height " + r.resumed_from.ToString() + " (an earlier run's scratch folder)");
  }
  row("Epoch changes", Thousands(r.epochs));
  row("Transactions", Thousands(r.transactions) + " (" + Thousands(r.accepted) + " accepted, " +
                          Thousands(r.rejected) + " rejected)");
  row("Log records", Thousands(r.final_result.log_size));
  row("State root", r.final_result.state_root.ToHex(), true);
  row("Log root", r.final_result.log_root.ToHex(), true);
  out << "</table>\n";

  out << "<h2>Over time</h2>\n"
      << ColumnChart(
             "Log records appended", r.timeline, [](const TimelineBucket& t) { return t.records; },
             nullptr,
             "each column: " + Thousands(r.bucket_blocks) +
                 (r.bucket_blocks == 1 ? " block" : " consecutive blocks"))
      << ColumnChart(
             "Transactions (rejected in red)", r.timeline,
             [](const TimelineBucket& t) { return t.transactions; },
             [](const TimelineBucket& t) { return t.rejected; }, "block time (proposers' clocks)");

  out << "<h2>By kind</h2>\n"
      << BarChart("Log records by transaction type", Records(r.by_type), kBlue)
      << BarChart("Accepted transactions by administration", Accepted(r.by_administration), kBlue);
  std::vector<std::pair<std::string, std::uint64_t>> reasons(r.rejected_by_reason.begin(),
                                                             r.rejected_by_reason.end());
  out << BarChart("Rejected transactions by reason", reasons, kRed);

  out << "<h2>Epochs</h2>\n";
  if (r.epoch_changes.empty()) {
    out << "<p class=\"none\">The genesis validator set served throughout.</p>\n";
  } else {
    out << "<table><tr><th>Height</th><th>Time</th><th>New epoch</th><th>Validators</th></tr>\n";
    for (const EpochChange& e : r.epoch_changes) {
      out << "<tr><td>" << e.height << "</td><td>" << Escape(UtcTime(e.time_ms)) << "</td><td>"
          << e.epoch << "</td><td>" << e.validators << "</td></tr>\n";
    }
    out << "</table>\n";
  }

  out << "<h2>Anomalies</h2>\n";
  if (r.anomalies.empty()) {
    out << "<p class=\"none\">None.</p>\n";
  } else {
    out << "<table id=\"anomalies\"><tr><th>Height</th><th>What differs</th></tr>\n";
    for (const Anomaly& a : r.anomalies) {
      out << "<tr><td>" << a.height << "</td><td>" << Escape(a.reason) << "</td></tr>\n";
    }
    out << "</table>\n";
    if (r.anomalies_omitted > 0) {
      out << "<p>And " << Thousands(r.anomalies_omitted) << " more (the first " << kAnomaliesKept
          << " are listed).</p>\n";
    }
  }
  if (r.stopped) out << "<p><strong>" << Escape(r.stopped->reason) << ".</strong></p>\n";
  out << "</body></html>\n";
  return out.str();
}

}  // namespace tamga::audit
