// tlog/note.cc

#include "tlog/note.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <optional>

#include "common/sha256.h"
#include "tlog/base64.h"

namespace tamga::tlog {
namespace {

// U+2014 EM DASH and a space: the start of every signature line.
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";
constexpr std::string_view kSignerPrefix = "PRIVATE+KEY+";
constexpr std::size_t kKeyIdSize = 4;

// Decodes the code point at s[pos] and moves pos past it. False on invalid UTF-8: a stray
// or missing continuation byte, an overlong form, a surrogate or a value over U+10FFFF.
bool NextCodePoint(std::string_view s, std::size_t& pos, std::uint32_t& cp) {
  const auto b0 = static_cast<std::uint8_t>(s[pos]);
  std::size_t len = 0;
  std::uint32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    ++pos;
    return true;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, min = 0x80, cp = b0 & 0x1Fu;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, min = 0x800, cp = b0 & 0x0Fu;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, cp = b0 & 0x07u;
  } else {
    return false;
  }
  if (s.size() - pos < len) return false;
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<std::uint8_t>(s[pos + i]);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  pos += len;
  return true;
}

// Unicode's White_Space property, as Go's unicode.IsSpace.
bool IsSpace(std::uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

Status CheckNoteText(std::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return Status::Corruption("note text does not end in a newline");
  }
  std::uint32_t cp = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    if (!NextCodePoint(text, pos, cp)) return Status::Corruption("note is not valid UTF-8");
    if (cp < 0x20 && cp != '\n') {
      return Status::Corruption("note holds control character " + std::to_string(cp));
    }
  }
  return Status::Ok();
}

