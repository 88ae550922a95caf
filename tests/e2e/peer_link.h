// tests/e2e/peer_link.h
// A validator's peer link, driven by a test as a Byzantine validator would drive it: the
// real handshake (net/handshake.h) over a blocking socket, then frames written as fast as
// the node reads them. A reader thread drains what the node sends (so the link is not
// closed for not draining) and keeps the highest round and the latest QC it has seen, which
// is what an attacker needs to make messages that pass the node's checks. A third thread
// sends a keep-alive every second, as the transport does, so a quiet link stays up.
//
// Thread-safety: thread-safe.

#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/chain.h"
#include "common/ed25519.h"
#include "net/handshake.h"
#include "net/wire.h"

namespace tamga::testing {

class PeerLink {
 public:
  // Connects as `identity` to the node listening on `port` whose key is `node_key`;
  // nullptr if the handshake fails.
  static std::unique_ptr<PeerLink> Open(const ChainId& chain, const SecretKey& identity,
                                        const PublicKey& node_key, std::uint16_t port);
  ~PeerLink();
  PeerLink(const PeerLink&) = delete;
  PeerLink& operator=(const PeerLink&) = delete;

  // One frame holding `m`; false once the node has closed the link.
  bool Send(const net::Message& m);
  // One frame holding these bytes as they are (they need not decode).
  bool SendPlain(ByteView plaintext);
  bool open() const { return open_; }

  Round highest_round() const;
  std::optional<QuorumCertificate> latest_qc() const;
  std::uint64_t frames_read() const { return frames_read_; }

 private:
  PeerLink(int fd, ChainId chain, net::Session session);
  void ReadLoop();
  void KeepAlive();

  const int fd_;
  const ChainId chain_;
  net::Session session_;
  std::atomic<bool> open_{true};
  std::mutex send_mu_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> frames_read_{0};
  mutable std::mutex mu_;
  Round highest_round_;
  std::optional<QuorumCertificate> latest_qc_;
  std::thread reader_;
  std::thread keepalive_;
};

}  // namespace tamga::testing
