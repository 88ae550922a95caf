// node/config.h
// tamgad's configuration: one TOML file (docs/operations.md has a commented example).
// Relative paths are taken from the file's own directory. Unknown keys, wrong types and
// impossible values are refused with the key's name and line, so a typo never runs a node
// with a default the operator did not choose.
//
// Thread-safety: value types.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ed25519.h"
#include "common/log.h"
#include "common/status.h"
#include "node/byzantine.h"

namespace tamga::node {

struct NodeConfig {
  std::string genesis_file;     // The chain's genesis JSON (client/genesis_file.h).
  std::string key_file;         // This validator's Ed25519 key (common/key_file.h).
  std::string passphrase_file;  // For an encrypted key; else TAMGA_PASSPHRASE.
  std::string data_dir;         // Ledger, safety data; locked while the node runs.
  // role = "observer": the node follows the chain and serves the API, and never signs a
  // vote, timeout or proposal, even in an epoch whose set holds its key.
  bool observer = false;

  std::string listen;  // Peer-to-peer "host:port".
  // Keys that may connect beside the validators, whatever the ledger says.
  std::vector<PublicKey> observers;
  // Of the observer keys each administration names on the ledger (set-observers), how many
  // this node admits on its peer port (the first ones listed); 0: none.
  std::size_t observers_per_administration = 4;
  std::string api_listen;  // HTTP API "host:port"; empty: no API.
  // The verifier page's public address in links and QR codes ("https://verify.example");
  // empty: the address the client used (its Host header).
  std::string api_public_url;
  // Open API connections in all, and from one address (node/connection_table.h).
  std::size_t api_connections_max = 256;
  std::size_t api_connections_per_address = 32;
  // Submissions (POST /v1/transactions) a second, from one address (an IPv6 client by its
  // /64) and by one signer, each with a burst of one second's worth (node/rate_limiter.h);
  // past them the answer is 429 with Retry-After. 0: no limit.
  std::uint64_t api_submissions_per_second_per_address = 2000;
  std::uint64_t api_submissions_per_second_per_signer = 200;
  // Addresses of reverse proxies in front of the API (nginx on this host, say): their
  // connections are not held to connections_per_address (the proxy carries many clients),
  // and a request through one counts toward the submission limits of the client named
  // last in its X-Forwarded-For header. Literal IP addresses, normalised when read.
  std::vector<std::string> api_trusted_proxies;
  // Serve the time-release indicators (GET /v1/kpis, the page /kpis): each new period asked
  // for reads the chain from its first block on a thread of low priority (node/kpi_service.h).
  bool api_kpis = true;

  std::uint64_t round_timeout_ms = 1000;
  std::uint64_t round_timeout_max_ms = 8000;
  // The heartbeat of an idle chain: a leader with no transactions and nothing to commit
  // waits this long for one before it proposes an empty block, and the round waits with
  // it (consensus::CoreConfig::idle_wait_ms). A transaction ends the wait at once.
  std::uint64_t idle_block_ms = 60'000;
  std::uint32_t block_transactions_max = 5000;

  std::size_t mempool_transactions_max = 50'000;
  std::uint64_t clock_warn_offset_ms = 500;
  std::size_t verify_threads = 2;

  // Test only ([testing] serve_forged_blocks): the node answers sync requests with blocks
  // whose transactions were swapped, as a lying peer would, so tests can check that the
  // others drop it and sync from someone else.
  bool testing_serve_forged_blocks = false;
  // Test only ([testing] serve_forged_state_nodes): POST /v1/state/nodes answers with one
  // byte changed, as a lying snapshot peer would.
  bool testing_serve_forged_state_nodes = false;
  // Test only ([testing] serve_inflated_snapshot): GET /v1/snapshot claims a block 1,000
  // heights above the one it proves, as a peer would that pretends to be further ahead.
  bool testing_serve_inflated_snapshot = false;
  // Test only ([testing] byzantine = "<mode>", node/byzantine.h): this validator misbehaves
  // as the mode says, for the tests of Byzantine validators as processes.
  std::optional<ByzantineMode> testing_byzantine;
  // Test only ([testing] clock_offset_ms): the node's clock runs this far ahead of the
  // machine's (behind if negative), as on a host whose clock is off: it stamps its
  // proposals, checks others' and answers its API by it. For the chaos cluster's clock
  // faults.
  std::int64_t testing_clock_offset_ms = 0;
  // [sync] snapshot_from: other nodes' APIs ("http://host:port"). A node whose data
  // directory holds no ledger yet starts from a snapshot of the state fetched from them
  // (node/snapshot_join.h) instead of replaying from genesis; empty: from genesis.
  std::vector<std::string> sync_snapshot_from;

  // [timestamp]: the node answers RFC 3161 requests (POST /v1/timestamp) when `key` is set
  // (docs/operations.md, "Time stamps"). signer_key: the Ed25519 key file its time-stamp
  // batches are signed with, which its administration registered (set-timestamp-authority)
  // with the certificate's hash; key, certificate, chain: the TSA's PEM files (the key
  // sealed under the node's passphrase, or plain on testnets); policy: the TSA policy OID.
  std::string timestamp_signer_key_file;
  std::string timestamp_key_file;
  std::string timestamp_certificate_file;
  std::string timestamp_chain_file;
  std::string timestamp_policy;  // Empty: tsa::kTestnetPolicyOid.
  std::uint32_t timestamp_accuracy_ms = 1000;

  // [witnesses]: the C2SP tlog-witnesses this node takes its checkpoints to
  // (node/witness_feed.h): `addresses` ("host:port") and their cosignature `keys`
  // ("name+id+base64", type 0x04), paired by position.
  std::vector<std::string> witness_addresses;
  std::vector<std::string> witness_keys;

  // [tiles] dir: a folder the node keeps the C2SP tlog-tiles read path in
  // (node/tile_writer.h); empty: none.
  std::string tiles_dir;

  LogFormat log_format = LogFormat::kText;
  LogLevel log_level = LogLevel::kInfo;
  std::string log_file;  // Empty: stderr.
};

Result<NodeConfig> LoadConfig(const std::string& path);
Result<NodeConfig> ParseConfig(std::string_view toml_text, const std::string& base_dir);

}  // namespace tamga::node
