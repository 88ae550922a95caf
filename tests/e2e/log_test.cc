// tests/e2e/log_test.cc
// The record log's read path with real processes: `tamga log consistency` over proof files
// and checkpoints; checkpoints a quorum signed (GET /checkpoint, `tamga log checkpoint`),
// also after a validator restarts; the C2SP tiles (GET /tile/..., `tamga log export-tiles`).

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>

#include "client/genesis_file.h"
#include "client/passphrase.h"
#include "common/asio.h"  // Before any Boost header (common/asio.h says why).
#include "common/encoding.h"
#include "common/file_util.h"
#include "common/sha256.h"
#include "contracts/genesis.h"
#include "contracts/model.h"
#include "tests/e2e/cluster.h"
#include "tests/e2e/timestamp_tools.h"
#include "tlog/checkpoint.h"
#include "tlog/cosignature.h"
#include "tlog/note.h"
#include "witness/witness_server.h"

namespace tamga::testing {
namespace {

std::string Snapshot(Cluster& c, std::size_t i) {
  auto r = c.Get(i, "/v1/snapshot");
  EXPECT_TRUE(r && r->status == 200);
  return r ? r->body : "";
}

void AddOffices(Cluster& c, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t n = first; n <= last; ++n) {
    const Transaction tx =
        c.Tx(c.admin(0), contracts::TxType::kRegisterOffice,
             Encode(contracts::RegisterOffice{"KZ-" + std::to_string(n), "Office",
                                              SecretKey::Generate().public_key()}),
             n);
    ASSERT_EQ(c.Submit(0, tx).first, 202);
    ASSERT_TRUE(Cluster::WaitFor([&] { return c.TxStatus(0, tx.Hash()) == "committed"; }));
  }
}

// The checkpoint node `i` serves once it covers at least `size` records.
std::string CheckpointOf(Cluster& c, std::size_t i, std::uint64_t size) {
  std::string note;
  EXPECT_TRUE(Cluster::WaitFor([&] {
    auto r = c.Get(i, "/checkpoint");
    if (!r || r->status != 200) return false;
    auto parsed = tlog::ParseNote(r->body);
    if (!parsed.ok()) return false;
    auto cp = tlog::ParseCheckpointText(parsed->text);
    note = r->body;
    return cp.ok() && cp->size >= size;
  }));
  return note;
}

TEST(LogCheckpoints, AQuorumSignsTheTiledLogAndToolsCheckItEndToEnd) {
  Cluster c("log_checkpoints", 4);
  TempDir files("log_checkpoints_files");
  const std::string node_tiles = files.File("node-tiles");
  c.AddConfig(2, "[tiles]\ndir = \"" + node_tiles + "\"\n");
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1 && c.Height(3) >= 1; }));
  AddOffices(c, 1, 3);
  const std::uint64_t size = c.Status(0)->at("log_size").get<std::uint64_t>();
  const std::string note = CheckpointOf(c, 2, size);
  auto parsed = tlog::ParseNote(note);
  ASSERT_TRUE(parsed.ok()) << note;
  EXPECT_GE(parsed->signatures.size(), 3u) << note;  // A quorum of four.
  const auto cp = tlog::ParseCheckpointText(parsed->text);
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ(cp->origin.rfind("tamga/", 0), 0u);
  for (const auto& sig : parsed->signatures) EXPECT_EQ(sig.name, cp->origin);
  auto json = c.Get(2, "/v1/log/checkpoint");
  ASSERT_TRUE(json && json->status == 200);
  const auto j = nlohmann::json::parse(json->body);
  EXPECT_EQ(j["verifier_keys"].size(), 4u);
  EXPECT_EQ(j["quorum"], 3);

  const std::string cli = std::string(TAMGA_CLI) + " log ";
  const std::string genesis = " --genesis " + c.GenesisFile();
  const std::string older = files.File("older.checkpoint");
  ASSERT_TRUE(WriteFileAtomic(older, note, {}).ok());
  const Output fetched = Shell(cli + "checkpoint" + genesis + " --node " + c.api(1));
  EXPECT_EQ(fetched.exit, 0) << fetched.text;
  EXPECT_NE(fetched.text.find("VALID: the checkpoint of "), std::string::npos) << fetched.text;
  const Output offline = Shell(cli + "checkpoint " + older + genesis);
  EXPECT_EQ(offline.exit, 0) << offline.text;
  // One character of the root changed: the signatures no longer cover it.
  std::string changed = note;
  const auto root_at = changed.find('\n', changed.find('\n') + 1) + 1;
  changed[root_at] = changed[root_at] == 'A' ? 'B' : 'A';
  ASSERT_TRUE(WriteFileAtomic(files.File("changed.checkpoint"), changed, {}).ok());
  const Output bad = Shell(cli + "checkpoint " + files.File("changed.checkpoint") + genesis);
  EXPECT_EQ(bad.exit, 2) << bad.text;
  EXPECT_NE(bad.text.find("NOT VALID"), std::string::npos) << bad.text;

  // The log grows; the later checkpoint extends the earlier one.
  AddOffices(c, 4, 9);
  const std::string newer = files.File("newer.checkpoint");
  ASSERT_TRUE(WriteFileAtomic(newer, CheckpointOf(c, 3, size + 6), {}).ok());
  const Output consistent =
      Shell(cli + "consistency" + genesis + " --node " + c.api(0) + " " + older + " " + newer);
  EXPECT_EQ(consistent.exit, 0) << consistent.text;
  EXPECT_NE(consistent.text.find("CONSISTENT: the checkpoint of"), std::string::npos)
      << consistent.text;

  // The tiles: served, exported, checked against the checkpoint's root.
  auto tile = c.Get(0, "/tile/0/000.p/" + std::to_string(size));
  ASSERT_TRUE(tile && tile->status == 200);
  EXPECT_EQ(tile->body.size(), size * 32);
  auto entries = c.Get(0, "/tile/entries/000.p/" + std::to_string(size));
  ASSERT_TRUE(entries && entries->status == 200);
  EXPECT_EQ(c.Get(0, "/tile/0/001")->status, 404);       // Past the log.
  EXPECT_EQ(c.Get(0, "/tile/0/0000.p/1")->status, 404);  // Not a canonical path.
  const std::string tiles = files.File("tiles");
  const Output exported = Shell(cli + "export-tiles " + tiles + genesis + " --node " + c.api(1));
  EXPECT_EQ(exported.exit, 0) << exported.text;
  EXPECT_NE(exported.text.find("EXPORTED: "), std::string::npos) << exported.text;
  auto written = ReadFileToString(tiles + "/checkpoint", 1 << 20);
  ASSERT_TRUE(written.ok());
  auto exported_cp = tlog::ParseCheckpointText(tlog::ParseNote(*written)->text);
  ASSERT_TRUE(exported_cp.ok());
  const std::string width = std::to_string(exported_cp->size);
  EXPECT_TRUE(std::filesystem::exists(tiles + "/tile/0/000.p/" + width));
  EXPECT_TRUE(std::filesystem::exists(tiles + "/tile/entries/000.p/" + width));

  // Node 2 keeps the same read path in its [tiles] folder.
  const std::uint64_t final_size = exported_cp->size;
  ASSERT_TRUE(Cluster::WaitFor([&] {
    auto written_note = ReadFileToString(node_tiles + "/checkpoint", 1 << 20);
    auto parsed_note = written_note.ok() ? tlog::ParseNote(*written_note)
                                         : Result<tlog::Note>(written_note.error());
    auto at = parsed_note.ok() ? tlog::ParseCheckpointText(parsed_note->text)
                               : Result<tlog::Checkpoint>(parsed_note.error());
    return at.ok() && at->size >= final_size;
  }));
  const std::string partial = "/tile/0/000.p/" + std::to_string(final_size);
  const std::string bundle = "/tile/entries/000.p/" + std::to_string(final_size);
  EXPECT_EQ(*ReadFileToString(node_tiles + partial, 1 << 20), c.Get(2, partial)->body);
  EXPECT_EQ(*ReadFileToString(node_tiles + bundle, 1 << 20), c.Get(2, bundle)->body);

  // A validator restarted with the log unchanged gets its peers' signatures again.
  const std::uint64_t now = c.Status(0)->at("log_size").get<std::uint64_t>();
  c.Kill(3);
  c.Start(3);
  const std::string again = CheckpointOf(c, 3, now);
  EXPECT_NE(again.find("— tamga/"), std::string::npos) << again;
}

