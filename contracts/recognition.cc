// contracts/recognition.cc

#include "contracts/recognition.h"

#include <algorithm>

namespace tamga::contracts {
namespace {

template <typename T>
Result<std::optional<T>> Read(const StateLookup& state, const Hash32& key, std::string_view what) {
  TAMGA_ASSIGN_OR_RETURN(std::optional<Bytes> bytes, state(key));
  if (!bytes) return std::optional<T>();
  TAMGA_ASSIGN_OR_RETURN(T v, Decode<T>(*bytes, what));
  return std::optional<T>(std::move(v));
}

}  // namespace

Result<Recognition> RecognitionOf(const StateLookup& state, std::string_view a, const Hash32& op,
                                  std::string_view b, std::uint64_t at_ms) {
  Recognition r;
  if (!IsCountryCode(a) || !IsCountryCode(b)) {
    return Status::InvalidArgument("country codes are two capital letters (ISO 3166-1)");
  }
  const std::string A(a), B(b);
  TAMGA_ASSIGN_OR_RETURN(r.aeo, Read<AeoRecord>(state, AeoKey(a, op), "AEO record"));
  if (!r.aeo) {
    r.code = "not_aeo";
    r.why = "the operator is not an AEO of " + A;
    return r;
  }
  if (r.aeo->status != AeoStatus::kGranted) {
    r.code = "aeo_status";
    r.why = "its AEO status in " + A + " is " + std::string(AeoStatusName(r.aeo->status));
    return r;
  }
  if (at_ms < r.aeo->valid_from_ms || at_ms > r.aeo->valid_until_ms) {
    r.code = "aeo_not_valid_then";
    r.why = "its AEO certification in " + A + " is not valid at that time";
    return r;
  }
  if (a == b) {
    r.recognised = true;
    r.code = "own";
    r.why = "an AEO of " + A + " itself";
    return r;
  }
  TAMGA_ASSIGN_OR_RETURN(r.mra, Read<MraRecord>(state, MraKey(a, b), "MRA"));
  if (!r.mra) {
    r.code = "no_mra";
    r.why = "there is no MRA between " + A + " and " + B;
    return r;
  }
  if (r.mra->status != MraStatus::kInForce) {
    r.code = "mra_status";
    r.why = "the MRA " + r.mra->id + " between " + A + " and " + B + " is " +
            std::string(MraStatusText(r.mra->status));
    return r;
  }
  if (at_ms < r.mra->valid_from_ms || at_ms > r.mra->valid_until_ms) {
    r.code = "mra_not_in_force_then";
    r.why = "the MRA " + r.mra->id + " is not in force at that time";
    return r;
  }
  if (!r.mra->programmes.empty() && std::find(r.mra->programmes.begin(), r.mra->programmes.end(),
                                              r.aeo->programme) == r.mra->programmes.end()) {
    r.code = "programme_not_covered";
    r.why = "the MRA " + r.mra->id + " does not cover the programme " + r.aeo->programme;
    return r;
  }
  r.recognised = true;
  r.code = "mra";
  r.why = "an AEO of " + A + " (" + r.aeo->programme + "), recognised by " + B + " under MRA " +
          r.mra->id;
  return r;
}

}  // namespace tamga::contracts
