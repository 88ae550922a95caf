#include "common/key_file.h"

#include <sodium.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "common/file_util.h"
#include "common/sha256.h"

namespace tamga {
namespace {

constexpr std::string_view kFormat = "tamga-key-v1";
constexpr std::size_t kKeyFileMax = 4096;
// Upper bound on the Argon2 memory a file may ask for, so that a hostile file cannot make
// `tamga keys show` allocate without limit. libsodium's SENSITIVE is 1 GiB.
constexpr std::uint64_t kMemlimitMax = 1ull << 30;
// Upper bound on Argon2id passes, for the same reason (SENSITIVE is 4).
constexpr std::uint64_t kOpslimitMax = 64;

struct Fields {
  std::vector<std::pair<std::string, std::string>> ordered;  // In file order, for the checksum.
  std::map<std::string, std::string> by_name;
};

// The checksum line is SHA-256 over every line before it (each with its '\n').
std::string Checksum(std::string_view body) { return Sha256Of(AsBytes(body)).ToHex(); }

std::string Render(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body = "# Tamga key file. Keep it secret: mode 0600. Format: docs/operations.md\n";
  for (const auto& [name, value] : fields) body += name + ": " + value + "\n";
  return body + "checksum: " + Checksum(body) + "\n";
}

Result<Fields> Parse(const std::string& path, const std::string& text) {
  auto corrupt = [&](const std::string& why) {
    return Status::Corruption("key file " + path + " is damaged or not a key file: " + why);
  };
  Fields f;
  std::size_t pos = 0;
  std::size_t line_no = 0;
  bool have_checksum = false;
  while (pos < text.size()) {
    const std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) return corrupt("last line has no newline");
    const std::string line = text.substr(pos, eol - pos);
    const std::size_t line_start = pos;
    pos = eol + 1;
    ++line_no;
    if (line_no == 1 && !line.empty() && line[0] == '#') continue;
    const std::size_t colon = line.find(": ");
    if (colon == std::string::npos) return corrupt("line " + std::to_string(line_no));
    std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 2);
    if (name == "checksum") {
      if (pos != text.size()) return corrupt("text after the checksum line");
      if (value != Checksum(std::string_view(text).substr(0, line_start))) {
        return corrupt("checksum mismatch");
      }
      have_checksum = true;
      break;
    }
    if (f.by_name.count(name)) return corrupt("field '" + name + "' appears twice");
    f.by_name[name] = value;
    f.ordered.emplace_back(std::move(name), std::move(value));
  }
  if (!have_checksum) return corrupt("no checksum line");
  if (f.by_name["format"] != kFormat) return corrupt("format is not " + std::string(kFormat));
  return f;
}

Result<Bytes> HexField(const std::string& path, Fields& f, const std::string& name,
                       std::size_t size) {
  auto it = f.by_name.find(name);
  if (it == f.by_name.end()) {
    return Status::Corruption("key file " + path + " has no '" + name + "' field");
  }
  auto bytes = FromHex(it->second);
  if (!bytes.ok() || bytes->size() != size) {
    return Status::Corruption("key file " + path + ": field '" + name + "' is not " +
                              std::to_string(size) + " bytes of hex");
  }
  return std::move(bytes).value();
}

Result<std::uint64_t> U64Field(const std::string& path, Fields& f, const std::string& name) {
  const std::string& v = f.by_name[name];
  if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos) {
    return Status::Corruption("key file " + path + ": field '" + name +
                              "' is not a decimal number");
  }
  return std::stoull(v);
}

Result<std::string> ReadKeyText(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound("key file " + path + " does not exist");
    return Status::IoError("cannot stat key file " + path + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::PermissionDenied("key file " + path + " has mode " + mode +
                                    ", readable by others; run: chmod 600 " + path);
  }
  return ReadFileToString(path, kKeyFileMax);
}