// A `tamga witness` process in the background, on a port of its choosing.
class WitnessProcess {
 public:
  WitnessProcess(const TempDir& dir, const std::string& genesis) : dir_(dir), genesis_(genesis) {
    const Output key = Shell(std::string(TAMGA_CLI) + " keys generate --plain " + Key());
    EXPECT_EQ(key.exit, 0) << key.text;
    Start();
  }
  ~WitnessProcess() { Stop(); }
  // On a port of its choosing the first time, on the same one after.
  void Start() {
    const std::string listen = address_.empty() ? "127.0.0.1:0" : address_;
    std::filesystem::remove(dir_.File("witness.out"));
    const Output started =
        Shell(std::string(TAMGA_CLI) + " witness --name witness.example/w1 --key " + Key() +
              " --genesis " + genesis_ + " --state " + dir_.File("witness.state") + " --listen " +
              listen + " > " + dir_.File("witness.out") + " 2>&1 & echo $!");
    pid_ = std::stol(started.text);
    EXPECT_TRUE(Cluster::WaitFor([&] {
      auto out = ReadFileToString(dir_.File("witness.out"), 1 << 20);
      const auto at = out.ok() ? out->find("listening on ") : std::string::npos;
      if (at == std::string::npos || out->find('\n', at) == std::string::npos) return false;
      address_ = out->substr(at + 13, out->find('\n', at) - at - 13);
      return true;
    }));
  }
  void Stop() {
    if (pid_ > 0) Shell("kill " + std::to_string(pid_) + "; sleep 0.2");
    pid_ = 0;
  }
  const std::string& address() const { return address_; }
  std::string VerifierKey() {
    auto a = client::HttpClient::Connect(address_, 5000);
    auto r = a.ok() ? a->Get("/") : Result<client::HttpResponse>(a.error());
    if (!r.ok()) return "";
    return r->body.substr(r->body.find('\n') + 1, r->body.rfind('\n') - r->body.find('\n') - 1);
  }

