// tests/client/http_client_test.cc
// The HTTP client's timeout bounds the connect too: a server whose accept queue is full
// drops the SYN, and a blocking connect would wait for the kernel's retries (minutes).

#include "client/http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace tamga::client {
namespace {

// A listening socket on 127.0.0.1 that never accepts, with the smallest backlog, and
// connections that fill its accept queue: the kernel then drops further SYNs.
class FullListener {
 public:
  FullListener() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), len), 0);
    EXPECT_EQ(listen(listen_fd_, 0), 0);
    EXPECT_EQ(getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port_ = ntohs(a.sin_port);
    for (int i = 0; i < 4; ++i) {
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      fcntl(fd, F_SETFL, O_NONBLOCK);
      connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));  // In progress, or queued.
      fillers_.push_back(fd);
    }
    usleep(200'000);  // Their handshakes complete (or stall) meanwhile.
  }
  ~FullListener() {
    for (int fd : fillers_) close(fd);
    close(listen_fd_);
  }
  int port() const { return port_; }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

TEST(HttpClientTest, AConnectThatGetsNoAnswerEndsAtTheTimeout) {
  FullListener server;
  auto c = HttpClient::Connect("127.0.0.1:" + std::to_string(server.port()), 300);
  ASSERT_TRUE(c.ok());
  auto r = c->Get("/v1/status");
  ASSERT_FALSE(r.ok());
  // The connect itself timed out (not the request after it).
  EXPECT_NE(r.error().message().find("cannot connect to 127.0.0.1"), std::string::npos)
      << r.error().message();
}

TEST(HttpClientTest, ARefusedConnectIsAnErrorAtOnce) {
  // A port nobody listens on: bound, then closed.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), len), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  close(fd);
  auto c = HttpClient::Connect("127.0.0.1:" + std::to_string(ntohs(a.sin_port)), 30'000);
  ASSERT_TRUE(c.ok());
  auto r = c->Get("/v1/status");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("cannot connect to 127.0.0.1"), std::string::npos)
      << r.error().message();
}

TEST(PercentEncode, LeavesTheUnreservedAndEncodesEveryOtherByte) {
  EXPECT_EQ(PercentEncode("KZ-2026_01.a~Z9"), "KZ-2026_01.a~Z9");
  EXPECT_EQ(PercentEncode("KZ/2025/0001"), "KZ%2F2025%2F0001");
  EXPECT_EQ(PercentEncode("2026-03-01T12:00:00Z"), "2026-03-01T12%3A00%3A00Z");
  EXPECT_EQ(PercentEncode("a b&c=d?%"), "a%20b%26c%3Dd%3F%25");
  EXPECT_EQ(PercentEncode("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(PercentEncode(""), "");
}

}  // namespace
}  // namespace tamga::client
