#include "common/thread_pool.h"

#include <algorithm>
#include <atomic>

#include "common/status.h"

namespace tamga {
namespace {
// The pool whose worker is running on this thread, if any: ParallelFor on it would wait for
// itself.
thread_local const ThreadPool* current_pool = nullptr;
}  // namespace

ThreadPool::ThreadPool(std::size_t threads, std::size_t queue_max) : queue_max_(queue_max) {
  TAMGA_CHECK(threads >= 1 && queue_max >= 1);
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  has_work_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::Submit(std::function<void()> task) {
  {
    std::unique_lock lock(mu_);
    has_space_.wait(lock, [this] { return queue_.size() < queue_max_; });
    queue_.push_back(std::move(task));
  }
  has_work_.notify_one();
}

void ThreadPool::WorkerLoop() {
  current_pool = this;
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      has_work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // Stopping and drained.
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    has_space_.notify_one();
    task();
  }
}

void ThreadPool::ParallelFor(std::size_t count,
                             const std::function<void(std::size_t, std::size_t)>& fn) {
  TAMGA_CHECK_MSG(current_pool != this, "ParallelFor called from a worker of its own pool");
  if (count == 0) return;
  // Threads take small slices from a shared cursor until none are left, so a thread that
  // starts late or runs slower (a busy core, a preempted vCPU) takes fewer slices instead
  // of holding everyone up at the end. About 8 slices per thread keeps the cursor cheap.
  const std::size_t helpers = std::min(count, workers_.size()) - 1;
  const std::size_t grain = std::max<std::size_t>(1, count / ((helpers + 1) * 8));
  std::atomic<std::size_t> cursor{0};
  auto drain = [&] {
    for (std::size_t begin = cursor.fetch_add(grain); begin < count;
         begin = cursor.fetch_add(grain)) {
      fn(begin, std::min(count, begin + grain));
    }
  };

  std::mutex done_mu;
  std::condition_variable done_cv;
  std::size_t pending = helpers;  // Guarded by done_mu.
  for (std::size_t i = 0; i < helpers; ++i) {
    Submit([&] {
      drain();
      std::lock_guard lock(done_mu);
      if (--pending == 0) done_cv.notify_one();
    });
  }
  // The calling thread works too, so a pool of n threads keeps n cores busy with one
  // helper fewer to wake.
  drain();
  std::unique_lock lock(done_mu);
  done_cv.wait(lock, [&] { return pending == 0; });
}

}  // namespace tamga
