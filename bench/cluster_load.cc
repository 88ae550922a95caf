// tamga_cluster_load: the cluster load generator. Offers signed transactions at a fixed
// rate to the nodes of a running testnet (round-robin over their HTTP APIs), watches
// committed blocks on one node, and prints committed transactions and documents per second
// and commit latency percentiles (submission to the block that holds it being readable).
// Each transaction anchors one document, or with --batch B > 1 issues B certificates of
// origin at once (the batch issuance chambers use).
//
//   tamga_cluster_load --testnet DIR --rate 500 --seconds 10 [--signers 64] [--batch 1]
//                      [--per-request 1]
//
// DIR is a folder written by `tamga testnet init` whose nodes are running (testnet/bench
// does all of it). The machine's ceiling is measured first, before any load: Ed25519
// verifications a second on every core (one thread a core, each checking a signed anchor
// transaction's signature over and over for a second). Every validator checks every client
// signature once, so the cluster cannot commit more signed transactions a second than that divided
// by the validator count; the committed rate is also printed as a ratio to it. --ceiling V skips
// the measurement and uses V (testnet/bench measures it once, on a quiet machine, before
// it starts any node; `tamga_cluster_load --ceiling-only` prints it and exits). The administrator
// of node 0 first accredits --signers issuers with the anchor scope; each transaction is then
// signed by one of them in turn, so no signer's sequence is a bottleneck. Every transaction is
// signed before the clock starts.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bench/verify_ceiling.h"
#include "client/genesis_file.h"
#include "client/http_client.h"
#include "common/clock.h"
#include "common/encoding.h"
#include "common/key_file.h"
#include "contracts/executor.h"
#include "node/config.h"

namespace tamga {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "tamga_cluster_load: %s\n", why.c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.error().ToString());
  return std::move(r).value();
}

std::string Body(const Transaction& tx) { return json{{"transaction", ToHex(Encode(tx))}}.dump(); }

