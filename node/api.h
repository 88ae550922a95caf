// node/api.h
// The node's HTTP API (Boost.Beast, HTTP/1.1, JSON), described in docs/openapi.json:
// submit a transaction, ask for one, read committed blocks (optionally waiting for one),
// and the node's status. Requests are size-limited (headers 8 KiB, bodies 2 MiB) and must
// arrive whole within 30 s; every error is JSON {"code", "message"}, and a request that
// does not parse closes only its own connection. Connections are capped per address and
// in all, and idle ones give their place to newcomers, so holding connections open locks
// no other client out. Submissions are limited to a rate per address and per signer
// (node/rate_limiter.h): past it, 429 with Retry-After. The time-release indicators
// (GET /v1/kpis, the page /kpis) are computed on a thread of their own (node/kpi_service.h).
//
// Thread-safety: runs on the node's io_context thread, like the node.

#pragma once

#include <memory>
#include <string>
#include <utility>

#include "common/asio.h"
#include "common/status.h"
#include "node/node.h"

namespace tamga::node {

struct ApiConnections;
class KpiService;

class ApiServer {
 public:
  ApiServer(boost::asio::io_context& io, Node& node);
  ~ApiServer();
  Status Listen(const std::string& address);
  std::uint16_t port() const;
  void Stop();

 private:
  void Accept();
  boost::asio::io_context& io_;
  Node& node_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<bool> stopped_ = std::make_shared<bool>(false);
  // Open connections: at most [api] connections_max, connections_per_address from one
  // address; a newcomer takes the place of the longest-idle one (node/connection_table.h).
  std::shared_ptr<ApiConnections> connections_;
  // The time-release indicators' computations; null when [api] kpis is false.
  std::unique_ptr<KpiService> kpis_;
};

}  // namespace tamga::node
