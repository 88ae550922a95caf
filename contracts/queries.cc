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

Result<std::map<std::string, std::vector<PublicKey>>> ObserverKeysByCountry(
    const ledger::StateReader& state) {
  TAMGA_ASSIGN_OR_RETURN(auto administrations, Administrations(state));
  std::map<std::string, std::vector<PublicKey>> out;
  for (const AdministrationRecord& a : administrations) {
    if (a.removed) continue;
    TAMGA_ASSIGN_OR_RETURN(
        auto listed, rules::Read<ObserverKeys>(state, ObserversKey(a.entry.country), "observers"));
    if (listed && !listed->keys.empty()) out[a.entry.country] = std::move(listed->keys);
  }
  return out;
}

}  // namespace tamga::contracts
