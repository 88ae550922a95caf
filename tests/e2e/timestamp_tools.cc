// tests/e2e/timestamp_tools.cc

#include "tests/e2e/timestamp_tools.h"

#include <sys/wait.h>

#include <cstdio>

namespace tamga::testing {

Output Shell(const std::string& command) {
  Output o;
  FILE* f = ::popen((command + " 2>&1").c_str(), "r");
  if (f == nullptr) return o;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) o.text.append(buf, n);
  const int status = ::pclose(f);
  o.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

bool MakeTimestampQuery(const std::string& data, const std::string& flags, const std::string& out) {
  return Shell("openssl ts -query -data " + data + " " + flags + " -out " + out).exit == 0;
}

std::string PostTimestampQuery(const std::string& api, const std::string& query,
                               const std::string& reply, const std::string& content_type) {
  return Shell("curl -s -o " + reply + " -w '%{http_code}' -H 'Content-Type: " + content_type +
               "' --data-binary @" + query + " http://" + api + "/v1/timestamp")
      .text;
}

}  // namespace tamga::testing
