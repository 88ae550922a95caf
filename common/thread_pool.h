// common/thread_pool.h
// A fixed pool of worker threads, shared by the node (signature checks off the consensus
// strand) and the auditor (replaying a ledger in parallel). Work is plain closures; the
// pool never grows and its queue has a maximum.
//
// Thread-safety: all methods are thread-safe. Destruction waits for queued work to finish.

#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tamga {

class ThreadPool {
 public:
  // REQUIRES: threads >= 1. queue_max bounds closures waiting to run; Submit blocks past it.
  explicit ThreadPool(std::size_t threads, std::size_t queue_max = 4096);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  std::size_t size() const { return workers_.size(); }

  // Queues `task`; blocks while the queue is full.
  void Submit(std::function<void()> task);

  // Calls fn(begin, end) over disjoint slices covering [0, count), on size() threads at
  // most (the calling thread and size() - 1 workers), and returns when all are done. Must
  // not be called from a worker of this pool (it would wait on itself; checked).
  // REQUIRES: fn does not throw (helpers hold references into this call's frame).
  void ParallelFor(std::size_t count, const std::function<void(std::size_t, std::size_t)>& fn);

 private:
  void WorkerLoop();

  const std::size_t queue_max_;
  std::mutex mu_;
  std::condition_variable has_work_;   // Signalled when a task is queued or on stop.
  std::condition_variable has_space_;  // Signalled when a task leaves a full queue.
  std::deque<std::function<void()>> queue_;  // Guarded by mu_; size() <= queue_max_.
  bool stopping_ = false;                    // Guarded by mu_.
  std::vector<std::thread> workers_;
};

}  // namespace tamga
