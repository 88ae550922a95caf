#include "cli/keys_command.h"

namespace tamga::cli {

Status KeysGenerate(const KeysGenerateOptions& options, std::ostream& out) {
  const SecretKey key = SecretKey::Generate();
  if (options.plain) {
    TAMGA_RETURN_IF_ERROR(SavePlainKeyFile(options.path, key, {.overwrite = options.overwrite}));
  } else {
    TAMGA_ASSIGN_OR_RETURN(std::string pass, client::ReadPassphrase(options.passphrase));
    const Status saved = SaveEncryptedKeyFile(options.path, key, pass, options.kdf,
                                              {.overwrite = options.overwrite});
    SecureWipe(pass);
    TAMGA_RETURN_IF_ERROR(saved);
  }
  out << "wrote " << (options.plain ? "plain (unencrypted) " : "encrypted ") << "key file "
      << options.path << " (mode 0600)\n"
      << "public key: " << key.public_key().ToHex() << "\n";
  return Status::Ok();
}

Status KeysShow(const std::string& path, std::ostream& out) {
  TAMGA_ASSIGN_OR_RETURN(KeyFileInfo info, ReadKeyFileInfo(path));
  out << "key file:   " << path << "\n"
      << "kind:       " << (info.kind == KeyFileKind::kEncrypted ? "encrypted" : "plain") << "\n"
      << "public key: " << info.public_key.ToHex() << "\n";
  return Status::Ok();
}

Status KeysChangePassphrase(const std::string& path, const client::PassphraseSource& old_passphrase,
                            const client::PassphraseSource& new_passphrase, const KdfParams& kdf,
                            std::ostream& out) {
  TAMGA_ASSIGN_OR_RETURN(std::string old_pass, client::ReadPassphrase(old_passphrase));
  auto new_pass = client::ReadPassphrase(new_passphrase);
  if (!new_pass.ok()) {
    SecureWipe(old_pass);
    return new_pass.error();
  }
  const Status changed = ChangeKeyFilePassphrase(path, old_pass, *new_pass, kdf);
  SecureWipe(old_pass);
  SecureWipe(*new_pass);
  TAMGA_RETURN_IF_ERROR(changed);
  out << "re-sealed " << path << " under the new passphrase\n";
  return Status::Ok();
}

}  // namespace tamga::cli
