// tests/e2e/timestamp_test.cc
// RFC 3161 time stamps with real processes and the stock tools a trust-service user has:
// `openssl ts -query` makes the request, curl posts it as RFC 3161 section 3.4 says, and
// `openssl ts -verify` checks the token against the testnet's CA. The token's genTime is
// the quorum-signed time of the block that committed the request's imprint, and its
// location extension names the record, which the API serves. Another document, or one
// changed byte, fails verification. Bad requests get rejections with the right failure
// bit, and a flood of requests is answered from a few shared transactions while the chain
// goes on committing.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <set>
#include <sstream>

#include "common/encoding.h"
#include "common/file_util.h"
#include "common/key_file.h"
#include "common/sha256.h"
#include "contracts/model.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/timestamp_tools.h"
#include "tsa/authority.h"
#include "tsa/pki.h"

namespace tamga::testing {
namespace {

using nlohmann::json;

tsa::TokenInfo ReadReply(const std::string& path) {
  auto der = ReadFileToString(path, 1 << 20);
  EXPECT_TRUE(der.ok());
  auto info = tsa::ReadResponse(AsBytes(*der));
  EXPECT_TRUE(info.ok()) << info.error().ToString();
  return info.ok() ? *info : tsa::TokenInfo{};
}

// How `openssl ts -reply -text` prints a genTime: "Dec  3 18:01:02.125 2026 GMT".
std::string OpensslTime(std::uint64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%b %e %H:%M:%S", &tm);
  std::string s = buf;
  if (ms % 1000 != 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03u", static_cast<unsigned>(ms % 1000));
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  return s + " " + std::to_string(tm.tm_year + 1900) + " GMT";
}

// Node i's administration registers the node's time-stamping key and TSA certificate.
void Register(Cluster& c, std::size_t i, std::uint64_t sequence) {
  contracts::TimestampAuthority p;
  p.signer = ReadKeyFileInfo(c.NodeDir(i) + "/tsa-signer.key")->public_key;
  p.certificate_hash = *tsa::CertificateHash(*ReadFileToString(c.NodeDir(i) + "/tsa.crt", 1 << 20));
  const Transaction tx =
      c.Tx(c.admin(i), contracts::TxType::kSetTimestampAuthority, Encode(p), sequence);
  const auto [code, body] = c.Submit(i, tx);
  ASSERT_TRUE(code == 200 || code == 202) << body.dump();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.TxStatus(i, tx.Hash()) == "committed"; }));
}

