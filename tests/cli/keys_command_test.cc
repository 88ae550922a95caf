#include "cli/keys_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace tamga::cli {
namespace {

class KeysCommandTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& n) const { return tmp_.File(n); }
  std::string WritePassFile(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name)) << text;
    return Path(name);
  }
  testing::TempDir tmp_{"keys_command_test"};
};

TEST_F(KeysCommandTest, GenerateThenShowPrintsTheSamePublicKey) {
  KeysGenerateOptions opts;
  opts.path = Path("v.key");
  opts.passphrase.file = WritePassFile("pw", "s3cret\n");
  opts.kdf = KdfParams::Minimum();
  std::ostringstream gen_out, show_out;
  ASSERT_TRUE(KeysGenerate(opts, gen_out).ok());
  ASSERT_TRUE(KeysShow(opts.path, show_out).ok());
  const std::string pub = ReadKeyFileInfo(opts.path)->public_key.ToHex();
  EXPECT_NE(gen_out.str().find("public key: " + pub), std::string::npos);
  EXPECT_NE(show_out.str().find("kind:       encrypted"), std::string::npos);
  EXPECT_NE(show_out.str().find(pub), std::string::npos);
  // The trailing newline of the passphrase file is not part of the passphrase.
  EXPECT_TRUE(LoadKeyFile(opts.path, "s3cret").ok());
}

TEST_F(KeysCommandTest, EmptyPassphraseFileIsRefused) {
  KeysGenerateOptions opts;
  opts.path = Path("v.key");
  opts.passphrase.file = WritePassFile("pw", "\n");
  std::ostringstream out;
  Status s = KeysGenerate(opts, out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(opts.path));
}

TEST_F(KeysCommandTest, ChangePassphraseWithFiles) {
  KeysGenerateOptions opts;
  opts.path = Path("v.key");
  opts.passphrase.file = WritePassFile("old", "old pass");
  opts.kdf = KdfParams::Minimum();
  std::ostringstream out;
  ASSERT_TRUE(KeysGenerate(opts, out).ok());
  client::PassphraseSource old_src{.file = Path("old")};
  client::PassphraseSource new_src{.file = WritePassFile("new", "new pass")};
  ASSERT_TRUE(KeysChangePassphrase(opts.path, old_src, new_src, KdfParams::Minimum(), out).ok());
  EXPECT_TRUE(LoadKeyFile(opts.path, "new pass").ok());
  // A second change with the old passphrase now fails with the key-file error.
  EXPECT_EQ(KeysChangePassphrase(opts.path, old_src, new_src, KdfParams::Minimum(), out).code(),
            StatusCode::kPermissionDenied);
}

TEST_F(KeysCommandTest, ShowOfMissingFileIsNotFound) {
  std::ostringstream out;
  EXPECT_EQ(KeysShow(Path("none"), out).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tamga::cli
