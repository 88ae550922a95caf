// node/kpi_service.h
// The time-release indicators (audit/kpi.h) as the node's API serves them: GET /v1/kpis
// and the page /kpis. Computing them reads the chain from its first block, which takes
// seconds to minutes on a large ledger, so it runs on a thread of the service's own, at a
// lower scheduling priority than the node's (the thread's nice value is raised), one
// period at a time. Ask never waits: it answers with the figures when they are ready,
// else with how far the computation is (the API's 202 and Retry-After), or that the
// service is busy (503) when `queue_max` other periods already wait.
//
// Figures are kept for the next asker: those of a period that ended before the head's
// block can no longer change (block times increase with height, and only blocks after
// the period remain to come), so they are kept until `cached_max` newer ones push them
// out; those of a period still open are fresh for `fresh_ms`, then computed again. A
// failed computation (the ledger could not be read) is answered as such for `fresh_ms`.
//
// Thread-safety: Ask may be called from any thread; the computations run on the
// service's thread and read the ledger concurrently with its writer (ledger/ledger.h
// allows it). The destructor cancels a running computation and joins the thread.

#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "audit/kpi.h"
#include "common/status.h"
#include "ledger/ledger.h"

namespace tamga::node {

class KpiService {
 public:
  struct Options {
    std::size_t cached_max = 8;       // Reports kept.
    std::size_t queue_max = 4;        // Periods waiting behind the running one.
    std::uint64_t fresh_ms = 10'000;  // How long an open period's figures are served.
    int nice = 10;                    // Added to the computing thread's nice value.
  };

  // A report with the answers that do not depend on the request, written once on the
  // service's thread (for a large period they are megabytes), not on the node's thread
  // for each request.
  struct Ready {
    audit::KpiReport report;
    std::string json;  // KpiJson without the samples.
    std::string csv;   // KpiCsv.
    std::string page;  // KpiHtml as served (with the form).
  };

  struct Answer {
    enum class Kind { kReady, kComputing, kBusy, kFailed };
    Kind kind = Kind::kComputing;
    std::shared_ptr<const Ready> report;  // kReady.
    // kComputing: the block reached and the head it reads to (both 0 while it waits
    // behind `ahead` other periods).
    audit::KpiProgress progress;
    std::size_t ahead = 0;
    Status error;  // kFailed.
  };

  explicit KpiService(const ledger::Ledger& ledger);
  KpiService(const ledger::Ledger& ledger, Options options);
  ~KpiService();
  KpiService(const KpiService&) = delete;
  KpiService& operator=(const KpiService&) = delete;

  // The figures of `query`, or where they are. `now_ms`: a monotonic clock's time.
  Answer Ask(const audit::KpiQuery& query, std::uint64_t now_ms);

  // Computations started since the service began (for tests and /metrics).
  std::uint64_t computations() const { return computations_.load(); }

 private:
  struct Entry {
    audit::KpiQuery query;
    std::shared_ptr<const Ready> report;  // Null when it failed.
    Status error;
    bool final = false;  // The period ended before the head: the figures cannot change.
    std::uint64_t at_ms = 0;
  };
  static bool Same(const audit::KpiQuery& a, const audit::KpiQuery& b);
  std::list<Entry>::iterator Find(const audit::KpiQuery& query);
  void Run();

  const ledger::Ledger& ledger_;
  const Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::list<Entry> cache_;               // Most recently asked first.
  std::deque<audit::KpiQuery> waiting_;  // In the order asked.
  std::optional<audit::KpiQuery> running_;
  std::atomic<std::uint64_t> progress_height_{0}, progress_head_{0};
  std::atomic<std::uint64_t> computations_{0};
  std::uint64_t clock_ms_ = 0;  // The latest Ask's time: computations are stamped with it.
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace tamga::node
