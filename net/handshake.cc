#include "net/handshake.h"

#include <sodium.h>

#include <cstring>

#include "common/sha256.h"

namespace tamga::net {
namespace {

constexpr std::array<std::uint8_t, 8> kMagic = {'T', 'A', 'M', 'G', 'A', 'H', 'S', '1'};
constexpr std::string_view kResponderLabel = "responder";
constexpr std::string_view kInitiatorLabel = "initiator";

void NewEphemeral(Key32& secret, std::uint8_t* public_out) {
  EnsureSodium();
  randombytes_buf(secret.data(), secret.size());
  crypto_scalarmult_base(public_out, secret.data());
}

// label || SHA-256(transcript): what each side signs.
Bytes SignedPart(std::string_view label, ByteView transcript) {
  Bytes msg(label.begin(), label.end());
  const Hash32 h = Sha256Of(transcript);
  msg.insert(msg.end(), h.view().begin(), h.view().end());
  return msg;
}

// Both directions' keys from the shared secret and the whole transcript.
Result<std::pair<Key32, Key32>> DeriveKeys(const Key32& eph_secret, const std::uint8_t* peer_eph,
                                           ByteView transcript) {
  std::array<std::uint8_t, 32 + 32> input{};
  if (crypto_scalarmult(input.data(), eph_secret.data(), peer_eph) != 0) {
    return Status::PermissionDenied("handshake: peer's ephemeral key is a low-order point");
  }
  const Hash32 th = Sha256Of(transcript);
  std::memcpy(input.data() + 32, th.view().data(), 32);
  std::array<std::uint8_t, 64> out{};
  crypto_generichash(out.data(), out.size(), input.data(), input.size(), nullptr, 0);
  sodium_memzero(input.data(), input.size());
  std::pair<Key32, Key32> keys;  // initiator -> responder, responder -> initiator.
  std::memcpy(keys.first.data(), out.data(), 32);
  std::memcpy(keys.second.data(), out.data() + 32, 32);
  sodium_memzero(out.data(), out.size());
  return keys;
}

void Nonce(std::uint64_t counter, std::uint8_t* nonce) {
  std::memset(nonce, 0, crypto_aead_chacha20poly1305_IETF_NPUBBYTES);
  for (int i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(counter >> (8 * i));
}

}  // namespace

std::string_view RefusalName(Refusal r) {
  switch (r) {
    case Refusal::kNone:
      return "none";
    case Refusal::kBadMagic:
      return "not a Tamga handshake";
    case Refusal::kWrongVersion:
      return "another handshake version";
    case Refusal::kWrongChain:
      return "another chain (genesis)";
    case Refusal::kUnknownKey:
      return "key not admitted (not a validator or an admitted observer)";
  }
  return "unknown refusal";
}

// --- FrameCipher ------------------------------------------------------------------------

FrameCipher::~FrameCipher() { sodium_memzero(key_.data(), key_.size()); }

Bytes FrameCipher::Seal(ByteView plaintext, ByteView ad) {
  std::uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
  Nonce(counter_++, nonce);
  Bytes out(plaintext.size() + kAeadTagSize);
  unsigned long long len = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &len, plaintext.data(), plaintext.size(),
                                            ad.data(), ad.size(), nullptr, nonce, key_.data());
  out.resize(len);
  return out;
}

Result<Bytes> FrameCipher::Open(ByteView ciphertext, ByteView ad) {
  Bytes out(ciphertext.begin(), ciphertext.end());
  TAMGA_RETURN_IF_ERROR(OpenInPlace(out, ad));
  return out;
}

Status FrameCipher::OpenInPlace(Bytes& frame, ByteView ad) {
  if (frame.size() < kAeadTagSize) return Status::Corruption("frame shorter than its tag");
  std::uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
  Nonce(counter_, nonce);
  unsigned long long len = 0;
  // libsodium decrypts in place when the message and the ciphertext are the same buffer.
  if (crypto_aead_chacha20poly1305_ietf_decrypt(frame.data(), &len, nullptr, frame.data(),
                                                frame.size(), ad.data(), ad.size(), nonce,
                                                key_.data()) != 0) {
    return Status::Corruption("frame fails authentication (tampered, replayed or reordered)");
  }
  ++counter_;
  frame.resize(len);
  return Status::Ok();
}

Bytes SealFrame(FrameCipher& cipher, ByteView plaintext) {
  const auto len = static_cast<std::uint32_t>(plaintext.size() + kAeadTagSize);
  const std::array<std::uint8_t, 4> header = {
      static_cast<std::uint8_t>(len >> 24), static_cast<std::uint8_t>(len >> 16),
      static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len)};
  Bytes frame(header.begin(), header.end());
  const Bytes sealed = cipher.Seal(plaintext, header);
  frame.insert(frame.end(), sealed.begin(), sealed.end());
  return frame;
}

// --- Initiator --------------------------------------------------------------------------

Initiator::Initiator(const ChainId& chain, const SecretKey& identity,
                     const PublicKey& expected_peer)
    : identity_(identity), expected_peer_(expected_peer) {
  std::uint8_t* p = hello_.data();
  std::memcpy(p, kMagic.data(), 8);
  p[8] = static_cast<std::uint8_t>(kHandshakeVersion >> 8);
  p[9] = static_cast<std::uint8_t>(kHandshakeVersion & 0xff);
  std::memcpy(p + 10, chain.view().data(), 32);
  std::memcpy(p + 42, identity.public_key().view().data(), 32);
  NewEphemeral(eph_secret_, p + 74);
}

