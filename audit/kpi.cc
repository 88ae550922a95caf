// audit/kpi.cc

#include "audit/kpi.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "audit/html.h"
#include "contracts/model.h"
#include "contracts/recognition.h"

namespace tamga::audit {
namespace {

using contracts::TxType;

// What the stream of accepted transactions says of one transit so far.
struct Transit {
  std::string corridor;
  std::vector<std::string> route;
  TxRef opened;
  std::uint64_t opened_ms = 0;
  std::uint32_t steps = 0;  // Border steps done: 2k the exit from route[k], 2k + 1 the entry.
  TxRef last_exit;
  std::uint64_t last_exit_ms = 0;
};

struct Issued {
  TxRef at;
  std::uint64_t ms = 0;
  bool used = false;
};

std::string Join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

class Computer {
 public:
  Computer(const ledger::Ledger& ledger, const KpiQuery& q) : ledger_(ledger), q_(q) {
    report_.query = q;
  }

  Status Block(Height h) {
    TAMGA_ASSIGN_OR_RETURN(tamga::Block block, ledger_.BlockAt(h));
    TAMGA_ASSIGN_OR_RETURN(std::vector<ledger::Receipt> receipts, ledger_.ReceiptsAt(h));
    if (receipts.size() != block.transactions.size()) {
      return Status::Corruption("block " + h.ToString() + " has " +
                                std::to_string(block.transactions.size()) + " transactions and " +
                                std::to_string(receipts.size()) + " receipts");
    }
    const std::uint64_t now = block.header.timestamp_ms;
    const bool in_period = now >= q_.from_ms && now < q_.to_ms;
    if (now < q_.to_ms) report_.last_in_period = h;
    if (in_period) ++report_.blocks_in_period;
    for (std::size_t i = 0; i < block.transactions.size(); ++i) {
      if (receipts[i].code != 0) continue;
      const Transaction& tx = block.transactions[i];
      const TxRef ref{h, static_cast<std::uint32_t>(i)};
      TAMGA_ASSIGN_OR_RETURN(std::string country, CountryOf(tx.signer, h));
      if (in_period) {
        Volume& v = report_.volumes[country][std::string(contracts::TxTypeName(tx.type))];
        ++v.transactions;
        v.records += receipts[i].record_count;
      }
      TAMGA_RETURN_IF_ERROR(Apply(tx, country, ref, now, in_period));
    }
    return Status::Ok();
  }

  Status Finish() {
    // The arrangements as they stood at the end of the period.
    const Height at = report_.last_in_period;
    if (at.value() == 0) return Status::Ok();
    TAMGA_ASSIGN_OR_RETURN(ledger::TreeStateReader state, ledger_.StateAfter(at));
    TAMGA_ASSIGN_OR_RETURN(BlockHeader header, ledger_.HeaderAt(at));
    const contracts::StateLookup lookup = [&](const Hash32& k) { return state.Get(k); };
    for (const auto& pair : mra_pairs_) {
      TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v,
                             state.Get(contracts::MraKey(pair.first, pair.second)));
      if (!v) continue;  // Proposed after the period.
      TAMGA_ASSIGN_OR_RETURN(auto mra, Decode<contracts::MraRecord>(*v, "MRA record"));
      MraFigure f;
      f.id = mra.id;
      f.proposer = mra.proposer;
      f.partner = mra.partner;
      f.status = std::string(contracts::MraStatusName(mra.status));
      for (const auto& [country, op] : aeos_) {
        const bool of_proposer = country == mra.proposer;
        if (!of_proposer && country != mra.partner) continue;
        const std::string& other = of_proposer ? mra.partner : mra.proposer;
        TAMGA_ASSIGN_OR_RETURN(
            contracts::Recognition r,
            contracts::RecognitionOf(lookup, country, op, other, header.timestamp_ms));
        if (r.recognised && r.code == "mra") {
          ++(of_proposer ? f.recognised_of_proposer : f.recognised_of_partner);
        }
      }
      report_.mras.push_back(std::move(f));
    }
    return Status::Ok();
  }

  KpiReport Take() { return std::move(report_); }

