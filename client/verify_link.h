// client/verify_link.h
// The link that opens a document's verdict on a verifier page (web/), and that link as a
// QR code in SVG, for the paper copy of a document: `tamga verify --qr` writes it, and a
// node answers it at GET /v1/documents/{sha256}/link. The QR code is libqrencode's
// (ISO/IEC 18004, error correction level M); this file only draws its modules.
//
// Thread-safety: pure functions.

#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace tamga::client {

// "<page>/verify?sha256=<64 hex>"; `page` is a base URL such as "https://verify.example"
// (a trailing '/' is dropped).
std::string VerifyLink(std::string_view page, const Hash32& document);

// `text` as a QR code: a square SVG of dark modules on white, with the four-module quiet
// zone the standard asks for, `module_px` pixels per module.
Result<std::string> QrSvg(std::string_view text, int module_px = 4);

}  // namespace tamga::client
