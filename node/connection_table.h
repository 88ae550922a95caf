// node/connection_table.h
// Who holds the API's connections, and whose place a newcomer takes when they are all
// held. At most `per_address` connections come from one address and `total` in all. A
// connection is idle while it waits for its next request. When a newcomer's address is at
// its cap, the newcomer takes the place of that address's longest-idle connection; when
// the whole table is full, of the longest-idle connection of anyone. So a client that opens
// connections and sends nothing only ever recycles its own places, and cannot lock other
// clients out. A newcomer is refused only when every place it could take is busy.
//
// Thread-safety: not thread-safe; the API runs it on the node's thread. Pure: times are
// given, nothing is closed here (the caller closes what Admit says to evict).

#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace tamga::node {

class ConnectionTable {
 public:
  ConnectionTable(std::size_t total, std::size_t per_address);

  struct Admission {
    bool admitted = false;
    std::optional<std::uint64_t> evict;  // A connection to close to make room.
  };
  // A new connection `id` from `address` (idle from `now_ms`, as it has sent nothing yet).
  Admission Admit(const std::string& address, std::uint64_t id, std::uint64_t now_ms);
  // `id` waits for its next request (idle) or is reading or answering one (busy).
  void SetIdle(std::uint64_t id, bool idle, std::uint64_t now_ms);
  // `id` is gone (closed, or evicted and closed). Unknown ids are ignored.
  void Release(std::uint64_t id);

  std::size_t size() const { return connections_.size(); }
  std::size_t CountFrom(const std::string& address) const;

 private:
  struct Connection {
    std::string address;
    std::optional<std::uint64_t> idle_since;  // nullopt: busy.
  };
  // The longest-idle connection, of `address` only if given.
  std::optional<std::uint64_t> LongestIdle(const std::string* address) const;

  std::size_t total_;
  std::size_t per_address_;
  std::map<std::uint64_t, Connection> connections_;
  std::map<std::string, std::size_t> per_address_count_;
  std::set<std::pair<std::uint64_t, std::uint64_t>> idle_;  // (idle since, id), oldest first.
};

}  // namespace tamga::node
