// consensus/crypto.h
// How consensus signs and checks signatures, behind two small interfaces, so the
// simulator can swap Ed25519 for a fast keyed-hash stand-in in most seeds (and real
// Ed25519 in a sample) without the protocol code knowing.
//
// Thread-safety: implementations are immutable after construction and thread-safe.

#pragma once

#include "common/bytes.h"
#include "common/ed25519.h"

namespace tamga::consensus {

class Signer {
 public:
  virtual ~Signer() = default;
  virtual const PublicKey& public_key() const = 0;
  virtual Signature Sign(SignDomain domain, ByteView message) const = 0;
};

class SignatureChecker {
 public:
  virtual ~SignatureChecker() = default;
  virtual bool Verify(const PublicKey& key, SignDomain domain, ByteView message,
                      const Signature& signature) const = 0;
};

// The production pair: Ed25519 with domain tags (common/ed25519.h).
class Ed25519Signer final : public Signer {
 public:
  explicit Ed25519Signer(SecretKey key) : key_(std::move(key)) {}
  const PublicKey& public_key() const override { return key_.public_key(); }
  Signature Sign(SignDomain domain, ByteView message) const override {
    return key_.Sign(domain, message);
  }

 private:
  SecretKey key_;
};

class Ed25519Checker final : public SignatureChecker {
 public:
  bool Verify(const PublicKey& key, SignDomain domain, ByteView message,
              const Signature& signature) const override {
    return VerifySignature(key, domain, message, signature).ok();
  }
};

}  // namespace tamga::consensus