 private:
  // The administration of a signer: from the state after the block (a key registered in
  // the block itself included); a key's country never changes, so each is read once.
  Result<std::string> CountryOf(const PublicKey& key, Height h) {
    if (auto it = countries_.find(key); it != countries_.end()) return it->second;
    TAMGA_ASSIGN_OR_RETURN(ledger::TreeStateReader state, ledger_.StateAfter(h));
    TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> v, state.Get(contracts::SignerKey(key)));
    std::string country = "?";
    if (v) {
      TAMGA_ASSIGN_OR_RETURN(auto rec, Decode<contracts::SignerRecord>(*v, "signer record"));
      country = rec.country;
    }
    countries_.emplace(key, country);
    return country;
  }

  bool OnCorridor(const std::string& corridor) const {
    return q_.corridor.empty() || q_.corridor == corridor;
  }

  static std::string CertificateName(const std::string& country, const std::string& number) {
    return country + "/" + number;
  }

  // The figures' inputs, from one accepted transaction. The rules accepted it, so it is a
  // valid step: an exit or entry is the transit's next border step, a use names an issued
  // certificate, an answer follows a request.
  Status Apply(const Transaction& tx, const std::string& country, const TxRef& ref,
               std::uint64_t now, bool in_period) {
    const std::string_view name = contracts::TxTypeName(tx.type);
    switch (static_cast<TxType>(tx.type)) {
      case TxType::kOpenTransit: {
        TAMGA_ASSIGN_OR_RETURN(auto p, Decode<contracts::OpenTransit>(tx.payload, name));
        Transit& t = transits_[p.mrn];
        t.route = p.route;
        t.corridor = Join(p.route, '-');
        t.opened = ref;
        t.opened_ms = now;
        break;
      }
      case TxType::kTransitEvent: {
        TAMGA_ASSIGN_OR_RETURN(auto p, Decode<contracts::TransitEvent>(tx.payload, name));
        auto it = transits_.find(p.mrn);
        if (it == transits_.end()) break;
        Transit& t = it->second;
        if (p.kind == contracts::TransitEventKind::kExit) {
          t.last_exit = ref;
          t.last_exit_ms = now;
          ++t.steps;
        } else if (p.kind == contracts::TransitEventKind::kEntry) {
          const std::size_t k = t.steps / 2;  // The crossing from route[k] to route[k + 1].
          ++t.steps;
          if (in_period && OnCorridor(t.corridor) && k + 1 < t.route.size()) {
            report_.crossing_time[t.route[k] + ">" + t.route[k + 1]].samples.push_back(
                {p.mrn, t.last_exit, ref, t.last_exit_ms, now});
          }
        }
        break;
      }
      case TxType::kTerminateTransit: {
        TAMGA_ASSIGN_OR_RETURN(auto p, Decode<contracts::TransitRef>(tx.payload, name));
        auto it = transits_.find(p.mrn);
        if (it == transits_.end()) break;
        const Transit& t = it->second;
        if (in_period && OnCorridor(t.corridor)) {
          report_.transit_time[t.corridor].samples.push_back(
              {p.mrn, t.opened, ref, t.opened_ms, now});
        }
        transits_.erase(it);  // Discharge and later events are not timed.
        break;
      }
      case TxType::kIssueCertificates: {
        TAMGA_ASSIGN_OR_RETURN(auto p, Decode<contracts::IssueCertificates>(tx.payload, name));
        for (const contracts::CertificateIssue& c : p.certificates) {
          issued_[CertificateName(c.exporting_country, c.number)] = Issued{ref, now};
        }
        break;
      }
      case TxType::kReplaceCertificate: {
        // The correction carries on the certificate: its issue time and whether it was
        // used, and a pending verification request (as the rules carry them over).
        TAMGA_ASSIGN_OR_RETURN(auto p, Decode<contracts::ReplaceCertificate>(tx.payload, name));
        const contracts::CertificateIssue& c = p.replacement;
        const std::string old = CertificateName(c.exporting_country, p.old_number);
        const std::string replacement = CertificateName(c.exporting_country, c.number);
        auto it = issued_.find(old);
        issued_[replacement] = it != issued_.end() ? it->second : Issued{ref, now};
        // The request stays pending on the old number too (the rules answer it under
        // either); the first answer closes both.
        if (auto r = requests_.find(old); r != requests_.end()) {
          requests_[replacement] = r->second;
        }
        break;
      }
      case TxType::kUseCertificate: {
        TAMGA_ASSIGN_OR_RETURN(auto p, Decode<contracts::UseCertificate>(tx.payload, name));
        const std::string cert = CertificateName(p.exporting_country, p.number);
        auto it = issued_.find(cert);
        if (it == issued_.end() || it->second.used) break;
        it->second.used = true;
        if (in_period) {
          report_.origin_issue_to_first_use.samples.push_back(
              {cert, it->second.at, ref, it->second.ms, now});
        }
        break;
      }
      case TxType::kRequestVerification: {
        TAMGA_ASSIGN_OR_RETURN(auto p, Decode<contracts::RequestVerification>(tx.payload, name));
        requests_[CertificateName(p.exporting_country, p.number)] = Issued{ref, now};
        break;
      }
      case TxType::kAnswerVerification: {
        TAMGA_ASSIGN_OR_RETURN(auto p, Decode<contracts::AnswerVerification>(tx.payload, name));
        // The exporting administration answers for its own certificates.
        const std::string cert = CertificateName(country, p.number);
        auto it = requests_.find(cert);
        if (it == requests_.end()) break;
        const Issued request = it->second;
        if (in_period) {
          report_.verification_request_to_answer.samples.push_back(
              {cert, request.at, ref, request.ms, now});
        }
        std::erase_if(requests_, [&](const auto& e) { return e.second.at == request.at; });
        break;
      }
      case TxType::kSetAeoStatus: {
        TAMGA_ASSIGN_OR_RETURN(auto p, Decode<contracts::SetAeoStatus>(tx.payload, name));
        aeos_.emplace(country, p.operator_id);
        break;
      }
      case TxType::kProposeMra: {
        TAMGA_ASSIGN_OR_RETURN(auto p, Decode<contracts::ProposeMra>(tx.payload, name));
        mra_pairs_.insert(std::minmax(country, p.partner));
        break;
      }
      default:
        break;
    }
    return Status::Ok();
  }