Initiator::~Initiator() { sodium_memzero(eph_secret_.data(), eph_secret_.size()); }

Result<std::pair<std::array<std::uint8_t, kFinishSize>, Session>> Initiator::OnReply(
    ByteView reply) {
  if (reply.empty()) return Status::Corruption("handshake: empty reply");
  if (reply[0] != 0) {
    return Status::PermissionDenied("handshake: peer refused us: " +
                                    std::string(RefusalName(static_cast<Refusal>(reply[0]))));
  }
  if (reply.size() != kReplySize) {
    return Status::Corruption("handshake: reply of " + std::to_string(reply.size()) +
                              " bytes, expected " + std::to_string(kReplySize));
  }
  const PublicKey peer = PublicKey::FromView(reply.subspan(1, 32));
  if (peer != expected_peer_) {
    return Status::PermissionDenied("handshake: peer proved key " + peer.ShortHex() +
                                    ", expected " + expected_peer_.ShortHex());
  }
  Bytes transcript(hello_.begin(), hello_.end());
  transcript.insert(transcript.end(), reply.begin(), reply.begin() + 1 + 32 + 32);
  const Signature sig = Signature::FromView(reply.subspan(1 + 32 + 32, 64));
  TAMGA_RETURN_IF_ERROR(
      VerifySignature(peer, SignDomain::kHandshake, SignedPart(kResponderLabel, transcript), sig));
  transcript.insert(transcript.end(), reply.begin() + 1 + 32 + 32, reply.end());
  const Signature mine =
      identity_.Sign(SignDomain::kHandshake, SignedPart(kInitiatorLabel, transcript));
  std::array<std::uint8_t, kFinishSize> finish{};
  std::memcpy(finish.data(), mine.view().data(), kFinishSize);
  transcript.insert(transcript.end(), finish.begin(), finish.end());
  TAMGA_ASSIGN_OR_RETURN(auto keys, DeriveKeys(eph_secret_, reply.data() + 1 + 32, transcript));
  Session s{peer, FrameCipher(keys.first), FrameCipher(keys.second)};
  sodium_memzero(keys.first.data(), 32);
  sodium_memzero(keys.second.data(), 32);
  return std::make_pair(finish, std::move(s));
}

// --- Responder --------------------------------------------------------------------------

Responder::Responder(const ChainId& chain, const SecretKey& identity, AdmitFn admit)
    : chain_(chain), identity_(identity), admit_(std::move(admit)) {}

Responder::~Responder() { sodium_memzero(eph_secret_.data(), eph_secret_.size()); }

std::array<std::uint8_t, kReplySize> Responder::OnHello(ByteView hello) {
  std::array<std::uint8_t, kReplySize> reply{};
  auto refuse = [&](Refusal r) {
    refusal_ = r;
    reply[0] = static_cast<std::uint8_t>(r);
    return reply;
  };
  if (hello.size() != kHelloSize || std::memcmp(hello.data(), kMagic.data(), 8) != 0) {
    return refuse(Refusal::kBadMagic);
  }
  const std::uint16_t version = static_cast<std::uint16_t>(hello[8] << 8 | hello[9]);
  if (version != kHandshakeVersion) return refuse(Refusal::kWrongVersion);
  if (ChainId::FromView(hello.subspan(10, 32)) != chain_) return refuse(Refusal::kWrongChain);
  peer_ = PublicKey::FromView(hello.subspan(42, 32));
  if (!admit_(peer_)) return refuse(Refusal::kUnknownKey);
  std::memcpy(peer_eph_.data(), hello.data() + 74, 32);

  std::memcpy(reply.data() + 1, identity_.public_key().view().data(), 32);
  NewEphemeral(eph_secret_, reply.data() + 33);
  transcript_.assign(hello.begin(), hello.end());
  transcript_.insert(transcript_.end(), reply.begin(), reply.begin() + 65);
  const Signature sig =
      identity_.Sign(SignDomain::kHandshake, SignedPart(kResponderLabel, transcript_));
  std::memcpy(reply.data() + 65, sig.view().data(), 64);
  transcript_.insert(transcript_.end(), reply.begin() + 65, reply.end());
  return reply;
}

Result<Session> Responder::OnFinish(ByteView finish) {
  if (refusal_ != Refusal::kNone || transcript_.empty()) {
    return Status::FailedPrecondition("handshake: finish before an accepted hello");
  }
  if (finish.size() != kFinishSize) return Status::Corruption("handshake: short finish");
  const Signature sig = Signature::FromView(finish);
  TAMGA_RETURN_IF_ERROR(VerifySignature(peer_, SignDomain::kHandshake,
                                        SignedPart(kInitiatorLabel, transcript_), sig));
  transcript_.insert(transcript_.end(), finish.begin(), finish.end());
  TAMGA_ASSIGN_OR_RETURN(auto keys, DeriveKeys(eph_secret_, peer_eph_.data(), transcript_));
  Session s{peer_, FrameCipher(keys.second), FrameCipher(keys.first)};
  sodium_memzero(keys.first.data(), 32);
  sodium_memzero(keys.second.data(), 32);
  return s;
}

}  // namespace tamga::net
