// consensus/safety_rules.h
// SafetyRules is the only code that decides "may I sign?". It holds the validator's
// persisted SafetyData and signs votes and timeouts only when the two-chain (Jolteon)
// voting rules allow it, in the shape of Aptos' safety_rules_2chain:
//
//   vote for block B of round r, with the TC of round r-1 if B skipped a round, iff
//     r > last_voted_round, and
//     r == B.justify.round + 1, or (r == tc.round + 1 and B.justify.round >= tc.max_hqc_round)
//   sign a timeout for round r holding a QC of round q (and the TC of r-1, if any) iff
//     r >= last_voted_round, q >= locked_round, and (r == q + 1 or r == tc.round + 1)
//
// Every signature updates SafetyData first; the caller must persist (and sync) the
// returned SafetyData before the vote or timeout leaves the node. A repeat request for
// the round already voted returns the stored vote byte for byte.
//
// If the node's safety data was lost (the key is there but the file is not), SafetyRules
// refuses to sign anything until an operator confirms a round from which it may resume
// (ResumeAfterDataLoss): without its history the node cannot know what it signed.
//
// Thread-safety: not thread-safe; owned by the core.

#pragma once

#include <cstdint>
#include <optional>

#include "common/chain.h"
#include "common/status.h"
#include "consensus/crypto.h"

namespace tamga::consensus {

struct SafetyData {
  Epoch epoch;
  Round last_voted_round;  // Highest round of any vote or timeout signed.
  Round locked_round;      // Highest QC round seen in a voted block: Jolteon's lock.
  Round highest_timeout_round;
  Round last_proposed_round;  // A leader proposes at most once per round, even across crashes.
  std::optional<Vote> last_vote;
  // Set when the safety data could not be recovered: nothing is signed until an operator
  // calls ResumeAfterDataLoss.
  bool lost = false;
  friend bool operator==(const SafetyData&, const SafetyData&) = default;
};
void EncodeTo(Encoder& e, const SafetyData& v);
void DecodeFrom(Decoder& d, SafetyData& v);

class SafetyRules {
 public:
  // `signer` must outlive this object.
  SafetyRules(SafetyData data, const Signer& signer, ChainId chain, ValidatorIndex self);

  struct Signed {
    Vote vote;
    SafetyData data;  // Persist (synced) before sending the vote.
    bool repeat;      // The stored vote for this round, unchanged: nothing new to persist.
  };
  // REQUIRES: block.justify certifies block.header.parent_id and tc (if any) is for
  // round block.header.round - 1; both already verified.
  Result<Signed> SignVote(const Block& block, const ExecutionResult& result,
                          const std::optional<TimeoutCertificate>& tc);

  struct SignedTimeout {
    Timeout timeout;
    SafetyData data;  // Persist (synced) before sending the timeout.
  };
  Result<SignedTimeout> SignTimeout(Round round, const QuorumCertificate& high_qc,
                                    const std::optional<TimeoutCertificate>& last_tc);

  // Signs a proposal for `header` as this round's leader: only for a round above every
  // round voted, timed out or proposed in, so a leader never proposes twice in a round or
  // in a round it has left. Persist the returned data before sending the proposal.
  struct SignedProposal {
    Signature signature;
    SafetyData data;
  };
  Result<SignedProposal> SignProposal(const BlockHeader& header);

  // Moves to a new epoch, in which this validator signs as `self`: rounds restart, so the
  // per-round watermarks reset.
  SafetyData EnterEpoch(Epoch epoch, ValidatorIndex self);
  // The operator's decision after data loss: sign nothing for rounds <= `round`.
  // `highest_qc_round`: the round (in `epoch`) of the highest QC the node kept (its
  // certificates are saved apart from the safety data, before any signature relies on
  // them, so the lost lock was at most that).
  SafetyData ResumeAfterDataLoss(Epoch epoch, Round round, Round highest_qc_round);

  const SafetyData& data() const { return data_; }

 private:
  static Round MaxHqcRound(const TimeoutCertificate& tc);
  Round RoundInEpoch(const QuorumCertificate& qc) const;

  SafetyData data_;
  const Signer& signer_;
  const ChainId chain_;
  ValidatorIndex self_;  // This validator's index in the current epoch's set.
};

}  // namespace tamga::consensus
