// contracts/queries.h
// Questions answered from the state rather than by a transaction: "is operator X of
// country A recognised by country B at time T?". Read the state of the last block at or
// before T (Ledger::HeightAtTime, then a TreeStateReader at that height's root) and ask.
//
// Thread-safety: pure functions of the state they are given.

#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "contracts/model.h"
#include "contracts/recognition.h"
#include "contracts/usability.h"
#include "ledger/state_tree.h"

namespace tamga::contracts {

// Recognition is never transitive: only an MRA between A and B itself counts.
Result<Recognition> RecognitionOf(const ledger::StateReader& state,
                                  std::string_view operator_country, const Hash32& operator_id,
                                  std::string_view recognising_country, std::uint64_t at_ms);

// Every administration the registry holds (members and those that left), by country. The
// registry is keyed by country code (AdministrationKey), and there are 26 x 26 codes, so
// this reads each of them: about 700 state reads, for a node that looks up its peers'
// addresses at start and at each epoch change.
Result<std::vector<AdministrationRecord>> Administrations(const ledger::StateReader& state);

// The observer keys (set-observers) of each administration that has not left the chain, by
// country, in the order listed.
Result<std::map<std::string, std::vector<PublicKey>>> ObserverKeysByCountry(
    const ledger::StateReader& state);

// The country whose time-stamping authority (set-timestamp-authority) is `signer` with the
// certificate of `certificate_hash`, in `state`; FailedPrecondition saying what differs
// (not registered, revoked, another certificate, the administration gone).
Result<std::string> TimestampAuthorityCountry(const ledger::StateReader& state,
                                              const PublicKey& signer,
                                              const Hash32& certificate_hash);

}  // namespace tamga::contracts
