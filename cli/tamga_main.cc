// tamga: the command line for operators, issuers, traders and auditors: key files, the
// genesis ceremony, a command per transaction type, offline verification of documents,
// audit replay of a whole chain, and local testnets (README.md has a tour).

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>

#include "audit/audit_command.h"
#include "audit/kpi_command.h"
#include "cli/genesis_command.h"
#include "cli/keys_command.h"
#include "cli/log_command.h"
#include "cli/show_command.h"
#include "cli/testnet_command.h"
#include "cli/tsa_command.h"
#include "cli/tx_cli.h"
#include "cli/verify_command.h"
#include "client/http_client.h"
#include "common/log.h"
#include "common/sha256.h"
#include "witness/witness_command.h"

namespace {

int Fail(const tamga::Status& s) {
  std::cerr << "tamga: " << s.ToString() << "\n";
  return 1;
}

// Prints a node's status in plain words.
tamga::Status NodeStatus(const std::string& node) {
  TAMGA_ASSIGN_OR_RETURN(auto client, tamga::client::HttpClient::Connect(node, 5000));
  TAMGA_ASSIGN_OR_RETURN(auto r, client.Get("/v1/status"));
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (r.status != 200 || !j.is_object()) {
    return tamga::Status::Unavailable(node + " answered " + std::to_string(r.status));
  }
  std::size_t connected = 0;
  for (const auto& p : j["peers"]) connected += p["connected"].get<bool>() ? 1 : 0;
  std::cout << "node        " << node << "\n"
            << "chain       " << j["chain_id"].get<std::string>() << "\n"
            << "validator   "
            << (j["validator_index"].is_null() ? std::string("no (observer)")
                                               : std::to_string(j["validator_index"].get<int>()))
            << "\n"
            << "height      " << j["height"] << " (epoch " << j["epoch"] << ", round " << j["round"]
            << ")\n"
            << "state root  " << j["state_root"].get<std::string>() << "\n"
            << "records     " << j["log_size"] << "\n"
            << "peers       " << connected << " of " << j["peers"].size() << " connected\n"
            << "mempool     " << j["mempool"] << " transactions\n";
  if (!j["clock_offset_ms"].is_null()) {
    std::cout << "clock       peers' median is " << j["clock_offset_ms"] << " ms from ours\n";
  }
  return tamga::Status::Ok();
}

}  // namespace

