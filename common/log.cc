#include "common/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <vector>

namespace tamga {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

spdlog::level::level_enum ToSpd(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// Text values with spaces or quotes are quoted so that a line still splits on spaces.
void AppendTextValue(std::string& out, std::string_view s) {
  if (s.find_first_of(" \"=") == std::string_view::npos && !s.empty()) {
    out += s;
  } else {
    AppendJsonString(out, s);
  }
}

}  // namespace

bool SetupLogging(LogFormat format, LogLevel level, const std::string& file) {
  std::shared_ptr<spdlog::logger> logger;
  try {
    if (file.empty()) {
      logger = std::make_shared<spdlog::logger>("tamga",
                                                std::make_shared<spdlog::sinks::stderr_sink_mt>());
    } else {
      logger = std::make_shared<spdlog::logger>(
          "tamga", std::make_shared<spdlog::sinks::basic_file_sink_mt>(file));
    }
  } catch (const spdlog::spdlog_ex&) {
    return false;
  }
  if (format == LogFormat::kJson) {
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(ToSpd(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  g_format = format;
  return true;
}

namespace {

void Write(LogLevel level, std::string_view event, const LogField* begin, const LogField* end) {
  const auto lvl = ToSpd(level);
  if (!spdlog::default_logger_raw()->should_log(lvl)) return;
  std::string line;
  if (g_format == LogFormat::kJson) {
    line += "\"event\":";
    AppendJsonString(line, event);
    for (const LogField* f = begin; f != end; ++f) {
      line += ',';
      AppendJsonString(line, f->first);
      line += ':';
      AppendJsonString(line, f->second);
    }
  } else {
    line += event;
    for (const LogField* f = begin; f != end; ++f) {
      line += ' ';
      line += f->first;
      line += '=';
      AppendTextValue(line, f->second);
    }
  }
  spdlog::default_logger_raw()->log(lvl, "{}", line);
}

}  // namespace

void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  Write(level, event, fields.begin(), fields.end());
}

bool LogBudget::Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  const auto now = std::chrono::steady_clock::now();
  if (now - window_start_ >= std::chrono::seconds(1)) {
    window_start_ = now;
    written_ = 0;
  }
  if (written_ >= per_second_) {
    ++suppressed_;
    return false;
  }
  ++written_;
  if (suppressed_ == 0) {
    Write(level, event, fields.begin(), fields.end());
    return true;
  }
  std::vector<LogField> with(fields);
  with.emplace_back("suppressed", std::to_string(suppressed_));
  suppressed_ = 0;
  Write(level, event, with.data(), with.data() + with.size());
  return true;
}

bool ParseLogLevel(std::string_view s, LogLevel& out) {
  if (s == "debug")
    out = LogLevel::kDebug;
  else if (s == "info")
    out = LogLevel::kInfo;
  else if (s == "warn")
    out = LogLevel::kWarn;
  else if (s == "error")
    out = LogLevel::kError;
  else
    return false;
  return true;
}

}  // namespace tamga
