// tests/tsa/authority_test.cc
// Tokens a TSA grants verify with OpenSSL's TS verifier against the local CA, say the block
// time and where the imprint is, and fail when altered; every malformed or refused request
// gets a rejection with the right failure bit.

#include "tsa/authority.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ts.h>

#include <variant>

#include "common/file_util.h"
#include "common/sha256.h"
#include "tests/support/temp_dir.h"
#include "tsa/openssl_util.h"
#include "tsa/pki.h"

namespace tamga::tsa {
namespace {

struct Request3161 {
  const EVP_MD* md = EVP_sha256();
  std::string data = "the certificate of origin, as a PDF";
  std::optional<std::uint64_t> nonce = 0x1234567890abcdefULL;
  bool cert_req = true;
  std::optional<std::string> policy;
  bool extension = false;
};

// A DER TimeStampReq, as `openssl ts -query` makes it.
Bytes MakeRequest(const Request3161& r) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(r.data.data(), r.data.size(), digest, &len, r.md, nullptr);
  Owned<TS_REQ> req(TS_REQ_new());
  TS_MSG_IMPRINT* mi = TS_MSG_IMPRINT_new();
  X509_ALGOR* alg = X509_ALGOR_new();
  X509_ALGOR_set_md(alg, r.md);
  TS_MSG_IMPRINT_set_algo(mi, alg);
  TS_MSG_IMPRINT_set_msg(mi, digest, static_cast<int>(len));
  TS_REQ_set_version(req.get(), 1);
  TS_REQ_set_msg_imprint(req.get(), mi);
  TS_MSG_IMPRINT_free(mi);
  X509_ALGOR_free(alg);
  if (r.nonce) {
    Owned<ASN1_INTEGER> n(ASN1_INTEGER_new());
    ASN1_INTEGER_set_uint64(n.get(), *r.nonce);
    TS_REQ_set_nonce(req.get(), n.get());
  }
  TS_REQ_set_cert_req(req.get(), r.cert_req ? 1 : 0);
  if (r.policy) {
    Owned<ASN1_OBJECT> o(OBJ_txt2obj(r.policy->c_str(), 1));
    TS_REQ_set_policy_id(req.get(), o.get());
  }
  if (r.extension) {
    Owned<ASN1_OCTET_STRING> v(ASN1_OCTET_STRING_new());
    ASN1_OCTET_STRING_set(v.get(), reinterpret_cast<const unsigned char*>("\x05\x00"), 2);
    Owned<ASN1_OBJECT> o(OBJ_txt2obj("1.2.3.4", 1));
    Owned<X509_EXTENSION> e(X509_EXTENSION_create_by_OBJ(nullptr, o.get(), 1, v.get()));
    TS_REQ_add_ext(req.get(), e.get(), -1);
  }
  unsigned char* out = nullptr;
  const int n = i2d_TS_REQ(req.get(), &out);
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

class AuthorityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = NewLocalCa({"KZ", "Tamga testnet", "Tamga testnet CA"}, 30);
    ASSERT_TRUE(ca.ok()) << ca.error().ToString();
    ca_ = *ca;
    ASSERT_TRUE(WriteFileAtomic(dir_.File("ca.pem"), ca_.certificate_pem, {}).ok());
    auto key = NewKeyPem(std::nullopt);
    ASSERT_TRUE(key.ok()) << key.error().ToString();
    ASSERT_TRUE(WriteKeyPem(dir_.File("tsa.key"), *key).ok());
    auto csr = MakeRequestPem(dir_.File("tsa.key"), std::nullopt,
                              {"KZ", "State Revenue Committee", "KZ time-stamping authority"});
    ASSERT_TRUE(csr.ok()) << csr.error().ToString();
    auto cert = IssueTsaCertificate(ca_, *csr, 30, 2);
    ASSERT_TRUE(cert.ok()) << cert.error().ToString();
    ASSERT_TRUE(WriteFileAtomic(dir_.File("tsa.crt"), *cert, {}).ok());
    config_ = {dir_.File("tsa.key"), dir_.File("tsa.crt"), dir_.File("ca.pem"), kTestnetPolicyOid,
               1000};
    auto a = Authority::Load(config_, std::nullopt);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    authority_ = std::move(*a);
  }

