#include "node/api.h"

// clang-format off
#include "net/asio.h"  // Before any Boost header (net/asio.h says why).
// clang-format on
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <nlohmann/json.hpp>

#include "common/encoding.h"
#include "common/log.h"
#include "contracts/model.h"
#include "net/transport.h"

namespace tamga::node {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using nlohmann::json;

namespace {

constexpr std::size_t kBodyMax = 2 << 20;
constexpr std::size_t kHeaderMax = 8 << 10;
constexpr std::uint64_t kWaitMaxMs = 30'000;
constexpr auto kIdleTimeout = std::chrono::seconds(60);
// Open API connections; more are closed at once (each may hold a 2 MiB body).
constexpr std::size_t kSessionsMax = 256;

using Response = http::response<http::string_body>;

Response Json(http::status status, const json& body) {
  Response r{status, 11};
  r.set(http::field::content_type, "application/json");
  r.set(http::field::server, "tamgad");
  r.body() = body.dump() + "\n";
  r.prepare_payload();
  return r;
}

Response Error(http::status status, std::string code, std::string message) {
  return Json(status, {{"code", std::move(code)}, {"message", std::move(message)}});
}

http::status StatusForRefusal(const std::string& code) {
  if (code == "mempool_full" || code == "unavailable") return http::status::service_unavailable;
  if (code == "duplicate" || code == "replayed_transaction" || code == "sequence_taken") {
    return http::status::conflict;
  }
  return http::status::bad_request;
}

std::optional<std::uint64_t> ParseU64(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// "/v1/blocks/12?wait_ms=500" -> path "/v1/blocks/12", query "wait_ms=500".
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::optional<std::string_view> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

json StatusJson(const NodeStatus& s) {
  json peers = json::array();
  for (const auto& p : s.peers) {
    peers.push_back({{"key", p.key.ToHex()},
                     {"address", p.address},
                     {"connected", p.connected},
                     {"direction", p.connected ? (p.outbound ? "out" : "in") : ""},
                     {"frames_in", p.frames_in},
                     {"frames_out", p.frames_out}});
  }
  json validators = json::array();
  for (const auto& k : s.head.validators.validators) validators.push_back(k.ToHex());
  json j = {{"chain_id", s.chain_id.ToHex()},
            {"key", s.key.ToHex()},
            {"validator_index", s.self ? json(s.self->value()) : json(nullptr)},
            {"height", s.head.height.value()},
            {"block_id", s.head.block_id.ToHex()},
            {"round", s.round.value()},
            {"epoch", s.epoch.value()},
            {"state_root", s.head.result.state_root.ToHex()},
            {"log_root", s.head.result.log_root.ToHex()},
            {"log_size", s.head.result.log_size},
            {"validators", validators},
            {"peers", peers},
            {"mempool", s.mempool},
            {"committed_transactions", s.committed_transactions},
            {"clock_offset_ms", s.clock_offset_ms ? json(*s.clock_offset_ms) : json(nullptr)}};
  return j;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `count` is held for the session's life: the server counts its sessions by it.
  Session(tcp::socket socket, Node& node, std::shared_ptr<bool> stopped, std::shared_ptr<int> count)
      : stream_(std::move(socket)),
        node_(node),
        stopped_(std::move(stopped)),
        count_(std::move(count)) {}

  void Read() {
    if (*stopped_) return;
    parser_.emplace();
    parser_->body_limit(kBodyMax);
    parser_->header_limit(kHeaderMax);
    stream_.expires_after(kIdleTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (*stopped_) return;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      return Close();
    }
    if (ec) {
      // Garbage, or over a limit: answer once if we can, then close.
      const bool too_big = ec == http::error::body_limit || ec == http::error::header_limit;
      keep_alive_ = false;
      return Write(Error(too_big ? http::status::payload_too_large : http::status::bad_request,
                         too_big ? "too_large" : "bad_request",
                         "request refused: " + ec.message()));
    }
    request_ = parser_->release();
    keep_alive_ = request_.keep_alive();
    Dispatch();
  }

  void Dispatch() {
    const auto target = request_.target();
    const auto [path, query] = SplitTarget(std::string_view(target.data(), target.size()));
    const auto method = request_.method();
    if (path == "/v1/status" && method == http::verb::get) {
      return Write(Json(http::status::ok, StatusJson(node_.GetStatus())));
    }
    if (path == "/v1/transactions" && method == http::verb::post) return Submit();
    constexpr std::string_view kTx = "/v1/transactions/";
    if (path.substr(0, kTx.size()) == kTx && method == http::verb::get) {
      return GetTransaction(path.substr(kTx.size()));
    }
    constexpr std::string_view kAccounts = "/v1/accounts/";
    if (path.substr(0, kAccounts.size()) == kAccounts && method == http::verb::get) {
      return GetAccount(path.substr(kAccounts.size()));
    }
    constexpr std::string_view kBlocks = "/v1/blocks/";
    if (path.substr(0, kBlocks.size()) == kBlocks && method == http::verb::get) {
      return GetBlock(path.substr(kBlocks.size()), query);
    }
    Write(Error(
        http::status::not_found, "not_found",
        "no such endpoint: " + std::string(request_.method_string()) + " " + std::string(path)));
  }

  void Submit() {
    json body = json::parse(request_.body(), nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object() || !body.contains("transaction") ||
        !body["transaction"].is_string()) {
      return Write(Error(http::status::bad_request, "bad_request",
                         "expected {\"transaction\": \"<hex of the canonical encoding>\"}"));
    }
    auto raw = FromHex(body["transaction"].get<std::string>());
    if (!raw.ok()) {
      return Write(Error(http::status::bad_request, "bad_request", "transaction is not hex"));
    }
    auto tx = Decode<Transaction>(*raw, "transaction");
    if (!tx.ok()) return Write(Error(http::status::bad_request, "malformed", tx.error().message()));
    const SubmitOutcome out = node_.Submit(*tx);
    if (out.refused) {
      Log(LogLevel::kInfo, "tx_refused",
          {{"tx", out.id.ShortHex()}, {"reason", out.refused->code}});
      return Write(Json(StatusForRefusal(out.refused->code), {{"code", out.refused->code},
                                                              {"message", out.refused->message},
                                                              {"id", out.id.ToHex()}}));
    }
    Write(Json(http::status::accepted, {{"id", out.id.ToHex()}, {"status", "pending"}}));
  }

  void GetTransaction(std::string_view hex) {
    auto id = Hash32::FromHex(hex);
    if (!id.ok())
      return Write(Error(http::status::bad_request, "bad_request", "not a 64-hex-digit id"));
    auto found = node_.ledger().FindTransaction(*id);
    if (!found.ok())
      return Write(
          Error(http::status::internal_server_error, "internal", found.error().ToString()));
    if (!found->has_value()) {
      if (node_.InMempool(*id))
        return Write(Json(http::status::ok, {{"id", id->ToHex()}, {"status", "pending"}}));
      return Write(Error(http::status::not_found, "not_found", "no such transaction on this node"));
    }
    const auto [height, index] = **found;
    auto receipts = node_.ledger().ReceiptsAt(height);
    if (!receipts.ok() || index >= receipts->size()) {
      return Write(Error(http::status::internal_server_error, "internal", "receipt missing"));
    }
    const auto& r = (*receipts)[index];
    Write(Json(
        http::status::ok,
        {{"id", id->ToHex()},
         {"status", "committed"},
         {"height", height.value()},
         {"index", index},
         {"code", r.code},
         {"result", r.code == 0 ? "accepted" : "rejected"},
         {"reason", std::string(contracts::ReasonName(static_cast<contracts::Reason>(r.code)))},
         {"detail", r.detail},
         {"first_record", r.first_record},
         {"record_count", r.record_count}}));
  }

  // A signer's last committed sequence: what its next transaction must add one to.
  void GetAccount(std::string_view hex) {
    auto key = PublicKey::FromHex(hex);
    if (!key.ok())
      return Write(Error(http::status::bad_request, "bad_request", "not a 64-hex-digit key"));
    const auto& ledger = node_.ledger();
    Write(Json(http::status::ok,
               {{"key", key->ToHex()},
                {"height", ledger.Head().height.value()},
                {"last_sequence", LastSequence(ledger.StateBefore(nullptr), *key)}}));
  }

  void GetBlock(std::string_view height_text, std::string_view query) {
    auto height = ParseU64(height_text);
    if (!height)
      return Write(Error(http::status::bad_request, "bad_request", "height is not a number"));
    std::uint64_t wait = 0;
    if (auto w = QueryParam(query, "wait_ms")) {
      auto v = ParseU64(*w);
      if (!v)
        return Write(Error(http::status::bad_request, "bad_request", "wait_ms is not a number"));
      wait = std::min(*v, kWaitMaxMs);
    }
    auto answer = [self = shared_from_this(), h = Height(*height)] {
      if (*self->stopped_) return;
      const auto& ledger = self->node_.ledger();
      if (ledger.Head().height < h) {
        return self->Write(Error(http::status::not_found, "not_found",
                                 "height " + h.ToString() + " is not committed yet"));
      }
      auto block = ledger.BlockAt(h);
      auto result = ledger.ResultAt(h);
      if (!block.ok() || !result.ok()) {
        return self->Write(
            Error(http::status::internal_server_error, "internal", "block unreadable"));
      }
      json txs = json::array();
      for (const auto& tx : block->transactions) txs.push_back(tx.Hash().ToHex());
      const BlockHeader& hd = block->header;
      self->Write(Json(http::status::ok, {{"height", hd.height.value()},
                                          {"id", hd.Id().ToHex()},
                                          {"epoch", hd.epoch.value()},
                                          {"round", hd.round.value()},
                                          {"proposer", hd.proposer.value()},
                                          {"timestamp_ms", hd.timestamp_ms},
                                          {"parent_id", hd.parent_id.ToHex()},
                                          {"transactions", txs},
                                          {"state_root", result->state_root.ToHex()},
                                          {"log_root", result->log_root.ToHex()},
                                          {"log_size", result->log_size}}));
    };
    if (wait == 0) return answer();
    node_.WaitForHeight(Height(*height), wait, std::move(answer));
  }

  void Write(Response r) {
    r.keep_alive(keep_alive_);
    auto response = std::make_shared<Response>(std::move(r));
    stream_.expires_after(kIdleTimeout);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
                        if (ec || !self->keep_alive_) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Node& node_;
  std::shared_ptr<bool> stopped_;
  std::shared_ptr<int> count_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
  bool keep_alive_ = true;
};

}  // namespace

ApiServer::ApiServer(asio::io_context& io, Node& node) : io_(io), node_(node), acceptor_(io) {}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Listen(const std::string& address) {
  TAMGA_ASSIGN_OR_RETURN(auto hp, net::ParseHostPort(address));
  beast::error_code ec;
  const auto ip = asio::ip::make_address(hp.first, ec);
  if (ec) return Status::InvalidArgument("API address '" + hp.first + "' is not an IP address");
  const tcp::endpoint ep(ip, hp.second);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::Unavailable("cannot listen on " + address + " for the API: " + ec.message());
  Accept();
  return Status::Ok();
}

std::uint16_t ApiServer::port() const {
  beast::error_code ec;
  auto ep = acceptor_.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void ApiServer::Accept() {
  acceptor_.async_accept([this, stopped = stopped_](beast::error_code ec, tcp::socket socket) {
    if (*stopped) return;
    if (ec) {
      // Out of file descriptors, say: accepting again at once would spin the node's one
      // thread, so wait a little.
      Log(LogLevel::kWarn, "api_accept_failed", {{"reason", ec.message()}});
      auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
      timer->async_wait([this, timer, stopped](beast::error_code) {
        if (!*stopped) Accept();
      });
      return;
    }
    if (sessions_.use_count() - 1 >= static_cast<long>(kSessionsMax)) {
      beast::error_code ignored;
      socket.close(ignored);  // Over the cap: refused before reading a byte.
    } else {
      std::make_shared<Session>(std::move(socket), node_, stopped_, sessions_)->Read();
    }
    Accept();
  });
}

void ApiServer::Stop() {
  if (*stopped_) return;
  *stopped_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
}

}  // namespace tamga::node
