// client/passphrase.h
// Where an operator's passphrase comes from: a file (--passphrase-file, for automation and
// services), the TAMGA_PASSPHRASE environment variable, or a prompt on the terminal with
// echo off. Never from a command-line argument, which other users can read in ps.
//
// Thread-safety: not thread-safe (touches the terminal).

#pragma once

#include <string>

#include "common/ed25519.h"
#include "common/status.h"

namespace tamga::client {

struct PassphraseSource {
  std::string file;  // If set, the first line of this file.
  std::string env = "TAMGA_PASSPHRASE";
  std::string prompt = "Passphrase: ";
  bool confirm = false;  // Ask twice on a terminal (for a new passphrase).
};

Result<std::string> ReadPassphrase(const PassphraseSource& source);

// Opens a key file: a plain one as is, a sealed one with the passphrase from
// `passphrase_file` (or TAMGA_PASSPHRASE, or a prompt on the terminal).
Result<SecretKey> OpenKeyFile(const std::string& path, const std::string& passphrase_file);

}  // namespace tamga::client