  // OpenSSL's verdict on `response` for `request` (signature to the CA, imprint, nonce).
  bool Verifies(const Bytes& request, const Bytes& response) {
    const unsigned char* p = request.data();
    Owned<TS_REQ> req(d2i_TS_REQ(nullptr, &p, static_cast<long>(request.size())));
    p = response.data();
    Owned<TS_RESP> resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(response.size())));
    if (!req || !resp) return false;
    Owned<TS_VERIFY_CTX> ctx(TS_REQ_to_TS_VERIFY_CTX(req.get(), nullptr));
    X509_STORE* store = X509_STORE_new();
    X509_STORE_load_file(store, dir_.File("ca.pem").c_str());
    TS_VERIFY_CTX_set_store(ctx.get(), store);
    const bool ok = TS_RESP_verify_response(ctx.get(), resp.get()) == 1;
    ERR_clear_error();
    return ok;
  }

  Request Parse(const Bytes& der) {
    auto r = ParseRequest(der, kTestnetPolicyOid);
    EXPECT_TRUE(std::holds_alternative<Request>(r));
    return std::get<Request>(r);
  }

  testing::TempDir dir_{"tsa_authority"};
  LocalCa ca_;
  AuthorityConfig config_;
  std::unique_ptr<Authority> authority_;
  const Location where_{Sha256Of(AsBytes("chain")), 42, 1234};
};

TEST_F(AuthorityTest, GrantedTokenVerifiesAndSaysTheBlockTimeAndLocation) {
  const Bytes der = MakeRequest({});
  const Request req = Parse(der);
  EXPECT_EQ(req.imprint.algorithm, contracts::ImprintAlgorithm::kSha256);
  const std::uint64_t block_ms = 1'796'300'000'125;  // A fraction of a second too.
  auto resp = authority_->Grant(req, block_ms, where_);
  ASSERT_TRUE(resp.ok()) << resp.error().ToString();
  EXPECT_TRUE(Verifies(der, *resp));
  auto info = ReadResponse(*resp);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_TRUE(info->granted);
  EXPECT_EQ(info->gen_time_ms, block_ms);
  EXPECT_EQ(info->imprint, req.imprint);
  EXPECT_EQ(info->serial, where_.log_index);
  ASSERT_TRUE(info->location.has_value());
  EXPECT_EQ(*info->location, where_);
  EXPECT_EQ(info->policy_oid, kTestnetPolicyOid);
}

TEST_F(AuthorityTest, EverySha2LengthIsServed) {
  for (const EVP_MD* md : {EVP_sha384(), EVP_sha512()}) {
    Request3161 r;
    r.md = md;
    const Bytes der = MakeRequest(r);
    auto resp = authority_->Grant(Parse(der), 1'796'300'000'000, where_);
    ASSERT_TRUE(resp.ok()) << resp.error().ToString();
    EXPECT_TRUE(Verifies(der, *resp)) << EVP_MD_get0_name(md);
  }
}

TEST_F(AuthorityTest, AnotherDocumentOrAnAlteredTokenFails) {
  const Bytes der = MakeRequest({});
  auto resp = authority_->Grant(Parse(der), 1'796'300'000'000, where_);
  ASSERT_TRUE(resp.ok());
  Request3161 other;
  other.data = "a different document";
  EXPECT_FALSE(Verifies(MakeRequest(other), *resp));
  // One byte changed anywhere in what the signature covers: the TSTInfo (the imprint, the
  // time, the nonce, the location...) and the signature itself. (CMS leaves a few fields
  // outside the signature, such as the SignerInfo's algorithm identifiers, which the
  // verifier takes from the key and the digestAlgorithm instead.)
  const unsigned char* p = resp->data();
  Owned<TS_RESP> parsed(d2i_TS_RESP(nullptr, &p, static_cast<long>(resp->size())));
  ASSERT_TRUE(parsed);
  unsigned char* tst_der = nullptr;
  const int tst_len = i2d_TS_TST_INFO(TS_RESP_get_tst_info(parsed.get()), &tst_der);
  const std::string tst(reinterpret_cast<char*>(tst_der), static_cast<std::size_t>(tst_len));
  OPENSSL_free(tst_der);
  const std::size_t at = std::string(resp->begin(), resp->end()).find(tst);
  ASSERT_NE(at, std::string::npos);
  std::vector<std::size_t> offsets;
  for (std::size_t i = at; i < at + tst.size(); ++i) offsets.push_back(i);
  for (std::size_t i = resp->size() - 64; i < resp->size(); ++i) offsets.push_back(i);
  int failed = 0, tried = 0;
  for (const std::size_t i : offsets) {
    Bytes bad = *resp;
    bad[i] ^= 0x01;
    ++tried;
    const bool passed = Verifies(der, bad);
    failed += passed ? 0 : 1;
    if (passed)
      ADD_FAILURE() << "byte " << i << " of " << resp->size() << " changed, still verifies";
  }
  EXPECT_EQ(failed, tried);
}

