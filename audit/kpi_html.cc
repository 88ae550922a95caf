// audit/kpi_html.cc
// The time-release indicators as one self-contained HTML page: the period, every figure in
// a table, a chart per indicator with a row per corridor or crossing (the median as a
// bar, the p90 as its lighter extension, the p99 as a tick), the arrangements and the
// volumes. Inline SVG drawn here, no script.

#include <algorithm>
#include <limits>
#include <sstream>

#include "audit/html.h"
#include "audit/kpi.h"
#include "client/http_client.h"

namespace tamga::audit {
namespace {

using html::Duration;
using html::Escape;
using html::Thousands;

struct RangeRow {
  std::string label;
  const Distribution* d;
};

// One row per group: median (dark), up to p90 (light), a tick at p99, the figures at the
// right; all rows on one scale, from zero to the largest p99.
std::string RangeChart(const std::string& title, const std::vector<RangeRow>& rows) {
  std::ostringstream svg;
  svg << "<figure><figcaption>" << Escape(title) << "</figcaption>";
  std::vector<RangeRow> shown;
  for (const RangeRow& r : rows) {
    if (r.d->count() > 0) shown.push_back(r);
  }
  if (shown.empty()) {
    svg << "<p class=\"none\">None in the period.</p></figure>\n";
    return svg.str();
  }
  constexpr int kWidth = 760, kRow = 26, kLabel = 150, kValue = 250;
  const int height = static_cast<int>(shown.size()) * kRow + 6;
  std::uint64_t max = 1;
  for (const RangeRow& r : shown) max = std::max(max, r.d->Percentile(0.99));
  const double scale = static_cast<double>(kWidth - kLabel - kValue) / static_cast<double>(max);
  svg << html::SvgStart(title, kWidth, height);
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const Distribution& d = *shown[i].d;
    const std::uint64_t p50 = d.Percentile(0.5), p90 = d.Percentile(0.9), p99 = d.Percentile(0.99);
    const int y = static_cast<int>(i) * kRow + 3;
    const double w50 = std::max(scale * static_cast<double>(p50), 1.0);
    const double w90 = std::max(scale * static_cast<double>(p90), w50);
    const double x99 = kLabel + scale * static_cast<double>(p99);
    const std::string tip = shown[i].label + ": " + Thousands(d.count()) + " measured; median " +
                            Duration(p50) + ", p90 " + Duration(p90) + ", p99 " + Duration(p99);
    svg << "<g><title>" << Escape(tip) << "</title>"
        << "<text x=\"" << kLabel - 8 << "\" y=\"" << y + 16 << "\" text-anchor=\"end\">"
        << Escape(shown[i].label) << "</text>"
        << "<rect x=\"" << kLabel << "\" y=\"" << y + 4 << "\" width=\"" << w90 << "\" height=\""
        << kRow - 10 << "\" fill=\"" << html::kLightBlue << "\"/>"
        << "<rect x=\"" << kLabel << "\" y=\"" << y + 4 << "\" width=\"" << w50 << "\" height=\""
        << kRow - 10 << "\" fill=\"" << html::kBlue << "\"/>"
        << "<line x1=\"" << x99 << "\" y1=\"" << y + 1 << "\" x2=\"" << x99 << "\" y2=\""
        << y + kRow - 3 << "\" stroke=\"" << html::kRed << "\" stroke-width=\"2\"/>"
        << "<text x=\"" << kWidth - kValue + 10 << "\" y=\"" << y + 16 << "\">"
        << Escape(Duration(p50) + " / " + Duration(p90) + " / " + Duration(p99) +
                  "  (n=" + Thousands(d.count()) + ")")
        << "</text></g>";
  }
  svg << "</svg><p class=\"legend\"><span style=\"color:" << html::kBlue
      << "\">&#9632;</span> median &nbsp; <span style=\"color:" << html::kLightBlue
      << "\">&#9632;</span> p90 &nbsp; <span style=\"color:" << html::kRed
      << "\">|</span> p99</p></figure>\n";
  return svg.str();
}

// The page's head, up to and including its heading; `refresh_s` > 0 reloads it then.
std::string Head(int refresh_s) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  if (refresh_s > 0) out << "<meta http-equiv=\"refresh\" content=\"" << refresh_s << "\">";
  out << "<title>Tamga: time-release indicators</title><style>" << html::StyleSheet()
      << ".legend { color: #555; font-size: 13px; margin: 2px 0 0 150px; }\n"
      << "form.period { margin: 8px 0 16px; display: flex; flex-wrap: wrap; gap: 12px; "
         "align-items: end; }\n"
      << "form.period label { display: flex; flex-direction: column; font-size: 13px; "
         "color: #555; }\n"
      << "form.period input { font: inherit; padding: 3px 6px; width: 13em; }\n"
      << "</style></head><body>\n<h1>Time-release indicators</h1>\n";
  return out.str();
}

// GET kpis?from=&to=&corridor=: the period and corridor shown, to change.
std::string Form(const KpiQuery& q) {
  const bool open_end = q.to_ms == std::numeric_limits<std::uint64_t>::max();
  const std::string from = q.from_ms == 0 ? "" : KpiTimeText(q.from_ms);
  const std::string to = open_end ? "" : KpiTimeText(q.to_ms);
  std::ostringstream out;
  out << "<form class=\"period\" method=\"get\" action=\"kpis\">"
      << "<label>From (block time, UTC)<input name=\"from\" value=\"" << Escape(from)
      << "\" placeholder=\"the beginning\"></label>"
      << "<label>To (not included)<input name=\"to\" value=\"" << Escape(to)
      << "\" placeholder=\"the head\"></label>"
      << "<label>Corridor<input name=\"corridor\" value=\"" << Escape(q.corridor)
      << "\" placeholder=\"every route, or KZ-KG-UZ\"></label>"
      << "<button type=\"submit\">Show</button></form>\n";
  return out.str();
}

