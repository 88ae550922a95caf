// contracts/queries.cc

#include "contracts/queries.h"

namespace tamga::contracts {

Result<Recognition> RecognitionOf(const ledger::StateReader& state, std::string_view a,
                                  const Hash32& op, std::string_view b, std::uint64_t at_ms) {
  return RecognitionOf([&state](const Hash32& key) { return state.Get(key); }, a, op, b, at_ms);
}

}  // namespace tamga::contracts
