// contracts/usability.cc

#include "contracts/usability.h"

namespace tamga::contracts {

CertificateUsability CertificateUsableAt(const CertificateRecord& c, std::uint64_t now_ms) {
  const std::string name = c.issue.exporting_country + "/" + c.issue.number;
  if (c.status == CertificateStatus::kRevoked) {
    return {Reason::kCertificateRevoked, "certificate " + name + " was revoked"};
  }
  if (c.status == CertificateStatus::kReplaced) {
    return {Reason::kCertificateReplaced,
            "certificate " + name + " was replaced by " + c.replaced_by};
  }
  if (now_ms < c.issue.issued_ms) {
    return {Reason::kCertificateNotYetValid, "certificate " + name + " is not yet valid"};
  }
  if (now_ms > c.issue.valid_until_ms) {
    return {Reason::kCertificateExpired, "certificate " + name + " has expired"};
  }
  if (c.verification == VerificationState::kNotConfirmed) {
    return {Reason::kCertificateNotConfirmed,
            "the exporting administration did not confirm certificate " + name};
  }
  return {};
}

}  // namespace tamga::contracts
