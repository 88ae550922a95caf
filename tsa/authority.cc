// tsa/authority.cc

#include "tsa/authority.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "common/file_util.h"
#include "common/sha256.h"
#include "tsa/openssl_util.h"

namespace tamga::tsa {
namespace {

// Text that goes into an ASN.1 generator configuration: printable ASCII without the
// configuration's special characters.
std::string Plain(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view(" .,;:()/-+=").find(c) != std::string_view::npos;
    out += ok ? c : ' ';
  }
  return out;
}

// DER from OpenSSL's ASN.1 generator (ASN1_generate_nconf(3)): `top` names the outer type,
// `sections` the configuration its SEQUENCE sections are read from.
Result<Bytes> Generate(const std::string& top, const std::string& sections) {
  Owned<CONF> conf(NCONF_new(nullptr));
  Owned<BIO> in(BIO_new_mem_buf(sections.data(), static_cast<int>(sections.size())));
  long line = 0;
  if (!conf || !in || NCONF_load_bio(conf.get(), in.get(), &line) <= 0) {
    return OpenSslError("reading an ASN.1 description");
  }
  Owned<ASN1_TYPE> t(ASN1_generate_nconf(top.c_str(), conf.get()));
  if (!t) return OpenSslError("generating an ASN.1 structure");
  unsigned char* out = nullptr;
  const int n = i2d_ASN1_TYPE(t.get(), &out);
  if (n <= 0) return OpenSslError("encoding an ASN.1 structure");
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

// "YYYYMMDDHHMMSS[.fff]Z", the fraction without trailing zeros (DER).
std::string GeneralizedTime(std::uint64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string s = buf;
  if (const unsigned frac = static_cast<unsigned>(ms % 1000); frac != 0) {
    std::snprintf(buf, sizeof buf, ".%03u", frac);
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  return s + "Z";
}

Result<std::uint64_t> TimeMs(const ASN1_GENERALIZEDTIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1)
    return Status::Corruption("a malformed genTime");
  std::uint64_t ms = static_cast<std::uint64_t>(timegm(&tm)) * 1000;
  const std::string_view s(reinterpret_cast<const char*>(ASN1_STRING_get0_data(t)),
                           static_cast<std::size_t>(ASN1_STRING_length(t)));
  if (const auto dot = s.find('.'); dot != std::string_view::npos) {
    unsigned scale = 100;
    for (std::size_t i = dot + 1; i < s.size() && s[i] >= '0' && s[i] <= '9' && scale > 0; ++i) {
      ms += static_cast<std::uint64_t>(s[i] - '0') * scale;
      scale /= 10;
    }
  }
  return ms;
}

// The imprint algorithms served, with their OpenSSL digests.
struct Sha2 {
  contracts::ImprintAlgorithm algorithm;
  int nid;
};
constexpr Sha2 kSha2[] = {{contracts::ImprintAlgorithm::kSha256, NID_sha256},
                          {contracts::ImprintAlgorithm::kSha384, NID_sha384},
                          {contracts::ImprintAlgorithm::kSha512, NID_sha512}};

std::optional<contracts::ImprintAlgorithm> AlgorithmOf(int nid) {
  for (const Sha2& s : kSha2) {
    if (s.nid == nid) return s.algorithm;
  }
  return std::nullopt;
}

Result<contracts::Imprint> ImprintOf(TS_MSG_IMPRINT* mi) {
  const ASN1_OBJECT* obj = nullptr;
  X509_ALGOR_get0(&obj, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(mi));
  const auto alg = AlgorithmOf(OBJ_obj2nid(obj));
  if (!alg) return Status::InvalidArgument("an imprint of an algorithm other than SHA-2");
  const ASN1_OCTET_STRING* d = TS_MSG_IMPRINT_get_msg(mi);
  const unsigned char* p = ASN1_STRING_get0_data(d);
  return contracts::Imprint{*alg, Bytes(p, p + ASN1_STRING_length(d))};
}

std::string OidText(const ASN1_OBJECT* o) {
  char buf[256];
  const int n = OBJ_obj2txt(buf, sizeof buf, o, 1);
  return n > 0 && n < static_cast<int>(sizeof buf) ? std::string(buf, static_cast<std::size_t>(n))
                                                   : std::string();
}

Result<Location> ParseLocation(const ASN1_OCTET_STRING* value) {
  const unsigned char* p = ASN1_STRING_get0_data(value);
  const long n = ASN1_STRING_length(value);
  const unsigned char* end = p + n;
  Owned<ASN1_SEQUENCE_ANY> seq(d2i_ASN1_SEQUENCE_ANY(nullptr, &p, n));
  const auto bad = [] { return Status::Corruption("the location extension is malformed"); };
  if (!seq || p != end || sk_ASN1_TYPE_num(seq.get()) != 3) return bad();
  const ASN1_TYPE* chain = sk_ASN1_TYPE_value(seq.get(), 0);
  const ASN1_TYPE* height = sk_ASN1_TYPE_value(seq.get(), 1);
  const ASN1_TYPE* index = sk_ASN1_TYPE_value(seq.get(), 2);
  if (ASN1_TYPE_get(chain) != V_ASN1_OCTET_STRING || ASN1_TYPE_get(height) != V_ASN1_INTEGER ||
      ASN1_TYPE_get(index) != V_ASN1_INTEGER ||
      ASN1_STRING_length(chain->value.octet_string) != 32) {
    return bad();
  }
  Location loc;
  std::copy_n(ASN1_STRING_get0_data(chain->value.octet_string), 32, loc.chain_id.data());
  if (ASN1_INTEGER_get_uint64(&loc.height, height->value.integer) != 1 ||
      ASN1_INTEGER_get_uint64(&loc.log_index, index->value.integer) != 1) {
    ERR_clear_error();
    return bad();
  }
  return loc;
}

}  // namespace

std::string_view FailInfoName(FailInfo f) {
  switch (f) {
    case FailInfo::kBadAlg:
      return "badAlg";
    case FailInfo::kBadRequest:
      return "badRequest";
    case FailInfo::kBadDataFormat:
      return "badDataFormat";
    case FailInfo::kTimeNotAvailable:
      return "timeNotAvailable";
    case FailInfo::kUnacceptedPolicy:
      return "unacceptedPolicy";
    case FailInfo::kUnacceptedExtension:
      return "unacceptedExtension";
    case FailInfo::kSystemFailure:
      return "systemFailure";
  }
  return "unknown";
}

std::variant<Request, Refusal> ParseRequest(ByteView der, std::string_view policy_oid) {
  if (der.size() > kRequestMax) {
    return Refusal{FailInfo::kBadDataFormat,
                   "the request is longer than " + std::to_string(kRequestMax) + " bytes"};
  }
  const unsigned char* p = der.data();
  Owned<TS_REQ> req(d2i_TS_REQ(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (!req) return Refusal{FailInfo::kBadDataFormat, "the body is not a DER TimeStampReq"};
  if (p != der.data() + der.size()) {
    return Refusal{FailInfo::kBadDataFormat, "bytes follow the TimeStampReq"};
  }
  if (TS_REQ_get_version(req.get()) != 1) {
    return Refusal{FailInfo::kBadRequest, "only version 1 requests are served"};
  }
  TS_MSG_IMPRINT* mi = TS_REQ_get_msg_imprint(req.get());
  const ASN1_OBJECT* obj = nullptr;
  int param_type = V_ASN1_UNDEF;
  const void* param = nullptr;
  X509_ALGOR_get0(&obj, &param_type, &param, TS_MSG_IMPRINT_get_algo(mi));
  const auto alg = AlgorithmOf(OBJ_obj2nid(obj));
  if (!alg) {
    return Refusal{FailInfo::kBadAlg, "only SHA-256, SHA-384 and SHA-512 imprints are accepted"};
  }
  if (param_type != V_ASN1_UNDEF && param_type != V_ASN1_NULL) {
    return Refusal{FailInfo::kBadAlg, "the hash algorithm's parameters must be absent or NULL"};
  }
  const ASN1_OCTET_STRING* digest = TS_MSG_IMPRINT_get_msg(mi);
  if (static_cast<std::size_t>(ASN1_STRING_length(digest)) != contracts::ImprintLength(*alg)) {
    return Refusal{FailInfo::kBadDataFormat, "the imprint's length does not match its algorithm"};
  }
  if (const ASN1_OBJECT* policy = TS_REQ_get_policy_id(req.get())) {
    if (OidText(policy) != policy_oid) {
      return Refusal{FailInfo::kUnacceptedPolicy,
                     "this authority stamps under policy " + std::string(policy_oid) + " only"};
    }
  }
  if (TS_REQ_get_ext_count(req.get()) > 0) {
    return Refusal{FailInfo::kUnacceptedExtension, "no request extension is supported"};
  }
  const unsigned char* d = ASN1_STRING_get0_data(digest);
  return Request{Bytes(der.begin(), der.end()),
                 contracts::Imprint{*alg, Bytes(d, d + ASN1_STRING_length(digest))},
                 TS_REQ_get_cert_req(req.get()) != 0};
}

Bytes RejectionResponse(const Refusal& r) {
  // PKIStatusInfo: status rejection (2), the text, the failure bit.
  const std::string sections =
      "[resp]\nstatus = SEQUENCE:status\n[status]\nvalue = INTEGER:2\n"
      "text = SEQUENCE:text\nfail = FORMAT:BITLIST,BITSTRING:" +
      std::to_string(static_cast<int>(r.fail)) + "\n[text]\nline = UTF8:" + Plain(r.text) + "\n";
  auto der = Generate("SEQUENCE:resp", sections);
  if (der.ok()) return std::move(*der);
  // Only allocation fails here; answer the bare status then.
  auto bare =
      Generate("SEQUENCE:resp", "[resp]\nstatus = SEQUENCE:status\n[status]\nv = INTEGER:2\n");
  return bare.ok() ? std::move(*bare) : Bytes{};
}

struct Authority::Impl {
  Owned<EVP_PKEY> key;
  Owned<X509> cert;
  Owned<STACK_OF(X509)> chain;
  Hash32 certificate_hash;
  std::string chain_pem;
  std::string policy_oid;
  std::uint32_t accuracy_ms = 0;
};

Authority::Authority(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Authority::~Authority() = default;
const Hash32& Authority::certificate_hash() const { return impl_->certificate_hash; }
const std::string& Authority::chain_pem() const { return impl_->chain_pem; }
const std::string& Authority::policy_oid() const { return impl_->policy_oid; }

Status Authority::CheckValidNow() const {
  if (X509_cmp_current_time(X509_get0_notAfter(impl_->cert.get())) <= 0) {
    return Status::FailedPrecondition("the TSA certificate has expired");
  }
  if (X509_cmp_current_time(X509_get0_notBefore(impl_->cert.get())) >= 0) {
    return Status::FailedPrecondition("the TSA certificate is not valid yet");
  }
  return Status::Ok();
}

Result<std::unique_ptr<Authority>> Authority::Load(const AuthorityConfig& config,
                                                   std::optional<std::string_view> passphrase) {
  auto impl = std::make_unique<Impl>();
  TAMGA_ASSIGN_OR_RETURN(impl->key, ReadPrivateKeyPem(config.key_file, passphrase));
  TAMGA_ASSIGN_OR_RETURN(auto certs, ReadCertificatesPem(config.certificate_file));
  if (sk_X509_num(certs.get()) != 1) {
    return Status::InvalidArgument(config.certificate_file + ": expected one certificate");
  }
  impl->cert.reset(sk_X509_shift(certs.get()));
  if (config.chain_file.empty()) {
    impl->chain.reset(sk_X509_new_null());
  } else {
    TAMGA_ASSIGN_OR_RETURN(impl->chain, ReadCertificatesPem(config.chain_file));
  }
  X509* cert = impl->cert.get();
  if (X509_check_private_key(cert, impl->key.get()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument(config.key_file + " is not the key of " +
                                   config.certificate_file);
  }
  char group[64] = {};
  if (!EVP_PKEY_is_a(impl->key.get(), "EC") ||
      EVP_PKEY_get_group_name(impl->key.get(), group, sizeof group, nullptr) != 1 ||
      std::string_view(group) != "prime256v1") {
    return Status::InvalidArgument(config.key_file + ": a TSA key is ECDSA on P-256");
  }
  const int eku = X509_get_ext_by_NID(cert, NID_ext_key_usage, -1);
  if (eku < 0 || X509_EXTENSION_get_critical(X509_get_ext(cert, eku)) != 1 ||
      X509_get_extended_key_usage(cert) != XKU_TIMESTAMP) {
    return Status::InvalidArgument(config.certificate_file +
                                   ": a TSA certificate has a critical extendedKeyUsage of "
                                   "timeStamping only");
  }
  // The policy by its dotted number (a registered name is turned into it), as requests
  // carry it and tokens state it.
  Owned<ASN1_OBJECT> policy(OBJ_txt2obj(config.policy_oid.c_str(), 0));
  ERR_clear_error();
  if (!policy) return Status::InvalidArgument("the TSA policy is not an OID: " + config.policy_oid);
  // Valid now: a token under an expired (or not yet valid) certificate verifies nowhere.
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
    return Status::InvalidArgument(config.certificate_file + ": the certificate has expired");
  }
  if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0) {
    return Status::InvalidArgument(config.certificate_file + ": the certificate is not valid yet");
  }
  TAMGA_ASSIGN_OR_RETURN(Bytes der, CertificateDer(cert));
  impl->certificate_hash = Sha256Of(der);
  impl->chain_pem = CertificatePem(cert);
  for (int i = 0; i < sk_X509_num(impl->chain.get()); ++i) {
    impl->chain_pem += CertificatePem(sk_X509_value(impl->chain.get(), i));
  }
  impl->policy_oid = OidText(policy.get());
  impl->accuracy_ms = config.accuracy_ms;
  return std::unique_ptr<Authority>(new Authority(std::move(impl)));
}

Result<Bytes> Authority::Grant(const Request& request, std::uint64_t gen_time_ms,
                               const Location& where) const {
  const unsigned char* p = request.der.data();
  Owned<TS_REQ> req(d2i_TS_REQ(nullptr, &p, static_cast<long>(request.der.size())));
  if (!req) return OpenSslError("reading the request again");
  Owned<TS_TST_INFO> tst(TS_TST_INFO_new());
  Owned<ASN1_OBJECT> policy(OBJ_txt2obj(impl_->policy_oid.c_str(), 1));
  Owned<ASN1_INTEGER> serial(ASN1_INTEGER_new());
  Owned<ASN1_GENERALIZEDTIME> time(ASN1_GENERALIZEDTIME_new());
  Owned<TS_ACCURACY> accuracy(TS_ACCURACY_new());
  Owned<ASN1_INTEGER> seconds(ASN1_INTEGER_new());
  Owned<ASN1_INTEGER> millis(ASN1_INTEGER_new());
  Owned<GENERAL_NAME> name(GENERAL_NAME_new());
  if (!tst || !policy || !serial || !time || !accuracy || !seconds || !millis || !name) {
    return OpenSslError("allocating a token");
  }
  const std::string gen_time = GeneralizedTime(gen_time_ms);
  bool ok = TS_TST_INFO_set_version(tst.get(), 1) == 1 &&
            TS_TST_INFO_set_policy_id(tst.get(), policy.get()) == 1 &&
            TS_TST_INFO_set_msg_imprint(tst.get(), TS_REQ_get_msg_imprint(req.get())) == 1 &&
            ASN1_INTEGER_set_uint64(serial.get(), where.log_index) == 1 &&
            TS_TST_INFO_set_serial(tst.get(), serial.get()) == 1 &&
            ASN1_GENERALIZEDTIME_set_string(time.get(), gen_time.c_str()) == 1 &&
            TS_TST_INFO_set_time(tst.get(), time.get()) == 1 &&
            TS_TST_INFO_set_ordering(tst.get(), 0) == 1;
  // accuracy: whole seconds and the milliseconds left (each absent when zero).
  if (ok && impl_->accuracy_ms >= 1000) {
    ok = ASN1_INTEGER_set_uint64(seconds.get(), impl_->accuracy_ms / 1000) == 1 &&
         TS_ACCURACY_set_seconds(accuracy.get(), seconds.get()) == 1;
  }
  if (ok && impl_->accuracy_ms % 1000 != 0) {
    ok = ASN1_INTEGER_set_uint64(millis.get(), impl_->accuracy_ms % 1000) == 1 &&
         TS_ACCURACY_set_millis(accuracy.get(), millis.get()) == 1;
  }
  if (ok && impl_->accuracy_ms > 0) ok = TS_TST_INFO_set_accuracy(tst.get(), accuracy.get()) == 1;
  if (ok && TS_REQ_get_nonce(req.get()) != nullptr) {
    ok = TS_TST_INFO_set_nonce(tst.get(), TS_REQ_get_nonce(req.get())) == 1;
  }
  if (ok) {
    // The TSA's name: its certificate's subject.
    name->type = GEN_DIRNAME;
    name->d.directoryName = X509_NAME_dup(X509_get_subject_name(impl_->cert.get()));
    ok = name->d.directoryName != nullptr && TS_TST_INFO_set_tsa(tst.get(), name.get()) == 1;
  }
  if (!ok) return OpenSslError("filling a token");

  // The location extension, non-critical.
  const std::string location = "[loc]\nchain = FORMAT:HEX,OCTETSTRING:" + where.chain_id.ToHex() +
                               "\nheight = INTEGER:" + std::to_string(where.height) +
                               "\nindex = INTEGER:" + std::to_string(where.log_index) + "\n";
  TAMGA_ASSIGN_OR_RETURN(Bytes value, Generate("SEQUENCE:loc", location));
  Owned<ASN1_OCTET_STRING> octets(ASN1_OCTET_STRING_new());
  Owned<ASN1_OBJECT> ext_oid(OBJ_txt2obj(kLocationOid, 1));
  if (!octets || !ext_oid ||
      ASN1_OCTET_STRING_set(octets.get(), value.data(), static_cast<int>(value.size())) != 1) {
    return OpenSslError("making the location extension");
  }
  Owned<X509_EXTENSION> ext(X509_EXTENSION_create_by_OBJ(nullptr, ext_oid.get(), 0, octets.get()));
  if (!ext || TS_TST_INFO_add_ext(tst.get(), ext.get(), -1) != 1) {
    return OpenSslError("adding the location extension");
  }

  // The token: SignedData over the TSTInfo (RFC 3161 section 2.4.2, RFC 5035).
  Owned<PKCS7> p7(PKCS7_new());
  if (!p7 || PKCS7_set_type(p7.get(), NID_pkcs7_signed) != 1 ||
      ASN1_INTEGER_set(p7->d.sign->version, 3) != 1) {
    return OpenSslError("making the token's SignedData");
  }
  // certReq: the TSA certificate, which the signing-certificate attribute names (RFC 3161
  // section 2.4.1); the CAs above it are at GET /v1/timestamp/certs.
  if (request.cert_req && PKCS7_add_certificate(p7.get(), impl_->cert.get()) != 1) {
    return OpenSslError("adding the certificate");
  }
  PKCS7_SIGNER_INFO* si =
      PKCS7_add_signature(p7.get(), impl_->cert.get(), impl_->key.get(), EVP_sha256());
  if (si == nullptr || PKCS7_add_signed_attribute(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                                  OBJ_nid2obj(NID_id_smime_ct_TSTInfo)) != 1) {
    return OpenSslError("adding the signer");
  }
  Owned<ESS_SIGNING_CERT_V2> signing_cert(
      OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), impl_->cert.get(), nullptr, 0));
  if (!signing_cert) return OpenSslError("making the signing-certificate-v2 attribute");
  unsigned char* sc_der = nullptr;
  const int sc_len = i2d_ESS_SIGNING_CERT_V2(signing_cert.get(), &sc_der);
  if (sc_len <= 0) return OpenSslError("encoding the signing-certificate-v2 attribute");
  Owned<ASN1_STRING> sc_seq(ASN1_STRING_new());
  const bool sc_set = sc_seq && ASN1_STRING_set(sc_seq.get(), sc_der, sc_len) == 1;
  OPENSSL_free(sc_der);
  if (!sc_set || PKCS7_add_signed_attribute(si, NID_id_smime_aa_signingCertificateV2,
                                            V_ASN1_SEQUENCE, sc_seq.get()) != 1) {
    return OpenSslError("adding the signing-certificate-v2 attribute");
  }
  sc_seq.release();  // Owned by the signer info now.
  // The encapsulated content: type id-smime-ct-TSTInfo, an octet string PKCS7_dataFinal
  // fills (PKCS7_content_new knows only PKCS#7's own types).
  {
    Owned<PKCS7> inner(PKCS7_new());
    Owned<ASN1_TYPE> other(ASN1_TYPE_new());
    Owned<ASN1_OCTET_STRING> empty(ASN1_OCTET_STRING_new());
    if (!inner || !other || !empty) return OpenSslError("making the token's content");
    ASN1_TYPE_set(other.get(), V_ASN1_OCTET_STRING, empty.release());
    inner->d.other = other.release();
    inner->type = OBJ_nid2obj(NID_id_smime_ct_TSTInfo);
    if (PKCS7_set_content(p7.get(), inner.get()) != 1) {
      return OpenSslError("setting the token's content");
    }
    inner.release();  // Owned by the SignedData now.
  }
  unsigned char* tst_der = nullptr;
  const int tst_len = i2d_TS_TST_INFO(tst.get(), &tst_der);
  if (tst_len <= 0) return OpenSslError("encoding the TSTInfo");
  BIO* content = PKCS7_dataInit(p7.get(), nullptr);
  const bool signed_ok = content != nullptr && BIO_write(content, tst_der, tst_len) == tst_len &&
                         PKCS7_dataFinal(p7.get(), content) == 1;
  OPENSSL_free(tst_der);
  if (content != nullptr) BIO_free_all(content);
  if (!signed_ok) return OpenSslError("signing the token");

  Owned<TS_RESP> resp(TS_RESP_new());
  Owned<TS_STATUS_INFO> status(TS_STATUS_INFO_new());
  if (!resp || !status || TS_STATUS_INFO_set_status(status.get(), TS_STATUS_GRANTED) != 1 ||
      TS_RESP_set_status_info(resp.get(), status.get()) != 1) {
    return OpenSslError("making the response");
  }
  TS_RESP_set_tst_info(resp.get(), p7.release(), tst.release());
  unsigned char* out = nullptr;
  const int n = i2d_TS_RESP(resp.get(), &out);
  if (n <= 0) return OpenSslError("encoding the response");
  Bytes der(out, out + n);
  OPENSSL_free(out);
  return der;
}

Bytes DigestOf(contracts::ImprintAlgorithm algorithm, ByteView data) {
  const EVP_MD* md = nullptr;
  for (const Sha2& s : kSha2) {
    if (s.algorithm == algorithm) md = EVP_get_digestbynid(s.nid);
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (md == nullptr || EVP_Digest(data.data(), data.size(), out, &n, md, nullptr) != 1) return {};
  return Bytes(out, out + n);
}

Status VerifyTokenSignature(ByteView response, const std::string& ca_file) {
  const unsigned char* p = response.data();
  Owned<TS_RESP> resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(response.size())));
  if (!resp || p != response.data() + response.size()) {
    ERR_clear_error();
    return Status::InvalidArgument("not a DER TimeStampResp");
  }
  Owned<TS_VERIFY_CTX> ctx(TS_VERIFY_CTX_new());
  X509_STORE* store = X509_STORE_new();
  if (!ctx || store == nullptr) {
    X509_STORE_free(store);
    return OpenSslError("verifying a token");
  }
  TS_VERIFY_CTX_set_store(ctx.get(), store);  // Owned by the context from here.
  TS_VERIFY_CTX_add_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE);
  if (X509_STORE_load_file(store, ca_file.c_str()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument(ca_file + " holds no PEM certificate");
  }
  // The file's certificates may also name the signer, for a token made without certReq
  // (the file from GET /v1/timestamp/certs holds the TSA certificate first).
  auto certs = ReadCertificatesPem(ca_file);
  if (certs.ok()) TS_VERIFY_CTX_set_certs(ctx.get(), certs->release());  // Owned by it now.
  if (TS_RESP_verify_response(ctx.get(), resp.get()) != 1) {
    const unsigned long e = ERR_get_error();
    char text[256] = "no detail";
    if (e != 0) ERR_error_string_n(e, text, sizeof text);
    ERR_clear_error();
    return Status::BadSignature(std::string("the token does not verify: ") + text);
  }
  return Status::Ok();
}

