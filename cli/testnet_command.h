// cli/testnet_command.h
// `tamga testnet init`: everything a local cluster needs, in one folder: a genesis with
// one administration per validator, each validator's and administrator's key (plain key
// files: a local testnet only), and a tamgad configuration per node on loopback ports.
//
//   DIR/genesis.json
//   DIR/tsa-ca.pem, tsa-ca.key       a local CA for the nodes' time-stamping authorities
//   DIR/node<i>/validator.key, admin.key, tamgad.toml   (the node's data goes in data/)
//   DIR/node<i>/tsa.key, tsa.crt, tsa-signer.key        its TSA (RFC 3161, [timestamp])
//
// With --spare N, N more node folders follow the validators' (countries after theirs):
// administrations that are not in the genesis and join later by a membership vote. Their
// node runs as an observer until the vote is adopted.
//
// Thread-safety: not thread-safe.

#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"

namespace tamga::cli {

struct TestnetInitOptions {
  std::string dir;
  std::size_t validators = 4;
  std::size_t spare = 0;            // Nodes not in the genesis, to be admitted by a vote.
  std::uint16_t base_port = 26600;  // Node i: peer port base + 2i, API port base + 2i + 1.
  bool overwrite = false;
  std::uint64_t round_timeout_ms = 1000;
  std::uint64_t idle_block_ms = 2000;  // The heartbeat of an idle testnet.
};

// The countries of the testnet's administrations, in validator order.
const std::vector<std::string>& TestnetCountries();

Status TestnetInit(const TestnetInitOptions& options, std::ostream& out);

}  // namespace tamga::cli
