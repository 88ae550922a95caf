// node/recent_set.h
// The last `capacity` distinct keys inserted, oldest forgotten first. The node keeps the
// signatures of the consensus messages it has verified in one, so that a message sent again
// (a peer's retransmission, or a flood of one valid message) is dropped before its
// signatures are checked a second time. Ed25519 signatures are deterministic, so two copies
// of one signed message carry one signature, and a signature names what it signs.
//
// Thread-safety: not thread-safe; the node's thread owns it.

#pragma once

#include <cstddef>
#include <deque>
#include <set>

namespace tamga::node {

template <typename Key>
class RecentSet {
 public:
  explicit RecentSet(std::size_t capacity) : capacity_(capacity) {}

  bool Contains(const Key& k) const { return keys_.count(k) > 0; }
  // Adds `k` (forgetting the oldest key if full); false if it was already there.
  bool Insert(const Key& k) {
    if (capacity_ == 0 || !keys_.insert(k).second) return false;
    order_.push_back(k);
    if (order_.size() > capacity_) {
      keys_.erase(order_.front());
      order_.pop_front();
    }
    return true;
  }
  std::size_t size() const { return keys_.size(); }

 private:
  std::size_t capacity_;
  std::set<Key> keys_;
  std::deque<Key> order_;
};

}  // namespace tamga::node
