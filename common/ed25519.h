// common/ed25519.h
// Ed25519 signatures (RFC 8032) through libsodium, with a domain-separation tag per
// message kind: what is signed is always Tag(kind) || 0x00 || message, so a vote can never
// be replayed as a transaction or a handshake, whatever their bytes.
//
// Which signatures count is pinned: tests/common/ed25519_test.cc holds a frozen
// corpus of edge cases (non-canonical S, small-order points, non-canonical encodings) and
// the accept/reject answer of Verify() for each, so an upgrade of libsodium cannot silently
// change the rules all validators must agree on.
//
// Thread-safety: all functions are thread-safe; a SecretKey is a value that wipes itself.

#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace tamga {

// The kinds of message Tamga signs. Each has a fixed tag; never reuse or renumber a tag.
enum class SignDomain : std::uint8_t {
  kTransaction = 1,  // A transaction's canonical signing bytes.
  kProposal = 2,     // A leader's block proposal.
  kVote = 3,         // A vote on a block and its execution result.
  kTimeout = 4,      // A timeout message for a round.
  kHandshake = 5,    // The transcript of a peer-to-peer handshake.
  kGenesis = 6,      // An administration's signature on the genesis document.
  kTimestamp = 7,    // A time-stamp token issued for a committed hash.
};

// "tamga/v1/vote" and so on: the tag bytes signed before the message.
std::string_view SignDomainTag(SignDomain domain);

// The 32-byte seed and the derived 64-byte libsodium secret key. Wiped on destruction.
class SecretKey {
 public:
  static constexpr std::size_t kSeedSize = 32;
  SecretKey();  // All zero; not usable for signing until assigned.
  ~SecretKey();
  SecretKey(const SecretKey& other);
  SecretKey& operator=(const SecretKey& other);

  // Derives the key pair deterministically from a 32-byte seed (RFC 8032 private key).
  static SecretKey FromSeed(const std::array<std::uint8_t, kSeedSize>& seed);
  // A fresh key from the operating system's random source.
  static SecretKey Generate();

  const PublicKey& public_key() const { return public_key_; }
  const std::array<std::uint8_t, kSeedSize>& seed() const { return seed_; }

  // Signs Tag(domain) || 0x00 || message.
  Signature Sign(SignDomain domain, ByteView message) const;
  // Signs exactly `message`, without a tag. Only for RFC 8032 test vectors.
  Signature SignRaw(ByteView message) const;

 private:
  std::array<std::uint8_t, kSeedSize> seed_;
  std::array<std::uint8_t, 64> expanded_;  // libsodium's seed || public key form.
  PublicKey public_key_;
};

// OK iff `signature` is a valid Ed25519 signature by `key` on Tag(domain) || 0x00 || message.
Status VerifySignature(const PublicKey& key, SignDomain domain, ByteView message,
                       const Signature& signature);
// Verifies exactly `message`, without a tag. Only for test vectors and the frozen corpus.
bool VerifyRaw(const PublicKey& key, ByteView message, const Signature& signature);

// Initialises libsodium once; every function here calls it, so callers need not.
void EnsureSodium();

}  // namespace tamga
