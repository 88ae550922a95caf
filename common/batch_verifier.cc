#include "common/batch_verifier.h"

namespace tamga {

BatchResult BatchVerifier::Verify(const std::vector<SignatureCheck>& checks) const {
  // One byte per check rather than vector<bool>: chunks on different threads write
  // neighbouring entries, which vector<bool> would pack into one shared word.
  std::vector<std::uint8_t> ok(checks.size(), 0);
  pool_.ParallelFor(checks.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const SignatureCheck& c = checks[i];
      ok[i] = VerifySignature(c.key, c.domain, c.message, c.signature).ok() ? 1 : 0;
    }
  });
  BatchResult result;
  for (std::size_t i = 0; i < ok.size(); ++i) {
    if (!ok[i]) result.failed.push_back(i);
  }
  return result;
}

}  // namespace tamga
