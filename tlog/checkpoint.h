// tlog/checkpoint.h
// The text of a C2SP checkpoint (c2sp.org/tlog-checkpoint), the body of a signed note:
//   <origin>\n<tree size in decimal>\n<base64 of the 32-byte root hash>\n<extension lines>
// The origin follows the rules of a note key name (non-empty, no whitespace, no '+'); the
// size has no leading zeros; each optional extension line is non-empty.
//
// Thread-safety: stateless; all functions are thread-safe.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace tamga::tlog {

struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash32 root;
  std::vector<std::string> extensions;  // Each without its '\n'.

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The origin of a Tamga chain's record log: "tamga/" and the chain id (the SHA-256 of its
// genesis document) in lower-case hex. Unique to the chain, and a valid key name.
std::string ChainOrigin(const Hash32& chain_id);

// A tree size as a checkpoint's size line writes it: ASCII decimal without leading zeros
// ("0" for zero) that fits in 64 bits; nullopt otherwise. Also the rule of other C2SP
// size fields, such as tlog-witness's old size.
std::optional<std::uint64_t> ParseTreeSize(std::string_view s);

// "origin\nsize\nbase64(root)\n"then each extension and '\n'. ParseCheckpointText() of
// the result gives `c` back if the origin and extensions are valid.
std::string FormatCheckpointText(const Checkpoint& c);
// Parses the text of a checkpoint note (with its final '\n'); kCorruption on any breach of
// the rules above or of ValidNoteText().
Result<Checkpoint> ParseCheckpointText(std::string_view text);

}  // namespace tamga::tlog
