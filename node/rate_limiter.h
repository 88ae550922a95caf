// node/rate_limiter.h
// How often each client may submit: a token bucket per key (a client's address, or a
// transaction's signer). A key may take `per_second` on average and `burst` at once; a key
// that has waited long enough holds a full bucket, which is the same as holding none, so
// such buckets are dropped and the table stays as large as the set of keys active in the
// last burst/per_second seconds. At most `keys_max` buckets are held: past that, a full
// table gives up its least recently used bucket (that key starts afresh with a full
// bucket), so many addresses cost memory in proportion to the cap, never more.
//
// Thread-safety: not thread-safe; the API runs it on the node's thread. Pure: times are
// given in milliseconds of a monotonic clock.

#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tamga::node {

class RateLimiter {
 public:
  // `per_second` 0 turns the limit off: every Take passes.
  RateLimiter(std::uint64_t per_second, std::uint64_t burst, std::size_t keys_max = 1 << 16);

  // 0 if `key` may go now (its bucket gives `count` tokens), else how many milliseconds until
  // it holds them again (at least 1). REQUIRES: count <= burst() unless the limit is off.
  std::uint64_t Take(std::string_view key, std::uint64_t now_ms, std::uint64_t count = 1);
  // The most tokens a bucket holds; 0 when the limit is off.
  std::uint64_t burst() const { return per_second_ == 0 ? 0 : full_ / 1000; }

  // Gives back the token a Take of `key` just took (the request it was for turned out not
  // to count: a forged signature must not spend the real signer's allowance).
  void Refund(std::string_view key);

  std::size_t size() const { return buckets_.size(); }

 private:
  // Tokens are counted in thousandths, so that a bucket gains exactly `per_second` of
  // them each millisecond: integer arithmetic, no rounding drift.
  struct Bucket {
    std::uint64_t milli_tokens = 0;
    std::uint64_t at_ms = 0;               // When `tokens` was computed.
    std::list<std::string>::iterator lru;  // Its place in lru_.
  };
  std::uint64_t TokensAt(const Bucket& b, std::uint64_t now_ms) const;
  // Drops the buckets that are full by `now_ms`, from the least recently used on.
  void DropFull(std::uint64_t now_ms);

  std::uint64_t per_second_;
  std::uint64_t full_;  // burst * 1000.
  std::size_t keys_max_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::list<std::string> lru_;  // Least recently used first.
};

// The key a client's address counts under: an IPv4 address as it is, an IPv6 address by
// its /64 prefix (one host is usually given a whole /64, so counting its addresses one by
// one would let it multiply its limits at will).
std::string ClientKey(std::string_view address);

}  // namespace tamga::node
