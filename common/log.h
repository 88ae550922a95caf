// common/log.h
// Structured log lines for operators: an event name and key=value fields, written through
// spdlog either as text ("commit height=12 round=14 txs=3") or as one JSON object per line
// ({"time":...,"level":"info","event":"commit","height":"12",...}). The fields are the
// ones an operator greps for: height, round, peer, tx.
//
// Thread-safety: spdlog's default logger is thread-safe; SetLogFormat is called once at
// start-up, before other threads log.

#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace tamga {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

// Configures the default logger (stderr, or `file` if not empty). Returns false if the
// file cannot be opened.
bool SetupLogging(LogFormat format, LogLevel level, const std::string& file = "");

using LogField = std::pair<std::string_view, std::string>;
void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

// For lines that strangers can cause as often as they like (a refused connection, a
// refused request): at most `per_second` are written each second, the rest only counted,
// and the next line written carries `suppressed=N`, how many were left out before it. A
// flood of bad input then cannot fill the disk with log lines.
//
// Thread-safety: not thread-safe; one budget per thread (the node's: its io_context's).
class LogBudget {
 public:
  explicit LogBudget(std::uint32_t per_second) : per_second_(per_second) {}
  // Writes the line if the budget allows (true), else counts it (false).
  bool Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

 private:
  std::uint32_t per_second_;
  std::chrono::steady_clock::time_point window_start_{};
  std::uint32_t written_ = 0;
  std::uint64_t suppressed_ = 0;
};

// Parses "debug", "info", "warn", "error".
bool ParseLogLevel(std::string_view s, LogLevel& out);

}  // namespace tamga
