// tests/e2e/cluster.h
// A local cluster of real tamgad processes for the end-to-end tests: `tamga testnet init`
// writes genesis, keys and configs into a temporary folder on free loopback ports, and
// each validator runs as its own process, killed with SIGKILL or stopped with SIGTERM at
// will. Clients talk to the nodes' HTTP APIs like any other client would.

#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "client/http_client.h"
#include "common/chain.h"
#include "common/ed25519.h"
#include "contracts/model.h"
#include "tests/support/temp_dir.h"

namespace tamga::testing {

class Cluster {
 public:
  // Writes a testnet of `n` validators; `observer` (if set) may connect to node 0.
  // `spare` more nodes (n, n+1, ...) are set up for administrations that are not in the
  // genesis and join by a membership vote (`tamga testnet init --spare`).
  Cluster(const std::string& name, std::size_t n, std::optional<PublicKey> observer = {},
          std::size_t spare = 0);
  ~Cluster();

  std::size_t size() const { return ports_.size(); }
  // Appends TOML to node i's configuration (before it starts).
  void AddConfig(std::size_t i, const std::string& toml);
  // Sets `key` = `value` (TOML) in the table [`table`] of node i's configuration,
  // replacing the key's line if the table has one.
  void SetConfig(std::size_t i, const std::string& table, const std::string& key,
                 const std::string& value);
  void Start(std::size_t i, const std::vector<std::string>& extra_args = {});
  // Node i's data directory.
  std::string DataDir(std::size_t i) const;
  void StartAll();
  void Kill(std::size_t i);       // SIGKILL, then reaped.
  void Terminate(std::size_t i);  // SIGTERM; returns its exit status.
  // Waits up to `timeout` for node i to exit by itself (a start-up refusal, say): true and
  // last_exit(i) set if it did; false if it still runs.
  bool WaitForExit(std::size_t i, std::chrono::milliseconds timeout);
  bool Running(std::size_t i) const { return pids_[i] > 0; }
  pid_t pid(std::size_t i) const { return pids_[i]; }
  int last_exit(std::size_t i) const { return exits_[i]; }

  std::uint16_t peer_port(std::size_t i) const { return ports_[i]; }
  std::string api(std::size_t i) const { return "127.0.0.1:" + std::to_string(ports_[i] + 1); }
  const ChainId& chain() const { return chain_; }
  std::string GenesisFile() const { return dir_.File("genesis.json"); }
  const SecretKey& admin(std::size_t i) const { return admins_[i]; }
  const PublicKey& validator_key(std::size_t i) const { return validator_keys_[i]; }
  // The node's folder (its keys, tamgad.toml, data/).
  std::string NodeDir(std::size_t i) const;
  std::string Log(std::size_t i) const;

  // GET and POST on node i's API; nullopt if the node does not answer.
  std::optional<client::HttpResponse> Get(std::size_t i, const std::string& target);
  std::optional<client::HttpResponse> Post(std::size_t i, const std::string& target,
                                           const std::string& body);
  std::optional<nlohmann::json> Status(std::size_t i);
  std::uint64_t Height(std::size_t i);  // 0 if it does not answer.

  // A loopback port free now (the kernel's choice), for a server that cannot take port 0
  // (nginx, a witness).
  static std::uint16_t FreePort();
  // The first of `count` consecutive ports free now, below Linux's ephemeral range and
  // apart from this cluster's own: for servers that bind late, after a restart (a port of
  // the ephemeral range may by then be some connection's source side).
  std::uint16_t FreePortsBelowEphemeral(std::size_t count) const;
  // Polls `pred` every 50 ms until it holds or `timeout` passes.
  static bool WaitFor(const std::function<bool()>& pred,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // Submits `tx` to node i: the HTTP status and JSON body.
  std::pair<int, nlohmann::json> Submit(std::size_t i, const Transaction& tx);
  // The same through a client of the caller's own: for a second thread (a load
  // generator), since the methods above share one connection per node and are for one
  // thread. Status 0 if the node does not answer.
  static std::pair<int, nlohmann::json> SubmitWith(client::HttpClient& client,
                                                   const Transaction& tx);
  // The transaction's state on node i: "committed", "pending" or "unknown".
  std::string TxStatus(std::size_t i, const Hash32& id, nlohmann::json* body = nullptr);
  // The state root after committed height `h` on node i (waits for the height).
  std::optional<std::string> StateRootAt(std::size_t i, std::uint64_t h);

  // A signed transaction for this chain.
  Transaction Tx(const SecretKey& key, contracts::TxType type, Bytes payload,
                 std::uint64_t sequence) const;

 private:
  TempDir dir_;
  std::vector<std::uint16_t> ports_;
  std::vector<pid_t> pids_;
  std::vector<int> exits_;
  std::vector<SecretKey> admins_;
  std::vector<PublicKey> validator_keys_;
  ChainId chain_;
  std::map<std::size_t, std::unique_ptr<client::HttpClient>> clients_;
};

}  // namespace tamga::testing
