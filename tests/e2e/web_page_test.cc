// tests/e2e/web_page_test.cc
// The verifier page (web/) in real headless Chromium against a real cluster of four
// tamgad processes: certificates issued, revoked and used up through the API; the page,
// served by a node, verifies them by file and by link in each of its four languages and
// on a phone-sized screen; then, with every node stopped, the same page opened from disk
// verifies a saved proof file and refuses a tampered one. Chromium is driven by
// tests/web/browser.js; the screenshots of the verdicts are kept in the build folder
// (web-screenshots/).

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/file_util.h"
#include "common/sha256.h"
#include "contracts/model.h"
#include "tests/e2e/cluster.h"
#include "tests/support/temp_dir.h"

namespace tamga::testing {
namespace {

using contracts::TxType;
using nlohmann::json;
using std::chrono::seconds;

constexpr std::uint64_t kDayMs = 86'400'000;

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Files to choose, in order: [[selector, path], ...] (a JSON array, so the order holds).
json Files(const std::vector<std::pair<std::string, std::string>>& files) {
  json out = json::array();
  for (const auto& [selector, path] : files) out.push_back(json::array({selector, path}));
  return out;
}

// Runs the browser scenario `steps`; the driver's output, and whether it passed.
std::pair<bool, std::string> RunBrowser(const TempDir& dir, const std::string& name,
                                        const json& steps) {
  const json scenario = {
      {"chromium", "/usr/bin/chromium"}, {"screenshots", TAMGA_SCREENSHOTS}, {"steps", steps}};
  const std::string file = dir.File(name + ".json");
  EXPECT_TRUE(WriteFileAtomic(file, scenario.dump(1), {}).ok());
  const std::string out = dir.File(name + ".out");
  const std::string command = std::string(TAMGA_NODE) + " " + TAMGA_SOURCE_DIR +
                              "/tests/web/browser.js " + file + " > " + out + " 2>&1";
  const int rc = std::system(command.c_str());
  auto text = ReadFileToString(out, 1 << 20);
  return {rc == 0, text.ok() ? *text : std::string("(no output)")};
}

TEST(WebPage, VerifiesByFileByLinkAndOfflineInFourLanguages) {
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
      << "Chromium is missing: scripts/install-deps installs it";
  Cluster c("e2e_web", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1; }, seconds(30))) << c.Log(0);
  const json genesis = json::parse(ReadFileToString(c.GenesisFile(), 1 << 20).value());
  const std::string x = genesis["administrations"][0]["country"];  // Exports.
  const std::string y = genesis["administrations"][1]["country"];  // Imports.

