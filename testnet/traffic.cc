// testnet/traffic.cc

#include "testnet/traffic.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <set>

#include "common/encoding.h"
#include "common/sha256.h"

namespace tamga::traffic {
namespace {

using contracts::TxType;

constexpr std::uint64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr std::uint64_t kYearMs = 400 * kDay;  // Validity of what the plan grants.

// Routes of the CAREC corridors, as the countries a consignment crosses.
const std::vector<std::vector<std::string>>& KnownCorridors() {
  static const std::vector<std::vector<std::string>> k = {
      {"KZ", "KG", "UZ"}, {"CN", "KZ"}, {"UZ", "TJ"},       {"AF", "UZ"}, {"KZ", "UZ"},
      {"UZ", "KZ"},       {"KG", "KZ"}, {"CN", "KG", "UZ"}, {"TM", "UZ"}, {"AZ", "GE"},
      {"MN", "CN"},       {"PK", "AF"}, {"TJ", "UZ"},       {"UZ", "KG"}};
  return k;
}

// Headings of goods the region trades, for the certificates (HS 2022, six digits).
const std::vector<std::string>& Headings() {
  static const std::vector<std::string> k = {
      "520100",  // Cotton, not carded or combed.
      "520512",  // Cotton yarn.
      "100199",  // Wheat.
      "080610",  // Grapes, fresh.
      "081310",  // Apricots, dried.
      "070320",  // Garlic.
      "740311",  // Copper cathodes.
      "720851",  // Flat-rolled iron or steel.
      "310210",  // Urea.
      "271111",  // Natural gas, liquefied.
      "610910",  // T-shirts of cotton.
      "080221",  // Hazelnuts in shell.
  };
  return k;
}

Bytes Payload(const auto& p) { return Encode(p); }

Hash32 HashOf(const std::string& text) { return Sha256Of(AsBytes(text)); }

class Planner {
 public:
  Planner(const std::vector<std::string>& countries, const PlanOptions& o)
      : countries_(countries), o_(o), rng_(o.seed), corridors_(Corridors(countries)) {
    plan_.tag = o.tag;
  }

  Plan Make() {
    Setup();
    plan_.setup_steps = plan_.steps.size();
    const auto days = static_cast<std::uint64_t>(std::ceil(o_.days));
    for (std::uint64_t day = 0; day < days; ++day) {
      // The season: about a third more in the harvest months, a third less in spring.
      const double doy = static_cast<double>((o_.first_day_of_year + day) % 365);
      const double season = 1 + 0.3 * std::sin(2 * std::numbers::pi * (doy - 100) / 365);
      const double share = std::min(1.0, o_.days - static_cast<double>(day));
      std::poisson_distribution<int> transits(o_.transits_per_day * season * share);
      std::poisson_distribution<int> certificates(o_.certificates_per_day * season * share);
      const int nt = transits(rng_), nc = certificates(rng_);
      // A part of a day (the last of --days 2.5, say) is the first hours of that day.
      const auto hours = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(share * kDay));
      for (int i = 0; i < nt; ++i) Transit(day * kDay + Uniform(0, hours - 1));
      for (int i = 0; i < nc; ++i) Certificate(day * kDay + Uniform(0, hours - 1));
    }
    Governance();
    // Setup first, then in time order (ties in the order planned). A step's `after` keeps
    // pointing at the same step.
    std::vector<std::size_t> order(plan_.steps.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(
        order.begin() + static_cast<std::ptrdiff_t>(plan_.setup_steps), order.end(),
        [&](std::size_t a, std::size_t b) { return plan_.steps[a].at_ms < plan_.steps[b].at_ms; });
    std::vector<std::size_t> where(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) where[order[i]] = i;
    std::vector<Step> sorted;
    sorted.reserve(order.size());
    for (std::size_t i : order) {
      sorted.push_back(std::move(plan_.steps[i]));
      if (sorted.back().after) sorted.back().after = where[*sorted.back().after];
    }
    plan_.steps = std::move(sorted);
    return std::move(plan_);
  }

 private:
  std::uint64_t Uniform(std::uint64_t lo, std::uint64_t hi) { return lo + rng_() % (hi - lo + 1); }
  bool Percent(int p) { return static_cast<int>(rng_() % 100) < p; }

