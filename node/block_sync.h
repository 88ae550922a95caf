// node/block_sync.h
// Block sync: serving certified blocks to a node that fell behind, and fetching them for
// this one. Every fetched block is checked (consensus::Verifier::VerifyCertifiedBlock)
// against the set of the epoch the node is in before the core sees it; a peer that serves
// a block that does not verify, or more blocks than asked, is dropped, and the next fetches
// go to other validators for a while.
//
// The daemon wires it to the ledger, the core and the transport (node/node.cc); the
// simulator (tests/sim) wires the same class to its simulated chain and network, so both
// run one piece of code.
//
// Thread-safety: not thread-safe; one owner.

#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "consensus/core.h"
#include "consensus/verify.h"
#include "net/wire.h"

namespace tamga::node {

struct SyncLimits {
  std::uint32_t fetch_blocks_max = 100;  // Asked for at once.
  // A reply may exceed the request by the epoch proofs that follow epoch-ending blocks.
  std::size_t served_blocks_max = 200;
  std::size_t reply_bytes_max = 12 << 20;  // Under the transport's 16 MiB frame cap.
  std::uint64_t distrust_ms = 60'000;      // How long a peer that lied is not asked.
  // Blocks delivered above the committed height at most, for chained requests: a node far
  // behind fetches ahead of what it has executed only this far, so its consensus tree and
  // memory stay small however long the chain it replays (OnCommitted asks for more).
  std::uint64_t ahead_blocks_max = 300;
};

// The committed chain a server reads.
class CommittedChain {
 public:
  virtual ~CommittedChain() = default;
  virtual Height head() const = 0;
  // The lowest height whose block this chain holds: 0, or the height a node started from
  // a snapshot at (it holds nothing below).
  virtual Height lowest() const { return Height(0); }
  virtual Result<CertifiedBlock> CommittedAt(Height h) const = 0;
  // The certified blocks that prove the change of validator set made by the block at `h`;
  // empty for a block that made none.
  virtual Result<std::vector<CertifiedBlock>> EpochProofAt(Height h) const = 0;
};

// The fetching node as sync sees it.
class SyncTarget {
 public:
  virtual ~SyncTarget() = default;
  virtual Epoch epoch() const = 0;
  virtual Height committed() const = 0;
  // The verifier of the current epoch (it changes when a delivered block ends an epoch).
  virtual const consensus::Verifier& verifier() const = 0;
  // Hands verified blocks, in height order, to the core in one event (BlocksFetched).
  virtual void Deliver(std::vector<CertifiedBlock> blocks) = 0;
  virtual bool stopped() const = 0;
};

// Where requests go.
class SyncNetwork {
 public:
  virtual ~SyncNetwork() = default;
  virtual void Request(const PublicKey& peer, const net::BlockRequest& request) = 0;
  virtual void Drop(const PublicKey& peer, const std::string& why) = 0;
};

class BlockSync {
 public:
  explicit BlockSync(SyncNetwork& network, SyncLimits limits = {})
      : network_(network), limits_(limits) {}

  // The answer to `request`: committed blocks from `chain` (each epoch-ending block followed
  // by its epoch proof), then the certified blocks above them in `core`'s tree, within the
  // limits. An error only when the chain cannot be read.
  Result<net::BlockResponse> Serve(const CommittedChain& chain, const consensus::Core& core,
                                   const net::BlockRequest& request) const;

  // The core's FetchBlocks: asks `suggested`, or, if it lied within distrust_ms, the next
  // validator in `validators` (after it) that did not.
  void Fetch(Height from, const PublicKey& suggested, const std::vector<PublicKey>& validators,
             std::uint64_t now_ms);

  // A reply from `from`: each block checked against the target's epoch in turn and
  // delivered; blocks of an earlier epoch or at or below the committed height are skipped,
  // those of a later one wait for the change. Returns how many were delivered. When every
  // block of a reply that starts where this node asked (its next height to commit, or where
  // a reply of this server ended) was delivered and the server holds more, the next blocks
  // are asked of it at once, or as soon as commits leave room for them within
  // ahead_blocks_max (OnCommitted): a node far behind catches up at the speed it can check
  // and execute blocks, not one batch per round of the others, without holding the chain
  // in memory. A reply that starts elsewhere (a server repeating itself, blocks past an
  // epoch change) ends the chain.
  std::size_t OnResponse(const PublicKey& from, const net::BlockResponse& response,
                         SyncTarget& target, std::uint64_t now_ms);
  // The target committed a block: a paused chain asks its server for the next blocks once
  // they fit within ahead_blocks_max.
  void OnCommitted(const SyncTarget& target);

  bool Distrusted(const PublicKey& peer, std::uint64_t now_ms) const;
  std::uint64_t peers_dropped() const { return peers_dropped_; }

 private:
  void Distrust(const PublicKey& peer, const std::string& why, std::uint64_t now_ms);

  SyncNetwork& network_;
  const SyncLimits limits_;
  std::map<PublicKey, std::uint64_t> distrusted_until_;
  std::uint64_t peers_dropped_ = 0;
  std::map<PublicKey, Height> chained_;  // The height a chained request asked of a server.
  struct Paused {
    PublicKey server;
    Height next;  // The height the next request asks from.
  };
  std::optional<Paused> paused_;  // A chain waiting for commits to make room.
};

}  // namespace tamga::node
