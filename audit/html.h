// audit/html.h
// What the audit's and the indicators' HTML pages share: escaping, number and time
// formats, a horizontal bar chart in inline SVG, and one style sheet. Pages built with it
// have no script and nothing from elsewhere, so they open offline and print.
//
// Thread-safety: pure functions.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tamga::audit::html {

inline constexpr const char* kBlue = "#2f6db5";
inline constexpr const char* kLightBlue = "#9dbde3";
inline constexpr const char* kRed = "#c0392b";

// For text and attribute values.
std::string Escape(std::string_view text);
// "2027-03-01 14:05:09 UTC".
std::string UtcTime(std::uint64_t ms);
// 1234567 -> "1,234,567".
std::string Thousands(std::uint64_t n);
// A duration for people: "850 ms", "12.5 min", "3.2 h", "4.1 d".
std::string Duration(std::uint64_t ms);

// The opening of an SVG chart `width` by `height` titled `title` (for screen readers and
// as a tooltip); the caller closes it with "</svg>".
std::string SvgStart(const std::string& title, int width, int height);

// Horizontal bars, largest first, each labelled with `format` of its value.
std::string BarChart(const std::string& title,
                     std::vector<std::pair<std::string, std::uint64_t>> rows, const char* colour,
                     std::string (*format)(std::uint64_t) = &Thousands);

// The pages' style sheet (for a <style> element).
const char* StyleSheet();

}  // namespace tamga::audit::html
