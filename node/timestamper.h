// node/timestamper.h
// Puts the imprints of RFC 3161 requests on the ledger and says when each is committed
// (docs/ARCHITECTURE.md, "Time stamps"). Requests that arrive together share one
// `timestamp` transaction, signed with the administration's time-stamping key: the first
// waits for no one, and while batches are on their way the next one gathers requests for
// kBatchIntervalMs, up to kImprintsMax a batch and kInFlightMax batches at once. Once the
// block holding a batch commits, each request learns its block's quorum-signed time and
// its record's log index; the API makes the token from them (tsa/authority.h).
//
// A batch that is refused, rejected by the rules or not committed within kBatchTimeoutMs
// fails each of its requests with the reason. Requests past kWaitingMax are refused at
// once (ResourceExhausted), so a flood costs a bounded amount of memory and never more
// than one transaction per kBatchIntervalMs.
//
// Thread-safety: not thread-safe; runs on the node's io_context thread.

#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "common/asio.h"
#include "common/chain.h"
#include "common/ed25519.h"
#include "common/status.h"
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

  struct Stamp {
    std::uint64_t gen_time_ms = 0;  // The committing block's time.
    tsa::Location where;
  };
  using Done = std::function<void(Result<Stamp>)>;
  struct Hooks {
    // Queues a transaction as a client's would (Node::Submit): empty, or the refusal.
    std::function<std::optional<Refused>(const Transaction&)> submit;
    // The signer's next sequence, counting its transactions waiting in the mempool.
    std::function<std::uint64_t(const PublicKey&)> next_sequence;
  };

  Timestamper(boost::asio::io_context& io, ChainId chain, SecretKey signer, Hooks hooks);
  ~Timestamper();

  // Queues `imprint`; `done` is called once, later, on this thread. ResourceExhausted at
  // once when kWaitingMax requests wait.
  Status Add(contracts::Imprint imprint, Done done);
  // After a block is committed: answers the requests of the batches it holds.
  void OnCommit(const ledger::PreparedBlock& block);
  // Fails every waiting request (Unavailable); nothing is sent afterwards.
  void Stop();

  const PublicKey& signer() const { return signer_.public_key(); }
  std::size_t waiting() const { return waiting_; }

 private:
  struct Batch {
    std::vector<Done> done;
    std::shared_ptr<boost::asio::steady_timer> timer;
  };
  void ScheduleFlush();
  void Flush();
  void Fail(std::vector<Done>& done, const Status& why);

  boost::asio::io_context& io_;
  const ChainId chain_;
  const SecretKey signer_;
  const Hooks hooks_;
  std::deque<std::pair<contracts::Imprint, Done>> pending_;
  std::map<Hash32, Batch> in_flight_;
  std::size_t waiting_ = 0;  // Pending and in flight.
  boost::asio::steady_timer flush_timer_;
  bool flush_scheduled_ = false;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tamga::node
