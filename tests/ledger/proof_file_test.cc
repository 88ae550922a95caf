// tests/ledger/proof_file_test.cc
// A valid proof verifies; every field of it, changed, makes it fail, and the named
// changes fail for the right reason.

#include "ledger/proof_file.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "common/sha256.h"
#include "ledger/ledger.h"
#include "tests/ledger/chain_builder.h"
#include "tests/support/samples.h"

namespace tamga::ledger {
namespace {

using testing::ChainBuilder;
using testing::ValidatorKeys;

// A proof at epoch 1 (one epoch change) of log record 1 and two state keys (one present,
// one absent), from a four-validator genesis handing over to seven validators.
class ProofFileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto keys0 = ValidatorKeys(4), keys1 = ValidatorKeys(7, 50);
    anchor_ = new TrustAnchor(testing::TestAnchor(keys0));
    auto ledger = Ledger::Open(std::make_unique<MemKvStore>(), *anchor_).value();
    ChainBuilder chain(*ledger, keys0);
    EXPECT_TRUE(chain.AppendBlock(3).ok());
    EXPECT_TRUE(chain.AppendReconfiguration(keys1).ok());
    EXPECT_TRUE(chain.AppendBlock(2).ok());
    EXPECT_TRUE(chain.AppendBlock(1).ok());
    const Hash32 present = testing::DocumentKey(Sha256Of(testing::TestDocument(3, 1)));
    const Hash32 absent = testing::DocumentKey(Sha256Of(AsBytes("never")));
    proof_ = new ProofFile(ledger->BuildProof(1, {present, absent}).value());
  }
  static void TearDownTestSuite() {
    delete anchor_;
    delete proof_;
  }

  static ProofError Check(const std::function<void(ProofFile&)>& tamper) {
    ProofFile p = *proof_;
    tamper(p);
    return VerifyProof(*anchor_, p).error;
  }

  static TrustAnchor* anchor_;
  static ProofFile* proof_;
};
TrustAnchor* ProofFileTest::anchor_ = nullptr;
ProofFile* ProofFileTest::proof_ = nullptr;

TEST_F(ProofFileTest, TheUntouchedProofVerifiesAndSurvivesJson) {
  const ProofVerdict v = VerifyProof(*anchor_, *proof_);
  ASSERT_TRUE(v.ok()) << v.message;
  EXPECT_EQ(v.facts.epoch, Epoch(1));
  const std::string json = ProofToJson(*proof_);
  EXPECT_EQ(ProofFromJson(json).value(), *proof_);
  EXPECT_TRUE(VerifyProofJson(*anchor_, json).ok());
}

TEST_F(ProofFileTest, WrongChain) {
  TrustAnchor other = *anchor_;
  other.chain_id = Sha256Of(AsBytes("another chain"));
  EXPECT_EQ(VerifyProof(other, *proof_).error, ProofError::kWrongChain);
  EXPECT_EQ(Check([](ProofFile& p) { p.chain_id = Sha256Of(AsBytes("x")); }),
            ProofError::kWrongChain);
}

TEST_F(ProofFileTest, BrokenEpochChain) {
  EXPECT_EQ(Check([](ProofFile& p) { p.epochs.clear(); }), ProofError::kBrokenEpochChain);
  EXPECT_EQ(Check([](ProofFile& p) { p.epochs.push_back(p.epochs[0]); }),
            ProofError::kBrokenEpochChain);
  EXPECT_EQ(Check([](ProofFile& p) {
              p.epochs[0].next.set.validators[0] = testing::TestKey(99).public_key();
            }),
            ProofError::kBrokenEpochChain);
  EXPECT_EQ(Check([](ProofFile& p) { p.epochs[0].next.set.epoch = Epoch(2); }),
            ProofError::kBrokenEpochChain);
  EXPECT_EQ(Check([](ProofFile& p) { p.epochs[0].next.changed_at = Height(1); }),
            ProofError::kBrokenEpochChain);
  EXPECT_EQ(Check([](ProofFile& p) {
              p.epochs[0].next.set.validators.push_back(p.epochs[0].next.set.validators[0]);
            }),
            ProofError::kBrokenEpochChain);
  // The block's own validator-set entry: another set, or a path that does not prove it.
  EXPECT_EQ(Check([](ProofFile& p) {
              p.block_validators = p.epochs[0].next;
              p.block_validators.set.epoch = Epoch(0);
            }),
            ProofError::kBrokenEpochChain);
  EXPECT_EQ(Check([](ProofFile& p) { p.block_validators_proof.siblings[0].data()[0] ^= 1; }),
            ProofError::kBrokenEpochChain);
  EXPECT_EQ(Check([](ProofFile& p) { p.epochs[0].next_proof.siblings.clear(); }),
            ProofError::kBrokenEpochChain);
}

