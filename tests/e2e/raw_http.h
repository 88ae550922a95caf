// tests/e2e/raw_http.h
// HTTP/1.1 over a plain socket, for end-to-end tests that must see what a library would
// hide (the Content-Type, a stream's bytes as they come) or send what a well-behaved client
// would not; and a reader of Server-Sent Events streams (GET /v1/events).

#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace tamga::testing {

// A TCP connection from `source` (an address of 127.0.0.0/8: Linux routes all of it to
// loopback) to 127.0.0.1:`port`; -1 if it fails.
int ConnectFrom(const char* source, std::uint16_t port);

class Socket {
 public:
  // Connects to 127.0.0.1:`port` (from `source`, another loopback address, if given:
  // Linux routes all of 127.0.0.0/8 to loopback); reads time out after `timeout`.
  Socket(std::uint16_t port, std::chrono::milliseconds timeout, const char* source = nullptr);
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  bool connected() const { return connected_; }
  bool Send(const std::string& bytes);
  // Appends what arrives to `out`: > 0 bytes read, 0 end of stream, < 0 timeout or error.
  ssize_t ReadSome(std::string& out);

 private:
  int fd_ = -1;
  bool connected_ = false;
};

struct Answer {
  int status = 0;
  std::string content_type;
  std::string csp;            // Content-Security-Policy, if sent.
  std::string cache_control;  // Cache-Control, if sent.
  std::string retry_after;    // Retry-After, if sent.
  std::string body;
};

// Parses a status line and headers (up to the blank line) into `a`; false if malformed.
bool ParseHead(const std::string& head, Answer& a, std::size_t* content_length);

// Sends `request` on a fresh connection and reads the answer to the server's close.
// `source` as for Socket.
std::optional<Answer> Exchange(std::uint16_t port, const std::string& request,
                               const char* source = nullptr);

// A request with Connection: close; `headers` are extra lines, each ending in "\r\n".
std::string Request(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& headers = "");

// --- Server-Sent Events ---------------------------------------------------------------

struct SseEvent {
  std::string id, event, data;
};

class EventStream {
 public:
  // GET `target` on 127.0.0.1:`port`, with extra header lines `headers`.
  EventStream(std::uint16_t port, const std::string& target, const std::string& headers = "");

  // The answer's status line and headers; nullopt if they do not come within `timeout`.
  std::optional<Answer> Head(std::chrono::milliseconds timeout);
  // The next block of lines up to a blank line ("\n\n"), comments included; nullopt if none
  // comes within `timeout`.
  std::optional<std::string> NextBlock(std::chrono::milliseconds timeout);

 private:
  Socket socket_;
  bool sent_ = false;
  std::string buffer_;  // Read, not yet parsed.
};

// Parses one SSE block: fields id, event and data, comment lines (':') skipped. Fails the
// test on any other field.
SseEvent ParseEvent(const std::string& block);

}  // namespace tamga::testing
