// common/key_file.h
// Key files for operators. A validator's or an administration's Ed25519 key is kept in a
// small text file, mode 0600, with the 32-byte seed encrypted under a passphrase:
// Argon2id (libsodium crypto_pwhash) derives a key from the passphrase and a random salt,
// and XSalsa20-Poly1305 (crypto_secretbox) seals the seed. A checksum line over the file
// tells a damaged file ("corrupt") apart from a wrong passphrase. The plain form keeps the
// seed in hex and exists for tests and local testnets only.
//
// The format is specified in docs/operations.md.
//
// Thread-safety: functions are thread-safe for distinct paths.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/ed25519.h"
#include "common/status.h"

namespace tamga {

// Argon2id cost. Stored in the file so that a later change of defaults still opens it.
struct KdfParams {
  std::uint64_t opslimit;
  std::uint64_t memlimit_bytes;
  // libsodium's MODERATE: about 256 MiB and under a second here. The default for operators.
  static KdfParams Moderate();
  // libsodium's minimum: for tests, so the suite stays quick.
  static KdfParams Minimum();
};

enum class KeyFileKind : std::uint8_t { kEncrypted, kPlain };

struct KeyFileWriteOptions {
  bool overwrite = false;  // Refuse to replace an existing file unless set.
};

// Writes `key` sealed under `passphrase`. REQUIRES: passphrase is not empty.
Status SaveEncryptedKeyFile(const std::string& path, const SecretKey& key,
                            std::string_view passphrase, const KdfParams& kdf,
                            KeyFileWriteOptions options = {});
// Writes `key` in the clear. For tests and local testnets only.
Status SavePlainKeyFile(const std::string& path, const SecretKey& key,
                        KeyFileWriteOptions options = {});

// Loads a key file of either kind. An encrypted file needs `passphrase`; a plain file
// ignores it. Errors: NotFound, PermissionDenied (mode not 0600, or wrong passphrase),
// Corruption (a malformed or damaged file), InvalidArgument (passphrase missing).
Result<SecretKey> LoadKeyFile(const std::string& path, std::optional<std::string_view> passphrase);
// The same for the text of a key file already read; `name` stands for the file in errors.
// The text is wiped before it is released.
Result<SecretKey> ParseKeyFile(const std::string& name, std::string text,
                               std::optional<std::string_view> passphrase);

struct KeyFileInfo {
  KeyFileKind kind;
  PublicKey public_key;
};
// Reads the kind and public key without the passphrase (checksum verified).
Result<KeyFileInfo> ReadKeyFileInfo(const std::string& path);

// Re-seals the key of an encrypted file under a new passphrase, replacing the file
// atomically (write to a temporary file, sync, rename, sync the directory).
Status ChangeKeyFilePassphrase(const std::string& path, std::string_view old_passphrase,
                               std::string_view new_passphrase, const KdfParams& kdf);

}  // namespace tamga