  // Three certificate documents, as a trader would hold them.
  TempDir files("e2e_web_files");
  const std::uint64_t now = NowMs();
  struct Doc {
    std::string number, file;
    std::uint64_t quantity;
    Hash32 hash;
  };
  std::vector<Doc> docs = {{x + "-2026-0001", files.File("certificate-valid.pdf"), 240'000, {}},
                           {x + "-2026-0002", files.File("certificate-revoked.pdf"), 1'000, {}},
                           {x + "-2026-0003", files.File("certificate-used.pdf"), 100, {}}};
  contracts::IssueCertificates batch;
  for (Doc& d : docs) {
    const std::string body = "%PDF-1.4\n% Certificate of origin " + d.number + "\n";
    ASSERT_TRUE(WriteFileAtomic(d.file, body, {}).ok());
    d.hash = Sha256Of(AsBytes(body));
    contracts::CertificateIssue issue;
    issue.number = d.number;
    issue.document_hash = d.hash;
    issue.exporting_country = x;
    issue.importing_country = y;
    issue.issued_ms = now - kDayMs;
    issue.valid_until_ms = now + 180 * kDayMs;
    issue.hs_headings = {"100199"};
    issue.quantity = d.quantity;
    issue.unit = "kg";
    batch.certificates.push_back(issue);
  }
  const SecretKey office = SecretKey::Generate();
  auto submit = [&](const Transaction& tx) {
    const auto [status, body] = c.Submit(0, tx);
    ASSERT_TRUE(status == 202 || status == 200) << status << " " << body.dump();
    ASSERT_TRUE(
        Cluster::WaitFor([&] { return c.TxStatus(0, tx.Hash()) == "committed"; }, seconds(30)));
  };
  submit(c.Tx(c.admin(1), TxType::kRegisterOffice,
              Encode(contracts::RegisterOffice{"IMP-1", "Import office", office.public_key()}), 1));
  submit(c.Tx(c.admin(0), TxType::kIssueCertificates, Encode(batch), 1));
  submit(c.Tx(c.admin(0), TxType::kRevokeCertificate,
              Encode(contracts::RevokeCertificate{docs[1].number, 0}), 2));
  submit(c.Tx(office, TxType::kUseCertificate,
              Encode(contracts::UseCertificate{x, docs[2].number, Sha256Of(AsBytes("D-1")), 100}),
              1));

  // An AEO of x, recognised by y under an MRA (not by the third country), and a transit.
  const SecretKey departure = SecretKey::Generate();
  const Hash32 op = Sha256Of(AsBytes("700101300123"));
  const std::string z = genesis["administrations"][2]["country"];
  const std::string mrn = "26" + x + "T0000000007";
  submit(c.Tx(
      c.admin(0), TxType::kRegisterOffice,
      Encode(contracts::RegisterOffice{"DEP-1", "Departure office", departure.public_key()}), 3));
  submit(c.Tx(c.admin(0), TxType::kSetAeoStatus,
              Encode(contracts::SetAeoStatus{op, contracts::AeoStatus::kGranted, "AEO-F", 1,
                                             now + 365 * kDayMs}),
              4));
  submit(c.Tx(c.admin(0), TxType::kProposeMra,
              Encode(contracts::ProposeMra{y, "MRA-" + x + "-" + y, {}, 1, now + 365 * kDayMs}),
              5));
  submit(c.Tx(c.admin(1), TxType::kAcceptMra, Encode(contracts::AcceptMra{x}), 2));
  submit(c.Tx(departure, TxType::kOpenTransit,
              Encode(contracts::OpenTransit{mrn,
                                            {x, y},
                                            "IMP-1",
                                            Sha256Of(AsBytes("guarantee")),
                                            Sha256Of(AsBytes("manifest")),
                                            Sha256Of(AsBytes("seals"))}),
              1));
  // The node's own answer (the rules in C++) that the page (in JavaScript) must agree with.
  auto recognised_by = [&](const std::string& by) {
    auto r = c.Get(0, "/v1/aeo/" + x + "/" + op.ToHex() + "?by=" + by);
    EXPECT_TRUE(r && r->status == 200);
    return r ? json::parse(r->body).value("recognised", false) : false;
  };
  ASSERT_TRUE(recognised_by(y));
  ASSERT_FALSE(recognised_by(z));

  // The valid certificate's proof, saved as a trader would, and a tampered copy: the
  // certificate's state value changed (more goods), so its path misses the signed root.
  std::string proof;
  ASSERT_TRUE(Cluster::WaitFor([&] {
    auto r = c.Get(0, "/v1/documents/" + docs[0].hash.ToHex() + "/proof");
    if (!r || r->status != 200) return false;
    proof = r->body;
    return true;
  }));
  const std::string proof_file = files.File("certificate-valid.proof.json");
  ASSERT_TRUE(WriteFileAtomic(proof_file, proof, {}).ok());
  json tampered = json::parse(proof);
  bool changed = false;
  for (json& e : tampered["state"]) {
    if (!e["value"].is_string()) continue;
    std::string v = e["value"];
    if (v.find(docs[0].hash.ToHex()) == std::string::npos) continue;  // Not the certificate.
    v[v.size() - 1] = v.back() == '0' ? '1' : '0';
    e["value"] = v;
    changed = true;
  }
  ASSERT_TRUE(changed) << "the proof holds no certificate entry";
  const std::string tampered_file = files.File("certificate-tampered.proof.json");
  ASSERT_TRUE(WriteFileAtomic(tampered_file, tampered.dump(1), {}).ok());

  const std::string page = "http://" + c.api(0) + "/verify";
  const std::string link = page + "?sha256=" + docs[0].hash.ToHex();
  const std::string valid_en = "VALID: certificate of origin " + docs[0].number + " of " + x;
  json online = json::array({
      {{"name", "by-file-en"},
       {"url", page + "?lang=en"},
       {"files", Files({{"#document-file", docs[0].file}})},
       {"expect_code", "in_force"},
       {"expect_text", {valid_en, "240,000 kg remaining", "Goods from " + x + " to " + y}}},
      {{"name", "by-link-ru"},
       {"url", link + "&lang=ru"},
       {"expect_code", "in_force"},
       {"expect_lang", "ru"},
       {"expect_text", {"ДЕЙСТВИТЕЛЕН: сертификат происхождения " + docs[0].number}}},
      {{"name", "by-link-zh"},
       {"url", link + "&lang=zh"},
       {"expect_code", "in_force"},
       {"expect_lang", "zh"},
       {"expect_text", {"有效：" + x + " 的原产地证书 " + docs[0].number}}},
      {{"name", "by-link-ko"},
       {"url", link + "&lang=ko"},
       {"expect_code", "in_force"},
       {"expect_lang", "ko"},
       {"expect_text", {"유효: " + x + "의 원산지증명서 " + docs[0].number}}},
      {{"name", "by-certificate-link-en"},
       {"url", page + "?country=" + x + "&number=" + docs[0].number + "&lang=en"},
       {"expect_code", "in_force"},
       {"expect_text", {valid_en}}},
      {{"name", "revoked-en"},
       {"url", page + "?lang=en"},
       {"files", Files({{"#document-file", docs[1].file}})},
       {"expect_code", "certificate_revoked"},
       {"expect_text", {"NOT VALID: certificate " + x + "/" + docs[1].number + " was revoked"}}},
      {{"name", "used-up-en"},
       {"url", page + "?lang=en"},
       {"files", Files({{"#document-file", docs[2].file}})},
       {"expect_code", "certificate_fully_used"},
       {"expect_text", {"NOT VALID: certificate " + docs[2].number + " is fully used"}}},
      {{"name", "transit-ko"},
       {"url", page + "?mrn=" + mrn + "&lang=ko"},
       {"expect_code", "in_force"},
       {"expect_text", {"통과 " + mrn + ":", "진행 중"}}},
      {{"name", "aeo-recognised-en"},
       {"url", page + "?aeo=" + x + "&operator=" + op.ToHex() + "&by=" + y + "&lang=en"},
       {"expect_code", "recognised"},
       {"expect_text",
        {"RECOGNISED: an AEO of " + x + " (AEO-F), recognised by " + y + " under MRA MRA-" + x +
         "-" + y}}},
      {{"name", "aeo-form-zh"},
       {"url", page + "?lang=zh"},
       {"fill",
        json::array({json::array({"#aeo-country", x}),
                     json::array({"#aeo-operator", "700101300123"}), json::array({"#aeo-by", y})})},
       {"click", "#aeo-form button"},
       {"expect_code", "recognised"},
       {"expect_text", {"已认可：" + x + " 的 AEO（AEO-F）"}}},
      {{"name", "aeo-not-recognised-ru"},
       {"url", page + "?aeo=" + x + "&operator=" + op.ToHex() + "&by=" + z + "&lang=ru"},
       {"expect_code", "not_recognised"},
       {"expect_text", {"НЕ ПРИЗНАН: между " + x + " и " + z}}},
      {{"name", "phone-en"},
       {"url", link + "&lang=en"},
       {"width", 390},
       {"height", 1200},
       {"expect_code", "in_force"},
       {"expect_text", {valid_en}}},
  });
  TempDir scenarios("e2e_web_scenarios");
  auto [online_ok, online_out] = RunBrowser(scenarios, "online", online);
  EXPECT_TRUE(online_ok) << online_out;
  std::printf("%s", online_out.c_str());

  // Every node stopped: the page from disk, the genesis and the proof file from the trader.
  for (std::size_t i = 0; i < c.size(); ++i) c.Terminate(i);
  const std::string offline_page =
      "file://" + std::string(TAMGA_SOURCE_DIR) + "/web/index.html?lang=en";
  json offline = json::array({
      {{"name", "offline-proof-file-en"},
       {"url", offline_page},
       {"files", Files({{"#genesis-file", c.GenesisFile()},
                        {"#proof-file", proof_file},
                        {"#document-file", docs[0].file}})},
       {"expect_code", "in_force"},
       {"expect_text", {valid_en}}},
      {{"name", "offline-tampered-en"},
       {"url", offline_page},
       {"files", Files({{"#genesis-file", c.GenesisFile()},
                        {"#proof-file", tampered_file},
                        {"#document-file", docs[0].file}})},
       {"expect_code", "proof_invalid:root_mismatch"},
       {"expect_text",
        {"NOT VALID: the proof does not verify against the pinned genesis (root mismatch)"}}},
  });
  auto [offline_ok, offline_out] = RunBrowser(scenarios, "offline", offline);
  EXPECT_TRUE(offline_ok) << offline_out;
  std::printf("%s", offline_out.c_str());
}

}  // namespace
}  // namespace tamga::testing
