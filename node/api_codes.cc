// node/api_codes.cc

#include "node/api_codes.h"

#include <cstddef>
#include <iterator>

namespace tamga::node {
namespace {

// One row per code, in the enum's order (checked below). Never rename a code.
constexpr ApiCodeEntry kApiCodes[] = {
    {ApiCode::kDuplicate, "duplicate", "the transaction is already waiting for a block",
     ApiBody::kRefusal},
    {ApiCode::kSequenceTaken, "sequence_taken",
     "another transaction of this signer with this sequence is already waiting for a block",
     ApiBody::kRefusal},
    {ApiCode::kMempoolFull, "mempool_full",
     "the node holds as many transactions as it may; try again shortly", ApiBody::kRefusal},
    {ApiCode::kUnavailable, "unavailable", "the node cannot check the transaction now",
     ApiBody::kRefusal},
    {ApiCode::kRateLimited, "rate_limited",
     "too many submissions a second from this address or by this signer; retry after the "
     "time Retry-After gives",
     ApiBody::kRefusal},
    {ApiCode::kBadRequest, "bad_request", "the request is not what this endpoint expects",
     ApiBody::kBoth},
    {ApiCode::kNotFound, "not_found", "nothing there", ApiBody::kError},
    {ApiCode::kMethodNotAllowed, "method_not_allowed", "the path is not served with this method",
     ApiBody::kError},
    {ApiCode::kTooLarge, "too_large", "headers or body over the limit", ApiBody::kError},
    {ApiCode::kNotYetProvable, "not_yet_provable", "not provable yet; ask again in a moment",
     ApiBody::kError},
    {ApiCode::kTooManyStreams, "too_many_streams", "too many event streams; try later",
     ApiBody::kError},
    {ApiCode::kBusy, "busy",
     "the node is computing as many indicators as it may; retry after the time Retry-After "
     "gives",
     ApiBody::kError},
    {ApiCode::kInternal, "internal", "the request failed", ApiBody::kError},
};

constexpr bool InEnumOrder() {
  for (std::size_t i = 0; i < std::size(kApiCodes); ++i) {
    if (static_cast<std::size_t>(kApiCodes[i].value) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kApiCodes: entry i must be ApiCode i");
static_assert(std::size(kApiCodes) == static_cast<std::size_t>(ApiCode::kInternal) + 1,
              "kApiCodes: one row per code");

// A value outside the enum (a defect) reads as "internal", the last row.
const ApiCodeEntry& Row(ApiCode c) {
  const auto i = static_cast<std::size_t>(c);
  return kApiCodes[i < std::size(kApiCodes) ? i : std::size(kApiCodes) - 1];
}

}  // namespace

std::span<const ApiCodeEntry> ApiCodeTable() { return kApiCodes; }
std::string_view ApiCodeName(ApiCode c) { return Row(c).code; }
std::string_view ApiCodeText(ApiCode c) { return Row(c).text; }

}  // namespace tamga::node
