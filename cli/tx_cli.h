// cli/tx_cli.h
// The `tamga tx` command tree (CLI11): one subcommand per transaction type. Parsing sets
// `action`, which the caller runs after CLI11 is done.

#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "common/status.h"

namespace tamga::cli {

void AddTxCommands(CLI::App& app, std::function<Status()>& action);

}  // namespace tamga::cli
