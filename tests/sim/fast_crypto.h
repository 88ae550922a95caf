// tests/sim/fast_crypto.h
// A keyed-hash stand-in for Ed25519, so the simulator can run thousands of seeds quickly.
// A "signature" is SHA-256(public key || domain || message) followed by 32 bytes that the
// checker ignores: like a real Ed25519 signature, one message then has many valid
// signatures (a different "nonce"), which is what the re-signed-vote attack needs. It is
// not secure (anyone holding the public key can sign): simulated Byzantine nodes are
// programmed, not clever, and a sample of seeds runs with real Ed25519.

#pragma once

#include "common/sha256.h"
#include "consensus/crypto.h"

namespace tamga::sim {

inline Signature FastSign(const PublicKey& key, SignDomain domain, ByteView message,
                          std::uint8_t nonce = 0) {
  Sha256 h;
  h.Update(key.view());
  h.Update(static_cast<std::uint8_t>(domain));
  h.Update(message);
  const Hash32 d = h.Finish();
  Signature s;
  std::copy(d.data(), d.data() + 32, s.data());
  s.data()[32] = nonce;
  return s;
}

class FastSigner final : public consensus::Signer {
 public:
  explicit FastSigner(PublicKey key) : key_(key) {}
  const PublicKey& public_key() const override { return key_; }
  Signature Sign(SignDomain domain, ByteView message) const override {
    return FastSign(key_, domain, message);
  }

 private:
  PublicKey key_;
};

class FastChecker final : public consensus::SignatureChecker {
 public:
  bool Verify(const PublicKey& key, SignDomain domain, ByteView message,
              const Signature& signature) const override {
    const Signature expect = FastSign(key, domain, message);
    return std::equal(expect.data(), expect.data() + 32, signature.data());
  }
};

}  // namespace tamga::sim
