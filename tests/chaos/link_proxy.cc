#include "tests/chaos/link_proxy.h"

// clang-format off
#include "common/asio.h"
// clang-format on

#include <array>
#include <deque>
#include <optional>

#include "net/handshake.h"

namespace tamga::chaos {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kChunkBytes = 64 << 10;
constexpr std::size_t kBacklogMax = 4 << 20;
constexpr auto kCutPoll = std::chrono::milliseconds(10);
// Where the dialler's key sits in its Hello: after the magic, version and chain id.
constexpr std::size_t kHelloKeyOffset = 8 + 2 + 32;

// A direction nobody can cut or delay: connections whose dialler is not a validator.
std::atomic<bool> kNeverCut{false};
std::atomic<std::uint32_t> kNoDelay{0};

// One direction of one connection: reads from `src` as long as its backlog allows, and
// writes each chunk to `dst` once it is due (read time + delay) and the direction is not
// cut. A read error or end of stream closes both sockets once the backlog is delivered; a
// write error closes them at once. The other direction, sharing the sockets, sees that.
class Pump : public std::enable_shared_from_this<Pump> {
 public:
  Pump(std::shared_ptr<tcp::socket> src, std::shared_ptr<tcp::socket> dst,
       const std::atomic<bool>& cut, const std::atomic<std::uint32_t>& delay_ms)
      : src_(std::move(src)),
        dst_(std::move(dst)),
        cut_(cut),
        delay_ms_(delay_ms),
        timer_(src_->get_executor()) {}

  // Bytes already read elsewhere (the Hello), sent before anything else.
  void Push(std::vector<std::uint8_t> bytes) {
    backlog_ += bytes.size();
    queue_.push_back(Chunk{SteadyClock::now(), std::move(bytes)});
  }
  void Start() {
    Read();
    Write();
  }

 private:
  struct Chunk {
    SteadyClock::time_point read_at;
    std::vector<std::uint8_t> bytes;
  };

  void Read() {
    if (reading_ || ended_ || closed_ || backlog_ >= kBacklogMax) return;
    reading_ = true;
    auto buffer = std::make_shared<std::vector<std::uint8_t>>(kChunkBytes);
    src_->async_read_some(
        asio::buffer(*buffer), [self = shared_from_this(), buffer](error_code ec, std::size_t n) {
          self->reading_ = false;
          if (ec) {
            self->ended_ = true;
            if (self->queue_.empty()) self->Close();
            return;
          }
          // An exact copy: a small frame must not pin a whole
          // read buffer while it waits out a cut.
          self->Push(std::vector<std::uint8_t>(buffer->begin(), buffer->begin() + n));
          self->Write();
          self->Read();
        });
  }

  void Write() {
    if (writing_ || waiting_ || closed_) return;
    if (!dst_->is_open()) return Close();  // The other direction closed the connection.
    if (queue_.empty()) {
      if (ended_) Close();
      return;
    }
    const auto now = SteadyClock::now();
    if (cut_.load()) return WaitUntil(now + kCutPoll);
    const auto due = queue_.front().read_at + std::chrono::milliseconds(delay_ms_.load());
    if (due > now) return WaitUntil(due);
    writing_ = true;
    asio::async_write(*dst_, asio::buffer(queue_.front().bytes),
                      [self = shared_from_this()](error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec) return self->Close();
                        self->backlog_ -= self->queue_.front().bytes.size();
                        self->queue_.pop_front();
                        self->Write();
                        self->Read();
                      });
  }

  void WaitUntil(SteadyClock::time_point when) {
    waiting_ = true;
    timer_.expires_at(when);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      self->waiting_ = false;
      if (!ec) self->Write();
    });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    src_->close(ignored);
    dst_->close(ignored);
    timer_.cancel();
  }

  std::shared_ptr<tcp::socket> src_, dst_;
  const std::atomic<bool>& cut_;
  const std::atomic<std::uint32_t>& delay_ms_;
  asio::steady_timer timer_;
  std::deque<Chunk> queue_;
  std::size_t backlog_ = 0;
  bool reading_ = false, writing_ = false, waiting_ = false, ended_ = false, closed_ = false;
};

}  // namespace

struct LinkProxy::Impl {
  asio::io_context io;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;