  std::size_t Add(std::uint64_t at, const std::string& country, Actor actor, TxType type,
                  std::function<Bytes(const Context&)> payload,
                  std::optional<std::size_t> after = std::nullopt) {
    plan_.steps.push_back({at, country, actor, type, std::move(payload), after});
    return plan_.steps.size() - 1;
  }
  void Expect(const std::string& indicator, const std::string& group, std::uint64_t ms) {
    plan_.expected[indicator][group].push_back(ms);
  }

  // Each administration registers its border office and accredits its chamber, grants
  // its AEO programme to four operators; the pairs of neighbours on a corridor sign an
  // arrangement recognising each other's AEOs.
  void Setup() {
    for (const std::string& c : countries_) {
      const std::string code = plan_.office_code(c), id = plan_.chamber_id(c);
      Add(0, c, Actor::kAdministrator, TxType::kRegisterOffice, [c, code](const Context& x) {
        return Payload(contracts::RegisterOffice{code, c + " border office", x.office_keys.at(c)});
      });
      Add(0, c, Actor::kAdministrator, TxType::kAccreditIssuer, [c, id](const Context& x) {
        return Payload(contracts::AccreditIssuer{id, c + " chamber of commerce",
                                                 x.chamber_keys.at(c),
                                                 contracts::kScopeCertificateOfOrigin});
      });
      for (int i = 0; i < 4; ++i) {
        const Hash32 op = Operator(c, i);
        Add(0, c, Actor::kAdministrator, TxType::kSetAeoStatus, [op, c](const Context& x) {
          return Payload(contracts::SetAeoStatus{op, contracts::AeoStatus::kGranted, "AEO-" + c, 0,
                                                 x.now_ms + kYearMs});
        });
      }
    }
    for (const auto& pair : Pairs()) {
      // Named copies: lambdas cannot capture structured bindings in C++20 (clang says so).
      const std::string a = pair.first, b = pair.second;
      const std::string id = "MRA-" + a + "-" + b + "-" + o_.tag;
      const std::size_t propose =
          Add(0, a, Actor::kAdministrator, TxType::kProposeMra, [b, id](const Context& x) {
            return Payload(contracts::ProposeMra{b, id, {}, 0, x.now_ms + kYearMs});
          });
      Add(
          0, b, Actor::kAdministrator, TxType::kAcceptMra,
          [a](const Context&) { return Payload(contracts::AcceptMra{a}); }, propose);
    }
  }

  // In the plan's time: each administration suspends one of its AEOs a month; the first
  // arrangement is suspended halfway and resumed at three quarters by the same side.
  void Governance() {
    const auto span = static_cast<std::uint64_t>(o_.days * static_cast<double>(kDay));
    for (std::uint64_t at = 15 * kDay; at < span; at += 30 * kDay) {
      for (const std::string& c : countries_) {
        const Hash32 op = Operator(c, static_cast<int>(at / (30 * kDay)) % 4);
        Add(at + Uniform(0, kDay), c, Actor::kAdministrator, TxType::kSetAeoStatus,
            [op, c](const Context& x) {
              return Payload(contracts::SetAeoStatus{op, contracts::AeoStatus::kSuspended,
                                                     "AEO-" + c, 0, x.now_ms + kYearMs});
            });
      }
    }
    const auto pairs = Pairs();
    if (pairs.empty() || span < 4 * kHour) return;
    const std::string a = pairs.begin()->first, b = pairs.begin()->second;
    const std::size_t suspend =
        Add(span / 2, a, Actor::kAdministrator, TxType::kSetMraStatus, [b](const Context&) {
          return Payload(contracts::SetMraStatus{b, contracts::MraAction::kSuspend});
        });
    // Only the side that suspended an arrangement may resume it, once the suspension is in
    // (at high speeds the two are milliseconds apart).
    Add(
        span * 3 / 4, a, Actor::kAdministrator, TxType::kSetMraStatus,
        [b](const Context&) {
          return Payload(contracts::SetMraStatus{b, contracts::MraAction::kResume});
        },
        suspend);
  }