Result<TokenInfo> ReadResponse(ByteView der) {
  const unsigned char* p = der.data();
  Owned<TS_RESP> resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (!resp || p != der.data() + der.size()) {
    return Status::InvalidArgument("not a DER TimeStampResp");
  }
  TokenInfo info;
  TS_STATUS_INFO* st = TS_RESP_get_status_info(resp.get());
  info.status = static_cast<int>(ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(st)));
  if (const ASN1_BIT_STRING* bits = TS_STATUS_INFO_get0_failure_info(st)) {
    for (int b = 0; b <= 25 && !info.fail_bit; ++b) {
      if (ASN1_BIT_STRING_get_bit(bits, b) == 1) info.fail_bit = b;
    }
  }
  TS_TST_INFO* tst = TS_RESP_get_tst_info(resp.get());
  info.granted = (info.status == TS_STATUS_GRANTED || info.status == TS_STATUS_GRANTED_WITH_MODS) &&
                 tst != nullptr;
  if (!info.granted) return info;
  TAMGA_ASSIGN_OR_RETURN(info.gen_time_ms, TimeMs(TS_TST_INFO_get_time(tst)));
  TAMGA_ASSIGN_OR_RETURN(info.imprint, ImprintOf(TS_TST_INFO_get_msg_imprint(tst)));
  if (ASN1_INTEGER_get_uint64(&info.serial, TS_TST_INFO_get_serial(tst)) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("the token's serial number is out of range");
  }
  info.policy_oid = OidText(TS_TST_INFO_get_policy_id(tst));
  if (const GENERAL_NAME* name = TS_TST_INFO_get_tsa(tst);
      name != nullptr && name->type == GEN_DIRNAME) {
    Owned<BIO> out(BIO_new(BIO_s_mem()));
    if (out && X509_NAME_print_ex(out.get(), name->d.directoryName, 0, XN_FLAG_ONELINE) >= 0) {
      char* data = nullptr;
      const long n = BIO_get_mem_data(out.get(), &data);
      info.tsa_name.assign(data, static_cast<std::size_t>(n));
    }
  }
  Owned<ASN1_OBJECT> oid(OBJ_txt2obj(kLocationOid, 1));
  const int at = oid ? TS_TST_INFO_get_ext_by_OBJ(tst, oid.get(), -1) : -1;
  if (at >= 0) {
    TAMGA_ASSIGN_OR_RETURN(Location loc,
                           ParseLocation(X509_EXTENSION_get_data(TS_TST_INFO_get_ext(tst, at))));
    info.location = loc;
  }
  return info;
}

}  // namespace tamga::tsa
