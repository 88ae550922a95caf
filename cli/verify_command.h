// cli/verify_command.h
// `tamga verify`: what a trader or a customs officer runs on a document. Given the
// document and a proof file (or a node to fetch one from), checked against a pinned
// genesis with nothing else trusted, it says in plain words what is proven (issuer,
// countries, the time a quorum of administrations signed, the status at that time, the
// remaining quantity) or why not.
//
// Exit status: 0 only for a proven document that is in force at the proof's time;
// 2 when the proof does not verify (tampered, another chain); 3 when it verifies but the
// document is not on the ledger or not in force (revoked, replaced, used up, expired, not
// confirmed by its exporting administration), or the proof is older than allowed;
// 1 for unusable input (missing files, a node that does not answer).
//
// Thread-safety: pure functions, and one blocking command.

#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/model.h"
#include "ledger/records.h"

namespace tamga::cli {

inline constexpr int kVerifyInForce = 0;
inline constexpr int kVerifyError = 1;
inline constexpr int kVerifyProofInvalid = 2;
inline constexpr int kVerifyNotInForce = 3;

struct DocumentVerdict {
  int exit_code = kVerifyError;
  // The verdict's stable code, which programs and test vectors (docs/vectors) compare:
  // in_force; bad_genesis; proof_invalid (with proof_error); too_old; not_about_document;
  // not_anchored; record_not_shown; other_file; a certificate's reason (ReasonCode, e.g.
  // certificate_revoked, certificate_fully_used); expired_since; anchor_revoked;
  // unreadable_kind.
  std::string code;
  std::string proof_error;         // ProofErrorCode, when code is proof_invalid.
  std::string why;                 // A recognition's reason code (contracts::Recognition).
  std::string record_kind;         // "certificate", "anchor", "transit" once read; else empty.
  std::string headline;            // One sentence: VALID ..., NOT VALID ..., or why not.
  std::vector<std::string> lines;  // What the proof shows, one fact a line.
};

// Checks `proof_json` against `genesis` for the document whose SHA-256 is `document_hash`,
// at local time `now_ms`: a proof older than `max_age_ms` (0: any age) is not accepted, and
// a certificate that expired since the proof's time is not in force. The headline and
// lines are in `lang` (en, ru, zh, ko), the verifier page's own words.
DocumentVerdict ExplainDocument(const contracts::Genesis& genesis, const Hash32& document_hash,
                                std::string_view proof_json, std::uint64_t now_ms,
                                std::uint64_t max_age_ms = 0, std::string_view lang = "en");

// The same for a question of AEO recognition: is the operator `operator_id` (the SHA-256 of
// its national identifier) of `country` recognised by `by` at `at_ms`, by the state after
// the proof's block (GET /v1/aeo/{country}/{operator}/proof?by=..&at_ms=..)? The rules' own
// test (contracts::RecognitionOf) on the proven entries: code recognised (exit 0) or
// not_recognised, with `why`; proof_after_time when the block is later than `at_ms`;
// record_not_shown when the proof does not cover the AEO record or the MRA. The verifier
// page gives the same verdict in the same words (docs/proof-format.md).
DocumentVerdict ExplainRecognition(const contracts::Genesis& genesis, std::string_view country,
                                   const Hash32& operator_id, std::string_view by,
                                   std::uint64_t at_ms, std::string_view proof_json,
                                   std::uint64_t now_ms, std::uint64_t max_age_ms = 0,
                                   std::string_view lang = "en");

struct VerifyOptions {
  std::string document;      // The document file.
  std::string proof_file;    // A proof file, or
  std::string node;          // a node to fetch it from (host:port).
  std::string genesis_file;  // The pinned genesis.
  std::string save_proof;    // With --node: also keep the fetched proof here.
  // A proof shows the ledger at its block's time; older ones are refused (0: any age).
  std::uint64_t max_age_hours = 24 * 7;
  std::string lang = "en";  // The verdict's language: en, ru, zh, ko.
  std::string qr_file;      // Also write the QR code of the verifier page's link here (SVG),
  std::string page;         // opening this page (default: http://<node>).
  // An RFC 3161 token of the document (cli/verify_token.h): the proof is then the record's
  // the token names; tsa_ca, the TSA's CA file, checks the token's own signature too.
  std::string token;
  std::string tsa_ca;
  // Witnesses (C2SP tlog-cosignature keys, or files holding one) that must have cosigned a
  // checkpoint the proof's log is in: --checkpoint FILE, or with --node its GET
  // /checkpoint. witnesses_required: how many of them (0: all given).
  std::string checkpoint;
  std::vector<std::string> witnesses;
  std::size_t witnesses_required = 0;
};

// Runs the command; prints the verdict; returns the exit status.
int RunVerify(const VerifyOptions& options, std::ostream& out, std::ostream& err);

// "2026-11-22 05:20:31 UTC".
std::string UtcTime(std::uint64_t ms);

// The countries of the genesis' validators among `keys`, "KZ, UZ, KG" (a key the genesis
// does not list: its first 16 hex digits).
std::string SignerNames(const contracts::Genesis& genesis, const std::vector<PublicKey>& keys);

}  // namespace tamga::cli