 private:
  std::string Key() const { return dir_.File("witness.key"); }
  const TempDir& dir_;
  std::string genesis_;
  long pid_ = 0;
  std::string address_;
};

// Debian's nginx serving `root` on loopback, in the foreground of a process of its own.
class Nginx {
 public:
  Nginx(const TempDir& dir, const std::string& root) : dir_(dir) {
    port_ = Cluster::FreePort();
    const std::string prefix = dir_.File("nginx");
    std::filesystem::create_directories(prefix + "/tmp");
    const std::string conf = prefix + "/nginx.conf";
    const std::string text =
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid " + prefix +
        "/nginx.pid;\nerror_log " + prefix +
        "/error.log;\nevents { worker_connections 64; }\n"
        "http {\n  access_log off;\n  default_type application/octet-stream;\n"
        "  client_body_temp_path " +
        prefix + "/tmp;\n  proxy_temp_path " + prefix +
        "/tmp;\n"
        "  fastcgi_temp_path " +
        prefix + "/tmp;\n  uwsgi_temp_path " + prefix +
        "/tmp;\n"
        "  scgi_temp_path " +
        prefix +
        "/tmp;\n"
        "  server {\n    listen 127.0.0.1:" +
        std::to_string(port_) + ";\n    root " + root +
        ";\n    location = /checkpoint { default_type \"text/plain; charset=utf-8\"; }\n"
        "  }\n}\n";
    EXPECT_TRUE(WriteFileAtomic(conf, text, {}).ok());
    const Output started = Shell("/usr/sbin/nginx -e " + prefix + "/error.log -p " + prefix +
                                 " -c " + conf + " > " + prefix + "/out 2>&1 & echo $!");
    pid_ = std::stol(started.text);
    // Our nginx: the port could have been taken by another in between.
    EXPECT_TRUE(Cluster::WaitFor([&] {
      auto c = client::HttpClient::Connect(url(), 1000);
      auto r = c.ok() ? c->Get("/checkpoint") : Result<client::HttpResponse>(c.error());
      return r.ok() && r->status == 200 && r->body.rfind("tamga/", 0) == 0;
    })) << prefix + "/error.log";
  }
  ~Nginx() {
    const std::string pid = std::to_string(pid_);
    Shell("kill " + pid + "; for i in $(seq 50); do kill -0 " + pid +
          " 2>/dev/null || break; sleep 0.1; done");
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  const TempDir& dir_;
  std::uint16_t port_ = 0;
  long pid_ = 0;
};

TEST(LogWitness, AWitnessCosignsAGrowingLogAfterARestartAndRefusesASplitView) {
  Cluster c("log_witness", 4);
  TempDir files("log_witness_files");
  WitnessProcess w(files, c.GenesisFile());
  ASSERT_FALSE(w.address().empty());
  const std::string vkey = w.VerifierKey();
  ASSERT_TRUE(tlog::ParseCosignatureVerifierKey(vkey).ok()) << vkey;
  // Node 3 takes its checkpoints to the witness itself; the others are fed by the tool.
  c.AddConfig(3, "[witnesses]\naddresses = [\"" + w.address() + "\"]\nkeys = [\"" + vkey + "\"]\n");
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1 && c.Height(3) >= 1; }));
  AddOffices(c, 1, 2);
  const std::string cli = std::string(TAMGA_CLI) + " log ";
  const std::string genesis = " --genesis " + c.GenesisFile();
  const std::string witness = " --witness " + w.address() + " --witness-key " + vkey;
  const std::string first = files.File("first.checkpoint");
  CheckpointOf(c, 0, c.Status(0)->at("log_size").get<std::uint64_t>());
  const Output a =
      Shell(cli + "witness" + genesis + " --node " + c.api(0) + witness + " --out " + first);
  EXPECT_EQ(a.exit, 0) << a.text;
  EXPECT_NE(a.text.find("WITNESSED: "), std::string::npos) << a.text;
  const Output checked = Shell(cli + "checkpoint " + first + genesis + " --witness-key " + vkey);
  EXPECT_EQ(checked.exit, 0) << checked.text;
  EXPECT_NE(checked.text.find("cosigned by witness witness.example/w1"), std::string::npos)
      << checked.text;

  // The witness restarts (its record is on disk), the log grows: the next cosignature
  // comes after a consistency proof from what it cosigned.
  w.Stop();
  w.Start();
  AddOffices(c, 3, 5);
  const std::uint64_t grown = c.Status(1)->at("log_size").get<std::uint64_t>();
  CheckpointOf(c, 1, grown);
  const Output b = Shell(cli + "witness" + genesis + " --node " + c.api(1) + witness);
  EXPECT_EQ(b.exit, 0) << b.text;
  EXPECT_NE(b.text.find("cosigned by witness.example/w1"), std::string::npos) << b.text;

  // Node 3 serves the witness's cosignature with its checkpoint.
  ASSERT_TRUE(Cluster::WaitFor([&] {
    auto r = c.Get(3, "/checkpoint");
    return r && r->status == 200 && r->body.find("— witness.example/w1 ") != std::string::npos;
  }));
  const Output served =
      Shell(cli + "checkpoint" + genesis + " --node " + c.api(3) + " --witness-key " + vkey);
  EXPECT_EQ(served.exit, 0) << served.text;
  EXPECT_NE(served.text.find("cosigned by witness witness.example/w1"), std::string::npos)
      << served.text;

  // Three validators collude and sign another root for the size the witness cosigned: the
  // note passes the quorum check, and the witness refuses it (409, its size).
  const auto latest_note = std::make_optional(CheckpointOf(c, 1, grown));
  auto latest = tlog::ParseNote(*latest_note);
  ASSERT_TRUE(latest.ok());
  auto cp = tlog::ParseCheckpointText(latest->text);
  ASSERT_TRUE(cp.ok());
  tlog::Checkpoint forged = *cp;
  forged.root = Sha256Of(AsBytes("another history"));
  tlog::Note note{tlog::FormatCheckpointText(forged), {}};
  for (std::size_t i = 0; i < 3; ++i) {
    auto key = client::OpenKeyFile(c.NodeDir(i) + "/validator.key", "");
    ASSERT_TRUE(key.ok()) << key.error().ToString();
    note.signatures.push_back(tlog::SignNoteText(note.text, forged.origin, *key));
  }
  ASSERT_TRUE(WriteFileAtomic(files.File("forged.checkpoint"), tlog::FormatNote(note), {}).ok());
  const Output quorum = Shell(cli + "checkpoint " + files.File("forged.checkpoint") + genesis);
  EXPECT_EQ(quorum.exit, 0) << quorum.text;  // Validators alone cannot stop this.
  auto witness_client = client::HttpClient::Connect(w.address(), 5000);
  ASSERT_TRUE(witness_client.ok());
  auto refused = witness_client->Post(
      "/add-checkpoint", "old " + std::to_string(cp->size) + "\n\n" + tlog::FormatNote(note));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 409) << refused->body;
  EXPECT_EQ(refused->body, std::to_string(cp->size) + "\n");
  // The witness kept both signed checkpoints as evidence.
  std::string evidence;
  for (const auto& f : std::filesystem::directory_iterator(files.path())) {
    if (f.path().filename().string().rfind("witness.state.split-view-", 0) == 0) {
      evidence = *ReadFileToString(f.path().string(), 1 << 20);
    }
  }
  EXPECT_NE(evidence.find(tlog::FormatCheckpointText(forged)), std::string::npos) << evidence;
  EXPECT_NE(evidence.find(latest->text), std::string::npos) << evidence;
  // What a witness started with --node learns of the signers from a node: the validator
  // set proven from the genesis on, for a checkpoint whose root the proof shows; nothing for
  // the forged one.
  auto genesis_doc = client::LoadGenesisFile(c.GenesisFile());
  ASSERT_TRUE(genesis_doc.ok());
  const ledger::TrustAnchor anchor = contracts::StartChain(*genesis_doc)->anchor;
  auto learned = witness::LearnSigners(anchor, c.api(2), "old 0\n\n" + *latest_note);
  ASSERT_TRUE(learned.ok()) << learned.error().ToString();
  EXPECT_EQ(learned->keys, anchor.validators.validators);
  EXPECT_EQ(learned->quorum, 3u);
  EXPECT_FALSE(witness::LearnSigners(anchor, c.api(2), "old 0\n\n" + tlog::FormatNote(note)).ok());
  const Output split = Shell(cli + "checkpoint " + files.File("forged.checkpoint") + genesis +
                             " --witness-key " + vkey);
  EXPECT_EQ(split.exit, 2) << split.text;

  // A trader requires the witness: a document's proof, and the node's checkpoint holding
  // it, cosigned.
  const std::string invoice = files.File("invoice.txt");
  ASSERT_TRUE(WriteFileAtomic(invoice, "invoice INV-W-1\n", {}).ok());
  const Transaction anchor_tx =
      c.Tx(c.admin(0), contracts::TxType::kAnchorDocument,
           Encode(contracts::AnchorDocument{contracts::DocumentType::kInvoice,
                                            *Sha256OfFile(invoice), "INV-W-1"}),
           6);
  ASSERT_EQ(c.Submit(0, anchor_tx).first, 202);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.TxStatus(3, anchor_tx.Hash()) == "committed"; }));
  const std::uint64_t anchored = c.Status(3)->at("log_size").get<std::uint64_t>();
  ASSERT_TRUE(Cluster::WaitFor([&] {
    auto r = c.Get(3, "/checkpoint");
    auto n =
        r && r->status == 200 ? tlog::ParseNote(r->body) : Result<tlog::Note>(Status::NotFound(""));
    auto at = n.ok() ? tlog::ParseCheckpointText(n->text) : Result<tlog::Checkpoint>(n.error());
    return at.ok() && at->size >= anchored &&
           r->body.find("— witness.example/w1 ") != std::string::npos;
  }));
  const std::string verify = std::string(TAMGA_CLI) + " verify " + invoice + genesis + " --node " +
                             c.api(3) + " --witness " + vkey;
  const Output witnessed = Shell(verify);
  EXPECT_EQ(witnessed.exit, 0) << witnessed.text;
  EXPECT_NE(witnessed.text.find("WITNESSED: the proof's log is in the checkpoint"),
            std::string::npos)
      << witnessed.text;
  const std::string stranger = tlog::FormatCosignatureVerifierKey(
      tlog::MakeCosignatureVerifier("stranger.example/w", SecretKey::Generate().public_key()));
  const Output unwitnessed = Shell(verify + " --witness " + stranger);
  EXPECT_EQ(unwitnessed.exit, 2) << unwitnessed.text;
  EXPECT_NE(unwitnessed.text.find("NOT WITNESSED"), std::string::npos) << unwitnessed.text;
  EXPECT_EQ(Shell(verify + " --witness " + stranger + " --witnesses-required 1").exit, 0);
  // A witness count with no witness named is an error, not a pass.
  const Output lone = Shell(std::string(TAMGA_CLI) + " verify " + invoice + genesis + " --node " +
                            c.api(3) + " --witnesses-required 1");
  EXPECT_EQ(lone.exit, 1) << lone.text;

  // The read path, exported from node 3 (its checkpoint carries the cosignature), served by
  // nginx: a client proves the invoice's record from nginx alone.
  const std::string site = files.File("site");
  const Output exported = Shell(cli + "export-tiles " + site + genesis + " --node " + c.api(3));
  ASSERT_EQ(exported.exit, 0) << exported.text;
  if (!std::filesystem::exists("/usr/sbin/nginx"))
    GTEST_SKIP() << "no nginx (scripts/install-deps)";
  Nginx nginx(files, site);
  const std::string inclusion = cli + "inclusion " + std::to_string(anchored - 1) + " --tiles " +
                                nginx.url() + genesis + " --witness-key " + vkey;
  const Output included = Shell(inclusion);
  EXPECT_EQ(included.exit, 0) << included.text;
  EXPECT_NE(included.text.find("INCLUDED: record " + std::to_string(anchored - 1) +
                               " (kind 40, transaction " + anchor_tx.Hash().ToHex()),
            std::string::npos)
      << included.text;
  // One hash of the level-0 tile changed on the web server: the proof no longer leads to
  // the signed root.
  const std::string tile_file = site + "/tile/0/000.p/" + std::to_string(anchored);
  auto tile_bytes = ReadFileToString(tile_file, 1 << 20);
  ASSERT_TRUE(tile_bytes.ok()) << tile_bytes.error().ToString();
  std::string tile = *tile_bytes;
  tile[0] = static_cast<char>(tile[0] ^ 1);
  ASSERT_TRUE(WriteFileAtomic(tile_file, tile, {}).ok());
  const Output tampered = Shell(inclusion);
  EXPECT_EQ(tampered.exit, 2) << tampered.text;
  EXPECT_NE(tampered.text.find("NOT VALID"), std::string::npos) << tampered.text;
}

