// tests/audit/sample_chain.h
// The chain the audit tests replay: eleven blocks of real transactions on the contracts
// harness (four administrations, real signatures), with rejections of five kinds and one
// epoch change (KR leaves by a membership vote at height 9), and helpers that tamper with
// what a ledger stores.
//
// Thread-safety: not thread-safe.

#pragma once

#include <cstdint>
#include <functional>

#include "ledger/kv_store.h"
#include "tests/contracts/harness.h"

namespace tamga::testing {

// Heights of the sample chain worth naming.
inline constexpr std::uint64_t kSampleHead = 11;
inline constexpr std::uint64_t kIssueHeight = 3;     // Two certificates; a wrong country.
inline constexpr std::uint64_t kUseHeight = 4;       // A use; an unknown certificate.
inline constexpr std::uint64_t kEmptyHeight = 6;     // No transactions.
inline constexpr std::uint64_t kEpochEndHeight = 9;  // KR's removal is adopted.

// Builds the sample chain on `c` (which must be fresh).
void BuildSampleChain(ContractsChain& c);

// Decodes the value of type T stored under `key` of `column`, lets `change` alter it, and
// stores it back re-encoded.
template <typename T>
void Tamper(ledger::KvStore& store, ledger::Column column, const Bytes& key,
            const std::function<void(T&)>& change) {
  T value = Decode<T>(store.Get(column, key).value().value(), "tampered value").value();
  change(value);
  ledger::WriteBatch batch;
  batch.Put(column, key, Encode(value));
  TAMGA_CHECK(store.Write(batch, true).ok());
}

// Copies every column of `from` into `to`.
void CopyStore(const ledger::KvStore& from, ledger::KvStore& to);

}  // namespace tamga::testing
