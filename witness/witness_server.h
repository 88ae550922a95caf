// witness/witness_server.h
// The HTTP front of a C2SP tlog-witness (tlog/witness.h decides; this serves and stores):
//
//   POST /add-checkpoint   the witness protocol: an old size, a consistency proof and a
//                          checkpoint in; a cosignature line out (or 400, 403, 404, 409,
//                          413, 422 as tlog-witness says)
//   GET  /                 the witness's name and verifier key, as text
//
// The witness's record of the latest checkpoint it cosigned per log is a small text file
// (and the signed checkpoint itself, in <state>.checkpoint), written durably
// (WriteFileAtomic) before the cosignature leaves, on the one thread that decides: two requests can
// never both be checked against the same old size and roll the record back. Requests are bounded
// (64 KiB body, 8 KiB headers, 10 s to arrive whole); connections are capped at 16 per address and
// 256 in all, so a client that holds connections open cannot lock others out beyond its own share.
// A checkpoint of the size it cosigned with another root, signed by a quorum, is a split view: both
// signed checkpoints go to <state>.split-view-<size>-<ms>, for anyone to check.
//
// Thread-safety: runs on one io_context thread.

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/asio.h"
#include "common/status.h"
#include "ledger/proof_file.h"
#include "tlog/witness.h"

namespace tamga::witness {

class WitnessServer {
 public:
  // `state_file` holds the witness's record; it is read by the caller (LoadState) and
  // rewritten here after each cosignature that changes it.
  WitnessServer(boost::asio::io_context& io, tlog::Witness& witness, std::string state_file);
  ~WitnessServer();
  Status Listen(const std::string& address);
  std::uint16_t port() const;
  void Stop();

  // Reads a state file; an absent file is the empty state (a new witness).
  static Result<tlog::WitnessState> LoadState(const std::string& state_file);

  // Reads the checkpoint it last cosigned (kept beside the state, as evidence).
  Status LoadLastCosigned();

  // Called when a checkpoint lacks a quorum of the keys the witness knows (403), with the
  // request's body: true when it learned the log's new signers (a validator set proven
  // from the genesis on, SetLogKeys), and the request is then decided again.
  void SetLearner(std::function<bool(std::string_view body)> learn) { learn_ = std::move(learn); }

 private:
  friend class Connection;
  void Accept();
  // Decides one add-checkpoint request and stores the new record before answering.
  tlog::WitnessAnswer AddCheckpoint(std::string_view body);
  // The signed checkpoint in an add-checkpoint body (after its first blank line).
  static std::string_view CheckpointOf(std::string_view body);
  // Whether learning is worth a try for the body's checkpoint: of no fewer records than
  // this witness cosigned, and of more than any size it already tried to learn for.
  bool NewToLearn(std::string_view body);
  // After a 409: when the body offers the size last cosigned with another root, writes
  // both signed checkpoints to a file beside the state and logs split_view.
  void KeepEvidence(std::string_view body);

  boost::asio::io_context& io_;
  tlog::Witness& witness_;
  std::string state_file_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<bool> stopped_ = std::make_shared<bool>(false);
  std::shared_ptr<std::map<std::string, int>> per_address_ =
      std::make_shared<std::map<std::string, int>>();
  std::shared_ptr<int> open_ = std::make_shared<int>(0);
  std::function<bool(std::string_view)> learn_;
  static constexpr std::uint64_t kLearnEveryMs = 5000;
  std::uint64_t last_learn_ms_ = 0;
  std::map<std::string, std::uint64_t> learn_tried_;  // By origin: the largest size tried.
  std::string last_cosigned_;  // The signed checkpoint of the record in the state.
};

// The validators who sign the checkpoint in `body` (an add-checkpoint request) now: the
// set the proof file of its last record shows (GET /v1/records/{size-1}/proof from `node`,
// verified against `anchor` from the genesis on; the set in force after that block), once
// that proof's log root for the checkpoint's size is the checkpoint's and that set's quorum
// signed the checkpoint. A node that lies gets nothing learned: its proof does not verify.
// The set's epoch is the result's generation, so an older set is never taken back.
Result<tlog::WitnessedLog> LearnSigners(const ledger::TrustAnchor& anchor, const std::string& node,
                                        std::string_view body);

}  // namespace tamga::witness
