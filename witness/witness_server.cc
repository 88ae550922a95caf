// witness/witness_server.cc

#include "witness/witness_server.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <utility>

#include "client/http_client.h"
#include "client/log_client.h"
#include "common/asio.h"  // Before any Boost header (common/asio.h says why).
#include "common/clock.h"
#include "common/failpoint.h"
#include "common/file_util.h"
#include "common/log.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"

namespace tamga::witness {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Response = http::response<http::string_body>;

constexpr std::size_t kHeaderMax = 8 << 10;
constexpr auto kRequestTimeout = std::chrono::seconds(10);
constexpr int kPerAddressMax = 16;
constexpr int kOpenMax = 256;

Response Text(http::status status, std::string content_type, std::string body) {
  Response r{status, 11};
  r.set(http::field::content_type, std::move(content_type));
  r.set(http::field::server, "tamga-witness");
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

}  // namespace

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, WitnessServer& server, std::string address)
      : stream_(std::move(socket)),
        server_(server),
        stopped_(server.stopped_),
        per_address_(server.per_address_),
        open_(server.open_),
        address_(std::move(address)) {}
  ~Connection() {
    --*open_;
    if (--(*per_address_)[address_] <= 0) per_address_->erase(address_);
  }

  void Read() {
    if (*stopped_) return;
    parser_.emplace();
    parser_->body_limit(tlog::kWitnessBodyMax);
    parser_->header_limit(kHeaderMax);
    stream_.expires_after(kRequestTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (*stopped_) return;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec) {
      const bool too_big = ec == http::error::body_limit || ec == http::error::header_limit;
      keep_alive_ = false;
      return Write(Text(too_big ? http::status::payload_too_large : http::status::bad_request,
                        "text/plain; charset=utf-8", "request refused: " + ec.message() + "\n"));
    }
    auto request = parser_->release();
    keep_alive_ = request.keep_alive();
    const std::string_view target(request.target().data(), request.target().size());
    if (target == "/add-checkpoint" && request.method() == http::verb::post) {
      tlog::WitnessAnswer a = server_.AddCheckpoint(request.body());
      return Write(Text(static_cast<http::status>(a.status), a.content_type, a.body));
    }
    if (target == "/" && request.method() == http::verb::get) {
      return Write(Text(http::status::ok, "text/plain; charset=utf-8",
                        server_.witness_.name() + "\n" +
                            tlog::FormatCosignatureVerifierKey(server_.witness_.verifier()) +
                            "\n"));
    }
    Write(Text(http::status::not_found, "text/plain; charset=utf-8",
               "no such endpoint: POST /add-checkpoint and GET / are served here\n"));
  }

  void Write(Response r) {
    r.keep_alive(keep_alive_);
    response_ = std::make_shared<Response>(std::move(r));
    http::async_write(stream_, *response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->keep_alive_) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Response> response_;
  WitnessServer& server_;
  std::shared_ptr<bool> stopped_;
  std::shared_ptr<std::map<std::string, int>> per_address_;
  std::shared_ptr<int> open_;
  std::string address_;
  bool keep_alive_ = true;
};

WitnessServer::WitnessServer(asio::io_context& io, tlog::Witness& witness, std::string state_file)
    : io_(io), witness_(witness), state_file_(std::move(state_file)), acceptor_(io) {}

WitnessServer::~WitnessServer() { Stop(); }

Status WitnessServer::LoadLastCosigned() {
  std::error_code ec;
  const std::string file = state_file_ + ".checkpoint";
  if (!std::filesystem::exists(file, ec)) return Status::Ok();
  TAMGA_ASSIGN_OR_RETURN(last_cosigned_, ReadFileToString(file, tlog::kMaxNoteSize));
  return Status::Ok();
}

Result<tlog::WitnessState> WitnessServer::LoadState(const std::string& state_file) {
  std::error_code ec;
  if (!std::filesystem::exists(state_file, ec)) return tlog::WitnessState{};
  TAMGA_ASSIGN_OR_RETURN(std::string text, ReadFileToString(state_file, 1 << 20));
  auto state = tlog::DecodeWitnessState(text);
  if (!state.ok()) return Status::Corruption(state_file + ": " + state.error().message());
  return state;
}