Result<SecretKey> KeyFromSeed(const std::string& path, ByteView seed, const Bytes& expected_pub) {
  std::array<std::uint8_t, SecretKey::kSeedSize> s{};
  std::copy(seed.begin(), seed.end(), s.begin());
  SecretKey key = SecretKey::FromSeed(s);
  sodium_memzero(s.data(), s.size());
  if (key.public_key().view().size() != expected_pub.size() ||
      !std::equal(expected_pub.begin(), expected_pub.end(), key.public_key().data())) {
    return Status::Corruption("key file " + path +
                              ": the secret key does not match the public key it lists");
  }
  return key;
}

Status SaveFields(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& fields,
                  KeyFileWriteOptions options) {
  std::string text = Render(fields);
  const Status s = WriteFileAtomic(path, text, {.mode = 0600, .overwrite = options.overwrite});
  SecureWipe(text);
  return s;
}

}  // namespace

KdfParams KdfParams::Moderate() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}
KdfParams KdfParams::Minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

Status SaveEncryptedKeyFile(const std::string& path, const SecretKey& key,
                            std::string_view passphrase, const KdfParams& kdf,
                            KeyFileWriteOptions options) {
  EnsureSodium();
  if (passphrase.empty()) return Status::InvalidArgument("the passphrase must not be empty");
  if (kdf.memlimit_bytes > kMemlimitMax || kdf.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      kdf.opslimit > kOpslimitMax || kdf.memlimit_bytes < crypto_pwhash_argon2id_MEMLIMIT_MIN) {
    return Status::InvalidArgument("Argon2id limits out of range");
  }
  std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt{};
  std::array<std::uint8_t, crypto_secretbox_NONCEBYTES> nonce{};
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  std::array<std::uint8_t, crypto_secretbox_KEYBYTES> box_key{};
  if (crypto_pwhash(box_key.data(), box_key.size(), passphrase.data(), passphrase.size(),
                    salt.data(), kdf.opslimit, static_cast<std::size_t>(kdf.memlimit_bytes),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::ResourceExhausted("Argon2id ran out of memory deriving the file key");
  }
  Bytes sealed(SecretKey::kSeedSize + crypto_secretbox_MACBYTES);
  crypto_secretbox_easy(sealed.data(), key.seed().data(), key.seed().size(), nonce.data(),
                        box_key.data());
  sodium_memzero(box_key.data(), box_key.size());
  return SaveFields(path,
                    {{"format", std::string(kFormat)},
                     {"kind", "encrypted"},
                     {"public-key", key.public_key().ToHex()},
                     {"kdf", "argon2id13"},
                     {"opslimit", std::to_string(kdf.opslimit)},
                     {"memlimit", std::to_string(kdf.memlimit_bytes)},
                     {"salt", ToHex(salt)},
                     {"nonce", ToHex(nonce)},
                     {"sealed-seed", ToHex(sealed)}},
                    options);
}

Status SavePlainKeyFile(const std::string& path, const SecretKey& key,
                        KeyFileWriteOptions options) {
  return SaveFields(path,
                    {{"format", std::string(kFormat)},
                     {"kind", "plain"},
                     {"public-key", key.public_key().ToHex()},
                     {"seed", ToHex(key.seed())}},
                    options);
}

Result<KeyFileInfo> ReadKeyFileInfo(const std::string& path) {
  TAMGA_ASSIGN_OR_RETURN(std::string text, ReadKeyText(path));
  TAMGA_ASSIGN_OR_RETURN(Fields f, Parse(path, text));
  KeyFileInfo info{};
  const std::string& kind = f.by_name["kind"];
  if (kind == "encrypted") {
    info.kind = KeyFileKind::kEncrypted;
  } else if (kind == "plain") {
    info.kind = KeyFileKind::kPlain;
  } else {
    return Status::Corruption("key file " + path + ": unknown kind '" + kind + "'");
  }
  TAMGA_ASSIGN_OR_RETURN(Bytes pub, HexField(path, f, "public-key", PublicKey::kSize));
  info.public_key = PublicKey::FromView(pub);
  return info;
}

Result<SecretKey> LoadKeyFile(const std::string& path, std::optional<std::string_view> passphrase) {
  TAMGA_ASSIGN_OR_RETURN(std::string text, ReadKeyText(path));
  return ParseKeyFile(path, std::move(text), passphrase);
}

Result<SecretKey> ParseKeyFile(const std::string& path, std::string text,
                               std::optional<std::string_view> passphrase) {
  EnsureSodium();
  struct WipeOnExit {
    std::string& text;
    ~WipeOnExit() { SecureWipe(text); }
  } wipe{text};
  TAMGA_ASSIGN_OR_RETURN(Fields f, Parse(path, text));
  TAMGA_ASSIGN_OR_RETURN(Bytes pub, HexField(path, f, "public-key", PublicKey::kSize));
  const std::string& kind = f.by_name["kind"];
  if (kind == "plain") {
    auto seed = HexField(path, f, "seed", SecretKey::kSeedSize);
    // The seed's hex is in the file text and the parsed fields: wipe them all.
    SecureWipe(text);
    for (auto& field : f.ordered) SecureWipe(field.second);
    for (auto& field : f.by_name) SecureWipe(field.second);
    if (!seed.ok()) return seed.error();
    auto key = KeyFromSeed(path, *seed, pub);
    sodium_memzero(seed->data(), seed->size());
    return key;
  }
  if (kind != "encrypted") {
    return Status::Corruption("key file " + path + ": unknown kind '" + kind + "'");
  }
  if (!passphrase.has_value() || passphrase->empty()) {
    return Status::InvalidArgument("key file " + path + " is encrypted; a passphrase is needed");
  }
  if (f.by_name["kdf"] != "argon2id13") {
    return Status::Corruption("key file " + path + ": unknown kdf '" + f.by_name["kdf"] + "'");
  }
  TAMGA_ASSIGN_OR_RETURN(std::uint64_t ops, U64Field(path, f, "opslimit"));
  TAMGA_ASSIGN_OR_RETURN(std::uint64_t mem, U64Field(path, f, "memlimit"));
  if (mem > kMemlimitMax || mem < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      ops < crypto_pwhash_argon2id_OPSLIMIT_MIN || ops > kOpslimitMax) {
    return Status::Corruption("key file " + path + ": Argon2id limits out of range");
  }
  TAMGA_ASSIGN_OR_RETURN(Bytes salt, HexField(path, f, "salt", crypto_pwhash_SALTBYTES));
  TAMGA_ASSIGN_OR_RETURN(Bytes nonce, HexField(path, f, "nonce", crypto_secretbox_NONCEBYTES));
  TAMGA_ASSIGN_OR_RETURN(Bytes sealed, HexField(path, f, "sealed-seed",
                                                SecretKey::kSeedSize + crypto_secretbox_MACBYTES));

  std::array<std::uint8_t, crypto_secretbox_KEYBYTES> box_key{};
  if (crypto_pwhash(box_key.data(), box_key.size(), passphrase->data(), passphrase->size(),
                    salt.data(), ops, static_cast<std::size_t>(mem),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::ResourceExhausted("Argon2id ran out of memory deriving the file key");
  }
  std::array<std::uint8_t, SecretKey::kSeedSize> seed{};
  const int opened = crypto_secretbox_open_easy(seed.data(), sealed.data(), sealed.size(),
                                                nonce.data(), box_key.data());
  sodium_memzero(box_key.data(), box_key.size());
  // The checksum already passed, so the sealed bytes are as written: a failed open means
  // the passphrase is not the one the file was sealed with.
  if (opened != 0) return Status::PermissionDenied("wrong passphrase for key file " + path);
  auto key = KeyFromSeed(path, seed, pub);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

Status ChangeKeyFilePassphrase(const std::string& path, std::string_view old_passphrase,
                               std::string_view new_passphrase, const KdfParams& kdf) {
  TAMGA_ASSIGN_OR_RETURN(KeyFileInfo info, ReadKeyFileInfo(path));
  if (info.kind != KeyFileKind::kEncrypted) {
    return Status::FailedPrecondition("key file " + path + " is not encrypted");
  }
  TAMGA_ASSIGN_OR_RETURN(SecretKey key, LoadKeyFile(path, old_passphrase));
  return SaveEncryptedKeyFile(path, key, new_passphrase, kdf, {.overwrite = true});
}

}  // namespace tamga
