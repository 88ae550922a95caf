// witness/witness_command.cc

#include "witness/witness_command.h"

#include <csignal>

#include "client/genesis_file.h"
#include "client/passphrase.h"
#include "common/asio.h"  // Before any Boost header (common/asio.h says why).
#include "common/log.h"
#include "contracts/genesis.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"
#include "witness/witness_server.h"

namespace tamga::witness {

int RunWitness(const WitnessOptions& o, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& why) {
    err << "tamga witness: " << why << "\n";
    return 1;
  };
  if (!tlog::ValidKeyName(o.name))
    return fail("--name must be non-empty, with no spaces and no '+'");
  auto key = client::OpenKeyFile(o.key_file, o.passphrase_file);
  if (!key.ok()) return fail(key.error().ToString());
  auto genesis = client::LoadGenesisFile(o.genesis_file);
  if (!genesis.ok()) return fail(genesis.error().ToString());
  auto chain = contracts::StartChain(*genesis);
  if (!chain.ok()) return fail(o.genesis_file + ": " + chain.error().message());
  auto state = WitnessServer::LoadState(o.state_file);
  if (!state.ok()) return fail(state.error().ToString());
  const ValidatorSet& validators = chain->anchor.validators;
  const tlog::WitnessedLog log{tlog::ChainOrigin(chain->anchor.chain_id), validators.validators,
                               validators.QuorumSize(), validators.epoch.value()};
  tlog::Witness witness(o.name, *key, {log}, std::move(state).value());

  boost::asio::io_context io;
  WitnessServer server(io, witness, o.state_file);
  if (Status s = server.LoadLastCosigned(); !s.ok()) return fail(s.ToString());
  if (Status s = server.Listen(o.listen); !s.ok()) return fail(s.ToString());
  if (!o.node.empty()) {
    server.SetLearner([&, anchor = chain->anchor](std::string_view body) {
      auto learned = LearnSigners(anchor, o.node, body);
      if (!learned.ok()) {
        Log(LogLevel::kInfo, "signers_not_learned", {{"why", learned.error().ToString()}});
        return false;
      }
      if (!witness.SetLogKeys(*learned).ok()) return false;
      Log(LogLevel::kInfo, "signers_learned",
          {{"validators", std::to_string(learned->keys.size())},
           {"quorum", std::to_string(learned->quorum)}});
      return true;
    });
  }
  const std::string bound =
      o.listen.substr(0, o.listen.rfind(':') + 1) + std::to_string(server.port());
  out << "tamga witness: " << o.name << " listening on " << bound << "\n" << std::flush;
  Log(LogLevel::kInfo, "witness_started",
      {{"listen", bound},
       {"origin", log.origin},
       {"verifier_key", tlog::FormatCosignatureVerifierKey(witness.verifier())}});
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
}

}  // namespace tamga::witness
