#include "common/batch_verifier.h"

#include <gtest/gtest.h>

#include "tests/support/samples.h"

namespace tamga {
namespace {

TEST(BatchVerifier, ReportsExactlyTheFailedIndexes) {
  ThreadPool pool(2);
  BatchVerifier verifier(pool);
  std::vector<Bytes> messages;
  for (int i = 0; i < 101; ++i) messages.push_back(Bytes(50, static_cast<std::uint8_t>(i)));
  std::vector<SignatureCheck> checks;
  for (int i = 0; i < 101; ++i) {
    const SecretKey key = testing::TestKey(static_cast<std::uint8_t>(i % 5 + 1));
    checks.push_back({key.public_key(), SignDomain::kVote, messages[i],
                      key.Sign(SignDomain::kVote, messages[i])});
  }
  EXPECT_TRUE(verifier.Verify(checks).all_ok());

  checks[0].signature.data()[0] ^= 1;                       // Bad signature.
  checks[50].domain = SignDomain::kTimeout;                 // Right bytes, wrong domain.
  checks[77].key = testing::TestKey(9).public_key();        // Wrong signer.
  checks[100].message = messages[99];                       // Other message.
  const BatchResult r = verifier.Verify(checks);
  EXPECT_EQ(r.failed, (std::vector<std::size_t>{0, 50, 77, 100}));
  EXPECT_FALSE(r.all_ok());
}

TEST(BatchVerifier, EmptyBatchIsOk) {
  ThreadPool pool(1);
  EXPECT_TRUE(BatchVerifier(pool).Verify({}).all_ok());
}

}  // namespace
}  // namespace tamga
