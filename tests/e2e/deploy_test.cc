// tests/e2e/deploy_test.cc
// What an administration deploys around tamgad (docs/operations.md, "Installing", "The
// TLS front"), against real processes: the shipped nginx site (packaging/nginx/tamga.conf) in
// front of a validator, with TLS and HTTP/2, answers as docs/openapi.json says, serves a
// proof that verifies, caches immutable answers and passes event streams through;
// tamgad's [api] trusted_proxies counts each client behind the proxy on its own; and every
// metric the shipped alert rules and dashboard (monitoring/) name is one a node serves.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "common/encoding.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "contracts/model.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/openapi_check.h"
#include "tests/e2e/raw_http.h"
#include "tests/e2e/timestamp_tools.h"
#include "tests/support/temp_dir.h"

namespace tamga::testing {
namespace {

using nlohmann::json;

// The whole file (empty if it cannot be read: the check that follows then says so).
std::string ReadAll(const std::string& path) {
  auto text = ReadFileToString(path, 64 << 20);
  return text.ok() ? *text : std::string();
}

// Replaces the one occurrence of `from` in `text`; false if there is not exactly one (the
// shipped file changed and the test must follow).
bool ReplaceOnce(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) return false;
  text.replace(at, from.size(), to);
  return true;
}

// An answer as curl saw it.
struct CurlAnswer {
  int status = 0;
  std::string http_version;  // "2", "1.1"
  std::string content_type;
  std::map<std::string, std::string> headers;  // Names in lower case.
  std::string body;
};

// Debian's nginx running the shipped site in the foreground, with a test CA's certificate
// for the name tamga.test, in front of the API at `upstream` (host:port).
class NginxFront {
 public:
  NginxFront(const TempDir& dir, const std::string& upstream) : dir_(dir) {
    const std::string prefix = dir_.File("nginx");
    std::filesystem::create_directories(prefix + "/tmp");
    std::filesystem::create_directories(prefix + "/cache");
    // The test CA and the server's certificate (subjectAltName tamga.test).
    const Output certs = Shell(
        "cd " + prefix +
        " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj /CN=tamga-test-ca -keyout ca.key -out ca.pem 2>&1"
        " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=tamga.test "
        "-keyout server.key -out server.csr 2>&1"
        " && printf 'subjectAltName=DNS:tamga.test\\n' > ext.cnf"
        " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile ext.cnf -out server.pem 2>&1");
    EXPECT_EQ(certs.exit, 0) << certs.text;
    https_port_ = Cluster::FreePort();
    http_port_ = Cluster::FreePort();

    std::string site = ReadAll(std::string(TAMGA_SOURCE_DIR) + "/packaging/nginx/tamga.conf");
    const std::pair<std::string, std::string> edits[] = {
        {"server 127.0.0.1:26651;", "server " + upstream + ";"},
        {"proxy_cache_path /var/cache/nginx/tamga ", "proxy_cache_path " + prefix + "/cache "},
        {"    listen 80;\n", "    listen 127.0.0.1:" + std::to_string(http_port_) + ";\n"},
        {"    listen [::]:80;\n", ""},
        {"    listen 443 ssl http2;\n",
         "    listen 127.0.0.1:" + std::to_string(https_port_) + " ssl http2;\n"},
        {"    listen [::]:443 ssl http2;\n", ""},
        {"/etc/tamga/tls/fullchain.pem", prefix + "/server.pem"},
        {"/etc/tamga/tls/privkey.pem", prefix + "/server.key"},
    };
    for (const auto& [from, to] : edits) {
      EXPECT_TRUE(ReplaceOnce(site, from, to))
          << "packaging/nginx/tamga.conf no longer holds \"" << from << "\" once";
    }
    EXPECT_TRUE(WriteFileAtomic(prefix + "/tamga.conf", site, {}).ok());
    const std::string temp = prefix + "/tmp";
    const std::string conf = "daemon off;\nmaster_process off;\nworker_processes 1;\npid " +
                             prefix + "/nginx.pid;\nerror_log " + prefix +
                             "/error.log;\nevents { worker_connections 256; }\nhttp {\n"
                             "  access_log off;\n  default_type application/octet-stream;\n"
                             "  client_body_temp_path " +
                             temp + ";\n  proxy_temp_path " + temp + ";\n  fastcgi_temp_path " +
                             temp + ";\n  uwsgi_temp_path " + temp + ";\n  scgi_temp_path " + temp +
                             ";\n  include " + prefix + "/tamga.conf;\n}\n";
    EXPECT_TRUE(WriteFileAtomic(prefix + "/nginx.conf", conf, {}).ok());
    const Output test = Shell("/usr/sbin/nginx -t -e " + prefix + "/error.log -p " + prefix +
                              " -c " + prefix + "/nginx.conf 2>&1");
    EXPECT_EQ(test.exit, 0) << test.text;
    const Output started =
        Shell("/usr/sbin/nginx -e " + prefix + "/error.log -p " + prefix + " -c " + prefix +
              "/nginx.conf > " + prefix + "/out 2>&1 & echo $!");
    pid_ = std::stol(started.text);
    EXPECT_TRUE(Cluster::WaitFor([&] { return Get("/v1/status").status == 200; }))
        << ReadAll(prefix + "/error.log");
  }
  ~NginxFront() {
    const std::string pid = std::to_string(pid_);
    Shell("kill " + pid + "; for i in $(seq 50); do kill -0 " + pid +
          " 2>/dev/null || break; sleep 0.1; done");
  }

