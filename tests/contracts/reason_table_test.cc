// tests/contracts/reason_table_test.cc
// The rejection reasons' table (contracts/model.h, ReasonTable): numbers and codes are what
// receipts, the API, /metrics and audit reports carry, so they are pinned here literally.
// Renumbering a reason or renaming its code fails this test; a change that means it must
// say so to clients (docs/openapi.json, docs/contracts.md) and edit this list on purpose.

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "contracts/model.h"

namespace tamga::contracts {
namespace {

// (number, code) of every reason, as clients see them. Add new reasons at the end.
const std::vector<std::pair<std::uint16_t, std::string_view>> kPinned = {
    {0, "accepted"},
    {1, "malformed"},
    {2, "wrong_chain"},
    {3, "bad_signature"},
    {4, "replayed_transaction"},
    {5, "unknown_transaction_type"},
    {6, "unknown_signer"},
    {7, "signer_lacks_role"},
    {8, "signer_suspended_or_withdrawn"},
    {9, "signer_revoked"},
    {10, "bad_sequence"},
    {11, "outside_issuer_scope"},
    {12, "wrong_country"},
    {13, "already_exists"},
    {14, "office_unknown"},
    {15, "issuer_unknown"},
    {16, "certificate_unknown"},
    {17, "certificate_revoked"},
    {18, "certificate_replaced"},
    {19, "certificate_expired"},
    {20, "certificate_not_yet_valid"},
    {21, "quantity_exceeded"},
    {22, "certificate_fully_used"},
    {23, "wrong_importing_country"},
    {24, "declaration_already_recorded"},
    {25, "no_pending_verification_request"},
    {26, "key_already_registered"},
    {27, "mra_unknown"},
    {28, "mra_not_in_force"},
    {29, "transit_unknown"},
    {30, "event_out_of_route_order"},
    {31, "office_not_on_the_route"},
    {32, "transit_not_terminated"},
    {33, "transit_closed"},
    {34, "document_not_anchored"},
    {35, "anchor_revoked"},
    {36, "certificate_not_confirmed_by_its_exporting_administration"},
    {37, "proposal_unknown"},
    {38, "already_approved"},
    {39, "epoch_change_pending"},
};

bool IsSnakeCase(std::string_view s) {
  if (s.empty() || s.front() == '_' || s.back() == '_') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return s.find("__") == std::string_view::npos;
}

TEST(ReasonTable, NumbersAndCodesAreThePinnedOnes) {
  const auto table = ReasonTable();
  ASSERT_EQ(table.size(), kPinned.size())
      << "a reason was added or removed: pin its number and code here";
  for (std::size_t i = 0; i < kPinned.size(); ++i) {
    EXPECT_EQ(static_cast<std::uint16_t>(table[i].value), kPinned[i].first) << "row " << i;
    EXPECT_EQ(table[i].code, kPinned[i].second) << "reason " << kPinned[i].first;
    const auto r = static_cast<Reason>(kPinned[i].first);
    EXPECT_EQ(ReasonCode(r), kPinned[i].second) << "reason " << kPinned[i].first;
    EXPECT_EQ(ReasonText(r), table[i].text) << "reason " << kPinned[i].first;
  }
}

TEST(ReasonTable, EveryReasonFromZeroToTheLastHasOneRow) {
  const auto table = ReasonTable();
  const auto last = static_cast<std::size_t>(kLastReason);
  ASSERT_EQ(table.size(), last + 1);
  for (std::size_t i = 0; i <= last; ++i) {
    EXPECT_EQ(static_cast<std::size_t>(table[i].value), i) << "row " << i;
  }
  EXPECT_EQ(kLastReason, Reason::kEpochChangePending);
}

TEST(ReasonTable, CodesAreUniqueSnakeCaseAndTextsAreNotEmpty) {
  std::set<std::string_view> codes;
  std::set<std::string_view> texts;
  for (const auto& e : ReasonTable()) {
    EXPECT_TRUE(IsSnakeCase(e.code)) << "'" << e.code << "' is not [a-z0-9_]+ snake case";
    EXPECT_TRUE(codes.insert(e.code).second) << "code '" << e.code << "' twice";
    EXPECT_FALSE(e.text.empty()) << e.code;
    EXPECT_TRUE(texts.insert(e.text).second) << "text '" << e.text << "' twice";
  }
  // The fallback for a number outside the enum is no reason's code.
  EXPECT_EQ(codes.count(ReasonCode(static_cast<Reason>(999))), 0u);
}

TEST(ReasonTable, AValueOutsideTheEnumIsNamedUnknown) {
  EXPECT_EQ(ReasonCode(static_cast<Reason>(static_cast<std::uint16_t>(kLastReason) + 1)),
            "unknown");
  EXPECT_EQ(ReasonText(static_cast<Reason>(65535)), "unknown reason");
}

}  // namespace
}  // namespace tamga::contracts
