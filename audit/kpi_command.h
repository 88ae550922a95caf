// audit/kpi_command.h
// `tamga kpi`: the time-release indicators (audit/kpi.h) of a node's data directory, opened
// read-only, for a period, as text, CSV or JSON on `out`, and as an HTML page with charts
// to a file if asked. Progress goes to `err` every few seconds on a long chain.
//
// Thread-safety: not thread-safe.

#pragma once

#include <ostream>
#include <string>

#include "common/status.h"

namespace tamga::audit {

struct KpiCommandOptions {
  std::string data_dir;         // A node's data directory (read-only).
  std::string genesis_file;     // The chain's genesis document (JSON).
  std::string from, to;         // "2026-03-01", "2026-03-01T12:00:00Z" or ms; empty: open.
  std::string corridor;         // "KZ-KG-UZ"; empty: every route.
  std::string format = "text";  // text, csv or json.
  bool samples = false;         // JSON: every interval with the two transactions it spans.
  std::string html_file;        // Also write the page with charts here (optional).
  bool quiet = false;           // No progress lines.
};

Status RunKpi(const KpiCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tamga::audit