int main(int argc, char** argv) try {
  using tamga::client::PassphraseSource;
  CLI::App app{"tamga: anchor and verify customs documents on the Tamga ledger"};
  app.require_subcommand(1);

  // keys
  auto* keys = app.add_subcommand("keys", "Generate and inspect Ed25519 key files");
  keys->require_subcommand(1);

  tamga::cli::KeysGenerateOptions gen;
  bool gen_fast_kdf = false;
  auto* generate = keys->add_subcommand("generate", "Write a new key file (mode 0600)");
  generate->add_option("file", gen.path, "Where to write the key file")->required();
  generate->add_flag("--plain", gen.plain,
                     "Store the key unencrypted (tests and local testnets only)");
  generate->add_flag("--force", gen.overwrite, "Replace an existing file");
  generate->add_option("--passphrase-file", gen.passphrase.file,
                       "Read the passphrase from the first line of this file");
  generate->add_flag("--fast-kdf", gen_fast_kdf,
                     "Use Argon2id's minimum cost (local testnets only; weak against guessing)");
  gen.passphrase.confirm = true;

  std::string show_path;
  auto* show = keys->add_subcommand("show", "Print a key file's kind and public key");
  show->add_option("file", show_path, "Key file")->required();

  std::string change_path;
  tamga::client::PassphraseSource old_pass;
  old_pass.prompt = "Current passphrase: ";
  tamga::client::PassphraseSource new_pass;
  new_pass.env = "TAMGA_NEW_PASSPHRASE";
  new_pass.prompt = "New passphrase: ";
  new_pass.confirm = true;
  auto* change =
      keys->add_subcommand("change-passphrase", "Re-seal a key file under a new passphrase");
  change->add_option("file", change_path, "Key file")->required();
  change->add_option("--passphrase-file", old_pass.file, "File holding the current passphrase");
  change->add_option("--new-passphrase-file", new_pass.file, "File holding the new passphrase");

  // hash
  std::string hash_path;
  auto* hash = app.add_subcommand("hash", "Print the SHA-256 of a document file, as anchored");
  hash->add_option("file", hash_path, "Document file")->required()->check(CLI::ExistingFile);

  // testnet
  auto* testnet = app.add_subcommand("testnet", "Local clusters of validators on loopback");
  testnet->require_subcommand(1);
  tamga::cli::TestnetInitOptions tn;
  auto* tn_init = testnet->add_subcommand(
      "init", "Write genesis, keys and configurations for a local cluster into a folder");
  tn_init->add_option("dir", tn.dir, "Folder for the testnet")->required();
  tn_init->add_option("--validators", tn.validators, "Number of validators (default 4)");
  tn_init->add_option("--spare", tn.spare,
                      "Nodes of administrations not in the genesis, to admit later by a vote");
  tn_init->add_option("--base-port", tn.base_port,
                      "First port; node i uses base+2i (peers) and base+2i+1 (API)");
  tn_init->add_option("--round-timeout-ms", tn.round_timeout_ms, "Consensus round timeout");
  tn_init->add_option("--idle-block-ms", tn.idle_block_ms,
                      "Heartbeat of an idle chain: how long a leader with nothing to commit "
                      "waits for a transaction before an empty block (default 2000)");
  tn_init->add_flag("--force", tn.overwrite, "Replace a testnet already in the folder");

  // log
  auto* log = app.add_subcommand("log", "The record log: that it only grows");
  log->require_subcommand(1);
  tamga::cli::LogConsistencyOptions lc;
  auto* log_consistency = log->add_subcommand(
      "consistency", "Check that the log of a later proof file extends an earlier one's");
  log_consistency->add_option("older", lc.older, "A proof file or a checkpoint")
      ->required()
      ->check(CLI::ExistingFile);
  log_consistency->add_option("newer", lc.newer, "A proof file or checkpoint of a later block")
      ->required()
      ->check(CLI::ExistingFile);
  log_consistency->add_option("--genesis", lc.genesis_file, "The pinned genesis file")
      ->required()
      ->check(CLI::ExistingFile);
  log_consistency
      ->add_option("--node", lc.node, "Ask this node (host:port) for the consistency proof")
      ->envname("TAMGA_NODE")
      ->required();
  tamga::cli::LogCheckpointOptions lk;
  auto* log_checkpoint = log->add_subcommand(
      "checkpoint", "Check that a checkpoint of the log is signed by a quorum of validators");
  log_checkpoint->add_option("file", lk.file, "A checkpoint (default: the node's latest)")
      ->check(CLI::ExistingFile);
  log_checkpoint->add_option("--genesis", lk.genesis_file, "The pinned genesis file")
      ->required()
      ->check(CLI::ExistingFile);
  log_checkpoint
      ->add_option("--node", lk.node,
                   "The node (host:port) to fetch the checkpoint and its validators' proof from")
      ->envname("TAMGA_NODE");
  log_checkpoint->add_option("--out", lk.out, "Write the checkpoint checked to this file");
  log_checkpoint->add_option(
      "--witness-key", lk.witness_keys,
      "Also require a cosignature by this witness (name+id+base64, repeatable)");
  tamga::cli::LogInclusionOptions li;
  auto* log_inclusion = log->add_subcommand(
      "inclusion", "Check that a record is in the log, from a static copy of its tiles alone");
  log_inclusion->add_option("index", li.index, "The record's log index")->required();
  log_inclusion->add_option("--tiles", li.tiles, "The tiles' web address (http://host:port)")
      ->required();
  log_inclusion->add_option("--genesis", li.genesis_file, "The pinned genesis file")
      ->required()
      ->check(CLI::ExistingFile);
  log_inclusion->add_option("--witness-key", li.witness_keys,
                            "Require a cosignature by this witness (repeatable)");
  tamga::cli::LogWitnessOptions lw;
  auto* log_witness = log->add_subcommand(
      "witness", "Take the node's latest checkpoint to a witness for its cosignature");
  log_witness->add_option("--genesis", lw.genesis_file, "The pinned genesis file")
      ->required()
      ->check(CLI::ExistingFile);
  log_witness->add_option("--node", lw.node, "The node (host:port) to take it from")
      ->envname("TAMGA_NODE")
      ->required();
  log_witness->add_option("--witness", lw.witness, "The witness (host:port)")->required();
  log_witness->add_option("--witness-key", lw.witness_key,
                          "The witness's verifier key, to check its cosignature");
  log_witness->add_option("--out", lw.out, "Write the cosigned checkpoint to this file");
  tamga::cli::ExportTilesOptions et;
  auto* log_export = log->add_subcommand(
      "export-tiles", "Write the log's tiles and checkpoint (C2SP tlog-tiles) to a folder");
  log_export->add_option("dir", et.dir, "The folder a static web server serves")->required();
  log_export->add_option("--genesis", et.genesis_file, "The pinned genesis file")
      ->required()
      ->check(CLI::ExistingFile);
  log_export->add_option("--node", et.node, "The node (host:port) to fetch them from")
      ->envname("TAMGA_NODE")
      ->required();

  // witness
  tamga::witness::WitnessOptions wo;
  auto* witness_cmd = app.add_subcommand(
      "witness", "Run a witness of the chain's record log (C2SP tlog-witness), until stopped");
  witness_cmd->add_option("--name", wo.name, "Its key name, a schema-less URL (witness.example/w1)")
      ->required();
  witness_cmd->add_option("--key", wo.key_file, "Its Ed25519 key file")->required();
  witness_cmd->add_option("--passphrase-file", wo.passphrase_file,
                          "Read the key's passphrase from the first line of this file");
  witness_cmd->add_option("--genesis", wo.genesis_file, "The genesis file of the chain")
      ->required()
      ->check(CLI::ExistingFile);
  witness_cmd->add_option("--state", wo.state_file, "Its record of what it cosigned")->required();
  witness_cmd->add_option("--listen", wo.listen, "Where to serve (host:port; port 0: any)")
      ->required();
  witness_cmd->add_option("--node", wo.node,
                          "A node (host:port) to learn new validator sets from, by proof files "
                          "verified from the genesis on");

  // tsa
  auto* tsa = app.add_subcommand("tsa", "An administration's RFC 3161 time-stamping authority");
  tsa->require_subcommand(1);
  tamga::cli::TsaInitOptions ti;
  bool ti_fast_kdf = false;
  auto* tsa_init = tsa->add_subcommand(
      "init", "Write the TSA key, its certificate signing request and the time-stamping key");
  tsa_init->add_option("dir", ti.dir, "Folder for the three files")->required();
  tsa_init->add_option("--country", ti.country, "The administration's ISO 3166-1 code")->required();
  tsa_init->add_option("--organization", ti.organization, "The administration's name")->required();
  tsa_init->add_option("--name", ti.name, "The TSA's common name");
  tsa_init->add_flag("--plain", ti.plain, "Do not seal the keys (tests and local testnets only)");
  tsa_init->add_option("--passphrase-file", ti.passphrase.file,
                       "Read the passphrase from the first line of this file");
  tsa_init->add_flag("--fast-kdf", ti_fast_kdf,
                     "Use Argon2id's minimum cost for the time-stamping key (testnets only)");

  // status
  std::string status_node;
  auto* status_cmd = app.add_subcommand("status", "Ask a node where it is (height, round, peers)");
  status_cmd->add_option("node", status_node, "The node's API, host:port or http://host:port")
      ->required();

  // genesis
  auto* genesis = app.add_subcommand("genesis", "The genesis ceremony that starts a chain");
  genesis->require_subcommand(1);
  tamga::cli::GenesisCreateOptions gc;
  auto* g_create = genesis->add_subcommand("create", "Write a genesis document to fill in");
  g_create->add_option("file", gc.file, "Genesis file to write")->required();
  g_create->add_option("--name", gc.chain_name, "The chain's name")->required();
  g_create->add_option("--time-ms", gc.genesis_time_ms, "Genesis time, Unix ms (default: now)");
  g_create->add_flag("--force", gc.overwrite, "Replace an existing file");
  tamga::cli::GenesisAddOptions ga;
  auto* g_add = genesis->add_subcommand("add", "Add an administration and its validator");
  g_add->add_option("file", ga.file, "Genesis file")->required()->check(CLI::ExistingFile);
  g_add->add_option("--country", ga.country, "ISO 3166-1 alpha-2 code")->required();
  g_add->add_option("--name", ga.name, "The administration's name")->required();
  g_add->add_option("--validator-key", ga.validator_key, "Validator public key or key file")
      ->required();
  g_add->add_option("--address", ga.address, "The validator's host:port for peers")->required();
  g_add->add_option("--admin-key", ga.admin_key, "Administrator public key or key file")
      ->required();
  tamga::cli::GenesisSignOptions gs;
  auto* g_sign = genesis->add_subcommand("sign", "Sign the chain id with an administrator key");
  g_sign->add_option("file", gs.file, "Genesis file")->required()->check(CLI::ExistingFile);
  g_sign->add_option("--key", gs.key_file, "The administrator's key file")->required();
  g_sign->add_option("--passphrase-file", gs.passphrase_file, "File holding its passphrase");
  std::string gv_file;
  auto* g_verify = genesis->add_subcommand(
      "verify", "Check the document and that every administration signed its chain id");
  g_verify->add_option("file", gv_file, "Genesis file")->required()->check(CLI::ExistingFile);

  // tx
  std::function<tamga::Status()> tx_action;
  tamga::cli::AddTxCommands(app, tx_action);

  // verify
  tamga::cli::VerifyOptions vo;
  auto* verify = app.add_subcommand(
      "verify",
      "Verify a document against a pinned genesis, offline with a proof file or via a node.\n"
      "Exit status: 0 valid and in force; 2 the proof does not verify; 3 not on the ledger\n"
      "or not in force (revoked, replaced, used up, expired); 1 unusable input");
  verify->add_option("document", vo.document, "The document file")
      ->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--genesis", vo.genesis_file, "The pinned genesis file")
      ->required()
      ->check(CLI::ExistingFile);
  auto* proof_opt = verify->add_option("--proof", vo.proof_file, "A proof file (offline)")
                        ->check(CLI::ExistingFile);
  verify->add_option("--node", vo.node, "Fetch the proof from this node (host:port)")
      ->excludes(proof_opt);
  verify->add_option("--save-proof", vo.save_proof, "With --node: keep the proof file here");
  verify
      ->add_option("--max-age-hours", vo.max_age_hours,
                   "Refuse a proof older than this; it shows the ledger at its time (0: any)")
      ->capture_default_str();
  verify->add_option("--lang", vo.lang, "The verdict's language: en, ru, zh or ko")
      ->capture_default_str()
      ->check(CLI::IsMember({"en", "ru", "zh", "ko"}));
  verify->add_option("--qr", vo.qr_file,
                     "Also write the QR code (SVG) of the link that opens this document's "
                     "verdict on the verifier page, for its paper copy");
  verify
      ->add_option("--token", vo.token,
                   "An RFC 3161 token of the document (from POST /v1/timestamp): check it "
                   "against the ledger record it names")
      ->check(CLI::ExistingFile);
  verify
      ->add_option("--tsa-ca", vo.tsa_ca,
                   "With --token: the TSA's CA certificates (PEM), to check its signature too")
      ->check(CLI::ExistingFile);
  verify->add_option("--witness", vo.witnesses,
                     "A witness (its cosignature key, or a file holding it) that must have "
                     "cosigned a checkpoint holding the proof's log (repeatable)");
  verify->add_option("--witnesses-required", vo.witnesses_required,
                     "How many of the --witness keys must have cosigned (default: all)");
  verify
      ->add_option("--checkpoint", vo.checkpoint,
                   "With --witness: the cosigned checkpoint (default: the --node's /checkpoint)")
      ->check(CLI::ExistingFile);
  verify->add_option("--page", vo.page,
                     "The verifier page the link opens (default: the --node's own, "
                     "http://host:port)");

  // show
  tamga::cli::ShowOptions so;
  auto* show_cmd = app.add_subcommand("show",
                                      "Ask a node about a document, a certificate, an "
                                      "operator's AEO recognition or a transit");
  show_cmd->require_subcommand(1);
  show_cmd->fallthrough();
  show_cmd->add_option("--node", so.node, "A node's API, host:port")
      ->capture_default_str()
      ->envname("TAMGA_NODE");
  auto* s_doc = show_cmd->add_subcommand("document", "What the ledger holds for a document file");
  s_doc->add_option("file", so.document, "The document")->required()->check(CLI::ExistingFile);
  auto* s_cert = show_cmd->add_subcommand("certificate", "A certificate, its balance and history");
  s_cert->add_option("country", so.country, "Exporting country")->required();
  s_cert->add_option("number", so.number, "Certificate number")->required();
  auto* s_aeo = show_cmd->add_subcommand(
      "aeo", "Is an operator of one country recognised by another (exit 0 if so, 3 if not)?");
  s_aeo->add_option("country", so.country, "The operator's country")->required();
  s_aeo->add_option("operator", so.number, "Its national identifier (hashed)")->required();
  s_aeo->add_option("--by", so.by, "The recognising country")->required();
  s_aeo->add_option("--at-ms", so.at_ms, "At this time, Unix ms (default: now)");
  auto* s_transit = show_cmd->add_subcommand("transit", "A transit and its border events");
  s_transit->add_option("mrn", so.number, "Movement reference number")->required();

  // audit
  tamga::audit::AuditCommandOptions ao;
  auto* audit = app.add_subcommand(
      "audit",
      "Replay the whole ledger from genesis: every QC and signature, every transaction\n"
      "re-executed, every root recomputed. Exit status 0 clean, 4 anomalies found,\n"
      "5 interrupted (Ctrl-C; run again with the same --scratch to resume)");
  auto* a_dir =
      audit->add_option("--data-dir", ao.data_dir, "A node's data directory (opened read-only)");
  audit->add_option("--node", ao.node, "Download every block from this node instead")
      ->excludes(a_dir);
  audit->add_option("--genesis", ao.genesis_file, "The chain's genesis file")
      ->required()
      ->check(CLI::ExistingFile);
  audit->add_option("--report", ao.report_file, "Also write the text report here");
  audit->add_option("--json", ao.json_file, "Write the JSON report here");
  audit->add_option("--html", ao.html_file,
                    "Write the report as one HTML page with charts (opens offline)");
  audit->add_option("--scratch", ao.scratch_dir,
                    "Keep the replayed ledger in this folder and resume from it if it holds an "
                    "earlier run's (default: a temporary folder, removed when done)");
  audit->add_option("--threads", ao.threads, "Signature-checking threads (default: cores)");
  audit->add_flag("--quiet", ao.quiet, "No progress lines");

  // kpi
  tamga::audit::KpiCommandOptions ko;
  auto* kpi = app.add_subcommand(
      "kpi",
      "Time-release indicators from a node's ledger: transit and border-crossing times per\n"
      "corridor, certificate issuance to first use, verification request to answer (median,\n"
      "p90, p99), MRAs and recognised AEOs, volumes per administration");
  kpi->add_option("--data-dir", ko.data_dir, "A node's data directory (opened read-only)")
      ->required();
  kpi->add_option("--genesis", ko.genesis_file, "The chain's genesis file")
      ->required()
      ->check(CLI::ExistingFile);
  kpi->add_option("--from", ko.from,
                  "Start of the period, inclusive: 2026-03-01, 2026-03-01T12:00:00Z or ms "
                  "(default: the beginning)");
  kpi->add_option("--to", ko.to, "End of the period, exclusive (default: the head)");
  kpi->add_option("--corridor", ko.corridor, "Only transits along this route, e.g. KZ-KG-UZ");
  kpi->add_option("--format", ko.format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));
  kpi->add_flag("--samples", ko.samples,
                "With --format json: every interval and the two transactions it spans");
  kpi->add_option("--html", ko.html_file,
                  "Also write the figures as one HTML page with charts (opens offline)");
  kpi->add_flag("--quiet", ko.quiet, "No progress lines");

  CLI11_PARSE(app, argc, argv);

  tamga::Status status;
  if (*generate) {
    if (gen_fast_kdf) gen.kdf = tamga::KdfParams::Minimum();
    status = tamga::cli::KeysGenerate(gen, std::cout);
  } else if (*show) {
    status = tamga::cli::KeysShow(show_path, std::cout);
  } else if (*change) {
    status = tamga::cli::KeysChangePassphrase(change_path, old_pass, new_pass,
                                              tamga::KdfParams::Moderate(), std::cout);
  } else if (*log_consistency) {
    return tamga::cli::RunLogConsistency(lc, std::cout, std::cerr);
  } else if (*log_checkpoint) {
    return tamga::cli::RunLogCheckpoint(lk, std::cout, std::cerr);
  } else if (*log_export) {
    return tamga::cli::RunExportTiles(et, std::cout, std::cerr);
  } else if (*witness_cmd) {
    tamga::SetupLogging(tamga::LogFormat::kText, tamga::LogLevel::kInfo);
    return tamga::witness::RunWitness(wo, std::cout, std::cerr);
  } else if (*log_inclusion) {
    return tamga::cli::RunLogInclusion(li, std::cout, std::cerr);
  } else if (*log_witness) {
    return tamga::cli::RunLogWitness(lw, std::cout, std::cerr);
  } else if (*tsa_init) {
    if (ti_fast_kdf) ti.kdf = tamga::KdfParams::Minimum();
    status = tamga::cli::TsaInit(ti, std::cout);
  } else if (*tn_init) {
    status = tamga::cli::TestnetInit(tn, std::cout);
  } else if (*status_cmd) {
    status = NodeStatus(status_node);
  } else if (*g_create) {
    status = tamga::cli::GenesisCreate(gc, std::cout);
  } else if (*g_add) {
    status = tamga::cli::GenesisAdd(ga, std::cout);
  } else if (*g_sign) {
    status = tamga::cli::GenesisSign(gs, std::cout);
  } else if (*g_verify) {
    status = tamga::cli::GenesisVerify(gv_file, std::cout);
  } else if (tx_action) {
    status = tx_action();
  } else if (*show_cmd) {
    so.what = *s_doc ? "document" : *s_cert ? "certificate" : *s_aeo ? "aeo" : "transit";
    return tamga::cli::RunShow(so, std::cout, std::cerr);
  } else if (*verify) {
    return tamga::cli::RunVerify(vo, std::cout, std::cerr);
  } else if (*audit) {
    if (ao.data_dir.empty() == ao.node.empty()) {
      std::cerr << "tamga audit: give either --data-dir DIR or --node URL\n";
      return tamga::audit::kAuditExitUsage;
    }
    int code = tamga::audit::kAuditExitUsage;
    status = tamga::audit::RunAudit(ao, std::cout, std::cerr, &code);
    if (!status.ok()) return Fail(status);
    return code;
  } else if (*kpi) {
    status = tamga::audit::RunKpi(ko, std::cout, std::cerr);
  } else if (*hash) {
    auto digest = tamga::Sha256OfFile(hash_path);
    if (!digest.ok()) return Fail(digest.error());
    std::cout << digest->ToHex() << "  " << hash_path << "\n";
  }
  return status.ok() ? 0 : Fail(status);
} catch (const std::exception& e) {
  std::cerr << "tamga: unexpected error: " << e.what() << "\n";
  return 2;
}
