// node/byzantine.h
// Test only: a validator that misbehaves on purpose ([testing] byzantine = "<mode>"), so the
// tests of shared/TESTING.md layer L5 can run Byzantine validators as real processes. The
// node's core stays honest; what it sends passes through Byzantine::Outgoing, which turns
// each message into what this mode sends instead, signed with the validator's own key where
// the lie needs a valid signature. Pure: no I/O, no clock.
//
// Thread-safety: not thread-safe; one owner.

#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "consensus/core.h"
#include "consensus/crypto.h"

namespace tamga::node {

enum class ByzantineMode {
  kEquivocate,      // As leader, a second block of the round to odd-numbered validators first.
  kDoubleVote,      // Each vote goes out with a second, for another block of the round.
  kBadSignatures,   // Every second message with its signature broken.
  kFutureVotes,     // Each vote also broadcast for a round 1,000 ahead.
  kSkewTimestamps,  // Its proposals dated 10 minutes ahead of its clock.
  kWithholdVotes,   // Never votes (still proposes and times out).
  kReplayOld,       // Each message followed by one it sent 8 messages before.
};

// The modes' names in the configuration: equivocate, double_vote, bad_signatures,
// future_votes, skew_timestamps, withhold_votes, replay_old.
Result<ByzantineMode> ParseByzantineMode(std::string_view name);
std::string_view ByzantineModeName(ByzantineMode mode);

class Byzantine {
 public:
  struct Send {
    std::optional<ValidatorIndex> to;  // nullopt: every other validator.
    consensus::Message message;
  };

  // `signer` (the validator's key) must outlive this.
  Byzantine(ByzantineMode mode, const consensus::Signer& signer) : mode_(mode), signer_(signer) {}

  // What this validator sends in place of `message` to `to` (nullopt: a broadcast), in a
  // set of `validators`.
  std::vector<Send> Outgoing(std::optional<ValidatorIndex> to, const consensus::Message& message,
                             std::size_t validators);

 private:
  Proposal Resigned(Proposal p) const;
  Vote Resigned(Vote v) const;

  const ByzantineMode mode_;
  const consensus::Signer& signer_;
  std::uint64_t sent_ = 0;
  std::deque<Send> history_;  // For kReplayOld.
};

}  // namespace tamga::node
