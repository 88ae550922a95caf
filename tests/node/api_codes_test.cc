// tests/node/api_codes_test.cc
// The node's own answer codes (node/api_codes.h) are pinned literally, like the rejection
// reasons (tests/contracts/reason_table_test.cc); and docs/openapi.json lists exactly the
// codes of the tables, both ways: the Refusal body's code, the Error body's code and the
// receipts' reason_code.

#include "node/api_codes.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "contracts/model.h"
#include "node/mempool.h"

namespace tamga::node {
namespace {

using contracts::Reason;

// (code, body) of every ApiCode, in the enum's order, as clients see them.
const std::vector<std::pair<std::string_view, ApiBody>> kPinned = {
    {"duplicate", ApiBody::kRefusal},        {"sequence_taken", ApiBody::kRefusal},
    {"mempool_full", ApiBody::kRefusal},     {"unavailable", ApiBody::kRefusal},
    {"rate_limited", ApiBody::kRefusal},
    {"bad_request", ApiBody::kBoth},         {"not_found", ApiBody::kError},
    {"method_not_allowed", ApiBody::kError}, {"too_large", ApiBody::kError},
    {"not_yet_provable", ApiBody::kError},   {"too_many_streams", ApiBody::kError},
    {"busy", ApiBody::kError},
    {"internal", ApiBody::kError},
};

bool IsSnakeCase(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool In(ApiBody body, ApiBody which) {
  return (static_cast<int>(body) & static_cast<int>(which)) != 0;
}

TEST(ApiCodes, CodesAreThePinnedOnes) {
  const auto table = ApiCodeTable();
  ASSERT_EQ(table.size(), kPinned.size()) << "a code was added or removed: pin it here";
  for (std::size_t i = 0; i < kPinned.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(table[i].value), i);
    EXPECT_EQ(table[i].code, kPinned[i].first);
    EXPECT_EQ(ApiCodeName(table[i].value), kPinned[i].first);
    EXPECT_EQ(table[i].body, kPinned[i].second) << kPinned[i].first;
    EXPECT_FALSE(ApiCodeText(table[i].value).empty()) << kPinned[i].first;
  }
}

TEST(ApiCodes, AreUniqueSnakeCaseAndNoReasonsCode) {
  std::set<std::string_view> reasons;
  for (const auto& r : contracts::ReasonTable()) reasons.insert(r.code);
  std::set<std::string_view> seen;
  for (const auto& e : ApiCodeTable()) {
    EXPECT_TRUE(IsSnakeCase(e.code)) << e.code;
    EXPECT_TRUE(seen.insert(e.code).second) << e.code << " twice";
    // A refusal's code is either kind: the two tables must not overlap.
    EXPECT_EQ(reasons.count(e.code), 0u) << e.code << " is also a rejection reason's code";
  }
}

TEST(ApiCodes, RefusalsTakeTheirCodesFromTheTables) {
  const Refused full = Refused::Of(ApiCode::kMempoolFull);
  EXPECT_EQ(full.code, "mempool_full");
  EXPECT_EQ(full.message, ApiCodeText(ApiCode::kMempoolFull));
  EXPECT_TRUE(full.Is(ApiCode::kMempoolFull));
  EXPECT_FALSE(full.Is(ApiCode::kDuplicate));
  EXPECT_EQ(Refused::Of(ApiCode::kUnavailable, "disk").message, "disk");

  const Refused scope = Refused::Of(Reason::kOutsideScope, "X is not accredited for invoices");
  EXPECT_EQ(scope.code, "outside_issuer_scope");
  EXPECT_EQ(scope.message, "outside the issuer's scope: X is not accredited for invoices");
  EXPECT_TRUE(scope.Is(Reason::kOutsideScope));
  EXPECT_EQ(Refused::Of(Reason::kBadSequence).message, "bad sequence");
}

// --- docs/openapi.json --------------------------------------------------------------------

nlohmann::json OpenApi() {
  std::ifstream in(TAMGA_OPENAPI);
  EXPECT_TRUE(in.good()) << "cannot read " << TAMGA_OPENAPI;
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

// The `enum` of components/schemas/<schema>/properties/<property>.
std::set<std::string> EnumOf(const nlohmann::json& doc, const std::string& schema,
                             const std::string& property) {
  const nlohmann::json::json_pointer where("/components/schemas/" + schema + "/properties/" +
                                           property + "/enum");
  std::set<std::string> out;
  if (!doc.contains(where) || !doc.at(where).is_array()) {
    ADD_FAILURE() << "docs/openapi.json has no enum at " << where.to_string();
    return out;
  }
  for (const auto& v : doc.at(where)) {
    if (!v.is_string()) {
      ADD_FAILURE() << where.to_string() << ": " << v.dump() << " is not a string";
      continue;
    }
    EXPECT_TRUE(out.insert(v.get<std::string>()).second) << v << " twice";
  }
  return out;
}

// Both ways: what the tables have and the file lacks, and what the file has and no table.
void ExpectSame(const std::set<std::string>& in_file, const std::set<std::string>& in_tables,
                const std::string& where) {
  for (const auto& c : in_tables) {
    EXPECT_EQ(in_file.count(c), 1u) << where << " lacks the code " << c;
  }
  for (const auto& c : in_file) {
    EXPECT_EQ(in_tables.count(c), 1u) << where << " lists " << c << ", which no table has";
  }
}

TEST(ApiCodes, OpenApiListsExactlyTheTablesCodes) {
  const nlohmann::json doc = OpenApi();
  ASSERT_FALSE(doc.is_discarded()) << TAMGA_OPENAPI << " is not JSON";

  std::set<std::string> all_reasons;
  std::set<std::string> refusal;
  std::set<std::string> error;
  for (const auto& r : contracts::ReasonTable()) {
    all_reasons.emplace(r.code);
    if (r.value != Reason::kAccepted) refusal.emplace(r.code);
  }
  for (const auto& e : ApiCodeTable()) {
    if (In(e.body, ApiBody::kRefusal)) refusal.emplace(e.code);
    if (In(e.body, ApiBody::kError)) error.emplace(e.code);
  }
  ExpectSame(EnumOf(doc, "Refusal", "code"), refusal, "Refusal.code");
  ExpectSame(EnumOf(doc, "Error", "code"), error, "Error.code");
  ExpectSame(EnumOf(doc, "CommittedTransaction", "reason_code"), all_reasons,
             "CommittedTransaction.reason_code");
}

}  // namespace
}  // namespace tamga::node