  const ledger::Ledger& ledger_;
  const KpiQuery q_;
  KpiReport report_;
  std::map<PublicKey, std::string> countries_;
  std::map<std::string, Transit> transits_;        // Open, by MRN.
  std::map<std::string, Issued> issued_;           // Certificates by "country/number".
  std::map<std::string, Issued> requests_;         // Open verification requests, likewise.
  std::set<std::pair<std::string, Hash32>> aeos_;  // (country, operator) ever set.
  std::set<std::pair<std::string, std::string>> mra_pairs_;  // Sorted pairs.
};

}  // namespace

std::string KpiPeriod(const KpiQuery& q) {
  const bool open_end = q.to_ms == std::numeric_limits<std::uint64_t>::max();
  return (q.from_ms == 0 ? std::string("the beginning") : html::UtcTime(q.from_ms)) + " to " +
         (open_end ? std::string("the head") : html::UtcTime(q.to_ms));
}

std::string KpiTimeText(std::uint64_t ms) {
  if (ms % 1000 != 0) return std::to_string(ms);
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  // ParseKpiTime reads four-digit years only.
  if (gmtime_r(&seconds, &tm) == nullptr || tm.tm_year + 1900 > 9999) return std::to_string(ms);
  char buf[32];
  std::strftime(buf, sizeof buf, ms % 86'400'000 == 0 ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

// Each distribution of the report with its indicator's name and group.
template <typename Fn>
void ForEachDistribution(const KpiReport& r, Fn fn) {
  for (const auto& [corridor, d] : r.transit_time) fn("transit_time", corridor, d);
  for (const auto& [crossing, d] : r.crossing_time) fn("crossing_time", crossing, d);
  fn("origin_issue_to_first_use", "", r.origin_issue_to_first_use);
  fn("verification_request_to_answer", "", r.verification_request_to_answer);
}

nlohmann::json RefJson(const TxRef& r) {
  return {{"height", r.height.value()}, {"index", r.index}};
}

}  // namespace

std::uint64_t Distribution::Percentile(double p) const {
  if (samples.empty()) return 0;
  std::vector<std::uint64_t> v;
  v.reserve(samples.size());
  for (const KpiSample& s : samples) v.push_back(s.ms());
  std::sort(v.begin(), v.end());
  // Nearest rank: the smallest value with at least p of the samples at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size()) - 1e-9));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

Result<KpiReport> ComputeKpis(const ledger::Ledger& ledger, const KpiQuery& query,
                              const std::function<void(const KpiProgress&)>& on_progress,
                              const std::atomic<bool>* cancel) {
  if (query.from_ms >= query.to_ms) {
    return Status::InvalidArgument("the period is empty: its start is not before its end");
  }
  const Height head = ledger.Head().height;
  // A ledger that started from a snapshot holds no block below it.
  const Height first = ledger.snapshot_height() ? ledger.snapshot_height()->Next() : Height(1);
  Computer c(ledger, query);
  for (std::uint64_t h = first.value(); h <= head.value(); ++h) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return Status::FailedPrecondition("the indicators' computation was cancelled");
    }
    TAMGA_RETURN_IF_ERROR(c.Block(Height(h)));
    if (on_progress && (h % 1000 == 0 || h == head.value())) on_progress({Height(h), head});
  }
  TAMGA_RETURN_IF_ERROR(c.Finish());
  KpiReport r = c.Take();
  r.head = head;
  r.first_height = first;
  return r;
}

