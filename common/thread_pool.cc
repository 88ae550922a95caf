#include "common/thread_pool.h"

#include <algorithm>
#include <atomic>

#include "common/status.h"

namespace tamga {

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
  if (count == 0) return;
  const std::size_t chunks = std::min(count, workers_.size());
  const std::size_t per_chunk = (count + chunks - 1) / chunks;

  std::mutex done_mu;
  std::condition_variable done_cv;
  std::size_t pending = 0;
  // Chunks after the first go to workers; the first runs here so a pool of n threads
  // keeps n cores busy without the caller idling.
  for (std::size_t begin = per_chunk; begin < count; begin += per_chunk) {
    const std::size_t end = std::min(count, begin + per_chunk);
    {
      std::lock_guard lock(done_mu);
      ++pending;
    }
    Submit([&, begin, end] {
      fn(begin, end);
      std::lock_guard lock(done_mu);
      if (--pending == 0) done_cv.notify_one();
    });
  }
  fn(0, std::min(count, per_chunk));
  std::unique_lock lock(done_mu);
  done_cv.wait(lock, [&] { return pending == 0; });
}

}  // namespace tamga
