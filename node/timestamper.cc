// node/timestamper.cc

#include "node/timestamper.h"

#include <chrono>
#include <utility>

#include "common/encoding.h"
#include "common/log.h"

namespace tamga::node {

namespace asio = boost::asio;

Timestamper::Timestamper(asio::io_context& io, ChainId chain, SecretKey signer,
                         const tsa::Authority& authority, Hooks hooks)
    : io_(io),
      chain_(chain),
      signer_(std::move(signer)),
      authority_(authority),
      hooks_(std::move(hooks)),
      flush_timer_(io) {}

Timestamper::~Timestamper() {
  *alive_ = false;
  cancelled_ = true;  // Batches not signed yet are dropped; signing_ is joined next.
}

Status Timestamper::Add(tsa::Request request, Done done) {
  if (stopped_) return Status::Unavailable("the node is stopping");
  if (waiting_ >= kWaitingMax) {
    return Status::ResourceExhausted(std::to_string(kWaitingMax) +
                                     " time-stamp requests are waiting; try again in a moment");
  }
  pending_.push_back(Waiting{std::move(request), std::move(done)});
  ++waiting_;
  ScheduleFlush();
  return Status::Ok();
}

void Timestamper::ScheduleFlush() {
  if (flush_scheduled_ || pending_.empty() || stopped_ || in_flight_.size() >= kInFlightMax) {
    return;
  }
  flush_scheduled_ = true;
  const std::uint64_t delay = in_flight_.empty() ? 0 : kBatchIntervalMs;
  flush_timer_.expires_after(std::chrono::milliseconds(delay));
  flush_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (!*alive || ec) return;
    flush_scheduled_ = false;
    Flush();
  });
}

void Timestamper::Fail(std::vector<Waiting>& waiting, const Status& why) {
  const bool late = why.code() == StatusCode::kUnavailable;
  const tsa::Refusal refusal{
      late ? tsa::FailInfo::kTimeNotAvailable : tsa::FailInfo::kSystemFailure, why.message()};
  const Bytes der = tsa::RejectionResponse(refusal);  // The same answer for all of them.
  const std::string outcome(tsa::FailInfoName(refusal.fail));
  waiting_ -= waiting.size();
  for (Waiting& w : waiting) w.done(Reply{der, outcome});
}

void Timestamper::Flush() {
  while (!pending_.empty() && !stopped_ && in_flight_.size() < kInFlightMax) {
    contracts::TimestampImprints payload;
    std::vector<Waiting> batch;
    while (!pending_.empty() && payload.imprints.size() < contracts::kImprintsMax) {
      payload.imprints.push_back(pending_.front().request.imprint);
      batch.push_back(std::move(pending_.front()));
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
      Fail(batch,
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
      std::vector<Waiting> late = std::move(it->second.waiting);
      in_flight_.erase(it);
      Log(LogLevel::kWarn, "timestamp_batch_late", {{"tx", id.ShortHex()}});
      Fail(late, Status::Unavailable("the time-stamp batch was not committed within " +
                                     std::to_string(kBatchTimeoutMs / 1000) + " s"));
      ScheduleFlush();
    });
    in_flight_.emplace(id, Batch{std::move(batch), std::move(timer)});
  }
}

void Timestamper::OnCommit(const ledger::PreparedBlock& block) {
  if (in_flight_.empty()) return;
  std::optional<Status> registered;  // Read once a block, when one of ours is in it.
  for (const ledger::Receipt& r : block.output.receipts) {
    auto it = in_flight_.find(r.tx_hash);
    if (it == in_flight_.end()) continue;
    Batch batch = std::move(it->second);
    in_flight_.erase(it);
    batch.timer->cancel();
    if (r.code != 0) {
      Fail(batch.waiting,
           Status::FailedPrecondition(
               "the ledger's rules refused the time-stamp batch: " +
               std::string(contracts::ReasonCode(static_cast<contracts::Reason>(r.code)))));
      continue;
    }
    // A certificate replaced while the batch was on its way: no token under the old one.
    if (!registered) registered = hooks_.registered();
    if (!registered->ok()) {
      Fail(batch.waiting, *registered);
      continue;
    }
    // The receipt says where its records are: one per imprint, in the payload's order.
    if (r.record_count != batch.waiting.size()) {
      Fail(batch.waiting,
           Status::Internal("a committed time-stamp batch wrote " + std::to_string(r.record_count) +
                            " records for " + std::to_string(batch.waiting.size()) + " imprints"));
      continue;
    }
    Sign(std::move(batch.waiting), block.block->header, r.first_record);
  }
  ScheduleFlush();
}

void Timestamper::Sign(std::vector<Waiting> waiting, const BlockHeader& header,
                       std::uint64_t first_record) {
  auto batch = std::make_shared<std::vector<Waiting>>(std::move(waiting));
  signing_.Submit([this, batch, alive = alive_, time_ms = header.timestamp_ms,
                   height = header.height.value(), first_record]() mutable {
    // On the signing thread: the authority is immutable, the batch this task's own.
    auto replies = std::make_shared<std::vector<Reply>>();
    replies->reserve(batch->size());
    for (std::size_t i = 0; i < batch->size(); ++i) {
      if (cancelled_.load(std::memory_order_relaxed)) return;  // Going away: nobody to answer.
      auto token = authority_.Grant((*batch)[i].request, time_ms,
                                    tsa::Location{chain_, height, first_record + i});
      if (token.ok()) {
        replies->push_back(Reply{std::move(*token), "granted"});
      } else {
        Log(LogLevel::kError, "timestamp_sign_failed", {{"error", token.error().ToString()}});
        replies->push_back(Reply{
            tsa::RejectionResponse({tsa::FailInfo::kSystemFailure, "the token was not signed"}),
            std::string(tsa::FailInfoName(tsa::FailInfo::kSystemFailure))});
      }
    }
    // Everything the batch holds (the requests' callbacks, and through them the clients'
    // connections) moves to the event loop: none of it may be released on this thread.
    asio::post(io_, [this, batch = std::move(batch), replies = std::move(replies),
                     alive = std::move(alive)] {
      if (!*alive) return;
      waiting_ -= batch->size();
      for (std::size_t i = 0; i < batch->size(); ++i) (*batch)[i].done(std::move((*replies)[i]));
    });
  });
}

void Timestamper::Stop() {
  if (stopped_) return;
  stopped_ = true;
  flush_timer_.cancel();
  std::vector<Waiting> all;
  for (Waiting& w : pending_) all.push_back(std::move(w));
  pending_.clear();
  for (auto& [id, batch] : in_flight_) {
    batch.timer->cancel();
    for (Waiting& w : batch.waiting) all.push_back(std::move(w));
  }
  in_flight_.clear();
  Fail(all, Status::Unavailable("the node is stopping"));
}

}  // namespace tamga::node