std::string KpiText(const KpiReport& r) {
  std::ostringstream out;
  out << "Time-release indicators, " << KpiPeriod(r.query) << " (block time)";
  if (!r.query.corridor.empty()) out << ", corridor " << r.query.corridor;
  out << "\n";
  if (r.first_height.value() > 1) {
    out << "This ledger starts at a snapshot: read from height " << r.first_height.value()
        << "; intervals that began before it are not counted.\n";
  }
  out << r.blocks_in_period << " blocks in the period, up to height " << r.last_in_period.value()
      << " of " << r.head.value() << "\n\n";
  out << std::left << std::setw(34) << "indicator" << std::setw(12) << "group" << std::right
      << std::setw(7) << "count" << std::setw(12) << "median" << std::setw(12) << "p90"
      << std::setw(12) << "p99"
      << "\n";
  ForEachDistribution(r, [&](const char* name, const std::string& group, const Distribution& d) {
    out << std::left << std::setw(34) << name << std::setw(12) << (group.empty() ? "-" : group)
        << std::right << std::setw(7) << d.count();
    if (d.count() == 0) {
      out << std::setw(12) << "-" << std::setw(12) << "-" << std::setw(12) << "-";
    } else {
      out << std::setw(12) << html::Duration(d.Percentile(0.5)) << std::setw(12)
          << html::Duration(d.Percentile(0.9)) << std::setw(12)
          << html::Duration(d.Percentile(0.99));
    }
    out << "\n";
  });
  out << "\nMutual-recognition arrangements at the end of the period\n";
  if (r.mras.empty()) out << "  none\n";
  for (const MraFigure& m : r.mras) {
    out << "  " << m.id << " (" << m.proposer << "-" << m.partner << "): " << m.status << "; "
        << m.partner << " recognises " << m.recognised_of_proposer << " AEO(s) of " << m.proposer
        << ", " << m.proposer << " recognises " << m.recognised_of_partner << " of " << m.partner
        << "\n";
  }
  out << "\nAccepted transactions in the period, by administration\n";
  if (r.volumes.empty()) out << "  none\n";
  for (const auto& [country, types] : r.volumes) {
    std::uint64_t txs = 0, records = 0;
    for (const auto& [type, v] : types) {
      txs += v.transactions;
      records += v.records;
    }
    out << "  " << country << ": " << txs << " transactions, " << records << " records (";
    bool first = true;
    for (const auto& [type, v] : types) {
      out << (first ? "" : ", ") << type << " " << v.transactions;
      first = false;
    }
    out << ")\n";
  }
  return out.str();
}

std::string KpiCsv(const KpiReport& r) {
  std::ostringstream out;
  out << "indicator,group,count,median_ms,p90_ms,p99_ms\n";
  ForEachDistribution(r, [&](const char* name, const std::string& group, const Distribution& d) {
    out << name << "," << group << "," << d.count() << "," << d.Percentile(0.5) << ","
        << d.Percentile(0.9) << "," << d.Percentile(0.99) << "\n";
  });
  for (const MraFigure& m : r.mras) {
    out << "mra_recognised_aeos," << m.proposer << ">" << m.partner << ","
        << m.recognised_of_proposer << ",,,\n";
    out << "mra_recognised_aeos," << m.partner << ">" << m.proposer << ","
        << m.recognised_of_partner << ",,,\n";
  }
  for (const auto& [country, types] : r.volumes) {
    for (const auto& [type, v] : types) {
      out << "volume," << country << "/" << type << "," << v.transactions << ",,,\n";
    }
  }
  return out.str();
}

