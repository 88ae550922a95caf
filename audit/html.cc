// audit/html.cc

#include "audit/html.h"

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <sstream>

namespace tamga::audit::html {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string UtcTime(std::uint64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  if (gmtime_r(&seconds, &tm) == nullptr) return "?";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string Thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Duration(std::uint64_t ms) {
  std::ostringstream s;
  if (ms < 10'000) {
    s << ms << " ms";
  } else if (ms < 3'600'000) {
    s << std::fixed << std::setprecision(1) << static_cast<double>(ms) / 60'000.0 << " min";
  } else if (ms < 48 * 3'600'000ull) {
    s << std::fixed << std::setprecision(1) << static_cast<double>(ms) / 3'600'000.0 << " h";
  } else {
    s << std::fixed << std::setprecision(1) << static_cast<double>(ms) / 86'400'000.0 << " d";
  }
  return s.str();
}

std::string SvgStart(const std::string& title, int width, int height) {
  std::ostringstream svg;
  svg << "<svg role=\"img\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 "
      << width << ' ' << height << "\" xmlns=\"http://www.w3.org/2000/svg\"><title>"
      << Escape(title) << "</title>";
  return svg.str();
}

std::string BarChart(const std::string& title,
                     std::vector<std::pair<std::string, std::uint64_t>> rows, const char* colour,
                     std::string (*format)(std::uint64_t)) {
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::ostringstream svg;
  svg << "<figure><figcaption>" << Escape(title) << "</figcaption>";
  if (rows.empty()) {
    svg << "<p class=\"none\">None.</p></figure>\n";
    return svg.str();
  }
  constexpr int kWidth = 760, kRow = 22, kLabel = 220, kValue = 110;
  const int height = static_cast<int>(rows.size()) * kRow + 4;
  std::uint64_t max = 1;
  for (const auto& r : rows) max = std::max(max, r.second);
  svg << SvgStart(title, kWidth, height);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const int y = static_cast<int>(i) * kRow + 2;
    const double w = static_cast<double>(kWidth - kLabel - kValue) *
                     static_cast<double>(rows[i].second) / static_cast<double>(max);
    svg << "<text x=\"" << kLabel - 8 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">"
        << Escape(rows[i].first) << "</text>"
        << "<rect x=\"" << kLabel << "\" y=\"" << y + 3 << "\" width=\"" << std::max(w, 1.0)
        << "\" height=\"" << kRow - 6 << "\" fill=\"" << colour << "\"/>"
        << "<text x=\"" << kLabel + w + 6 << "\" y=\"" << y + 15 << "\">"
        << Escape(format(rows[i].second)) << "</text>";
  }
  svg << "</svg></figure>\n";
  return svg.str();
}

const char* StyleSheet() {
  return R"(
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 820px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
.verdict { padding: 12px 16px; border-radius: 6px; font-weight: 600; font-size: 17px; }
.ok { background: #e3f4e6; border: 1px solid #3c9a4e; }
.bad { background: #fbe4e1; border: 1px solid #c0392b; }
.partial { background: #fdf3d8; border: 1px solid #c99a1c; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
td.hash { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
figure { margin: 16px 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 12px system-ui, sans-serif; fill: #333; }
.none { color: #666; }
)";
}

}  // namespace tamga::audit::html
