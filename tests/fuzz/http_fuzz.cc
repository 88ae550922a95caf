// tests/fuzz/http_fuzz.cc
// The HTTP API through the real server: Beast's parser, the router and its handlers, in
// front of a running one-validator node (a chain of its own in a scratch folder, made as
// `tamga testnet init` makes one, committing its heartbeat blocks). Each input is sent as
// it is on a fresh loopback connection whose write side is then closed. The properties:
// the node answers with a well-formed HTTP/1.1 status line, or closes without a word (a
// request it cannot parse, a client that went quiet); it never answers 500, which means a
// handler threw; and it keeps answering /v1/status. A request that waits (wait_ms) is left after a
// short while, as an impatient client would leave it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "cli/testnet_command.h"
#include "common/asio.h"
#include "common/log.h"
#include "node/api.h"
#include "node/config.h"
#include "node/node.h"
#include "tests/fuzz/fuzz.h"

namespace {

namespace fs = std::filesystem;

struct Server {
  fs::path dir;
  boost::asio::io_context io{1};
  std::unique_ptr<tamga::node::Node> node;
  std::unique_ptr<tamga::node::ApiServer> api;
  std::thread thread;
  std::uint16_t port = 0;
};

Server* the_server = nullptr;

void Fail(const std::string& what) {
  std::fprintf(stderr, "http fuzz target: %s\n", what.c_str());
  std::abort();
}

void Shutdown() {
  Server* s = the_server;
  if (s == nullptr) return;
  boost::asio::post(s->io, [s] {
    s->api->Stop();
    s->node->Stop();
    s->io.stop();
  });
  s->thread.join();
  s->api.reset();
  s->node.reset();
  std::error_code ec;
  fs::remove_all(s->dir, ec);
}

Server& TheServer() {
  if (the_server != nullptr) return *the_server;
  auto* s = new Server;
  s->dir = fs::temp_directory_path() / ("tamga_http_fuzz_" + std::to_string(::getpid()));
  fs::remove_all(s->dir);
  tamga::cli::TestnetInitOptions init;
  init.dir = s->dir.string();
  init.validators = 1;
  init.idle_block_ms = 500;
  std::ostringstream quiet;
  if (auto st = tamga::cli::TestnetInit(init, quiet); !st.ok()) Fail(st.ToString());
  auto config = tamga::node::LoadConfig((s->dir / "node0" / "tamgad.toml").string());
  if (!config.ok()) Fail(config.error().ToString());
  config->listen = "127.0.0.1:0";
  // No rate limits on submissions: the fuzzer sends a thousand requests a second from one
  // address. The inputs come from eight addresses (below): 16 connections each hold at
  // most 128 of the 256 places, so the status check from a ninth address always finds one,
  // as the caps promise an honest client. (With the default 32 each, inputs that wait
  // could take all 256 places for up to 30 s, and the check was refused: a run under load
  // in CI found it.)
  config->api_submissions_per_second_per_address = 0;
  config->api_submissions_per_second_per_signer = 0;
  config->api_connections_per_address = 16;
  tamga::SetupLogging(tamga::LogFormat::kText, tamga::LogLevel::kError);
  auto node = tamga::node::Node::Open(*config, s->io, std::nullopt);
  if (!node.ok()) Fail(node.error().ToString());
  s->node = std::move(*node);
  s->api = std::make_unique<tamga::node::ApiServer>(s->io, *s->node);
  if (auto st = s->api->Listen("127.0.0.1:0"); !st.ok()) Fail(st.ToString());
  s->port = s->api->port();
  if (auto st = s->node->Start(); !st.ok()) Fail(st.ToString());
  s->thread = std::thread([s] { s->io.run(); });
  the_server = s;
  std::atexit(Shutdown);
  return *s;
}

// Sends `request` on a fresh connection from `source` (an address of 127.0.0.0/8), closes
// the write side and reads what comes back until the node closes or `patience_ms` passes
// without a byte.
std::string Exchange(std::uint16_t port, const std::string& request, int patience_ms,
                     const char* source) {
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = -1;
  // A busy machine may be short of ports for a moment: try for a few seconds.
  for (int attempt = 0; fd < 0 && attempt < 50; ++attempt) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) Fail(std::string("no socket: ") + std::strerror(errno));
    // The port is chosen at connect, for this destination: one chosen at bind may be held
    // by a connection to the node that the node closed and still keeps in TIME_WAIT.
    const int defer = 1;
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &defer, sizeof defer);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      const int error = errno;
      ::close(fd);
      fd = -1;
      if (attempt == 49) {
        Fail(std::string("the node does not accept connections: ") + std::strerror(error));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  // Closed with a reset, so that the thousands of connections a run makes leave no
  // TIME_WAIT behind to use up the loopback's ports.
  const linger reset{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  timeval tv{0, patience_ms * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // The node closed early (a request line or header over its limit).
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Server& s = TheServer();
  const std::string request(reinterpret_cast<const char*>(data), size);
  // From one of eight addresses in turn: the node closes first and keeps each connection
  // in TIME_WAIT for a minute, and a thousand inputs a second would use up one address's
  // ports in half of that.
  static const char* const kSources[] = {"127.0.1.1", "127.0.1.2", "127.0.1.3", "127.0.1.4",
                                         "127.0.1.5", "127.0.1.6", "127.0.1.7", "127.0.1.8"};
  static std::uint64_t sent = 0;
  const std::string answer = Exchange(s.port, request, 100, kSources[sent++ % 8]);
  if (!answer.empty()) {
    // The first answer's status line (a body may quote the request, so later ones are not
    // searched for).
    TAMGA_FUZZ_CHECK(answer.rfind("HTTP/1.1 ", 0) == 0 && answer.size() >= 12,
                     "an answer that is not HTTP/1.1");
    TAMGA_FUZZ_CHECK(answer.compare(9, 3, "500") != 0, "500: a handler threw on this request");
  }
  // Still serving, asked every hundred inputs, from another address: the inputs' own may
  // be at its cap of connections (requests that wait hold theirs for up to 30 s after the
  // fuzzer has left them), which is the cap doing its work.
  static std::uint64_t inputs = 0;
  if (++inputs % 100 == 0) {
    const std::string status =
        Exchange(s.port, "GET /v1/status HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n", 5000,
                 "127.0.0.2");
    TAMGA_FUZZ_CHECK(status.rfind("HTTP/1.1 200", 0) == 0, "the node stopped answering /v1/status");
  }
  return 0;
}
