#include "net/transport.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <utility>

#include "common/log.h"
#include "net/handshake.h"

namespace tamga::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

// One TCP link: the handshake, then a read loop and a bounded write queue.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Transport& owner, tcp::socket socket, std::optional<PublicKey> dialled)
      : owner_(owner),
        socket_(std::move(socket)),
        timer_(owner.io_),
        outbound_(dialled.has_value()),
        accepted_(++owner.connections_made_) {
    if (dialled) peer_ = *dialled;
  }

  bool outbound() const { return outbound_; }
  // Orders connections by age: a smaller number was made earlier.
  std::uint64_t accepted() const { return accepted_; }
  const PublicKey& peer() const { return peer_; }
  std::uint64_t frames_in() const { return frames_in_; }
  std::uint64_t frames_out() const { return frames_out_; }
  asio::ip::address remote_address() const {
    error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    return ec ? asio::ip::address() : ep.address();
  }
  std::string remote() const {
    error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    return ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  void StartOutbound() {
    initiator_ = std::make_unique<Initiator>(owner_.options_.chain, owner_.identity_, peer_);
    ArmTimer(owner_.options_.handshake_timeout_ms, "handshake not finished in time");
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(initiator_->hello()),
                      [self](error_code ec, std::size_t) {
                        if (ec) return self->Close("handshake write: " + ec.message());
                        self->ReadReplyStatus();
                      });
  }

  void StartInbound() {
    responder_ =
        std::make_unique<Responder>(owner_.options_.chain, owner_.identity_,
                                    [this](const PublicKey& k) { return owner_.Admitted(k); });
    ArmTimer(owner_.options_.handshake_timeout_ms, "handshake not finished in time");
    buffer_.resize(kHelloSize);
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(buffer_), [self](error_code ec, std::size_t) {
      if (ec) return self->Close("handshake read: " + ec.message());
      auto& r = *self->responder_;
      self->reply_ = r.OnHello(self->buffer_);
      if (r.refusal() != Refusal::kNone) {
        self->owner_.strangers_log_.Log(LogLevel::kWarn, "peer_refused",
                                        {{"remote", self->remote()},
                                         {"key", r.claimed_peer().ShortHex()},
                                         {"reason", std::string(RefusalName(r.refusal()))}});
        asio::async_write(self->socket_, asio::buffer(self->reply_.data(), 1),
                          [self](error_code, std::size_t) { self->Close(""); });
        return;
      }
      asio::async_write(self->socket_, asio::buffer(self->reply_),
                        [self](error_code ec2, std::size_t) {
                          if (ec2) return self->Close("handshake write: " + ec2.message());
                          self->ReadFinish();
                        });
    });
  }

  // Seals and queues one frame; closes the link if the queue is over its bound.
  void Send(ByteView plaintext) {
    if (closed_) return;
    Bytes frame = SealFrame(session_->send, plaintext);
    queued_bytes_ += frame.size();
    if (queued_bytes_ > owner_.options_.send_queue_bytes_max) {
      return Close("send queue over " + std::to_string(owner_.options_.send_queue_bytes_max) +
                   " bytes: peer does not drain");
    }
    queue_.push_back(std::move(frame));
    ++frames_out_;
    if (!writing_) WriteNext();
  }

  // Idempotent. `reason` empty: closed quietly (already logged, or shutdown).
  void Close(const std::string& reason) {
    if (closed_) return;
    closed_ = true;
    if (!reason.empty() && (established_ || outbound_)) {
      Log(established_ ? LogLevel::kInfo : LogLevel::kWarn, "link_closed",
          {{"peer", peer_.ShortHex()}, {"remote", remote()}, {"reason", reason}});
    } else if (!reason.empty()) {
      // A stranger's connection that never finished its handshake: anyone can cause these.
      owner_.strangers_log_.Log(LogLevel::kWarn, "link_closed",
                                {{"peer", "-"}, {"remote", remote()}, {"reason", reason}});
    }
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    timer_.cancel();
    owner_.OnClosed(this);
  }

 private:
  void ArmTimer(std::uint64_t ms, std::string reason) {
    timer_.expires_after(std::chrono::milliseconds(ms));
    auto self = shared_from_this();
    timer_.async_wait([self, reason](error_code ec) {
      if (!ec && !self->closed_) self->Close(reason);
    });
  }

  void ReadReplyStatus() {
    buffer_.resize(1);
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(buffer_), [self](error_code ec, std::size_t) {
      if (ec) return self->Close("handshake read: " + ec.message());
      if (self->buffer_[0] != 0) return self->FinishOutbound();
      self->buffer_.resize(kReplySize);
      asio::async_read(self->socket_, asio::buffer(self->buffer_.data() + 1, kReplySize - 1),
                       [self](error_code ec2, std::size_t) {
                         if (ec2) return self->Close("handshake read: " + ec2.message());
                         self->FinishOutbound();
                       });
    });
  }

  void FinishOutbound() {
    auto r = initiator_->OnReply(buffer_);
    if (!r.ok()) return Close(r.error().ToString());
    finish_ = r->first;
    session_.emplace(std::move(r->second));
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(finish_), [self](error_code ec, std::size_t) {
      if (ec) return self->Close("handshake write: " + ec.message());
      self->Established();
    });
  }

  void ReadFinish() {
    buffer_.resize(kFinishSize);
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(buffer_), [self](error_code ec, std::size_t) {
      if (ec) return self->Close("handshake read: " + ec.message());
      auto s = self->responder_->OnFinish(self->buffer_);
      if (!s.ok()) {
        self->owner_.strangers_log_.Log(LogLevel::kWarn, "peer_refused",
                                        {{"remote", self->remote()},
                                         {"key", self->responder_->claimed_peer().ShortHex()},
                                         {"reason", s.error().ToString()}});
        return self->Close("");
      }
      self->peer_ = s->peer;
      self->session_.emplace(std::move(*s));
      self->Established();
    });
  }

  void Established() {
    initiator_.reset();
    responder_.reset();
    if (closed_) return;
    if (!owner_.OnEstablished(shared_from_this())) return;  // Another link is kept.
    established_ = true;
    last_read_ms_ = NowMs();
    Tick();
    ReadHeader();
  }

  // Keep-alives out, and the idle check in.
  void Tick() {
    timer_.expires_after(std::chrono::milliseconds(owner_.options_.keepalive_ms));
    auto self = shared_from_this();
    timer_.async_wait([self](error_code ec) {
      if (ec || self->closed_) return;
      if (NowMs() - self->last_read_ms_ > self->owner_.options_.idle_timeout_ms) {
        return self->Close("no frame for " + std::to_string(self->owner_.options_.idle_timeout_ms) +
                           " ms (half-open link)");
      }
      if (self->queue_.empty()) self->Send({});
      self->Tick();
    });
  }

  void ReadHeader() {
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(header_), [self](error_code ec, std::size_t) {
      if (ec) return self->Close(ec == asio::error::eof ? "peer closed" : ec.message());
      const std::uint32_t len = static_cast<std::uint32_t>(self->header_[0]) << 24 |
                                static_cast<std::uint32_t>(self->header_[1]) << 16 |
                                static_cast<std::uint32_t>(self->header_[2]) << 8 |
                                self->header_[3];
      if (len < kAeadTagSize || len > self->owner_.options_.frame_bytes_max + kAeadTagSize) {
        return self->Close("frame length " + std::to_string(len) + " outside [16, " +
                           std::to_string(self->owner_.options_.frame_bytes_max + kAeadTagSize) +
                           "]");
      }
      self->buffer_.resize(len);
      asio::async_read(self->socket_, asio::buffer(self->buffer_),
                       [self](error_code ec2, std::size_t) {
                         if (ec2) return self->Close(ec2.message());
                         self->OnFrame();
                       });
    });
  }

  // The frame is opened in place and handed over: a connection keeps no buffer between
  // frames, so a peer's one large frame is not held for the life of the link.
  void OnFrame() {
    if (Status s = session_->recv.OpenInPlace(buffer_, header_); !s.ok()) {
      return Close(s.ToString());
    }
    last_read_ms_ = NowMs();
    if (!buffer_.empty()) {
      ++frames_in_;
      owner_.on_frame_(peer_, std::exchange(buffer_, Bytes()));
      if (closed_) return;  // The handler disconnected us.
    }
    ReadHeader();
  }

  void WriteNext() {
    if (queue_.empty() || closed_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(queue_.front()), [self](error_code ec, std::size_t) {
      if (ec) return self->Close("write: " + ec.message());
      self->queued_bytes_ -= self->queue_.front().size();
      self->queue_.pop_front();
      self->WriteNext();
    });
  }

  Transport& owner_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  const bool outbound_;
  const std::uint64_t accepted_;
  PublicKey peer_;
  std::unique_ptr<Initiator> initiator_;
  std::unique_ptr<Responder> responder_;
  std::array<std::uint8_t, kReplySize> reply_{};
  std::array<std::uint8_t, kFinishSize> finish_{};
  std::optional<Session> session_;
  Bytes buffer_;
  std::array<std::uint8_t, 4> header_{};
  std::deque<Bytes> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool established_ = false;
  bool closed_ = false;
  std::uint64_t last_read_ms_ = 0;
  std::uint64_t frames_in_ = 0;
  std::uint64_t frames_out_ = 0;
};

