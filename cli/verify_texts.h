// cli/verify_texts.h
// The words of a verdict in English, Russian, Chinese or Korean. The table is the verifier
// page's own (web/i18n.js, built into the program by tamga::web), read once, so that
// `tamga verify --lang` and the page say exactly the same; tests/vectors checks that they
// do on every test vector.
//
// Thread-safety: thread-safe (the table is parsed once, under a static's guard).

#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tamga::cli {

// "en", "ru", "zh", "ko".
const std::vector<std::string>& Languages();
bool IsLanguage(std::string_view lang);

// The text `key` in `lang` with each `{name}` replaced from `values`; English when the
// language lacks it, the key itself when English does too.
std::string Text(std::string_view lang, std::string_view key,
                 const std::map<std::string, std::string>& values = {});

// "240,000 kg" ("240 000 kg" in Russian, with a no-break space).
std::string Amount(std::string_view lang, std::uint64_t quantity, std::string_view unit);
// A proof's age, rounded down: "45 s", "12 min", "5 h", "9 days" in `lang`.
std::string AgeText(std::string_view lang, std::uint64_t ms);

}  // namespace tamga::cli
