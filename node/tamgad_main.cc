// tamgad: the validator daemon. One process per administration's validator:
//
//   tamgad --config FILE
//
// Reads the TOML configuration (node/config.h, docs/operations.md), opens the data
// directory (locked: a second tamgad on it is refused), joins the other validators and runs
// until SIGTERM or SIGINT, then stops cleanly. A SIGKILL loses nothing committed: every
// committed block was synced before it counted. Exit status: 0 after a clean stop, 1 for a
// configuration or start-up error, 3 if the node stopped itself (a failed write, or a
// result that differs from a quorum's); the log says why.

#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <utility>

#include "common/asio.h"
#include "common/log.h"
#include "node/api.h"
#include "node/config.h"
#include "node/node.h"

int main(int argc, char** argv) try {
  CLI::App app{"tamgad: the Tamga validator daemon"};
  std::string config_path;
  app.add_option("--config", config_path, "The node's TOML configuration file")->required();
  std::optional<std::uint64_t> resume_round;
  app.add_option("--resume-after-data-loss", resume_round,
                 "After the safety data was lost: sign nothing for rounds up to ROUND "
                 "(docs/operations.md)");
  CLI11_PARSE(app, argc, argv);

  auto config = tamga::node::LoadConfig(config_path);
  if (!config.ok()) {
    std::cerr << "tamgad: " << config.error().message() << "\n";
    return 1;
  }
  if (!tamga::SetupLogging(config->log_format, config->log_level, config->log_file)) {
    std::cerr << "tamgad: cannot open log file " << config->log_file << "\n";
    return 1;
  }

  // Large buffers (a peer's frame, a block's batch) straight from mmap and back to the system
  // when freed: with glibc's default the threshold rises after the first large free, and a
  // flood of large frames would leave the heap tens of MiB larger for good.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);

  boost::asio::io_context io(1);
  auto node = tamga::node::Node::Open(*config, io, resume_round);
  if (!node.ok()) {
    tamga::Log(tamga::LogLevel::kError, "start_failed", {{"reason", node.error().ToString()}});
    std::cerr << "tamgad: " << node.error().ToString() << "\n";
    return 1;
  }
  std::unique_ptr<tamga::node::ApiServer> api;
  if (!config->api_listen.empty()) {
    api = std::make_unique<tamga::node::ApiServer>(io, **node);
    if (auto s = api->Listen(config->api_listen); !s.ok()) {
      std::cerr << "tamgad: " << s.ToString() << "\n";
      return 1;
    }
  }
  if (auto s = (*node)->Start(); !s.ok()) {
    std::cerr << "tamgad: " << s.ToString() << "\n";
    return 1;
  }
  if (api) tamga::Log(tamga::LogLevel::kInfo, "api", {{"listen", config->api_listen}});

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    tamga::Log(tamga::LogLevel::kInfo, "stopping", {{"signal", std::to_string(signal)}});
    if (api) api->Stop();
    (*node)->Stop();
    io.stop();
  });
  io.run();
  const bool fatal = (*node)->fatal().has_value();
  if (api) api->Stop();
  (*node)->Stop();
  if (fatal) {
    // A write failed (or the node found it must not go on): what is on disk is unknown, so
    // nothing more is written or closed (RocksDB would try to sync its log again), exactly
    // as a crash; the next start recovers from what the disk kept.
    tamga::Log(tamga::LogLevel::kInfo, "stopped", {{"clean", "no"}});
    std::fflush(nullptr);
    std::_Exit(3);
  }
  node->reset();  // Closes the ledger before the io_context's handlers are destroyed.
  tamga::Log(tamga::LogLevel::kInfo, "stopped", {{"clean", "yes"}});
  return 0;
} catch (const std::exception& e) {
  std::cerr << "tamgad: unexpected error: " << e.what() << "\n";
  return 2;
}