  void Accept(LinkProxy& proxy, std::size_t to) {
    acceptors[to]->async_accept([this, &proxy, to](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        OnAccepted(proxy, to, std::make_shared<tcp::socket>(std::move(socket)));
        return Accept(proxy, to);
      }
      // Out of descriptors, say: try again shortly rather than spin.
      auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(100));
      timer->async_wait([this, &proxy, to, timer](error_code e) {
        if (!e) Accept(proxy, to);
      });
    });
  }

  void OnAccepted(LinkProxy& proxy, std::size_t to, std::shared_ptr<tcp::socket> in) {
    ++proxy.accepted_;
    auto hello = std::make_shared<std::array<std::uint8_t, net::kHelloSize>>();
    asio::async_read(
        *in, asio::buffer(*hello), [this, &proxy, to, in, hello](error_code ec, std::size_t) {
          if (ec) return;  // Closed before a whole Hello: nothing to forward.
          const PublicKey key = PublicKey::FromView(
              ByteView(hello->data() + kHelloKeyOffset, PublicKey().view().size()));
          std::optional<std::size_t> from;
          for (std::size_t i = 0; i < proxy.nodes_.size(); ++i) {
            if (proxy.nodes_[i].key == key) from = i;
          }
          if (!from) ++proxy.unnamed_;
          auto out = std::make_shared<tcp::socket>(io);
          const tcp::endpoint back(asio::ip::make_address_v4("127.0.0.1"), proxy.nodes_[to].back);
          out->async_connect(back, [&proxy, to, from, in, out, hello](error_code connected) {
            if (connected) {
              error_code ignored;
              in->close(ignored);
              return;
            }
            const bool named = from.has_value();
            const std::size_t forward = named ? proxy.Index(*from, to) : 0;
            const std::size_t backward = named ? proxy.Index(to, *from) : 0;
            auto up = std::make_shared<Pump>(in, out, named ? proxy.cut_[forward] : kNeverCut,
                                             named ? proxy.delay_ms_[forward] : kNoDelay);
            auto down = std::make_shared<Pump>(out, in, named ? proxy.cut_[backward] : kNeverCut,
                                               named ? proxy.delay_ms_[backward] : kNoDelay);
            up->Push(std::vector<std::uint8_t>(hello->begin(), hello->end()));
            up->Start();
            down->Start();
          });
        });
  }
};

LinkProxy::LinkProxy(std::vector<Node> nodes)
    : nodes_(std::move(nodes)),
      cut_(new std::atomic<bool>[nodes_.size() * nodes_.size()]),
      delay_ms_(new std::atomic<std::uint32_t>[nodes_.size() * nodes_.size()]) {
  HealAll();
}

LinkProxy::~LinkProxy() { Stop(); }

Status LinkProxy::Start() {
  if (impl_) return Status::FailedPrecondition("link proxy: started already");
  impl_ = std::make_unique<Impl>();
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    auto acceptor = std::make_unique<tcp::acceptor>(impl_->io);
    const tcp::endpoint front(asio::ip::make_address_v4("127.0.0.1"), nodes_[i].front);
    error_code ec;
    acceptor->open(front.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(front, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      impl_.reset();
      return Status::Unavailable("link proxy: cannot listen on 127.0.0.1:" +
                                 std::to_string(nodes_[i].front) + ": " + ec.message());
    }
    impl_->acceptors.push_back(std::move(acceptor));
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) impl_->Accept(*this, i);
  thread_ = std::thread([this] { impl_->io.run(); });
  return Status::Ok();
}

void LinkProxy::Stop() {
  if (!impl_) return;
  impl_->io.stop();
  if (thread_.joinable()) thread_.join();
  impl_.reset();
}

void LinkProxy::Cut(std::size_t from, std::size_t to) { cut_[Index(from, to)] = true; }

void LinkProxy::Delay(std::size_t from, std::size_t to, std::chrono::milliseconds delay) {
  delay_ms_[Index(from, to)] = static_cast<std::uint32_t>(delay.count());
}

void LinkProxy::HealAll() {
  for (std::size_t i = 0; i < nodes_.size() * nodes_.size(); ++i) {
    cut_[i] = false;
    delay_ms_[i] = 0;
  }
}

}  // namespace tamga::chaos