TEST(Timestamp, StockOpensslVerifiesATokenDatedByItsBlockAndRejectsBadRequests) {
  Cluster c("timestamp", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1 && c.Height(1) >= 1; }));
  TempDir files("timestamp_files");
  const std::string ca = (std::filesystem::path(c.GenesisFile()).parent_path() / "tsa-ca.pem");
  const std::string doc = files.File("coo.pdf");
  ASSERT_TRUE(WriteFileAtomic(doc, "certificate of origin KZ-2026-000123, as a PDF", {}).ok());
  const std::string query = files.File("coo.tsq");
  ASSERT_TRUE(MakeTimestampQuery(doc, "-sha256 -cert", query));

  // Before its administration registers it, the node's TSA says why it cannot stamp.
  const std::string early = files.File("early.tsr");
  ASSERT_EQ(PostTimestampQuery(c.api(0), query, early), "200");
  const tsa::TokenInfo refused = ReadReply(early);
  EXPECT_FALSE(refused.granted);
  EXPECT_EQ(refused.fail_bit, static_cast<int>(tsa::FailInfo::kSystemFailure));
  EXPECT_NE(Shell("openssl ts -reply -in " + early + " -text").text.find("set-timestamp-authority"),
            std::string::npos);

  Register(c, 0, 1);
  const std::string reply = files.File("coo.tsr");
  ASSERT_EQ(PostTimestampQuery(c.api(0), query, reply), "200");
  const auto verified =
      Shell("openssl ts -verify -data " + doc + " -in " + reply + " -CAfile " + ca);
  EXPECT_EQ(verified.exit, 0) << verified.text;
  EXPECT_NE(verified.text.find("Verification: OK"), std::string::npos) << verified.text;

  // genTime is the block's time; the location names the chain, the block and the record.
  const tsa::TokenInfo token = ReadReply(reply);
  ASSERT_TRUE(token.granted);
  ASSERT_TRUE(token.location.has_value());
  EXPECT_EQ(token.location->chain_id, c.chain());
  EXPECT_EQ(token.serial, token.location->log_index);
  auto block = c.Get(0, "/v1/blocks/" + std::to_string(token.location->height));
  ASSERT_TRUE(block && block->status == 200);
  const json b = json::parse(block->body);
  EXPECT_EQ(b["timestamp_ms"].get<std::uint64_t>(), token.gen_time_ms);
  const auto text = Shell("openssl ts -reply -in " + reply + " -text").text;
  EXPECT_NE(text.find("Time stamp: " + OpensslTime(token.gen_time_ms)), std::string::npos) << text;
  EXPECT_NE(text.find("Status: Granted."), std::string::npos) << text;
  EXPECT_NE(text.find("Policy OID: " + std::string(tsa::kTestnetPolicyOid)), std::string::npos)
      << text;
  EXPECT_NE(text.find("Ordering: no"), std::string::npos) << text;
  EXPECT_NE(text.find("TSA: DirName:"), std::string::npos) << text;

  // The record holds the document's SHA-256, and has a proof.
  const std::string sha = Sha256OfFile(doc)->ToHex();
  auto record = c.Get(0, "/v1/records/" + std::to_string(token.location->log_index));
  ASSERT_TRUE(record && record->status == 200);
  const json r = json::parse(record->body);
  EXPECT_EQ(r["type"], "timestamp");
  EXPECT_EQ(r["imprint"]["algorithm"], "sha256");
  EXPECT_EQ(r["imprint"]["digest"], sha);
  EXPECT_EQ(r["height"].get<std::uint64_t>(), token.location->height);
  ASSERT_TRUE(Cluster::WaitFor([&] {
    auto p = c.Get(0, "/v1/records/" + std::to_string(token.location->log_index) + "/proof");
    return p && p->status == 200;
  }));

  // tamga verify shows both views: the RFC 3161 one and the quorum's.
  const std::string verify = std::string(TAMGA_CLI) + " verify --genesis " + c.GenesisFile() +
                             " --node " + c.api(1) + " --tsa-ca " + ca + " --token " + reply;
  const Output both = Shell(verify + " " + doc);
  EXPECT_EQ(both.exit, 0) << both.text;
  EXPECT_NE(both.text.find("VALID: this file existed at"), std::string::npos) << both.text;
  EXPECT_NE(both.text.find("its signature and certificate verify"), std::string::npos) << both.text;
  EXPECT_NE(both.text.find(": the token's genTime"), std::string::npos) << both.text;

  // Another document, or one byte of the token changed, fails.
  const std::string other = files.File("other.pdf");
  ASSERT_TRUE(WriteFileAtomic(other, "certificate of origin KZ-2026-000124", {}).ok());
  const auto wrong =
      Shell("openssl ts -verify -data " + other + " -in " + reply + " -CAfile " + ca);
  EXPECT_NE(wrong.exit, 0);
  EXPECT_EQ(wrong.text.find("Verification: OK"), std::string::npos);
  EXPECT_EQ(Shell(verify + " " + other).exit, 3);
  const std::string der = *ReadFileToString(reply, 1 << 20);
  const Bytes digest = *FromHex(sha);
  const auto at = der.find(std::string(digest.begin(), digest.end()));
  ASSERT_NE(at, std::string::npos);
  for (const std::size_t i : {at + 5, der.size() - 3}) {
    std::string bad = der;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    const std::string altered = files.File("altered.tsr");
    ASSERT_TRUE(WriteFileAtomic(altered, bad, {}).ok());
    const auto v = Shell("openssl ts -verify -data " + doc + " -in " + altered + " -CAfile " + ca);
    EXPECT_NE(v.exit, 0) << "byte " << i;
    EXPECT_EQ(v.text.find("Verification: OK"), std::string::npos) << "byte " << i;
    EXPECT_EQ(Shell(std::string(TAMGA_CLI) + " verify --genesis " + c.GenesisFile() + " --node " +
                    c.api(1) + " --tsa-ca " + ca + " --token " + altered + " " + doc)
                  .exit,
              2)
        << "byte " << i;
  }

  // The chain a verifier needs: the TSA certificate and the CA.
  auto certs = c.Get(0, "/v1/timestamp/certs");
  ASSERT_TRUE(certs && certs->status == 200);
  std::size_t count = 0;
  for (auto p = certs->body.find("BEGIN CERTIFICATE"); p != std::string::npos;
       p = certs->body.find("BEGIN CERTIFICATE", p + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 2u);

  // Bad requests: a rejection with the profile's failure bit, never an error page.
  const auto fail_bit = [&](const std::string& flags) {
    const std::string q = files.File("bad.tsq");
    const std::string a = files.File("bad.tsr");
    std::filesystem::remove(q);
    EXPECT_TRUE(MakeTimestampQuery(doc, flags, q));
    EXPECT_EQ(PostTimestampQuery(c.api(0), q, a), "200");
    return ReadReply(a).fail_bit.value_or(-1);
  };
  EXPECT_EQ(fail_bit("-sha1"), static_cast<int>(tsa::FailInfo::kBadAlg));
  EXPECT_EQ(fail_bit("-sha256 -tspolicy 1.2.3.4"),
            static_cast<int>(tsa::FailInfo::kUnacceptedPolicy));
  const std::string garbage = files.File("garbage.tsq");
  ASSERT_TRUE(WriteFileAtomic(garbage, std::string(5000, 'x'), {}).ok());
  const std::string garbage_reply = files.File("garbage.tsr");
  EXPECT_EQ(PostTimestampQuery(c.api(0), garbage, garbage_reply), "200");
  EXPECT_EQ(ReadReply(garbage_reply).fail_bit, static_cast<int>(tsa::FailInfo::kBadDataFormat));
  EXPECT_EQ(PostTimestampQuery(c.api(0), query, garbage_reply, "application/json"), "400");
  // A node whose administration registered nothing answers no token either.
  EXPECT_EQ(PostTimestampQuery(c.api(1), query, garbage_reply), "200");
  EXPECT_FALSE(ReadReply(garbage_reply).granted);
}

