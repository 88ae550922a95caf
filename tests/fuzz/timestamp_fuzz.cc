// tests/fuzz/timestamp_fuzz.cc
// An RFC 3161 request as POST /v1/timestamp reads it (tsa::ParseRequest), and the same
// bytes as a time-stamp response, as `tamga verify --token` reads one (tsa::ReadResponse).
// A request the profile accepts is granted by a real authority (an ECDSA P-256 key and a
// certificate from a local CA, made once in a scratch folder), and the token must read
// back granted with the request's imprint and the location it was given; a refused one
// must come back as a rejection with the refusal's failure bit.

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include "common/file_util.h"
#include "common/sha256.h"
#include "tests/fuzz/fuzz.h"
#include "tsa/authority.h"
#include "tsa/pki.h"

namespace {

using namespace tamga;

std::unique_ptr<tsa::Authority> MakeAuthority() {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("tamga_fuzz_tsa_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto ca = tsa::NewLocalCa({"", "fuzz", "fuzz CA"}, 30);
  auto key = tsa::NewKeyPem(std::nullopt);
  TAMGA_FUZZ_CHECK(ca.ok() && key.ok(), "a test authority");
  const std::string key_file = (dir / "tsa.key").string();
  TAMGA_FUZZ_CHECK(tsa::WriteKeyPem(key_file, *key).ok(), "the key written");
  auto csr = tsa::MakeRequestPem(key_file, std::nullopt, {"KZ", "fuzz", "fuzz TSA"});
  TAMGA_FUZZ_CHECK(csr.ok(), "a request");
  auto cert = tsa::IssueTsaCertificate(*ca, *csr, 30, 2);
  TAMGA_FUZZ_CHECK(cert.ok(), "a certificate");
  const std::string cert_file = (dir / "tsa.crt").string();
  TAMGA_FUZZ_CHECK(WriteFileAtomic(cert_file, *cert, {}).ok(), "the certificate written");
  auto a =
      tsa::Authority::Load({key_file, cert_file, "", tsa::kTestnetPolicyOid, 1000}, std::nullopt);
  TAMGA_FUZZ_CHECK(a.ok(), "the authority loads");
  std::filesystem::remove_all(dir);
  return std::move(*a);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unique_ptr<tsa::Authority> authority = MakeAuthority();
  const ByteView in = fuzz::View(data, size);
  (void)tsa::ReadResponse(in);
  auto parsed = tsa::ParseRequest(in, tsa::kTestnetPolicyOid);
  if (auto* refusal = std::get_if<tsa::Refusal>(&parsed)) {
    auto back = tsa::ReadResponse(tsa::RejectionResponse(*refusal));
    TAMGA_FUZZ_CHECK(back.ok() && !back->granted && back->status == 2 &&
                         back->fail_bit == static_cast<int>(refusal->fail),
                     "a rejection reads back with its failure bit");
    return 0;
  }
  const tsa::Request& request = std::get<tsa::Request>(parsed);
  TAMGA_FUZZ_CHECK(
      request.imprint.digest.size() == contracts::ImprintLength(request.imprint.algorithm),
      "an accepted imprint has its algorithm's length");
  const tsa::Location where{Sha256Of(in), size, size * 7};
  auto token = authority->Grant(request, 1'796'300'000'000 + size, where);
  TAMGA_FUZZ_CHECK(token.ok(), "an accepted request is granted");
  auto back = tsa::ReadResponse(*token);
  TAMGA_FUZZ_CHECK(back.ok() && back->granted && back->imprint == request.imprint &&
                       back->location == where && back->gen_time_ms == 1'796'300'000'000 + size,
                   "a token reads back with the request's imprint, its time and location");
  return 0;
}
