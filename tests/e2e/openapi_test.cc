// tests/e2e/openapi_test.cc
// docs/openapi.json against a real cluster: four tamgad processes commit a certificate of
// origin, its use, an AEO, an MRA, a transit with events and an anchored invoice; then the
// test asks every endpoint for them (and for things that are not there, malformed, too
// large, with the wrong method) and checks each answer against what the file declares for
// its path, method, status and media type, JSON bodies against their schemas. An answer
// whose path, method or status the file does not describe fails the test, and so does an
// operation of the file that the test never got a success from: the file cannot drift
// from the server either way.
//
// Requests go over plain sockets, one connection each (Connection: close), so that the
// test sees the Content-Type and can send what a well-behaved client would not.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "client/genesis_file.h"
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/key_file.h"
#include "common/sha256.h"
#include "contracts/genesis.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/openapi_check.h"
#include "tests/e2e/raw_http.h"
#include "tests/e2e/timestamp_tools.h"
#include "tlog/tiles.h"
#include "tsa/authority.h"
#include "tsa/pki.h"

namespace tamga::testing {
namespace {

using contracts::TxType;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint64_t kDayMs = 86'400'000;

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

Hash32 HashOf(const std::string& text) { return Sha256Of(AsBytes(text)); }

// j[key], or null when j is not an object or lacks it (an answer that failed its check).
json At(const json& j, const std::string& key) {
  return j.is_object() && j.contains(key) ? j[key] : json(nullptr);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// --- Checking answers against the file ----------------------------------------------------

class Probe {
 public:
  Probe(const OpenApi& spec, std::uint16_t port) : spec_(spec), port_(port) {}

  // `method target` (with `body`): checks the answer against what the file declares for
  // `path` (a template of the file, or "" for a request that reaches no operation),
  // expects status `want` (0: any), and returns the JSON body (null if not JSON).
  json Call(const std::string& method, const std::string& target, const std::string& path, int want,
            const std::string& body = "") {
    return Send(method + " " + target, Request(method, target, body), method, path, want);
  }

  // The same for bytes of our own making.
  json Send(const std::string& what, const std::string& request, const std::string& method,
            const std::string& path, int want) {
    auto a = Exchange(port_, request);
    if (!a) {
      ADD_FAILURE() << what << ": no well-formed HTTP answer";
      return nullptr;
    }
    if (want != 0) {
      EXPECT_EQ(a->status, want) << what << " answered " << a->body;
    }
    return Check(what, method, path, *a);
  }

  // Checks `a`; returns the JSON body (null if not JSON), and sets `media` to the Media
  // Type Object the answer matched.
  json Check(const std::string& what, const std::string& method, const std::string& path,
             const Answer& a, const json** media = nullptr) {
    const std::string m = Lower(method);
    const json* response = nullptr;
    if (!path.empty() && !spec_.HasPath(path)) {
      ADD_FAILURE() << "docs/openapi.json lacks the path " << path << " (" << what << ")";
      return nullptr;
    }
    if (!path.empty() && spec_.HasOperation(m, path)) {
      response = spec_.OperationResponse(m, path, a.status);
      if (response == nullptr) {
        ADD_FAILURE() << "docs/openapi.json lacks status " << a.status << " of " << method << " "
                      << path << ", which " << what << " answered: " << a.body;
        return nullptr;
      }
      if (a.status / 100 == 2) succeeded_.insert(m + " " + path);
    } else {
      response = spec_.ServerResponse(a.status);
      if (response == nullptr) {
        ADD_FAILURE() << "docs/openapi.json describes no " << method << " " << path
                      << " and no x-server-responses status " << a.status << ", which " << what
                      << " answered: " << a.body;
        return nullptr;
      }
    }
    if (!response->contains("content") || !(*response)["content"].contains(a.content_type)) {
      ADD_FAILURE() << "docs/openapi.json declares no media type \"" << a.content_type
                    << "\" for status " << a.status << " of " << method << " " << path << " ("
                    << what << ")";
      return nullptr;
    }
    const json& mt = (*response)["content"][a.content_type];
    if (media != nullptr) *media = &mt;
    if (a.content_type != "application/json") return nullptr;
    json body = json::parse(a.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      ADD_FAILURE() << what << ": the body is not JSON: " << a.body;
      return nullptr;
    }
    if (!mt.contains("schema")) {
      ADD_FAILURE() << "docs/openapi.json gives no schema for status " << a.status << " of "
                    << method << " " << path;
    } else if (auto e = spec_.Check(mt["schema"], body)) {
      ADD_FAILURE() << what << " (status " << a.status
                    << "): the body does not match the schema of " << method << " "
                    << (path.empty() ? "x-server-responses" : path) << ": " << *e
                    << "\nbody: " << body.dump();
    }
    return body;
  }

  // Asks for a proof file until the node can build it (503 not_yet_provable meanwhile,
  // each answer checked too).
  json Proof(const std::string& target, const std::string& path) {
    json proof;
    const bool ok = Cluster::WaitFor(
        [&] {
          auto a = Exchange(port_, Request("GET", target));
          if (!a) return false;
          proof = Check("GET " + target, "GET", path, *a);
          return a->status != 503;
        },
        seconds(30));
    EXPECT_TRUE(ok) << target << " stayed not provable";
    EXPECT_TRUE(proof.is_object() && At(proof, "format") == "tamga-proof/1")
        << target << ": " << proof.dump();
    return proof;
  }

  // Every operation of the file answered a success at least once.
  void ExpectEveryOperationSucceeded() const {
    for (const auto& [path, item] : spec_.doc()["paths"].items()) {
      for (const auto& [method, op] : item.items()) {
        EXPECT_TRUE(succeeded_.count(method + " " + path))
            << "the test never got a success from " << method << " " << path;
      }
    }
  }

 private:
  const OpenApi& spec_;
  std::uint16_t port_;
  std::set<std::string> succeeded_;  // "get /v1/status", ...
};

// Whether the body is Prometheus text format 0.0.4: HELP and TYPE comments, then samples
// "name{labels} value" of a family whose TYPE came first. Returns the first bad line.
std::optional<std::string> PrometheusProblem(const std::string& text) {
  std::set<std::string> typed;
  std::istringstream in(text);
  const auto is_name = [](const std::string& n) {
    if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
    return std::all_of(n.begin(), n.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
    });
  };
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                   "untyped"};
      if (!is_name(name) || !kTypes.count(type)) return line;
      typed.insert(name);
      continue;
    }
    const auto space = line.rfind(' ');
    if (space == std::string::npos) return line;
    std::string name = line.substr(0, std::min(space, line.find('{')));
    const std::string value = line.substr(space + 1);
    char* end = nullptr;
    std::strtod(value.c_str(), &end);
    const bool number = (end != nullptr && *end == '\0' && !value.empty()) || value == "+Inf" ||
                        value == "-Inf" || value == "NaN";
    std::string family = name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s(suffix);
      if (!typed.count(family) && family.size() > s.size() &&
          family.compare(family.size() - s.size(), s.size(), s) == 0) {
        family = family.substr(0, family.size() - s.size());
      }
    }
    if (!is_name(name) || !number || !typed.count(family)) return line;
  }
  return std::nullopt;
}