TEST_F(AuthorityTest, WithoutCertReqTheCertificateIsLeftOut) {
  Request3161 r;
  r.cert_req = false;
  r.nonce.reset();
  const Bytes der = MakeRequest(r);
  auto resp = authority_->Grant(Parse(der), 1'796'300'000'000, where_);
  ASSERT_TRUE(resp.ok());
  // Without the certificate in the token, OpenSSL cannot find the signer.
  EXPECT_FALSE(Verifies(der, *resp));
  auto with = authority_->Grant(Parse(MakeRequest({})), 1'796'300'000'000, where_);
  ASSERT_TRUE(with.ok());
  EXPECT_LT(resp->size() + 300, with->size());
}

int FailBit(const std::variant<Request, Refusal>& r) {
  if (!std::holds_alternative<Refusal>(r)) return -1;
  const Bytes der = RejectionResponse(std::get<Refusal>(r));
  auto info = ReadResponse(der);
  if (!info.ok() || info->granted || info->status != 2 || !info->fail_bit) return -2;
  return *info->fail_bit;
}

TEST_F(AuthorityTest, BadRequestsAreRejectedWithTheirFailureBit) {
  const std::string policy = kTestnetPolicyOid;
  EXPECT_EQ(FailBit(ParseRequest(AsBytes(std::string_view("not DER at all")), policy)),
            static_cast<int>(FailInfo::kBadDataFormat));
  EXPECT_EQ(FailBit(ParseRequest(Bytes(kRequestMax + 1, 0x30), policy)),
            static_cast<int>(FailInfo::kBadDataFormat));
  Bytes trailing = MakeRequest({});
  trailing.push_back(0);
  EXPECT_EQ(FailBit(ParseRequest(trailing, policy)), static_cast<int>(FailInfo::kBadDataFormat));
  Request3161 sha1;
  sha1.md = EVP_sha1();
  EXPECT_EQ(FailBit(ParseRequest(MakeRequest(sha1), policy)), static_cast<int>(FailInfo::kBadAlg));
  Request3161 other_policy;
  other_policy.policy = "1.2.3.4.5";
  EXPECT_EQ(FailBit(ParseRequest(MakeRequest(other_policy), policy)),
            static_cast<int>(FailInfo::kUnacceptedPolicy));
  Request3161 own_policy;
  own_policy.policy = policy;
  EXPECT_TRUE(std::holds_alternative<Request>(ParseRequest(MakeRequest(own_policy), policy)));
  Request3161 extension;
  extension.extension = true;
  EXPECT_EQ(FailBit(ParseRequest(MakeRequest(extension), policy)),
            static_cast<int>(FailInfo::kUnacceptedExtension));
  // Every prefix of a good request is refused, none crashes.
  const Bytes good = MakeRequest({});
  for (std::size_t n = 0; n < good.size(); ++n) {
    EXPECT_EQ(FailBit(ParseRequest(ByteView(good.data(), n), policy)),
              static_cast<int>(FailInfo::kBadDataFormat))
        << n;
  }
}

