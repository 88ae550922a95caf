// contracts/genesis.h
// A chain's start: from the genesis (the administrations and their keys) to the trust
// anchor every verifier pins (chain id, first validator set, genesis time) and the first
// state (the rules' version, each administration and its administrator key).
//
// Thread-safety: pure.

#pragma once

#include <vector>

#include "contracts/model.h"
#include "ledger/records.h"
#include "ledger/state_proof.h"

namespace tamga::contracts {

// The chain a genesis document starts: its id (SHA-256 of the document's encoding), the
// validator set (administration i's validator key is validator i), and the genesis state
// (rules version, administrations, their administrator keys).
struct GenesisChain {
  ledger::TrustAnchor anchor;
  std::vector<ledger::StateWrite> state;
};
// InvalidArgument for a genesis no chain can start from (no administration, a bad country
// code, a country or key listed twice).
Result<GenesisChain> StartChain(const Genesis& genesis);

}  // namespace tamga::contracts
