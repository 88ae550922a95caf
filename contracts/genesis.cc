// contracts/genesis.cc

#include "contracts/genesis.h"

#include <set>
#include <string>

#include "common/sha256.h"

namespace tamga::contracts {

Result<GenesisChain> StartChain(const Genesis& g) {
  if (g.administrations.empty()) return Status::InvalidArgument("genesis lists no administration");
  GenesisChain out;
  out.anchor.chain_id = Sha256Of(Encode(g));
  out.anchor.genesis_time_ms = g.genesis_time_ms;
  out.anchor.validators.epoch = Epoch(0);
  std::set<std::string> countries;
  std::set<PublicKey> keys;
  Bytes version;
  for (int s = 24; s >= 0; s -= 8) version.push_back(static_cast<std::uint8_t>(kRulesVersion >> s));
  out.state.push_back({RulesVersionKey(), version});
  for (const AdministrationEntry& a : g.administrations) {
    if (!IsCountryCode(a.country)) {
      return Status::InvalidArgument("\"" + a.country + "\" is not an ISO 3166-1 alpha-2 code");
    }
    if (!countries.insert(a.country).second) {
      return Status::InvalidArgument(a.country + " is listed twice");
    }
    if (!keys.insert(a.validator_key).second || !keys.insert(a.admin_key).second) {
      return Status::InvalidArgument(a.country + " reuses a key listed before");
    }
    out.anchor.validators.validators.push_back(a.validator_key);
    out.state.push_back({AdministrationKey(a.country), Encode(AdministrationRecord{a, false})});
    out.state.push_back(
        {SignerKey(a.admin_key), Encode(SignerRecord{Role::kAdministrator, a.country, "", 0, 0})});
  }
  return out;
}

}  // namespace tamga::contracts
