// net/handshake.h
// The handshake that opens every validator connection, and the encrypted frames after it.
// No sockets here: both sides are state machines over fixed-size messages, so tests can
// replay, tamper and reorder them byte by byte.
//
// Shape (Noise IK/XX-like, built from libsodium primitives; docs/ARCHITECTURE.md):
//   1. initiator -> responder  Hello:  magic "TAMGAHS1", protocol version, chain id,
//                                      initiator's Ed25519 key, ephemeral X25519 key
//   2. responder -> initiator  Reply:  status byte; if 0: responder's Ed25519 key,
//                                      ephemeral X25519 key, Ed25519 signature over the
//                                      transcript hash so far
//   3. initiator -> responder  Finish: Ed25519 signature over the transcript hash so far
// The responder refuses a Hello for another chain or version, or from a key it does not
// admit, before any Diffie-Hellman or signature work (the refusal is one status byte, so an
// operator sees why). Each side signs a transcript that holds both fresh ephemeral keys, so
// a recorded handshake replayed to a node fails at step 3: its new ephemeral key is not in
// the old signature. Session keys are BLAKE2b(X25519(e_i, e_r) || transcript hash), one
// per direction, each for ChaCha20-Poly1305 (IETF) with a counter nonce.
//
// Thread-safety: value types; one session cipher per direction per connection.

#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>

#include "common/bytes.h"
#include "common/chain.h"
#include "common/ed25519.h"
#include "common/status.h"

namespace tamga::net {

inline constexpr std::uint16_t kHandshakeVersion = 1;
inline constexpr std::size_t kHelloSize = 8 + 2 + 32 + 32 + 32;
inline constexpr std::size_t kReplySize = 1 + 32 + 32 + 64;
inline constexpr std::size_t kFinishSize = 64;
inline constexpr std::size_t kAeadTagSize = 16;

// Why a responder refused a Hello: the Reply's status byte.
enum class Refusal : std::uint8_t {
  kNone = 0,
  kBadMagic = 1,
  kWrongVersion = 2,
  kWrongChain = 3,
  kUnknownKey = 4,
};
std::string_view RefusalName(Refusal r);

using Key32 = std::array<std::uint8_t, 32>;

// Seals and opens the frames of one direction. Each frame's nonce is the next counter
// value, so a frame that is dropped, replayed or reordered fails to open.
class FrameCipher {
 public:
  FrameCipher() = default;
  explicit FrameCipher(const Key32& key) : key_(key) {}
  ~FrameCipher();
  FrameCipher(const FrameCipher&) = default;
  FrameCipher& operator=(const FrameCipher&) = default;

  // ciphertext || 16-byte tag, authenticated with `ad` (the frame's length prefix).
  Bytes Seal(ByteView plaintext, ByteView ad);
  Result<Bytes> Open(ByteView ciphertext, ByteView ad);
  // The same in place: `frame` (ciphertext || tag) becomes the plaintext, so a large frame
  // is never held twice.
  Status OpenInPlace(Bytes& frame, ByteView ad);

 private:
  Key32 key_{};
  std::uint64_t counter_ = 0;
};

// One frame as it goes on the wire: a 4-byte big-endian length L, then L bytes of
// `plaintext` sealed by `cipher` with those 4 bytes as associated data.
Bytes SealFrame(FrameCipher& cipher, ByteView plaintext);

struct Session {
  PublicKey peer;  // The peer's proven Ed25519 identity.
  FrameCipher send;
  FrameCipher recv;
};

// The dialling side.
class Initiator {
 public:
  // `expected_peer`: the key the dialled address must prove.
  Initiator(const ChainId& chain, const SecretKey& identity, const PublicKey& expected_peer);
  ~Initiator();
  Initiator(const Initiator&) = delete;
  Initiator& operator=(const Initiator&) = delete;

  const std::array<std::uint8_t, kHelloSize>& hello() const { return hello_; }
  // Checks the Reply; on success returns the Finish message to send and the session.
  // PermissionDenied for a refusal or the wrong peer, BadSignature for a forged reply.
  Result<std::pair<std::array<std::uint8_t, kFinishSize>, Session>> OnReply(ByteView reply);

 private:
  const SecretKey& identity_;
  PublicKey expected_peer_;
  Key32 eph_secret_{};
  std::array<std::uint8_t, kHelloSize> hello_{};
};

// The accepting side.
class Responder {
 public:
  using AdmitFn = std::function<bool(const PublicKey&)>;
  Responder(const ChainId& chain, const SecretKey& identity, AdmitFn admit);
  ~Responder();
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  // Reads a Hello and returns the Reply to send. If `refusal()` is then not kNone, the
  // Reply is the one status byte: send it and close.
  std::array<std::uint8_t, kReplySize> OnHello(ByteView hello);
  Refusal refusal() const { return refusal_; }
  std::size_t reply_size() const { return refusal_ == Refusal::kNone ? kReplySize : 1; }
  // The key the Hello claimed (valid after OnHello, proven only by OnFinish).
  const PublicKey& claimed_peer() const { return peer_; }
  // Checks the Finish; on success the session. BadSignature for a forged or replayed one.
  Result<Session> OnFinish(ByteView finish);

 private:
  ChainId chain_;
  const SecretKey& identity_;
  AdmitFn admit_;
  Refusal refusal_ = Refusal::kNone;
  PublicKey peer_;
  Key32 eph_secret_{};
  Key32 peer_eph_{};
  Bytes transcript_;  // Hello || Reply.
};

}  // namespace tamga::net
