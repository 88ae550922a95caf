#include "consensus/verify.h"

#include <algorithm>
#include <string>

#include "common/merkle.h"

namespace tamga::consensus {

ValidatorIndex LeaderOf(Round round, std::size_t n) {
  TAMGA_CHECK(n > 0);
  return ValidatorIndex(static_cast<std::uint32_t>(round.value() % n));
}

Verifier::Verifier(ChainId chain, ValidatorSet set, QuorumCertificate root_qc,
                   const SignatureChecker& checker, const Rules& rules)
    : chain_(chain),
      set_(std::move(set)),
      root_qc_(std::move(root_qc)),
      checker_(checker),
      rules_(rules),
      quorum_(rules.Quorum(set_.size())) {}

Status Verifier::CheckSigner(ValidatorIndex who, std::string_view what) const {
  if (who.value() >= set_.size()) {
    return Status::PermissionDenied(std::string(what) + " by validator " + who.ToString() +
                                    ", not in the " + std::to_string(set_.size()) +
                                    "-member set of epoch " + set_.epoch.ToString());
  }
  return Status::Ok();
}

Status Verifier::VerifyQc(const QuorumCertificate& qc) const {
  if (IsRoot(qc)) return Status::Ok();
  if (qc.data.chain_id != chain_) return Status::PermissionDenied("QC of another chain");
  if (qc.data.epoch != set_.epoch) {
    return Status::PermissionDenied("QC of epoch " + qc.data.epoch.ToString() +
                                    ", verifier is for epoch " + set_.epoch.ToString());
  }
  const bool once = rules_.SignerCountsOnce();
  if (once) TAMGA_RETURN_IF_ERROR(CheckSignerOrder(qc));
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < qc.signatures.size(); ++i) {
    if (i == 0 || !(qc.signatures[i].signer == qc.signatures[i - 1].signer) || !once) {
      ++distinct;
    }
  }
  if (distinct < quorum_) {
    return Status::PermissionDenied("QC for round " + qc.data.round.ToString() + " has " +
                                    std::to_string(distinct) + " signers, quorum is " +
                                    std::to_string(quorum_));
  }
  const Bytes msg = Encode(qc.data);
  for (const auto& s : qc.signatures) {
    TAMGA_RETURN_IF_ERROR(CheckSigner(s.signer, "QC signature"));
    if (!checker_.Verify(set_.validators[s.signer.value()], SignDomain::kVote, msg, s.signature)) {
      return Status::BadSignature("QC for round " + qc.data.round.ToString() +
                                  ": signature of validator " + s.signer.ToString() +
                                  " does not verify");
    }
  }
  return Status::Ok();
}

Status Verifier::VerifyTc(const TimeoutCertificate& tc) const {
  if (tc.chain_id != chain_) return Status::PermissionDenied("TC of another chain");
  if (tc.epoch != set_.epoch) {
    return Status::PermissionDenied("TC of epoch " + tc.epoch.ToString() +
                                    ", verifier is for epoch " + set_.epoch.ToString());
  }
  TAMGA_RETURN_IF_ERROR(CheckSignerOrder(tc));
  if (tc.signatures.size() < quorum_) {
    return Status::PermissionDenied("TC for round " + tc.round.ToString() + " has " +
                                    std::to_string(tc.signatures.size()) + " signers, quorum is " +
                                    std::to_string(quorum_));
  }
  for (const auto& s : tc.signatures) {
    TAMGA_RETURN_IF_ERROR(CheckSigner(s.signer, "TC signature"));
    if (s.high_qc_round >= tc.round) {
      return Status::InvalidArgument("TC entry of validator " + s.signer.ToString() +
                                     " claims a QC of round " + s.high_qc_round.ToString() +
                                     " >= TC round " + tc.round.ToString());
    }
    const TimeoutData td{tc.chain_id, tc.epoch, tc.round, s.high_qc_round};
    if (!checker_.Verify(set_.validators[s.signer.value()], SignDomain::kTimeout, Encode(td),
                         s.signature)) {
      return Status::BadSignature("TC for round " + tc.round.ToString() +
                                  ": signature of validator " + s.signer.ToString() +
                                  " does not verify");
    }
  }
  return Status::Ok();
}

Status Verifier::VerifyVote(const Vote& vote) const {
  if (vote.data.chain_id != chain_) return Status::PermissionDenied("vote of another chain");
  if (vote.data.epoch != set_.epoch) {
    return Status::PermissionDenied("vote of epoch " + vote.data.epoch.ToString());
  }
  TAMGA_RETURN_IF_ERROR(CheckSigner(vote.author, "vote"));
  if (!checker_.Verify(set_.validators[vote.author.value()], SignDomain::kVote, Encode(vote.data),
                       vote.signature)) {
    return Status::BadSignature("vote of validator " + vote.author.ToString() + " for round " +
                                vote.data.round.ToString() + " does not verify");
  }
  return Status::Ok();
}

