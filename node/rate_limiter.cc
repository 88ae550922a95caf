// node/rate_limiter.cc

#include "node/rate_limiter.h"

#include <algorithm>

#include "common/asio.h"

namespace tamga::node {

RateLimiter::RateLimiter(std::uint64_t per_second, std::uint64_t burst, std::size_t keys_max)
    : per_second_(per_second),
      full_(std::max<std::uint64_t>(burst, 1) * 1000),
      keys_max_(std::max<std::size_t>(keys_max, 1)) {}

std::uint64_t RateLimiter::TokensAt(const Bucket& b, std::uint64_t now_ms) const {
  const std::uint64_t elapsed = now_ms > b.at_ms ? now_ms - b.at_ms : 0;
  const std::uint64_t room = full_ - b.milli_tokens;
  // elapsed * per_second, without overflow: past `room` the bucket is full anyway.
  if (per_second_ != 0 && elapsed >= room / per_second_ + 1) return full_;
  return b.milli_tokens + std::min(room, elapsed * per_second_);
}

void RateLimiter::DropFull(std::uint64_t now_ms) {
  while (!lru_.empty()) {
    auto it = buckets_.find(lru_.front());
    if (TokensAt(it->second, now_ms) < full_) return;
    buckets_.erase(it);
    lru_.pop_front();
  }
}

std::uint64_t RateLimiter::Take(std::string_view key, std::uint64_t now_ms, std::uint64_t count) {
  if (per_second_ == 0) return 0;
  DropFull(now_ms);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= keys_max_) {
      buckets_.erase(lru_.front());
      lru_.pop_front();
    }
    lru_.emplace_back(key);
    it = buckets_.emplace(std::string(key), Bucket{full_, now_ms, std::prev(lru_.end())}).first;
  }
  Bucket& b = it->second;
  b.milli_tokens = TokensAt(b, now_ms);
  b.at_ms = std::max(b.at_ms, now_ms);
  lru_.splice(lru_.end(), lru_, b.lru);
  const std::uint64_t need = 1000 * count;
  if (b.milli_tokens >= need) {
    b.milli_tokens -= need;
    return 0;
  }
  return std::max<std::uint64_t>(1, (need - b.milli_tokens + per_second_ - 1) / per_second_);
}

void RateLimiter::Refund(std::string_view key) {
  auto it = buckets_.find(std::string(key));
  if (it != buckets_.end())
    it->second.milli_tokens = std::min(full_, it->second.milli_tokens + 1000);
}

std::string ClientKey(std::string_view address) {
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(address, ec);
  if (ec || !a.is_v6()) return std::string(address);
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  }
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace tamga::node
