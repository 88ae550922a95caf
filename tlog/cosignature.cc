// tlog/cosignature.cc

#include "tlog/cosignature.h"

#include "common/sha256.h"
#include "tlog/base64.h"

namespace tamga::tlog {
namespace {

constexpr std::size_t kKeyIdSize = 4;
constexpr std::size_t kTimeSize = 8;

std::uint32_t ReadU32(ByteView b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

std::string HexId(std::uint32_t id) {
  const std::uint8_t be[kKeyIdSize] = {
      static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
      static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  return ToHex(be);
}

}  // namespace

std::uint32_t CosignatureKeyId(std::string_view name, const PublicKey& key) {
  Sha256 h;
  h.Update(AsBytes(name));
  h.Update(std::uint8_t{'\n'});
  h.Update(kCosignatureNoteType);
  h.Update(key.view());
  return ReadU32(h.Finish().view());
}

NoteVerifier MakeCosignatureVerifier(std::string name, const PublicKey& key) {
  TAMGA_CHECK_MSG(ValidKeyName(name), "invalid cosigner name");
  const std::uint32_t id = CosignatureKeyId(name, key);
  return {std::move(name), id, key};
}

Result<NoteVerifier> ParseCosignatureVerifierKey(std::string_view vkey) {
  const std::size_t plus1 = vkey.find('+');
  const std::size_t plus2 = plus1 == vkey.npos ? vkey.npos : vkey.find('+', plus1 + 1);
  if (plus2 == vkey.npos) return Status::InvalidArgument("key is not name+id+key");
  NoteVerifier v;
  v.name = std::string(vkey.substr(0, plus1));
  if (!ValidKeyName(v.name)) return Status::InvalidArgument("invalid key name");
  const std::string_view hex = vkey.substr(plus1 + 1, plus2 - plus1 - 1);
  Result<Bytes> id = FromHex(hex);
  if (hex.size() != 2 * kKeyIdSize || !id) {
    return Status::InvalidArgument("key ID is not 8 hex digits");
  }
  v.key_id = ReadU32(*id);
  Result<Bytes> raw = Base64Decode(vkey.substr(plus2 + 1));
  if (!raw) return Status::InvalidArgument("key is not canonical base64");
  if (raw->size() != 1 + PublicKey::kSize || (*raw)[0] != kCosignatureNoteType) {
    return Status::InvalidArgument("key is not a type 0x04 Ed25519 cosignature key");
  }
  v.key = PublicKey::FromView(ByteView(*raw).subspan(1));
  const std::uint32_t expected = CosignatureKeyId(v.name, v.key);
  if (expected != v.key_id) {
    return Status::InvalidArgument("key ID " + HexId(v.key_id) + " does not match key " + v.name +
                                   "+" + HexId(expected));
  }
  return v;
}

std::string FormatCosignatureVerifierKey(const NoteVerifier& v) {
  Bytes typed(1, kCosignatureNoteType);
  typed.insert(typed.end(), v.key.view().begin(), v.key.view().end());
  return v.name + "+" + HexId(v.key_id) + "+" + Base64Encode(typed);
}

std::string CosignedMessage(std::string_view note_text, std::uint64_t timestamp) {
  return "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + std::string(note_text);
}

NoteSignature Cosign(std::string_view note_text, std::string_view name, const SecretKey& key,
                     std::uint64_t timestamp) {
  TAMGA_CHECK_MSG(ValidKeyName(name), "invalid cosigner name");
  TAMGA_CHECK_MSG(timestamp <= kMaxCosignatureTime, "cosignature timestamp over 2^63 - 1");
  const Signature sig = key.SignRaw(AsBytes(CosignedMessage(note_text, timestamp)));
  NoteSignature out{std::string(name), CosignatureKeyId(name, key.public_key()), Bytes()};
  out.signature.reserve(kCosignatureSize);
  for (std::size_t i = 0; i < kTimeSize; ++i) {
    out.signature.push_back(static_cast<std::uint8_t>(timestamp >> (56 - 8 * i)));
  }
  out.signature.insert(out.signature.end(), sig.view().begin(), sig.view().end());
  return out;
}

Result<std::uint64_t> VerifyCosignature(std::string_view note_text, const NoteSignature& sig,
                                        const NoteVerifier& cosigner) {
  if (sig.name != cosigner.name || sig.key_id != cosigner.key_id) {
    return Status::NotFound("signature by " + sig.name + "+" + HexId(sig.key_id) +
                            " is not by cosigner " + cosigner.name + "+" + HexId(cosigner.key_id));
  }
  if (!ValidNoteText(note_text)) return Status::Corruption("cosigned text is not a note text");
  if (sig.signature.size() != kCosignatureSize) {
    return Status::Corruption("cosignature of " + std::to_string(sig.signature.size()) +
                              " bytes, not " + std::to_string(kCosignatureSize));
  }
  std::uint64_t timestamp = 0;
  for (std::size_t i = 0; i < kTimeSize; ++i) timestamp = (timestamp << 8) | sig.signature[i];
  if (timestamp > kMaxCosignatureTime) {
    return Status::Corruption("cosignature timestamp " + std::to_string(timestamp) +
                              " over 2^63 - 1");
  }
  const Signature ed = Signature::FromView(ByteView(sig.signature).subspan(kTimeSize));
  if (!VerifyRaw(cosigner.key, AsBytes(CosignedMessage(note_text, timestamp)), ed)) {
    return Status::BadSignature("cosignature by " + sig.name + "+" + HexId(sig.key_id) +
                                " does not verify");
  }
  return timestamp;
}

}  // namespace tamga::tlog