std::string HexId(std::uint32_t id) {
  const std::uint8_t be[kKeyIdSize] = {
      static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
      static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  return ToHex(be);
}

std::uint32_t ReadU32(ByteView b) {
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

// Exactly 8 hex digits, either case.
std::optional<std::uint32_t> ParseHexId(std::string_view hex) {
  if (hex.size() != 2 * kKeyIdSize) return std::nullopt;
  Result<Bytes> raw = FromHex(hex);
  if (!raw) return std::nullopt;
  return ReadU32(*raw);
}

// The fields of "name+hex+base64(type || key)", after checking all but the key ID.
struct KeyFields {
  std::string name;
  std::uint32_t key_id = 0;
  Bytes key;  // Without the type byte; 32 bytes.
  ~KeyFields() { sodium_memzero(key.data(), key.size()); }
};

Result<KeyFields> ParseKeyFields(std::string_view s) {
  const std::size_t plus1 = s.find('+');
  const std::size_t plus2 = plus1 == s.npos ? s.npos : s.find('+', plus1 + 1);
  if (plus2 == s.npos) return Status::InvalidArgument("key is not name+id+key");
  KeyFields f;
  f.name = std::string(s.substr(0, plus1));
  if (!ValidKeyName(f.name)) return Status::InvalidArgument("invalid key name");
  const std::optional<std::uint32_t> id = ParseHexId(s.substr(plus1 + 1, plus2 - plus1 - 1));
  if (!id) return Status::InvalidArgument("key ID is not 8 hex digits");
  f.key_id = *id;
  Result<Bytes> raw = Base64Decode(s.substr(plus2 + 1));
  if (!raw) return Status::InvalidArgument("key is not canonical base64");
  const bool ed25519 = raw->size() == 1 + PublicKey::kSize && (*raw)[0] == kEd25519NoteType;
  if (ed25519) f.key.assign(raw->begin() + 1, raw->end());
  sodium_memzero(raw->data(), raw->size());
  if (!ed25519) return Status::InvalidArgument("key is not a type 0x01 Ed25519 key");
  return f;
}

Status CheckKeyId(const KeyFields& f, const PublicKey& key) {
  if (NoteKeyId(f.name, key) != f.key_id) {
    return Status::InvalidArgument("key ID " + HexId(f.key_id) + " does not match key " + f.name +
                                   "+" + HexId(NoteKeyId(f.name, key)));
  }
  return Status::Ok();
}

// "<prefix>name+hex+base64(0x01 || key)".
std::string FormatKey(std::string_view prefix, std::string_view name, std::uint32_t key_id,
                      ByteView key) {
  Bytes typed(1 + key.size());
  typed[0] = kEd25519NoteType;
  std::copy(key.begin(), key.end(), typed.begin() + 1);
  std::string out =
      std::string(prefix) + std::string(name) + "+" + HexId(key_id) + "+" + Base64Encode(typed);
  sodium_memzero(typed.data(), typed.size());
  return out;
}

// One signature line without its '\n'.
Result<NoteSignature> ParseSignatureLine(std::string_view line) {
  if (!line.starts_with(kSignaturePrefix)) {
    return Status::Corruption("signature line does not start with an em dash and a space");
  }
  line.remove_prefix(kSignaturePrefix.size());
  const std::size_t space = line.find(' ');
  if (space == line.npos) return Status::Corruption("signature line has no signature");
  NoteSignature s;
  s.name = std::string(line.substr(0, space));
  if (!ValidKeyName(s.name)) return Status::Corruption("invalid key name in signature line");
  TAMGA_ASSIGN_OR_RETURN(Bytes raw, Base64Decode(line.substr(space + 1)));
  if (raw.size() <= kKeyIdSize) {
    return Status::Corruption("signature of " + std::to_string(raw.size()) + " bytes");
  }
  s.key_id = ReadU32(raw);
  s.signature.assign(raw.begin() + kKeyIdSize, raw.end());
  return s;
}

}  // namespace

bool ValidKeyName(std::string_view name) {
  std::uint32_t cp = 0;
  for (std::size_t pos = 0; pos < name.size();) {
    if (!NextCodePoint(name, pos, cp) || cp < 0x20 || cp == '+' || IsSpace(cp)) return false;
  }
  return !name.empty();
}

bool ValidNoteText(std::string_view text) { return CheckNoteText(text).ok(); }

std::uint32_t NoteKeyId(std::string_view name, const PublicKey& key) {
  Sha256 h;
  h.Update(AsBytes(name));
  h.Update(std::uint8_t{'\n'});
  h.Update(kEd25519NoteType);
  h.Update(key.view());
  return ReadU32(h.Finish().view());
}

Result<NoteVerifier> ParseVerifierKey(std::string_view vkey) {
  TAMGA_ASSIGN_OR_RETURN(KeyFields f, ParseKeyFields(vkey));
  NoteVerifier v{f.name, f.key_id, PublicKey::FromView(f.key)};
  TAMGA_RETURN_IF_ERROR(CheckKeyId(f, v.key));
  return v;
}

std::string FormatVerifierKey(const NoteVerifier& v) {
  return FormatKey("", v.name, v.key_id, v.key.view());
}

NoteVerifier MakeVerifier(std::string name, const PublicKey& key) {
  TAMGA_CHECK_MSG(ValidKeyName(name), "invalid note key name");
  const std::uint32_t id = NoteKeyId(name, key);
  return {std::move(name), id, key};
}

Result<NoteSigner> ParseSignerKey(std::string_view skey) {
  if (!skey.starts_with(kSignerPrefix)) {
    return Status::InvalidArgument("signer key does not start with PRIVATE+KEY+");
  }
  TAMGA_ASSIGN_OR_RETURN(KeyFields f, ParseKeyFields(skey.substr(kSignerPrefix.size())));
  std::array<std::uint8_t, SecretKey::kSeedSize> seed{};
  std::copy(f.key.begin(), f.key.end(), seed.begin());
  NoteSigner s{f.name, f.key_id, SecretKey::FromSeed(seed)};
  sodium_memzero(seed.data(), seed.size());
  TAMGA_RETURN_IF_ERROR(CheckKeyId(f, s.key.public_key()));
  return s;
}

std::string FormatSignerKey(const NoteSigner& s) {
  return FormatKey(kSignerPrefix, s.name, s.key_id, s.key.seed());
}

NoteSigner MakeSigner(std::string name, const SecretKey& key) {
  TAMGA_CHECK_MSG(ValidKeyName(name), "invalid note key name");
  const std::uint32_t id = NoteKeyId(name, key.public_key());
  return {std::move(name), id, key};
}

NoteSignature SignNoteText(std::string_view text, std::string_view name, const SecretKey& key) {
  TAMGA_CHECK_MSG(ValidKeyName(name), "invalid note key name");
  const Signature sig = key.SignRaw(AsBytes(text));
  return {std::string(name), NoteKeyId(name, key.public_key()),
          Bytes(sig.view().begin(), sig.view().end())};
}

std::string SignatureLine(std::string_view text, std::string_view name, const SecretKey& key) {
  return FormatSignatureLine(SignNoteText(text, name, key));
}

std::string FormatSignatureLine(const NoteSignature& s) {
  Bytes raw(kKeyIdSize);
  for (std::size_t i = 0; i < kKeyIdSize; ++i) {
    raw[i] = static_cast<std::uint8_t>(s.key_id >> (24 - 8 * i));
  }
  raw.insert(raw.end(), s.signature.begin(), s.signature.end());
  return std::string(kSignaturePrefix) + s.name + " " + Base64Encode(raw) + "\n";
}

Result<Note> ParseNote(std::string_view note) {
  if (note.size() > kMaxNoteSize) {
    return Status::ResourceExhausted("note of " + std::to_string(note.size()) +
                                     " bytes, over the limit of " + std::to_string(kMaxNoteSize));
  }
  TAMGA_RETURN_IF_ERROR(CheckNoteText(note));
  const std::size_t split = note.rfind("\n\n");
  if (split == note.npos) return Status::Corruption("note has no blank line");
  Note out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view lines = note.substr(split + 2);
  if (lines.empty()) return Status::Corruption("note has no signatures");
  while (!lines.empty()) {
    if (out.signatures.size() == kMaxNoteSignatures) {
      return Status::ResourceExhausted("note has over " + std::to_string(kMaxNoteSignatures) +
                                       " signatures");
    }
    const std::size_t end = lines.find('\n');  // Found: the note ends in '\n'.
    TAMGA_ASSIGN_OR_RETURN(NoteSignature s, ParseSignatureLine(lines.substr(0, end)));
    out.signatures.push_back(std::move(s));
    lines.remove_prefix(end + 1);
  }
  return out;
}

std::string FormatNote(const Note& note) {
  std::string out = note.text + "\n";
  for (const NoteSignature& s : note.signatures) out += FormatSignatureLine(s);
  return out;
}

Result<std::vector<NoteVerifier>> VerifyNote(const Note& note,
                                             std::span<const NoteVerifier> known) {
  TAMGA_RETURN_IF_ERROR(CheckNoteText(note.text));
  auto same_key = [](const auto& a, const auto& b) {
    return a.name == b.name && a.key_id == b.key_id;
  };
  for (std::size_t i = 0; i < known.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (same_key(known[i], known[j])) {
        return Status::InvalidArgument("two known keys named " + known[i].name + "+" +
                                       HexId(known[i].key_id));
      }
    }
  }
  std::vector<NoteVerifier> verified;
  for (const NoteSignature& s : note.signatures) {
    auto v = std::find_if(known.begin(), known.end(),
                          [&](const NoteVerifier& k) { return same_key(k, s); });
    if (v == known.end()) continue;
    // A key's later lines are skipped, as Go's note.Open does: a note cannot make the
    // verifier check one key many times.
    if (std::find(verified.begin(), verified.end(), *v) != verified.end()) continue;
    if (s.signature.size() != Signature::kSize ||
        !VerifyRaw(v->key, AsBytes(note.text), Signature::FromView(s.signature))) {
      return Status::BadSignature("signature by " + s.name + "+" + HexId(s.key_id) +
                                  " does not verify");
    }
    verified.push_back(*v);
  }
  if (verified.empty()) return Status::BadSignature("note has no signature by a known key");
  return verified;
}

}  // namespace tamga::tlog