bool WaitCommitted(client::HttpClient& c, const Hash32& id, int seconds) {
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < end) {
    auto r = c.Get("/v1/transactions/" + id.ToHex());
    if (r.ok() && r->status == 200 && json::parse(r->body)["status"] == "committed") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

int Run(const std::string& dir, double rate, double seconds, std::size_t signers, std::size_t batch,
        double ceiling, std::size_t per_request) {
  const contracts::Genesis genesis =
      Must(client::LoadGenesisFile(dir + "/genesis.json"), "genesis");
  const ChainId chain = Must(contracts::StartChain(genesis), "genesis").anchor.chain_id;
  const std::size_t nodes = genesis.administrations.size();
  std::vector<std::string> apis;
  for (std::size_t i = 0; i < nodes; ++i) {
    auto cfg = Must(node::LoadConfig(dir + "/node" + std::to_string(i) + "/tamgad.toml"), "config");
    apis.push_back(cfg.api_listen);
  }
  if (ceiling <= 0) ceiling = bench::MeasureVerifyCeiling(1.0);
  // Signed transactions a second the cluster could commit if checking signatures were
  // all it did.
  const double ceiling_tx = ceiling / static_cast<double>(nodes);
  const SecretKey admin = Must(LoadKeyFile(dir + "/node0/admin.key", std::nullopt), "admin key");
  client::HttpClient c0 = Must(client::HttpClient::Connect(apis[0]), "connect");

  // Issuers for the anchors, accredited by node 0's administration.
  auto account = Must(c0.Get("/v1/accounts/" + admin.public_key().ToHex()), "account");
  std::uint64_t admin_seq = json::parse(account.body)["last_sequence"].get<std::uint64_t>();
  std::vector<SecretKey> issuers;
  Hash32 last_accreditation;
  const std::string tag = std::to_string(admin_seq);
  for (std::size_t i = 0; i < signers; ++i) {
    issuers.push_back(SecretKey::Generate());
    Transaction tx;
    tx.chain_id = chain;
    tx.type = static_cast<std::uint16_t>(contracts::TxType::kAccreditIssuer);
    tx.payload = Encode(contracts::AccreditIssuer{
        "LOAD-" + tag + "-" + std::to_string(i), "load generator issuer " + std::to_string(i),
        issuers.back().public_key(),
        batch > 1 ? contracts::kScopeCertificateOfOrigin
                  : contracts::ScopeOf(contracts::DocumentType::kOther)});
    tx.sequence = ++admin_seq;
    tx.Sign(admin);
    auto r = Must(c0.Post("/v1/transactions", Body(tx)), "accredit");
    if (r.status != 202) Die("accreditation refused: " + r.body);
    last_accreditation = tx.Hash();
  }
  if (!WaitCommitted(c0, last_accreditation, 60)) Die("issuers not accredited within 60 s");

  // Every transaction signed up front.
  const auto total = static_cast<std::size_t>(rate * seconds);
  std::vector<Transaction> txs(total);
  std::vector<std::string> bodies(total);
  std::map<Hash32, std::size_t> index;
  std::mt19937_64 rng(std::random_device{}());
  auto random_hash = [&rng] {
    Hash32 h;
    for (std::size_t b = 0; b < 32; b += 8) {
      const std::uint64_t r = rng();
      std::memcpy(h.data() + b, &r, 8);
    }
    return h;
  };
  const std::uint64_t now_ms = UnixNowMs();
  for (std::size_t i = 0; i < total; ++i) {
    Transaction& tx = txs[i];
    tx.chain_id = chain;
    if (batch > 1) {
      tx.type = static_cast<std::uint16_t>(contracts::TxType::kIssueCertificates);
      contracts::IssueCertificates issue;
      for (std::size_t k = 0; k < batch; ++k) {
        contracts::CertificateIssue c;
        c.number = "L" + tag + "-" + std::to_string(i) + "-" + std::to_string(k);
        c.document_hash = random_hash();
        c.exporting_country = genesis.administrations[0].country;
        c.importing_country = genesis.administrations[1 % nodes].country;
        c.issued_ms = now_ms - 60'000;
        c.valid_until_ms = now_ms + 86'400'000;
        c.quantity = 1000;
        c.unit = "kg";
        issue.certificates.push_back(std::move(c));
      }
      tx.payload = Encode(issue);
    } else {
      tx.type = static_cast<std::uint16_t>(contracts::TxType::kAnchorDocument);
      contracts::AnchorDocument doc;
      doc.type = contracts::DocumentType::kOther;
      doc.document_hash = random_hash();
      doc.reference = "LOAD-" + std::to_string(i);
      tx.payload = Encode(doc);
    }
    tx.sequence = i / signers + 1;
    tx.Sign(issuers[i % signers]);
    bodies[i] = Body(tx);
    index[tx.Hash()] = i;
  }

  std::vector<Clock::time_point> submitted(total), committed(total);
  std::vector<char> done(total, 0);
  std::atomic<std::size_t> refused{0}, failed{0};
  std::atomic<bool> submitting{true};
  // After the last submission, how long the watcher waits for the rest to commit.
  std::atomic<Clock::time_point> drain_deadline{Clock::time_point::max()};
  std::mutex mu;
  std::string first_refusal;

  // The watcher: committed blocks from node 0, as soon as each is readable.
  auto start_height =
      json::parse(Must(c0.Get("/v1/status"), "status").body)["height"].get<std::uint64_t>() + 1;
  std::size_t committed_count = 0, blocks = 0;
  Clock::time_point last_commit;
  std::fprintf(stderr, "  watching from height %llu\n",
               static_cast<unsigned long long>(start_height));
  std::thread watcher([&] {
    client::HttpClient w = Must(client::HttpClient::Connect(apis[0]), "connect");
    std::uint64_t h = start_height;
    auto last_progress = Clock::now();
    while (true) {
      auto r = w.Get("/v1/blocks/" + std::to_string(h) + "?wait_ms=1000");
      const auto now = Clock::now();
      if (r.ok() && r->status == 200) {
        ++blocks;
        const json block = json::parse(r->body);  // Named: a range-for over a temporary's
        std::lock_guard<std::mutex> lock(mu);     // member would dangle.
        for (const auto& id : block["transactions"]) {
          auto it = index.find(Must(Hash32::FromHex(id.get<std::string>()), "id"));
          if (it == index.end() || done[it->second]) continue;
          done[it->second] = 1;
          committed[it->second] = now;
          ++committed_count;
          last_commit = now;
        }
        ++h;
        if (committed_count + refused + failed >= total && !submitting) return;
      }
      if (!submitting && now > drain_deadline.load()) return;  // What is left is lost.
      if (now - last_progress > std::chrono::seconds(2)) {
        last_progress = now;
        std::fprintf(stderr, "  height %llu: %zu of %zu committed, %zu refused, %zu failed\n",
                     static_cast<unsigned long long>(h), committed_count, total, refused.load(),
                     failed.load());
      }
    }
  });

  // One submitter per node, each offering its share on the global schedule: one
  // transaction a request, or (--per-request K) K at a time through the batch endpoint,
  // each group sent when its last transaction is due.
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> submitters;
  for (std::size_t n = 0; n < nodes; ++n) {
    submitters.emplace_back([&, n] {
      client::HttpClient c = Must(client::HttpClient::Connect(apis[n]), "connect");
      std::vector<std::size_t> group;
      for (std::size_t i = n; i < total; i += nodes) {
        group.push_back(i);
        if (group.size() < per_request && i + nodes < total) continue;
        const auto due = start + std::chrono::microseconds(static_cast<std::int64_t>(
                                     static_cast<double>(i) * 1e6 / rate));
        std::this_thread::sleep_until(due);
        const auto now = Clock::now();
        for (std::size_t k : group) submitted[k] = now;
        if (per_request == 1) {
          auto r = c.Post("/v1/transactions", bodies[i]);
          if (!r.ok()) {
            ++failed;
          } else if (r->status != 202) {
            ++refused;
            std::lock_guard<std::mutex> lock(mu);
            if (first_refusal.empty()) first_refusal = r->body;
          }
        } else {
          json list = json::array();
          for (std::size_t k : group) list.push_back(ToHex(Encode(txs[k])));
          auto r = c.Post("/v1/transactions/batch", json{{"transactions", list}}.dump());
          if (!r.ok() || r->status != 200) {
            failed += group.size();
            std::lock_guard<std::mutex> lock(mu);
            if (first_refusal.empty()) first_refusal = r.ok() ? r->body : r.error().ToString();
          } else {
            for (const json& result : json::parse(r->body)["results"]) {
              if (result.contains("status")) continue;
              ++refused;
              std::lock_guard<std::mutex> lock(mu);
              if (first_refusal.empty()) first_refusal = result.dump();
            }
          }
        }
        group.clear();
      }
    });
  }
  for (auto& t : submitters) t.join();
  const auto submit_end = Clock::now();
  drain_deadline = submit_end + std::chrono::seconds(30);
  submitting = false;
  watcher.join();

  std::vector<double> latency_ms;
  for (std::size_t i = 0; i < total; ++i) {
    if (done[i]) {
      latency_ms.push_back(
          std::chrono::duration<double, std::milli>(committed[i] - submitted[i]).count());
    }
  }
  const double window =
      std::chrono::duration<double>(std::max(last_commit, submit_end) - start).count();
  const double offered =
      static_cast<double>(total) / std::chrono::duration<double>(submit_end - start).count();
  const double committed_per_s = static_cast<double>(committed_count) / window;
  std::printf(
      "{\"validators\": %zu, \"rate_offered\": %.0f, \"rate_achieved_submit\": %.0f, "
      "\"transactions\": %zu, \"committed\": %zu, \"refused\": %zu, \"failed\": %zu, "
      "\"committed_per_s\": %.0f, \"batch\": %zu, \"documents_per_s\": %.0f, \"blocks\": %zu, "
      "\"latency_ms\": {\"p50\": %.1f, \"p90\": %.1f, \"p99\": %.1f, \"max\": %.1f}, "
      "\"ceiling\": {\"ed25519_verify_per_s\": %.0f, \"signed_tx_per_s\": %.0f}, "
      "\"committed_to_ceiling\": %.3f, \"per_request\": %zu}\n",
      nodes, rate, offered, total, committed_count, refused.load(), failed.load(), committed_per_s,
      batch, static_cast<double>(committed_count * batch) / window, blocks,
      Percentile(latency_ms, 0.5), Percentile(latency_ms, 0.9), Percentile(latency_ms, 0.99),
      Percentile(latency_ms, 1.0), ceiling, ceiling_tx, committed_per_s / ceiling_tx, per_request);
  if (!first_refusal.empty()) std::fprintf(stderr, "first refusal: %s\n", first_refusal.c_str());
  return committed_count == total ? 0 : 2;
}

}  // namespace
}  // namespace tamga

