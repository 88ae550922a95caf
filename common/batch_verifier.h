// common/batch_verifier.h
// Verifies many Ed25519 signatures in parallel on a shared ThreadPool and reports which
// failed. Each signature is checked on its own (libsodium has no batch equation), so the
// answers are exactly those of VerifySignature() and the speed-up comes from the cores.
//
// Thread-safety: thread-safe if the pool is; items must outlive the call.

#pragma once

#include <cstddef>
#include <vector>

#include "common/bytes.h"
#include "common/ed25519.h"
#include "common/thread_pool.h"

namespace tamga {

struct SignatureCheck {
  PublicKey key;
  SignDomain domain;
  ByteView message;  // Not owned; must outlive the Verify call.
  Signature signature;
};

struct BatchResult {
  std::vector<std::size_t> failed;  // Indexes into the input, ascending.
  bool all_ok() const { return failed.empty(); }
};

class BatchVerifier {
 public:
  // `pool` must outlive this verifier.
  explicit BatchVerifier(ThreadPool& pool) : pool_(pool) {}

  BatchResult Verify(const std::vector<SignatureCheck>& checks) const;

 private:
  ThreadPool& pool_;
};

}  // namespace tamga