  // curl over TLS (the test CA) to https://tamga.test:PORT`target`; `extra`: more of curl's
  // options (a method, a body).
  CurlAnswer Get(const std::string& target, const std::string& extra = "") const {
    return Curl("https://tamga.test:" + std::to_string(https_port_) + target, extra);
  }
  CurlAnswer PlainHttp(const std::string& target) const {
    return Curl("http://tamga.test:" + std::to_string(http_port_) + target, "");
  }

 private:
  CurlAnswer Curl(const std::string& url, const std::string& extra) const {
    const std::string prefix = dir_.File("nginx");
    const std::string headers = prefix + "/headers", body = prefix + "/body";
    const Output out = Shell("curl -sS --http2 --max-time 10 --cacert " + prefix +
                             "/ca.pem --resolve tamga.test:" + std::to_string(https_port_) +
                             ":127.0.0.1 --resolve tamga.test:" + std::to_string(http_port_) +
                             ":127.0.0.1 -D " + headers + " -o " + body +
                             " -w '%{http_code} %{http_version}' " + extra + " '" + url + "'");
    CurlAnswer a;
    std::istringstream line(out.text);
    line >> a.status >> a.http_version;
    std::istringstream h(ReadAll(headers));
    for (std::string l; std::getline(h, l);) {
      const auto colon = l.find(':');
      if (colon == std::string::npos) continue;
      std::string name = l.substr(0, colon), value = l.substr(colon + 1);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
      while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
      a.headers[name] = value;
    }
    a.content_type = a.headers["content-type"];
    a.body = ReadAll(body);
    return a;
  }

