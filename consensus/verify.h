// consensus/verify.h
// Checks of everything a peer sends to consensus, done by the core's owner before the
// event reaches Core::Handle (which assumes them): signatures, authors in range, quorum
// sizes, and the links between a message and the certificates it carries.
//
// A QC is checked against the validator set of its own epoch. The one exception is the
// epoch's root QC (the genesis QC, or the previous epoch's QC of the block that ended it),
// which is accepted only if it certifies exactly what the root this verifier was given
// certifies (the owner committed that block itself).
//
// Thread-safety: immutable after construction; safe to share across threads.

#pragma once

#include "common/chain.h"
#include "common/status.h"
#include "consensus/crypto.h"
#include "consensus/rules.h"

namespace tamga::consensus {

class Verifier {
 public:
  // `checker` and `rules` must outlive this verifier.
  Verifier(ChainId chain, ValidatorSet set, QuorumCertificate root_qc,
           const SignatureChecker& checker, const Rules& rules = StandardRules());

  const ValidatorSet& validators() const { return set_; }
  const QuorumCertificate& root_qc() const { return root_qc_; }
  std::size_t quorum() const { return quorum_; }

  Status VerifyQc(const QuorumCertificate& qc) const;
  Status VerifyTc(const TimeoutCertificate& tc) const;
  Status VerifyVote(const Vote& vote) const;
  Status VerifyTimeout(const Timeout& timeout) const;
  // The proposer's signature, the justify QC, the TC if any, and that they fit the block.
  Status VerifyProposal(const Proposal& proposal) const;
  // A block a peer served with the QC that certifies it (catching up): the QC certifies
  // this header, the justify QC certifies its parent one height below, the transactions
  // match the header, and both QCs verify. The block id covers the header only, so
  // without these checks a peer could swap in other transactions or another QC.
  Status VerifyCertifiedBlock(const Block& block, const QuorumCertificate& qc) const;

 private:
  Status CheckSigner(ValidatorIndex who, std::string_view what) const;
  // The header fits its justify QC and its transactions.
  Status CheckBlockBody(const Block& block) const;
  // The root may be certified by several QCs (different signer subsets of one quorum): what
  // makes it the root is what it certifies.
  bool IsRoot(const QuorumCertificate& qc) const { return qc.data == root_qc_.data; }

  const ChainId chain_;
  const ValidatorSet set_;
  const QuorumCertificate root_qc_;
  const SignatureChecker& checker_;
  const Rules& rules_;
  const std::size_t quorum_;
};

// Round-robin leader of `round` in a set of `n` validators. Rotation is deterministic from
// public data, so every node agrees without extra state; a crashed leader costs one
// timeout every n rounds (docs/consensus.md says why not reputation yet).
ValidatorIndex LeaderOf(Round round, std::size_t n);

}  // namespace tamga::consensus
