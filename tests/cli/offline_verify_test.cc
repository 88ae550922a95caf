// tests/cli/offline_verify_test.cc
// What a trader's offline verifier answers when the input is wrong, built from
// tamga::cli_verify alone (no RocksDB, no consensus core; tests/cli/CMakeLists.txt holds
// that line). Proofs from a real chain are checked in tests/node/facts_test.cc.

#include <gtest/gtest.h>

#include "cli/verify_command.h"
#include "common/sha256.h"

namespace tamga::cli {
namespace {

contracts::Genesis TwoAdministrations() {
  contracts::Genesis g;
  g.chain_name = "offline test";
  g.genesis_time_ms = 1'800'000'000'000;
  for (const char* c : {"KZ", "UZ"}) {
    contracts::AdministrationEntry a;
    a.country = c;
    a.name = std::string("Customs of ") + c;
    a.validator_key = PublicKey::FromView(Sha256Of(AsBytes(std::string("validator ") + c)).view());
    a.admin_key = PublicKey::FromView(Sha256Of(AsBytes(std::string("admin ") + c)).view());
    a.address = "127.0.0.1:1";
    g.administrations.push_back(a);
  }
  return g;
}

const Hash32 kDocument = Sha256Of(AsBytes("a document"));
constexpr std::uint64_t kNow = 1'800'000'100'000;

TEST(OfflineVerify, TextThatIsNotAProofIsRefusedAsInvalid) {
  for (const char* text : {"", "not json", "[]", "{}", "{\"version\": 1}", "{\"version\": 99}"}) {
    const DocumentVerdict v = ExplainDocument(TwoAdministrations(), kDocument, text, kNow);
    EXPECT_EQ(v.exit_code, kVerifyProofInvalid) << text;
    EXPECT_EQ(v.code, "proof_invalid") << text;
    EXPECT_EQ(v.proof_error, "malformed_file") << text;
    EXPECT_NE(v.headline.find("NOT VALID"), std::string::npos) << v.headline;
  }
}

TEST(OfflineVerify, AGenesisNoChainCanStartFromIsAnInputError) {
  contracts::Genesis g = TwoAdministrations();
  g.administrations[1].country = "kz";  // Not an ISO 3166-1 code.
  const DocumentVerdict v = ExplainDocument(g, kDocument, "{}", kNow);
  EXPECT_EQ(v.exit_code, kVerifyError);
  EXPECT_EQ(v.code, "bad_genesis");
  EXPECT_NE(v.headline.find("genesis"), std::string::npos) << v.headline;
}

TEST(OfflineVerify, UtcTimeIsWrittenInFull) {
  EXPECT_EQ(UtcTime(0), "1970-01-01 00:00:00 UTC");
  EXPECT_EQ(UtcTime(1'800'000'000'000), "2027-01-15 08:00:00 UTC");
}

}  // namespace
}  // namespace tamga::cli