// The query's own parameters, for the links to the JSON and CSV figures.
std::string QueryString(const KpiQuery& q) {
  std::string out;
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    out += out.empty() ? "?" : "&";
    out += key;
    out += '=';
    out += client::PercentEncode(value);
  };
  add("from", q.from_ms == 0 ? "" : KpiTimeText(q.from_ms));
  add("to", q.to_ms == std::numeric_limits<std::uint64_t>::max() ? "" : KpiTimeText(q.to_ms));
  add("corridor", q.corridor);
  return out;
}

}  // namespace

std::string KpiWaitHtml(const KpiQuery& query, const std::string& message, int refresh_s) {
  return Head(refresh_s) + Form(query) + "<p>" + Escape(message) + "</p>\n</body></html>\n";
}

std::string KpiHtml(const KpiReport& r, bool served) {
  std::ostringstream out;
  out << Head(0);
  if (served) out << Form(r.query);
  out << "<p>" << Escape(KpiPeriod(r.query)) << " (block time)";
  if (!r.query.corridor.empty()) out << ", corridor " << Escape(r.query.corridor);
  out << ". " << Thousands(r.blocks_in_period) << " blocks in the period, up to height "
      << Thousands(r.last_in_period.value()) << " of " << Thousands(r.head.value())
      << ". Every time is a block's quorum-signed timestamp; every interval runs between two "
         "committed transactions, listed with <code>tamga kpi --format json "
         "--samples</code>";
  if (served) {
    const std::string q = Escape(QueryString(r.query));
    out << " or <a href=\"v1/kpis" << q << (q.empty() ? "?" : "&amp;")
        << "samples=true\">here as JSON</a> (figures alone: <a href=\"v1/kpis" << q
        << "\">JSON</a>, <a href=\"v1/kpis" << q << (q.empty() ? "?" : "&amp;")
        << "format=csv\">CSV</a>)";
  }
  out << ".</p>\n";

  out << "<h2>Figures</h2>\n<table><tr><th>indicator</th><th>group</th><th>count</th>"
         "<th>median</th><th>p90</th><th>p99</th></tr>\n";
  auto row = [&](const std::string& name, const std::string& group, const Distribution& d) {
    out << "<tr><td>" << Escape(name) << "</td><td>" << Escape(group.empty() ? "-" : group)
        << "</td><td>" << Thousands(d.count()) << "</td>";
    for (double p : {0.5, 0.9, 0.99}) {
      out << "<td>" << (d.count() == 0 ? std::string("-") : Escape(Duration(d.Percentile(p))))
          << "</td>";
    }
    out << "</tr>\n";
  };
  for (const auto& [k, d] : r.transit_time) row("transit time", k, d);
  for (const auto& [k, d] : r.crossing_time) row("border crossing", k, d);
  row("certificate of origin: issue to first use", "", r.origin_issue_to_first_use);
  row("verification: request to answer", "", r.verification_request_to_answer);
  out << "</table>\n";

  out << "<h2>Transit</h2>\n";
  std::vector<RangeRow> rows;
  for (const auto& [k, d] : r.transit_time) rows.push_back({k, &d});
  out << RangeChart("Transit time by corridor, opening to termination", rows);
  rows.clear();
  for (const auto& [k, d] : r.crossing_time) rows.push_back({k, &d});
  out << RangeChart("Border crossing time, exit from one country to entry into the next", rows);

  out << "<h2>Certificates of origin</h2>\n";
  out << RangeChart("Issue to first use at import, and verification request to answer",
                    {{"first use", &r.origin_issue_to_first_use},
                     {"verification", &r.verification_request_to_answer}});

  out << "<h2>Mutual recognition at the end of the period</h2>\n";
  if (r.mras.empty()) {
    out << "<p class=\"none\">No arrangement.</p>\n";
  } else {
    out << "<table><tr><th>arrangement</th><th>parties</th><th>status</th>"
           "<th>AEOs recognised</th></tr>\n";
    for (const MraFigure& m : r.mras) {
      out << "<tr><td>" << Escape(m.id) << "</td><td>" << Escape(m.proposer + " - " + m.partner)
          << "</td><td>" << Escape(m.status) << "</td><td>" << Escape(m.partner) << " recognises "
          << Thousands(m.recognised_of_proposer) << " of " << Escape(m.proposer) << "; "
          << Escape(m.proposer) << " recognises " << Thousands(m.recognised_of_partner) << " of "
          << Escape(m.partner) << "</td></tr>\n";
    }
    out << "</table>\n";
  }

  out << "<h2>Volumes</h2>\n";
  std::vector<std::pair<std::string, std::uint64_t>> by_country;
  std::map<std::string, std::uint64_t> by_type;
  for (const auto& [country, types] : r.volumes) {
    std::uint64_t n = 0;
    for (const auto& [type, v] : types) {
      n += v.transactions;
      by_type[type] += v.transactions;
    }
    by_country.emplace_back(country, n);
  }
  out << html::BarChart("Accepted transactions in the period, by administration", by_country,
                        html::kBlue);
  out << html::BarChart("Accepted transactions in the period, by type",
                        {by_type.begin(), by_type.end()}, html::kBlue);
  out << "</body></html>\n";
  return out.str();
}

}  // namespace tamga::audit
