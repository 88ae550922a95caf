// tlog/base64.h
// Standard, padded base64 (RFC 4648 section 4), the encoding every C2SP text format uses.
// Decoding is canonical: it accepts only what Base64Encode produces, so no whitespace, no
// missing padding and no non-zero trailing bits.
//
// Thread-safety: stateless.

#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace tamga::tlog {

std::string Base64Encode(ByteView bytes);
// kCorruption unless `text` is exactly Base64Encode() of some bytes.
Result<Bytes> Base64Decode(std::string_view text);

}  // namespace tamga::tlog
