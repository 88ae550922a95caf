// common/ids.h
// Strong integer types for the numbers consensus and the ledger must never mix up:
// a Height is not a Round, and neither is a ValidatorIndex.
//
// Thread-safety: value types.

#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace tamga {

template <typename Rep, typename Tag>
class StrongId {
 public:
  using RepType = Rep;
  constexpr StrongId() = default;
  explicit constexpr StrongId(Rep v) : v_(v) {}

  constexpr Rep value() const { return v_; }
  // The next value. Our own arithmetic on these is rare and explicit.
  constexpr StrongId Next() const { return StrongId(static_cast<Rep>(v_ + 1)); }
  std::string ToString() const { return std::to_string(v_); }

  friend constexpr auto operator<=>(StrongId, StrongId) = default;
  friend std::ostream& operator<<(std::ostream& os, StrongId id) { return os << +id.v_; }

 private:
  Rep v_ = 0;
};

// Position of a committed block in the chain; genesis is height 0.
using Height = StrongId<std::uint64_t, struct HeightTag>;
// A consensus round (view); strictly increases within an epoch.
using Round = StrongId<std::uint64_t, struct RoundTag>;
// A period with one fixed validator set; genesis starts epoch 0.
using Epoch = StrongId<std::uint64_t, struct EpochTag>;
// Index of a validator in its epoch's validator set.
using ValidatorIndex = StrongId<std::uint32_t, struct ValidatorIndexTag>;

}  // namespace tamga

template <typename Rep, typename Tag>
struct std::hash<tamga::StrongId<Rep, Tag>> {
  std::size_t operator()(tamga::StrongId<Rep, Tag> id) const noexcept {
    return std::hash<Rep>{}(id.value());
  }
};
