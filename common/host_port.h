// common/host_port.h
// Network addresses as written in configs, genesis files and on the command line:
// "host:port", with an IPv6 host in brackets ("[::1]:26650").
//
// Thread-safety: pure.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace tamga {

// Parses "host:port" (IPv4, IPv6 in brackets, or a name); InvalidArgument otherwise.
Result<std::pair<std::string, std::uint16_t>> ParseHostPort(std::string_view s);

}  // namespace tamga