TEST_F(ProofFileTest, QuorumSignersAndSignatures) {
  EXPECT_EQ(Check([](ProofFile& p) { p.block.qc.signatures.resize(4); }),
            ProofError::kQuorumNotReached);
  EXPECT_EQ(Check([](ProofFile& p) { p.block.qc.signatures.back().signer = ValidatorIndex(7); }),
            ProofError::kSignerNotInSet);
  EXPECT_EQ(Check([](ProofFile& p) { p.block.qc.signatures[2].signature.data()[5] ^= 1; }),
            ProofError::kBadSignature);
  // A valid signature moved to another signer's slot.
  EXPECT_EQ(Check([](ProofFile& p) {
              std::swap(p.block.qc.signatures[0].signature, p.block.qc.signatures[1].signature);
            }),
            ProofError::kBadSignature);
  // The signed roots or the signed header changed.
  EXPECT_EQ(Check([](ProofFile& p) { p.block.qc.data.result.log_size += 1; }),
            ProofError::kBadSignature);
  EXPECT_EQ(Check([](ProofFile& p) { p.block.header.timestamp_ms += 1; }),
            ProofError::kBadSignature);
  // The epoch-0 signers do not sign for epoch 1.
  EXPECT_EQ(
      Check([](ProofFile& p) { p.epochs[0].block.qc.signatures[0].signature.data()[0] ^= 1; }),
      ProofError::kBadSignature);
}

TEST_F(ProofFileTest, DuplicateSignersInAQcBuiltInMemoryAreRefused) {
  EXPECT_EQ(Check([](ProofFile& p) {
              for (QuorumSignature& s : p.block.qc.signatures) s = p.block.qc.signatures[0];
            }),
            ProofError::kMalformed);
}

TEST_F(ProofFileTest, APinnedGenesisThatIsNotAValidSetIsRefused) {
  TrustAnchor bad = *anchor_;
  bad.validators.validators.push_back(bad.validators.validators[0]);
  EXPECT_EQ(VerifyProof(bad, *proof_).error, ProofError::kMalformed);
  bad = *anchor_;
  bad.validators.validators.clear();
  EXPECT_EQ(VerifyProof(bad, *proof_).error, ProofError::kMalformed);
}

TEST_F(ProofFileTest, NotCommitted) {
  EXPECT_EQ(Check([](ProofFile& p) { p.block.commit.headers.clear(); }), ProofError::kNotCommitted);
  EXPECT_EQ(Check([](ProofFile& p) { p.block.commit.qcs.pop_back(); }), ProofError::kNotCommitted);
  EXPECT_EQ(Check([](ProofFile& p) { p.block.commit.headers[0] = p.epochs[0].block.header; }),
            ProofError::kNotCommitted);
  EXPECT_EQ(Check([](ProofFile& p) { p.block.commit.qcs[1].signatures.resize(1); }),
            ProofError::kQuorumNotReached);
  // The two commit QCs swapped: each certifies the other header.
  EXPECT_EQ(Check([](ProofFile& p) { std::swap(p.block.commit.qcs[0], p.block.commit.qcs[1]); }),
            ProofError::kBadSignature);
  // A commit header from another epoch.
  EXPECT_EQ(Check([](ProofFile& p) { p.block.commit.headers[0].epoch = Epoch(0); }),
            ProofError::kNotCommitted);
}

