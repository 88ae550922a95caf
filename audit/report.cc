// audit/report.cc
// The audit report as text for people and as JSON for tools (audit/audit.h gives the
// JSON's shape).

#include <nlohmann/json.hpp>
#include <sstream>

#include "audit/audit.h"

namespace tamga::audit {
namespace {

using nlohmann::json;

json CountsJson(const std::map<std::string, RecordCount>& counts) {
  json j = json::object();
  for (const auto& [name, c] : counts) j[name] = {{"accepted", c.accepted}, {"records", c.records}};
  return j;
}

// "1 record", "2 records".
std::string Count(std::uint64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

json AnomalyJson(const Anomaly& a) { return {{"height", a.height.value()}, {"reason", a.reason}}; }

void CountsText(std::ostringstream& out, const std::map<std::string, RecordCount>& counts) {
  if (counts.empty()) out << "  (none)\n";
  for (const auto& [name, c] : counts) {
    out << "  " << name << ": " << c.accepted << " accepted, " << Count(c.records, "record")
        << "\n";
  }
}

}  // namespace

std::string ReportText(const AuditReport& r) {
  std::ostringstream out;
  out << "Tamga audit of " << r.source << "\n"
      << "chain         " << r.chain_name << " (" << r.chain_id.ToHex() << ")\n"
      << "verdict       "
      << (r.ok() ? "OK: every QC, signature, result and receipt checks"
                 : "NOT OK: " + std::to_string(r.anomalies.size()) +
                       (r.anomalies.size() == 1 ? " anomaly" : " anomalies"))
      << "\n"
      << "blocks        " << r.blocks << " replayed ("
      << (r.blocks > 0 ? "heights 1 to " + r.last_replayed.ToString() + ", " : std::string())
      << "head " << r.head << "), " << Count(r.epochs, "epoch change") << "\n"
      << "transactions  " << r.transactions << " (" << r.accepted << " accepted, " << r.rejected
      << " rejected)\n"
      << "state root    " << r.final_result.state_root.ToHex() << "\n"
      << "log root      " << r.final_result.log_root.ToHex() << " ("
      << Count(r.final_result.log_size, "record") << ")\n";
  out << "\nRecords by transaction type:\n";
  CountsText(out, r.by_type);
  out << "\nRecords by administration:\n";
  CountsText(out, r.by_administration);
  out << "\nRejected transactions by reason:\n";
  if (r.rejected_by_reason.empty()) out << "  (none)\n";
  for (const auto& [reason, n] : r.rejected_by_reason) out << "  " << reason << ": " << n << "\n";
  out << "\nAnomalies:\n";
  if (r.anomalies.empty()) out << "  (none)\n";
  for (const Anomaly& a : r.anomalies) out << "  height " << a.height << ": " << a.reason << "\n";
  if (r.stopped) out << "\n" << r.stopped->reason << ".\n";
  return out.str();
}

std::string ReportJson(const AuditReport& r) {
  json anomalies = json::array();
  for (const Anomaly& a : r.anomalies) anomalies.push_back(AnomalyJson(a));
  json rejected = json::object();
  for (const auto& [reason, n] : r.rejected_by_reason) rejected[reason] = n;
  const json j = {
      {"ok", r.ok()},
      {"source", r.source},
      {"chain_name", r.chain_name},
      {"chain_id", r.chain_id.ToHex()},
      {"head", r.head.value()},
      {"last_replayed", r.last_replayed.value()},
      {"blocks", r.blocks},
      {"epochs", r.epochs},
      {"transactions", r.transactions},
      {"accepted", r.accepted},
      {"rejected", r.rejected},
      {"state_root", r.final_result.state_root.ToHex()},
      {"log_root", r.final_result.log_root.ToHex()},
      {"log_size", r.final_result.log_size},
      {"records_by_type", CountsJson(r.by_type)},
      {"records_by_administration", CountsJson(r.by_administration)},
      {"rejected_by_reason", rejected},
      {"anomalies", anomalies},
      {"stopped", r.stopped ? AnomalyJson(*r.stopped) : json(nullptr)},
  };
  // Replace rather than throw on invalid UTF-8 (a chain name is the genesis author's text).
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace tamga::audit
