// cli/keys_command.h
// `tamga keys ...`: what an operator does with key files. Each function prints its result
// to `out` and returns a Status whose message the command line shows on failure.
//
// Thread-safety: not thread-safe.

#pragma once

#include <ostream>
#include <string>

#include "client/passphrase.h"
#include "common/key_file.h"
#include "common/status.h"

namespace tamga::cli {

struct KeysGenerateOptions {
  std::string path;
  bool plain = false;  // Unencrypted: for tests and local testnets only.
  bool overwrite = false;
  client::PassphraseSource passphrase;
  KdfParams kdf = KdfParams::Moderate();
};

Status KeysGenerate(const KeysGenerateOptions& options, std::ostream& out);
// Prints kind and public key; needs no passphrase.
Status KeysShow(const std::string& path, std::ostream& out);
Status KeysChangePassphrase(const std::string& path, const client::PassphraseSource& old_passphrase,
                            const client::PassphraseSource& new_passphrase, const KdfParams& kdf,
                            std::ostream& out);

}  // namespace tamga::cli
