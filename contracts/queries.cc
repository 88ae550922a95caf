// contracts/queries.cc

#include "contracts/queries.h"

#include "contracts/rules.h"

namespace tamga::contracts {

Result<Recognition> RecognitionOf(const ledger::StateReader& state, std::string_view a,
                                  const Hash32& op, std::string_view b, std::uint64_t at_ms) {
  return RecognitionOf([&state](const Hash32& key) { return state.Get(key); }, a, op, b, at_ms);
}

Result<std::vector<AdministrationRecord>> Administrations(const ledger::StateReader& state) {
  std::vector<AdministrationRecord> out;
  std::string code = "AA";
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) {
      code[0] = a;
      code[1] = b;
      TAMGA_ASSIGN_OR_RETURN(auto record, rules::Read<AdministrationRecord>(
                                              state, AdministrationKey(code), "administration"));
      if (record) out.push_back(std::move(*record));
    }
  }
  return out;
}

}  // namespace tamga::contracts