TEST_F(ProofFileTest, LogPath) {
  EXPECT_EQ(Check([](ProofFile& p) { p.log->path[0].data()[0] ^= 1; }), ProofError::kRootMismatch);
  EXPECT_EQ(Check([](ProofFile& p) { p.log->record.back() ^= 1; }), ProofError::kRootMismatch);
  EXPECT_EQ(Check([](ProofFile& p) { p.log->path.pop_back(); }), ProofError::kBadInclusionPath);
  EXPECT_EQ(Check([](ProofFile& p) { p.log->index = 1000; }), ProofError::kBadInclusionPath);
  EXPECT_EQ(Check([](ProofFile& p) { p.log->index = 0; }), ProofError::kRootMismatch);
}

TEST_F(ProofFileTest, StatePath) {
  EXPECT_EQ(Check([](ProofFile& p) { p.state[0].value->back() ^= 1; }), ProofError::kRootMismatch);
  EXPECT_EQ(Check([](ProofFile& p) { p.state[0].proof.siblings[0].data()[1] ^= 1; }),
            ProofError::kRootMismatch);
  EXPECT_EQ(Check([](ProofFile& p) { p.state[0].value.reset(); }), ProofError::kBadInclusionPath);
  EXPECT_EQ(Check([](ProofFile& p) { p.state[1].value = Bytes{1}; }),
            ProofError::kBadInclusionPath);
  EXPECT_EQ(Check([](ProofFile& p) { p.state[0].key = p.state[1].key; }),
            ProofError::kBadInclusionPath);
}

// Every string and number in the JSON, changed, makes the proof fail.
TEST_F(ProofFileTest, ChangingAnyFieldOfTheJsonFails) {
  const nlohmann::json doc = nlohmann::json::parse(ProofToJson(*proof_));
  std::vector<nlohmann::json::json_pointer> leaves;
  std::function<void(const nlohmann::json&, const nlohmann::json::json_pointer&)> walk =
      [&](const nlohmann::json& j, const nlohmann::json::json_pointer& at) {
        if (j.is_object()) {
          for (auto it = j.begin(); it != j.end(); ++it) walk(it.value(), at / it.key());
        } else if (j.is_array()) {
          for (std::size_t i = 0; i < j.size(); ++i) walk(j[i], at / i);
        } else if (j.is_string() || j.is_number()) {
          leaves.push_back(at);
        }
      };
  walk(doc, nlohmann::json::json_pointer());
  ASSERT_GT(leaves.size(), 30u);
  std::size_t tried = 0;
  for (const auto& at : leaves) {
    const nlohmann::json& v = doc.at(at);
    std::vector<nlohmann::json> variants;
    if (v.is_number()) {
      variants = {v.get<std::uint64_t>() + 1};
    } else {
      const std::string s = v.get<std::string>();
      // The first, a middle and the last character, each changed to another hex digit.
      for (std::size_t pos : {std::size_t{0}, s.size() / 2, s.size() - 1}) {
        if (s.empty()) break;
        std::string t = s;
        t[pos] = t[pos] == '0' ? '1' : '0';
        variants.push_back(t);
      }
      if (s.empty()) variants.push_back("00");
    }
    for (const nlohmann::json& changed : variants) {
      nlohmann::json d = doc;
      d[at] = changed;
      const ProofVerdict verdict = VerifyProofJson(*anchor_, d.dump());
      if (verdict.ok()) {
        // One change is legitimate: the key of an absence proof, where the path proves the
        // absence of the new key just as well. The proven facts must then name that key.
        const bool absent_key = at.parent_pointer().parent_pointer().back() == "state" &&
                                at.back() == "key" && d[at.parent_pointer()]["value"].is_null();
        EXPECT_TRUE(absent_key) << "changing " << at.to_string() << " to " << changed.dump()
                                << " still verifies";
        if (absent_key) {
          const std::size_t i = std::stoul(at.parent_pointer().back());
          EXPECT_EQ(verdict.facts.state[i].key.ToHex(), changed.get<std::string>());
        }
      }
      ++tried;
    }
  }
  EXPECT_GT(tried, 90u);
}

