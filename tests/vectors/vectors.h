// tests/vectors/vectors.h
// Test vectors of proof files (docs/vectors/README.md): a proof file, the genesis to check
// it against, the document's SHA-256, the local time and the verdict a verifier must reach.
// The same files test the C++ verifier (tamga_vector_tests) and any other verifier written
// from docs/proof-format.md.
//
// Thread-safety: not thread-safe (MakeVectors drives in-memory chains); the rest are pure
// functions, apart from the files they read and write.

#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cli/verify_command.h"
#include "common/status.h"
#include "contracts/model.h"

namespace tamga::vectors {

struct Expect {
  int exit = 0;                   // `tamga verify`'s exit status: 0, 2 or 3.
  std::string code;               // cli::DocumentVerdict::code.
  std::string proof_error;        // ProofErrorCode when code is proof_invalid; else empty.
  nlohmann::ordered_json record;  // The proven record's main fields, or null.
};

struct Vector {
  std::string name;
  std::string description;  // One sentence: what it shows.
  contracts::Genesis genesis;
  Hash32 document_sha256;
  std::uint64_t now_ms = 0;
  std::uint64_t max_age_ms = 0;
  nlohmann::ordered_json proof;  // The proof file; null when it is
  std::string proof_text;        // text that is not JSON.
  // Null for a document's vector. For a question of AEO recognition: {"kind":
  // "recognition", "country", "operator" (64 hex), "by", "at_ms"}; then
  // `document_sha256` is unused (zeros) and expect.record is {"kind": "recognition",
  // "why": the reason's code}.
  nlohmann::ordered_json query;
  Expect expect;
};

// Every vector, built on fresh chains by the real rules with real signatures. Keys are
// fresh each run: two runs differ in their bytes, not in their verdicts.
std::vector<Vector> MakeVectors();

nlohmann::ordered_json VectorToJson(const Vector& v);
// InvalidArgument for a file that is not a vector.
Result<Vector> VectorFromJson(std::string_view text);

// Writes each vector to `dir`/<name>.json (creating `dir`).
Status WriteVectors(const std::vector<Vector>& vectors, const std::string& dir);
// Reads every *.json file of `dir`, in file name order.
Result<std::vector<Vector>> ReadVectors(const std::string& dir);

// The C++ verifier's conclusions about `v` compared with v.expect: the verdict's exit, code
// and proof error, and the record the proof shows. Empty when they agree; else each
// difference in a sentence.
std::vector<std::string> CheckVector(const Vector& v);

// What the C++ verifier says of `v` in `lang` (ExplainDocument, or ExplainRecognition for a
// question of recognition).
cli::DocumentVerdict Explain(const Vector& v, std::string_view lang);

}  // namespace tamga::vectors
