// tlog/checkpoint.cc

#include "tlog/checkpoint.h"

#include "tlog/base64.h"
#include "tlog/note.h"

namespace tamga::tlog {

std::optional<std::uint64_t> ParseTreeSize(std::string_view s) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

std::string ChainOrigin(const Hash32& chain_id) { return "tamga/" + chain_id.ToHex(); }

std::string FormatCheckpointText(const Checkpoint& c) {
  std::string out =
      c.origin + "\n" + std::to_string(c.size) + "\n" + Base64Encode(c.root.view()) + "\n";
  for (const std::string& e : c.extensions) out += e + "\n";
  return out;
}

Result<Checkpoint> ParseCheckpointText(std::string_view text) {
  if (!ValidNoteText(text)) return Status::Corruption("checkpoint is not a valid note text");
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');  // Found: the text ends in '\n'.
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  if (lines.size() < 3) return Status::Corruption("checkpoint has fewer than three lines");
  Checkpoint c;
  c.origin = std::string(lines[0]);
  if (!ValidKeyName(c.origin)) return Status::Corruption("invalid checkpoint origin");
  const std::optional<std::uint64_t> size = ParseTreeSize(lines[1]);
  if (!size) return Status::Corruption("checkpoint size is not a canonical decimal");
  c.size = *size;
  Result<Bytes> root = Base64Decode(lines[2]);
  if (!root || root->size() != Hash32::kSize) {
    return Status::Corruption("checkpoint root is not the base64 of 32 bytes");
  }
  c.root = Hash32::FromView(*root);
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return Status::Corruption("empty checkpoint extension line");
    c.extensions.emplace_back(lines[i]);
  }
  return c;
}

}  // namespace tamga::tlog
