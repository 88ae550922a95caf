// tlog/cosignature.h
// C2SP tlog-cosignature (c2sp.org/tlog-cosignature), the Ed25519 type only: a witness's
// note signature on a checkpoint. It differs from a plain note signature in three ways:
//   key ID    = the first 4 bytes (big-endian) of SHA-256(name || '\n' || 0x04 || key);
//   signature = timestamped_signature: a big-endian u64 POSIX time in seconds (at most
//               2^63 - 1) followed by the 64-byte Ed25519 signature, 72 bytes in all;
//   message   = "cosignature/v1\n" "time <decimal timestamp>\n" and the checkpoint's whole
//               note text (with its final '\n', without signature lines).
// Verifier key string: "<name>+<8 hex digits of key ID>+<base64(0x04 || public key)>".
//
// A cosigner's NoteVerifier (key ID by the 0x04 rule) is for VerifyCosignature only;
// VerifyNote() checks plain 0x01 signatures and would reject its lines.
//
// Thread-safety: stateless; all functions are thread-safe.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/ed25519.h"
#include "common/status.h"
#include "tlog/note.h"

namespace tamga::tlog {

// The signature type byte of Ed25519 cosignatures in key IDs and key strings.
inline constexpr std::uint8_t kCosignatureNoteType = 0x04;
// The largest timestamp a cosignature may carry: 2^63 - 1.
inline constexpr std::uint64_t kMaxCosignatureTime = (std::uint64_t{1} << 63) - 1;
// The size of a timestamped_signature: the u64 timestamp and the Ed25519 signature.
inline constexpr std::size_t kCosignatureSize = 8 + Signature::kSize;

// The key ID of the Ed25519 cosigner key `key` named `name`.
std::uint32_t CosignatureKeyId(std::string_view name, const PublicKey& key);
// Computes the key ID by the 0x04 rule. REQUIRES: ValidKeyName(name) (checked).
NoteVerifier MakeCosignatureVerifier(std::string name, const PublicKey& key);

// Parses "name+hex+base64(0x04 || key)"; the key ID must match the one computed from name
// and key by the 0x04 rule. The hex may be in either case. kInvalidArgument otherwise.
Result<NoteVerifier> ParseCosignatureVerifierKey(std::string_view vkey);
// The inverse of ParseCosignatureVerifierKey, with lower-case hex.
std::string FormatCosignatureVerifierKey(const NoteVerifier& v);

// The bytes an Ed25519 cosignature signs over the note text `note_text` at `timestamp`.
std::string CosignedMessage(std::string_view note_text, std::uint64_t timestamp);
// The cosignature of `key` named `name` over `note_text` at `timestamp` (POSIX seconds).
// REQUIRES: ValidKeyName(name) and timestamp <= kMaxCosignatureTime (both checked).
NoteSignature Cosign(std::string_view note_text, std::string_view name, const SecretKey& key,
                     std::uint64_t timestamp);

// The timestamp of `sig` if it is a valid cosignature by `cosigner` over `note_text`.
// kNotFound when the name or key ID is not the cosigner's; kCorruption when the signature
// is not 72 bytes, its timestamp exceeds kMaxCosignatureTime or the text is not a valid
// note text; kBadSignature when the Ed25519 signature does not verify.
Result<std::uint64_t> VerifyCosignature(std::string_view note_text, const NoteSignature& sig,
                                        const NoteVerifier& cosigner);

}  // namespace tamga::tlog
