// node/timestamper.h
// Puts the imprints of RFC 3161 requests on the ledger and answers each request with its
// token once its imprint is committed (docs/ARCHITECTURE.md, "Time stamps").
//
// Requests that arrive together share one `timestamp` transaction, signed with the
// administration's time-stamping key: with nothing on its way a batch is sent at once
// (after the requests read in the same turn of the event loop); while batches are on
// their way the next gathers requests for kBatchIntervalMs, up to kImprintsMax a batch and
// kInFlightMax batches on their way. When the block holding a batch commits, and the
// committed state still names this node's time-stamping key and certificate as its
// administration's, the batch's tokens are signed on a thread of their own (dated by the
// block's quorum-signed time, numbered by their records' log indexes), and the answers
// are handed back on the event loop: the commit itself never waits for a signature.
//
// A batch that is refused, rejected by the rules, or not committed within
// kBatchTimeoutMs is answered with rejections saying why. Requests past kWaitingMax
// (waiting for a batch, a block or a signature) are refused at once (ResourceExhausted),
// so a flood costs a bounded amount of memory.
//
// Thread-safety: not thread-safe; call on the node's io_context thread (the signing
// thread touches only the immutable authority and its own copies).

#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/asio.h"
#include "common/chain.h"
#include "common/ed25519.h"
#include "common/status.h"
#include "common/thread_pool.h"
#include "contracts/model.h"
#include "ledger/ledger.h"
#include "node/mempool.h"
#include "tsa/authority.h"

namespace tamga::node {

class Timestamper {
 public:
  static constexpr std::uint64_t kBatchIntervalMs = 20;
  static constexpr std::size_t kInFlightMax = 8;
  static constexpr std::uint64_t kBatchTimeoutMs = 30'000;
  static constexpr std::size_t kWaitingMax = 20'000;

  // The answer to one request: a DER TimeStampResp, and "granted" or the rejection's
  // failure ("systemFailure", ...) for /metrics.
  struct Reply {
    Bytes der;
    std::string outcome;
  };
  using Done = std::function<void(Reply)>;
  struct Hooks {
    // Queues a transaction as a client's would (Node::Submit): empty, or the refusal.
    std::function<std::optional<Refused>(const Transaction&)> submit;
    // The signer's next sequence, counting its transactions waiting in the mempool.
    std::function<std::uint64_t(const PublicKey&)> next_sequence;
    // Whether the committed state names this node's time-stamping key and certificate as
    // its administration's (contracts::TimestampAuthorityCountry); why not otherwise.
    std::function<Status()> registered;
  };

  // `authority` must outlive the Timestamper.
  Timestamper(boost::asio::io_context& io, ChainId chain, SecretKey signer,
              const tsa::Authority& authority, Hooks hooks);
  ~Timestamper();
  Timestamper(const Timestamper&) = delete;
  Timestamper& operator=(const Timestamper&) = delete;

  // Queues `request`; `done` is called once, later, on this thread. ResourceExhausted at
  // once when kWaitingMax requests wait.
  Status Add(tsa::Request request, Done done);
  // After a block is committed: its batches' requests are answered.
  void OnCommit(const ledger::PreparedBlock& block);
  // Answers every request not yet handed to the signer with a rejection; sends nothing
  // afterwards.
  void Stop();

  const PublicKey& signer() const { return signer_.public_key(); }
  std::size_t waiting() const { return waiting_; }

 private:
  struct Waiting {
    tsa::Request request;
    Done done;
  };
  struct Batch {
    std::vector<Waiting> waiting;
    std::shared_ptr<boost::asio::steady_timer> timer;
  };
  void ScheduleFlush();
  void Flush();
  // Answers every request of `waiting` with one rejection (time not available when the
  // status is Unavailable, else system failure), with the status' message.
  void Fail(std::vector<Waiting>& waiting, const Status& why);
  // Signs the tokens of a committed batch on the signing thread; answers on this one.
  void Sign(std::vector<Waiting> waiting, const BlockHeader& header, std::uint64_t first_record);

  boost::asio::io_context& io_;
  const ChainId chain_;
  const SecretKey signer_;
  const tsa::Authority& authority_;
  const Hooks hooks_;
  std::deque<Waiting> pending_;
  std::map<Hash32, Batch> in_flight_;
  std::size_t waiting_ = 0;  // Pending, in flight, or being signed.
  boost::asio::steady_timer flush_timer_;
  bool flush_scheduled_ = false;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::atomic<bool> cancelled_{false};  // Read by the signing thread.
  // Last, so that it is joined first when the Timestamper goes: its tasks copy what they
  // read and hand their answers back through alive_.
  ThreadPool signing_{1, kWaitingMax + kInFlightMax};
};

}  // namespace tamga::node