  const TempDir& dir_;
  std::uint16_t https_port_ = 0;
  std::uint16_t http_port_ = 0;
  long pid_ = 0;
};

// Checks `a` against what docs/openapi.json declares for `method path` and its status.
void ExpectConforms(const OpenApi& spec, const std::string& method, const std::string& path,
                    const CurlAnswer& a) {
  const json* response = spec.OperationResponse(method, path, a.status);
  ASSERT_NE(response, nullptr) << method << " " << path << " answered " << a.status
                               << ", which docs/openapi.json lacks: " << a.body;
  ASSERT_TRUE(response->contains("content") && (*response)["content"].contains(a.content_type))
      << method << " " << path << ": no media type " << a.content_type;
  if (a.content_type != "application/json") return;
  const json body = json::parse(a.body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << a.body;
  const json& media = (*response)["content"][a.content_type];
  ASSERT_TRUE(media.contains("schema"));
  const auto problem = spec.Check(media["schema"], body);
  EXPECT_FALSE(problem.has_value()) << method << " " << path << ": " << *problem;
}

TEST(DeployTest, TheShippedNginxSiteServesTheApiOverTlsAndHttp2) {
  if (!std::filesystem::exists("/usr/sbin/nginx"))
    GTEST_SKIP() << "no nginx (scripts/install-deps)";
  std::string error;
  const auto spec = OpenApi::Load(TAMGA_OPENAPI, &error);
  ASSERT_TRUE(spec.has_value()) << error;
  Cluster c("deploy_nginx", 4);
  c.SetConfig(0, "api", "trusted_proxies", "[\"127.0.0.1\"]");
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; }));
  TempDir files("deploy_nginx_files");
  NginxFront front(files, c.api(0));

  // The status, over TLS and HTTP/2, as the API describes it.
  CurlAnswer status = front.Get("/v1/status");
  EXPECT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.http_version, "2");
  EXPECT_NE(status.headers["strict-transport-security"], "");
  ExpectConforms(*spec, "get", "/v1/status", status);
  // Plain HTTP is sent to HTTPS.
  CurlAnswer plain = front.PlainHttp("/v1/status");
  EXPECT_EQ(plain.status, 301);
  EXPECT_EQ(plain.headers["location"].rfind("https://tamga.test", 0), 0u)
      << plain.headers["location"];

  // A document anchored through the front, and its proof fetched through it verifies.
  const std::string invoice = files.File("invoice.txt");
  ASSERT_TRUE(WriteFileAtomic(invoice, "invoice INV-NGINX-1\n", {}).ok());
  const Hash32 digest = *Sha256OfFile(invoice);
  const Transaction tx = c.Tx(
      c.admin(0), contracts::TxType::kAnchorDocument,
      Encode(contracts::AnchorDocument{contracts::DocumentType::kInvoice, digest, "INV-NGINX-1"}),
      1);
  const std::string submit = files.File("submit.json");
  ASSERT_TRUE(WriteFileAtomic(submit, json{{"transaction", ToHex(Encode(tx))}}.dump(), {}).ok());
  CurlAnswer submitted = front.Get(
      "/v1/transactions", "-X POST -H 'Content-Type: application/json' --data-binary @" + submit);
  EXPECT_EQ(submitted.status, 202) << submitted.body;
  ExpectConforms(*spec, "post", "/v1/transactions", submitted);
  CurlAnswer committed;
  ASSERT_TRUE(Cluster::WaitFor([&] {
    committed = front.Get("/v1/transactions/" + tx.Hash().ToHex());
    return committed.status == 200 &&
           json::parse(committed.body, nullptr, false).value("status", "") == "committed";
  })) << committed.body;
  ExpectConforms(*spec, "get", "/v1/transactions/{id}", committed);
  CurlAnswer proof;
  ASSERT_TRUE(Cluster::WaitFor([&] {
    proof = front.Get("/v1/documents/" + digest.ToHex() + "/proof");
    return proof.status == 200;
  })) << proof.body;
  ExpectConforms(*spec, "get", "/v1/documents/{sha256}/proof", proof);
  const std::string proof_file = files.File("invoice.proof.json");
  ASSERT_TRUE(WriteFileAtomic(proof_file, proof.body, {}).ok());
  const Output verified = Shell(std::string(TAMGA_CLI) + " verify " + invoice + " --genesis " +
                                c.GenesisFile() + " --proof " + proof_file);
  EXPECT_EQ(verified.exit, 0) << verified.text;

  // A committed block: cached by the front and marked immutable; the second answer comes
  // from nginx's cache. A block not yet committed is neither.
  CurlAnswer block = front.Get("/v1/blocks/1");
  EXPECT_EQ(block.status, 200) << block.body;
  ExpectConforms(*spec, "get", "/v1/blocks/{height}", block);
  EXPECT_NE(block.headers["cache-control"].find("immutable"), std::string::npos);
  EXPECT_EQ(front.Get("/v1/blocks/1").headers["x-cache-status"], "HIT");
  CurlAnswer future = front.Get("/v1/blocks/99999999");
  EXPECT_EQ(future.status, 404) << future.body;
  EXPECT_EQ(future.headers.count("cache-control"), 0u) << future.headers["cache-control"];
  ExpectConforms(*spec, "get", "/v1/blocks/{height}", future);

  // The checkpoint and the tiles of the record log.
  CurlAnswer checkpoint = front.Get("/checkpoint");
  EXPECT_EQ(checkpoint.status, 200) << checkpoint.body;
  EXPECT_EQ(checkpoint.body.rfind("tamga/", 0), 0u) << checkpoint.body;

  // An event stream passes through unbuffered: the record arrives before the stream ends.
  CurlAnswer events = front.Get("/v1/events?from=0", "-N --max-time 3");
  EXPECT_NE(events.body.find("event: record"), std::string::npos) << events.body;

  // /metrics answers the monitoring host (127.0.0.1 here).
  CurlAnswer metrics = front.Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("tamga_height "), std::string::npos);

  // The verifier page and a request the API refuses pass through unchanged.
  CurlAnswer page = front.Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type.rfind("text/html", 0), 0u) << page.content_type;
  CurlAnswer garbage = front.Get(
      "/v1/transactions", "-X POST -H 'Content-Type: application/json' --data-binary 'nonsense'");
  EXPECT_EQ(garbage.status, 400) << garbage.body;
  ExpectConforms(*spec, "post", "/v1/transactions", garbage);
}

