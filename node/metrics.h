// node/metrics.h
// What /metrics reports in Prometheus' text format (version 0.0.4): the node's counters,
// kept by the node on its thread, plus what its status shows (height, round, peers).
//
// Thread-safety: not thread-safe; the node and the API use it on the io_context's thread.

#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace tamga::node {

struct NodeStatus;

class Metrics {
 public:
  // Every vote-refusal reason, and the mempool_full refusal, start at 0: an alert on their
  // increase then sees the first one too (a series that appears at 1 has no increase).
  Metrics();

  // A transaction refused at admission, or rejected by the rules in a committed block, by
  // its stable code (Refused::code; contracts::ReasonCode), never by a sentence.
  void Refused(const std::string& reason) { ++refused_[reason]; }
  void Rejected(const std::string& reason) { ++rejected_[reason]; }
  // This validator did not vote for a proposal it had (consensus::VoteRefusalCode).
  void VoteRefused(const std::string& reason) { ++vote_refusals_[reason]; }
  // This validator gave up on a round (signed and broadcast a timeout for it).
  void RoundTimedOut() { ++round_timeouts_; }
  // A peer sent a consensus message this node had already verified; dropped unchecked.
  void PeerMessageRepeated() { ++peer_repeats_; }
  // From a block's proposal (its timestamp) to its commit on this node.
  void CommitLatency(std::uint64_t ms);
  // A record committed, by transaction type and the signer's country.
  void Record(const std::string& type, const std::string& country) { ++records_[{type, country}]; }
  void SyncedBlocks(std::uint64_t n) { synced_blocks_ += n; }
  void SyncTarget(std::uint64_t peer_height) {
    if (peer_height > sync_target_) sync_target_ = peer_height;
  }

  // The API's connections (node/connection_table.h): how many are open, and newcomers
  // that took an idle connection's place or were refused (every place they could take busy).
  void ApiConnectionsOpen(std::size_t n) { api_connections_ = n; }
  void ApiConnectionEvicted() { ++api_evicted_; }
  void ApiConnectionRefused() { ++api_refused_; }

  // An RFC 3161 request answered: "granted", or the rejection's failure ("badAlg", ...).
  void Timestamp(std::string_view outcome) { ++timestamps_[std::string(outcome)]; }

  std::string Render(const NodeStatus& status) const;

  // Upper bounds of the latency buckets, in milliseconds (then +Inf).
  static constexpr std::array<std::uint64_t, 12> kLatencyBucketsMs = {
      5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};

 private:
  std::map<std::string, std::uint64_t> refused_;
  std::map<std::string, std::uint64_t> rejected_;
  std::map<std::string, std::uint64_t> vote_refusals_;
  std::map<std::string, std::uint64_t> timestamps_;
  std::uint64_t round_timeouts_ = 0;
  std::uint64_t peer_repeats_ = 0;
  std::map<std::pair<std::string, std::string>, std::uint64_t> records_;
  std::array<std::uint64_t, kLatencyBucketsMs.size() + 1> latency_{};
  std::uint64_t latency_sum_ms_ = 0;
  std::uint64_t latency_count_ = 0;
  std::uint64_t synced_blocks_ = 0;
  std::uint64_t sync_target_ = 0;
  std::size_t api_connections_ = 0;
  std::uint64_t api_evicted_ = 0;
  std::uint64_t api_refused_ = 0;
};

}  // namespace tamga::node