TEST_F(ProofFileTest, MalformedFiles) {
  auto reason = [&](const std::string& text) { return VerifyProofJson(*anchor_, text).error; };
  EXPECT_EQ(reason("not json"), ProofError::kMalformed);
  EXPECT_EQ(reason("[]"), ProofError::kMalformed);
  EXPECT_EQ(reason("{}"), ProofError::kMalformed);
  nlohmann::json doc = nlohmann::json::parse(ProofToJson(*proof_));
  for (const char* field : {"format", "chain_id", "epochs", "block", "state"}) {
    nlohmann::json d = doc;
    d.erase(field);
    EXPECT_EQ(reason(d.dump()), ProofError::kMalformed) << field;
  }
  nlohmann::json d = doc;
  d["format"] = "tamga-proof/2";
  EXPECT_EQ(reason(d.dump()), ProofError::kMalformed);
  d = doc;
  d["block"]["header"] = "zz";
  EXPECT_EQ(reason(d.dump()), ProofError::kMalformed);
  d = doc;
  std::string header = d["block"]["header"];
  d["block"]["header"] = header.substr(0, header.size() - 2);  // Truncated encoding.
  EXPECT_EQ(reason(d.dump()), ProofError::kMalformed);
  d = doc;
  d["block"]["header"] = header + "00";  // Trailing byte.
  EXPECT_EQ(reason(d.dump()), ProofError::kMalformed);
  d = doc;
  d["log"]["index"] = -1;
  EXPECT_EQ(reason(d.dump()), ProofError::kMalformed);
  d = doc;
  d["state"][0]["proof"]["siblings"] = nlohmann::json::array();
  for (int i = 0; i < 300; ++i) d["state"][0]["proof"]["siblings"].push_back(std::string(64, '0'));
  EXPECT_EQ(reason(d.dump()), ProofError::kMalformed);
  EXPECT_EQ(reason(std::string(kProofFileMax + 1, ' ')), ProofError::kMalformed);
  // Wrong JSON types anywhere are malformed, never an exception.
  for (const char* pointer :
       {"/log/index", "/log/path", "/log/record", "/state/0/proof/leaf", "/state/0/proof/siblings",
        "/epochs/0", "/epochs", "/block/commit/qcs", "/block/commit/headers/0", "/validator_set",
        "/chain_id"}) {
    for (const nlohmann::json& wrong :
         {nlohmann::json("5"), nlohmann::json(5), nlohmann::json::array(), nlohmann::json::object(),
          nlohmann::json(true)}) {
      d = doc;
      d[nlohmann::json::json_pointer(pointer)] = wrong;
      const ProofVerdict v = VerifyProofJson(*anchor_, d.dump());
      EXPECT_FALSE(v.ok()) << pointer << " = " << wrong.dump();
    }
  }
  // A huge list that goes wrong early stops at the first error (no memory blow-up).
  d = doc;
  d["epochs"] = nlohmann::json::array();
  for (int i = 0; i < 5000; ++i) d["epochs"].push_back(0);
  EXPECT_EQ(reason(d.dump()), ProofError::kMalformed);
  d = doc;
  d["log"]["index"] = kLogIndexMax + 1;
  EXPECT_EQ(reason(d.dump()), ProofError::kMalformed);
}

// The codes programs and the test vectors (docs/vectors) compare: never renamed.
TEST(ProofErrorCodes, AreStable) {
  EXPECT_EQ(ProofErrorCode(ProofError::kOk), "ok");
  EXPECT_EQ(ProofErrorCode(ProofError::kMalformed), "malformed_file");
  EXPECT_EQ(ProofErrorCode(ProofError::kWrongChain), "wrong_chain");
  EXPECT_EQ(ProofErrorCode(ProofError::kBrokenEpochChain), "broken_epoch_chain");
  EXPECT_EQ(ProofErrorCode(ProofError::kSignerNotInSet), "signer_not_in_set");
  EXPECT_EQ(ProofErrorCode(ProofError::kQuorumNotReached), "quorum_not_reached");
  EXPECT_EQ(ProofErrorCode(ProofError::kBadSignature), "bad_signature");
  EXPECT_EQ(ProofErrorCode(ProofError::kNotCommitted), "not_committed");
  EXPECT_EQ(ProofErrorCode(ProofError::kBadInclusionPath), "bad_inclusion_path");
  EXPECT_EQ(ProofErrorCode(ProofError::kRootMismatch), "root_mismatch");
}

}  // namespace
}  // namespace tamga::ledger
