// cli/tsa_command.cc

#include "cli/tsa_command.h"

#include <filesystem>
#include <optional>

#include "common/file_util.h"
#include "contracts/model.h"
#include "tsa/pki.h"

namespace tamga::cli {

Status TsaInit(const TsaInitOptions& o, std::ostream& out) {
  if (!contracts::IsCountryCode(o.country)) {
    return Status::InvalidArgument("--country is two capital letters (ISO 3166-1)");
  }
  namespace fs = std::filesystem;
  const fs::path dir(o.dir);
  for (const char* name : {"tsa.key", "tsa.csr", "tsa-signer.key"}) {
    if (fs::exists(dir / name)) {
      return Status::AlreadyExists((dir / name).string() + " exists; keys are never replaced");
    }
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + o.dir + ": " + ec.message());
  std::optional<std::string> passphrase;
  if (!o.plain) {
    client::PassphraseSource source = o.passphrase;
    source.confirm = true;
    TAMGA_ASSIGN_OR_RETURN(passphrase, client::ReadPassphrase(source));
  }
  const std::string key_file = (dir / "tsa.key").string();
  TAMGA_ASSIGN_OR_RETURN(std::string key_pem, tsa::NewKeyPem(passphrase));
  TAMGA_RETURN_IF_ERROR(tsa::WriteKeyPem(key_file, key_pem));
  const tsa::Subject subject{o.country, o.organization,
                             o.name.empty() ? o.country + " time-stamping authority" : o.name};
  TAMGA_ASSIGN_OR_RETURN(std::string csr, tsa::MakeRequestPem(key_file, passphrase, subject));
  TAMGA_RETURN_IF_ERROR(WriteFileAtomic((dir / "tsa.csr").string(), csr, {0644, false}));
  const SecretKey signer = SecretKey::Generate();
  const std::string signer_file = (dir / "tsa-signer.key").string();
  if (passphrase) {
    TAMGA_RETURN_IF_ERROR(SaveEncryptedKeyFile(signer_file, signer, *passphrase, o.kdf));
  } else {
    TAMGA_RETURN_IF_ERROR(SavePlainKeyFile(signer_file, signer));
  }
  out << "TSA key            " << key_file << (passphrase ? " (sealed)" : " (plain)") << "\n"
      << "certificate request " << (dir / "tsa.csr").string() << "\n"
      << "time-stamping key  " << signer_file << "  public key " << signer.public_key().ToHex()
      << "\n"
      << "next: your CA issues the TSA certificate from tsa.csr (critical extendedKeyUsage\n"
      << "timeStamping); the administrator registers it with\n"
      << "  tamga tx set-timestamp-authority --signer " << signer_file << " --certificate tsa.crt\n"
      << "and the node's [timestamp] section names the three files (docs/operations.md).\n";
  return Status::Ok();
}

}  // namespace tamga::cli
