#include "common/host_port.h"

namespace tamga {

Result<std::pair<std::string, std::uint16_t>> ParseHostPort(std::string_view s) {
  std::string host;
  std::string_view port;
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
      return Status::InvalidArgument("address '" + std::string(s) + "' is not [host]:port");
    }
    host = std::string(s.substr(1, close - 1));
    port = s.substr(close + 2);
  } else {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Status::InvalidArgument("address '" + std::string(s) + "' is not host:port");
    }
    host = std::string(s.substr(0, colon));
    port = s.substr(colon + 1);
  }
  unsigned long value = 0;
  if (port.empty() || port.size() > 5) {
    return Status::InvalidArgument("address '" + std::string(s) + "' has no valid port");
  }
  for (const char c : port) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument("address '" + std::string(s) + "' has no valid port");
    }
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value > 65535) {
    return Status::InvalidArgument("address '" + std::string(s) + "' has a port over 65535");
  }
  return std::make_pair(host, static_cast<std::uint16_t>(value));
}

}  // namespace tamga