Transport::Transport(asio::io_context& io, TransportOptions options, const SecretKey& identity,
                     FrameFn on_frame, LinkFn on_link)
    : io_(io),
      options_(std::move(options)),
      identity_(identity),
      on_frame_(std::move(on_frame)),
      on_link_(std::move(on_link)),
      acceptor_(io),
      accept_timer_(io),
      jitter_(std::random_device{}()) {}

Transport::~Transport() { Stop(); }

Status Transport::Listen() {
  TAMGA_ASSIGN_OR_RETURN(auto hp, ParseHostPort(options_.listen));
  error_code ec;
  const auto address = asio::ip::make_address(hp.first, ec);
  if (ec) {
    return Status::InvalidArgument("listen address '" + hp.first + "' is not an IP address");
  }
  const tcp::endpoint ep(address, hp.second);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + options_.listen + ": " + ec.message());
  }
  Accept();
  return Status::Ok();
}

std::uint16_t Transport::listen_port() const {
  error_code ec;
  auto ep = acceptor_.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void Transport::Accept() {
  acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (ec) {
      // Out of file descriptors, say: wait rather than spin the node's one thread.
      Log(LogLevel::kWarn, "accept_failed", {{"reason", ec.message()}});
      accept_timer_.expires_after(std::chrono::milliseconds(100));
      accept_timer_.async_wait([this](error_code e) {
        if (!e && !stopped_) Accept();
      });
      return;
    }
    {
      error_code remote_ec;
      const auto remote = socket.remote_endpoint(remote_ec).address();
      if (AdmitHandshake(remote)) {
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto c = std::make_shared<Connection>(*this, std::move(socket), std::nullopt);
        handshaking_.insert(c);
        c->StartInbound();
      } else {
        strangers_log_.Log(LogLevel::kWarn, "link_refused",
                           {{"remote", remote.to_string()},
                            {"reason", "too many connections in their handshake"}});
        error_code ignored;
        socket.close(ignored);
      }
    }
    Accept();
  });
}

