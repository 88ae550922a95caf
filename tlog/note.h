// tlog/note.h
// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, compatible with Go's
// golang.org/x/mod/sumdb/note. A note is UTF-8 text ending in '\n', a blank line, then one
// or more lines "— <key name> <base64(key ID || signature)>\n". An Ed25519 signature is
// over exactly the text bytes; the key ID is the first 4 bytes (big-endian) of
// SHA-256(name || '\n' || 0x01 || public key).
//
// Key strings:
//   verifier: "<name>+<8 hex digits of key ID>+<base64(0x01 || public key)>"
//   signer:   "PRIVATE+KEY+<name>+<8 hex digits of key ID>+<base64(0x01 || seed)>"
//
// Errors: malformed notes are kCorruption, notes over the limits below kResourceExhausted,
// malformed key strings kInvalidArgument, signatures that fail kBadSignature.
//
// Thread-safety: stateless; all functions are thread-safe.

#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/ed25519.h"
#include "common/status.h"

namespace tamga::tlog {

// The signature type byte of Ed25519 in key IDs and key strings.
inline constexpr std::uint8_t kEd25519NoteType = 0x01;
// Parsing limits; the specification asks verifiers to accept at least 16 signatures.
inline constexpr std::size_t kMaxNoteSize = std::size_t{1} << 20;
inline constexpr std::size_t kMaxNoteSignatures = 1100;

// Non-empty valid UTF-8 with no '+', no whitespace (ASCII or Unicode) and no control
// character below U+0020.
bool ValidKeyName(std::string_view name);
// Valid UTF-8 ending in '\n', with no control character below U+0020 other than '\n'.
bool ValidNoteText(std::string_view text);

// The key ID of the Ed25519 key `key` named `name`.
std::uint32_t NoteKeyId(std::string_view name, const PublicKey& key);

struct NoteVerifier {
  std::string name;
  std::uint32_t key_id = 0;
  PublicKey key;

  friend bool operator==(const NoteVerifier&, const NoteVerifier&) = default;
};

// Parses "name+hex+base64"; the key ID must match the one computed from name and key. The
// hex may be in either case, as Go accepts.
Result<NoteVerifier> ParseVerifierKey(std::string_view vkey);
// The inverse of ParseVerifierKey, with lower-case hex.
std::string FormatVerifierKey(const NoteVerifier& v);
// Computes the key ID. REQUIRES: ValidKeyName(name) (checked).
NoteVerifier MakeVerifier(std::string name, const PublicKey& key);

struct NoteSigner {
  std::string name;
  std::uint32_t key_id = 0;
  SecretKey key;

  NoteVerifier verifier() const { return {name, key_id, key.public_key()}; }
};

// Parses "PRIVATE+KEY+name+hex+base64"; the key ID must match the derived public key's.
Result<NoteSigner> ParseSignerKey(std::string_view skey);
// The inverse of ParseSignerKey. The result holds the secret seed; wipe it after use.
std::string FormatSignerKey(const NoteSigner& s);
// Computes the key ID. REQUIRES: ValidKeyName(name) (checked).
NoteSigner MakeSigner(std::string name, const SecretKey& key);

// One signature line; `signature` excludes the 4-byte key ID.
struct NoteSignature {
  std::string name;
  std::uint32_t key_id = 0;
  Bytes signature;

  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

// The Ed25519 signature of `key` named `name` over `text`.
// REQUIRES: ValidKeyName(name) (checked).
NoteSignature SignNoteText(std::string_view text, std::string_view name, const SecretKey& key);
// The signature line, with its trailing '\n', of `key` named `name` over `text`.
// REQUIRES: ValidKeyName(name) (checked).
std::string SignatureLine(std::string_view text, std::string_view name, const SecretKey& key);
// "— <name> <base64(key ID || signature)>\n".
std::string FormatSignatureLine(const NoteSignature& s);

struct Note {
  std::string text;  // Includes its final '\n', not the blank line after it.
  std::vector<NoteSignature> signatures;

  friend bool operator==(const Note&, const Note&) = default;
};

// Splits a note at its last blank line and parses the signature lines; checks the format
// and the limits only, not the signatures.
Result<Note> ParseNote(std::string_view note);
// text + "\n" + the signature lines. ParseNote() of the result gives `note` back if `note`
// is well formed (valid text, valid names, at least one signature of 1 byte or more).
std::string FormatNote(const Note& note);

// Checks `note` against the `known` keys: signatures by keys not among them (by name and
// key ID) are ignored; the first signature of each known key must verify (kBadSignature
// otherwise; its later lines are skipped, as Go's note.Open skips them), and at least one
// must (kBadSignature otherwise). Returns the verifiers whose
// signatures verified, each once, in order of first appearance. kInvalidArgument when
// `known` holds two keys with one name and key ID; kCorruption when the text is not a
// valid note text.
Result<std::vector<NoteVerifier>> VerifyNote(const Note& note, std::span<const NoteVerifier> known);

}  // namespace tamga::tlog