std::uint16_t ApiPort(const Cluster& c, std::size_t i) {
  return static_cast<std::uint16_t>(c.peer_port(i) + 1);
}

TEST(OpenApiTest, EveryAnswerOfAClusterMatchesDocsOpenapiJson) {
  std::string error;
  const auto spec = OpenApi::Load(TAMGA_OPENAPI, &error);
  ASSERT_TRUE(spec.has_value()) << error;

  Cluster c("e2e_openapi", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; }, seconds(30))) << c.Log(0);
  Probe api(*spec, ApiPort(c, 0));

  // Which country each administration is: the accounts endpoint says.
  std::vector<std::string> country;
  for (std::size_t i = 0; i < 2; ++i) {
    json account = api.Call("GET", "/v1/accounts/" + c.admin(i).public_key().ToHex(),
                            "/v1/accounts/{key}", 200);
    ASSERT_TRUE(At(account, "country").is_string()) << account.dump();
    EXPECT_EQ(At(account, "role"), "administrator");
    country.push_back(account["country"].get<std::string>());
  }
  const std::string& x = country[0];  // Exports, departs, certifies the operator.
  const std::string& y = country[1];  // Imports, receives, recognises.

  // An event stream on node 1 for country y, open before anything is committed.
  EventStream events(ApiPort(c, 1), "/v1/events?country=" + y);
  const json* sse_media = nullptr;
  {
    auto head = events.Head(seconds(10));
    ASSERT_TRUE(head.has_value()) << "no answer from the event stream";
    api.Check("GET /v1/events?country=" + y + " (node 1)", "GET", "/v1/events", *head, &sse_media);
    ASSERT_EQ(head->status, 200);
    ASSERT_NE(sse_media, nullptr);
    auto first = events.NextBlock(seconds(10));
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(*first, ": committed records concerning " + y + ", from now on")
        << "the stream opens with a comment";
  }

  // --- Facts to look up ---------------------------------------------------------------
  const SecretKey office_x = SecretKey::Generate();
  const SecretKey office_y = SecretKey::Generate();
  const std::uint64_t now = NowMs();
  const std::string number = x + "/2025/0001";  // A '/' in a certificate number.
  const Hash32 certificate_doc = HashOf("certificate of origin " + number);
  const Hash32 invoice_doc = HashOf("invoice INV-2025-1");
  const Hash32 manifest = HashOf("manifest of transit");
  const Hash32 op = HashOf("operator national id 123456789");
  const std::string mrn = "25" + x + "T0000000001";

  auto submit = [&](const Transaction& tx, const std::string& query, int want) {
    return api.Call("POST", "/v1/transactions" + query, "/v1/transactions", want,
                    json{{"transaction", ToHex(Encode(tx))}}.dump());
  };
  auto committed = [&](const Hash32& id) {
    return Cluster::WaitFor([&] { return c.TxStatus(0, id) == "committed"; }, seconds(30));
  };
  auto expect_accepted = [&](const json& receipt, const std::string& what) {
    EXPECT_EQ(At(receipt, "status"), "committed") << what << ": " << receipt.dump();
    EXPECT_EQ(At(receipt, "result"), "accepted") << what << ": " << receipt.dump();
  };

  // Stage 1: offices on both sides, a certificate, an AEO, an MRA proposal, an invoice.
  contracts::CertificateIssue issue;
  issue.number = number;
  issue.document_hash = certificate_doc;
  issue.exporting_country = x;
  issue.importing_country = y;
  issue.issued_ms = now - kDayMs;
  issue.valid_until_ms = now + 365 * kDayMs;
  issue.hs_headings = {"520100"};
  issue.quantity = 1000;
  issue.unit = "kg";
  const Transaction office_x_tx = c.Tx(
      c.admin(0), TxType::kRegisterOffice,
      Encode(contracts::RegisterOffice{"DEP-1", "Departure office", office_x.public_key()}), 1);
  const Transaction office_y_tx = c.Tx(
      c.admin(1), TxType::kRegisterOffice,
      Encode(contracts::RegisterOffice{"DST-1", "Destination office", office_y.public_key()}), 1);
  const Transaction issue_tx = c.Tx(c.admin(0), TxType::kIssueCertificates,
                                    Encode(contracts::IssueCertificates{{issue}}), 2);
  const Transaction aeo_tx = c.Tx(c.admin(0), TxType::kSetAeoStatus,
                                  Encode(contracts::SetAeoStatus{op, contracts::AeoStatus::kGranted,
                                                                 "AEO-F", 1, now + 365 * kDayMs}),
                                  3);
  const Transaction mra_tx =
      c.Tx(c.admin(0), TxType::kProposeMra,
           Encode(contracts::ProposeMra{y, "MRA-1", {}, 1, now + 365 * kDayMs}), 4);
  const Transaction anchor_tx =
      c.Tx(c.admin(0), TxType::kAnchorDocument,
           Encode(contracts::AnchorDocument{contracts::DocumentType::kInvoice, invoice_doc,
                                            "INV-2025-1"}),
           5);
  for (const Transaction* tx : {&office_x_tx, &office_y_tx, &issue_tx, &aeo_tx, &mra_tx}) {
    json pending = submit(*tx, "", 202);
    EXPECT_EQ(At(pending, "id"), tx->Hash().ToHex());
  }
  // Submit and wait: the answer is the receipt.
  expect_accepted(submit(anchor_tx, "?wait_ms=30000", 200), "anchor-document");
  ASSERT_TRUE(committed(office_y_tx.Hash()));
  for (const Transaction* tx : {&office_x_tx, &office_y_tx, &issue_tx, &aeo_tx, &mra_tx}) {
    json receipt;
    c.TxStatus(0, tx->Hash(), &receipt);
    expect_accepted(receipt, "stage 1");
  }

  // Stage 2: the MRA accepted, a transit opened, the certificate used.
  const Transaction accept_tx =
      c.Tx(c.admin(1), TxType::kAcceptMra, Encode(contracts::AcceptMra{x}), 2);
  const Transaction transit_tx =
      c.Tx(office_x, TxType::kOpenTransit,
           Encode(contracts::OpenTransit{
               mrn, {x, y}, "DST-1", HashOf("guarantee"), manifest, HashOf("seals")}),
           1);
  const Transaction use_tx =
      c.Tx(office_y, TxType::kUseCertificate,
           Encode(contracts::UseCertificate{x, number, HashOf("declaration 25-000001"), 100}), 1);
  submit(accept_tx, "", 202);
  submit(transit_tx, "", 202);
  expect_accepted(submit(use_tx, "?wait_ms=30000", 200), "use-certificate");
  ASSERT_TRUE(committed(accept_tx.Hash()));
  ASSERT_TRUE(committed(transit_tx.Hash()));

  // Stage 3: a seal check and the exit from x.
  const Transaction seal_tx =
      c.Tx(office_x, TxType::kTransitEvent,
           Encode(contracts::TransitEvent{mrn, contracts::TransitEventKind::kSealCheck, true,
                                          HashOf("seal check note")}),
           2);
  const Transaction exit_tx =
      c.Tx(office_x, TxType::kTransitEvent,
           Encode(contracts::TransitEvent{mrn, contracts::TransitEventKind::kExit, true,
                                          HashOf("exit note")}),
           3);
  submit(seal_tx, "", 202);
  expect_accepted(submit(exit_tx, "?wait_ms=30000", 200), "transit-event");

  // A transaction that stays pending: administration 3's sequence 5, with 1 to 4 never sent.
  const Transaction pending_tx =
      c.Tx(c.admin(3), TxType::kRegisterOffice,
           Encode(contracts::RegisterOffice{"PEND-1", "Never proposed",
                                            SecretKey::Generate().public_key()}),
           5);
  EXPECT_EQ(At(submit(pending_tx, "?wait_ms=300", 202), "status"), "pending");

  // --- Submission refusals --------------------------------------------------------------
  api.Call("POST", "/v1/transactions", "/v1/transactions", 400, "not json");
  api.Call("POST", "/v1/transactions", "/v1/transactions", 400, R"({"transaction": "zz"})");
  EXPECT_EQ(
      At(api.Call("POST", "/v1/transactions", "/v1/transactions", 400, R"({"transaction": "00"})"),
         "code"),
      "malformed");
  api.Call("POST", "/v1/transactions?wait_ms=soon", "/v1/transactions", 400,
           json{{"transaction", ToHex(Encode(office_x_tx))}}.dump());
  Transaction forged = c.Tx(
      c.admin(2), TxType::kRegisterOffice,
      Encode(contracts::RegisterOffice{"BAD-1", "Forged", SecretKey::Generate().public_key()}), 1);
  forged.signature.data()[3] ^= 1;
  json refusal = submit(forged, "", 400);
  EXPECT_EQ(At(refusal, "code"), "bad_signature");
  EXPECT_EQ(At(refusal, "id"), forged.Hash().ToHex());
  EXPECT_EQ(At(submit(office_x_tx, "", 409), "code"), "replayed_transaction");
  EXPECT_EQ(At(submit(pending_tx, "", 409), "code"), "duplicate");
  const Transaction same_sequence = c.Tx(
      c.admin(3), TxType::kRegisterOffice,
      Encode(contracts::RegisterOffice{"PEND-2", "Other", SecretKey::Generate().public_key()}), 5);
  EXPECT_EQ(At(submit(same_sequence, "", 409), "code"), "sequence_taken");

  // Many in one request: one result each, in order.
  const Transaction also_pending =
      c.Tx(c.admin(3), TxType::kRegisterOffice,
           Encode(contracts::RegisterOffice{"PEND-3", "Never proposed",
                                            SecretKey::Generate().public_key()}),
           7);
  const std::string batch = "/v1/transactions/batch";
  const json results = At(api.Call("POST", batch, batch, 200,
                                   json{{"transactions",
                                         {ToHex(Encode(also_pending)), ToHex(Encode(forged)), "zz",
                                          ToHex(Encode(pending_tx)), ToHex(Encode(office_x_tx))}}}
                                       .dump()),
                          "results");
  ASSERT_TRUE(results.is_array() && results.size() == 5) << results.dump();
  EXPECT_EQ(At(results[0], "status"), "pending");
  EXPECT_EQ(At(results[0], "id"), also_pending.Hash().ToHex());
  EXPECT_EQ(At(results[1], "code"), "bad_signature");
  EXPECT_EQ(At(results[2], "code"), "malformed");
  EXPECT_EQ(At(results[3], "code"), "duplicate");
  EXPECT_EQ(At(results[4], "code"), "replayed_transaction");
  api.Call("POST", batch, batch, 400, R"({"transactions": []})");
  api.Call("POST", batch, batch, 400, R"({"transaction": "00"})");
  api.Call("POST", batch, batch, 400,
           json{{"transactions", std::vector<std::string>(1001, "00")}}.dump());
  // A body over 2 MiB, announced by its length: refused before it is sent.
  api.Send("POST /v1/transactions with 3 MB",
           "POST /v1/transactions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
           "application/json\r\nContent-Length: 3000000\r\n\r\n",
           "POST", "/v1/transactions", 413);
  // Not HTTP at all.
  api.Send("garbage", "HELLO THERE\r\n\r\n", "GET", "", 400);
  // A path with bytes that are not UTF-8, echoed in the error message: answered (the bytes
  // replaced), and the node stays up (the status call below needs it).
  api.Send("non-UTF-8 path",
           "GET /\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", "GET", "",
           404);

  // --- The genesis and the verifier page ------------------------------------------------
  {
    json genesis = api.Call("GET", "/v1/genesis", "/v1/genesis", 200);
    auto parsed = client::ParseGenesisJson(genesis.dump());
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    EXPECT_EQ(contracts::StartChain(*parsed)->anchor.chain_id, c.chain());
    for (const std::string& target :
         std::vector<std::string>{"/", "/verify", "/verify?sha256=" + std::string(64, 'a')}) {
      auto a = Exchange(ApiPort(c, 0), Request("GET", target));
      ASSERT_TRUE(a.has_value());
      api.Check("GET " + target, "GET", target == "/" ? "/" : "/verify", *a);
      EXPECT_EQ(a->status, 200);
      EXPECT_NE(a->body.find("<script src=\"verify.js\""), std::string::npos);
      // The page runs only its own scripts: no inline script, no other origin.
      EXPECT_EQ(a->csp.rfind("default-src 'none'; script-src 'self';", 0), 0u) << a->csp;
    }
    for (const std::string file : {"style.css", "i18n.js", "verify.js", "verdict.js", "app.js"}) {
      auto a = Exchange(ApiPort(c, 0), Request("GET", "/" + file));
      ASSERT_TRUE(a.has_value());
      api.Check("GET /" + file, "GET", "/{file}", *a);
      EXPECT_EQ(a->status, 200) << file;
      EXPECT_FALSE(a->csp.empty()) << file;
    }
    api.Call("GET", "/nothing.js", "/{file}", 404);
  }

  // --- The time-release indicators -------------------------------------------------------
  {
    // Computed off the node's thread: 202 with the progress until ready.
    auto settle = [&](const std::string& target, const std::string& path) {
      std::optional<Answer> a;
      const auto deadline = std::chrono::steady_clock::now() + seconds(60);
      do {
        if (a) std::this_thread::sleep_for(milliseconds(50));
        a = Exchange(ApiPort(c, 0), Request("GET", target));
        if (!a) break;
        api.Check("GET " + target, "GET", path, *a);
        if (a->status == 202) {
          EXPECT_EQ(a->retry_after, "1") << target;
        }
      } while (a->status == 202 && std::chrono::steady_clock::now() < deadline);
      return a;
    };
    auto figures = settle("/v1/kpis", "/v1/kpis");
    ASSERT_TRUE(figures.has_value());
    ASSERT_EQ(figures->status, 200) << figures->body;
    const json k = json::parse(figures->body, nullptr, false);
    // The certificate of stage 1, used in stage 2; the transit has left x but entered
    // nothing yet, so no crossing is measured.
    EXPECT_EQ(At(At(k, "origin_issue_to_first_use"), "count"), 1) << k.dump();
    EXPECT_EQ(At(k, "crossing_time"), json::object()) << k.dump();
    EXPECT_EQ(At(At(At(At(k, "volumes"), x), "issue-certificates"), "transactions"), 1) << k.dump();
    const json mras = At(k, "mras");
    ASSERT_TRUE(mras.is_array() && mras.size() == 1) << k.dump();
    EXPECT_EQ(At(mras[0], "status"), "in_force");
    EXPECT_EQ(At(mras[0], "id"), "MRA-1");

    auto with_samples = settle("/v1/kpis?samples=true", "/v1/kpis");
    ASSERT_TRUE(with_samples.has_value());
    const json ks = json::parse(with_samples->body, nullptr, false);
    const json uses = At(At(ks, "origin_issue_to_first_use"), "samples");
    ASSERT_TRUE(uses.is_array() && uses.size() == 1) << ks.dump();
    EXPECT_EQ(At(uses[0], "subject"), x + "/" + number) << ks.dump();
    auto csv = settle("/v1/kpis?format=csv&corridor=" + x + "-" + y, "/v1/kpis");
    ASSERT_TRUE(csv.has_value());
    EXPECT_EQ(csv->status, 200);
    EXPECT_EQ(csv->body.rfind("indicator,group,count,median_ms,p90_ms,p99_ms\n", 0), 0u)
        << csv->body;
    EXPECT_NE(csv->body.find("origin_issue_to_first_use,,1,"), std::string::npos) << csv->body;

    // The page: a form, the figures, and no script at all.
    auto page = settle("/kpis?from=&to=&corridor=", "/kpis");
    ASSERT_TRUE(page.has_value());
    EXPECT_EQ(page->status, 200) << page->body;
    EXPECT_NE(page->body.find("<form class=\"period\""), std::string::npos);
    EXPECT_NE(page->body.find("Transit time by corridor"), std::string::npos);
    EXPECT_EQ(page->body.find("<script"), std::string::npos);
    EXPECT_EQ(page->csp.rfind("default-src 'none'; style-src 'unsafe-inline';", 0), 0u)
        << page->csp;

    // Periods that do not parse.
    for (const std::string bad : {"?from=yesterday", "?from=2026-03-02&to=2026-03-01",
                                  "?corridor=kz-kg", "?format=xml", "?samples=yes", "?to=%zz"}) {
      EXPECT_EQ(At(api.Call("GET", "/v1/kpis" + bad, "/v1/kpis", 400), "code"), "bad_request")
          << bad;
    }
    auto bad_page = Exchange(ApiPort(c, 0), Request("GET", "/kpis?to=2026-02-31"));
    ASSERT_TRUE(bad_page.has_value());
    api.Check("GET /kpis?to=2026-02-31", "GET", "/kpis", *bad_page);
    EXPECT_EQ(bad_page->status, 400);
    EXPECT_NE(bad_page->body.find("is not a time"), std::string::npos) << bad_page->body;
  }

  // --- Status, metrics --------------------------------------------------------------------
  json status = api.Call("GET", "/v1/status", "/v1/status", 200);
  ASSERT_TRUE(At(status, "height").is_number_unsigned()) << status.dump();
  EXPECT_EQ(At(status, "validators").size(), 4u);

  // --- What a node joining from a snapshot reads --------------------------------------------
  {
    json snapshot = api.Call("GET", "/v1/snapshot", "/v1/snapshot", 200);
    EXPECT_EQ(At(snapshot, "format"), "tamga-proof/1") << snapshot.dump();
    const std::string root = At(status, "state_root").get<std::string>();
    const std::string nodes = "/v1/state/nodes";
    auto a = Exchange(ApiPort(c, 0), Request("POST", nodes, R"({"hashes": [")" + root + R"("]})"));
    ASSERT_TRUE(a.has_value());
    api.Check("POST " + nodes, "POST", nodes, *a);
    EXPECT_EQ(a->status, 200) << a->body;
    EXPECT_EQ(a->content_type, "application/octet-stream");
    EXPECT_EQ(a->body.size(), 32u + 65u) << "the root is an inner node";
    EXPECT_EQ(ToHex(AsBytes(a->body.substr(0, 32))), root);
    api.Call("POST", nodes, nodes, 404, R"({"hashes": [")" + std::string(64, '0') + R"("]})");
    api.Call("POST", nodes, nodes, 400, R"({"hashes": []})");
    api.Call("POST", nodes, nodes, 400, R"({"hashes": ["zz"]})");
    api.Call("POST", nodes, nodes, 400, "not json");
  }
  {
    auto a = Exchange(ApiPort(c, 0), Request("GET", "/metrics"));
    ASSERT_TRUE(a.has_value());
    api.Check("GET /metrics", "GET", "/metrics", *a);
    EXPECT_EQ(a->status, 200);
    const auto problem = PrometheusProblem(a->body);
    EXPECT_FALSE(problem.has_value()) << "not Prometheus text: " << *problem;
    // The metrics docs/operations.md lists ("Monitoring"), but tamga_clock_offset_ms, absent
    // until measured.
    for (const char* family : {"tamga_height gauge",
                               "tamga_round gauge",
                               "tamga_epoch gauge",
                               "tamga_validators gauge",
                               "tamga_log_size gauge",
                               "tamga_mempool_transactions gauge",
                               "tamga_peers_connected gauge",
                               "tamga_peers_known gauge",
                               "tamga_committed_transactions_total counter",
                               "tamga_commit_latency_seconds histogram",
                               "tamga_transactions_refused_total counter",
                               "tamga_transactions_rejected_total counter",
                               "tamga_records_total counter",
                               "tamga_sync_blocks_total counter",
                               "tamga_sync_target_height gauge",
                               "tamga_vote_refusals_total counter",
                               "tamga_api_connections gauge",
                               "tamga_api_connections_evicted_total counter",
                               "tamga_api_connections_refused_total counter",
                               "tamga_timestamps_total counter"}) {
      EXPECT_NE(a->body.find(std::string("# TYPE ") + family + "\n"), std::string::npos)
          << family << " is missing:\n"
          << a->body;
    }
    EXPECT_NE(a->body.find("tamga_commit_latency_seconds_bucket{le=\"+Inf\"} "), std::string::npos);
    // The forged transaction, sent alone and in the batch.
    EXPECT_NE(a->body.find("tamga_transactions_refused_total{reason=\"bad_signature\"} 2"),
              std::string::npos)
        << a->body;
  }

  // --- Transactions -----------------------------------------------------------------------
  const std::string tx_path = "/v1/transactions/{id}";
  EXPECT_EQ(
      At(api.Call("GET", "/v1/transactions/" + issue_tx.Hash().ToHex(), tx_path, 200), "status"),
      "committed");
  EXPECT_EQ(
      At(api.Call("GET", "/v1/transactions/" + pending_tx.Hash().ToHex(), tx_path, 200), "status"),
      "pending");
  api.Call("GET", "/v1/transactions/" + HashOf("nothing").ToHex(), tx_path, 404);
  api.Call("GET", "/v1/transactions/12345", tx_path, 400);
  const std::string tx_proof = "/v1/transactions/{id}/proof";
  json proof = api.Proof("/v1/transactions/" + issue_tx.Hash().ToHex() + "/proof", tx_proof);
  EXPECT_TRUE(proof.contains("log")) << "a certificate's issue has a log record";
  api.Call("GET", "/v1/transactions/" + pending_tx.Hash().ToHex() + "/proof", tx_proof, 404);
  api.Call("GET", "/v1/transactions/xyz/proof", tx_proof, 400);

  // --- Accounts ---------------------------------------------------------------------------
  const std::string account_path = "/v1/accounts/{key}";
  json office = api.Call("GET", "/v1/accounts/" + office_x.public_key().ToHex(), account_path, 200);
  EXPECT_EQ(At(office, "role"), "office");
  EXPECT_EQ(At(office, "entity"), "DEP-1");
  EXPECT_EQ(At(office, "last_sequence"), 3u);
  json stranger = api.Call("GET", "/v1/accounts/" + SecretKey::Generate().public_key().ToHex(),
                           account_path, 200);
  EXPECT_TRUE(stranger.is_object() && stranger["role"].is_null()) << stranger.dump();
  api.Call("GET", "/v1/accounts/not-a-key", account_path, 400);

  // --- Blocks -----------------------------------------------------------------------------
  const std::string block_path = "/v1/blocks/{height}", raw_path = "/v1/blocks/{height}/raw";
  const std::uint64_t head = status["height"].get<std::uint64_t>();
  api.Call("GET", "/v1/blocks/1", block_path, 200);
  // A height not committed yet, waited for.
  EXPECT_EQ(At(api.Call("GET", "/v1/blocks/" + std::to_string(head + 2) + "?wait_ms=30000",
                        block_path, 200),
               "height"),
            head + 2);
  api.Call("GET", "/v1/blocks/99999999", block_path, 404);
  api.Call("GET", "/v1/blocks/99999999?wait_ms=50", block_path, 404);
  api.Call("GET", "/v1/blocks/first", block_path, 400);
  api.Call("GET", "/v1/blocks/1?wait_ms=later", block_path, 400);
  json raw = api.Call("GET", "/v1/blocks/1/raw", raw_path, 200);
  EXPECT_TRUE(At(raw, "epoch_proof").is_null()) << "no epoch change here: " << raw.dump();
  api.Call("GET", "/v1/blocks/" + std::to_string(head) + "/raw?wait_ms=100", raw_path, 200);
  api.Call("GET", "/v1/blocks/99999999/raw", raw_path, 404);
  api.Call("GET", "/v1/blocks/-1/raw", raw_path, 400);

  // --- Documents: a certificate's, an invoice, a transit's manifest -------------------------
  const std::string doc_path = "/v1/documents/{sha256}", doc_proof = doc_path + "/proof";
  const auto doc = [&](const Hash32& h) { return "/v1/documents/" + h.ToHex(); };
  EXPECT_TRUE(api.Call("GET", doc(certificate_doc), doc_path, 200).contains("certificate"));
  EXPECT_TRUE(api.Call("GET", doc(invoice_doc), doc_path, 200).contains("anchor"));
  EXPECT_TRUE(api.Call("GET", doc(manifest), doc_path, 200).contains("transit"));
  api.Call("GET", doc(HashOf("unknown document")), doc_path, 404);
  api.Call("GET", "/v1/documents/abc", doc_path, 400);
  for (const Hash32& h : {certificate_doc, invoice_doc, manifest}) {
    EXPECT_EQ(At(api.Proof(doc(h) + "/proof", doc_proof), "state").size(), 2u) << h.ToHex();
  }
  api.Call("GET", doc(HashOf("unknown document")) + "/proof", doc_proof, 404);
  api.Call("GET", "/v1/documents/abc/proof", doc_proof, 400);
  // The link for a paper copy: this node's page, named by the Host header the client sent.
  const std::string doc_link = doc_path + "/link";
  json link = api.Call("GET", doc(certificate_doc) + "/link", doc_link, 200);
  EXPECT_EQ(At(link, "link"), "http://127.0.0.1/verify?sha256=" + certificate_doc.ToHex());
  EXPECT_EQ(At(link, "qr_svg").get<std::string>().rfind("<svg", 0), 0u);
  api.Call("GET", doc(HashOf("unknown document")) + "/link", doc_link, 404);
  api.Call("GET", "/v1/documents/abc/link", doc_link, 400);

  // --- Certificates: the number percent-encoded, and plain -------------------------------
  const std::string cert_path = "/v1/certificates/{country}/{number}";
  const std::string cert_proof = cert_path + "/proof";
  std::string encoded = number;
  for (std::size_t p; (p = encoded.find('/')) != std::string::npos;) encoded.replace(p, 1, "%2F");
  json certificate = api.Call("GET", "/v1/certificates/" + x + "/" + encoded, cert_path, 200);
  EXPECT_EQ(At(certificate, "remaining"), 900u) << certificate.dump();
  EXPECT_EQ(At(certificate, "history").size(), 2u) << "issue and use: " << certificate.dump();
  EXPECT_EQ(At(api.Call("GET", "/v1/certificates/" + x + "/" + number, cert_path, 200), "number"),
            number);
  api.Call("GET", "/v1/certificates/" + x + "/NO-SUCH-1", cert_path, 404);
  api.Call("GET", "/v1/certificates/" + Lower(x) + "/" + encoded, cert_path, 400);
  api.Call("GET", "/v1/certificates/" + x + "/A%2", cert_path, 400);
  api.Proof("/v1/certificates/" + x + "/" + encoded + "/proof", cert_proof);
  api.Call("GET", "/v1/certificates/" + x + "/NO-SUCH-1/proof", cert_proof, 404);
  api.Call("GET", "/v1/certificates/x/1/proof", cert_proof, 400);

  // --- AEO recognition ------------------------------------------------------------------------
  const std::string aeo_path = "/v1/aeo/{country}/{operator}", aeo_proof = aeo_path + "/proof";
  const std::string aeo = "/v1/aeo/" + x + "/" + op.ToHex();
  json recognised = api.Call("GET", aeo + "?by=" + y, aeo_path, 200);
  EXPECT_EQ(At(recognised, "recognised"), true) << recognised.dump();
  EXPECT_TRUE(At(recognised, "mra").is_object()) << recognised.dump();
  EXPECT_EQ(At(api.Call("GET", aeo + "?by=" + x, aeo_path, 200), "recognised"), true);
  // At a time before any of it: no AEO record, no MRA.
  json before = api.Call("GET", aeo + "?by=" + y + "&at_ms=1", aeo_path, 200);
  EXPECT_EQ(At(before, "recognised"), false) << before.dump();
  EXPECT_TRUE(before.is_object() && before["aeo"].is_null()) << before.dump();
  api.Call("GET", aeo, aeo_path, 400);
  api.Call("GET", aeo + "?by=" + y + "&at_ms=noon", aeo_path, 400);
  api.Call("GET", aeo + "?by=" + Lower(y), aeo_path, 400);
  api.Call("GET", "/v1/aeo/" + x + "/operator-1?by=" + y, aeo_path, 400);
  EXPECT_EQ(At(api.Proof(aeo + "/proof?by=" + y, aeo_proof), "state").size(), 2u);
  api.Call("GET", aeo + "/proof", aeo_proof, 400);

  // --- Transits -----------------------------------------------------------------------------
  const std::string transit_path = "/v1/transits/{mrn}", transit_proof = transit_path + "/proof";
  json transit = api.Call("GET", "/v1/transits/" + mrn, transit_path, 200);
  EXPECT_EQ(At(transit, "events").size(), 3u) << "opening, seal check, exit: " << transit.dump();
  EXPECT_EQ(At(transit, "steps_done"), 1u) << transit.dump();
  api.Call("GET", "/v1/transits/NO-SUCH-MRN", transit_path, 404);
  api.Call("GET", "/v1/transits/bad%21mrn", transit_path, 400);
  api.Call("GET", "/v1/transits/bad%2", transit_path, 400);
  api.Proof("/v1/transits/" + mrn + "/proof", transit_proof);
  api.Call("GET", "/v1/transits/NO-SUCH-MRN/proof", transit_proof, 404);
  api.Call("GET", "/v1/transits/bad%21mrn/proof", transit_proof, 400);

  // --- What no operation serves ---------------------------------------------------------------
  api.Call("GET", "/v1/nothing", "", 404);
  api.Call("GET", "/v1/accounts/" + office_x.public_key().ToHex() + "/proof", "", 404);
  api.Call("POST", "/v1/status", "/v1/status", 405, "{}");
  api.Call("DELETE", "/v1/transactions/" + issue_tx.Hash().ToHex(), tx_path, 405);
  api.Call("PUT", "/metrics", "/metrics", 405, "{}");
  api.Call("GET", "/v1/events?country=" + Lower(y), "/v1/events", 400);

  // --- Time stamps (RFC 3161) ----------------------------------------------------------------
  {
    // Node 0's administration registers the node's authority, at its next sequence.
    const json account =
        api.Call("GET", "/v1/accounts/" + c.admin(0).public_key().ToHex(), account_path, 200);
    contracts::TimestampAuthority p;
    p.signer = ReadKeyFileInfo(c.NodeDir(0) + "/tsa-signer.key")->public_key;
    p.certificate_hash =
        *tsa::CertificateHash(*ReadFileToString(c.NodeDir(0) + "/tsa.crt", 1 << 20));
    const Transaction reg = c.Tx(c.admin(0), TxType::kSetTimestampAuthority, Encode(p),
                                 At(account, "next_sequence").get<std::uint64_t>());
    ASSERT_EQ(c.Submit(0, reg).first, 202);
    ASSERT_TRUE(Cluster::WaitFor([&] { return c.TxStatus(0, reg.Hash()) == "committed"; }));
    TempDir files("openapi_timestamp");
    const std::string packing = files.File("doc.pdf"), query = files.File("doc.tsq");
    ASSERT_TRUE(WriteFileAtomic(packing, "a packing list", {}).ok());
    ASSERT_TRUE(MakeTimestampQuery(packing, "-sha256 -cert", query));
    const std::string der = *ReadFileToString(query, 1 << 20);
    const std::string ts = "/v1/timestamp";
    const auto post = [&](const std::string& type, const std::string& body) {
      auto a = Exchange(ApiPort(c, 0),
                        "POST /v1/timestamp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                        "close\r\nContent-Type: " +
                            type + "\r\nContent-Length: " + std::to_string(body.size()) +
                            "\r\n\r\n" + body);
      EXPECT_TRUE(a.has_value());
      if (a) api.Check("POST /v1/timestamp (" + type + ")", "POST", ts, *a);
      return a.value_or(Answer{});
    };
    const Answer granted = post("application/timestamp-query", der);
    EXPECT_EQ(granted.status, 200);
    auto token = tsa::ReadResponse(AsBytes(granted.body));
    ASSERT_TRUE(token.ok() && token->granted && token->location) << granted.body;
    const Answer rejected = post("application/timestamp-query", "not DER");
    EXPECT_EQ(rejected.status, 200);
    EXPECT_FALSE(tsa::ReadResponse(AsBytes(rejected.body))->granted);
    EXPECT_EQ(post("application/json", der).status, 400);
    auto certs = Exchange(ApiPort(c, 0), Request("GET", "/v1/timestamp/certs"));
    ASSERT_TRUE(certs.has_value());
    api.Check("GET /v1/timestamp/certs", "GET", "/v1/timestamp/certs", *certs);
    EXPECT_EQ(certs->status, 200);

    const std::string record_path = "/v1/records/{index}";
    const std::string record = "/v1/records/" + std::to_string(token->location->log_index);
    const json r = api.Call("GET", record, record_path, 200);
    EXPECT_EQ(At(At(r, "imprint"), "digest"), Sha256OfFile(packing)->ToHex());
    api.Proof(record + "/proof", record_path + "/proof");
    api.Call("GET", "/v1/records/99999999", record_path, 404);
    api.Call("GET", "/v1/records/first", record_path, 400);
    api.Call("GET", "/v1/records/99999999/proof", record_path + "/proof", 404);
  }

  // --- Consistency of the record log ---------------------------------------------------------
  {
    const std::string cp = "/v1/log/consistency";
    const std::uint64_t size =
        At(api.Call("GET", "/v1/status", "/v1/status", 200), "log_size").get<std::uint64_t>();
    ASSERT_GE(size, 3u);
    const json consistency = api.Call("GET", cp + "?from=1&to=" + std::to_string(size), cp, 200);
    EXPECT_TRUE(At(consistency, "proof").is_array() && !At(consistency, "proof").empty())
        << consistency.dump();
    api.Call("GET", cp + "?from=3&to=2", cp, 400);
    api.Call("GET", cp + "?from=1", cp, 400);
    api.Call("GET", cp + "?from=1&to=x", cp, 400);
    api.Call("GET", cp + "?from=1&to=99999999", cp, 404);
  }

  // --- Checkpoints and tiles (C2SP) ----------------------------------------------------------
  {
    ASSERT_TRUE(Cluster::WaitFor([&] {
      auto a = Exchange(ApiPort(c, 0), Request("GET", "/checkpoint"));
      return a && a->status == 200;
    }));
    api.Call("GET", "/checkpoint", "/checkpoint", 200);
    const json cj = api.Call("GET", "/v1/log/checkpoint", "/v1/log/checkpoint", 200);
    const std::uint64_t n = At(cj, "tree_size").get<std::uint64_t>();
    ASSERT_GE(n, 1u);
    // The level-0 tile and bundle holding the last record.
    const tlog::TileId last{0, (n - 1) / 256, static_cast<std::uint32_t>((n - 1) % 256 + 1), false};
    const std::string tile = "/" + tlog::TilePath(last);
    const std::string bundle = "/" + tlog::TilePath({0, last.index, last.width, true});
    api.Call("GET", tile, "/tile/{level}/{index}", 200);
    api.Call("GET", bundle, "/tile/entries/{index}", 200);
    api.Call("GET", "/tile/0/x999/000", "/tile/{level}/{index}", 404);
    api.Call("GET", "/tile/7/000", "/tile/{level}/{index}", 404);  // 2^64 records and more.
    api.Call("GET", "/tile/63/000.p/1", "/tile/{level}/{index}", 404);
    api.Call("GET", "/tile/entries/0000", "/tile/entries/{index}", 404);
  }

  // --- The events stream: records concerning y, as the file says -------------------------------
  ASSERT_TRUE(sse_media->contains("x-events")) << "the stream's events are not described";
  const json& kinds = (*sse_media)["x-events"];
  std::size_t seen = 0;
  std::set<std::string> types;
  while (seen < 6) {
    auto block = events.NextBlock(seconds(30));
    ASSERT_TRUE(block.has_value()) << "only " << seen << " events came";
    SseEvent e = ParseEvent(*block);
    if (e.event.empty() && e.data.empty()) continue;  // A keep-alive comment.
    ++seen;
    ASSERT_TRUE(kinds.contains(e.event)) << "docs/openapi.json lacks event " << e.event;
    json data = json::parse(e.data, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(data.is_discarded()) << *block;
    if (auto problem = spec->Check(kinds[e.event], data)) {
      ADD_FAILURE() << "event data does not match the schema: " << *problem << "\n" << *block;
    }
    EXPECT_EQ(e.id, At(data, "record").dump()) << *block;
    const json cs = At(data, "countries");
    EXPECT_NE(std::find(cs.begin(), cs.end(), y), cs.end()) << "not about " << y << ": " << *block;
    if (At(data, "type").is_string()) types.insert(data["type"].get<std::string>());
  }
  EXPECT_TRUE(types.count("issue-certificates")) << "the import certificate concerns " << y;

  api.ExpectEveryOperationSucceeded();
}

}  // namespace
}  // namespace tamga::testing
