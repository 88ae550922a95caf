// tests/e2e/timestamp_tools.h
// The stock tools of a time-stamp user, for the end-to-end tests: a shell command's output,
// `openssl ts -query`, and curl posting a request as RFC 3161 section 3.4 says.

#pragma once

#include <string>

#include "common/bytes.h"

namespace tamga::testing {

struct Output {
  int exit = -1;
  std::string text;  // stdout and stderr.
};
Output Shell(const std::string& command);

// `openssl ts -query -data <data> <flags> -out <out>`; false if it failed.
bool MakeTimestampQuery(const std::string& data, const std::string& flags, const std::string& out);

// POSTs the file `query` to http://<api>/v1/timestamp; the answer's body goes to `reply`.
// Returns the HTTP status as curl prints it ("200").
std::string PostTimestampQuery(const std::string& api, const std::string& query,
                               const std::string& reply,
                               const std::string& content_type = "application/timestamp-query");

}  // namespace tamga::testing