  // A consignment along a corridor: opened at the departure office, out of each country
  // after the road there, into the next after the wait at its border (now and then a
  // long one), a seal check on the way now and then, its pre-arrival declaration
  // anchored by the destination, terminated at the destination office.
  void Transit(std::uint64_t at) {
    const std::vector<std::string>& route = corridors_[rng_() % corridors_.size()];
    const std::string mrn = "26" + route[0] + o_.tag + std::to_string(++transits_);
    std::string corridor;
    for (const std::string& c : route) corridor += (corridor.empty() ? "" : "-") + c;
    const std::string destination = plan_.office_code(route.back());
    const std::uint64_t opened = at;
    std::size_t last = Add(at, route[0], Actor::kOffice, TxType::kOpenTransit, [=](const Context&) {
      return Payload(contracts::OpenTransit{mrn, route, destination, HashOf("guarantee " + mrn),
                                            HashOf("manifest " + mrn), HashOf("seals " + mrn)});
    });
    int n = 0;
    auto event = [&](const std::string& country, contracts::TransitEventKind kind) {
      const Hash32 note = HashOf("note " + mrn + "/" + std::to_string(n++));
      last = Add(
          at, country, Actor::kOffice, TxType::kTransitEvent,
          [=](const Context&) {
            return Payload(contracts::TransitEvent{mrn, kind, true, note});
          },
          last);
    };
    for (std::size_t k = 0; k + 1 < route.size(); ++k) {
      if (Percent(10)) {
        at += Uniform(kHour, 3 * kHour);
        event(route[k], contracts::TransitEventKind::kSealCheck);
      }
      at += Uniform(2 * kHour, 20 * kHour);
      const std::uint64_t exit = at;
      event(route[k], contracts::TransitEventKind::kExit);
      at += Uniform(15 * kMinute, 4 * kHour);
      if (Percent(12)) at += Uniform(4 * kHour, 36 * kHour);  // A queue at the border.
      if (k + 2 == route.size()) {
        // Declared to the destination before the goods arrive.
        const std::uint64_t lead = Uniform(kHour, 6 * kHour);
        const std::uint64_t declared = at > exit + lead ? at - lead : exit;
        Add(declared, route.back(), Actor::kAdministrator, TxType::kAnchorDocument,
            [=](const Context&) {
              return Payload(contracts::AnchorDocument{contracts::DocumentType::kOther,
                                                       HashOf("pre-arrival declaration " + mrn),
                                                       "PRE-" + mrn});
            });
      }
      event(route[k + 1], contracts::TransitEventKind::kEntry);
      Expect("crossing_time", route[k] + ">" + route[k + 1], at - exit);
    }
    at += Uniform(kHour, 8 * kHour);
    Add(
        at, route.back(), Actor::kOffice, TxType::kTerminateTransit,
        [=](const Context&) { return Payload(contracts::TransitRef{mrn}); }, last);
    Expect("transit_time", corridor, at - opened);
  }

