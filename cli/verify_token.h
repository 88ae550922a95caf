// cli/verify_token.h
// `tamga verify DOC --token FILE.tsr`: an RFC 3161 token from a Tamga node, checked two
// ways (docs/proof-format.md, "Time-stamp tokens"):
//   - as any RFC 3161 tool would: the imprint is the document's digest, and, given the
//     TSA's CA (--tsa-ca), the token's signature and certificate chain verify;
//   - by the quorum: the record the token names, proven against the pinned genesis, holds
//     the same imprint, in the block the token names, whose quorum-signed time is the
//     token's genTime.
// The verdict's words are English only (the page's languages do not cover tokens yet).
//
// Thread-safety: pure functions.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cli/verify_command.h"
#include "common/bytes.h"
#include "common/status.h"
#include "contracts/model.h"

namespace tamga::cli {

// The log index of the record the token names (for GET /v1/records/{index}/proof).
Result<std::uint64_t> TokenRecordIndex(ByteView token);

// Codes: timestamp_proven (exit 0); token_invalid, token_rejected, proof_invalid,
// not_on_ledger (the proven record is not the token's), bad_genesis (exit 2, 1 for the
// genesis); other_file, no_location, other_chain, record_not_shown, time_not_shown (a
// proof at a later block than the record's, without --tsa-ca: genTime unproven) (exit 3).
DocumentVerdict ExplainToken(const contracts::Genesis& genesis, ByteView document, ByteView token,
                             const std::optional<std::string>& tsa_ca_file,
                             std::string_view proof_json);

}  // namespace tamga::cli
