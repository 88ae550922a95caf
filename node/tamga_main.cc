// tamga: the command line for operators, issuers, traders and auditors.
// Today it manages key files and hashes documents; later issues add genesis, transactions,
// verification and audit replay (see README.md).

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "common/sha256.h"
#include "node/keys_command.h"
#include "node/testnet_command.h"

namespace {

int Fail(const tamga::Status& s) {
  std::cerr << "tamga: " << s.ToString() << "\n";
  return 1;
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
  generate->add_flag("--plain", gen.plain, "Store the key unencrypted (tests and local testnets only)");
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
  auto* change = keys->add_subcommand("change-passphrase", "Re-seal a key file under a new passphrase");
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
