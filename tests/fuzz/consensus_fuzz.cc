// tests/fuzz/consensus_fuzz.cc
// Everything a peer sends to consensus, as the node takes it in: a frame decoded by
// net::DecodeEnvelope, then each proposal, vote, timeout and served block checked by
// consensus::Verifier against a set of four validators with real Ed25519 signatures
// (tests/support/samples.h signs the seeds with the same keys, so seeds reach past the
// signature checks and mutations explore what lies behind them). A verdict either way is
// fine; a crash, a sanitizer report or a hang is a finding.

#include <variant>

#include "consensus/crypto.h"
#include "consensus/verify.h"
#include "net/wire.h"
#include "tests/fuzz/fuzz.h"
#include "tests/support/samples.h"

namespace {

using namespace tamga;

const consensus::Verifier& TheVerifier() {
  static const consensus::Ed25519Checker checker;
  static const consensus::Verifier verifier = [] {
    ValidatorSet set;
    set.epoch = Epoch(0);
    for (std::uint8_t i = 1; i <= 4; ++i)
      set.validators.push_back(testing::TestKey(i).public_key());
    return consensus::Verifier(testing::TestChain(), set, testing::SampleQc(0, 3), checker);
  }();
  return verifier;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const consensus::Verifier& verifier = TheVerifier();
  auto envelope = net::DecodeEnvelope(fuzz::View(data, size), testing::TestChain());
  if (!envelope.ok()) return 0;
  std::visit(
      [&](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, Proposal>) {
          (void)verifier.VerifyProposal(m);
        } else if constexpr (std::is_same_v<M, Vote>) {
          (void)verifier.VerifyVote(m);
        } else if constexpr (std::is_same_v<M, Timeout>) {
          (void)verifier.VerifyTimeout(m);
        } else if constexpr (std::is_same_v<M, net::BlockResponse>) {
          for (const net::CommittedBlock& b : m.blocks) {
            (void)verifier.VerifyCertifiedBlock(b.block, b.qc);
          }
        } else if constexpr (std::is_same_v<M, Transaction>) {
          (void)m.VerifySignature();  // What the mempool checks first.
        }
      },
      envelope->body);
  return 0;
}
