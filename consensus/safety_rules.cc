#include "consensus/safety_rules.h"

#include <algorithm>
#include <string>

namespace tamga::consensus {

void EncodeTo(Encoder& e, const SafetyData& v) {
  e.Id(v.epoch);
  e.Id(v.last_voted_round);
  e.Id(v.locked_round);
  e.Id(v.highest_timeout_round);
  e.Id(v.last_proposed_round);
  EncodeOptional(e, v.last_vote);
  e.Bool(v.lost);
}

void DecodeFrom(Decoder& d, SafetyData& v) {
  v.epoch = d.Id<Epoch>();
  v.last_voted_round = d.Id<Round>();
  v.locked_round = d.Id<Round>();
  v.highest_timeout_round = d.Id<Round>();
  v.last_proposed_round = d.Id<Round>();
  DecodeOptional(d, v.last_vote);
  v.lost = d.Bool();
}

SafetyRules::SafetyRules(SafetyData data, const Signer& signer, ChainId chain, ValidatorIndex self)
    : data_(std::move(data)), signer_(signer), chain_(chain), self_(self) {}

Round SafetyRules::RoundInEpoch(const QuorumCertificate& qc) const {
  // The root QC of an epoch certifies the previous epoch's last block: round 0 here.
  return qc.data.epoch == data_.epoch ? qc.data.round : Round(0);
}

Round SafetyRules::MaxHqcRound(const TimeoutCertificate& tc) {
  Round max;
  for (const auto& s : tc.signatures) max = std::max(max, s.high_qc_round);
  return max;
}

Result<SafetyRules::Signed> SafetyRules::SignVote(const Block& block, const ExecutionResult& result,
                                                  const std::optional<TimeoutCertificate>& tc) {
  const BlockHeader& h = block.header;
  if (data_.lost) {
    return Status::FailedPrecondition(
        "safety data was lost: refusing to vote until an operator resumes the validator");
  }
  if (h.epoch != data_.epoch) {
    return Status::FailedPrecondition("vote epoch " + h.epoch.ToString() + " != safety epoch " +
                                      data_.epoch.ToString());
  }
  // Re-request for the round already voted: the stored vote, byte for byte, and only if
  // it is for this very block; a different block in the same round gets nothing.
  if (data_.last_vote && data_.last_vote->data.round == h.round) {
    if (data_.last_vote->data.block_id == h.Id() && data_.last_vote->data.result == result) {
      return Signed{*data_.last_vote, data_, true};
    }
    return Status::FailedPrecondition("already voted in round " + h.round.ToString() +
                                      " for another block");
  }
  // Rule 1: strictly increasing voted rounds.
  if (h.round <= data_.last_voted_round) {
    return Status::FailedPrecondition("vote round " + h.round.ToString() + " <= last voted round " +
                                      data_.last_voted_round.ToString());
  }
  // Rule 2: the block extends the QC of the previous round, or a TC of the previous round
  // whose highest QC it does not go below.
  const Round qc_round = RoundInEpoch(block.justify);
  const bool extends_qc = h.round == qc_round.Next();
  const bool extends_tc =
      tc.has_value() && h.round == tc->round.Next() && qc_round >= MaxHqcRound(*tc);
  if (!extends_qc && !extends_tc) {
    return Status::FailedPrecondition(
        "not safe to vote in round " + h.round.ToString() + ": QC round " + qc_round.ToString() +
        (tc ? ", TC round " + tc->round.ToString() + " with highest QC round " +
                  MaxHqcRound(*tc).ToString()
            : ", no TC"));
  }
  // Observe the QC: the lock only grows. Any later timeout must carry a QC at least this
  // high, which is what keeps a committed block in every TC's view (docs/consensus.md).
  data_.locked_round = std::max(data_.locked_round, qc_round);

  VoteData vd{chain_, h.epoch, h.round, h.height, h.Id(), result};
  Vote vote{vd, self_, signer_.Sign(SignDomain::kVote, Encode(vd))};
  data_.last_voted_round = h.round;
  data_.last_vote = vote;
  return Signed{std::move(vote), data_, false};
}

Result<SafetyRules::SignedTimeout> SafetyRules::SignTimeout(
    Round round, const QuorumCertificate& high_qc,
    const std::optional<TimeoutCertificate>& last_tc) {
  if (data_.lost) {
    return Status::FailedPrecondition(
        "safety data was lost: refusing to time out until an operator resumes the validator");
  }
  if (high_qc.data.epoch > data_.epoch) {
    return Status::FailedPrecondition("timeout QC from epoch " + high_qc.data.epoch.ToString() +
                                      " ahead of safety epoch " + data_.epoch.ToString());
  }
  // A timeout may follow a vote in the same round, never an older round.
  if (round < data_.last_voted_round) {
    return Status::FailedPrecondition("timeout round " + round.ToString() + " < last voted round " +
                                      data_.last_voted_round.ToString());
  }
  const Round qc_round = RoundInEpoch(high_qc);
  const Round tc_round = last_tc ? last_tc->round : Round(0);
  const bool follows = round == qc_round.Next() || (last_tc && round == tc_round.Next());
  if (!follows || qc_round < data_.locked_round) {
    return Status::FailedPrecondition("not safe to time out round " + round.ToString() +
                                      " with QC round " + qc_round.ToString() + " (locked round " +
                                      data_.locked_round.ToString() + ")");
  }
  data_.last_voted_round = std::max(data_.last_voted_round, round);
  data_.highest_timeout_round = std::max(data_.highest_timeout_round, round);
  TimeoutData td{chain_, data_.epoch, round, qc_round};
  std::optional<TimeoutCertificate> tc;
  if (last_tc && round == tc_round.Next()) tc = last_tc;
  Timeout t{td, high_qc, std::move(tc), self_, signer_.Sign(SignDomain::kTimeout, Encode(td))};
  return SignedTimeout{std::move(t), data_};
}

Result<SafetyRules::SignedProposal> SafetyRules::SignProposal(const BlockHeader& header) {
  if (data_.lost) {
    return Status::FailedPrecondition("safety data was lost: refusing to propose");
  }
  if (header.epoch != data_.epoch || header.round <= data_.last_voted_round ||
      header.round <= data_.last_proposed_round) {
    return Status::FailedPrecondition(
        "proposal round " + header.round.ToString() + " not above last voted round " +
        data_.last_voted_round.ToString() + " and last proposed round " +
        data_.last_proposed_round.ToString());
  }
  data_.last_proposed_round = header.round;
  return SignedProposal{signer_.Sign(SignDomain::kProposal, header.Id().view()), data_};
}

SafetyData SafetyRules::EnterEpoch(Epoch epoch, ValidatorIndex self) {
  TAMGA_CHECK(epoch > data_.epoch);
  self_ = self;
  const bool lost = data_.lost;
  data_ = SafetyData{};
  data_.epoch = epoch;
  data_.lost = lost;
  return data_;
}

SafetyData SafetyRules::ResumeAfterDataLoss(Epoch epoch, Round round, Round highest_qc_round) {
  data_ = SafetyData{};
  data_.epoch = epoch;
  data_.last_voted_round = round;
  data_.highest_timeout_round = round;
  data_.last_proposed_round = round;
  // The lock it had is unknown, but it was the round of a QC it held: below `round` (it
  // signed in that round), and at most its highest kept QC. Locking there keeps its
  // future timeouts honest. Locking higher (just below `round`) would wait for a QC of
  // that round, which may never exist: the round may have ended by a TC, and then the
  // node could never time out again and a quorum that needs it would stall.
  const Round below = round.value() > 0 ? Round(round.value() - 1) : Round(0);
  data_.locked_round = std::min(below, highest_qc_round);
  return data_;
}

}  // namespace tamga::consensus