// A raw HTTP/1.1 POST of a body the node refuses as malformed (400), from `source`, with
// X-Forwarded-For `forwarded` if not empty: the status. A rate-limited client gets 429
// before its body is looked at.
int PostGarbage(std::uint16_t port, const char* source, const std::string& forwarded) {
  Socket s(port, std::chrono::milliseconds(5000), source);
  if (!s.connected()) return 0;
  const std::string body = "{}";
  std::string request =
      "POST /v1/transactions HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n";
  if (!forwarded.empty()) request += "X-Forwarded-For: " + forwarded + "\r\n";
  request += "\r\n" + body;
  if (!s.Send(request)) return 0;
  std::string answer;
  while (s.ReadSome(answer) > 0) {
  }
  if (answer.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(answer.substr(9, 3));
}

TEST(DeployTest, ATrustedProxysClientsCountOneByOneAndOthersCannotClaimAnAddress) {
  Cluster c("deploy_proxy", 4);
  // One submission a second per address (a burst of one); 127.0.0.1 is the proxy.
  c.SetConfig(0, "api", "submissions_per_second_per_address", "1");
  c.SetConfig(0, "api", "connections_per_address", "2");
  c.SetConfig(0, "api", "trusted_proxies", "[\"127.0.0.1\"]");
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; }));
  const std::uint16_t port = static_cast<std::uint16_t>(c.peer_port(0) + 1);

  // Through the proxy: each forwarded client has its own allowance.
  EXPECT_EQ(PostGarbage(port, "127.0.0.1", "198.51.100.1"), 400);
  EXPECT_EQ(PostGarbage(port, "127.0.0.1", "198.51.100.1"), 429);
  EXPECT_EQ(PostGarbage(port, "127.0.0.1", "198.51.100.2"), 400);
  // What a client wrote before the proxy's own entry does not count: the last one does.
  EXPECT_EQ(PostGarbage(port, "127.0.0.1", "198.51.100.2, 198.51.100.3"), 400);
  EXPECT_EQ(PostGarbage(port, "127.0.0.1", "198.51.100.3, 198.51.100.1"), 429);
  // A proxied request without a usable header counts as the proxy's own.
  EXPECT_EQ(PostGarbage(port, "127.0.0.1", "not an address"), 400);
  EXPECT_EQ(PostGarbage(port, "127.0.0.1", ""), 429);

  // From an address that is no proxy, the header is ignored: it cannot take another
  // client's allowance, nor make itself a new one.
  EXPECT_EQ(PostGarbage(port, "127.0.0.2", "198.51.100.9"), 400);
  EXPECT_EQ(PostGarbage(port, "127.0.0.2", "198.51.100.10"), 429);

  // The proxy's connections are not held to connections_per_address (2): ten open at once
  // are all served.
  std::vector<std::unique_ptr<Socket>> held;
  for (int i = 0; i < 10; ++i) {
    held.push_back(std::make_unique<Socket>(port, std::chrono::milliseconds(5000), "127.0.0.1"));
    ASSERT_TRUE(held.back()->connected());
  }
  int answered = 0;
  for (auto& s : held) {
    ASSERT_TRUE(s->Send("GET /v1/status HTTP/1.1\r\nHost: t\r\n\r\n"));
    std::string answer;
    while (answer.find("\r\n\r\n") == std::string::npos && s->ReadSome(answer) > 0) {
    }
    if (answer.rfind("HTTP/1.1 200", 0) == 0) ++answered;
  }
  EXPECT_EQ(answered, 10);
}

