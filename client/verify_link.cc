// client/verify_link.cc

#include "client/verify_link.h"

#include <qrencode.h>

#include <memory>

namespace tamga::client {

std::string VerifyLink(std::string_view page, const Hash32& document) {
  while (!page.empty() && page.back() == '/') page.remove_suffix(1);
  return std::string(page) + "/verify?sha256=" + document.ToHex();
}

Result<std::string> QrSvg(std::string_view text, int module_px) {
  const std::string input(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString8bit(input.c_str(), /*version=*/0, QR_ECLEVEL_M), &QRcode_free);
  if (qr == nullptr) return Status::InvalidArgument("the text is too long for a QR code");
  constexpr int kQuiet = 4;
  const int w = qr->width;
  const int side = w + 2 * kQuiet;
  // One path: a unit square per run of dark modules in a row.
  std::string path;
  for (int y = 0; y < w; ++y) {
    for (int x = 0; x < w;) {
      if ((qr->data[y * w + x] & 1) == 0) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < w && (qr->data[y * w + x + run] & 1) != 0) ++run;
      path += "M" + std::to_string(x + kQuiet) + " " + std::to_string(y + kQuiet) + "h" +
              std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  const std::string px = std::to_string(side * module_px);
  const std::string box = std::to_string(side);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px + "\" height=\"" + px +
         "\" viewBox=\"0 0 " + box + " " + box +
         "\" shape-rendering=\"crispEdges\"><rect width=\"" + box + "\" height=\"" + box +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>\n";
}

}  // namespace tamga::client