  // A certificate of origin from the chamber of a corridor's first country for goods to
  // its last: now and then revoked, or corrected before its first use; used at import in
  // one to three parts; now and then verified after its last use.
  void Certificate(std::uint64_t at) {
    const std::vector<std::string>& route = corridors_[rng_() % corridors_.size()];
    const std::string& x = route[0];
    const std::string& y = route.back();
    std::string number = x + "/" + o_.tag + "/" + std::to_string(++certificates_);
    const std::string heading = Headings()[rng_() % Headings().size()];
    const std::uint64_t quantity = Uniform(10, 200) * 500;
    auto issue = [=](const std::string& n, const Context& c) {
      contracts::CertificateIssue i;
      i.number = n;
      i.document_hash = HashOf("certificate of origin " + n);
      i.exporting_country = x;
      i.importing_country = y;
      i.issued_ms = c.now_ms - kMinute;
      i.valid_until_ms = c.now_ms + kYearMs;
      i.hs_headings = {heading};
      i.quantity = quantity;
      i.unit = "kg";
      return i;
    };
    const std::uint64_t issued = at;
    std::size_t last =
        Add(at, x, Actor::kChamber, TxType::kIssueCertificates, [=](const Context& c) {
          return Payload(contracts::IssueCertificates{{issue(number, c)}});
        });
    const int fate = static_cast<int>(rng_() % 100);
    if (fate < 3) {  // Revoked (found wrong at the chamber): never used.
      at += Uniform(kHour, 2 * kDay);
      Add(
          at, x, Actor::kChamber, TxType::kRevokeCertificate,
          [=](const Context&) {
            return Payload(contracts::RevokeCertificate{number, 1});
          },
          last);
      return;
    }
    if (fate < 8) {  // Corrected before its first use: the same issue time carries on.
      const std::string old = number;
      number += "-R";
      at += Uniform(10 * kMinute, 5 * kHour);
      last = Add(
          at, x, Actor::kChamber, TxType::kReplaceCertificate,
          [=](const Context& c) {
            return Payload(contracts::ReplaceCertificate{old, issue(number, c)});
          },
          last);
    }
    const int parts = 1 + static_cast<int>(rng_() % 3);
    for (int u = 0; u < parts; ++u) {
      at += u == 0 ? Uniform(6 * kHour, 10 * kDay) : Uniform(kHour, 5 * kDay);
      if (u == 0) Expect("origin_issue_to_first_use", "", at - issued);
      const Hash32 declaration = HashOf("import declaration " + number + "/" + std::to_string(u));
      last = Add(
          at, y, Actor::kOffice, TxType::kUseCertificate,
          [=](const Context&) {
            return Payload(contracts::UseCertificate{x, number, declaration,
                                                     quantity / static_cast<std::uint64_t>(parts)});
          },
          last);
    }
    if (Percent(15)) {  // A retroactive verification, asked of the exporting country.
      at += Uniform(kHour, 3 * kDay);
      const std::uint64_t requested = at;
      last = Add(
          at, y, Actor::kOffice, TxType::kRequestVerification,
          [=](const Context&) {
            return Payload(contracts::RequestVerification{x, number});
          },
          last);
      at += Uniform(2 * kHour, 5 * kDay);
      Add(
          at, x, Actor::kAdministrator, TxType::kAnswerVerification,
          [=](const Context&) {
            return Payload(contracts::AnswerVerification{number, true, 0});
          },
          last);
      Expect("verification_request_to_answer", "", at - requested);
    }
  }

  Hash32 Operator(const std::string& country, int i) const {
    return HashOf("operator " + country + "-" + std::to_string(i) + " " + o_.tag);
  }

  // Neighbours on a corridor, each pair once, in alphabetical order.
  std::set<std::pair<std::string, std::string>> Pairs() const {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& route : corridors_) {
      for (std::size_t k = 0; k + 1 < route.size(); ++k) {
        out.insert(std::minmax(route[k], route[k + 1]));
      }
    }
    return out;
  }

  const std::vector<std::string> countries_;
  const PlanOptions o_;
  std::mt19937_64 rng_;
  const std::vector<std::vector<std::string>> corridors_;
  Plan plan_;
  std::uint64_t transits_ = 0, certificates_ = 0;
};

}  // namespace

std::string Plan::office_code(const std::string& country) const {
  return country + "-BORDER-" + tag;
}
std::string Plan::chamber_id(const std::string& country) const {
  return "CCI-" + country + "-" + tag;
}

std::vector<std::vector<std::string>> Corridors(const std::vector<std::string>& countries) {
  const std::set<std::string> have(countries.begin(), countries.end());
  std::vector<std::vector<std::string>> out;
  for (const auto& route : KnownCorridors()) {
    if (std::all_of(route.begin(), route.end(),
                    [&](const std::string& c) { return have.count(c); })) {
      out.push_back(route);
    }
  }
  for (std::size_t i = 0; out.size() < 2 && i + 1 < countries.size(); ++i) {
    std::vector<std::string> pair = {countries[i], countries[i + 1]};
    if (std::find(out.begin(), out.end(), pair) == out.end()) out.push_back(pair);
    if (out.size() < 2) {
      std::vector<std::string> back = {countries[i + 1], countries[i]};
      if (std::find(out.begin(), out.end(), back) == out.end()) out.push_back(back);
    }
  }
  return out;
}

Plan MakePlan(const std::vector<std::string>& countries, const PlanOptions& options) {
  return Planner(countries, options).Make();
}

}  // namespace tamga::traffic
