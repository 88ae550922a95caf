#include "cli/testnet_command.h"

#include <filesystem>
#include <vector>

#include "client/genesis_file.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/key_file.h"
#include "contracts/executor.h"
#include "tsa/pki.h"

namespace tamga::cli {

const std::vector<std::string>& TestnetCountries() {
  static const std::vector<std::string> kCountries = {"KZ", "UZ", "KG", "KR", "TJ", "TM", "AZ",
                                                      "GE", "AM", "MN", "TR", "CN", "MD", "BY",
                                                      "PK", "AF", "IR", "IN", "JP", "DE"};
  return kCountries;
}

Status TestnetInit(const TestnetInitOptions& o, std::ostream& out) {
  const auto& countries = TestnetCountries();
  const std::size_t nodes = o.validators + o.spare;
  if (o.validators < 1 || nodes > countries.size()) {
    return Status::InvalidArgument("--validators and --spare: between 1 and " +
                                   std::to_string(countries.size()) + " nodes in all");
  }
  if (static_cast<std::size_t>(o.base_port) + 2 * nodes > 65535 || o.base_port < 1024) {
    return Status::InvalidArgument("--base-port leaves no room for the nodes' ports");
  }
  namespace fs = std::filesystem;
  const fs::path dir(o.dir);
  if (fs::exists(dir / "genesis.json") && !o.overwrite) {
    return Status::AlreadyExists(o.dir + " already holds a testnet (genesis.json); use --force");
  }
  std::error_code ec;
  if (o.overwrite) {
    for (std::size_t i = 0; i < countries.size(); ++i) {
      fs::remove_all(dir / ("node" + std::to_string(i)), ec);
    }
  }
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + o.dir + ": " + ec.message());

  // A local CA for the nodes' time-stamping authorities (RFC 3161).
  TAMGA_ASSIGN_OR_RETURN(
      tsa::LocalCa ca, tsa::NewLocalCa({"", "Tamga local testnet", "Tamga testnet TSA CA"}, 3650));
  fs::remove(dir / "tsa-ca.key", ec);
  TAMGA_RETURN_IF_ERROR(tsa::WriteKeyPem((dir / "tsa-ca.key").string(), ca.key_pem));
  TAMGA_RETURN_IF_ERROR(WriteFileAtomic((dir / "tsa-ca.pem").string(), ca.certificate_pem, {}));

  contracts::Genesis genesis;
  genesis.chain_name = "tamga local testnet";
  genesis.genesis_time_ms = UnixNowMs();
  for (std::size_t i = 0; i < nodes; ++i) {
    const fs::path node = dir / ("node" + std::to_string(i));
    fs::create_directories(node, ec);
    if (ec) return Status::IoError("cannot create " + node.string() + ": " + ec.message());
    const SecretKey validator = SecretKey::Generate();
    const SecretKey admin = SecretKey::Generate();
    TAMGA_RETURN_IF_ERROR(SavePlainKeyFile((node / "validator.key").string(), validator));
    TAMGA_RETURN_IF_ERROR(SavePlainKeyFile((node / "admin.key").string(), admin));
    // Its time-stamping authority: the TSA key and certificate, and the time-stamping key
    // its administration registers (set-timestamp-authority) before the node stamps.
    const std::string tsa_key = (node / "tsa.key").string();
    TAMGA_ASSIGN_OR_RETURN(std::string tsa_pem, tsa::NewKeyPem(std::nullopt));
    TAMGA_RETURN_IF_ERROR(tsa::WriteKeyPem(tsa_key, tsa_pem));
    TAMGA_ASSIGN_OR_RETURN(
        std::string csr,
        tsa::MakeRequestPem(tsa_key, std::nullopt,
                            {countries[i], "Customs of " + countries[i],
                             countries[i] + " time-stamping authority (testnet)"}));
    TAMGA_ASSIGN_OR_RETURN(std::string tsa_cert, tsa::IssueTsaCertificate(ca, csr, 3650, i + 2));
    TAMGA_RETURN_IF_ERROR(WriteFileAtomic((node / "tsa.crt").string(), tsa_cert, {}));
    TAMGA_RETURN_IF_ERROR(
        SavePlainKeyFile((node / "tsa-signer.key").string(), SecretKey::Generate()));
    const auto p2p = static_cast<std::uint16_t>(o.base_port + 2 * i);
    const auto api = static_cast<std::uint16_t>(p2p + 1);
    const bool spare = i >= o.validators;
    if (!spare) {
      genesis.administrations.push_back({countries[i], "Customs of " + countries[i],
                                         validator.public_key(), "127.0.0.1:" + std::to_string(p2p),
                                         admin.public_key()});
    }
    const std::string config =
        "# tamgad configuration of " +
        (spare ? "the spare node " + std::to_string(i) + " (" + countries[i] +
                     ", not in the genesis: it joins by a membership vote)"
               : "validator " + std::to_string(i) + " (" + countries[i] + ")") +
        " of a local testnet, written by `tamga testnet init`.\n"
        "genesis = \"../genesis.json\"\n"
        "key_file = \"validator.key\"\n"
        "data_dir = \"data\"\n\n"
        "[network]\nlisten = \"127.0.0.1:" +
        std::to_string(p2p) +
        "\"\n\n"
        "[api]\nlisten = \"127.0.0.1:" +
        std::to_string(api) +
        "\"\n"
        "# Every client of a local testnet comes from 127.0.0.1, the load generator too.\n"
        "submissions_per_second_per_address = 50000\n\n"
        "[consensus]\nround_timeout_ms = " +
        std::to_string(o.round_timeout_ms) +
        "\nidle_block_ms = " + std::to_string(o.idle_block_ms) +
        "\n\n"
        "[timestamp]\n"
        "# RFC 3161 at POST /v1/timestamp, once the administration registered the two keys:\n"
        "# tamga tx set-timestamp-authority --signer tsa-signer.key --certificate tsa.crt\n"
        "signer_key = \"tsa-signer.key\"\nkey = \"tsa.key\"\ncertificate = \"tsa.crt\"\n"
        "chain = \"../tsa-ca.pem\"\n\n"
        "[log]\nformat = \"text\"\nlevel = \"info\"\nfile = \"tamgad.log\"\n";
    TAMGA_RETURN_IF_ERROR(WriteFileAtomic((node / "tamgad.toml").string(), config, {}));
  }
  // The genesis must start a chain (distinct keys and countries).
  TAMGA_RETURN_IF_ERROR(contracts::StartChain(genesis).status());
  TAMGA_RETURN_IF_ERROR(
      WriteFileAtomic((dir / "genesis.json").string(), client::GenesisToJson(genesis), {}));
  auto chain = contracts::StartChain(genesis);
  out << "testnet of " << o.validators << " validators in " << o.dir << "\n"
      << "chain id " << chain->anchor.chain_id.ToHex() << "\n";
  for (std::size_t i = 0; i < nodes; ++i) {
    out << "  node" << i << " " << countries[i] << "  peer 127.0.0.1:" << o.base_port + 2 * i
        << "  api http://127.0.0.1:" << o.base_port + 2 * i + 1
        << (i >= o.validators ? "  (spare: joins by a membership vote)" : "") << "\n";
  }
  out << "start a node: tamgad --config " << (dir / "node0" / "tamgad.toml").string() << "\n";
  return Status::Ok();
}

}  // namespace tamga::cli
