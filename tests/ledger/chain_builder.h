// tests/ledger/chain_builder.h
// Builds a chain on a real Ledger the way consensus and contracts would: blocks whose
// contents depend only on their height (so a crashed writer and a checker agree on every
// byte), executed with Prepare, certified by a quorum of real Ed25519 signatures and
// committed. Also changes the validator set with an epoch proof, as consensus does.
//
// Thread-safety: not thread-safe.

#pragma once

#include <cstdint>
#include <vector>

#include "common/ed25519.h"
#include "ledger/ledger.h"

namespace tamga::testing {

// Validators TestKey(first)..TestKey(first + n - 1).
std::vector<SecretKey> ValidatorKeys(std::size_t n, std::uint8_t first = 1);
ValidatorSet SetOf(const std::vector<SecretKey>& keys, Epoch epoch);
ledger::TrustAnchor TestAnchor(const std::vector<SecretKey>& keys);

// The document an anchor transaction at (height, i) anchors, and the state key under which
// the test chain stores it.
Bytes TestDocument(std::uint64_t height, std::size_t i);
Hash32 DocumentKey(const Hash32& document_hash);

class ChainBuilder {
 public:
  // Continues from the ledger's head; `keys` are the validators of the head's epoch.
  ChainBuilder(ledger::Ledger& ledger, std::vector<SecretKey> keys);

  // The next block, with `txs` anchor transactions (the same for the same height), its
  // round `round_step` after the previous one. Prepared, certified and committed.
  Status AppendBlock(std::size_t txs, std::uint64_t round_step = 1);
  // A block that hands over to `next_keys` for the next epoch, committed with an epoch
  // proof made of one certified (empty) block above it, as consensus produces it.
  Status AppendReconfiguration(std::vector<SecretKey> next_keys);
  // Commits `r`, whose `output` changes the validator set to `next_keys`' keys, the same way.
  Status CommitReconfiguration(const Block& r, ledger::BlockOutput output,
                               std::vector<SecretKey> next_keys);

  // The block AppendBlock would build at the next height (not committed).
  Block NextBlock(std::size_t txs, std::uint64_t round_step) const;
  // The next block, holding `txs`.
  Block NextBlockWith(std::vector<Transaction> txs, std::uint64_t round_step = 1) const;
  // Prepares `block` with `output`, certifies and commits it.
  Status CommitBlock(const Block& block, ledger::BlockOutput output,
                     const std::vector<CertifiedBlock>& epoch_proof = {});
  static ledger::BlockOutput AnchorOutput(const Block& block);
  QuorumCertificate Certify(const Block& block, const ExecutionResult& result) const;

  const std::vector<SecretKey>& keys() const { return keys_; }
  // Block times are the genesis time plus a second a height, plus whatever this added: a
  // test of time-dependent figures leaves gaps of hours or days between blocks.
  void AdvanceTime(std::uint64_t ms) { time_offset_ms_ += ms; }
  std::uint64_t TimeOf(Height h) const {
    return ledger_.anchor().genesis_time_ms + h.value() * 1000 + time_offset_ms_;
  }

 private:
  ledger::Ledger& ledger_;
  std::vector<SecretKey> keys_;
  BlockHeader last_;  // The head's header.
  QuorumCertificate last_qc_;
  Epoch epoch_;  // Of the next block.
  Round round_;  // Of the last block of epoch_ (0 right after an epoch change).
  std::uint64_t time_offset_ms_ = 0;
};

}  // namespace tamga::testing
