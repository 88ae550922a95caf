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

Result<std::string> TimestampAuthorityCountry(const ledger::StateReader& state,
                                              const PublicKey& signer,
                                              const Hash32& certificate_hash) {
  TAMGA_ASSIGN_OR_RETURN(auto record,
                         rules::Read<SignerRecord>(state, SignerKey(signer), "signer"));
  if (!record || record->role != Role::kTimestamper) {
    return Status::FailedPrecondition("the time-stamping key " + signer.ShortHex() +
                                      " is not registered on the ledger (its administration "
                                      "sends set-timestamp-authority)");
  }
  if (record->revoked_from_ms != 0) {
    return Status::FailedPrecondition("the time-stamping key " + signer.ShortHex() +
                                      " was replaced or revoked");
  }
  TAMGA_ASSIGN_OR_RETURN(
      auto admin, rules::Read<AdministrationRecord>(state, AdministrationKey(record->country),
                                                    "administration"));
  if (!admin || admin->removed) {
    return Status::FailedPrecondition(record->country + " is no longer a member of the chain");
  }
  TAMGA_ASSIGN_OR_RETURN(auto tsa, rules::Read<TimestampAuthority>(
                                       state, TimestampAuthorityKey(record->country), "tsa"));
  if (!tsa || tsa->signer != signer) {
    return Status::FailedPrecondition("the time-stamping key " + signer.ShortHex() + " is not " +
                                      record->country + "'s current one");
  }
  if (tsa->certificate_hash != certificate_hash) {
    return Status::FailedPrecondition("this node's TSA certificate (SHA-256 " +
                                      certificate_hash.ShortHex() + ") is not the one " +
                                      record->country + " registered (" +
                                      tsa->certificate_hash.ShortHex() + ")");
  }
  return record->country;
}

}  // namespace tamga::contracts
