// tests/e2e/peer_link.cc

#include "tests/e2e/peer_link.h"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <variant>

#include "tests/e2e/raw_http.h"

namespace tamga::testing {

namespace {

bool WriteAll(int fd, const std::uint8_t* data, std::size_t size) {
  std::size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

bool ReadAll(int fd, std::uint8_t* data, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::recv(fd, data + got, size - got, 0);
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::unique_ptr<PeerLink> PeerLink::Open(const ChainId& chain, const SecretKey& identity,
                                         const PublicKey& node_key, std::uint16_t port) {
  const int fd = ConnectFrom("127.0.0.1", port);
  if (fd < 0) return nullptr;
  net::Initiator initiator(chain, identity, node_key);
  std::array<std::uint8_t, net::kReplySize> reply{};
  if (!WriteAll(fd, initiator.hello().data(), initiator.hello().size()) ||
      !ReadAll(fd, reply.data(), 1) ||
      (reply[0] == 0 && !ReadAll(fd, reply.data() + 1, net::kReplySize - 1))) {
    ::close(fd);
    return nullptr;
  }
  auto done = initiator.OnReply(reply);
  if (!done.ok() || !WriteAll(fd, done->first.data(), done->first.size())) {
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<PeerLink>(new PeerLink(fd, chain, std::move(done->second)));
}

PeerLink::PeerLink(int fd, ChainId chain, net::Session session)
    : fd_(fd),
      chain_(chain),
      session_(std::move(session)),
      reader_([this] { ReadLoop(); }),
      keepalive_([this] { KeepAlive(); }) {}

PeerLink::~PeerLink() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  keepalive_.join();
  ::shutdown(fd_, SHUT_RDWR);
  reader_.join();
  ::close(fd_);
}

void PeerLink::KeepAlive() {
  std::unique_lock lock(stop_mu_);
  while (!stop_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
    if (!SendPlain({})) return;
  }
}

bool PeerLink::Send(const net::Message& m) {
  return SendPlain(net::EncodeEnvelope({net::kProtocolVersion, chain_, m}));
}

bool PeerLink::SendPlain(ByteView plaintext) {
  std::lock_guard lock(send_mu_);
  if (!open_) return false;
  const Bytes frame = net::SealFrame(session_.send, plaintext);
  if (!WriteAll(fd_, frame.data(), frame.size())) open_ = false;
  return open_;
}

Round PeerLink::highest_round() const {
  std::lock_guard lock(mu_);
  return highest_round_;
}

std::optional<QuorumCertificate> PeerLink::latest_qc() const {
  std::lock_guard lock(mu_);
  return latest_qc_;
}

void PeerLink::ReadLoop() {
  std::array<std::uint8_t, 4> header{};
  Bytes buffer;
  while (ReadAll(fd_, header.data(), header.size())) {
    const std::uint32_t len = std::uint32_t{header[0]} << 24 | std::uint32_t{header[1]} << 16 |
                              std::uint32_t{header[2]} << 8 | header[3];
    buffer.resize(len);
    if (!ReadAll(fd_, buffer.data(), len)) break;
    auto plain = session_.recv.Open(buffer, header);
    if (!plain.ok()) break;
    if (plain->empty()) continue;  // A keep-alive.
    ++frames_read_;
    auto env = net::DecodeEnvelope(*plain, chain_);
    if (!env.ok()) continue;
    std::lock_guard lock(mu_);
    auto note = [&](Round r, const QuorumCertificate* qc) {
      if (r > highest_round_) highest_round_ = r;
      if (qc != nullptr && (!latest_qc_ || qc->data.round > latest_qc_->data.round)) {
        latest_qc_ = *qc;
      }
    };
    if (const auto* p = std::get_if<Proposal>(&env->body)) {
      note(p->block.header.round, &p->block.justify);
    } else if (const auto* v = std::get_if<Vote>(&env->body)) {
      note(v->data.round, nullptr);
    } else if (const auto* t = std::get_if<Timeout>(&env->body)) {
      note(t->data.round, &t->high_qc);
    }
  }
  open_ = false;
}

}  // namespace tamga::testing
