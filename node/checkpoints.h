// node/checkpoints.h
// Signed checkpoints of the record log (C2SP tlog-checkpoint, a signed note): each
// validator signs the checkpoint of the log it committed, sends the signature to its peers
// (net::CheckpointSignature), and gathers theirs; a checkpoint is published once a quorum
// of one epoch's validators signed the same tree size.
//
// Only committed sizes are signed, never a block that is merely certified: two certified
// blocks may conflict, two committed ones never do, so no validator ever signs two
// checkpoints that are not consistent with each other (what tlog-checkpoint asks of a log).
// A size is signed once per epoch: when a commit grows the log, or the epoch changes.
//
// Shaped like the consensus core: events in (this node's commits, peers' signatures), the
// messages to send out; no sockets, clocks or disk. The node resends its latest signature
// with want_reply while nothing is published at its size (after a restart, say), and peers
// that signed that size answer with theirs; so nothing of this needs to be stored.
//
// The checkpoint's key name is its origin, for every validator (tlog-checkpoint: the key
// name SHOULD be the origin); the key IDs of signed-note tell the validators apart.
//
// Thread-safety: not thread-safe; the node's event-loop thread owns it.

#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/chain.h"
#include "common/ed25519.h"
#include "common/status.h"
#include "net/wire.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"

namespace tamga::node {

// A checkpoint with the signatures of at least a quorum of `validators`.
struct PublishedCheckpoint {
  tlog::Checkpoint checkpoint;
  ValidatorSet validators;         // The epoch whose quorum signed it.
  std::vector<PublicKey> signers;  // In the order of the validator set.
  std::string note;                // The signed note, as GET /checkpoint serves it.
};

class CheckpointCollector {
 public:
  // `key` signs for this node when it is a validator of the committing epoch.
  CheckpointCollector(std::string origin, SecretKey key);

  const std::string& origin() const { return origin_; }

  // This node committed a block of epoch `validators.epoch` after which the log holds
  // `size` records under `root`. Returns this node's signature to send to every peer when
  // the size or the epoch changed and this node is one of the validators.
  std::optional<net::CheckpointSignature> OnCommitted(const ValidatorSet& validators,
                                                      std::uint64_t size, const Hash32& root);

  // A peer's signature. Ok: kept, or kept for later (a size this node has not committed
  // yet), or old (ignored). BadSignature: `from` is a validator of the epoch and its
  // signature does not verify over the note this node committed (the peer misbehaves).
  // PermissionDenied: `from` is not a validator of that epoch. `reply`, when set, is this
  // node's signature of the size the peer asked about (want_reply).
  struct Received {
    Status status;
    std::optional<net::CheckpointSignature> reply;
  };
  Received OnSignature(const PublicKey& from, const net::CheckpointSignature& sig);

  // This node's latest signature, with want_reply set, while the latest size it signed has
  // no published checkpoint; for the node to send again now and then.
  std::optional<net::CheckpointSignature> Resend() const;

  // The newest published checkpoint (largest size; for one size, the latest epoch).
  const std::optional<PublishedCheckpoint>& latest() const { return latest_; }

 private:
  // One (size, epoch) this node committed, with the signatures gathered for it.
  struct Collection {
    ValidatorSet validators;
    tlog::Checkpoint checkpoint;
    std::string text;  // The note text every signature covers.
    std::map<PublicKey, Signature> signatures;
    std::optional<Signature> own;
  };
  // A signature for a size this node has not committed yet.
  struct Early {
    PublicKey from;
    net::CheckpointSignature sig;
  };

  Status Add(Collection& c, const PublicKey& from, const Signature& signature);
  void Publish(const Collection& c);

  // How many recent (size, epoch) pairs stay open for signatures, and how many early
  // signatures wait for this node to catch up.
  static constexpr std::size_t kOpen = 8;
  static constexpr std::size_t kEarlyMax = 256;

  std::string origin_;
  SecretKey key_;
  std::deque<Collection> open_;  // Oldest first.
  std::deque<Early> early_;
  std::optional<PublishedCheckpoint> latest_;
};

}  // namespace tamga::node
