// node/kpi_service.cc

#include "node/kpi_service.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

#include "common/log.h"

namespace tamga::node {

KpiService::KpiService(const ledger::Ledger& ledger) : KpiService(ledger, Options{}) {}

KpiService::KpiService(const ledger::Ledger& ledger, Options options)
    : ledger_(ledger), options_(options), thread_([this] { Run(); }) {}

KpiService::~KpiService() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool KpiService::Same(const audit::KpiQuery& a, const audit::KpiQuery& b) {
  return a.from_ms == b.from_ms && a.to_ms == b.to_ms && a.corridor == b.corridor;
}

std::list<KpiService::Entry>::iterator KpiService::Find(const audit::KpiQuery& query) {
  return std::find_if(cache_.begin(), cache_.end(),
                      [&](const Entry& e) { return Same(e.query, query); });
}

KpiService::Answer KpiService::Ask(const audit::KpiQuery& query, std::uint64_t now_ms) {
  std::lock_guard lock(mu_);
  clock_ms_ = std::max(clock_ms_, now_ms);
  Answer a;
  if (auto it = Find(query); it != cache_.end()) {
    if (it->final || now_ms < it->at_ms + options_.fresh_ms) {
      cache_.splice(cache_.begin(), cache_, it);  // Most recently asked first.
      if (!it->report) {
        a.kind = Answer::Kind::kFailed;
        a.error = it->error;
        return a;
      }
      a.kind = Answer::Kind::kReady;
      a.report = it->report;
      return a;
    }
  }
  a.kind = Answer::Kind::kComputing;
  if (running_ && Same(*running_, query)) {
    a.progress = {Height(progress_height_.load()), Height(progress_head_.load())};
    return a;
  }
  const auto waiting = std::find_if(waiting_.begin(), waiting_.end(),
                                    [&](const audit::KpiQuery& q) { return Same(q, query); });
  if (waiting != waiting_.end()) {
    a.ahead = static_cast<std::size_t>(waiting - waiting_.begin()) + (running_ ? 1 : 0);
    return a;
  }
  if (waiting_.size() >= options_.queue_max) {
    a.kind = Answer::Kind::kBusy;
    return a;
  }
  waiting_.push_back(query);
  a.ahead = waiting_.size() - 1 + (running_ ? 1 : 0);
  wake_.notify_one();
  return a;
}

void KpiService::Run() {
  // Below the node's own threads: consensus and the API come first on a busy machine.
  // (On Linux a thread's nice value is its own: PRIO_PROCESS with its thread id.)
  if (options_.nice > 0 &&
      setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), options_.nice) != 0) {
    Log(LogLevel::kWarn, "kpi_priority_unchanged", {{"nice", std::to_string(options_.nice)}});
  }
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stop_ || !waiting_.empty(); });
    if (stop_) return;
    running_ = waiting_.front();
    waiting_.pop_front();
    const audit::KpiQuery query = *running_;
    progress_height_ = 0;
    progress_head_ = ledger_.Head().height.value();
    ++computations_;
    lock.unlock();
    auto result = audit::ComputeKpis(
        ledger_, query,
        [&](const audit::KpiProgress& p) {
          progress_height_ = p.height.value();
          progress_head_ = p.head.value();
        },
        &stop_);
    Entry e;
    e.query = query;
    if (result.ok()) {
      // A block after the period's last one exists: its time is at or past the period's end.
      e.final = result->last_in_period < result->head;
      // Still "running" to askers while its answers are written (a while, on a large
      // period), outside the lock.
      auto ready = std::make_shared<Ready>();
      ready->json = audit::KpiJson(*result, false);
      ready->csv = audit::KpiCsv(*result);
      ready->page = audit::KpiHtml(*result, true);
      ready->report = std::move(*result);
      e.report = std::move(ready);
    } else {
      e.error = result.error();
      Log(LogLevel::kWarn, "kpi_failed", {{"error", e.error.ToString()}});
    }
    lock.lock();
    running_.reset();
    if (stop_) return;
    e.at_ms = clock_ms_;
    if (auto old = Find(query); old != cache_.end()) cache_.erase(old);
    cache_.push_front(std::move(e));
    while (cache_.size() > options_.cached_max) cache_.pop_back();
  }
}

}  // namespace tamga::node
