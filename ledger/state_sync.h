// ledger/state_sync.h
// The state tree moved from node to node, each piece checked by its hash: how a new
// validator or observer obtains the state at a certified height without replaying blocks.
//
// The tree (ledger/state_tree.h) is content-addressed, so a node's hash names its bytes:
// the joiner asks peers for nodes by hash, starting from the certified state root, and
// keeps an answer only if it hashes to what was asked (a leaf's value must hash to the
// value hash the leaf names). A peer that answers with anything else, or leaves out what
// it was asked, is dropped and its work goes to the others. Nothing unchecked is ever
// written, and writes are content-addressed, so an interrupted sync resumes by walking what
// is already stored.
//
// StateSync is a pure state machine in the shape of the consensus core: the owner feeds it
// answers and failures and sends the requests it returns; it never touches sockets,
// clocks or threads. Where the root comes from (a proof file of a committed block,
// ledger/proof_file.h) is the owner's business.
//
// Thread-safety: not thread-safe; ReadStateNodes is as safe as the reader.

#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "ledger/kv_store.h"
#include "ledger/state_proof.h"

namespace tamga::ledger {

// One node of the tree as a peer serves it.
struct StateNodeItem {
  Hash32 hash;                 // What was asked.
  Bytes node;                  // 65 bytes as stored: 0x00 key value-hash, or 0x01 left right.
  std::optional<Bytes> value;  // A leaf's value; absent for an inner node.
  friend bool operator==(const StateNodeItem&, const StateNodeItem&) = default;
};

// Limits of one answer, shared by server and client.
inline constexpr std::size_t kStateSyncBatchMax = 1024;        // Hashes per request.
inline constexpr std::size_t kStateSyncAnswerBytes = 4 << 20;  // Bytes per answer.

// The server's side: the nodes named by `hashes`, in order, stopping early (a prefix) when
// the next would take the answer past `max_bytes` or a node is not in the store. At most
// kStateSyncBatchMax hashes are read.
Result<std::vector<StateNodeItem>> ReadStateNodes(const KvReader& store,
                                                  std::span<const Hash32> hashes,
                                                  std::size_t max_bytes = kStateSyncAnswerBytes);

// The answer's bytes: for each item, the 32-byte hash, the 65-byte node and, for a leaf, a
// 4-byte big-endian length and the value (docs/ARCHITECTURE.md, "Copying the state from peers").
Bytes EncodeStateNodes(std::span<const StateNodeItem> items);
Result<std::vector<StateNodeItem>> DecodeStateNodes(ByteView bytes);

// Whether `item` is the node `hash` names (and, for a leaf, carries its value): the one
// check that makes a peer's answer trustworthy.
bool StateNodeMatches(const StateNodeItem& item);

class StateSync {
 public:
  using PeerId = std::uint32_t;

  struct Options {
    std::size_t batch = 256;  // Hashes per request (at most kStateSyncBatchMax).
  };

  struct Request {
    std::uint64_t id = 0;
    PeerId peer = 0;
    std::vector<Hash32> hashes;
  };

  struct Progress {
    std::uint64_t nodes = 0;       // Stored, fetched or found locally.
    std::uint64_t fetched = 0;     // Fetched from peers.
    std::uint64_t local = 0;       // Found already stored (a resumed sync).
    std::uint64_t bytes = 0;       // Bytes of nodes and values fetched.
    std::uint64_t pending = 0;     // Known, not yet stored.
    std::size_t peers_dropped = 0;
  };

  // A sync of the tree under `root` from `peers`. `local` is the joiner's store: nodes
  // already there (with their values) are walked, not fetched.
  StateSync(Hash32 root, std::vector<PeerId> peers, Options options);

  // Requests to send now: at most one outstanding per peer. Walks local nodes first, so
  // `local` must see what earlier answers wrote (the owner writes `out` before asking).
  Result<std::vector<Request>> NextRequests(const KvReader& local);

  // An answer to request `id`: checked item by item; good nodes go into `out` (nodes under
  // 'n', values under 'v', as StateTree stores them) and their children are queued. A
  // wrong, unasked or missing item drops the peer (its hashes go back in the queue); an
  // empty answer counts as missing. Returns the reason when the peer is dropped.
  std::optional<std::string> OnAnswer(std::uint64_t id, std::span<const StateNodeItem> items,
                                      Overlay& out);
  // The request failed (timeout, closed connection, error status): the peer is dropped.
  void OnFailure(std::uint64_t id, std::string why);

  bool done() const { return queue_.empty() && outstanding_.empty(); }
  // No peer left while work remains.
  bool failed() const { return !done() && live_peers_.empty(); }
  const Progress& progress() const { return progress_; }
  const Hash32& root() const { return root_; }
  // Why each dropped peer was dropped.
  const std::map<PeerId, std::string>& dropped() const { return dropped_; }

 private:
  // Stores `item` (already checked) and queues its children.
  void Take(const StateNodeItem& item, Overlay& out);
  void Drop(PeerId peer, std::string why);

  Hash32 root_;
  Options options_;
  std::set<PeerId> live_peers_;
  std::map<PeerId, std::string> dropped_;
  std::deque<Hash32> queue_;  // Node hashes not yet stored, not yet asked.
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Request> outstanding_;
  std::size_t next_peer_ = 0;  // Round-robin cursor over live_peers_.
  Progress progress_;
};

}  // namespace tamga::ledger
