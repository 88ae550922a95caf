// Benchmarks of the rules (issue #5): transactions executed per second by type, in blocks
// of 1,000 against a chain of four administrations, signatures checked serially (one core)
// as in a block with no verifier pool; and batch issuance per certificate.
// Run: build/release/bench/tamga_contracts_bench  (figures in BENCHMARKS.md)

#include <benchmark/benchmark.h>

#include "common/sha256.h"
#include "tests/contracts/harness.h"

namespace tamga::contracts {
namespace {

using testing::ContractsChain;

// Executes `block` against the head's state (nothing is committed), once per iteration.
void RunBlock(benchmark::State& state, ContractsChain& c, const tamga::Block& block,
              std::int64_t items_per_block) {
  const auto parent = c.ledger().StateBefore(nullptr);
  for (auto _ : state) {
    ledger::BlockOutput out = Executor::ExecuteBlock(parent, block).value();
    if (out.receipts.front().code != 0) state.SkipWithError("rejected");
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * items_per_block);
}

tamga::Block BlockOf(ContractsChain& c, std::vector<Transaction> txs) {
  tamga::Block b;
  b.header.chain_id = c.chain_id();
  b.header.timestamp_ms = c.NextBlockTime();
  b.transactions = std::move(txs);
  return b;
}

void BM_IssueOneCertificatePerTransaction(benchmark::State& state) {
  ContractsChain c;
  const SecretKey chamber = c.AddIssuer("KZ", "CCI-KZ");
  std::vector<Transaction> txs;
  for (int i = 0; i < 1000; ++i) {
    txs.push_back(c.Tx(chamber, TxType::kIssueCertificates,
                       IssueCertificates{{testing::SampleCertificate(
                           "S-" + std::to_string(i), "KZ", "UZ", 1000, c.NextBlockTime())}}));
  }
  RunBlock(state, c, BlockOf(c, std::move(txs)), 1000);
}
BENCHMARK(BM_IssueOneCertificatePerTransaction)->Unit(benchmark::kMillisecond);

void BM_IssueBatchPerCertificate(benchmark::State& state) {
  ContractsChain c;
  const SecretKey chamber = c.AddIssuer("KZ", "CCI-KZ");
  IssueCertificates batch;
  for (int i = 0; i < 1000; ++i) {
    batch.certificates.push_back(
        testing::SampleCertificate("B-" + std::to_string(i), "KZ", "UZ", 1000, c.NextBlockTime()));
  }
  RunBlock(state, c, BlockOf(c, {c.Tx(chamber, TxType::kIssueCertificates, batch)}), 1000);
}
BENCHMARK(BM_IssueBatchPerCertificate)->Unit(benchmark::kMillisecond);

void BM_UseCertificate(benchmark::State& state) {
  ContractsChain c;
  const SecretKey chamber = c.AddIssuer("KZ", "CCI-KZ");
  const SecretKey office = c.AddOffice("UZ", "UZ-TASH");
  IssueCertificates batch;
  for (int i = 0; i < 1000; ++i) {
    batch.certificates.push_back(
        testing::SampleCertificate("U-" + std::to_string(i), "KZ", "UZ", 1000, c.NextBlockTime()));
  }
  (void)c.Block({c.Tx(chamber, TxType::kIssueCertificates, batch)});
  std::vector<Transaction> txs;
  for (int i = 0; i < 1000; ++i) {
    txs.push_back(c.Tx(office, TxType::kUseCertificate,
                       UseCertificate{"KZ", "U-" + std::to_string(i),
                                      Sha256Of(AsBytes("declaration " + std::to_string(i))), 400}));
  }
  RunBlock(state, c, BlockOf(c, std::move(txs)), 1000);
}
BENCHMARK(BM_UseCertificate)->Unit(benchmark::kMillisecond);

void BM_RegisterOffice(benchmark::State& state) {
  ContractsChain c;
  std::vector<Transaction> txs;
  for (int i = 0; i < 1000; ++i) {
    txs.push_back(c.Tx(c.admin("UZ"), TxType::kRegisterOffice,
                       RegisterOffice{"UZ-" + std::to_string(i), "office",
                                      SecretKey::FromSeed({static_cast<std::uint8_t>(i),
                                                           static_cast<std::uint8_t>(i >> 8), 7})
                                          .public_key()}));
  }
  RunBlock(state, c, BlockOf(c, std::move(txs)), 1000);
}
BENCHMARK(BM_RegisterOffice)->Unit(benchmark::kMillisecond);

void BM_SetAeoStatus(benchmark::State& state) {
  ContractsChain c;
  std::vector<Transaction> txs;
  for (int i = 0; i < 1000; ++i) {
    txs.push_back(c.Tx(c.admin("KR"), TxType::kSetAeoStatus,
                       SetAeoStatus{Sha256Of(AsBytes("operator " + std::to_string(i))),
                                    AeoStatus::kGranted, "AEO-S", 0, 4'000'000'000'000}));
  }
  RunBlock(state, c, BlockOf(c, std::move(txs)), 1000);
}
BENCHMARK(BM_SetAeoStatus)->Unit(benchmark::kMillisecond);

void BM_OpenTransit(benchmark::State& state) {
  ContractsChain c;
  const SecretKey office = c.AddOffice("KZ", "KZ-KHORGOS");
  (void)c.AddOffice("UZ", "UZ-TASH");
  std::vector<Transaction> txs;
  for (int i = 0; i < 1000; ++i) {
    txs.push_back(c.Tx(office, TxType::kOpenTransit,
                       OpenTransit{"MRN-" + std::to_string(i),
                                   {"KZ", "KG", "UZ"},
                                   "UZ-TASH",
                                   Hash32(),
                                   Sha256Of(AsBytes("manifest " + std::to_string(i))),
                                   Hash32()}));
  }
  RunBlock(state, c, BlockOf(c, std::move(txs)), 1000);
}
BENCHMARK(BM_OpenTransit)->Unit(benchmark::kMillisecond);

void BM_AnchorDocument(benchmark::State& state) {
  ContractsChain c;
  const SecretKey phyto = c.AddIssuer("UZ", "UZ-PHYTO", ScopeOf(DocumentType::kPhytosanitary));
  std::vector<Transaction> txs;
  for (int i = 0; i < 1000; ++i) {
    txs.push_back(c.Tx(phyto, TxType::kAnchorDocument,
                       AnchorDocument{DocumentType::kPhytosanitary,
                                      Sha256Of(AsBytes("ephyto " + std::to_string(i))),
                                      "PHY-" + std::to_string(i)}));
  }
  RunBlock(state, c, BlockOf(c, std::move(txs)), 1000);
}
BENCHMARK(BM_AnchorDocument)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tamga::contracts

BENCHMARK_MAIN();