TEST_F(AuthorityTest, SealedKeysNeedTheirPassphrase) {
  auto sealed = NewKeyPem("correct horse");
  ASSERT_TRUE(sealed.ok()) << sealed.error().ToString();
  EXPECT_NE(sealed->find("ENCRYPTED"), std::string::npos);
  ASSERT_TRUE(WriteKeyPem(dir_.File("sealed.key"), *sealed).ok());
  auto csr = MakeRequestPem(dir_.File("sealed.key"), "correct horse", {"KG", "Customs", "KG TSA"});
  ASSERT_TRUE(csr.ok()) << csr.error().ToString();
  auto cert = IssueTsaCertificate(ca_, *csr, 30, 3);
  ASSERT_TRUE(cert.ok());
  ASSERT_TRUE(WriteFileAtomic(dir_.File("sealed.crt"), *cert, {}).ok());
  AuthorityConfig c = config_;
  c.key_file = dir_.File("sealed.key");
  c.certificate_file = dir_.File("sealed.crt");
  EXPECT_EQ(Authority::Load(c, std::nullopt).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Authority::Load(c, "wrong").error().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(Authority::Load(c, "correct horse").ok());
  // The KZ certificate is not this key's.
  c.certificate_file = dir_.File("tsa.crt");
  EXPECT_FALSE(Authority::Load(c, "correct horse").ok());
}

TEST_F(AuthorityTest, OnlyATimeStampingCertificateIsAccepted) {
  // The CA's own certificate has no timeStamping usage.
  ASSERT_TRUE(WriteKeyPem(dir_.File("ca.key"), ca_.key_pem).ok());
  AuthorityConfig c = config_;
  c.key_file = dir_.File("ca.key");
  c.certificate_file = dir_.File("ca.pem");
  auto a = Authority::Load(c, std::nullopt);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message().find("timeStamping"), std::string::npos);
}

TEST_F(AuthorityTest, TheChainServedStartsWithTheTsaCertificate) {
  auto hash = CertificateHash(authority_->chain_pem());
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(*hash, authority_->certificate_hash());
  EXPECT_NE(authority_->chain_pem().find(ca_.certificate_pem), std::string::npos);
}

}  // namespace
}  // namespace tamga::tsa

namespace tamga::tsa {
namespace {

TEST_F(AuthorityTest, APolicyGivenByNameIsKeptAsItsNumber) {
  AuthorityConfig c = config_;
  c.policy_oid = "anyPolicy";  // OpenSSL's name for 2.5.29.32.0.
  auto a = Authority::Load(c, std::nullopt);
  ASSERT_TRUE(a.ok()) << a.error().ToString();
  EXPECT_EQ((*a)->policy_oid(), "2.5.29.32.0");
  Request3161 r;
  r.policy = "2.5.29.32.0";
  const Bytes der = MakeRequest(r);
  auto parsed = ParseRequest(der, (*a)->policy_oid());
  ASSERT_TRUE(std::holds_alternative<Request>(parsed));
  auto token = (*a)->Grant(std::get<Request>(parsed), 1'796'300'000'000, where_);
  ASSERT_TRUE(token.ok()) << token.error().ToString();
  EXPECT_EQ(ReadResponse(*token)->policy_oid, "2.5.29.32.0");
  c.policy_oid = "not an oid";
  EXPECT_FALSE(Authority::Load(c, std::nullopt).ok());
}

TEST_F(AuthorityTest, VerifyTokenSignatureFindsTheSignerInTheTokenOrTheFile) {
  const Bytes with_cert = *authority_->Grant(Parse(MakeRequest({})), 1'796'300'000'000, where_);
  EXPECT_TRUE(VerifyTokenSignature(with_cert, dir_.File("ca.pem")).ok());
  Request3161 r;
  r.cert_req = false;
  const Bytes without = *authority_->Grant(Parse(MakeRequest(r)), 1'796'300'000'000, where_);
  EXPECT_EQ(VerifyTokenSignature(without, dir_.File("ca.pem")).code(), StatusCode::kBadSignature);
  // The chain the node serves (TSA certificate first, then the CA) names the signer.
  ASSERT_TRUE(WriteFileAtomic(dir_.File("chain.pem"), authority_->chain_pem(), {}).ok());
  EXPECT_TRUE(VerifyTokenSignature(without, dir_.File("chain.pem")).ok());
  // Another CA: refused.
  auto other = NewLocalCa({"", "other", "another CA"}, 30);
  ASSERT_TRUE(WriteFileAtomic(dir_.File("other.pem"), other->certificate_pem, {}).ok());
  EXPECT_EQ(VerifyTokenSignature(with_cert, dir_.File("other.pem")).code(),
            StatusCode::kBadSignature);
  // The digest the token states is the document's.
  EXPECT_EQ(DigestOf(contracts::ImprintAlgorithm::kSha256,
                     AsBytes(std::string_view("the certificate of origin, as a PDF"))),
            ReadResponse(with_cert)->imprint.digest);
}

}  // namespace
}  // namespace tamga::tsa
