// tests/common/ed25519_test.cc
// Ed25519 against the RFC 8032 section 7.1 test vectors, the domain separation of Sign(), and
// the frozen edge-case corpus whose accept/reject answers every validator must share.
// tests/common/ed25519_corpus.md describes the corpus for readers who are not reading C++.

#include "common/ed25519.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "common/bytes.h"
#include "common/status.h"

namespace tamga {
namespace {

// Parses a hex constant of this file. A malformed constant is a bug in the test itself, so
// it stops the test rather than letting it compare against an empty buffer.
Bytes Hex(std::string_view hex) {
  Result<Bytes> bytes = FromHex(hex);
  TAMGA_CHECK_MSG(bytes.ok(), "bad hex constant: " + bytes.status().ToString());
  return std::move(bytes).value();
}

PublicKey KeyHex(std::string_view hex) {
  Result<PublicKey> key = PublicKey::FromHex(hex);
  TAMGA_CHECK_MSG(key.ok(), "bad public key constant: " + key.status().ToString());
  return *key;
}

Signature SignatureHex(std::string_view hex) {
  Result<Signature> signature = Signature::FromHex(hex);
  TAMGA_CHECK_MSG(signature.ok(), "bad signature constant: " + signature.status().ToString());
  return *signature;
}

std::array<std::uint8_t, SecretKey::kSeedSize> SeedHex(std::string_view hex) {
  const Bytes raw = Hex(hex);
  TAMGA_CHECK(raw.size() == SecretKey::kSeedSize);
  std::array<std::uint8_t, SecretKey::kSeedSize> seed{};
  std::copy(raw.begin(), raw.end(), seed.begin());
  return seed;
}

// ---------------------------------------------------------------------------------------
// RFC 8032 section 7.1.
// ---------------------------------------------------------------------------------------

// The 1023-byte message of "TEST 1024", laid out 16 bytes a line as in the RFC so that the
// two can be compared line by line.
constexpr std::string_view kTest1024Message =
    "08b8b2b733424243760fe426a4b54908"
    "632110a66c2f6591eabd3345e3e4eb98"
    "fa6e264bf09efe12ee50f8f54e9f77b1"
    "e355f6c50544e23fb1433ddf73be84d8"
    "79de7c0046dc4996d9e773f4bc9efe57"
    "38829adb26c81b37c93a1b270b20329d"
    "658675fc6ea534e0810a4432826bf58c"
    "941efb65d57a338bbd2e26640f89ffbc"
    "1a858efcb8550ee3a5e1998bd177e93a"
    "7363c344fe6b199ee5d02e82d522c4fe"
    "ba15452f80288a821a579116ec6dad2b"
    "3b310da903401aa62100ab5d1a36553e"
    "06203b33890cc9b832f79ef80560ccb9"
    "a39ce767967ed628c6ad573cb116dbef"
    "efd75499da96bd68a8a97b928a8bbc10"
    "3b6621fcde2beca1231d206be6cd9ec7"
    "aff6f6c94fcd7204ed3455c68c83f4a4"
    "1da4af2b74ef5c53f1d8ac70bdcb7ed1"
    "85ce81bd84359d44254d95629e9855a9"
    "4a7c1958d1f8ada5d0532ed8a5aa3fb2"
    "d17ba70eb6248e594e1a2297acbbb39d"
    "502f1a8c6eb6f1ce22b3de1a1f40cc24"
    "554119a831a9aad6079cad88425de6bd"
    "e1a9187ebb6092cf67bf2b13fd65f270"
    "88d78b7e883c8759d2c4f5c65adb7553"
    "878ad575f9fad878e80a0c9ba63bcbcc"
    "2732e69485bbc9c90bfbd62481d9089b"
    "eccf80cfe2df16a2cf65bd92dd597b07"
    "07e0917af48bbb75fed413d238f5555a"
    "7a569d80c3414a8d0859dc65a46128ba"
    "b27af87a71314f318c782b23ebfe808b"
    "82b0ce26401d2e22f04d83d1255dc51a"
    "ddd3b75a2b1ae0784504df543af8969b"
    "e3ea7082ff7fc9888c144da2af58429e"
    "c96031dbcad3dad9af0dcbaaaf268cb8"
    "fcffead94f3c7ca495e056a9b47acdb7"
    "51fb73e666c6c655ade8297297d07ad1"
    "ba5e43f1bca32301651339e22904cc8c"
    "42f58c30c04aafdb038dda0847dd988d"
    "cda6f3bfd15c4b4c4525004aa06eeff8"
    "ca61783aacec57fb3d1f92b0fe2fd1a8"
    "5f6724517b65e614ad6808d6f6ee34df"
    "f7310fdc82aebfd904b01e1dc54b2927"
    "094b2db68d6f903b68401adebf5a7e08"
    "d78ff4ef5d63653a65040cf9bfd4aca7"
    "984a74d37145986780fc0b16ac451649"
    "de6188a7dbdf191f64b5fc5e2ab47b57"
    "f7f7276cd419c17a3ca8e1b939ae49e4"
    "88acba6b965610b5480109c8b17b80e1"
    "b7b750dfc7598d5d5011fd2dcc5600a3"
    "2ef5b52a1ecc820e308aa342721aac09"
    "43bf6686b64b2579376504ccc493d97e"
    "6aed3fb0f9cd71a43dd497f01f17c0e2"
    "cb3797aa2a2f256656168e6c496afc5f"
    "b93246f6b1116398a346f1a641f3b041"
    "e989f7914f90cc2c7fff357876e506b5"
    "0d334ba77c225bc307ba537152f3f161"
    "0e4eafe595f6d9d90d11faa933a15ef1"
    "369546868a7f3a45a96768d40fd9d034"
    "12c091c6315cf4fde7cb68606937380d"
    "b2eaaa707b4c4185c32eddcdd306705e"
    "4dc1ffc872eeee475a64dfac86aba41c"
    "0618983f8741c5ef68d3a101e8a3b8ca"
    "c60c905c15fc910840b94c00a0b9d0";

struct RfcVector {
  std::string_view id;          // A gtest-safe name for the vector.
  std::string_view secret_key;  // The RFC's SECRET KEY: the 32-byte seed.
  std::string_view public_key;
  std::string_view message;
  std::string_view signature;
};

// Test logs name a vector by its id rather than dumping its bytes.
void PrintTo(const RfcVector& v, std::ostream* os) { *os << v.id; }

// RFC 8032 section 7.1, copied from the RFC text rather than computed by any library, so
// that a match cannot come from the same bug on both sides of the comparison.
constexpr RfcVector kRfcVectors[] = {
    {"Test1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"Test2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"Test3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {"Test1024", "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
     "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e", kTest1024Message,
     "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
     "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
    {"TestShaAbc", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
     "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
};

class Ed25519Rfc8032Test : public ::testing::TestWithParam<RfcVector> {};

TEST(Ed25519Rfc8032, Test1024MessageHasThePublishedLength) {
  // The RFC states "MESSAGE (length 1023 bytes)"; a line lost in copying would show here
  // before it shows as a confusing signature mismatch.
  EXPECT_EQ(Hex(kTest1024Message).size(), 1023u);
}

TEST_P(Ed25519Rfc8032Test, DerivesThePublishedPublicKey) {
  const RfcVector& v = GetParam();
  const SecretKey key = SecretKey::FromSeed(SeedHex(v.secret_key));
  EXPECT_EQ(key.public_key(), KeyHex(v.public_key)) << key.public_key().ToHex();
}

TEST_P(Ed25519Rfc8032Test, SignRawReproducesThePublishedSignature) {
  const RfcVector& v = GetParam();
  const SecretKey key = SecretKey::FromSeed(SeedHex(v.secret_key));
  // Ed25519 signing is deterministic, so the signature must match byte for byte.
  const Signature signature = key.SignRaw(Hex(v.message));
  EXPECT_EQ(signature, SignatureHex(v.signature)) << signature.ToHex();
}

TEST_P(Ed25519Rfc8032Test, VerifyRawAcceptsThePublishedSignature) {
  const RfcVector& v = GetParam();
  EXPECT_TRUE(VerifyRaw(KeyHex(v.public_key), Hex(v.message), SignatureHex(v.signature)));
}

TEST_P(Ed25519Rfc8032Test, VerifyRawRejectsEverySingleBitFlipOfTheSignature) {
  const RfcVector& v = GetParam();
  const PublicKey key = KeyHex(v.public_key);
  const Bytes message = Hex(v.message);
  const Signature signature = SignatureHex(v.signature);
  // Every bit, because the bits differ in kind: R's y and sign bits, S's low bits, and S's
  // top bits, where a flip makes S non-canonical rather than merely wrong.
  for (std::size_t bit = 0; bit < Signature::kSize * 8; ++bit) {
    Signature flipped = signature;
    flipped.data()[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(VerifyRaw(key, message, flipped)) << "signature bit " << bit;
  }
}

TEST_P(Ed25519Rfc8032Test, VerifyRawRejectsASingleBitFlipOfTheMessage) {
  const RfcVector& v = GetParam();
  const Bytes message = Hex(v.message);
  if (message.empty()) {
    GTEST_SKIP() << "TEST 1 signs the empty message, which has no bit to flip";
  }
  const PublicKey key = KeyHex(v.public_key);
  const Signature signature = SignatureHex(v.signature);
  // Every bit of the first and last bytes, so both ends of the message are shown to be
  // signed; all 8,184 bits of TEST 1024 would add time and no new kind of case.
  for (const std::size_t index : {std::size_t{0}, message.size() - 1}) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes flipped = message;
      flipped[index] ^= static_cast<std::uint8_t>(1u << bit);
      EXPECT_FALSE(VerifyRaw(key, flipped, signature))
          << "message byte " << index << " bit " << bit;
    }
  }
}

// Names each instance after its vector, as in Section71/Ed25519Rfc8032Test.X/Test1024. A
// function rather than a lambda, because a lambda's parameter would shadow the macro's own
// and -Wshadow is on.
std::string RfcVectorName(const ::testing::TestParamInfo<RfcVector>& param_info) {
  return std::string(param_info.param.id);
}

INSTANTIATE_TEST_SUITE_P(Section71, Ed25519Rfc8032Test, ::testing::ValuesIn(kRfcVectors),
                         RfcVectorName);

// ---------------------------------------------------------------------------------------
// Domain separation.
// ---------------------------------------------------------------------------------------

TEST(Ed25519Domain, VoteSignatureDoesNotVerifyAsTransaction) {
  const SecretKey key = SecretKey::FromSeed(SeedHex(kRfcVectors[0].secret_key));
  const Bytes message = Hex("0123456789abcdef");
  const Signature signature = key.Sign(SignDomain::kVote, message);

  EXPECT_TRUE(VerifySignature(key.public_key(), SignDomain::kVote, message, signature).ok());

  const Status as_transaction =
      VerifySignature(key.public_key(), SignDomain::kTransaction, message, signature);
  EXPECT_FALSE(as_transaction.ok());
  EXPECT_EQ(as_transaction.code(), StatusCode::kBadSignature) << as_transaction.ToString();
}

TEST(Ed25519Domain, SignatureVerifiesInItsOwnDomainOnly) {
  const SecretKey key = SecretKey::FromSeed(SeedHex(kRfcVectors[1].secret_key));
  const Bytes message = Hex("74616d6761");
  constexpr SignDomain kAll[] = {
      SignDomain::kTransaction, SignDomain::kProposal, SignDomain::kVote,      SignDomain::kTimeout,
      SignDomain::kHandshake,   SignDomain::kGenesis,  SignDomain::kTimestamp,
  };
  for (const SignDomain signed_as : kAll) {
    const Signature signature = key.Sign(signed_as, message);
    // A tagged signature is never a raw one, so a raw verifier cannot be fooled either.
    EXPECT_FALSE(VerifyRaw(key.public_key(), message, signature));
    for (const SignDomain checked_as : kAll) {
      const Status status = VerifySignature(key.public_key(), checked_as, message, signature);
      if (signed_as == checked_as) {
        EXPECT_TRUE(status.ok()) << SignDomainTag(signed_as) << ": " << status.ToString();
      } else {
        EXPECT_EQ(status.code(), StatusCode::kBadSignature)
            << SignDomainTag(signed_as) << " checked as " << SignDomainTag(checked_as);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// The frozen corpus.
// ---------------------------------------------------------------------------------------

struct CorpusCase {
  std::string_view name;
  std::string_view message;
  std::string_view public_key;
  std::string_view signature;
  bool accept;  // What libsodium 1.0.18's crypto_sign_verify_detached returned.
};

// Cases sc00..sc11 are the 12 vectors of "Taming the many EdDSAs" (Chalkias, Garillot and
// Nikolaenko, SSR 2020), file cases.txt of github.com/novifinancial/ed25519-speccheck, in
// its order. The rest are ours. Each answer was measured with crypto_sign_verify_detached
// of Debian's libsodium 1.0.18-1+deb12u1, never reasoned out, and is pinned because
// validators that disagree on one of these would fork. "Small" means a point of order
// dividing 8, "mixed" a point with both a torsion and a prime-order component.
//
// libsodium 1.0.18 rejects, in this order: S >= L; R in its small-order blacklist, which
// ignores the sign bit; A non-canonical (y >= p) or in the blacklist. Then it checks the
// cofactorless equation by comparing the encoding of [S]B - [k]A with R's bytes.
constexpr CorpusCase kCorpus[] = {
    // S = 0, A and R small (R = -A): both the cofactored and the cofactorless equations
    // hold, for this message only. RFC 8032 accepts; libsodium rejects the small R.
    {"sc00_zero_s_small_a_small_r",
     "8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6",
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"
     "0000000000000000000000000000000000000000000000000000000000000000",
     false},
    // 0 < S < L, A small (order 8), R mixed: both equations hold, yet A has no secret key,
    // so anyone could have made the signature. libsodium rejects the small A.
    {"sc01_small_a_mixed_r", "9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79",
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
     "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43"
     "a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04",
     false},
    // 0 < S < L, A mixed, R small (order 8): both equations hold. libsodium rejects the
    // small R.
    {"sc02_mixed_a_small_r", "aebf3f2601a0c8c5d39cc7d8911642f740b78168218da8471772b35f9d35b9ab",
     "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
     "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"
     "8c4bd45aecaca5b24fb97bc10ac27ac8751a7dfe1baff8b953ec9f5833ca260e",
     false},
    // 0 < S < L, A and R mixed, and both equations hold. The only speccheck case libsodium
    // accepts: it does not check that A or R lie in the prime-order subgroup.
    {"sc03_mixed_a_mixed_r", "9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79",
     "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
     "9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f"
     "87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009",
     true},
    // A and R mixed; only the cofactored equation holds. RFC 8032 (cofactored) accepts;
    // libsodium, which checks the cofactorless one, rejects.
    {"sc04_mixed_a_mixed_r_cofactored_only",
     "e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c",
     "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
     "160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed512"
     "5ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09",
     false},
    // A mixed, R of prime order, k ground so that 8k mod L is not a multiple of 8: passes a
    // cofactored check of [8]([S]B) = [8]R + [8]([k]A) but fails one that multiplies A by
    // the pre-reduced scalar 8k mod L. Cofactorless fails too, so libsodium rejects.
    {"sc05_mixed_a_pre_reduced_scalar",
     "e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c",
     "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
     "21122a84e0b5fca4052f5b1235c80a537878b38f3142356b2c2384ebad4668b7"
     "e40bc836dac0f71076f9abe3a53f9c03c1ceeeddb658d0030494ace586687405",
     false},
    // A valid signature with L added to S (L <= S < 2^253): the equation still holds mod
    // L, so accepting it would make signatures malleable. libsodium rejects S >= L.
    {"sc06_s_above_l", "85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40",
     "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623",
     "e96f66be976d82e60150baecff9906684aebb1ef181f67a7189ac78ea23b6c0e"
     "547f7690a0e2ddcd04d87dbc3490dc19b3b3052f7ff0538cb68afb369ba3a514",
     false},
    // As sc06, with L added until one of S's top three bits is set, to catch verifiers that
    // only test those bits instead of S < L. libsodium rejects S >= L.
    {"sc07_s_far_above_l", "85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40",
     "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623",
     "8ce5b96c8f26d0ab6c47958c9e68b937104cd36e13c33566acd2fe8d38aa1942"
     "7e71f98a473474f2f13f06f97c20d58cc3f54b8bd0d272f42b695dd7e89a8c22",
     false},
    // R = ec ff..ff: the order-2 point (0, -1) with the sign bit set although x = 0, which
    // RFC 8032 5.1.3 refuses to decode. S makes it verify for a verifier that re-encodes R
    // before hashing. libsodium rejects R as small; its final comparison with the canonical
    // encoding of R would refuse it anyway.
    {"sc08_non_canonical_r_hashed_reencoded",
     "9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
     "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
     "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
     "03be9678ac102edcd92b0210bb34d7428d12ffc5df5f37e359941266a4e35f0f",
     false},
    // As sc08, but S makes it verify for a verifier that hashes R's bytes as sent.
    {"sc09_non_canonical_r_hashed_as_sent",
     "9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
     "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
     "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
     "ca8c5b64cd208982aa38d4936621a4775aa233aa0505711d8fdcfdaa943d4908",
     false},
    // A = ec ff..ff, the same non-canonical encoding as sc08's R, with a message that makes
    // the signature verify (cofactored) for a verifier that re-encodes A before hashing.
    // libsodium rejects A as small: only the sign-bit-blind blacklist stops sc11, which
    // would otherwise pass libsodium's own equation.
    {"sc10_non_canonical_a_hashed_reencoded",
     "e96b7021eb39c1a163b6da4e3093dcd3f21387da4cc4572be588fafae23c155b",
     "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dc"
     "a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04",
     false},
    // As sc10, with a message that verifies, cofactored and cofactorless, when A's bytes
    // are hashed as sent.
    {"sc11_non_canonical_a_hashed_as_sent",
     "39a591f5321bbe07fd5a23dc2f39d025d74526615746727ceefd6e82ae65c06f",
     "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dc"
     "a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04",
     false},
    // RFC 8032 TEST 1 unchanged: the control, so that a verifier rejecting everything
    // cannot pass this table.
    {"own_rfc8032_test1_control", "",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
     true},
    // TEST 1 with L added to S (S + L < 2^253): the smallest step into non-canonical S, and
    // the malleability a transaction-id scheme would suffer if it were accepted.
    {"own_s_plus_l", "", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "4c8c7872aa064e049dbb3013fbf29380d25bf5f0595bbe24655141438e7a101b",
     false},
    // A = 00..00, which decodes to a point of order 4, under TEST 1's signature. No
    // equation holds; the case pins that an all-zero key, a likely uninitialised value,
    // is refused.
    {"own_zero_public_key", "", "0000000000000000000000000000000000000000000000000000000000000000",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
     false},
    // An all-zero signature (R of order 4, S = 0) under TEST 1's key: what an unfilled
    // signature field holds.
    {"own_zero_signature", "", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
     "0000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000",
     false},
    // A = 01 00..00, the identity, with R = B and S = 1: [S]B = R + [k]A holds for every
    // message, so a verifier that accepts the identity key accepts forgeries by anyone.
    // RFC 8032 accepts it; libsodium rejects the small A.
    {"own_identity_public_key", "74616d6761",
     "0100000000000000000000000000000000000000000000000000000000000000",
     "5866666666666666666666666666666666666666666666666666666666666666"
     "0100000000000000000000000000000000000000000000000000000000000000",
     false},
    // A = ed ff..ff 7f, y = p: a non-canonical encoding (of y = 0) under TEST 1's valid R
    // and S, so the key's encoding is the only fault. libsodium rejects y >= p.
    {"own_public_key_y_equals_p", "",
     "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
     false},
    // A = ee ff..ff 7f, y = p + 1: the identity encoded non-canonically, with R = B and
    // S = 1, which verifies for every message under a verifier that reduces y mod p.
    // libsodium rejects y >= p.
    {"own_public_key_y_equals_p_plus_1", "74616d6761",
     "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
     "5866666666666666666666666666666666666666666666666666666666666666"
     "0100000000000000000000000000000000000000000000000000000000000000",
     false},
};

TEST(Ed25519Corpus, AcceptRejectAnswersArePinned) {
  for (const CorpusCase& c : kCorpus) {
    SCOPED_TRACE(std::string(c.name));
    EXPECT_EQ(VerifyRaw(KeyHex(c.public_key), Hex(c.message), SignatureHex(c.signature)), c.accept)
        << "libsodium's answer for " << c.name
        << " changed; validators on different versions would disagree";
  }
}

}  // namespace
}  // namespace tamga
