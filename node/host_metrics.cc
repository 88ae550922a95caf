// node/host_metrics.cc

#include "node/host_metrics.h"

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace tamga::node {
namespace {

void Gauge(std::ostringstream& o, const std::string& name, const char* type, const char* help,
           double value) {
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n"
    << name << " " << std::setprecision(15) << value << "\n";
}

// Fields 14 and 15 (utime, stime) and 22 (starttime) of /proc/self/stat, in clock ticks.
// The second field (the command) is in parentheses and may hold spaces, so fields are
// counted from the last ')'.
bool ReadStat(std::uint64_t& utime, std::uint64_t& stime, std::uint64_t& start) {
  std::ifstream f("/proc/self/stat");
  std::string line;
  if (!std::getline(f, line)) return false;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 1));
  std::string field;
  // After ')': field 3 (state) is the first.
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
    if (i == 22) {
      start = std::stoull(field);
      return true;
    }
  }
  return false;
}

// The boot time (btime of /proc/stat), in seconds since the epoch; 0 if unknown.
std::uint64_t BootTime() {
  std::ifstream f("/proc/stat");
  std::string key;
  std::uint64_t value = 0;
  while (f >> key) {
    if (key == "btime" && f >> value) return value;
    f.ignore(1 << 20, '\n');
  }
  return 0;
}

}  // namespace

std::string RenderProcessMetrics() {
  std::ostringstream o;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::uint64_t utime = 0, stime = 0, start = 0;
  if (ticks > 0 && ReadStat(utime, stime, start)) {
    Gauge(o, "process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.",
          static_cast<double>(utime + stime) / ticks);
    if (const std::uint64_t boot = BootTime(); boot != 0) {
      Gauge(o, "process_start_time_seconds", "gauge",
            "Start time of the process since the Unix epoch, in seconds.",
            static_cast<double>(boot) + static_cast<double>(start) / ticks);
    }
  }
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (statm >> size >> resident) {
    Gauge(o, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
          static_cast<double>(size) * page);
    Gauge(o, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
          static_cast<double>(resident) * page);
  }
  std::error_code ec;
  std::size_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++fds;
  }
  if (!ec) {
    // The iterator's own descriptor is among those counted.
    Gauge(o, "process_open_fds", "gauge", "Number of open file descriptors.",
          static_cast<double>(fds > 0 ? fds - 1 : 0));
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    Gauge(o, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
          static_cast<double>(limit.rlim_cur));
  }
  return o.str();
}

std::string RenderStorageMetrics(
    const std::string& data_dir,
    const std::vector<std::pair<std::string, std::uint64_t>>& figures) {
  std::ostringstream o;
  struct statvfs fs {};
  if (statvfs(data_dir.c_str(), &fs) == 0) {
    const double unit = static_cast<double>(fs.f_frsize);
    Gauge(o, "tamga_data_dir_free_bytes", "gauge",
          "Bytes free for the node on the file system of its data directory.",
          static_cast<double>(fs.f_bavail) * unit);
    Gauge(o, "tamga_data_dir_size_bytes", "gauge",
          "Size in bytes of the file system of the node's data directory.",
          static_cast<double>(fs.f_blocks) * unit);
  }
  for (const auto& [name, value] : figures) {
    Gauge(o, "tamga_store_" + name, "gauge",
          "The ledger store's own figure (RocksDB; docs/operations.md, Monitoring).",
          static_cast<double>(value));
  }
  return o.str();
}

std::string RenderLimitMetrics(const NodeConfig& config) {
  std::ostringstream o;
  Gauge(o, "tamga_mempool_capacity", "gauge",
        "Transactions the mempool holds at most ([mempool] transactions_max).",
        static_cast<double>(config.mempool_transactions_max));
  Gauge(o, "tamga_idle_block_seconds", "gauge",
        "The heartbeat: an idle chain commits one empty block this often "
        "([consensus] idle_block_ms).",
        static_cast<double>(config.idle_block_ms) / 1000.0);
  Gauge(o, "tamga_clock_warn_offset_ms", "gauge",
        "The peers' clock offset this node warns about ([clock] warn_offset_ms).",
        static_cast<double>(config.clock_warn_offset_ms));
  return o.str();
}

}  // namespace tamga::node