TEST(Timestamp, AFloodIsStampedInSharedTransactionsWhileTheChainGoesOn) {
  Cluster c("timestamp_flood", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(2) >= 1; }));
  Register(c, 2, 1);
  TempDir files("timestamp_flood_files");
  const std::string doc = files.File("invoice.pdf");
  ASSERT_TRUE(WriteFileAtomic(doc, "commercial invoice 2026/77", {}).ok());
  const std::string query = files.File("q.tsq");
  ASSERT_TRUE(MakeTimestampQuery(doc, "-sha512 -cert", query));
  const std::uint64_t before = c.Height(2);
  // 300 requests, 30 at a time, each answered with its own token.
  constexpr int kRequests = 300;
  std::ostringstream cmd;
  cmd << "curl -s -Z --parallel-max 30 -H 'Content-Type: application/timestamp-query'"
      << " --data-binary @" << query << " -w '%{http_code}\\n'";
  for (int i = 0; i < kRequests; ++i) {
    cmd << " -o " << files.File("r" + std::to_string(i) + ".tsr") << " http://" << c.api(2)
        << "/v1/timestamp";
  }
  const Output flood = Shell(cmd.str());
  ASSERT_EQ(flood.exit, 0) << flood.text.substr(0, 2000);
  std::size_t ok = 0;
  std::istringstream codes(flood.text);
  for (std::string line; std::getline(codes, line);) ok += line == "200" ? 1 : 0;
  EXPECT_EQ(ok, static_cast<std::size_t>(kRequests)) << flood.text.substr(0, 2000);
  std::set<std::uint64_t> records, heights;
  std::set<std::string> transactions;
  for (int i = 0; i < kRequests; ++i) {
    const tsa::TokenInfo t = ReadReply(files.File("r" + std::to_string(i) + ".tsr"));
    ASSERT_TRUE(t.granted) << i;
    ASSERT_TRUE(t.location.has_value());
    records.insert(t.location->log_index);
    heights.insert(t.location->height);
  }
  EXPECT_EQ(records.size(), static_cast<std::size_t>(kRequests));  // One record each.
  for (const std::uint64_t index : records) {
    auto r = c.Get(2, "/v1/records/" + std::to_string(index));
    ASSERT_TRUE(r && r->status == 200);
    transactions.insert(json::parse(r->body)["transaction"].get<std::string>());
  }
  std::printf("%d requests: %zu tokens in %zu transactions in %zu blocks\n", kRequests,
              records.size(), transactions.size(), heights.size());
  // Requests that arrived together shared a transaction.
  EXPECT_LT(transactions.size(), static_cast<std::size_t>(kRequests) / 5)
      << transactions.size() << " transactions in " << heights.size() << " blocks";
  // One of them verifies with the stock tool; the chain went on.
  const std::string ca = (std::filesystem::path(c.GenesisFile()).parent_path() / "tsa-ca.pem");
  const auto v =
      Shell("openssl ts -verify -data " + doc + " -in " + files.File("r7.tsr") + " -CAfile " + ca);
  EXPECT_NE(v.text.find("Verification: OK"), std::string::npos) << v.text;
  EXPECT_TRUE(Cluster::WaitFor([&] { return c.Height(0) > before + 3; }));
}

}  // namespace
}  // namespace tamga::testing
