// tests/e2e/governance.h
// What the end-to-end tests of a changing network share: administrators' transactions
// submitted and waited for, an administration entry for a spare node, and a node's status
// fields.

#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/e2e/cluster.h"

namespace tamga::testing {

// Administrators' transactions, each numbered in turn per administrator.
class Votes {
 public:
  explicit Votes(Cluster& c) : c_(c), next_(c.size(), 1) {}

  // Submits a transaction of admin `a` to node `via` and waits until it is committed and
  // accepted. Returns false (with the body) otherwise.
  ::testing::AssertionResult Do(std::size_t a, std::size_t via, contracts::TxType type,
                                Bytes payload) {
    const Transaction tx = c_.Tx(c_.admin(a), type, std::move(payload), next_[a]);
    auto [status, body] = c_.Submit(via, tx);
    if (status != 202) return ::testing::AssertionFailure() << "refused: " << body.dump();
    ++next_[a];
    nlohmann::json result;
    const bool committed =
        Cluster::WaitFor([&] { return c_.TxStatus(via, tx.Hash(), &result) == "committed"; });
    if (!committed) return ::testing::AssertionFailure() << "not committed: " << result.dump();
    if (result["result"] != "accepted") return ::testing::AssertionFailure() << result.dump();
    return ::testing::AssertionSuccess();
  }

 private:
  Cluster& c_;
  std::vector<std::uint64_t> next_;
};

// The administration of spare node `node`, for a membership proposal.
inline contracts::AdministrationEntry Entry(Cluster& c, std::size_t node,
                                            const std::string& country) {
  return {country, "Customs of " + country, c.validator_key(node),
          "127.0.0.1:" + std::to_string(c.peer_port(node)), c.admin(node).public_key()};
}

// Node i's status field, or null.
inline nlohmann::json StatusOf(Cluster& c, std::size_t i, const std::string& field) {
  auto s = c.Status(i);
  return s && s->contains(field) ? (*s)[field] : nlohmann::json(nullptr);
}

}  // namespace tamga::testing
