// tests/e2e/raw_http.cc

#include "tests/e2e/raw_http.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace tamga::testing {

using std::chrono::milliseconds;

int ConnectFrom(const char* source, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::inet_pton(AF_INET, source, &from.sin_addr) != 1 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

Socket::Socket(std::uint16_t port, milliseconds timeout, const char* source) {
  fd_ = ConnectFrom(source != nullptr ? source : "127.0.0.1", port);
  connected_ = fd_ >= 0;
  const auto ms = timeout.count();
  timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

Socket::~Socket() {
  if (fd_ >= 0) ::close(fd_);
}

bool Socket::Send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

ssize_t Socket::ReadSome(std::string& out) {
  char buf[4096];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n > 0) out.append(buf, static_cast<std::size_t>(n));
  return n;
}

bool ParseHead(const std::string& head, Answer& a, std::size_t* content_length) {
  std::istringstream in(head);
  std::string line;
  if (!std::getline(in, line) || line.rfind("HTTP/1.1 ", 0) != 0 || line.size() < 12) return false;
  a.status = std::atoi(line.substr(9, 3).c_str());
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (name == "content-type") a.content_type = value;
    if (name == "content-security-policy") a.csp = value;
    if (name == "cache-control") a.cache_control = value;
    if (name == "retry-after") a.retry_after = value;
    if (name == "content-length" && content_length != nullptr) {
      *content_length = static_cast<std::size_t>(std::stoull(value));
    }
  }
  return a.status >= 100;
}

std::optional<Answer> Exchange(std::uint16_t port, const std::string& request, const char* source) {
  Socket s(port, std::chrono::seconds(40), source);
  if (!s.connected() || !s.Send(request)) return std::nullopt;
  std::string raw;
  while (s.ReadSome(raw) > 0) {
  }
  const auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  Answer a;
  std::size_t length = std::string::npos;
  if (!ParseHead(raw.substr(0, end + 2), a, &length)) return std::nullopt;
  a.body = raw.substr(end + 4);
  if (length != std::string::npos && a.body.size() != length) return std::nullopt;
  return a;
}

std::string Request(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& headers) {
  std::string r = method + " " + target +
                  " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: */*\r\n" + headers;
  if (!body.empty() || method == "POST") {
    r +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return r + "\r\n" + body;
}

EventStream::EventStream(std::uint16_t port, const std::string& target, const std::string& headers)
    : socket_(port, milliseconds(500)) {
  sent_ = socket_.connected() && socket_.Send(Request("GET", target, "", headers));
}

std::optional<Answer> EventStream::Head(milliseconds timeout) {
  if (!sent_) return std::nullopt;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (buffer_.find("\r\n\r\n") == std::string::npos) {
    if (std::chrono::steady_clock::now() > end || socket_.ReadSome(buffer_) == 0) {
      return std::nullopt;
    }
  }
  const auto split = buffer_.find("\r\n\r\n");
  Answer a;
  if (!ParseHead(buffer_.substr(0, split + 2), a, nullptr)) return std::nullopt;
  buffer_.erase(0, split + 4);
  return a;
}

std::optional<std::string> EventStream::NextBlock(milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (buffer_.find("\n\n") == std::string::npos) {
    if (std::chrono::steady_clock::now() > end || socket_.ReadSome(buffer_) == 0) {
      return std::nullopt;
    }
  }
  const auto split = buffer_.find("\n\n");
  std::string block = buffer_.substr(0, split);
  buffer_.erase(0, split + 2);
  return block;
}

SseEvent ParseEvent(const std::string& block) {
  SseEvent e;
  std::istringstream in(block);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == ':') continue;
    const auto colon = line.find(':');
    const std::string field = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    if (field == "id") {
      e.id = value;
    } else if (field == "event") {
      e.event = value;
    } else if (field == "data") {
      e.data += (e.data.empty() ? "" : "\n") + value;
    } else {
      ADD_FAILURE() << "an event block with field \"" << field << "\": " << block;
    }
  }
  return e;
}

}  // namespace tamga::testing
