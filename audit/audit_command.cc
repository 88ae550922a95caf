// audit/audit_command.cc

#include "audit/audit_command.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

#include "audit/audit.h"
#include "client/genesis_file.h"
#include "common/file_util.h"
#include "contracts/executor.h"

namespace tamga::audit {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void OnStopSignal(int) { g_interrupted.store(true); }

// While this lives, SIGINT and SIGTERM set g_interrupted, once: the handler resets itself,
// so a second Ctrl-C ends the process as usual. A signal the caller ignores (nohup) stays
// ignored. The actions before come back after.
class StopSignals {
 public:
  StopSignals() {
    g_interrupted.store(false);
    Catch(SIGINT, &int_);
    Catch(SIGTERM, &term_);
  }
  ~StopSignals() {
    ::sigaction(SIGINT, &int_, nullptr);
    ::sigaction(SIGTERM, &term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  static void Catch(int signal, struct sigaction* before) {
    ::sigaction(signal, nullptr, before);
    if (before->sa_handler == SIG_IGN) return;
    struct sigaction action {};
    action.sa_handler = OnStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    ::sigaction(signal, &action, nullptr);
  }

  struct sigaction int_ {};
  struct sigaction term_ {};
};

// "1h02m", "3m05s", "12s".
std::string Duration(double seconds) {
  const auto s = static_cast<std::uint64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s % 3600 / 60));
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  }
  return buf;
}

// A fresh folder under the temporary directory.
Result<std::string> TemporaryScratch() {
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) return Status::IoError("no temporary directory: " + ec.message());
  std::string pattern = (base / "tamga-audit-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Status::IoError("cannot create a scratch folder under " + base.string());
  }
  return pattern;
}

}  // namespace

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
  const bool temporary = options.scratch_dir.empty();
  if (temporary) {
    TAMGA_ASSIGN_OR_RETURN(audit.scratch_dir, TemporaryScratch());
  } else {
    audit.scratch_dir = options.scratch_dir;
  }
  const unsigned cores = std::thread::hardware_concurrency();
  audit.threads = options.threads > 0 ? options.threads : (cores > 0 ? cores : 1);
  const auto started = std::chrono::steady_clock::now();
  if (!options.quiet) {
    // One line a second (and one at the end), however fast the blocks go.
    audit.progress_every_blocks = 0;
    audit.progress_interval_ms = 1000;
    audit.on_progress = [&err, started](const AuditProgress& p) {
      const std::uint64_t total = p.head.value();
      const std::uint64_t percent = total == 0 ? 100 : p.height.value() * 100 / total;
      err << "audit: block " << p.height << " of " << p.head << " (" << percent << "%)";
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      const std::uint64_t done = p.height.value() - std::min(p.height, p.resumed_from).value();
      if (seconds >= 1 && done > 0) {
        err << ", " << static_cast<std::uint64_t>(static_cast<double>(done) / seconds)
            << " blocks/s";
        if (p.height < p.head) {
          const double left =
              static_cast<double>(total - p.height.value()) * seconds / static_cast<double>(done);
          err << ", " << Duration(left) << " left";
        }
      }
      if (p.anomalies > 0) err << ", " << p.anomalies << " anomalies";
      err << std::endl;
    };
  }
  if (!options.quiet) {
    err << "audit: scratch folder " << audit.scratch_dir
        << (temporary ? " (removed when done; if the audit is cut, resume with --scratch "
                        "and this folder)"
                      : "")
        << "\n";
  }
  Result<AuditReport> replayed = Status::Internal("not run");
  {
    StopSignals signals;
    audit.interrupted = [] { return g_interrupted.load(); };
    replayed = Replay(genesis, *source, audit);
  }
  // A temporary folder is removed once the audit is done; kept to resume one that was
  // interrupted or failed (a source that stopped answering, a full disk).
  const bool done = replayed.ok() && !replayed->interrupted;
  if (temporary && done) {
    std::error_code ec;
    std::filesystem::remove_all(audit.scratch_dir, ec);
  }
  if (!replayed.ok()) {
    return replayed.error().WithContext("the audit stopped; resume with --scratch " +
                                        audit.scratch_dir);
  }
  const AuditReport& report = *replayed;

  const std::string text = ReportText(report);
  out << text;
  if (report.interrupted) {
    out << "Resume with: --scratch " << audit.scratch_dir << "\n";
  }
  if (!options.report_file.empty()) {
    TAMGA_RETURN_IF_ERROR(WriteFileAtomic(options.report_file, text, {}));
  }
  if (!options.json_file.empty()) {
    TAMGA_RETURN_IF_ERROR(WriteFileAtomic(options.json_file, ReportJson(report), {}));
  }
  if (!options.html_file.empty()) {
    TAMGA_RETURN_IF_ERROR(WriteFileAtomic(options.html_file, ReportHtml(report), {}));
  }
  *exit_code = !report.ok()         ? kAuditExitAnomalies
               : report.interrupted ? kAuditExitInterrupted
                                    : kAuditExitClean;
  return Status::Ok();
}

}  // namespace tamga::audit
