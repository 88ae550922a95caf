// audit/audit_command.cc

#include "audit/audit_command.h"

#include <memory>
#include <thread>

#include "audit/audit.h"
#include "client/genesis_file.h"
#include "common/file_util.h"
#include "contracts/executor.h"

namespace tamga::audit {

Status RunAudit(const AuditCommandOptions& options, std::ostream& out, std::ostream& err,
                int* exit_code) {
  *exit_code = kAuditExitUsage;
  if (options.data_dir.empty() == options.node.empty()) {
    return Status::InvalidArgument("give one of --data-dir DIR and --node URL");
  }
  if (options.genesis_file.empty()) return Status::InvalidArgument("--genesis FILE is required");
  TAMGA_ASSIGN_OR_RETURN(contracts::Genesis genesis, client::LoadGenesisFile(options.genesis_file));
  auto chain = contracts::StartChain(genesis);
  if (!chain.ok()) return chain.error().WithContext(options.genesis_file);

  std::unique_ptr<ledger::Ledger> ledger;
  std::unique_ptr<BlockSource> source;
  if (!options.data_dir.empty()) {
    TAMGA_ASSIGN_OR_RETURN(ledger, OpenDataDirectory(options.data_dir, chain->anchor));
    source = std::make_unique<LedgerSource>(*ledger, options.data_dir);
  } else {
    TAMGA_ASSIGN_OR_RETURN(source, HttpSource::Connect(options.node));
  }

  AuditOptions audit;
  const unsigned cores = std::thread::hardware_concurrency();
  audit.threads = options.threads > 0 ? options.threads : (cores > 0 ? cores : 1);
  if (!options.quiet) {
    // One line a second (and one at the end), however fast the blocks go.
    audit.progress_every_blocks = 0;
    audit.progress_interval_ms = 1000;
    audit.on_progress = [&err](const AuditProgress& p) {
      const std::uint64_t total = p.head.value();
      const std::uint64_t percent = total == 0 ? 100 : p.height.value() * 100 / total;
      err << "audit: block " << p.height << " of " << p.head << " (" << percent << "%)";
      if (p.anomalies > 0) err << ", " << p.anomalies << " anomalies";
      err << std::endl;
    };
  }
  TAMGA_ASSIGN_OR_RETURN(AuditReport report, Replay(genesis, *source, audit));

  const std::string text = ReportText(report);
  out << text;
  if (!options.report_file.empty()) {
    TAMGA_RETURN_IF_ERROR(WriteFileAtomic(options.report_file, text, {}));
  }
  if (!options.json_file.empty()) {
    TAMGA_RETURN_IF_ERROR(WriteFileAtomic(options.json_file, ReportJson(report), {}));
  }
  *exit_code = report.ok() ? kAuditExitClean : kAuditExitAnomalies;
  return Status::Ok();
}

}  // namespace tamga::audit
