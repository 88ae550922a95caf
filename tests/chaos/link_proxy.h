// tests/chaos/link_proxy.h
// The network between the chaos cluster's validators, with faults. Each validator listens
// on a private port ("back"); the peer address the genesis gives it ("front") is this
// proxy's, which forwards every connection to the validator behind it. A dialler's first
// bytes are its handshake Hello, which carries its key in clear (net/handshake.h): so the
// proxy knows both ends of each link without any help from tamgad, and can
//   - cut a direction: the bytes from one validator to another are held, as a partition
//     holds packets (TCP delivers them at the heal if the connection lived that long).
//     A new connection's handshake is held the same way, so a link that was down when
//     the cut began stays down until the heal (the dialled node drops a silent connection
//     after its handshake timeout, and the proxy then closes the dialler's side);
//   - delay a direction: every chunk is delivered a fixed time after it was read.
// A direction's backlog is capped (4 MiB): beyond it the proxy stops reading, and TCP's
// flow control pushes back on the sender as a slow network would.
//
// Thread-safety: the proxy runs on a thread of its own; Cut, Delay and HealAll may be
// called from any thread and take effect on the next chunk.

#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "common/chain.h"
#include "common/status.h"

namespace tamga::chaos {

class LinkProxy {
 public:
  struct Node {
    std::uint16_t front = 0;  // Where peers dial it (the proxy listens here).
    std::uint16_t back = 0;   // Where it listens.
    PublicKey key;            // Its validator key, as its Hello names it.
  };

  explicit LinkProxy(std::vector<Node> nodes);
  ~LinkProxy();
  LinkProxy(const LinkProxy&) = delete;
  LinkProxy& operator=(const LinkProxy&) = delete;

  // Listens on every front port (127.0.0.1) and starts forwarding.
  Status Start();
  void Stop();

  // The bytes `from` sends to `to` are held until healed.
  void Cut(std::size_t from, std::size_t to);
  // The bytes `from` sends to `to` arrive `delay` after the proxy read them.
  void Delay(std::size_t from, std::size_t to, std::chrono::milliseconds delay);
  // No cut, no delay.
  void HealAll();

  // Connections accepted so far, and those whose dialler the proxy could not name (not a
  // validator's Hello): for tests and the run's summary.
  std::uint64_t accepted() const { return accepted_.load(); }
  std::uint64_t unnamed() const { return unnamed_.load(); }

 private:
  struct Impl;
  std::size_t Index(std::size_t from, std::size_t to) const { return from * nodes_.size() + to; }

  std::vector<Node> nodes_;
  // Per direction (from * n + to): held, and the delay in milliseconds.
  std::unique_ptr<std::atomic<bool>[]> cut_;
  std::unique_ptr<std::atomic<std::uint32_t>[]> delay_ms_;
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> unnamed_{0};
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace tamga::chaos