TEST(LogConsistency, ALaterProofFileExtendsAnEarlierOneAndAChangedOneDoesNotVerify) {
  Cluster c("log_consistency", 4);
  c.StartAll();
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(0) >= 1 && c.Height(3) >= 1; }));
  // Records, then a proof file of the highest provable block.
  AddOffices(c, 1, 3);
  TempDir files("log_consistency_files");
  const std::string older = files.File("older.json"), newer = files.File("newer.json");
  ASSERT_TRUE(
      Cluster::WaitFor([&] { return Snapshot(c, 1).find("\"log\"") != std::string::npos; }));
  ASSERT_TRUE(WriteFileAtomic(older, Snapshot(c, 1), {}).ok());
  AddOffices(c, 4, 8);
  const std::uint64_t h = c.Height(0);
  ASSERT_TRUE(Cluster::WaitFor([&] { return c.Height(2) >= h + 3; }));
  ASSERT_TRUE(WriteFileAtomic(newer, Snapshot(c, 2), {}).ok());

  const std::string command = std::string(TAMGA_CLI) + " log consistency --genesis " +
                              c.GenesisFile() + " --node " + c.api(3) + " ";
  const Output ok = Shell(command + older + " " + newer);
  EXPECT_EQ(ok.exit, 0) << ok.text;
  EXPECT_NE(ok.text.find("CONSISTENT: "), std::string::npos) << ok.text;
  EXPECT_EQ(ok.text.find("NOT"), std::string::npos) << ok.text;
  EXPECT_EQ(Shell(command + newer + " " + older).exit, 0);  // Either order.
  EXPECT_EQ(Shell(command + older + " " + older).exit, 0);  // The same size: trivially.

  // The later file with one digit of its block's certificate changed (which carries the
  // log's size and root): it no longer verifies.
  std::string changed = *ReadFileToString(newer, 1 << 24);
  const auto block = changed.find("\"block\"");
  ASSERT_NE(block, std::string::npos);
  auto at = changed.find("\"qc\":", block);
  ASSERT_NE(at, std::string::npos) << changed.substr(0, 500);
  at = changed.find('"', at + 5) + 1 + 100;  // A digit inside the certified vote data.
  changed[at] = changed[at] == '0' ? '1' : '0';
  ASSERT_TRUE(WriteFileAtomic(files.File("changed.json"), changed, {}).ok());
  const Output bad = Shell(command + older + " " + files.File("changed.json"));
  EXPECT_EQ(bad.exit, 2) << bad.text;
  EXPECT_NE(bad.text.find("NOT VALID"), std::string::npos) << bad.text;
}

}  // namespace
}  // namespace tamga::testing
