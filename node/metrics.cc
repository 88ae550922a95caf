// node/metrics.cc

#include "node/metrics.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

#include "consensus/core.h"
#include "node/api_codes.h"
#include "node/node.h"

namespace tamga::node {

Metrics::Metrics() {
  for (auto reason : {consensus::VoteRefusalReason::kHeightNotNext,
                      consensus::VoteRefusalReason::kTimestampNotAfterParent,
                      consensus::VoteRefusalReason::kTimestampAhead,
                      consensus::VoteRefusalReason::kTransactionsAfterReconfiguration,
                      consensus::VoteRefusalReason::kSafetyRules}) {
    vote_refusals_[std::string(consensus::VoteRefusalCode(reason))] = 0;
  }
  refused_[std::string(ApiCodeName(ApiCode::kMempoolFull))] = 0;
}

void Metrics::CommitLatency(std::uint64_t ms) {
  std::size_t i = 0;
  while (i < kLatencyBucketsMs.size() && ms > kLatencyBucketsMs[i]) ++i;
  ++latency_[i];
  latency_sum_ms_ += ms;
  ++latency_count_;
}

namespace {

// Label values are our own identifiers (reason codes, type names, country codes); quoted
// and escaped anyway, as the format asks.
std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Header(std::ostringstream& o, const char* name, const char* type, const char* help) {
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

}  // namespace

std::string Metrics::Render(const NodeStatus& s) const {
  std::ostringstream o;
  Header(o, "tamga_height", "gauge", "Height of the last committed block.");
  o << "tamga_height " << s.head.height.value() << "\n";
  Header(o, "tamga_round", "gauge", "Current consensus round.");
  o << "tamga_round " << s.round.value() << "\n";
  Header(o, "tamga_epoch", "gauge", "Current epoch (validator set).");
  o << "tamga_epoch " << s.epoch.value() << "\n";
  Header(o, "tamga_validators", "gauge", "Validators in the current set.");
  o << "tamga_validators " << s.head.validators.validators.size() << "\n";
  Header(o, "tamga_log_size", "gauge", "Records in the ledger's log.");
  o << "tamga_log_size " << s.head.result.log_size << "\n";
  Header(o, "tamga_mempool_transactions", "gauge", "Transactions waiting for a block.");
  o << "tamga_mempool_transactions " << s.mempool << "\n";
  std::size_t connected = 0;
  for (const auto& p : s.peers) connected += p.connected ? 1 : 0;
  Header(o, "tamga_peers_connected", "gauge", "Peers with an authenticated link.");
  o << "tamga_peers_connected " << connected << "\n";
  std::size_t validators_connected = 0;
  for (const auto& p : s.peers) {
    const auto& set = s.head.validators.validators;
    if (p.connected && std::find(set.begin(), set.end(), p.key) != set.end()) {
      ++validators_connected;
    }
  }
  Header(o, "tamga_validator_peers_connected", "gauge",
         "Validators of the current set this node has an authenticated link to (observers "
         "not counted).");
  o << "tamga_validator_peers_connected " << validators_connected << "\n";
  Header(o, "tamga_peers_known", "gauge", "Peers this node dials or admits.");
  o << "tamga_peers_known " << s.peers.size() << "\n";
  Header(o, "tamga_committed_transactions_total", "counter",
         "Transactions committed since the node started.");
  o << "tamga_committed_transactions_total " << s.committed_transactions << "\n";
  Header(o, "tamga_last_commit_timestamp_seconds", "gauge",
         "When this node last committed a block (its own clock; its start before the first), "
         "in seconds since the Unix epoch.");
  o << "tamga_last_commit_timestamp_seconds " << s.last_commit_unix_ms / 1000 << "." << std::setw(3)
    << std::setfill('0') << s.last_commit_unix_ms % 1000 << std::setfill(' ') << "\n";
  if (s.clock_offset_ms) {
    Header(o, "tamga_clock_offset_ms", "gauge", "Median of the peers' clocks minus ours.");
    o << "tamga_clock_offset_ms " << *s.clock_offset_ms << "\n";
  }

  Header(o, "tamga_commit_latency_seconds", "histogram",
         "From a block's proposal time to its commit on this node.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBucketsMs.size(); ++i) {
    cumulative += latency_[i];
    o << "tamga_commit_latency_seconds_bucket{le=\"" << kLatencyBucketsMs[i] / 1000.0 << "\"} "
      << cumulative << "\n";
  }
  cumulative += latency_.back();
  o << "tamga_commit_latency_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
    << "tamga_commit_latency_seconds_sum " << latency_sum_ms_ / 1000 << "." << std::setw(3)
    << std::setfill('0') << latency_sum_ms_ % 1000 << std::setfill(' ') << "\n"
    << "tamga_commit_latency_seconds_count " << latency_count_ << "\n";

  Header(o, "tamga_transactions_refused_total", "counter",
         "Transactions refused at admission, by reason.");
  for (const auto& [reason, n] : refused_) {
    o << "tamga_transactions_refused_total{reason=\"" << Label(reason) << "\"} " << n << "\n";
  }
  Header(o, "tamga_transactions_rejected_total", "counter",
         "Transactions committed but rejected by the rules, by reason.");
  for (const auto& [reason, n] : rejected_) {
    o << "tamga_transactions_rejected_total{reason=\"" << Label(reason) << "\"} " << n << "\n";
  }
  Header(o, "tamga_vote_refusals_total", "counter",
         "Proposals this validator had but did not vote for, by reason.");
  for (const auto& [reason, n] : vote_refusals_) {
    o << "tamga_vote_refusals_total{reason=\"" << Label(reason) << "\"} " << n << "\n";
  }
  Header(o, "tamga_timestamps_total", "counter",
         "RFC 3161 requests answered: granted, or rejected by failure (badAlg, ...).");
  for (const auto& [outcome, n] : timestamps_) {
    o << "tamga_timestamps_total{outcome=\"" << Label(outcome) << "\"} " << n << "\n";
  }
  Header(o, "tamga_round_timeouts_total", "counter",
         "Timeouts this validator broadcast (re-sent ones included): rounds it gave up on.");
  o << "tamga_round_timeouts_total " << round_timeouts_ << "\n";
  Header(o, "tamga_peer_messages_repeated_total", "counter",
         "Consensus messages a peer sent again after this node had verified them (a re-sent "
         "timeout, or a flood): dropped before their signatures were checked.");
  o << "tamga_peer_messages_repeated_total " << peer_repeats_ << "\n";
  Header(o, "tamga_records_total", "counter",
         "Records committed since the node started, by transaction type and signer's country.");
  for (const auto& [key, n] : records_) {
    o << "tamga_records_total{type=\"" << Label(key.first) << "\",country=\"" << Label(key.second)
      << "\"} " << n << "\n";
  }
  Header(o, "tamga_sync_blocks_total", "counter", "Blocks fetched from peers and accepted.");
  o << "tamga_sync_blocks_total " << synced_blocks_ << "\n";
  Header(o, "tamga_sync_target_height", "gauge", "Highest height a peer reported while syncing.");
  o << "tamga_sync_target_height " << sync_target_ << "\n";
  Header(o, "tamga_api_connections", "gauge", "Open connections to the HTTP API.");
  o << "tamga_api_connections " << api_connections_ << "\n";
  Header(o, "tamga_api_connections_evicted_total", "counter",
         "Idle API connections closed to make room for a newcomer.");
  o << "tamga_api_connections_evicted_total " << api_evicted_ << "\n";
  Header(o, "tamga_api_connections_refused_total", "counter",
         "New API connections refused: every place they could take was busy.");
  o << "tamga_api_connections_refused_total " << api_refused_ << "\n";
  return o.str();
}

}  // namespace tamga::node
