// tamga: the command line for operators, issuers, traders and auditors.
// Today it manages key files and hashes documents; later issues add genesis, transactions,
// verification and audit replay (see README.md).

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/sha256.h"
#include "node/http_client.h"
#include "node/keys_command.h"
#include "node/testnet_command.h"

namespace {

int Fail(const tamga::Status& s) {
  std::cerr << "tamga: " << s.ToString() << "\n";
  return 1;
}

// Prints a node's status in plain words.
tamga::Status NodeStatus(const std::string& node) {
  TAMGA_ASSIGN_OR_RETURN(auto client, tamga::node::HttpClient::Connect(node, 5000));
  TAMGA_ASSIGN_OR_RETURN(auto r, client.Get("/v1/status"));
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || !j.is_object()) {
    return tamga::Status::Unavailable(node + " answered " + std::to_string(r.status));
  }
  std::size_t connected = 0;
  for (const auto& p : j["peers"]) connected += p["connected"].get<bool>() ? 1 : 0;
  std::cout << "node        " << node << "\n"
            << "chain       " << j["chain_id"].get<std::string>() << "\n"
            << "validator   "
            << (j["validator_index"].is_null() ? std::string("no (observer)")
                                               : std::to_string(j["validator_index"].get<int>()))
            << "\n"
            << "height      " << j["height"] << " (epoch " << j["epoch"] << ", round " << j["round"]
            << ")\n"
            << "state root  " << j["state_root"].get<std::string>() << "\n"
            << "records     " << j["log_size"] << "\n"
            << "peers       " << connected << " of " << j["peers"].size() << " connected\n"
            << "mempool     " << j["mempool"] << " transactions\n";
  if (!j["clock_offset_ms"].is_null()) {
    std::cout << "clock       peers' median is " << j["clock_offset_ms"] << " ms from ours\n";
  }
  return tamga::Status::Ok();
}

}  // namespace

int main(int argc, char** argv) try {
  using tamga::node::PassphraseSource;
  CLI::App app{"tamga: anchor and verify customs documents on the Tamga ledger"};
  app.require_subcommand(1);

  // keys
  auto* keys = app.add_subcommand("keys", "Generate and inspect Ed25519 key files");
  keys->require_subcommand(1);

  tamga::node::KeysGenerateOptions gen;
  bool gen_fast_kdf = false;
  auto* generate = keys->add_subcommand("generate", "Write a new key file (mode 0600)");
  generate->add_option("file", gen.path, "Where to write the key file")->required();
  generate->add_flag("--plain", gen.plain,
                     "Store the key unencrypted (tests and local testnets only)");
  generate->add_flag("--force", gen.overwrite, "Replace an existing file");
  generate->add_option("--passphrase-file", gen.passphrase.file,
                       "Read the passphrase from the first line of this file");
  generate->add_flag("--fast-kdf", gen_fast_kdf,
                     "Use Argon2id's minimum cost (local testnets only; weak against guessing)");
  gen.passphrase.confirm = true;

  std::string show_path;
  auto* show = keys->add_subcommand("show", "Print a key file's kind and public key");
  show->add_option("file", show_path, "Key file")->required();

  std::string change_path;
  PassphraseSource old_pass;
  old_pass.prompt = "Current passphrase: ";
  PassphraseSource new_pass;
  new_pass.env = "TAMGA_NEW_PASSPHRASE";
  new_pass.prompt = "New passphrase: ";
  new_pass.confirm = true;
  auto* change =
      keys->add_subcommand("change-passphrase", "Re-seal a key file under a new passphrase");
  change->add_option("file", change_path, "Key file")->required();
  change->add_option("--passphrase-file", old_pass.file, "File holding the current passphrase");
  change->add_option("--new-passphrase-file", new_pass.file, "File holding the new passphrase");

  // hash
  std::string hash_path;
  auto* hash = app.add_subcommand("hash", "Print the SHA-256 of a document file, as anchored");
  hash->add_option("file", hash_path, "Document file")->required()->check(CLI::ExistingFile);

  // testnet
  auto* testnet = app.add_subcommand("testnet", "Local clusters of validators on loopback");
  testnet->require_subcommand(1);
  tamga::node::TestnetInitOptions tn;
  auto* tn_init = testnet->add_subcommand(
      "init", "Write genesis, keys and configurations for a local cluster into a folder");
  tn_init->add_option("dir", tn.dir, "Folder for the testnet")->required();
  tn_init->add_option("--validators", tn.validators, "Number of validators (default 4)");
  tn_init->add_option("--base-port", tn.base_port,
                      "First port; node i uses base+2i (peers) and base+2i+1 (API)");
  tn_init->add_option("--round-timeout-ms", tn.round_timeout_ms, "Consensus round timeout");
  tn_init->add_option("--idle-block-ms", tn.idle_block_ms,
                      "How long an idle leader waits before an empty block");
  tn_init->add_flag("--force", tn.overwrite, "Replace a testnet already in the folder");

  // status
  std::string status_node;
  auto* status_cmd = app.add_subcommand("status", "Ask a node where it is (height, round, peers)");
  status_cmd->add_option("node", status_node, "The node's API, host:port or http://host:port")
      ->required();

  CLI11_PARSE(app, argc, argv);

  tamga::Status status;
  if (*generate) {
    if (gen_fast_kdf) gen.kdf = tamga::KdfParams::Minimum();
    status = tamga::node::KeysGenerate(gen, std::cout);
  } else if (*show) {
    status = tamga::node::KeysShow(show_path, std::cout);
  } else if (*change) {
    status = tamga::node::KeysChangePassphrase(change_path, old_pass, new_pass,
                                               tamga::KdfParams::Moderate(), std::cout);
  } else if (*tn_init) {
    status = tamga::node::TestnetInit(tn, std::cout);
  } else if (*status_cmd) {
    status = NodeStatus(status_node);
  } else if (*hash) {
    auto digest = tamga::Sha256OfFile(hash_path);
    if (!digest.ok()) return Fail(digest.error());
    std::cout << digest->ToHex() << "  " << hash_path << "\n";
  }
  return status.ok() ? 0 : Fail(status);
} catch (const std::exception& e) {
  std::cerr << "tamga: unexpected error: " << e.what() << "\n";
  return 2;
}
