// common/log.h
// Structured log lines for operators: an event name and key=value fields, written through
// spdlog either as text ("commit height=12 round=14 txs=3") or as one JSON object per line
// ({"time":...,"level":"info","event":"commit","height":"12",...}). The fields are the
// ones an operator greps for: height, round, peer, tx.
//
// Thread-safety: spdlog's default logger is thread-safe; SetLogFormat is called once at
// start-up, before other threads log.

#pragma once

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

// Parses "debug", "info", "warn", "error".
bool ParseLogLevel(std::string_view s, LogLevel& out);

}  // namespace tamga
