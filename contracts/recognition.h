// contracts/recognition.h
// "Is operator X of country A recognised by country B at time T?": the rules' answer, from
// the state after the last block at or before T. Shared by the node's lookups
// (contracts/queries.h) and by verifiers, which ask it of the entries a proof shows.
//
// Thread-safety: pure functions of the state they are given.

#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "contracts/model.h"

namespace tamga::contracts {

struct Recognition {
  bool recognised = false;
  // The reason's stable code, either way (docs/proof-format.md): own, mra (recognised);
  // not_aeo, aeo_status, aeo_not_valid_then, no_mra, mra_status, mra_not_in_force_then,
  // programme_not_covered (not).
  std::string code;
  std::string why;               // The reason, in a sentence, either way.
  std::optional<AeoRecord> aeo;  // A's record of X, if any.
  std::optional<MraRecord> mra;  // The A-B arrangement, if any.
};

// A state value by key: the bytes, nullopt for none, or an error (a proof that does not
// cover the key).
using StateLookup = std::function<Result<std::optional<Bytes>>(const Hash32&)>;

// Recognition is never transitive: only an MRA between A and B itself counts.
Result<Recognition> RecognitionOf(const StateLookup& state, std::string_view operator_country,
                                  const Hash32& operator_id, std::string_view recognising_country,
                                  std::uint64_t at_ms);

}  // namespace tamga::contracts
