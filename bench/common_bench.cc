// Benchmarks of the shared primitives (issue #2): SHA-256, Merkle node hashing, Ed25519,
// parallel batch verification and the canonical encoding of a typical transaction.
// Run: build/release/bench/tamga_common_bench  (figures in BENCHMARKS.md)

#include <benchmark/benchmark.h>
#include <openssl/sha.h>
#include <sodium.h>

#include "common/batch_verifier.h"
#include "common/chain.h"
#include "common/merkle.h"
#include "common/sha256.h"
#include "tests/support/samples.h"

namespace tamga {
namespace {

void BM_Sha256_ReusedContext(benchmark::State& state) {
  const Bytes data(static_cast<std::size_t>(state.range(0)), 0xab);
  for (auto _ : state) benchmark::DoNotOptimize(Sha256Of(data));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256_ReusedContext)->Arg(64)->Arg(1 << 20);

// For comparison only: OpenSSL's one-shot call and libsodium, which BENCHMARKS.md quotes.
void BM_Sha256_OpenSslOneShot(benchmark::State& state) {
  const Bytes data(static_cast<std::size_t>(state.range(0)), 0xab);
  unsigned char out[32];
  for (auto _ : state) benchmark::DoNotOptimize(SHA256(data.data(), data.size(), out));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256_OpenSslOneShot)->Arg(64);

void BM_Sha256_Libsodium(benchmark::State& state) {
  EnsureSodium();
  const Bytes data(static_cast<std::size_t>(state.range(0)), 0xab);
  unsigned char out[32];
  for (auto _ : state) {
    crypto_hash_sha256(out, data.data(), data.size());
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Sha256_Libsodium)->Arg(64);

void BM_MerkleNodeHash(benchmark::State& state) {
  Hash32 a = Sha256Of(AsBytes("a")), b = Sha256Of(AsBytes("b"));
  for (auto _ : state) {
    a = MerkleNodeHash(a, b);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_MerkleNodeHash);

void BM_MerkleRoot(benchmark::State& state) {
  std::vector<Hash32> leaves;
  for (int i = 0; i < state.range(0); ++i)
    leaves.push_back(MerkleLeafHash(AsBytes(std::to_string(i))));
  for (auto _ : state) benchmark::DoNotOptimize(MerkleRoot(leaves));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_MerkleRoot)->Arg(1000);

void BM_Ed25519_Sign(benchmark::State& state) {
  const SecretKey key = testing::TestKey(1);
  const Bytes msg(200, 7);
  for (auto _ : state) benchmark::DoNotOptimize(key.Sign(SignDomain::kTransaction, msg));
}
BENCHMARK(BM_Ed25519_Sign);

void BM_Ed25519_Verify(benchmark::State& state) {
  const SecretKey key = testing::TestKey(1);
  const Bytes msg(200, 7);
  const Signature sig = key.Sign(SignDomain::kTransaction, msg);
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifySignature(key.public_key(), SignDomain::kTransaction, msg, sig));
  }
}
BENCHMARK(BM_Ed25519_Verify);

// Batches of 1,024 signatures on a pool of 1 and of 2 threads; items/s is signatures/s,
// and real time is what counts, since the work is on the pool's threads.
void BM_BatchVerify(benchmark::State& state) {
  ThreadPool pool(static_cast<std::size_t>(state.range(0)));
  BatchVerifier verifier(pool);
  std::vector<Bytes> msgs;
  std::vector<SignatureCheck> checks;
  for (int i = 0; i < 1024; ++i) msgs.push_back(Bytes(200, static_cast<std::uint8_t>(i)));
  for (int i = 0; i < 1024; ++i) {
    const SecretKey key = testing::TestKey(static_cast<std::uint8_t>(i % 16 + 1));
    checks.push_back({key.public_key(), SignDomain::kTransaction, msgs[static_cast<std::size_t>(i)],
                      key.Sign(SignDomain::kTransaction, msgs[static_cast<std::size_t>(i)])});
  }
  for (auto _ : state) benchmark::DoNotOptimize(verifier.Verify(checks));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 1024);
}
BENCHMARK(BM_BatchVerify)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_Transaction_Encode(benchmark::State& state) {
  const Transaction tx = testing::SampleTransaction(1, 1, 200);
  for (auto _ : state) benchmark::DoNotOptimize(Encode(tx));
}
BENCHMARK(BM_Transaction_Encode);

void BM_Transaction_Decode(benchmark::State& state) {
  const Bytes enc = Encode(testing::SampleTransaction(1, 1, 200));
  for (auto _ : state) benchmark::DoNotOptimize(Decode<Transaction>(enc, "tx"));
}
BENCHMARK(BM_Transaction_Decode);

}  // namespace
}  // namespace tamga

BENCHMARK_MAIN();
