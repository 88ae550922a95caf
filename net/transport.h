// net/transport.h
// Authenticated, encrypted TCP links between validators (and admitted observers), over
// Boost.Asio. Every connection starts with the handshake of net/handshake.h; after it,
// frames are: a 4-byte big-endian length L, then L bytes of ChaCha20-Poly1305 ciphertext
// authenticated with those 4 bytes. L is checked against the frame cap before anything is
// allocated. An empty frame is a keep-alive.
//
// A connection is closed, with a logged reason, on: a handshake refusal or failure, a
// handshake not finished in time, a frame over the cap or failing authentication, no frame
// (not even a keep-alive) for idle_timeout_ms (half-open links), or a send queue over its
// bound (a peer that does not drain). Closing one connection never affects another. Lines
// about connections that never finished a handshake are limited to ten a second.
//
// Peers with an address are dialled and redialled with exponential backoff and jitter.
// When two links to one peer exist (both dialled at once), both sides keep the one dialled
// by the lower key, so they agree without talking about it.
//
// Thread-safety: not thread-safe. Every call and every callback runs on the io_context's
// one thread.

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/asio.h"
#include "common/bytes.h"
#include "common/chain.h"
#include "common/ed25519.h"
#include "common/host_port.h"
#include "common/log.h"
#include "common/status.h"

namespace tamga::net {

struct TransportOptions {
  ChainId chain;
  std::string listen;  // "host:port"; empty: accept no connections.
  std::size_t frame_bytes_max = 16 << 20;
  std::size_t send_queue_bytes_max = 64 << 20;
  // Connections still in their handshake, and of those from one IP address. When all are
  // taken, a newcomer takes the place of the oldest of the address holding the most.
  std::size_t handshaking_max = 64;
  std::size_t handshaking_per_address_max = 8;
  std::uint64_t handshake_timeout_ms = 5'000;
  std::uint64_t keepalive_ms = 1'000;
  std::uint64_t idle_timeout_ms = 6'000;
  std::uint64_t backoff_min_ms = 100;
  std::uint64_t backoff_max_ms = 5'000;
};

struct PeerInfo {
  PublicKey key;
  std::string address;  // Where we dial it; empty if it only dials us.
  bool connected = false;
  bool outbound = false;
  std::uint64_t frames_in = 0;
  std::uint64_t frames_out = 0;
};

class Connection;

class Transport {
 public:
  using FrameFn = std::function<void(const PublicKey& from, Bytes plaintext)>;
  using LinkFn = std::function<void(const PublicKey& peer, bool up)>;

  // `identity` must outlive the transport.
  Transport(boost::asio::io_context& io, TransportOptions options, const SecretKey& identity,
            FrameFn on_frame, LinkFn on_link = {});
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Binds and starts accepting. Fails with a clear message if the address is in use.
  Status Listen();
  std::uint16_t listen_port() const;

  // Who may open a connection to us, and whose links stay up (checked at each handshake and
  // now: links of keys no longer admitted are closed).
  void SetAdmitted(std::set<PublicKey> keys);
  // Dial `key` at `address` and keep it connected while it is admitted (SetAdmitted).
  void AddPeer(const PublicKey& key, const std::string& address);

  // Queues a frame to `to`; false if no link is up. May close the link (queue over bound).
  bool Send(const PublicKey& to, ByteView plaintext);
  void Broadcast(ByteView plaintext);
  // Closes the link to `peer` (it misbehaved); it may reconnect after backoff.
  void Disconnect(const PublicKey& peer, const std::string& reason);

  std::vector<PeerInfo> Peers() const;
  bool Connected(const PublicKey& peer) const { return links_.count(peer) > 0; }
  // Closes everything and stops dialling.
  void Stop();

 private:
  friend class Connection;
  struct Dial {
    std::string address;
    std::uint64_t backoff_ms = 0;
    std::shared_ptr<boost::asio::steady_timer> timer;
    bool dialling = false;
  };

  void Accept();
  void StartDial(const PublicKey& key);
  void ScheduleDial(const PublicKey& key);
  // A connection finished its handshake; false if the transport keeps another link instead.
  bool OnEstablished(const std::shared_ptr<Connection>& c);
  void OnClosed(Connection* c);
  bool Admitted(const PublicKey& key) const { return admitted_.count(key) > 0; }
  // Whether a connection from `remote` may start its handshake; may close another's
  // handshake to make room.
  bool AdmitHandshake(const boost::asio::ip::address& remote);

  boost::asio::io_context& io_;
  const TransportOptions options_;
  const SecretKey& identity_;
  FrameFn on_frame_;
  LinkFn on_link_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_timer_;
  std::set<PublicKey> admitted_;
  std::map<PublicKey, Dial> dials_;
  std::map<PublicKey, std::shared_ptr<Connection>> links_;  // Established.
  std::set<std::shared_ptr<Connection>> handshaking_;
  std::uint64_t connections_made_ = 0;
  std::mt19937_64 jitter_;
  // Lines about connections that never got past the handshake (refused, timed out): a
  // flood of them must not fill the disk (common/log.h).
  static constexpr std::uint32_t kStrangerLinesPerSecond = 10;
  LogBudget strangers_log_{kStrangerLinesPerSecond};
  bool stopped_ = false;
};

}  // namespace tamga::net
