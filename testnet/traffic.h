// testnet/traffic.h
// A synthetic stretch of CAREC trade, as a schedule of transactions (issue #21): chambers
// of commerce issuing certificates of origin for real HS headings with a seasonal volume,
// used at import in one to three parts, some corrected, revoked or verified afterwards;
// AEO programmes with their grants and suspensions; mutual-recognition arrangements
// proposed, accepted, suspended and resumed; transits along the corridors the
// administrations lie on, with border exits and entries after plausible travel and dwell
// times, seal checks, pre-arrival declarations anchored by the destination, and their
// termination. `tamga-traffic` (testnet/traffic_main.cc) plays a plan through the API of a
// running testnet; the plan also keeps its own account of every interval the
// time-release indicators (audit/kpi.h) will measure, so the node's figures can be
// checked against it.
//
// Times are simulated milliseconds from the start of the plan; the player maps them onto
// the wall clock at a chosen speed, and blocks carry the wall clock's time, so the
// figures a node computes are the plan's durations divided by that speed.
//
// Thread-safety: pure; the same countries and options give the same plan.

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/ed25519.h"
#include "contracts/model.h"

namespace tamga::traffic {

// Who signs a step: its country's administrator, border office or chamber of commerce.
enum class Actor : std::uint8_t { kAdministrator, kOffice, kChamber };

// What a payload is built with when its step is sent.
struct Context {
  std::uint64_t now_ms = 0;  // The wall clock (certificates are dated by it).
  // The keys the player made for each country's office and chamber.
  std::map<std::string, PublicKey> office_keys, chamber_keys;
};

struct Step {
  std::uint64_t at_ms = 0;  // Simulated time from the plan's start; setup steps at 0.
  std::string country;      // The signer's administration.
  Actor actor = Actor::kAdministrator;
  contracts::TxType type = contracts::TxType::kAnchorDocument;
  std::function<Bytes(const Context&)> payload;
  // A step that must be committed before this one is sent (the same transit's or
  // certificate's previous step).
  std::optional<std::size_t> after;
};

struct PlanOptions {
  std::uint64_t seed = 1;
  double days = 1;               // Simulated days of trade after the setup.
  double transits_per_day = 24;  // Averages over the year; the season moves them.
  double certificates_per_day = 36;
  std::uint32_t first_day_of_year = 0;  // Where in the year the plan starts (0: 1 January).
  // Made part of every code, number and MRN, so that plans can be played one after another
  // on one chain.
  std::string tag = "T1";
};

// What the indicators will count over the plan's whole time, in simulated milliseconds,
// by the names audit/kpi.h gives them: "transit_time" by corridor, "crossing_time" by
// crossing, "origin_issue_to_first_use" and "verification_request_to_answer" (group "").
using Expected = std::map<std::string, std::map<std::string, std::vector<std::uint64_t>>>;

struct Plan {
  std::vector<Step> steps;  // The setup first, then in time order.
  std::size_t setup_steps = 0;
  Expected expected;
  std::string office_code(const std::string& country) const;
  std::string chamber_id(const std::string& country) const;
  std::string tag;
};

// The routes goods take between `countries` (the testnet's administrations): the real
// CAREC corridors among them first (KZ-KG-UZ, CN-KZ, UZ-TJ, AF-UZ, ...), else each
// neighbouring pair in the order given, at least two routes whenever there are two
// countries.
std::vector<std::vector<std::string>> Corridors(const std::vector<std::string>& countries);

// REQUIRES: at least two countries, each a two-letter code.
Plan MakePlan(const std::vector<std::string>& countries, const PlanOptions& options);

}  // namespace tamga::traffic
