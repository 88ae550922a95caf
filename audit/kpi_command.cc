// audit/kpi_command.cc

#include "audit/kpi_command.h"

#include <chrono>

#include "audit/block_source.h"
#include "audit/kpi.h"
#include "client/genesis_file.h"
#include "common/file_util.h"
#include "contracts/genesis.h"

namespace tamga::audit {

Status RunKpi(const KpiCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.data_dir.empty()) return Status::InvalidArgument("--data-dir DIR is required");
  if (options.genesis_file.empty()) return Status::InvalidArgument("--genesis FILE is required");
  if (options.format != "text" && options.format != "csv" && options.format != "json") {
    return Status::InvalidArgument("--format is text, csv or json, not '" + options.format + "'");
  }
  KpiQuery query;
  if (!options.from.empty()) {
    TAMGA_ASSIGN_OR_RETURN(query.from_ms, ParseKpiTime(options.from));
  }
  if (!options.to.empty()) {
    TAMGA_ASSIGN_OR_RETURN(query.to_ms, ParseKpiTime(options.to));
  }
  query.corridor = options.corridor;
  TAMGA_ASSIGN_OR_RETURN(contracts::Genesis genesis, client::LoadGenesisFile(options.genesis_file));
  auto chain = contracts::StartChain(genesis);
  if (!chain.ok()) return chain.error().WithContext(options.genesis_file);
  TAMGA_ASSIGN_OR_RETURN(auto ledger, OpenDataDirectory(options.data_dir, chain->anchor));

  using Clock = std::chrono::steady_clock;
  Clock::time_point last = Clock::now();
  auto progress = [&](const KpiProgress& p) {
    if (options.quiet) return;
    const Clock::time_point now = Clock::now();
    if (p.height != p.head && now - last < std::chrono::seconds(2)) return;
    last = now;
    err << "kpi: block " << p.height.value() << " of " << p.head.value() << " ("
        << (p.head.value() == 0 ? 100 : 100 * p.height.value() / p.head.value()) << "%)\n";
  };
  TAMGA_ASSIGN_OR_RETURN(KpiReport report, ComputeKpis(*ledger, query, progress));
  if (!options.html_file.empty()) {
    TAMGA_RETURN_IF_ERROR(WriteFileAtomic(options.html_file, KpiHtml(report), {}));
  }
  if (options.format == "csv") {
    out << KpiCsv(report);
  } else if (options.format == "json") {
    out << KpiJson(report, options.samples);
  } else {
    out << KpiText(report);
  }
  return Status::Ok();
}

}  // namespace tamga::audit
