// node/timestamper.cc

#include "node/timestamper.h"

#include <chrono>
#include <utility>

#include "common/encoding.h"
#include "common/log.h"

namespace tamga::node {

namespace asio = boost::asio;

Timestamper::Timestamper(asio::io_context& io, ChainId chain, SecretKey signer, Hooks hooks)
    : io_(io),
      chain_(chain),
      signer_(std::move(signer)),
      hooks_(std::move(hooks)),
      flush_timer_(io) {}

Timestamper::~Timestamper() { *alive_ = false; }

Status Timestamper::Add(contracts::Imprint imprint, Done done) {
  if (stopped_) return Status::Unavailable("the node is stopping");
  if (waiting_ >= kWaitingMax) {
    return Status::ResourceExhausted(std::to_string(kWaitingMax) +
                                     " time-stamp requests are waiting; try again in a moment");
  }
  pending_.emplace_back(std::move(imprint), std::move(done));
  ++waiting_;
  ScheduleFlush();
  return Status::Ok();
}

void Timestamper::ScheduleFlush() {
  if (flush_scheduled_ || pending_.empty() || stopped_ || in_flight_.size() >= kInFlightMax) {
    return;
  }
  flush_scheduled_ = true;
  // Nothing on its way: send at once (after the requests already read in this turn of the
  // event loop). Else gather for a little while.
  const std::uint64_t delay = in_flight_.empty() ? 0 : kBatchIntervalMs;
  flush_timer_.expires_after(std::chrono::milliseconds(delay));
  flush_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec) return;
    flush_scheduled_ = false;
    Flush();
  });
}

void Timestamper::Fail(std::vector<Done>& done, const Status& why) {
  waiting_ -= done.size();
  for (Done& d : done) d(why);
}

void Timestamper::Flush() {
  while (!pending_.empty() && !stopped_ && in_flight_.size() < kInFlightMax) {
    contracts::TimestampImprints payload;
    std::vector<Done> done;
    while (!pending_.empty() && payload.imprints.size() < contracts::kImprintsMax) {
      payload.imprints.push_back(std::move(pending_.front().first));
      done.push_back(std::move(pending_.front().second));
      pending_.pop_front();
    }
    Transaction tx;
    tx.chain_id = chain_;
    tx.type = static_cast<std::uint16_t>(contracts::TxType::kTimestampImprints);
    tx.payload = Encode(payload);
    tx.sequence = hooks_.next_sequence(signer_.public_key());
    tx.Sign(signer_);
    if (auto refused = hooks_.submit(tx)) {
      Log(LogLevel::kWarn, "timestamp_batch_refused",
          {{"code", refused->code}, {"message", refused->message}});
      Fail(done,
           Status::FailedPrecondition("the time-stamp batch was refused: " + refused->message));
      continue;
    }
    const Hash32 id = tx.Hash();
    auto timer = std::make_shared<asio::steady_timer>(io_);
    timer->expires_after(std::chrono::milliseconds(kBatchTimeoutMs));
    timer->async_wait([this, alive = alive_, id](const boost::system::error_code& ec) {
      if (!*alive || ec) return;
      auto it = in_flight_.find(id);
      if (it == in_flight_.end()) return;
      std::vector<Done> late = std::move(it->second.done);
      in_flight_.erase(it);
      Log(LogLevel::kWarn, "timestamp_batch_late", {{"tx", id.ShortHex()}});
      Fail(late, Status::Unavailable("the time-stamp batch was not committed within " +
                                     std::to_string(kBatchTimeoutMs / 1000) + " s"));
      ScheduleFlush();
    });
    in_flight_.emplace(id, Batch{std::move(done), std::move(timer)});
  }
}

void Timestamper::OnCommit(const ledger::PreparedBlock& block) {
  if (in_flight_.empty()) return;
  for (const ledger::Receipt& r : block.output.receipts) {
    auto it = in_flight_.find(r.tx_hash);
    if (it == in_flight_.end()) continue;
    Batch batch = std::move(it->second);
    in_flight_.erase(it);
    batch.timer->cancel();
    if (r.code != 0) {
      Fail(batch.done,
           Status::FailedPrecondition(
               "the ledger's rules refused the time-stamp batch: " +
               std::string(contracts::ReasonCode(static_cast<contracts::Reason>(r.code)))));
      continue;
    }
    // The receipt says where its records are: one per imprint, in the payload's order.
    if (r.record_count != batch.done.size()) {
      Fail(batch.done,
           Status::Internal("a committed time-stamp batch wrote " + std::to_string(r.record_count) +
                            " records for " + std::to_string(batch.done.size()) + " imprints"));
      continue;
    }
    waiting_ -= batch.done.size();
    const BlockHeader& h = block.block->header;
    for (std::size_t i = 0; i < batch.done.size(); ++i) {
      batch.done[i](
          Stamp{h.timestamp_ms, tsa::Location{chain_, h.height.value(), r.first_record + i}});
    }
  }
  ScheduleFlush();
}

void Timestamper::Stop() {
  if (stopped_) return;
  stopped_ = true;
  flush_timer_.cancel();
  std::vector<Done> all;
  for (auto& [imprint, done] : pending_) all.push_back(std::move(done));
  pending_.clear();
  for (auto& [id, batch] : in_flight_) {
    batch.timer->cancel();
    for (Done& d : batch.done) all.push_back(std::move(d));
  }
  in_flight_.clear();
  Fail(all, Status::Unavailable("the node is stopping"));
}

}  // namespace tamga::node
