// cli/tsa_command.h
// `tamga tsa init`: what an administration needs to run a time-stamping authority on its
// node (docs/operations.md, "Time stamps"): the TSA's ECDSA P-256 key, a certificate
// signing request for its CA, and the Ed25519 key its node signs time-stamp batches with.
//
//   DIR/tsa.key          the TSA key, PKCS#8 PEM, sealed under the passphrase (mode 0600)
//   DIR/tsa.csr          the request: the CA issues a certificate with a critical
//                        extendedKeyUsage of timeStamping only
//   DIR/tsa-signer.key   the time-stamping key (a Tamga key file, sealed the same way)
//
// Thread-safety: not thread-safe (reads the terminal for the passphrase).

#pragma once

#include <ostream>
#include <string>

#include "client/passphrase.h"
#include "common/key_file.h"
#include "common/status.h"

namespace tamga::cli {

struct TsaInitOptions {
  std::string dir;
  std::string country;       // ISO 3166-1 alpha-2.
  std::string organization;  // The administration's name.
  std::string name;          // The TSA's common name; default "<country> time-stamping authority".
  bool plain = false;        // Unsealed keys: tests and local testnets only.
  client::PassphraseSource passphrase;
  KdfParams kdf = KdfParams::Moderate();
};

Status TsaInit(const TsaInitOptions& options, std::ostream& out);

}  // namespace tamga::cli