std::string KpiJson(const KpiReport& r, bool with_samples) {
  nlohmann::json j;
  j["from_ms"] = r.query.from_ms;
  if (r.query.to_ms != std::numeric_limits<std::uint64_t>::max()) j["to_ms"] = r.query.to_ms;
  if (!r.query.corridor.empty()) j["corridor"] = r.query.corridor;
  j["head"] = r.head.value();
  j["first_height"] = r.first_height.value();
  j["last_height_in_period"] = r.last_in_period.value();
  j["blocks_in_period"] = r.blocks_in_period;
  auto dist = [&](const Distribution& d) {
    nlohmann::json o = {{"count", d.count()},
                        {"median_ms", d.Percentile(0.5)},
                        {"p90_ms", d.Percentile(0.9)},
                        {"p99_ms", d.Percentile(0.99)}};
    if (with_samples) {
      nlohmann::json samples = nlohmann::json::array();
      for (const KpiSample& s : d.samples) {
        samples.push_back({{"subject", s.subject},
                           {"ms", s.ms()},
                           {"start", RefJson(s.start)},
                           {"end", RefJson(s.end)},
                           {"start_ms", s.start_ms},
                           {"end_ms", s.end_ms}});
      }
      o["samples"] = std::move(samples);
    }
    return o;
  };
  j["transit_time"] = nlohmann::json::object();
  for (const auto& [k, d] : r.transit_time) j["transit_time"][k] = dist(d);
  j["crossing_time"] = nlohmann::json::object();
  for (const auto& [k, d] : r.crossing_time) j["crossing_time"][k] = dist(d);
  j["origin_issue_to_first_use"] = dist(r.origin_issue_to_first_use);
  j["verification_request_to_answer"] = dist(r.verification_request_to_answer);
  j["mras"] = nlohmann::json::array();
  for (const MraFigure& m : r.mras) {
    j["mras"].push_back({{"id", m.id},
                         {"proposer", m.proposer},
                         {"partner", m.partner},
                         {"status", m.status},
                         {"recognised_aeos_of_proposer", m.recognised_of_proposer},
                         {"recognised_aeos_of_partner", m.recognised_of_partner}});
  }
  j["volumes"] = nlohmann::json::object();
  for (const auto& [country, types] : r.volumes) {
    for (const auto& [type, v] : types) {
      j["volumes"][country][type] = {{"transactions", v.transactions}, {"records", v.records}};
    }
  }
  return j.dump(2) + "\n";
}

Result<std::uint64_t> ParseKpiTime(const std::string& text) {
  const Status bad = Status::InvalidArgument(
      "'" + text +
      "' is not a time: give 2026-03-01, 2026-03-01T12:00:00Z or milliseconds "
      "since 1970");
  if (!text.empty() &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::uint64_t ms = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc() || end != text.data() + text.size()) return bad;
    return ms;
  }
  // Exactly these shapes, digits where digits go (strptime alone would skip spaces).
  const bool date = text.size() == 10, stamp = text.size() == 20 && text[19] == 'Z';
  if (!date && !stamp) return bad;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char expected = i == 4 || i == 7 ? '-' : i == 10 ? 'T' : i == 13 || i == 16 ? ':' : 'd';
    if (i == 19) continue;
    if (expected == 'd' ? (text[i] < '0' || text[i] > '9') : text[i] != expected) return bad;
  }
  std::tm tm{};
  const char* end = strptime(text.c_str(), date ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return bad;
  const std::tm asked = tm;
  const std::time_t t = timegm(&tm);
  // timegm rolls 2026-02-31 over into March: a date that does not exist comes back changed.
  if (tm.tm_year != asked.tm_year || tm.tm_mon != asked.tm_mon || tm.tm_mday != asked.tm_mday ||
      tm.tm_hour != asked.tm_hour || tm.tm_min != asked.tm_min || tm.tm_sec != asked.tm_sec) {
    return bad;
  }
  if (t < 0) return Status::InvalidArgument("'" + text + "' is before 1970");
  return static_cast<std::uint64_t>(t) * 1000;
}

}  // namespace tamga::audit