Status WitnessServer::Listen(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("listen address " + address + " is not host:port");
  }
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address.substr(0, colon), ec);
  int port = 0;
  try {
    port = std::stoi(address.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (ec || port < 0 || port > 65535) {
    return Status::InvalidArgument("listen address " + address + " is not ip:port");
  }
  const tcp::endpoint endpoint(ip, static_cast<std::uint16_t>(port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError("cannot listen on " + address + ": " + ec.message());
  Accept();
  return Status::Ok();
}

std::uint16_t WitnessServer::port() const { return acceptor_.local_endpoint().port(); }

void WitnessServer::Stop() {
  if (*stopped_) return;
  *stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void WitnessServer::Accept() {
  acceptor_.async_accept(
      [this, stopped = stopped_](boost::system::error_code ec, tcp::socket socket) {
        if (*stopped) return;
        if (!ec) {
          boost::system::error_code peer_ec;
          const auto peer = socket.remote_endpoint(peer_ec);
          const std::string address = peer_ec ? "" : peer.address().to_string();
          if (*open_ >= kOpenMax || (*per_address_)[address] >= kPerAddressMax) {
            socket.close(peer_ec);  // Over its share: this one client waits, others do not.
          } else {
            ++*open_;
            ++(*per_address_)[address];
            std::make_shared<Connection>(std::move(socket), *this, address)->Read();
          }
        }
        Accept();
      });
}

tlog::WitnessAnswer WitnessServer::AddCheckpoint(std::string_view body) {
  tlog::WitnessAnswer a = witness_.AddCheckpoint(body, UnixNowMs() / 1000);
  // Learning costs a request to a node and a proof's verification on this thread: at most
  // once every kLearnEveryMs, and only for a checkpoint not below what it cosigned.
  if (a.status == 403 && learn_ && UnixNowMs() >= last_learn_ms_ + kLearnEveryMs &&
      NewToLearn(body)) {
    const bool learned = learn_(body);
    last_learn_ms_ = UnixNowMs();  // After: a slow node spaces the attempts out too.
    if (learned) a = witness_.AddCheckpoint(body, UnixNowMs() / 1000);
  }
  if (a.status == 409) KeepEvidence(body);
  if (!a.updated) return a;
  // The record, and the checkpoint it comes from, are on disk before the cosignature
  // leaves; if they cannot be written, the witness stops rather than cosign what it may
  // forget.
  const std::string note(CheckpointOf(body));
  Failpoint("witness.save.before");
  Status s = WriteFileAtomic(state_file_, tlog::EncodeWitnessState(witness_.state()), {});
  if (s.ok()) s = WriteFileAtomic(state_file_ + ".checkpoint", note, {});
  Failpoint("witness.save.after");
  if (!s.ok()) {
    Log(LogLevel::kError, "witness_state_unwritten",
        {{"file", state_file_}, {"why", s.ToString()}});
    Stop();
    io_.stop();
    return {500, "text/plain; charset=utf-8", "the witness cannot store its state\n", {}, a.origin};
  }
  last_cosigned_ = note;
  Log(LogLevel::kInfo, "cosigned",
      {{"origin", a.origin}, {"size", std::to_string(a.updated->size)}});
  return a;
}

bool WitnessServer::NewToLearn(std::string_view body) {
  auto note = tlog::ParseNote(CheckpointOf(body));
  auto c =
      note.ok() ? tlog::ParseCheckpointText(note->text) : Result<tlog::Checkpoint>(note.error());
  if (!c.ok()) return false;
  const auto held = witness_.state().latest.find(c->origin);
  if (held != witness_.state().latest.end() && c->size < held->second.size) return false;
  auto [tried, fresh] = learn_tried_.try_emplace(c->origin, c->size);
  if (!fresh && tried->second >= c->size) return false;
  tried->second = c->size;
  return true;
}

std::string_view WitnessServer::CheckpointOf(std::string_view body) {
  const auto blank = body.find("\n\n");
  return blank == std::string_view::npos ? std::string_view() : body.substr(blank + 2);
}

void WitnessServer::KeepEvidence(std::string_view body) {
  // A 409 for the size this witness cosigned, with another root, signed by a quorum (the
  // witness checks signatures before sizes): someone signed two histories.
  auto note = tlog::ParseNote(CheckpointOf(body));
  auto offered =
      note.ok() ? tlog::ParseCheckpointText(note->text) : Result<tlog::Checkpoint>(note.error());
  if (!offered.ok()) return;
  const auto held = witness_.state().latest.find(offered->origin);
  if (held == witness_.state().latest.end() || held->second.size != offered->size ||
      held->second.root == offered->root || last_cosigned_.empty()) {
    return;
  }
  const std::string file = state_file_ + ".split-view-" + std::to_string(offered->size) + "-" +
                           std::to_string(UnixNowMs());
  std::ofstream out(file, std::ios::trunc);
  out << "# Two checkpoints of one log and one size, with different roots, each signed by a\n"
         "# quorum of its validators. Check each: tamga log checkpoint FILE --genesis G\n"
         "# The checkpoint this witness cosigned:\n"
      << last_cosigned_ << "# The checkpoint offered later, refused:\n"
      << CheckpointOf(body);
  Log(LogLevel::kError, "split_view",
      {{"origin", offered->origin}, {"size", std::to_string(offered->size)}, {"evidence", file}});
}

Result<tlog::WitnessedLog> LearnSigners(const ledger::TrustAnchor& anchor, const std::string& node,
                                        std::string_view body) {
  const auto blank = body.find("\n\n");
  if (blank == std::string_view::npos) return Status::InvalidArgument("no checkpoint in the body");
  TAMGA_ASSIGN_OR_RETURN(tlog::Note note, tlog::ParseNote(body.substr(blank + 2)));
  TAMGA_ASSIGN_OR_RETURN(tlog::Checkpoint c, tlog::ParseCheckpointText(note.text));
  if (c.origin != tlog::ChainOrigin(anchor.chain_id) || c.size == 0) {
    return Status::NotFound("not a checkpoint of this chain's records");
  }
  TAMGA_ASSIGN_OR_RETURN(client::HttpClient http, client::HttpClient::Connect(node, 5000));
  TAMGA_ASSIGN_OR_RETURN(ledger::ProvenFacts facts, client::ProveLogSize(http, anchor, c.size, 0));
  if (facts.result.log_size != c.size || facts.result.log_root != c.root) {
    return Status::FailedPrecondition("the proven log at block " + facts.height.ToString() +
                                      " is not the checkpoint's");
  }
  // The set must itself have signed this checkpoint: a proof of an old block cannot bring
  // back an old set for a checkpoint it did not sign.
  const ValidatorSet& set = facts.validators_after;
  std::vector<tlog::NoteVerifier> known;
  for (const PublicKey& k : set.validators) known.push_back(tlog::MakeVerifier(c.origin, k));
  auto signers = tlog::VerifyNote(note, known);
  if (!signers.ok() || signers->size() < set.QuorumSize()) {
    return Status::PermissionDenied(
        "the checkpoint is not signed by a quorum of the set of epoch " + set.epoch.ToString());
  }
  return tlog::WitnessedLog{c.origin, set.validators, set.QuorumSize(), set.epoch.value()};
}

}  // namespace tamga::witness
