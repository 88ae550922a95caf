// client/http_client.h
// A small blocking HTTP/1.1 client for the node's API (Boost.Beast), with one kept-alive
// connection, reopened when the server closed it. Used by the command line, the load
// generator and the end-to-end tests.
//
// Thread-safety: one client per thread.

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tamga::client {

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  // `base` is "http://host:port" or "host:port".
  static Result<HttpClient> Connect(const std::string& base, std::uint64_t timeout_ms = 30'000);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  Result<HttpResponse> Get(const std::string& target);
  Result<HttpResponse> Post(const std::string& target, const std::string& json_body);

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// `text` as a URL's path segment or query value: every byte but RFC 3986's unreserved
// characters (letters, digits, '-', '.', '_', '~') as %XX.
std::string PercentEncode(std::string_view text);

}  // namespace tamga::client
