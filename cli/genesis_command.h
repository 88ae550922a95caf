// cli/genesis_command.h
// `tamga genesis`: the ceremony that starts a chain. One administration creates the
// document, each adds its entry (country, name, validator key and address, administrator
// key), then every administration checks the chain id and signs it with its administrator
// key; `verify` checks the document and every signature before anyone starts a validator.
//
// Signatures live beside the document, in FILE.signatures.json:
//   {"chain_id": "<hex>", "signatures": {"KZ": "<hex of Ed25519 over the chain id>", ...}}
// signed in the domain "genesis" (common/ed25519.h), so they cannot be replayed elsewhere.
//
// Thread-safety: blocking commands.

#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "common/ed25519.h"
#include "common/status.h"

namespace tamga::cli {

struct GenesisCreateOptions {
  std::string file;
  std::string chain_name;
  std::uint64_t genesis_time_ms = 0;  // 0: now.
  bool overwrite = false;
};
Status GenesisCreate(const GenesisCreateOptions& o, std::ostream& out);

struct GenesisAddOptions {
  std::string file;
  std::string country;
  std::string name;
  std::string validator_key;  // Hex, or a key file.
  std::string address;
  std::string admin_key;  // Hex, or a key file.
};
Status GenesisAdd(const GenesisAddOptions& o, std::ostream& out);

struct GenesisSignOptions {
  std::string file;
  std::string key_file;  // An administrator's key file.
  std::string passphrase_file;
};
Status GenesisSign(const GenesisSignOptions& o, std::ostream& out);

// Ok only if the document starts a chain and every administration's signature verifies.
Status GenesisVerify(const std::string& file, std::ostream& out);

// A public key given as 64 hex digits, or read from a key file (no passphrase needed);
// `what` names the option in errors.
Result<PublicKey> KeyArgument(const std::string& arg, const std::string& what);

}  // namespace tamga::cli