// Every metric name in `text` (tamga_* and process_*).
std::set<std::string> NamedMetrics(const std::string& text) {
  static const std::regex kName(R"(\b((tamga|process)_[a-z_]+)\b)");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kName);
       it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

TEST(DeployTest, TheShippedAlertRulesAndDashboardNameOnlyMetricsANodeServes) {
  Cluster c("deploy_metrics", 4);
  c.StartAll();
  // The clock offset is reported once a peer's block time was seen.
  std::string metrics;
  ASSERT_TRUE(Cluster::WaitFor(
      [&] {
        auto r = c.Get(0, "/metrics");
        if (!r || r->status != 200) return false;
        metrics = r->body;
        // Linked to the three other validators, and the clock offset measured.
        return metrics.find("\ntamga_clock_offset_ms ") != std::string::npos &&
               metrics.find("\ntamga_validator_peers_connected 3\n") != std::string::npos;
      },
      std::chrono::seconds(30)))
      << metrics;
  // Served: each "# TYPE name type" line; a histogram's series add _bucket, _sum, _count.
  std::set<std::string> served;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string hash, type_word, name, type;
    if (!(words >> hash >> type_word >> name >> type) || hash != "#" || type_word != "TYPE")
      continue;
    served.insert(name);
    if (type == "histogram") {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) served.insert(name + suffix);
    }
  }
  const std::string dir = std::string(TAMGA_SOURCE_DIR) + "/monitoring/";
  for (const char* file : {"tamga-alerts.yml", "grafana-dashboard.json"}) {
    const std::set<std::string> named = NamedMetrics(ReadAll(dir + file));
    EXPECT_GT(named.size(), 10u) << file;
    for (const std::string& name : named) {
      EXPECT_TRUE(served.count(name)) << file << " names " << name << ", which /metrics lacks";
    }
  }
  // The figures an operator watches besides the chain's.
  for (const char* name :
       {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
        "process_max_fds", "process_start_time_seconds", "tamga_data_dir_free_bytes",
        "tamga_store_live_data_bytes", "tamga_store_background_errors",
        "tamga_last_commit_timestamp_seconds", "tamga_mempool_capacity"}) {
    EXPECT_TRUE(served.count(name)) << name;
  }
}

}  // namespace
}  // namespace tamga::testing
