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
  if (n != 1 && noun.ends_with('y'))
    return std::to_string(n) + " " + noun.substr(0, noun.size() - 1) + "ies";
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

json AnomalyJson(const Anomaly& a) { return {{"height", a.height.value()}, {"reason", a.reason}}; }

Anomaly AnomalyFrom(const json& j) {
  return {Height(j.at("height").get<std::uint64_t>()), j.at("reason").get<std::string>()};
}

std::map<std::string, RecordCount> CountsFrom(const json& j) {
  std::map<std::string, RecordCount> counts;
  for (const auto& [name, c] : j.items()) {
    counts[name] = {c.at("accepted").get<std::uint64_t>(), c.at("records").get<std::uint64_t>()};
  }
  return counts;
}

Result<Hash32> HashFrom(const json& j, const char* field) {
  auto h = Hash32::FromHex(j.at(field).get<std::string>());
  if (!h.ok()) return h.error().WithContext(field);
  return *h;
}

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
      << (r.ok() ? std::string(r.complete() ? "OK: every QC, signature, result and receipt checks"
                                            : "OK so far: the replay was interrupted")
                 : "NOT OK: " + Count(r.anomalies.size() + r.anomalies_omitted, "anomaly"))
      << "\n";
  if (r.resumed_from.value() > 0) {
    out << "resumed       from height " << r.resumed_from << " (an earlier run's scratch folder)\n";
  }
  out << "blocks        " << r.blocks << " replayed ("
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
  if (r.anomalies_omitted > 0) {
    out << "  and " << Count(r.anomalies_omitted, "more anomaly") << " (the first "
        << kAnomaliesKept << " are listed)\n";
  }
  if (r.stopped) out << "\n" << r.stopped->reason << ".\n";
  if (r.interrupted) {
    out << "\nThe replay was interrupted after height " << r.last_replayed;
    if (r.last_replayed < r.head) {
      out << "; heights " << r.last_replayed.Next() << " to " << r.head << " were not replayed";
    }
    out << ".\n";
  }
  return out.str();
}

std::string ReportJson(const AuditReport& r, int indent) {
  json anomalies = json::array();
  for (const Anomaly& a : r.anomalies) anomalies.push_back(AnomalyJson(a));
  json rejected = json::object();
  for (const auto& [reason, n] : r.rejected_by_reason) rejected[reason] = n;
  json timeline = json::array();
  for (const TimelineBucket& t : r.timeline) {
    timeline.push_back({{"first_height", t.first_height.value()},
                        {"last_height", t.last_height.value()},
                        {"first_time_ms", t.first_time_ms},
                        {"last_time_ms", t.last_time_ms},
                        {"blocks", t.blocks},
                        {"transactions", t.transactions},
                        {"rejected", t.rejected},
                        {"records", t.records}});
  }
  json epochs = json::array();
  for (const EpochChange& e : r.epoch_changes) {
    epochs.push_back({{"height", e.height.value()},
                      {"time_ms", e.time_ms},
                      {"epoch", e.epoch.value()},
                      {"validators", e.validators}});
  }
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
      {"anomalies_omitted", r.anomalies_omitted},
      {"interrupted", r.interrupted},
      {"resumed_from", r.resumed_from.value()},
      {"genesis_time_ms", r.genesis_time_ms},
      {"bucket_blocks", r.bucket_blocks},
      {"timeline", timeline},
      {"epoch_changes", epochs},
  };
  // Replace rather than throw on invalid UTF-8 (a chain name is the genesis author's text).
  return j.dump(indent, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace tamga::audit

namespace tamga::audit {

Result<AuditReport> ReportFromJson(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("the report is not JSON");
  try {
    AuditReport r;
    r.source = j.at("source").get<std::string>();
    r.chain_name = j.at("chain_name").get<std::string>();
    TAMGA_ASSIGN_OR_RETURN(r.chain_id, HashFrom(j, "chain_id"));
    r.head = Height(j.at("head").get<std::uint64_t>());
    r.last_replayed = Height(j.at("last_replayed").get<std::uint64_t>());
    r.blocks = j.at("blocks").get<std::uint64_t>();
    r.epochs = j.at("epochs").get<std::uint64_t>();
    r.transactions = j.at("transactions").get<std::uint64_t>();
    r.accepted = j.at("accepted").get<std::uint64_t>();
    r.rejected = j.at("rejected").get<std::uint64_t>();
    TAMGA_ASSIGN_OR_RETURN(r.final_result.state_root, HashFrom(j, "state_root"));
    TAMGA_ASSIGN_OR_RETURN(r.final_result.log_root, HashFrom(j, "log_root"));
    r.final_result.log_size = j.at("log_size").get<std::uint64_t>();
    r.by_type = CountsFrom(j.at("records_by_type"));
    r.by_administration = CountsFrom(j.at("records_by_administration"));
    for (const auto& [reason, n] : j.at("rejected_by_reason").items()) {
      r.rejected_by_reason[reason] = n.get<std::uint64_t>();
    }
    for (const json& a : j.at("anomalies")) r.anomalies.push_back(AnomalyFrom(a));
    if (!j.at("stopped").is_null()) r.stopped = AnomalyFrom(j.at("stopped"));
    r.anomalies_omitted = j.at("anomalies_omitted").get<std::uint64_t>();
    r.interrupted = j.at("interrupted").get<bool>();
    r.resumed_from = Height(j.at("resumed_from").get<std::uint64_t>());
    r.genesis_time_ms = j.at("genesis_time_ms").get<std::uint64_t>();
    r.bucket_blocks = std::max<std::uint64_t>(1, j.at("bucket_blocks").get<std::uint64_t>());
    for (const json& t : j.at("timeline")) {
      r.timeline.push_back(
          {Height(t.at("first_height").get<std::uint64_t>()),
           Height(t.at("last_height").get<std::uint64_t>()),
           t.at("first_time_ms").get<std::uint64_t>(), t.at("last_time_ms").get<std::uint64_t>(),
           t.at("blocks").get<std::uint64_t>(), t.at("transactions").get<std::uint64_t>(),
           t.at("rejected").get<std::uint64_t>(), t.at("records").get<std::uint64_t>()});
    }
    for (const json& e : j.at("epoch_changes")) {
      r.epoch_changes.push_back(
          {Height(e.at("height").get<std::uint64_t>()), e.at("time_ms").get<std::uint64_t>(),
           Epoch(e.at("epoch").get<std::uint64_t>()), e.at("validators").get<std::uint64_t>()});
    }
    return r;
  } catch (const json::exception& e) {
    return Status::Corruption(std::string("the report lacks a field: ") + e.what());
  }
}

}  // namespace tamga::audit