bool Transport::AdmitHandshake(const asio::ip::address& remote) {
  std::map<asio::ip::address, std::size_t> from;  // Inbound handshakes by address.
  for (const auto& c : handshaking_) {
    if (!c->outbound()) ++from[c->remote_address()];
  }
  const std::size_t mine = from[remote];
  if (mine >= options_.handshaking_per_address_max) return false;
  if (handshaking_.size() < options_.handshaking_max) return true;
  // Full: the newcomer takes the place of the oldest handshake of the address that holds
  // the most, if that address would still hold at least as many as the newcomer's. So a
  // flood from a few addresses recycles its own places, and a peer dialling in from an
  // address of its own always gets one.
  auto heaviest = std::max_element(
      from.begin(), from.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  if (heaviest == from.end() || heaviest->second < mine + 2) return false;
  std::shared_ptr<Connection> oldest;
  for (const auto& c : handshaking_) {
    if (c->outbound() || c->remote_address() != heaviest->first) continue;
    if (!oldest || c->accepted() < oldest->accepted()) oldest = c;
  }
  oldest->Close("its place taken by a connection from another address (handshakes full)");
  return true;
}

void Transport::SetAdmitted(std::set<PublicKey> keys) {
  admitted_ = std::move(keys);
  std::vector<std::shared_ptr<Connection>> gone;
  for (const auto& [key, c] : links_) {
    if (!Admitted(key)) gone.push_back(c);
  }
  for (const auto& c : gone) c->Close("key no longer admitted");
}

void Transport::AddPeer(const PublicKey& key, const std::string& address) {
  if (key == identity_.public_key()) return;
  Dial& d = dials_[key];
  d.address = address;
  if (!d.timer) d.timer = std::make_shared<asio::steady_timer>(io_);
  if (!Connected(key) && !d.dialling) {
    d.timer->cancel();  // A pending redial would start a second dial.
    StartDial(key);
  }
}

void Transport::StartDial(const PublicKey& key) {
  // A key no longer admitted (a validator removed, or its key rotated) is not dialled any
  // more; AddPeer starts again if it comes back.
  if (stopped_ || Connected(key) || !Admitted(key)) return;
  auto it = dials_.find(key);
  if (it == dials_.end()) return;
  Dial& d = it->second;
  if (d.dialling) return;  // One dial at a time per peer.
  auto hp = ParseHostPort(d.address);
  if (!hp.ok()) {
    Log(LogLevel::kError, "dial_failed",
        {{"peer", key.ShortHex()}, {"reason", hp.error().ToString()}});
    return;
  }
  d.dialling = true;
  auto resolver = std::make_shared<tcp::resolver>(io_);
  resolver->async_resolve(
      hp->first, std::to_string(hp->second),
      [this, key, resolver](error_code ec, const tcp::resolver::results_type& results) {
        if (stopped_) return;
        if (ec) {
          Log(LogLevel::kDebug, "dial_failed",
              {{"peer", key.ShortHex()}, {"reason", ec.message()}});
          dials_[key].dialling = false;
          return ScheduleDial(key);
        }
        auto socket = std::make_shared<tcp::socket>(io_);
        asio::async_connect(*socket, results,
                            [this, key, socket](error_code ec2, const tcp::endpoint&) {
                              if (stopped_) return;
                              if (ec2) {
                                Log(LogLevel::kDebug, "dial_failed",
                                    {{"peer", key.ShortHex()}, {"reason", ec2.message()}});
                                dials_[key].dialling = false;
                                return ScheduleDial(key);
                              }
                              error_code ignored;
                              socket->set_option(tcp::no_delay(true), ignored);
                              auto c = std::make_shared<Connection>(*this, std::move(*socket), key);
                              handshaking_.insert(c);
                              c->StartOutbound();
                            });
      });
}

void Transport::ScheduleDial(const PublicKey& key) {
  auto it = dials_.find(key);
  if (stopped_ || it == dials_.end() || it->second.dialling) return;
  Dial& d = it->second;
  d.backoff_ms = d.backoff_ms == 0 ? options_.backoff_min_ms
                                   : std::min(options_.backoff_max_ms, d.backoff_ms * 2);
  // Up to half the backoff again, at random: restarted nodes do not all dial in step.
  const std::uint64_t delay = d.backoff_ms + jitter_() % (d.backoff_ms / 2 + 1);
  d.timer->expires_after(std::chrono::milliseconds(delay));
  d.timer->async_wait([this, key](error_code ec) {
    if (!ec) StartDial(key);
  });
}

bool Transport::OnEstablished(const std::shared_ptr<Connection>& c) {
  handshaking_.erase(c);
  const PublicKey& peer = c->peer();
  if (c->outbound()) {
    auto it = dials_.find(peer);
    if (it != dials_.end()) it->second.dialling = false;
  }
  if (stopped_ || !Admitted(peer)) {
    c->Close("key not admitted");
    return false;
  }
  auto existing = links_.find(peer);
  if (existing != links_.end()) {
    // Keep the link dialled by the lower key; between two of the same kind, the newer.
    const PublicKey& self = identity_.public_key();
    const PublicKey& lower = self < peer ? self : peer;
    const bool new_by_lower = (c->outbound() ? self : peer) == lower;
    const bool old_by_lower = (existing->second->outbound() ? self : peer) == lower;
    if (old_by_lower && !new_by_lower) {
      c->Close("");  // A duplicate; the other link stays.
      return false;
    }
    auto old = existing->second;
    links_.erase(existing);
    old->Close("replaced by a newer link");
  }
  links_[peer] = c;
  if (auto it = dials_.find(peer); it != dials_.end()) it->second.backoff_ms = 0;
  Log(LogLevel::kInfo, "link_up",
      {{"peer", peer.ShortHex()},
       {"remote", c->remote()},
       {"direction", c->outbound() ? "out" : "in"}});
  if (on_link_) on_link_(peer, true);
  return true;
}

void Transport::OnClosed(Connection* c) {
  for (auto it = handshaking_.begin(); it != handshaking_.end(); ++it) {
    if (it->get() == c) {
      auto keep = *it;  // Outlives the erase.
      handshaking_.erase(it);
      if (c->outbound()) {
        dials_[c->peer()].dialling = false;
        ScheduleDial(c->peer());
      }
      return;
    }
  }
  auto it = links_.find(c->peer());
  if (it == links_.end() || it->second.get() != c) return;
  auto keep = it->second;
  links_.erase(it);
  if (on_link_ && !stopped_) on_link_(c->peer(), false);
  if (dials_.count(c->peer())) ScheduleDial(c->peer());
}

bool Transport::Send(const PublicKey& to, ByteView plaintext) {
  auto it = links_.find(to);
  if (it == links_.end()) return false;
  auto c = it->second;
  c->Send(plaintext);
  return true;
}

void Transport::Broadcast(ByteView plaintext) {
  std::vector<std::shared_ptr<Connection>> all;
  for (const auto& [key, c] : links_) all.push_back(c);
  for (const auto& c : all) c->Send(plaintext);
}

void Transport::Disconnect(const PublicKey& peer, const std::string& reason) {
  auto it = links_.find(peer);
  if (it == links_.end()) return;
  auto c = it->second;
  c->Close(reason);
}

std::vector<PeerInfo> Transport::Peers() const {
  std::map<PublicKey, PeerInfo> out;
  for (const auto& [key, d] : dials_) out[key] = PeerInfo{key, d.address, false, false, 0, 0};
  for (const auto& [key, c] : links_) {
    PeerInfo& p = out[key];
    p.key = key;
    p.connected = true;
    p.outbound = c->outbound();
    p.frames_in = c->frames_in();
    p.frames_out = c->frames_out();
  }
  std::vector<PeerInfo> v;
  for (auto& [k, p] : out) v.push_back(std::move(p));
  return v;
}

void Transport::Stop() {
  if (stopped_) return;
  stopped_ = true;
  error_code ec;
  acceptor_.close(ec);
  for (auto& [key, d] : dials_) {
    if (d.timer) d.timer->cancel();
  }
  auto links = links_;
  for (auto& [key, c] : links) c->Close("");
  auto hs = handshaking_;
  for (const auto& c : hs) c->Close("");
  links_.clear();
  handshaking_.clear();
}

}  // namespace tamga::net
