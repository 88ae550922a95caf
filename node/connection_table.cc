// node/connection_table.cc

#include "node/connection_table.h"

namespace tamga::node {

ConnectionTable::ConnectionTable(std::size_t total, std::size_t per_address)
    : total_(total), per_address_(per_address) {}

std::size_t ConnectionTable::CountFrom(const std::string& address) const {
  auto it = per_address_count_.find(address);
  return it == per_address_count_.end() ? 0 : it->second;
}

std::optional<std::uint64_t> ConnectionTable::LongestIdle(const std::string* address) const {
  for (const auto& [since, id] : idle_) {
    if (address == nullptr || connections_.at(id).address == *address) return id;
  }
  return std::nullopt;
}

ConnectionTable::Admission ConnectionTable::Admit(const std::string& address, std::uint64_t id,
                                                  std::uint64_t now_ms) {
  Admission a;
  if (CountFrom(address) >= per_address_) {
    a.evict = LongestIdle(&address);
  } else if (connections_.size() >= total_) {
    a.evict = LongestIdle(nullptr);
  } else {
    a.admitted = true;
  }
  if (a.evict) {
    Release(*a.evict);
    a.admitted = true;
  }
  if (a.admitted) {
    connections_[id] = Connection{address, now_ms};
    ++per_address_count_[address];
    idle_.insert({now_ms, id});
  }
  return a;
}

void ConnectionTable::SetIdle(std::uint64_t id, bool idle, std::uint64_t now_ms) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Connection& c = it->second;
  if (c.idle_since) idle_.erase({*c.idle_since, id});
  c.idle_since.reset();
  if (idle) {
    c.idle_since = now_ms;
    idle_.insert({now_ms, id});
  }
}

void ConnectionTable::Release(std::uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  if (it->second.idle_since) idle_.erase({*it->second.idle_since, id});
  auto count = per_address_count_.find(it->second.address);
  if (--count->second == 0) per_address_count_.erase(count);
  connections_.erase(it);
}

}  // namespace tamga::node
