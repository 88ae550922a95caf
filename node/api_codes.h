// node/api_codes.h
// The codes of the node's answers that are not rejection reasons of the rules (those are
// contracts::ReasonCode): a transaction refused at admission by the node itself
// ("duplicate", "mempool_full", ...) and the API's errors ("not_found", ...). One table
// (api_codes.cc) gives each its stable code, which clients and /metrics see, and a sentence
// for people. Never rename a code: tests/node/api_codes_test.cc pins them, and checks that
// docs/openapi.json lists exactly these codes and the reasons' ones.
//
// Thread-safety: constants.

#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace tamga::node {

enum class ApiCode : std::uint8_t {
  // A submitted transaction refused by the node rather than by the rules.
  kDuplicate,      // Already waiting for a block (409).
  kSequenceTaken,  // Another waiting transaction of its signer has its sequence (409).
  kMempoolFull,    // (503)
  kUnavailable,    // The node cannot check it now: stopping, or a storage error (503).
  kRateLimited,    // Over the submissions a second of its address or signer (429).
  // A request (body, path or query) that is not what is expected (400), any endpoint.
  kBadRequest,
  // The API's other errors.
  kNotFound,          // (404)
  kMethodNotAllowed,  // (405)
  kTooLarge,          // Headers or body over the limit (413).
  kNotYetProvable,    // A proof asked for too early (503).
  kTooManyStreams,    // Event streams at their limit (503).
  kBusy,              // Computing as many indicators as it may (503, node/kpi_service.h).
  kInternal,          // The node could not read its own storage, or a defect (500).
};

// Which error bodies of docs/openapi.json carry a code: the Refusal schema (the answers to
// POST /v1/transactions), the Error schema (every other error body), or both.
enum class ApiBody : std::uint8_t { kRefusal = 1, kError = 2, kBoth = 3 };

struct ApiCodeEntry {
  ApiCode value;
  std::string_view code;  // Stable snake_case: never renamed.
  std::string_view text;  // A sentence for people; may be reworded.
  ApiBody body;
};

// Every code, in the enum's order.
std::span<const ApiCodeEntry> ApiCodeTable();
// The stable code ("mempool_full").
std::string_view ApiCodeName(ApiCode c);
// Its sentence ("the node holds as many transactions as it may; try again shortly").
std::string_view ApiCodeText(ApiCode c);

}  // namespace tamga::node
