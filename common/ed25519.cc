#include "common/ed25519.h"

#include <sodium.h>

#include <mutex>
#include <string>

namespace tamga {

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] { TAMGA_CHECK_MSG(sodium_init() >= 0, "libsodium failed to start"); });
}

std::string_view SignDomainTag(SignDomain domain) {
  switch (domain) {
    case SignDomain::kTransaction: return "tamga/v1/transaction";
    case SignDomain::kProposal: return "tamga/v1/proposal";
    case SignDomain::kVote: return "tamga/v1/vote";
    case SignDomain::kTimeout: return "tamga/v1/timeout";
    case SignDomain::kHandshake: return "tamga/v1/handshake";
    case SignDomain::kGenesis: return "tamga/v1/genesis";
    case SignDomain::kTimestamp: return "tamga/v1/timestamp";
  }
  TAMGA_CHECK_MSG(false, "unknown SignDomain " + std::to_string(static_cast<int>(domain)));
  return {};
}

namespace {

// The tagged message Tag || 0x00 || message, built in a per-thread buffer that is reused so
// that signing and verifying allocate nothing in the steady state. Tags contain no 0x00,
// so the tagged forms of two domains can never be equal. The view is valid until the next
// call on the same thread.
ByteView Tagged(SignDomain domain, ByteView message) {
  thread_local Bytes buffer;
  const std::string_view tag = SignDomainTag(domain);
  buffer.clear();
  buffer.insert(buffer.end(), tag.begin(), tag.end());
  buffer.push_back(0);
  buffer.insert(buffer.end(), message.begin(), message.end());
  return buffer;
}

}  // namespace

SecretKey::SecretKey() : seed_{}, expanded_{}, public_key_{} {}

SecretKey::~SecretKey() {
  sodium_memzero(seed_.data(), seed_.size());
  sodium_memzero(expanded_.data(), expanded_.size());
}

SecretKey::SecretKey(const SecretKey& other) = default;
SecretKey& SecretKey::operator=(const SecretKey& other) = default;

SecretKey SecretKey::FromSeed(const std::array<std::uint8_t, kSeedSize>& seed) {
  EnsureSodium();
  SecretKey key;
  key.seed_ = seed;
  std::array<std::uint8_t, 32> pk{};
  TAMGA_CHECK(crypto_sign_seed_keypair(pk.data(), key.expanded_.data(), seed.data()) == 0);
  key.public_key_ = PublicKey(pk);
  return key;
}

SecretKey SecretKey::Generate() {
  EnsureSodium();
  std::array<std::uint8_t, kSeedSize> seed{};
  randombytes_buf(seed.data(), seed.size());
  SecretKey key = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

Signature SecretKey::SignRaw(ByteView message) const {
  Signature sig;
  TAMGA_CHECK(crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(),
                                   expanded_.data()) == 0);
  return sig;
}

Signature SecretKey::Sign(SignDomain domain, ByteView message) const {
  return SignRaw(Tagged(domain, message));
}

bool VerifyRaw(const PublicKey& key, ByteView message, const Signature& signature) {
  EnsureSodium();
  // libsodium 1.0.18 rejects S >= L, small-order R, small-order or non-canonical A, and
  // compares the encoding of R (cofactorless). The frozen corpus pins these answers.
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.data()) == 0;
}

Status VerifySignature(const PublicKey& key, SignDomain domain, ByteView message,
                       const Signature& signature) {
  if (VerifyRaw(key, Tagged(domain, message), signature)) return Status::Ok();
  return Status::BadSignature(std::string(SignDomainTag(domain)) + " signature by " +
                              key.ShortHex() + " does not verify");
}

}  // namespace tamga