int main(int argc, char** argv) {
  CLI::App app{"tamga_cluster_load: offer signed transactions to a running testnet"};
  std::string dir;
  double rate = 500, seconds = 10;
  std::size_t signers = 64;
  app.add_option("--testnet", dir, "Folder written by `tamga testnet init`");
  app.add_option("--rate", rate, "Transactions per second offered")->check(CLI::PositiveNumber);
  app.add_option("--seconds", seconds, "How long to offer them")->check(CLI::PositiveNumber);
  app.add_option("--signers", signers, "Issuer keys the load is spread over")
      ->check(CLI::PositiveNumber);
  std::size_t batch = 1;
  app.add_option("--batch", batch, "Certificates per transaction (1: anchors instead)")
      ->check(CLI::Range(std::size_t{1}, tamga::contracts::kBatchMax));
  std::size_t per_request = 1;
  app.add_option("--per-request", per_request,
                 "Transactions a request (above 1: POST /v1/transactions/batch)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  double ceiling = 0;
  app.add_option("--ceiling", ceiling,
                 "Ed25519 verifications a second on all cores, measured earlier (0: measure)");
  bool ceiling_only = false;
  app.add_flag("--ceiling-only", ceiling_only, "Measure the ceiling, print it and exit");
  CLI11_PARSE(app, argc, argv);
  if (ceiling_only) {
    std::printf("{\"ed25519_verify_per_s\": %.0f, \"cores\": %u}\n",
                tamga::bench::MeasureVerifyCeiling(2.0), std::thread::hardware_concurrency());
    return 0;
  }
  if (dir.empty()) {
    std::fprintf(stderr, "tamga_cluster_load: --testnet is required\n");
    return 2;
  }
  return tamga::Run(dir, rate, seconds, signers, batch, ceiling, per_request);
}
