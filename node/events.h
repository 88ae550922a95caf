// node/events.h
// Committed records as events for national systems (risk management, single window): each
// record with the countries it concerns, and a hub that hands them to subscribers of a
// country (the API's Server-Sent Events stream, GET /v1/events?country=XX).
//
// An event is a function of the ledger alone: RecordEvent reads back, for any log index,
// the event that was published when its block committed. A stream that resumes from an id
// is served from the ledger up to the head, then from the hub.
//
// A record concerns the signer's country and the countries its payload names: a
// certificate's importing country (also for its revocation and a verification answer), the
// exporting country of a use or a verification request, an MRA's or an operator link's partner,
// every country of a transit's route.
//
// Thread-safety: not thread-safe; used on the node's io_context thread.

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ledger/ledger.h"
#include "ledger/records.h"
#include "ledger/state_tree.h"

namespace tamga::node {

struct CommittedRecord {
  std::uint64_t index = 0;  // In the ledger's log.
  Height height;
  std::uint64_t time_ms = 0;
  Hash32 tx;
  std::string type;
  std::string signer_country;
  std::vector<std::string> countries;  // Sorted, unique; includes the signer's.
  nlohmann::json Json() const;
};

// The countries `record` concerns, reading routes of transits from `state` (the state
// after its block).
std::vector<std::string> CountriesConcerned(const ledger::StateReader& state,
                                            const ledger::LogRecord& record,
                                            const std::string& signer_country);

// Signers' countries already read, for the records of one block (a batch of a thousand
// certificates has one signer).
using SignerCountries = std::map<PublicKey, std::string>;

// The event of log record `record` (number `index`) of committed block `block`; `state` is
// the state after that block. Pass the same `countries` for the records of one block.
CommittedRecord MakeEvent(const ledger::StateReader& state, const Block& block,
                          const ledger::LogRecord& record, std::uint64_t index,
                          SignerCountries& countries);

// What RecordEvent read last: records of one block come in a row, and share its block and
// the state after it. Pass the same cache for consecutive calls.
struct RecordEventCache {
  std::optional<Block> block;
  std::optional<ledger::TreeStateReader> state;  // After `block`.
  SignerCountries countries;                     // Of `block`'s signers.
};

// The event of the committed log record `index`, read back from `ledger`: equal to the one
// published when its block committed.
Result<CommittedRecord> RecordEvent(const ledger::Ledger& ledger, std::uint64_t index,
                                    RecordEventCache& cache);

class EventHub {
 public:
  // Returns false to unsubscribe (its reader has gone).
  using Sink = std::function<bool(const CommittedRecord&)>;
  static constexpr std::size_t kSubscribersMax = 64;

  // Calls `sink` for every record published from now on that concerns `country` (every
  // record if empty). Returns 0 when the subscriber cap is reached.
  std::uint64_t Subscribe(std::string country, Sink sink);
  // Safe from inside a sink: during Publish the subscriber is only marked, and removed
  // once no sink runs (a sink is never destroyed while it runs).
  void Unsubscribe(std::uint64_t id);
  void Publish(const std::vector<CommittedRecord>& records);
  std::size_t subscribers() const { return subs_.size(); }

 private:
  struct Subscriber {
    std::string country;
    Sink sink;
  };
  std::map<std::uint64_t, Subscriber> subs_;
  std::uint64_t next_id_ = 1;
  bool publishing_ = false;
  std::vector<std::uint64_t> leaving_;  // Unsubscribed during Publish.
};

}  // namespace tamga::node
