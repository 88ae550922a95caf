// client/genesis_file.h
// The genesis document as a JSON file for people and tools (docs/operations.md):
//
//   {"chain_name": "...", "genesis_time_ms": 1795000000000,
//    "administrations": [{"country": "KZ", "name": "...", "validator_key": "<hex>",
//                         "address": "host:port", "admin_key": "<hex>"}, ...]}
//
// The chain id is the SHA-256 of the canonical encoding (docs/encoding.md), not of these
// bytes, so spacing and key order do not matter; every field is required and unknown
// fields are refused, so a typo cannot silently start another chain.
//
// Thread-safety: pure functions.

#pragma once

#include <string>

#include "common/status.h"
#include "contracts/model.h"

namespace tamga::client {

Result<contracts::Genesis> ParseGenesisJson(std::string_view text);
std::string GenesisToJson(const contracts::Genesis& genesis);
Result<contracts::Genesis> LoadGenesisFile(const std::string& path);

}  // namespace tamga::client
