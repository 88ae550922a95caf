#include "node/api.h"

// clang-format off
#include "common/asio.h"  // Before any Boost header (common/asio.h says why).
// clang-format on
#include <algorithm>
#include <array>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "audit/kpi.h"
#include "client/genesis_file.h"
#include "client/verify_link.h"
#include "common/encoding.h"
#include "common/log.h"
#include "contracts/model.h"
#include "contracts/rules.h"
#include "ledger/proof_file.h"
#include "ledger/state_sync.h"
#include "net/transport.h"
#include "node/api_codes.h"
#include "node/connection_table.h"
#include "node/facts.h"
#include "node/host_metrics.h"
#include "node/kpi_service.h"
#include "node/rate_limiter.h"
#include "tlog/tiles.h"
#include "tsa/authority.h"
#include "web/assets.h"

namespace tamga::node {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using nlohmann::json;

namespace {

constexpr std::size_t kBodyMax = 2 << 20;
// Transactions in one POST /v1/transactions/batch (about 1 KB of hex each for an anchor,
// so a full batch stays well inside kBodyMax).
constexpr std::size_t kBatchSubmitMax = 1000;
// Admitted this many at a time, the node's event loop served between (each costs a
// signature check and the rules' reads: tens of microseconds).
constexpr std::size_t kBatchChunk = 50;
constexpr std::size_t kHeaderMax = 8 << 10;
constexpr std::uint64_t kWaitMaxMs = 30'000;
// How long a refused submission with a wait waits for the next block before asking again.
constexpr std::uint64_t kRetryWaitMs = 2'000;
constexpr auto kIdleTimeout = std::chrono::seconds(60);
// A request (line, headers and body) must arrive whole within this of the read's start,
// however slowly its bytes trickle in.
constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr auto kStreamKeepAlive = std::chrono::seconds(15);
constexpr std::size_t kStreamBacklogMax = 4 << 20;
// An event stream catching up reads at most this much from the ledger per write.
constexpr std::size_t kStreamBatchBytes = 64 << 10;
constexpr std::size_t kStreamBatchRecords = 1024;
constexpr auto kStreamStallMax = std::chrono::seconds(60);

using Response = http::response<http::string_body>;

Response Json(http::status status, const json& body) {
  Response r{status, 11};
  r.set(http::field::content_type, "application/json");
  r.set(http::field::server, "tamgad");
  // Strings we did not write (a request's path) may not be UTF-8: replaced, never thrown.
  r.body() = body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  r.prepare_payload();
  return r;
}

// An error body: its code from the tables (node/api_codes.h, contracts::ReasonCode).
Response Error(http::status status, ApiCode code, std::string message) {
  return Json(status, {{"code", std::string(ApiCodeName(code))}, {"message", std::move(message)}});
}
Response Error(http::status status, contracts::Reason code, std::string message) {
  return Json(status, {{"code", std::string(contracts::ReasonCode(code))},
                       {"message", std::move(message)}});
}

// Refusals that depend on the state, which a node one block behind may not have yet.
bool MayPassLater(const Refused& r) {
  using contracts::Reason;
  return !(r.Is(ApiCode::kDuplicate) || r.Is(ApiCode::kMempoolFull) ||
           r.Is(ApiCode::kUnavailable) || r.Is(Reason::kMalformed) || r.Is(Reason::kBadSignature) ||
           r.Is(Reason::kWrongChain) || r.Is(Reason::kReplayed) || r.Is(Reason::kUnknownType));
}

// Refusals of transactions anyone could send in a signer's name (a forged signature, a copy
// of one already sent or committed, one of another chain): they must not spend the signer's
// allowance of submissions, or a stranger could use it up.
bool NotTheSignersDoing(const Refused& r) {
  using contracts::Reason;
  return r.Is(Reason::kBadSignature) || r.Is(Reason::kWrongChain) || r.Is(Reason::kReplayed) ||
         r.Is(ApiCode::kDuplicate);
}

http::status StatusForRefusal(const Refused& r) {
  if (r.Is(ApiCode::kMempoolFull) || r.Is(ApiCode::kUnavailable)) {
    return http::status::service_unavailable;
  }
  if (r.Is(ApiCode::kDuplicate) || r.Is(contracts::Reason::kReplayed) ||
      r.Is(ApiCode::kSequenceTaken)) {
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

// Undoes percent-encoding (numbers may hold '/', sent as %2F); nullopt if malformed.
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
    if (ec != std::errc() || p != s.data() + i + 3) return std::nullopt;
    out += static_cast<char>(v);
    i += 2;
  }
  return out;
}

// Splits "a/b/c" into its segments.
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// Segments from `first` on, joined by '/' again (identifiers may hold '/').
std::string Join(const std::vector<std::string_view>& seg, std::size_t first) {
  std::string out;
  for (std::size_t i = first; i < seg.size(); ++i) {
    if (i > first) out += '/';
    out += seg[i];
  }
  return out;
}

Response Text(http::status status, std::string content_type, std::string body) {
  Response r{status, 11};
  r.set(http::field::content_type, std::move(content_type));
  r.set(http::field::server, "tamgad");
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

// A page of ours under its Content-Security-Policy, never sniffed, sending no referrer.
Response PageAnswer(http::status status, std::string content_type, std::string body,
                    const char* policy) {
  Response r = Text(status, std::move(content_type), std::move(body));
  r.set("Content-Security-Policy", policy);
  r.set("X-Content-Type-Options", "nosniff");
  r.set("Referrer-Policy", "no-referrer");
  r.set(http::field::cache_control, "no-cache");
  return r;
}

// A file of the verifier page. The policy allows only the page's own scripts, styles and
// requests to this node: no inline script, no other origin, no framing.
Response Page(const web::Asset& a) {
  return PageAnswer(
      http::status::ok, std::string(a.content_type), std::string(a.body),
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
}

// The indicators' page (audit/kpi_html.cc): inline styles, no script at all, a form sent
// to this node.
Response KpiPage(http::status status, std::string body) {
  return PageAnswer(status, "text/html; charset=utf-8", std::move(body),
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
}

// A failed lookup as an HTTP answer.
Response ErrorFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kNotFound:
      return Error(http::status::not_found, ApiCode::kNotFound, s.message());
    case StatusCode::kInvalidArgument:
      return Error(http::status::bad_request, ApiCode::kBadRequest, s.message());
    case StatusCode::kUnavailable:
      return Error(http::status::service_unavailable, ApiCode::kNotYetProvable, s.message());
    default:
      return Error(http::status::internal_server_error, ApiCode::kInternal, s.ToString());
  }
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
            {"role", s.observer ? "observer" : "validator"},
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

// The most intervals GET /v1/kpis?samples=true lists in one answer (about 200 bytes each).
constexpr std::uint64_t kKpiSamplesMax = 100'000;

std::uint64_t SteadyMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// The client a request from a trusted proxy names: the last address of its last
// X-Forwarded-For header (the one the proxy itself appended; anything before it the client
// may have written), as a ClientKey; `proxy` if there is none or it is not an IP address.
std::string ForwardedClient(const http::request<http::string_body>& request,
                            const std::string& proxy) {
  std::string_view last;
  const auto [first, end] = request.equal_range("X-Forwarded-For");
  for (auto it = first; it != end; ++it)
    last = std::string_view(it->value().data(), it->value().size());
  if (const auto comma = last.rfind(','); comma != std::string_view::npos) {
    last = last.substr(comma + 1);
  }
  while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
  while (!last.empty() && (last.back() == ' ' || last.back() == '\t')) last.remove_suffix(1);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(last, ec);
  return ec ? proxy : ClientKey(address.to_string());
}

}  // namespace

// The server's open connections (node/connection_table.h), and how to close each.
struct ApiConnections {
  explicit ApiConnections(const NodeConfig& c)
      : table(c.api_connections_max, c.api_connections_per_address),
        by_address(c.api_submissions_per_second_per_address,
                   c.api_submissions_per_second_per_address),
        by_signer(c.api_submissions_per_second_per_signer, c.api_submissions_per_second_per_signer),
        trusted_proxies(c.api_trusted_proxies.begin(), c.api_trusted_proxies.end()) {}
  ConnectionTable table;
  // Submissions a second (node/rate_limiter.h), by client (ClientKey) and by signer.
  RateLimiter by_address;
  RateLimiter by_signer;
  std::map<std::uint64_t, std::function<void()>> close;
  std::uint64_t next_id = 1;
  std::size_t streams = 0;  // Open event streams, at most EventHub::kSubscribersMax.
  // Refused submissions are logged ten a second at most (every one is counted in
  // /metrics): clients can send as many as their rate allows.
  LogBudget refusals_log{10};
  // [api] trusted_proxies, normalised (config.cc).
  std::set<std::string> trusted_proxies;
  // The indicators' computations (node/kpi_service.h), owned by the ApiServer; null when
  // [api] kpis is false or the server stopped.
  KpiService* kpis = nullptr;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // The session's place in `connections` is held until it is destroyed.
  // `peer`: the ClientKey of the connection's address; `proxied`: that address is one of
  // [api] trusted_proxies.
  Session(tcp::socket socket, Node& node, std::shared_ptr<bool> stopped,
          std::shared_ptr<ApiConnections> connections, std::uint64_t id, std::string peer,
          bool proxied)
      : stream_(std::move(socket)),
        node_(node),
        stopped_(std::move(stopped)),
        connections_(std::move(connections)),
        id_(id),
        peer_(std::move(peer)),
        proxied_(proxied),
        client_(peer_) {}
  ~Session() {
    if (streaming_ && !closed_) --connections_->streams;
    connections_->table.Release(id_);
    connections_->close.erase(id_);
    // After Stop the node may already be gone while the io_context drops its handlers.
    if (!*stopped_) node_.metrics().ApiConnectionsOpen(connections_->table.size());
  }

  // Closes the connection to make room for another (ConnectionTable::Admit).
  void Evict() { Close(); }

  void Read() {
    if (*stopped_) return;
    parser_.emplace();
    parser_->body_limit(kBodyMax);
    parser_->header_limit(kHeaderMax);
    connections_->table.SetIdle(id_, true, SteadyMs());
    stream_.expires_after(kRequestTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (*stopped_) return;
    connections_->table.SetIdle(id_, false, SteadyMs());
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return Close();  // Gone, too slow, or evicted to make room: nothing to answer.
    }
    if (ec) {
      // Garbage, or over a limit: answer once if we can, then close.
      const bool too_big = ec == http::error::body_limit || ec == http::error::header_limit;
      keep_alive_ = false;
      return Write(Error(too_big ? http::status::payload_too_large : http::status::bad_request,
                         too_big ? ApiCode::kTooLarge : ApiCode::kBadRequest,
                         "request refused: " + ec.message()));
    }
    request_ = parser_->release();
    keep_alive_ = request_.keep_alive();
    client_ = proxied_ ? ForwardedClient(request_, peer_) : peer_;
    try {
      Dispatch();
    } catch (const std::exception& e) {
      // A defect, not the client's fault; the node must stay up and the client be told.
      Log(LogLevel::kError, "api_exception", {{"what", e.what()}});
      keep_alive_ = false;
      Write(Error(http::status::internal_server_error, ApiCode::kInternal,
                  std::string(ApiCodeText(ApiCode::kInternal))));
    }
  }

  void Dispatch() {
    const auto target = request_.target();
    const auto [path, query] = SplitTarget(std::string_view(target.data(), target.size()));
    const auto method = request_.method();
    if (path == "/v1/transactions" && method == http::verb::post) return Submit(query);
    if (path == "/v1/transactions/batch" && method == http::verb::post) return SubmitBatch();
    if (path == "/v1/state/nodes" && method == http::verb::post) return StateNodes();
    if (path == "/v1/timestamp" && method == http::verb::post) return Timestamp();
    if (method != http::verb::get) {
      return Write(Error(http::status::method_not_allowed, ApiCode::kMethodNotAllowed,
                         std::string(request_.method_string()) + " is not served here"));
    }
    if (path == "/v1/status") return Write(Json(http::status::ok, StatusJson(node_.GetStatus())));
    if (path == "/metrics") {
      return Write(
          Text(http::status::ok, "text/plain; version=0.0.4",
               node_.metrics().Render(node_.GetStatus()) + RenderProcessMetrics() +
                   RenderStorageMetrics(node_.config().data_dir, node_.ledger().store().Figures()) +
                   RenderLimitMetrics(node_.config())));
    }
    if (path == "/v1/events") return Events(query);
    if (path == "/v1/snapshot") return Snapshot();
    if (path == "/v1/timestamp/certs") return TimestampCertificates();
    if (path == "/v1/log/consistency") return Consistency(query);
    if (path == "/v1/kpis") return Kpis(query, false);
    if (path == "/kpis") return Kpis(query, true);
    // The C2SP tlog-tiles read path: the checkpoint, Merkle tiles and entry bundles.
    if (path == "/checkpoint") return Checkpoint();
    if (path == "/v1/log/checkpoint") return CheckpointJson();
    if (path.starts_with("/tile/")) return Tile(path.substr(1));
    if (path == "/v1/genesis") {
      return Write(
          Text(http::status::ok, "application/json", client::GenesisToJson(node_.genesis())));
    }
    // The verifier page (web/): at "/" and "/verify", and its files beside it.
    if (path == "/" || path == "/verify") return Write(Page(*web::FindAsset("index.html")));
    if (path.size() > 1 && path.find('/', 1) == std::string_view::npos) {
      if (const web::Asset* a = web::FindAsset(path.substr(1))) return Write(Page(*a));
    }
    std::vector<std::string_view> seg = Segments(path);
    if (seg.size() < 3 || !seg[0].empty() || seg[1] != "v1") return NotFound(path);
    const std::string_view what = seg[2];
    seg.erase(seg.begin(), seg.begin() + 3);
    // Every fact can be asked for as a proof file: the same path with "/proof" added.
    const bool proof = !seg.empty() && seg.back() == "proof";
    if (proof) seg.pop_back();
    if (what == "blocks" && seg.size() == 1 && !proof) return GetBlock(seg[0], query, false);
    if (what == "blocks" && seg.size() == 2 && seg[1] == "raw" && !proof) {
      return GetBlock(seg[0], query, true);
    }
    if (what == "accounts" && seg.size() == 1 && !proof) return GetAccount(seg[0]);
    if (what == "records" && seg.size() == 1) {
      auto index = ParseU64(seg[0]);
      if (!index) return BadRequest("a record is named by its log index, a number");
      return Answer(RecordFact(node_.ledger(), *index), proof);
    }
    if (what == "transactions" && seg.size() == 1) {
      auto id = Hash32::FromHex(seg[0]);
      if (!id.ok()) return BadRequest("not a 64-hex-digit transaction id");
      if (!proof) {
        auto found = node_.ledger().FindTransaction(*id);
        if (found.ok() && !found->has_value() && node_.InMempool(*id)) {
          return Write(Json(http::status::ok, {{"id", id->ToHex()}, {"status", "pending"}}));
        }
      }
      return Answer(
          proof ? TransactionRecordFact(node_.ledger(), *id) : TransactionFact(node_.ledger(), *id),
          proof);
    }
    if (what == "documents" && seg.size() == 1) {
      auto hash = Hash32::FromHex(seg[0]);
      if (!hash.ok()) return BadRequest("a document is named by its SHA-256, 64 hex digits");
      return Answer(DocumentFact(node_.ledger(), *hash), proof);
    }
    if (what == "documents" && seg.size() == 2 && seg[1] == "link" && !proof) {
      auto hash = Hash32::FromHex(seg[0]);
      if (!hash.ok()) return BadRequest("a document is named by its SHA-256, 64 hex digits");
      return DocumentLink(*hash);
    }
    if (what == "certificates" && seg.size() >= 2) {
      // Numbers may hold '/': everything after the country is the number.
      const std::string number = Join(seg, 1);
      auto decoded = PercentDecode(number);
      if (!decoded) return BadRequest("the certificate number is not well percent-encoded");
      return Answer(CertificateFact(node_.ledger(), seg[0], *decoded), proof);
    }
    if (what == "aeo" && seg.size() == 2) {
      auto op = Hash32::FromHex(seg[1]);
      if (!op.ok()) {
        return BadRequest("an operator is named by the SHA-256 of its identifier, 64 hex digits");
      }
      const auto by_raw = QueryParam(query, "by");
      if (!by_raw) return BadRequest("say which country recognises: ?by=XX");
      const auto by = PercentDecode(*by_raw);
      if (!by) return BadRequest("by is not well percent-encoded");
      std::optional<std::uint64_t> at;
      if (auto a = QueryParam(query, "at_ms")) {
        at = ParseU64(*a);
        if (!at) return BadRequest("at_ms is not a number");
      }
      return Answer(RecognitionFact(node_.ledger(), seg[0], *op, *by, at), proof);
    }
    if (what == "transits" && !seg.empty()) {
      auto mrn = PercentDecode(Join(seg, 0));
      if (!mrn) return BadRequest("the MRN is not well percent-encoded");
      return Answer(TransitFact(node_.ledger(), *mrn), proof);
    }
    NotFound(path);
  }

  // GET /v1/documents/{sha256}/link: the verifier page's link for a document on the ledger,
  // and its QR code, for paper copies. The page is this node's own unless the
  // configuration names a public address ([api] public_url).
  void DocumentLink(const Hash32& document) {
    auto fact = DocumentFact(node_.ledger(), document);
    if (!fact.ok()) return Write(ErrorFor(fact.error()));
    std::string page = node_.config().api_public_url;
    if (page.empty()) {
      // The client's own Host header, if it is a plain host[:port]; else the listen address.
      const auto field = request_[http::field::host];
      const std::string_view host(field.data(), field.size());
      const bool plain = !host.empty() && host.size() <= 255 &&
                         host.find_first_not_of(
                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789.-:[]") == std::string_view::npos;
      page = "http://" + (plain ? std::string(host) : node_.config().api_listen);
    }
    const std::string link = client::VerifyLink(page, document);
    auto svg = client::QrSvg(link);
    if (!svg.ok()) return Write(ErrorFor(svg.error()));
    Response r = Json(http::status::ok, {{"link", link}, {"qr_svg", *svg}});
    r.set(http::field::cache_control, "no-store");  // It depends on the Host header.
    Write(std::move(r));
  }

  // GET /v1/snapshot: what a node joining from a snapshot starts from (docs/operations.md,
  // "Joining from a snapshot"): the proof file of its highest provable block, carrying the
  // record log's last record at that block (its path is the log's right edge).
  void Snapshot() {
    const auto& ledger = node_.ledger();
    auto block = ledger.HighestProvable();
    if (!block.ok()) return Write(ErrorFor(block.error()));
    const std::uint64_t log_size = block->qc.data.result.log_size;
    std::optional<std::uint64_t> last;
    if (log_size > 0) last = log_size - 1;
    auto file = ledger.BuildProof(last, {}, std::move(*block));
    if (!file.ok()) return Write(ErrorFor(file.error()));
    if (node_.config().testing_serve_inflated_snapshot) {
      file->block.header.height = Height(file->block.header.height.value() + 1000);
    }
    Write(Text(http::status::ok, "application/json", ledger::ProofToJson(*file)));
  }

  // POST /v1/state/nodes {"hashes": [hex, ...]}: state-tree nodes by hash, for a node
  // copying the state (ledger/state_sync.h); binary, a prefix of what was asked.
  void StateNodes() {
    const json body = json::parse(request_.body(), nullptr, /*allow_exceptions=*/false);
    if (!body.is_object() || !body.contains("hashes") || !body["hashes"].is_array()) {
      return BadRequest("expected {\"hashes\": [64-hex-digit node hashes]}");
    }
    const json& list = body["hashes"];
    if (list.empty() || list.size() > ledger::kStateSyncBatchMax) {
      return BadRequest("between 1 and " + std::to_string(ledger::kStateSyncBatchMax) +
                        " hashes a request");
    }
    std::vector<Hash32> hashes;
    hashes.reserve(list.size());
    for (const json& h : list) {
      auto hash = h.is_string() ? Hash32::FromHex(h.get<std::string>())
                                : Result<Hash32>(Status::InvalidArgument("not a string"));
      if (!hash.ok()) return BadRequest("a node hash is 64 hex digits");
      hashes.push_back(*hash);
    }
    auto items = ledger::ReadStateNodes(node_.ledger().tree_reader(), hashes);
    if (!items.ok()) return Write(ErrorFor(items.error()));
    if (items->empty()) return Write(ErrorFor(Status::NotFound("no node of that hash here")));
    if (node_.config().testing_serve_forged_state_nodes) items->front().node.back() ^= 1;
    const Bytes wire = ledger::EncodeStateNodes(*items);
    Write(Text(http::status::ok, "application/octet-stream",
               std::string(reinterpret_cast<const char*>(wire.data()), wire.size())));
  }

  // POST /v1/timestamp: RFC 3161 over HTTP (section 3.4). A request the profile refuses
  // is answered at once with a rejection; a good one once its imprint is committed, with a
  // token dated by the block (tsa/authority.h, node/timestamper.h). Each request counts as
  // a submission of the client's address.
  void Timestamp() {
    const tsa::Authority* authority = node_.timestamp_authority();
    if (authority == nullptr) return NoTimestampAuthority();
    if (const std::uint64_t retry_ms = connections_->by_address.Take(client_, SteadyMs())) {
      return AddressRateLimited(retry_ms);
    }
    const auto type = request_[http::field::content_type];
    if (std::string_view(type.data(), type.size()).rfind("application/timestamp-query", 0) != 0) {
      return BadRequest(
          "the body must be a DER TimeStampReq, Content-Type "
          "application/timestamp-query (RFC 3161 section 3.4)");
    }
    auto parsed = tsa::ParseRequest(AsBytes(request_.body()), authority->policy_oid());
    if (auto* refusal = std::get_if<tsa::Refusal>(&parsed))
      return Write(TimestampRejection(*refusal));
    auto done = [self = shared_from_this()](Timestamper::Reply reply) {
      if (*self->stopped_) return;
      self->node_.metrics().Timestamp(reply.outcome);
      self->Write(TimestampReply(http::status::ok, reply.der));
    };
    if (Status s = node_.Timestamp(std::move(std::get<tsa::Request>(parsed)), std::move(done));
        !s.ok()) {
      // Too many waiting: 503 and Retry-After, a rejection in the body all the same.
      const bool busy = s.code() == StatusCode::kResourceExhausted;
      Response r = TimestampRejection({tsa::FailInfo::kSystemFailure, s.message()},
                                      busy ? http::status::service_unavailable : http::status::ok);
      if (busy) r.set(http::field::retry_after, "1");
      Write(std::move(r));
    }
  }

  void NoTimestampAuthority() {
    Write(Error(http::status::not_found, ApiCode::kNotFound,
                "this node runs no time-stamping authority"));
  }

  static Response TimestampReply(http::status status, const Bytes& der) {
    Response r = Text(status, "application/timestamp-reply",
                      std::string(reinterpret_cast<const char*>(der.data()), der.size()));
    r.set(http::field::cache_control, "no-store");
    return r;
  }
  // A TimeStampResp of status rejection, counted in /metrics by its failure.
  Response TimestampRejection(const tsa::Refusal& refusal, http::status status = http::status::ok) {
    node_.metrics().Timestamp(tsa::FailInfoName(refusal.fail));
    return TimestampReply(status, tsa::RejectionResponse(refusal));
  }

  // GET /v1/log/consistency?from=N&to=M: the proof (RFC 9162 section 2.1.4) that the record
  // log of M records extends the log of its first N, for a client holding the roots of
  // both (from two proof files, say: `tamga log consistency`).
  void Consistency(std::string_view query) {
    const auto from_text = QueryParam(query, "from");
    const auto to_text = QueryParam(query, "to");
    if (!from_text || !to_text) return BadRequest("say both sizes: ?from=N&to=M");
    const auto from = ParseU64(*from_text);
    const auto to = ParseU64(*to_text);
    if (!from || !to) return BadRequest("from and to are numbers of records");
    if (*from > *to) return BadRequest("from is larger than to");
    const std::uint64_t size = node_.ledger().Head().result.log_size;
    if (*to > size) {
      return Write(Error(http::status::not_found, ApiCode::kNotFound,
                         "the log holds " + std::to_string(size) + " records on this node"));
    }
    if (*from > 0 && *from < node_.ledger().first_whole_record()) {
      return Write(Error(http::status::not_found, ApiCode::kNotFound,
                         "sizes below the snapshot this node started from; ask a node that "
                         "replayed from genesis"));
    }
    auto proof = node_.ledger().LogConsistency(*from, *to);
    if (!proof.ok()) return Write(ErrorFor(proof.error()));
    json hashes = json::array();
    for (const Hash32& h : *proof) hashes.push_back(h.ToHex());
    Write(Json(http::status::ok, {{"from", *from}, {"to", *to}, {"proof", hashes}}));
  }

  // GET /v1/kpis?from=&to=&corridor=&format=json|csv&samples=true, and the page GET
  // /kpis?from=&to=&corridor=: the time-release indicators of a period (audit/kpi.h),
  // computed off the node's thread (node/kpi_service.h): 202 with the progress and
  // Retry-After until they are ready (the page refreshes itself), 503 when too many other
  // periods are being computed. Each request counts as a submission of its address.
  void Kpis(std::string_view query, bool page) {
    KpiService* service = connections_->kpis;
    if (service == nullptr) {
      return Write(Error(http::status::not_found, ApiCode::kNotFound,
                         "this node does not compute the indicators ([api] kpis = false)"));
    }
    audit::KpiQuery q;
    std::string format = "json";
    bool samples = false;
    // Parameters left empty (as a form sends them) are absent.
    auto param = [&](const char* key) -> Result<std::string> {
      const auto raw = QueryParam(query, key);
      if (!raw) return std::string();
      auto decoded = PercentDecode(*raw);
      if (!decoded)
        return Status::InvalidArgument(std::string(key) + " is not well percent-encoded");
      return std::move(*decoded);
    };
    Status problem = [&]() -> Status {
      TAMGA_ASSIGN_OR_RETURN(const std::string from, param("from"));
      TAMGA_ASSIGN_OR_RETURN(const std::string to, param("to"));
      TAMGA_ASSIGN_OR_RETURN(q.corridor, param("corridor"));
      if (!from.empty()) {
        TAMGA_ASSIGN_OR_RETURN(q.from_ms, audit::ParseKpiTime(from));
      }
      if (!to.empty()) {
        TAMGA_ASSIGN_OR_RETURN(q.to_ms, audit::ParseKpiTime(to));
      }
      if (q.from_ms >= q.to_ms) {
        return Status::InvalidArgument("the period is empty: from is not before to");
      }
      const bool route = q.corridor.size() <= 64 &&
                         std::all_of(q.corridor.begin(), q.corridor.end(),
                                     [](char c) { return (c >= 'A' && c <= 'Z') || c == '-'; });
      if (!route) {
        return Status::InvalidArgument(
            "a corridor is its countries' codes joined by '-', like KZ-KG-UZ");
      }
      if (page) return Status::Ok();
      TAMGA_ASSIGN_OR_RETURN(format, param("format"));
      if (format.empty()) format = "json";
      if (format != "json" && format != "csv") {
        return Status::InvalidArgument("format is json or csv");
      }
      TAMGA_ASSIGN_OR_RETURN(const std::string with, param("samples"));
      if (!with.empty() && with != "true" && with != "false") {
        return Status::InvalidArgument("samples is true or false");
      }
      samples = with == "true";
      return Status::Ok();
    }();
    if (!problem.ok()) {
      if (page)
        return Write(
            KpiPage(http::status::bad_request, audit::KpiWaitHtml(q, problem.message(), 0)));
      return BadRequest(problem.message());
    }
    if (const std::uint64_t retry_ms = connections_->by_address.Take(client_, SteadyMs())) {
      return AddressRateLimited(retry_ms);
    }
    const KpiService::Answer a = service->Ask(q, SteadyMs());
    switch (a.kind) {
      case KpiService::Answer::Kind::kReady:
        break;
      case KpiService::Answer::Kind::kComputing: {
        std::string where = a.progress.head.value() == 0
                                ? "waiting behind " + std::to_string(a.ahead) + " other period" +
                                      (a.ahead == 1 ? "" : "s")
                                : "block " + std::to_string(a.progress.height.value()) + " of " +
                                      std::to_string(a.progress.head.value());
        Response r =
            page ? KpiPage(http::status::accepted,
                           audit::KpiWaitHtml(q, "Computing the indicators: " + where + ".", 1))
                 : Json(http::status::accepted, {{"status", "computing"},
                                                 {"height", a.progress.height.value()},
                                                 {"head", a.progress.head.value()},
                                                 {"ahead", a.ahead}});
        r.set(http::field::retry_after, "1");
        return Write(std::move(r));
      }
      case KpiService::Answer::Kind::kBusy: {
        const std::string text = std::string(ApiCodeText(ApiCode::kBusy));
        Response r = page ? KpiPage(http::status::service_unavailable,
                                    audit::KpiWaitHtml(q, "The node is busy: " + text + ".", 5))
                          : Error(http::status::service_unavailable, ApiCode::kBusy, text);
        r.set(http::field::retry_after, "5");
        return Write(std::move(r));
      }
      case KpiService::Answer::Kind::kFailed:
        return Write(Error(http::status::internal_server_error, ApiCode::kInternal,
                           "the indicators could not be computed: " + a.error.ToString()));
    }
    const audit::KpiReport& report = a.report->report;
    if (page) return Write(KpiPage(http::status::ok, a.report->page));
    if (format == "csv")
      return Write(Text(http::status::ok, "text/csv; charset=utf-8", a.report->csv));
    if (!samples) return Write(Text(http::status::ok, "application/json", a.report->json));
    {
      std::uint64_t n =
          report.origin_issue_to_first_use.count() + report.verification_request_to_answer.count();
      for (const auto& [k, d] : report.transit_time) n += d.count();
      for (const auto& [k, d] : report.crossing_time) n += d.count();
      if (n > kKpiSamplesMax) {
        return BadRequest("the period holds " + std::to_string(n) + " intervals, more than " +
                          std::to_string(kKpiSamplesMax) +
                          " in one answer: ask for a shorter period, or without samples");
      }
    }
    // Every interval: written here, at most kKpiSamplesMax of them.
    Write(Text(http::status::ok, "application/json", audit::KpiJson(report, true)));
  }

  // GET /checkpoint: the newest checkpoint a quorum signed, as a signed note.
  void Checkpoint() {
    const auto& c = node_.checkpoint();
    if (!c) return NoCheckpoint();
    Response r = Text(http::status::ok, "text/plain; charset=utf-8", node_.CheckpointNote());
    r.set(http::field::cache_control, "max-age=2");  // It moves with every commit.
    Write(std::move(r));
  }

  // GET /v1/log/checkpoint: the same, with what a client needs to check it: the epoch whose
  // validators signed it, their note keys, and which of them signed.
  void CheckpointJson() {
    const auto& c = node_.checkpoint();
    if (!c) return NoCheckpoint();
    json keys = json::array(), signers = json::array();
    for (const PublicKey& k : c->validators.validators) {
      keys.push_back(tlog::FormatVerifierKey(tlog::MakeVerifier(c->checkpoint.origin, k)));
    }
    for (const PublicKey& k : c->signers) signers.push_back(k.ToHex());
    Write(Json(http::status::ok, {{"origin", c->checkpoint.origin},
                                  {"tree_size", c->checkpoint.size},
                                  {"root", c->checkpoint.root.ToHex()},
                                  {"epoch", c->validators.epoch.value()},
                                  {"quorum", c->validators.QuorumSize()},
                                  {"verifier_keys", keys},
                                  {"signers", signers},
                                  {"note", node_.CheckpointNote()}}));
  }

  void NoCheckpoint() {
    Write(Error(http::status::service_unavailable, ApiCode::kUnavailable,
                "no checkpoint signed by a quorum of validators has reached this node yet"));
  }

  // GET /tile/<L>/<N>[.p/<W>] and /tile/entries/<N>[.p/<W>] (C2SP tlog-tiles). Immutable:
  // a tile's bytes never change once the log reaches past it.
  void Tile(std::string_view path) {
    auto id = tlog::ParseTilePath(path);
    if (!id.ok()) {
      return Write(Error(http::status::not_found, ApiCode::kNotFound,
                         "not a tile path: " + id.error().message()));
    }
    if (id->index >= std::numeric_limits<std::uint64_t>::max() / tlog::kTileWidth) {
      return Write(Error(http::status::not_found, ApiCode::kNotFound,
                         "no such tile in a log of at most 2^64 records"));
    }
    Result<Bytes> body = Bytes();
    if (id->entries) {
      auto leaves = node_.ledger().LogLeaves(id->index * tlog::kTileWidth, id->width);
      if (!leaves.ok()) return Write(ErrorFor(leaves.error()));
      body = tlog::EncodeEntryBundle(*leaves);
      if (!body.ok()) {  // A record too long for the bundle's 16-bit lengths.
        return Write(Error(http::status::internal_server_error, ApiCode::kInternal,
                           "entry bundle: " + body.error().message()));
      }
    } else {
      body = node_.ledger().LogTile(id->level, id->index, id->width);
    }
    if (!body.ok()) return Write(ErrorFor(body.error()));
    Response r =
        Text(http::status::ok, "application/octet-stream", std::string(body->begin(), body->end()));
    r.set(http::field::cache_control, "public, max-age=31536000, immutable");
    Write(std::move(r));
  }

  // GET /v1/timestamp/certs: the TSA certificate and the CAs above it, PEM.
  void TimestampCertificates() {
    const tsa::Authority* authority = node_.timestamp_authority();
    if (authority == nullptr) return NoTimestampAuthority();
    Write(Text(http::status::ok, "application/pem-certificate-chain", authority->chain_pem()));
  }

  void NotFound(std::string_view path) {
    Write(Error(
        http::status::not_found, ApiCode::kNotFound,
        "no such endpoint: " + std::string(request_.method_string()) + " " + std::string(path)));
  }
  void BadRequest(std::string message) {
    Write(Error(http::status::bad_request, ApiCode::kBadRequest, std::move(message)));
  }

  // A fact, or its proof file.
  void Answer(const Result<Fact>& fact, bool proof) {
    if (!fact.ok()) return Write(ErrorFor(fact.error()));
    if (!proof) return Write(Json(http::status::ok, fact->body));
    auto file = ProveFact(node_.ledger(), *fact);
    if (!file.ok()) return Write(ErrorFor(file.error()));
    Write(Text(http::status::ok, "application/json", ledger::ProofToJson(*file)));
  }

  // POST /v1/transactions[?wait_ms=N]: admitted (202), or with wait_ms, answered once the
  // transaction is committed (200 with its receipt) or the wait ends (202, still pending).
  void Submit(std::string_view query) {
    if (const std::uint64_t retry_ms = connections_->by_address.Take(client_, SteadyMs())) {
      return AddressRateLimited(retry_ms);
    }
    std::uint64_t wait = 0;
    if (auto w = QueryParam(query, "wait_ms")) {
      auto v = ParseU64(*w);
      if (!v) return BadRequest("wait_ms is not a number");
      wait = std::min(*v, kWaitMaxMs);
    }
    json body = json::parse(request_.body(), nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object() || !body.contains("transaction") ||
        !body["transaction"].is_string()) {
      return BadRequest("expected {\"transaction\": \"<hex of the canonical encoding>\"}");
    }
    auto raw = FromHex(body["transaction"].get<std::string>());
    if (!raw.ok()) return BadRequest("transaction is not hex");
    auto tx = Decode<Transaction>(*raw, "transaction");
    if (!tx.ok()) {
      return Write(
          Error(http::status::bad_request, contracts::Reason::kMalformed, tx.error().message()));
    }
    // Admit gives the token back when the transaction turns out not to be the signer's doing.
    if (const std::uint64_t retry_ms =
            connections_->by_signer.Take(tx->signer.ToHex(), SteadyMs())) {
      return RateLimited(retry_ms,
                         "more than " +
                             std::to_string(node_.config().api_submissions_per_second_per_signer) +
                             " submissions a second by signer " + tx->signer.ShortHex());
    }
    Admit(std::make_shared<Transaction>(std::move(*tx)), wait, NowMs() + wait, /*retried=*/false);
  }

  // POST /v1/transactions/batch {"transactions": [hex, ...]}: up to kBatchSubmitMax
  // transactions in one request, each admitted as POST /v1/transactions (without wait_ms)
  // would admit it; 200 with one result per transaction, in order. The batch counts as that
  // many submissions from the client's address (one taken before the body is read, so a
  // client over its limit is not parsed at all); each transaction as one by its signer.
  // Admitted kBatchChunk at a time, the event loop served in between, so a full batch
  // never holds the node's thread (votes, proposals, timers) for long.
  struct Batch {
    std::vector<std::string> items;
    json results = json::array();
  };
  void SubmitBatch() {
    if (const std::uint64_t retry_ms = connections_->by_address.Take(client_, SteadyMs())) {
      return AddressRateLimited(retry_ms);
    }
    json body = json::parse(request_.body(), nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object() || !body.contains("transactions") ||
        !body["transactions"].is_array() || body["transactions"].empty() ||
        body["transactions"].size() > kBatchSubmitMax) {
      return BadRequest(
          "expected {\"transactions\": [\"<hex of the canonical encoding>\", ...]} "
          "with 1 to " +
          std::to_string(kBatchSubmitMax) + " transactions");
    }
    auto batch = std::make_shared<Batch>();
    for (json& item : body["transactions"]) {
      batch->items.push_back(item.is_string() ? item.get<std::string>() : std::string("-"));
    }
    const std::uint64_t n = batch->items.size();
    const std::uint64_t burst = connections_->by_address.burst();
    if (burst != 0 && n > burst) {
      return BadRequest("more transactions than this node takes from one address in a second (" +
                        std::to_string(burst) + "); send smaller batches");
    }
    if (n > 1) {
      if (const std::uint64_t retry_ms =
              connections_->by_address.Take(client_, SteadyMs(), n - 1)) {
        return AddressRateLimited(retry_ms);
      }
    }
    AdmitBatch(std::move(batch), 0);
  }

  void AdmitBatch(std::shared_ptr<Batch> batch, std::size_t from) {
    if (*stopped_) return;
    const std::size_t end = std::min(from + kBatchChunk, batch->items.size());
    for (std::size_t i = from; i < end; ++i) batch->results.push_back(AdmitOne(batch->items[i]));
    if (end < batch->items.size()) {
      asio::post(stream_.get_executor(),
                 [self = shared_from_this(), batch, end] { self->AdmitBatch(batch, end); });
      return;
    }
    Write(Json(http::status::ok, {{"results", std::move(batch->results)}}));
  }

  // One item of a batch: {"id", "status": "pending"}, or a refusal.
  json AdmitOne(const std::string& hex) {
    auto raw = FromHex(hex);
    auto tx =
        raw.ok() ? Decode<Transaction>(*raw, "transaction") : Result<Transaction>(raw.error());
    if (!tx.ok()) {
      return {{"code", std::string(contracts::ReasonCode(contracts::Reason::kMalformed))},
              {"message", tx.error().message()}};
    }
    const std::string signer = tx->signer.ToHex();
    if (connections_->by_signer.Take(signer, SteadyMs()) != 0) {
      node_.metrics().Refused(std::string(ApiCodeName(ApiCode::kRateLimited)));
      return {{"id", tx->Hash().ToHex()},
              {"code", std::string(ApiCodeName(ApiCode::kRateLimited))},
              {"message", "more than " +
                              std::to_string(node_.config().api_submissions_per_second_per_signer) +
                              " submissions a second by signer " + tx->signer.ShortHex()}};
    }
    const SubmitOutcome out = node_.Submit(*tx);
    if (!out.refused) return {{"id", out.id.ToHex()}, {"status", "pending"}};
    if (NotTheSignersDoing(*out.refused)) connections_->by_signer.Refund(signer);
    connections_->refusals_log.Log(LogLevel::kInfo, "tx_refused",
                                   {{"tx", out.id.ShortHex()}, {"reason", out.refused->code}});
    return {{"id", out.id.ToHex()}, {"code", out.refused->code}, {"message", out.refused->message}};
  }

  // The client's address is past its submissions a second ([api]
  // submissions_per_second_per_address).
  void AddressRateLimited(std::uint64_t retry_ms) {
    RateLimited(retry_ms,
                "more than " +
                    std::to_string(node_.config().api_submissions_per_second_per_address) +
                    " submissions a second from " + client_);
  }

  // 429 with Retry-After in whole seconds (at least 1), and the code rate_limited.
  void RateLimited(std::uint64_t retry_ms, std::string message) {
    node_.metrics().Refused(std::string(ApiCodeName(ApiCode::kRateLimited)));
    const std::uint64_t seconds = std::max<std::uint64_t>(1, (retry_ms + 999) / 1000);
    Response r = Json(http::status::too_many_requests,
                      {{"code", std::string(ApiCodeName(ApiCode::kRateLimited))},
                       {"message", message + "; retry after " + std::to_string(seconds) + " s"}});
    r.set(http::field::retry_after, std::to_string(seconds));
    Write(std::move(r));
  }

  // Admits `tx`; with a wait, a refusal by the rules is given one more chance after the
  // next commit: this node may be a block behind the one where the client saw the
  // transaction's predecessor committed (a border event, a use after an issue).
  void Admit(std::shared_ptr<Transaction> tx, std::uint64_t wait, std::uint64_t deadline_ms,
             bool retried) {
    if (*stopped_) return;
    const SubmitOutcome out = node_.Submit(*tx);
    if (out.refused && !retried && NotTheSignersDoing(*out.refused)) {
      connections_->by_signer.Refund(tx->signer.ToHex());
    }
    if (out.refused) {
      // Sent again (a client retrying after a lost connection): answer as for the first.
      if (wait > 0 &&
          (out.refused->Is(ApiCode::kDuplicate) || out.refused->Is(contracts::Reason::kReplayed))) {
        return WaitForCommit(out.id, deadline_ms);
      }
      if (wait > 0 && !retried && MayPassLater(*out.refused) && NowMs() < deadline_ms) {
        node_.WaitForHeight(node_.ledger().Head().height.Next(),
                            std::min<std::uint64_t>(kRetryWaitMs, deadline_ms - NowMs()),
                            [self = shared_from_this(), tx, wait, deadline_ms] {
                              self->Admit(tx, wait, deadline_ms, /*retried=*/true);
                            });
        return;
      }
      connections_->refusals_log.Log(LogLevel::kInfo, "tx_refused",
                                     {{"tx", out.id.ShortHex()}, {"reason", out.refused->code}});
      return Write(Json(StatusForRefusal(*out.refused), {{"code", out.refused->code},
                                                         {"message", out.refused->message},
                                                         {"id", out.id.ToHex()}}));
    }
    if (wait == 0) {
      return Write(Json(http::status::accepted, {{"id", out.id.ToHex()}, {"status", "pending"}}));
    }
    WaitForCommit(out.id, deadline_ms);
  }

  // Answers once `id` is committed, or at `deadline_ms`: waits block by block.
  void WaitForCommit(const Hash32& id, std::uint64_t deadline_ms) {
    if (*stopped_) return;
    auto found = node_.ledger().FindTransaction(id);
    if (found.ok() && found->has_value()) {
      return Answer(TransactionFact(node_.ledger(), id), /*proof=*/false);
    }
    const std::uint64_t now = NowMs();
    if (now >= deadline_ms) {
      return Write(Json(http::status::accepted, {{"id", id.ToHex()}, {"status", "pending"}}));
    }
    node_.WaitForHeight(
        node_.ledger().Head().height.Next(), deadline_ms - now,
        [self = shared_from_this(), id, deadline_ms] { self->WaitForCommit(id, deadline_ms); });
  }

  static std::uint64_t NowMs() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
  }

  // A signer's last committed sequence: what its next transaction must add one to.
  void GetAccount(std::string_view hex) {
    auto key = PublicKey::FromHex(hex);
    if (!key.ok())
      return Write(
          Error(http::status::bad_request, ApiCode::kBadRequest, "not a 64-hex-digit key"));
    const auto& ledger = node_.ledger();
    const auto state = ledger.StateBefore(nullptr);
    auto signer = contracts::rules::Read<contracts::SignerRecord>(state, contracts::SignerKey(*key),
                                                                  "signer");
    if (!signer.ok()) return Write(ErrorFor(signer.error()));
    json j = {{"key", key->ToHex()},
              {"height", ledger.Head().height.value()},
              {"last_sequence", *signer ? (*signer)->last_sequence : 0},
              {"next_sequence", node_.NextSequence(*key, *signer ? (*signer)->last_sequence : 0)},
              {"country", nullptr},
              {"role", nullptr},
              {"entity", nullptr}};
    if (*signer) {
      static constexpr const char* kRoles[] = {"", "administrator", "office", "issuer",
                                               "timestamper"};
      j["country"] = (*signer)->country;
      j["role"] = kRoles[static_cast<int>((*signer)->role) % 5];
      j["entity"] = (*signer)->entity;
    }
    Write(Json(http::status::ok, j));
  }

  // A committed block: a summary, or (raw) its canonical encoding with its QC, epoch proof
  // and receipts, for auditors who replay the chain.
  void GetBlock(std::string_view height_text, std::string_view query, bool raw) {
    auto height = ParseU64(height_text);
    if (!height) return BadRequest("height is not a number");
    std::uint64_t wait = 0;
    if (auto w = QueryParam(query, "wait_ms")) {
      auto v = ParseU64(*w);
      if (!v) return BadRequest("wait_ms is not a number");
      wait = std::min(*v, kWaitMaxMs);
    }
    auto answer = [self = shared_from_this(), h = Height(*height), raw] {
      if (*self->stopped_) return;
      const auto& ledger = self->node_.ledger();
      if (ledger.Head().height < h) {
        return self->Write(Error(http::status::not_found, ApiCode::kNotFound,
                                 "height " + h.ToString() + " is not committed yet"));
      }
      if (raw) return self->WriteRaw(h);
      auto block = ledger.BlockAt(h);
      auto result = ledger.ResultAt(h);
      // Below a node's snapshot a block is not found (404), not broken.
      if (!block.ok()) return self->Write(ErrorFor(block.error()));
      if (!result.ok()) return self->Write(ErrorFor(result.error()));
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

  // GET /v1/events[?country=XX][&from=N]: committed records as Server-Sent Events, for as
  // long as the client stays. The stream starts at the head, at record N (`from`), or just
  // after the id a reconnecting client names (Last-Event-ID). Records behind the head are
  // read from the ledger (RecordEvent), a batch per write; at the head the stream turns
  // live. A live client that falls more than kStreamBacklogMax bytes behind goes back to
  // reading from the ledger once its backlog is written: slow is served late, never lossy.
  void Events(std::string_view query) {
    std::string country;
    if (auto c = QueryParam(query, "country")) {
      country = std::string(*c);
      if (!contracts::IsCountryCode(country)) {
        return BadRequest("country codes are two capital letters (ISO 3166-1)");
      }
    }
    // Last-Event-ID wins over `from`: a browser's EventSource reconnects to the same URL
    // (its `from` included) and says in the header how far it got.
    std::uint64_t next = node_.ledger().Head().result.log_size;
    std::string start = "from now on";
    const auto from = QueryParam(query, "from");
    const std::optional<std::uint64_t> from_value = from ? ParseU64(*from) : std::nullopt;
    if (from && !from_value) {
      return BadRequest("from is a record number (a non-negative integer)");
    }
    if (auto it = request_.find("Last-Event-ID"); it != request_.end()) {
      auto v = ParseU64(std::string_view(it->value().data(), it->value().size()));
      if (!v || *v == std::numeric_limits<std::uint64_t>::max()) {
        return BadRequest("Last-Event-ID is the id of the last event received (a record number)");
      }
      next = *v + 1;
      start = "after record " + std::to_string(*v);
    } else if (from_value) {
      next = *from_value;
      start = "from record " + std::to_string(next);
    }
    if (const std::uint64_t first = node_.ledger().first_whole_record(); next < first) {
      return Write(Error(http::status::not_found, ApiCode::kNotFound,
                         "records before " + std::to_string(first) +
                             " are below this node's snapshot; resume from a node that "
                             "replayed from genesis"));
    }
    if (connections_->streams >= EventHub::kSubscribersMax) {
      return Write(Error(http::status::service_unavailable, ApiCode::kTooManyStreams,
                         "this node serves " + std::to_string(EventHub::kSubscribersMax) +
                             " event streams at most; try another node or later"));
    }
    ++connections_->streams;
    streaming_ = true;
    country_ = std::move(country);
    next_ = next;
    stream_.expires_never();
    Push(std::string("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     "Cache-Control: no-cache\r\nConnection: close\r\nServer: tamgad\r\n\r\n") +
         ": committed records" + (country_.empty() ? "" : " concerning " + country_) + ", " +
         start + "\n\n");
    KeepAlive();
    // The client sends nothing more: a completed read means it closed (or sent garbage).
    stream_.socket().async_read_some(
        asio::buffer(sink_),
        [self = shared_from_this()](beast::error_code, std::size_t) { self->EndStream(); });
  }

  bool Concerns(const CommittedRecord& r) const {
    return country_.empty() || std::binary_search(r.countries.begin(), r.countries.end(), country_);
  }

  static std::string EventText(const CommittedRecord& r) {
    return "id: " + std::to_string(r.index) + "\nevent: record\ndata: " +
           r.Json().dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
  }

  // While not live and nothing is being written: the next batch from the ledger, or, at the
  // head, the subscription. Commits run on this thread too, so no record is committed
  // between reading the head and subscribing: nothing is missed and nothing sent twice.
  void Pump() {
    if (closed_ || live_ || !outbox_.empty()) return;
    if (*stopped_) return EndStream();
    const auto& ledger = node_.ledger();
    const std::uint64_t size = ledger.Head().result.log_size;
    std::string batch;
    std::size_t read = 0;
    while (next_ < size && batch.size() < kStreamBatchBytes && read < kStreamBatchRecords) {
      auto e = RecordEvent(ledger, next_, read_);
      if (!e.ok()) {
        Log(LogLevel::kError, "event_unreadable",
            {{"record", std::to_string(next_)}, {"reason", e.error().ToString()}});
        return EndStream();
      }
      ++next_;
      ++read;
      if (Concerns(*e)) batch += EventText(*e);
    }
    if (!batch.empty()) return Push(std::move(batch));  // Pumps again once written.
    if (next_ < size) {
      // A long run of records for other countries: let other work run between batches.
      asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Pump(); });
      return;
    }
    read_.block.reset();
    read_.state.reset();
    std::weak_ptr<Session> weak = shared_from_this();
    sub_ = node_.events().Subscribe(country_, [weak](const CommittedRecord& r) {
      auto self = weak.lock();
      if (!self || self->closed_ || !self->live_) return false;
      if (r.index < self->next_) return true;  // Sent from the ledger already.
      if (self->outbox_bytes_ > kStreamBacklogMax) {
        // Behind: this record and the rest are read from the ledger once the backlog is out.
        self->live_ = false;
        self->sub_ = 0;
        return false;
      }
      self->next_ = r.index + 1;
      self->Push(EventText(r));
      return true;
    });
    live_ = sub_ != 0;
    if (!live_) EndStream();  // Not expected: streams are counted against the hub's cap.
  }

  void KeepAlive() {
    keepalive_ = std::make_shared<asio::steady_timer>(stream_.get_executor(), kStreamKeepAlive);
    keepalive_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      if (*self->stopped_) return self->EndStream();
      // A client that takes nothing for a minute is gone or hostile: it holds a slot.
      if (!self->outbox_.empty() &&
          std::chrono::steady_clock::now() - self->write_started_ > kStreamStallMax) {
        return self->EndStream();
      }
      self->Push(": keep-alive\n\n");
      self->KeepAlive();
    });
  }

  void Push(std::string chunk) {
    if (closed_) return;
    if (outbox_bytes_ + chunk.size() > 2 * kStreamBacklogMax) return EndStream();
    outbox_bytes_ += chunk.size();
    outbox_.push_back(std::move(chunk));
    if (outbox_.size() == 1) WriteNext();
  }

  void WriteNext() {
    write_started_ = std::chrono::steady_clock::now();
    asio::async_write(stream_.socket(), asio::buffer(outbox_.front()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->outbox_bytes_ -= self->outbox_.front().size();
                        self->outbox_.pop_front();
                        if (ec) return self->EndStream();
                        if (self->closed_) return;
                        if (!self->outbox_.empty()) return self->WriteNext();
                        self->Pump();
                      });
  }

  void EndStream() {
    if (closed_) return;
    closed_ = true;
    if (streaming_) --connections_->streams;
    if (live_) node_.events().Unsubscribe(sub_);
    live_ = false;
    if (keepalive_) keepalive_->cancel();
    Close();
  }

  void WriteRaw(Height h) {
    const auto& ledger = node_.ledger();
    auto block = ledger.BlockAt(h);
    auto qc = ledger.QcAt(h);
    auto proof = ledger.EpochProofAt(h);
    auto receipts = ledger.ReceiptsAt(h);
    for (const Status& s : {block.status(), qc.status(), proof.status(), receipts.status()}) {
      if (!s.ok()) return Write(ErrorFor(s));  // Below a snapshot: 404.
    }
    Write(Json(http::status::ok,
               {{"height", h.value()},
                {"block", ToHex(Encode(*block))},
                {"qc", ToHex(Encode(*qc))},
                {"epoch_proof", *proof ? json(ToHex(Encode(**proof))) : json(nullptr)},
                {"receipts", ToHex(Encode(*receipts))}}));
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
  std::shared_ptr<ApiConnections> connections_;
  std::uint64_t id_;
  std::string peer_;  // ClientKey of the connection's address.
  bool proxied_;      // The connection comes from a trusted proxy.
  // Whom this request's submissions count under: the connection's address, or through a
  // trusted proxy the client it names.
  std::string client_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
  bool keep_alive_ = true;
  // An event stream's state.
  std::string country_;     // Empty: every record.
  std::uint64_t next_ = 0;  // The next record to consider sending.
  RecordEventCache read_;   // Of the last record read from the ledger.
  bool streaming_ = false;  // Counted in connections_->streams.
  bool live_ = false;       // Subscribed to the hub (sub_).
  std::uint64_t sub_ = 0;
  bool closed_ = false;
  std::deque<std::string> outbox_;
  std::size_t outbox_bytes_ = 0;
  std::shared_ptr<asio::steady_timer> keepalive_;
  std::chrono::steady_clock::time_point write_started_;  // Of the write in flight.
  std::array<char, 256> sink_{};
};

}  // namespace

ApiServer::ApiServer(asio::io_context& io, Node& node)
    : io_(io),
      node_(node),
      acceptor_(io),
      connections_(std::make_shared<ApiConnections>(node.config())) {
  if (node.config().api_kpis) {
    kpis_ = std::make_unique<KpiService>(node.ledger());
    connections_->kpis = kpis_.get();
  }
}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Listen(const std::string& address) {
  TAMGA_ASSIGN_OR_RETURN(auto hp, ParseHostPort(address));
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
    beast::error_code ignored;
    const auto peer = socket.remote_endpoint(ignored);
    const std::string address = ignored ? std::string("?") : ClientKey(peer.address().to_string());
    bool proxied = false;
    if (!ignored) {
      asio::ip::address a = peer.address();
      if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
      }
      proxied = connections_->trusted_proxies.count(a.to_string()) != 0;
    }
    const std::uint64_t id = connections_->next_id++;
    // A trusted proxy's connections carry many clients: each is a place of its own, held
    // to connections_max only (the proxy keeps its own per-client caps).
    const ConnectionTable::Admission a = connections_->table.Admit(
        proxied ? "proxy#" + std::to_string(id) : address, id, SteadyMs());
    if (a.evict) {
      // The longest-idle connection of this address (or of anyone, when all are taken)
      // gives its place: holding connections open locks nobody else out.
      node_.metrics().ApiConnectionEvicted();
      auto it = connections_->close.find(*a.evict);
      if (it != connections_->close.end()) {
        auto close = std::move(it->second);
        connections_->close.erase(it);
        close();
      }
    }
    node_.metrics().ApiConnectionsOpen(connections_->table.size());
    if (!a.admitted) {
      node_.metrics().ApiConnectionRefused();
      socket.close(ignored);  // Every place it could take is busy with a request.
    } else {
      auto session = std::make_shared<Session>(std::move(socket), node_, stopped_, connections_, id,
                                               address, proxied);
      connections_->close[id] = [weak = std::weak_ptr<Session>(session)] {
        if (auto s = weak.lock()) s->Evict();
      };
      session->Read();
    }
    Accept();
  });
}

void ApiServer::Stop() {
  if (*stopped_) return;
  *stopped_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
  // A computation under way stops at its next block.
  connections_->kpis = nullptr;
  kpis_.reset();
}

}  // namespace tamga::node
