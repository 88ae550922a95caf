// node/host_metrics.h
// The /metrics lines about the process and its machine rather than the chain: Prometheus'
// standard process figures (CPU seconds, resident and virtual memory, open and allowed
// file descriptors, start time), the free and total bytes of the file system holding the
// data directory, the ledger store's own figures (RocksDB), and the limits an alert rule
// compares with (mempool capacity, heartbeat, clock bound), so that the shipped rules
// (monitoring/) need no number of their own.
//
// Thread-safety: free functions; they read /proc and the file system on the caller's thread.

#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "node/config.h"

namespace tamga::node {

// process_* from /proc/self (Linux); a figure that cannot be read is left out.
std::string RenderProcessMetrics();

// tamga_data_dir_free_bytes and tamga_data_dir_size_bytes of the file system `data_dir` is
// on (left out if it cannot be read), and tamga_store_<name> for each of the store's figures.
std::string RenderStorageMetrics(const std::string& data_dir,
                                 const std::vector<std::pair<std::string, std::uint64_t>>& figures);

// tamga_mempool_capacity, tamga_idle_block_seconds and tamga_clock_warn_offset_ms.
std::string RenderLimitMetrics(const NodeConfig& config);

}  // namespace tamga::node
