// cli/verify_texts.cc

#include "cli/verify_texts.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/status.h"
#include "web/assets.h"

namespace tamga::cli {
namespace {

using nlohmann::json;

// The JSON between the markers of web/i18n.js.
const json& Table() {
  static const json table = [] {
    const web::Asset* a = web::FindAsset("i18n.js");
    TAMGA_CHECK(a != nullptr);
    constexpr std::string_view kBegin = "/* BEGIN TEXTS */", kEnd = "/* END TEXTS */";
    const auto begin = a->body.find(kBegin);
    const auto end = a->body.find(kEnd);
    TAMGA_CHECK(begin != std::string_view::npos && end != std::string_view::npos && begin < end);
    const std::string_view text =
        a->body.substr(begin + kBegin.size(), end - begin - kBegin.size());
    json t = json::parse(text, nullptr, /*allow_exceptions=*/false);
    TAMGA_CHECK_MSG(t.is_object() && t.contains("en"), "web/i18n.js: the texts are not JSON");
    return t;
  }();
  return table;
}

}  // namespace

const std::vector<std::string>& Languages() {
  static const std::vector<std::string> languages = {"en", "ru", "zh", "ko"};
  return languages;
}

bool IsLanguage(std::string_view lang) {
  const auto& l = Languages();
  return std::find(l.begin(), l.end(), lang) != l.end();
}

std::string Text(std::string_view lang, std::string_view key,
                 const std::map<std::string, std::string>& values) {
  const json& table = Table();
  const std::string k(key);
  const std::string l = IsLanguage(lang) ? std::string(lang) : "en";
  std::string t;
  if (table[l].contains(k)) {
    t = table[l][k].get<std::string>();
  } else if (table["en"].contains(k)) {
    t = table["en"][k].get<std::string>();
  } else {
    return k;
  }
  std::string out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{') {
      const auto close = t.find('}', i);
      if (close != std::string::npos) {
        auto it = values.find(t.substr(i + 1, close - i - 1));
        if (it != values.end()) {
          out += it->second;
          i = close;
          continue;
        }
      }
    }
    out += t[i];
  }
  return out;
}

std::string Amount(std::string_view lang, std::uint64_t quantity, std::string_view unit) {
  const std::string group = lang == "ru" ? "\u00a0" : ",";
  const std::string digits = std::to_string(quantity);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += group;
    out += digits[i];
  }
  return out + " " + std::string(unit);
}

std::string AgeText(std::string_view lang, std::uint64_t ms) {
  if (ms < 120'000) return Text(lang, "age.s", {{"n", std::to_string(ms / 1000)}});
  if (ms < 7'200'000) return Text(lang, "age.min", {{"n", std::to_string(ms / 60'000)}});
  if (ms < 172'800'000) return Text(lang, "age.h", {{"n", std::to_string(ms / 3'600'000)}});
  return Text(lang, "age.days", {{"n", std::to_string(ms / 86'400'000)}});
}

}  // namespace tamga::cli
