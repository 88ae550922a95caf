// contracts/usability.h
// The use rule's first question about a certificate, shared by the rules (a use at import)
// and by verifiers (is what a proof shows still usable?).
//
// Thread-safety: pure.

#pragma once

#include <cstdint>
#include <string>

#include "contracts/model.h"

namespace tamga::contracts {

// Whether a certificate may be used at `now_ms`: kAccepted, or why not (revoked, replaced,
// not yet valid, expired, not confirmed by its exporting administration), in the order the
// use rule checks them. The quantity left is checked apart (after the use's own checks).
struct CertificateUsability {
  Reason reason = Reason::kAccepted;
  std::string why;  // A sentence, when not usable.
};
CertificateUsability CertificateUsableAt(const CertificateRecord& c, std::uint64_t now_ms);

}  // namespace tamga::contracts
