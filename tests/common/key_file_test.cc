#include "common/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/file_util.h"
#include "common/sha256.h"
#include "tests/support/temp_dir.h"

namespace tamga {
namespace {

class KeyFileTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const { return tmp_.File(name); }

  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Rewrites a file keeping its 0600 mode.
  static void Write(const std::string& path, const std::string& text) {
    ASSERT_TRUE(WriteFileAtomic(path, text, {.mode = 0600, .overwrite = true}).ok());
  }

  testing::TempDir tmp_{"key_file_test"};
  const std::filesystem::path& dir_ = tmp_.path();
  const SecretKey key_ = SecretKey::Generate();
};

TEST_F(KeyFileTest, EncryptedRoundTripWithMode0600) {
  const std::string path = Path("validator.key");
  ASSERT_TRUE(SaveEncryptedKeyFile(path, key_, "correct horse", KdfParams::Minimum()).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(Read(path).find(ToHex(key_.seed())), std::string::npos) << "seed leaked in clear";

  Result<SecretKey> loaded = LoadKeyFile(path, "correct horse");
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  EXPECT_EQ(loaded->public_key(), key_.public_key());
  EXPECT_EQ(loaded->seed(), key_.seed());

  Result<KeyFileInfo> info = ReadKeyFileInfo(path);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->kind, KeyFileKind::kEncrypted);
  EXPECT_EQ(info->public_key, key_.public_key());
}

TEST_F(KeyFileTest, WrongPassphraseIsPermissionDenied) {
  const std::string path = Path("k");
  ASSERT_TRUE(SaveEncryptedKeyFile(path, key_, "right", KdfParams::Minimum()).ok());
  Result<SecretKey> r = LoadKeyFile(path, "wrong");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(r.error().message(), "wrong passphrase for key file " + path);
}

TEST_F(KeyFileTest, MissingPassphraseIsInvalidArgument) {
  const std::string path = Path("k");
  ASSERT_TRUE(SaveEncryptedKeyFile(path, key_, "pw", KdfParams::Minimum()).ok());
  EXPECT_EQ(LoadKeyFile(path, std::nullopt).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(SaveEncryptedKeyFile(Path("k2"), key_, "", KdfParams::Minimum()).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(KeyFileTest, DamagedFileIsCorruptionNotWrongPassphrase) {
  const std::string path = Path("k");
  ASSERT_TRUE(SaveEncryptedKeyFile(path, key_, "pw", KdfParams::Minimum()).ok());
  const std::string good = Read(path);
  // Flip one hex digit of the sealed seed: the checksum catches it, so the operator is
  // told the file is damaged rather than that the passphrase is wrong.
  std::string bad = good;
  const std::size_t at = bad.find("sealed-seed: ") + 13;
  bad[at] = bad[at] == '0' ? '1' : '0';
  Write(path, bad);
  Result<SecretKey> r = LoadKeyFile(path, "pw");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kCorruption);
  EXPECT_NE(r.error().message().find("checksum mismatch"), std::string::npos);

  Write(path, good.substr(0, good.size() / 2));
  EXPECT_EQ(LoadKeyFile(path, "pw").error().code(), StatusCode::kCorruption);
  Write(path, "not a key file\n");
  EXPECT_EQ(LoadKeyFile(path, "pw").error().code(), StatusCode::kCorruption);
  Write(path, "");
  EXPECT_EQ(LoadKeyFile(path, "pw").error().code(), StatusCode::kCorruption);
}

TEST_F(KeyFileTest, ConsistentButForgedPublicKeyIsDetected) {
  // A file whose checksum is valid but whose listed public key is not the sealed key's:
  // rebuilt by hand with a matching checksum, as an attacker could.
  const std::string path = Path("k");
  ASSERT_TRUE(SavePlainKeyFile(path, key_).ok());
  std::string text = Read(path);
  const SecretKey other = SecretKey::Generate();
  const std::size_t at = text.find(key_.public_key().ToHex());
  text.replace(at, 64, other.public_key().ToHex());
  // Recompute the checksum the way the format defines it.
  text = text.substr(0, text.find("checksum: "));
  const std::string sum = Sha256Of(AsBytes(text)).ToHex();
  Write(path, text + "checksum: " + sum + "\n");
  Result<SecretKey> r = LoadKeyFile(path, std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kCorruption);
  EXPECT_NE(r.error().message().find("does not match the public key"), std::string::npos);
}

TEST_F(KeyFileTest, FileReadableByOthersIsRefused) {
  const std::string path = Path("k");
  ASSERT_TRUE(SavePlainKeyFile(path, key_).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  Result<SecretKey> r = LoadKeyFile(path, std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(r.error().message().find("chmod 600"), std::string::npos);
}

TEST_F(KeyFileTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadKeyFile(Path("absent"), "pw").error().code(), StatusCode::kNotFound);
}

TEST_F(KeyFileTest, RefusesToOverwriteUnlessAsked) {
  const std::string path = Path("k");
  ASSERT_TRUE(SavePlainKeyFile(path, key_).ok());
  EXPECT_EQ(SavePlainKeyFile(path, SecretKey::Generate()).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(LoadKeyFile(path, std::nullopt)->public_key(), key_.public_key());
  EXPECT_TRUE(SavePlainKeyFile(path, key_, {.overwrite = true}).ok());
}

TEST_F(KeyFileTest, PlainFormRoundTrips) {
  const std::string path = Path("k");
  ASSERT_TRUE(SavePlainKeyFile(path, key_).ok());
  EXPECT_EQ(ReadKeyFileInfo(path)->kind, KeyFileKind::kPlain);
  EXPECT_EQ(LoadKeyFile(path, "ignored")->seed(), key_.seed());
}

TEST_F(KeyFileTest, ChangePassphraseKeepsTheKey) {
  const std::string path = Path("k");
  ASSERT_TRUE(SaveEncryptedKeyFile(path, key_, "old", KdfParams::Minimum()).ok());
  EXPECT_EQ(ChangeKeyFilePassphrase(path, "not-old", "new", KdfParams::Minimum()).code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(ChangeKeyFilePassphrase(path, "old", "new", KdfParams::Minimum()).ok());
  EXPECT_EQ(LoadKeyFile(path, "old").error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(LoadKeyFile(path, "new")->public_key(), key_.public_key());
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find("k.tmp"), std::string::npos)
        << "temporary file left behind: " << entry.path();
  }
}

TEST_F(KeyFileTest, HostileKdfLimitsAreRefusedBeforeDerivation) {
  const std::string path = Path("k");
  ASSERT_TRUE(SaveEncryptedKeyFile(path, key_, "pw", KdfParams::Minimum()).ok());
  std::string text = Read(path);
  const std::size_t at = text.find("memlimit: ");
  const std::size_t eol = text.find('\n', at);
  text.replace(at, eol - at, "memlimit: 1099511627776");  // 1 TiB.
  text = text.substr(0, text.find("checksum: "));
  Write(path, text + "checksum: " + Sha256Of(AsBytes(text)).ToHex() + "\n");
  Result<SecretKey> r = LoadKeyFile(path, "pw");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kCorruption);
  EXPECT_NE(r.error().message().find("out of range"), std::string::npos);
}

}  // namespace
}  // namespace tamga
