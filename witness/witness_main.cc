// tamga-witness: a C2SP tlog-witness for a Tamga chain's record log, run by a party
// outside the validator set (a regional secretariat, an international organisation) so
// that nobody can show two different histories of the log:
//
//   tamga-witness --name NAME --key KEY --genesis G --state FILE --listen HOST:PORT
//
// It cosigns a checkpoint (Ed25519 cosignature, C2SP tlog-cosignature) only when a quorum
// of the genesis' validators signed it and it extends, by a consistency proof, the last
// checkpoint this witness cosigned; its record of that checkpoint lives in --state, written
// before each cosignature leaves. Its key is an Ed25519 key file (`tamga keys generate`).
// Exit status: 0 after SIGTERM or SIGINT, 1 for a start-up error, 3 if the state could not
// be written.

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "client/genesis_file.h"
#include "client/passphrase.h"
#include "common/asio.h"
#include "common/log.h"
#include "contracts/genesis.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"
#include "witness/witness_server.h"

int main(int argc, char** argv) try {
  CLI::App app{"tamga-witness: a witness of a Tamga chain's record log (C2SP tlog-witness)"};
  std::string name, key_file, passphrase_file, genesis_file, state_file, listen;
  app.add_option("--name", name, "The witness's key name, a schema-less URL (witness.example/w1)")
      ->required();
  app.add_option("--key", key_file, "The witness's Ed25519 key file")->required();
  app.add_option("--passphrase-file", passphrase_file, "The key file's passphrase, first line");
  app.add_option("--genesis", genesis_file, "The genesis file of the chain to witness")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--state", state_file, "The witness's record of what it cosigned")->required();
  app.add_option("--listen", listen, "Where to serve (host:port)")->required();
  std::string node;
  app.add_option("--node", node,
                 "A node of the chain (host:port), to learn new validator sets from proofs "
                 "verified from the genesis on; without it, only the genesis' validators");
  CLI11_PARSE(app, argc, argv);
  tamga::SetupLogging(tamga::LogFormat::kText, tamga::LogLevel::kInfo);

  if (!tamga::tlog::ValidKeyName(name)) {
    std::cerr << "tamga-witness: --name must be non-empty, with no spaces and no '+'\n";
    return 1;
  }
  auto key = tamga::client::OpenKeyFile(key_file, passphrase_file);
  if (!key.ok()) {
    std::cerr << "tamga-witness: " << key.error().ToString() << "\n";
    return 1;
  }
  auto genesis = tamga::client::LoadGenesisFile(genesis_file);
  if (!genesis.ok()) {
    std::cerr << "tamga-witness: " << genesis.error().ToString() << "\n";
    return 1;
  }
  auto chain = tamga::contracts::StartChain(*genesis);
  if (!chain.ok()) {
    std::cerr << "tamga-witness: " << genesis_file << ": " << chain.error().message() << "\n";
    return 1;
  }
  auto state = tamga::witness::WitnessServer::LoadState(state_file);
  if (!state.ok()) {
    std::cerr << "tamga-witness: " << state.error().ToString() << "\n";
    return 1;
  }
  const auto& validators = chain->anchor.validators;
  tamga::tlog::WitnessedLog log{tamga::tlog::ChainOrigin(chain->anchor.chain_id),
                                validators.validators, validators.QuorumSize()};
  tamga::tlog::Witness witness(name, *key, {log}, std::move(state).value());

  boost::asio::io_context io;
  tamga::witness::WitnessServer server(io, witness, state_file);
  if (!node.empty()) {
    server.SetLearner([&, anchor = chain->anchor](std::string_view body) {
      auto learned = tamga::witness::LearnSigners(anchor, node, body);
      if (!learned.ok()) {
        tamga::Log(tamga::LogLevel::kInfo, "signers_not_learned",
                   {{"why", learned.error().ToString()}});
        return false;
      }
      if (!witness.SetLogKeys(*learned).ok()) return false;
      tamga::Log(tamga::LogLevel::kInfo, "signers_learned",
                 {{"validators", std::to_string(learned->keys.size())},
                  {"quorum", std::to_string(learned->quorum)}});
      return true;
    });
  }
  if (auto s = server.Listen(listen); !s.ok()) {
    std::cerr << "tamga-witness: " << s.ToString() << "\n";
    return 1;
  }
  const std::string bound = listen.substr(0, listen.rfind(':') + 1) + std::to_string(server.port());
  std::cout << "tamga-witness: " << name << " listening on " << bound << "\n" << std::flush;
  tamga::Log(tamga::LogLevel::kInfo, "witness_started",
             {{"listen", bound},
              {"origin", log.origin},
              {"verifier_key", tamga::tlog::FormatCosignatureVerifierKey(witness.verifier())}});
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  bool stopped_by_signal = false;
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    stopped_by_signal = true;
    server.Stop();
    io.stop();
  });
  io.run();
  return stopped_by_signal ? 0 : 3;
} catch (const std::exception& e) {
  std::cerr << "tamga-witness: " << e.what() << "\n";
  return 1;
}
