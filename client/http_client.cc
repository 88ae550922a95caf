#include "client/http_client.h"

// clang-format off
#include "common/asio.h"  // Before any Boost header (common/asio.h says why).
// clang-format on
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <optional>
#include <utility>

#include "common/host_port.h"

namespace tamga::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

struct HttpClient::Impl {
  std::string host;
  std::string port;
  std::chrono::milliseconds timeout;
  asio::io_context io;
  std::optional<beast::tcp_stream> stream;

  Status Open() {
    stream.reset();
    beast::error_code ec;
    tcp::resolver resolver(io);
    auto results = resolver.resolve(host, port, ec);
    if (ec) return Status::Unavailable("cannot resolve " + host + ": " + ec.message());
    stream.emplace(io);
    // Asynchronously, so that the timeout bounds it: a blocking connect to an address that
    // drops the SYN would wait for the kernel's retries (minutes).
    stream->expires_after(timeout);
    stream->async_connect(results, [&](beast::error_code cec, const tcp::endpoint&) { ec = cec; });
    io.restart();
    io.run();
    if (ec) {
      stream.reset();
      return Status::Unavailable("cannot connect to " + host + ":" + port + ": " + ec.message());
    }
    return Status::Ok();
  }

  Result<HttpResponse> Do(http::verb verb, const std::string& target, const std::string* body) {
    // One retry on a fresh connection: the server may have closed an idle one.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!stream) TAMGA_RETURN_IF_ERROR(Open());
      http::request<http::string_body> req{verb, target, 11};
      req.set(http::field::host, host);
      req.set(http::field::user_agent, "tamga");
      req.keep_alive(true);
      if (body != nullptr) {
        req.set(http::field::content_type, "application/json");
        req.body() = *body;
        req.prepare_payload();
      }
      // Asynchronous operations run to completion here: Beast's stream timeout bounds them
      // (it does not bound blocking calls).
      beast::error_code ec;
      beast::flat_buffer buffer;
      http::response_parser<http::string_body> parser;
      parser.body_limit(64 << 20);
      stream->expires_after(timeout);
      http::async_write(*stream, req, [&](beast::error_code wec, std::size_t) {
        ec = wec;
        if (ec) return;
        http::async_read(*stream, buffer, parser,
                         [&](beast::error_code rec, std::size_t) { ec = rec; });
      });
      io.restart();
      io.run();
      if (ec) {
        stream.reset();
        if (attempt == 0 && ec != beast::error::timeout) continue;
        return Status::Unavailable(verb == http::verb::get
                                       ? "GET " + target + ": " + ec.message()
                                       : "POST " + target + ": " + ec.message());
      }
      auto res = parser.release();
      if (!res.keep_alive()) stream.reset();
      return HttpResponse{static_cast<int>(res.result_int()), std::move(res.body())};
    }
    return Status::Unavailable("unreachable");
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Result<HttpClient> HttpClient::Connect(const std::string& base, std::uint64_t timeout_ms) {
  std::string_view b = base;
  if (b.substr(0, 7) == "http://") b.remove_prefix(7);
  while (!b.empty() && b.back() == '/') b.remove_suffix(1);
  TAMGA_ASSIGN_OR_RETURN(auto hp, ParseHostPort(b));
  auto impl = std::make_unique<Impl>();
  impl->host = hp.first;
  impl->port = std::to_string(hp.second);
  impl->timeout = std::chrono::milliseconds(timeout_ms);
  return HttpClient(std::move(impl));
}

Result<HttpResponse> HttpClient::Get(const std::string& target) {
  return impl_->Do(http::verb::get, target, nullptr);
}

Result<HttpResponse> HttpClient::Post(const std::string& target, const std::string& json_body) {
  return impl_->Do(http::verb::post, target, &json_body);
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace tamga::client