Status Verifier::VerifyTimeout(const Timeout& t) const {
  if (t.data.chain_id != chain_) return Status::PermissionDenied("timeout of another chain");
  if (t.data.epoch != set_.epoch) {
    return Status::PermissionDenied("timeout of epoch " + t.data.epoch.ToString());
  }
  TAMGA_RETURN_IF_ERROR(CheckSigner(t.author, "timeout"));
  const Round qc_round = IsRoot(t.high_qc) ? Round(0) : t.high_qc.data.round;
  if (qc_round != t.data.high_qc_round) {
    return Status::InvalidArgument("timeout claims QC round " + t.data.high_qc_round.ToString() +
                                   " but carries a QC of round " + qc_round.ToString());
  }
  if (qc_round >= t.data.round) {
    return Status::InvalidArgument("timeout for round " + t.data.round.ToString() +
                                   " carries a QC of round " + qc_round.ToString());
  }
  if (!checker_.Verify(set_.validators[t.author.value()], SignDomain::kTimeout, Encode(t.data),
                       t.signature)) {
    return Status::BadSignature("timeout of validator " + t.author.ToString() + " for round " +
                                t.data.round.ToString() + " does not verify");
  }
  return VerifyQc(t.high_qc);
}

Status Verifier::CheckBlockBody(const Block& b) const {
  const BlockHeader& h = b.header;
  const QuorumCertificate& qc = b.justify;
  if (qc.data.block_id != h.parent_id) {
    return Status::InvalidArgument("block's QC certifies " + qc.data.block_id.ShortHex() +
                                   ", not its parent " + h.parent_id.ShortHex());
  }
  if (h.height != qc.data.height.Next()) {
    return Status::InvalidArgument("block height " + h.height.ToString() +
                                   " is not parent height + 1");
  }
  const Round qc_round = IsRoot(qc) ? Round(0) : qc.data.round;
  if (h.round <= qc_round) {
    return Status::InvalidArgument("block round " + h.round.ToString() + " <= its QC round " +
                                   qc_round.ToString());
  }
  if (h.transaction_count != b.transactions.size()) {
    return Status::InvalidArgument("header counts " + std::to_string(h.transaction_count) +
                                   " transactions, block has " +
                                   std::to_string(b.transactions.size()));
  }
  // Hashed afresh (a cached list is not trusted here) and kept with the block, so what runs
  // after the check uses the ids it checked.
  if (MerkleRoot(b.ComputeTxIds()) != h.payload_root) {
    return Status::InvalidArgument("block's payload root does not match its transactions");
  }
  return Status::Ok();
}

Status Verifier::VerifyCertifiedBlock(const Block& block, const QuorumCertificate& qc) const {
  if (block.header.chain_id != chain_ || block.header.epoch != set_.epoch) {
    return Status::PermissionDenied("served block of another chain or epoch");
  }
  if (qc.data.block_id != block.header.Id() || qc.data.height != block.header.height ||
      qc.data.round != block.header.round) {
    return Status::InvalidArgument("served QC does not certify the served block");
  }
  TAMGA_RETURN_IF_ERROR(CheckBlockBody(block));
  TAMGA_RETURN_IF_ERROR(VerifyQc(qc));
  return VerifyQc(block.justify);
}

Status Verifier::VerifyProposal(const Proposal& p) const {
  const BlockHeader& h = p.block.header;
  if (h.chain_id != chain_) return Status::PermissionDenied("proposal of another chain");
  if (h.epoch != set_.epoch) {
    return Status::PermissionDenied("proposal of epoch " + h.epoch.ToString());
  }
  TAMGA_RETURN_IF_ERROR(CheckSigner(h.proposer, "proposal"));
  if (!(h.proposer == LeaderOf(h.round, set_.size()))) {
    return Status::PermissionDenied("proposal for round " + h.round.ToString() + " by validator " +
                                    h.proposer.ToString() + ", the leader is " +
                                    LeaderOf(h.round, set_.size()).ToString());
  }
  TAMGA_RETURN_IF_ERROR(CheckBlockBody(p.block));
  const QuorumCertificate& qc = p.block.justify;
  const Round qc_round = IsRoot(qc) ? Round(0) : qc.data.round;
  if (p.last_round_tc) {
    if (p.last_round_tc->round.Next() != h.round) {
      return Status::InvalidArgument("proposal for round " + h.round.ToString() +
                                     " carries a TC of round " + p.last_round_tc->round.ToString());
    }
    TAMGA_RETURN_IF_ERROR(VerifyTc(*p.last_round_tc));
  } else if (qc_round.Next() != h.round) {
    return Status::InvalidArgument("proposal for round " + h.round.ToString() +
                                   " skips from QC round " + qc_round.ToString() + " without a TC");
  }
  if (!checker_.Verify(set_.validators[h.proposer.value()], SignDomain::kProposal, h.Id().view(),
                       p.signature)) {
    return Status::BadSignature("proposal signature of validator " + h.proposer.ToString() +
                                " does not verify");
  }
  return VerifyQc(qc);
}

}  // namespace tamga::consensus
