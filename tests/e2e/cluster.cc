#include "tests/e2e/cluster.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "client/genesis_file.h"
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/key_file.h"
#include "contracts/executor.h"

namespace tamga::testing {
namespace {

bool PortFree(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A base port with 2n free ports above it, all below Linux's ephemeral range (32768 on):
// a node that restarts, or moves to a spare node's port, binds late, when the kernel may
// have given that port to some connection's source side (the membership test once met
// "Address already in use" so).
// Ports in `taken` count as busy (a cluster's own, not bound until its nodes start).
std::uint16_t FreeBase(std::size_t n, const std::vector<std::uint16_t>& taken = {}) {
  std::mt19937 rng(
      static_cast<unsigned>(::getpid()) * 7919u +
      static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
  for (int attempt = 0; attempt < 200; ++attempt) {
    const auto base = static_cast<std::uint16_t>(20000 + (rng() % 600) * 20);
    bool ok = true;
    for (std::size_t p = 0; p < 2 * n && ok; ++p) {
      const auto port = static_cast<std::uint16_t>(base + p);
      ok = PortFree(port) && std::find(taken.begin(), taken.end(), port) == taken.end();
    }
    if (ok) return base;
  }
  std::abort();
}

// Starts args[0] with `args`, its standard error appended to `stderr_path` (if set) and
// its standard input empty.
pid_t Spawn(std::vector<std::string> args, const std::string& stderr_path = "") {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!stderr_path.empty() && std::freopen(stderr_path.c_str(), "a", stderr) == nullptr) {
      ::_exit(126);
    }
    if (std::freopen("/dev/null", "r", stdin) == nullptr) ::_exit(126);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Runs a command to its end: its exit status, or -1 if a signal ended it.
int Run(std::vector<std::string> args) {
  int status = 0;
  ::waitpid(Spawn(std::move(args)), &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::uint16_t Cluster::FreePortsBelowEphemeral(std::size_t count) const {
  std::vector<std::uint16_t> taken;
  for (std::uint16_t p : ports_) {
    taken.push_back(p);
    taken.push_back(static_cast<std::uint16_t>(p + 1));
  }
  return FreeBase((count + 1) / 2, taken);
}

std::uint16_t Cluster::FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  std::uint16_t port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), len) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

Cluster::Cluster(const std::string& name, std::size_t n, std::optional<PublicKey> observer,
                 std::size_t spare)
    : dir_(name), pids_(n + spare, 0), exits_(n + spare, 0) {
  const std::uint16_t base = FreeBase(n + spare);
  const int rc =
      Run({TAMGA_CLI, "testnet", "init", dir_.path().string(), "--validators", std::to_string(n),
           "--spare", std::to_string(spare), "--base-port", std::to_string(base),
           "--round-timeout-ms", "1000", "--idle-block-ms", "100"});
  if (rc != 0) std::abort();
  auto genesis = client::LoadGenesisFile(dir_.File("genesis.json"));
  if (!genesis.ok()) std::abort();
  chain_ = contracts::StartChain(*genesis)->anchor.chain_id;
  for (std::size_t i = 0; i < n + spare; ++i) {
    ports_.push_back(static_cast<std::uint16_t>(base + 2 * i));
    const std::string node = dir_.File("node" + std::to_string(i));
    admins_.push_back(*LoadKeyFile(node + "/admin.key", std::nullopt));
    validator_keys_.push_back(LoadKeyFile(node + "/validator.key", std::nullopt)->public_key());
    // Debug logs, so that tests can read why a node refused something.
    std::string config = *ReadFileToString(node + "/tamgad.toml", 1 << 20);
    config.replace(config.find("level = \"info\""), 14, "level = \"debug\"");
    if (observer && i == 0) {
      config.replace(config.find("[network]\n"), 10,
                     "[network]\nobservers = [\"" + observer->ToHex() + "\"]\n");
    }
    if (!WriteFileAtomic(node + "/tamgad.toml", config, {}).ok()) std::abort();
  }
}

Cluster::~Cluster() {
  for (std::size_t i = 0; i < pids_.size(); ++i) {
    if (pids_[i] > 0) Kill(i);
  }
}

void Cluster::AddConfig(std::size_t i, const std::string& toml) {
  const std::string path = dir_.File("node" + std::to_string(i)) + "/tamgad.toml";
  if (!WriteFileAtomic(path, *ReadFileToString(path, 1 << 20) + toml, {}).ok()) std::abort();
}

void Cluster::SetConfig(std::size_t i, const std::string& table, const std::string& key,
                        const std::string& value) {
  const std::string path = dir_.File("node" + std::to_string(i)) + "/tamgad.toml";
  std::string text = *ReadFileToString(path, 1 << 20);
  const std::string header = "[" + table + "]\n";
  const std::string line = key + " = " + value + "\n";
  std::size_t at = text.find(header);
  if (at == std::string::npos) {
    text += "\n" + header + line;
  } else {
    at += header.size();
    const std::size_t end = std::min(text.find("\n[", at), text.size());
    const std::size_t old = text.find("\n" + key + " =", at - 1);
    if (old != std::string::npos && old < end) {
      const std::size_t from = old + 1;
      text.replace(from, text.find('\n', from) + 1 - from, line);
    } else {
      text.insert(at, line);
    }
  }
  if (!WriteFileAtomic(path, text, {}).ok()) std::abort();
}

std::string Cluster::NodeDir(std::size_t i) const { return dir_.File("node" + std::to_string(i)); }

std::string Cluster::DataDir(std::size_t i) const {
  return dir_.File("node" + std::to_string(i)) + "/data";
}

void Cluster::Start(std::size_t i, const std::vector<std::string>& extra_args) {
  if (pids_[i] > 0) return;
  const std::string node = dir_.File("node" + std::to_string(i));
  std::vector<std::string> args = {TAMGAD, "--config", node + "/tamgad.toml"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const pid_t pid = Spawn(std::move(args), node + "/stderr.txt");
  pids_[i] = pid;
  clients_.erase(i);
}

void Cluster::StartAll() {
  for (std::size_t i = 0; i < size(); ++i) Start(i);
}

void Cluster::Kill(std::size_t i) {
  if (pids_[i] <= 0) return;
  ::kill(pids_[i], SIGKILL);
  int status = 0;
  ::waitpid(pids_[i], &status, 0);
  pids_[i] = 0;
  exits_[i] = -1;
  clients_.erase(i);
}

bool Cluster::WaitForExit(std::size_t i, std::chrono::milliseconds timeout) {
  if (pids_[i] <= 0) return true;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    if (::waitpid(pids_[i], &status, WNOHANG) == pids_[i]) {
      pids_[i] = 0;
      exits_[i] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      clients_.erase(i);
      return true;
    }
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Cluster::Terminate(std::size_t i) {
  if (pids_[i] <= 0) return;
  ::kill(pids_[i], SIGTERM);
  int status = 0;
  ::waitpid(pids_[i], &status, 0);
  pids_[i] = 0;
  exits_[i] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  clients_.erase(i);
}

std::string Cluster::Log(std::size_t i) const {
  const std::string node = dir_.File("node" + std::to_string(i));
  auto log = ReadFileToString(node + "/tamgad.log", 256 << 20);
  auto err = ReadFileToString(node + "/stderr.txt", 1 << 20);
  return (log.ok() ? *log : std::string()) + (err.ok() ? *err : std::string());
}

std::optional<client::HttpResponse> Cluster::Get(std::size_t i, const std::string& target) {
  auto& c = clients_[i];
  if (!c)
    c = std::make_unique<client::HttpClient>(client::HttpClient::Connect(api(i), 35'000).value());
  auto r = c->Get(target);
  if (!r.ok()) return std::nullopt;
  return *r;
}

std::optional<client::HttpResponse> Cluster::Post(std::size_t i, const std::string& target,
                                                  const std::string& body) {
  auto& c = clients_[i];
  if (!c)
    c = std::make_unique<client::HttpClient>(client::HttpClient::Connect(api(i), 35'000).value());
  auto r = c->Post(target, body);
  if (!r.ok()) return std::nullopt;
  return *r;
}

std::optional<nlohmann::json> Cluster::Status(std::size_t i) {
  auto r = Get(i, "/v1/status");
  if (!r || r->status != 200) return std::nullopt;
  return nlohmann::json::parse(r->body);
}

std::uint64_t Cluster::Height(std::size_t i) {
  auto s = Status(i);
  return s ? (*s)["height"].get<std::uint64_t>() : 0;
}

bool Cluster::WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

std::pair<int, nlohmann::json> Cluster::SubmitWith(client::HttpClient& client,
                                                   const Transaction& tx) {
  const nlohmann::json body = {{"transaction", ToHex(Encode(tx))}};
  auto r = client.Post("/v1/transactions", body.dump());
  if (!r.ok()) return {0, nullptr};
  return {r->status, nlohmann::json::parse(r->body, nullptr, false)};
}

std::pair<int, nlohmann::json> Cluster::Submit(std::size_t i, const Transaction& tx) {
  const nlohmann::json body = {{"transaction", ToHex(Encode(tx))}};
  auto r = Post(i, "/v1/transactions", body.dump());
  if (!r) return {0, nullptr};
  return {r->status, nlohmann::json::parse(r->body, nullptr, false)};
}

std::string Cluster::TxStatus(std::size_t i, const Hash32& id, nlohmann::json* body) {
  auto r = Get(i, "/v1/transactions/" + id.ToHex());
  if (!r) return "unreachable";
  if (r->status == 404) return "unknown";
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  if (body != nullptr) *body = j;
  return j.is_object() && j.contains("status") ? j["status"].get<std::string>() : "bad answer";
}

std::optional<std::string> Cluster::StateRootAt(std::size_t i, std::uint64_t h) {
  auto r = Get(i, "/v1/blocks/" + std::to_string(h) + "?wait_ms=30000");
  if (!r || r->status != 200) return std::nullopt;
  return nlohmann::json::parse(r->body)["state_root"].get<std::string>();
}

Transaction Cluster::Tx(const SecretKey& key, contracts::TxType type, Bytes payload,
                        std::uint64_t sequence) const {
  Transaction tx;
  tx.chain_id = chain_;
  tx.type = static_cast<std::uint16_t>(type);
  tx.payload = std::move(payload);
  tx.sequence = sequence;
  tx.Sign(key);
  return tx;
}

}  // namespace tamga::testing
