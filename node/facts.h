// node/facts.h
// The facts the API states about the ledger (a document by its hash, a certificate with its
// balance and history, an operator's AEO recognition, a transit with its events, a
// transaction's receipt), each with the state keys and log record a proof file of it
// covers, and the JSON views of the records the API and the command line print.
//
// A fact is read from the committed head. Its proof is built at the highest provable
// height (a block with two certified blocks above it); when the proven entries there still
// differ from the head's, ProveFact says so (Unavailable) and the client asks again a
// moment later: a proof never shows an older state than the answer it backs.
//
// Thread-safety: pure functions of the ledger's committed reads (safe beside its writer).

#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "contracts/model.h"
#include "ledger/ledger.h"

namespace tamga::node {

struct Fact {
  nlohmann::json body;
  Height height;                           // The committed height it was read at.
  std::vector<Hash32> keys;                // State entries a proof covers.
  std::optional<std::uint64_t> log_index;  // A log record a proof covers.
};

// NotFound for something the ledger does not hold; InvalidArgument for a malformed query.
Result<Fact> DocumentFact(const ledger::Ledger& ledger, const Hash32& document_hash);
Result<Fact> CertificateFact(const ledger::Ledger& ledger, std::string_view exporting_country,
                             std::string_view number);
// Is operator `op` of `country` recognised by `by` at `at_ms` (default: the head's time)?
// Read from the last block at or before that time.
Result<Fact> RecognitionFact(const ledger::Ledger& ledger, std::string_view country,
                             const Hash32& op, std::string_view by,
                             std::optional<std::uint64_t> at_ms);
Result<Fact> TransitFact(const ledger::Ledger& ledger, std::string_view mrn);
Result<Fact> TransactionFact(const ledger::Ledger& ledger, const Hash32& id);
// The same, for a proof: NotFound for a transaction that wrote no record (rejected).
Result<Fact> TransactionRecordFact(const ledger::Ledger& ledger, const Hash32& id);

// Log record `index`: its block, transaction and type, and its body (decoded for a time
// stamp's imprint). NotFound past the log's end or below this node's snapshot. Its proof
// is taken at the record's own block (Unavailable until that block is provable).
Result<Fact> RecordFact(const ledger::Ledger& ledger, std::uint64_t index);

Result<ledger::ProofFile> ProveFact(const ledger::Ledger& ledger, const Fact& fact);

// JSON views.
nlohmann::json CertificateJson(const contracts::CertificateRecord& c);
nlohmann::json AeoJson(const contracts::AeoRecord& a);
nlohmann::json MraJson(const contracts::MraRecord& m);
nlohmann::json TransitJson(const contracts::TransitRecord& t);
nlohmann::json AnchorJson(const contracts::AnchorRecord& a);
nlohmann::json ReceiptJson(const ledger::Receipt& r);

}  // namespace tamga::node
