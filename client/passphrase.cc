#include "client/passphrase.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "common/file_util.h"
#include "common/key_file.h"

namespace tamga::client {
namespace {

constexpr std::size_t kPassphraseMax = 1024;

std::string FirstLine(const std::string& text) {
  std::size_t len = text.find('\n');
  if (len == std::string::npos) len = text.size();
  if (len > 0 && text[len - 1] == '\r') --len;
  return text.substr(0, len);
}

Result<std::string> Prompt(const std::string& prompt) {
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return Status::InvalidArgument(
        "no terminal to ask for a passphrase: use --passphrase-file or TAMGA_PASSPHRASE");
  }
  termios old_attrs{};
  const bool is_tty = ::tcgetattr(fd, &old_attrs) == 0;
  if (is_tty) {
    termios quiet = old_attrs;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  std::string line;
  line.reserve(kPassphraseMax + 1);  // No reallocation leaves a stray copy behind.
  char c;
  while (line.size() <= kPassphraseMax && ::read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  (void)!::write(fd, "\n", 1);
  if (is_tty) ::tcsetattr(fd, TCSAFLUSH, &old_attrs);
  ::close(fd);
  if (line.size() > kPassphraseMax) {
    SecureWipe(line);
    return Status::InvalidArgument("passphrase too long");
  }
  return line;
}

}  // namespace

Result<std::string> ReadPassphrase(const PassphraseSource& source) {
  std::string pass;
  if (!source.file.empty()) {
    TAMGA_ASSIGN_OR_RETURN(std::string text, ReadFileToString(source.file, kPassphraseMax + 2));
    pass = FirstLine(text);
    SecureWipe(text);
  } else if (const char* env = std::getenv(source.env.c_str()); env != nullptr) {
    pass = env;
  } else {
    TAMGA_ASSIGN_OR_RETURN(pass, Prompt(source.prompt));
    if (source.confirm) {
      TAMGA_ASSIGN_OR_RETURN(std::string again, Prompt("Repeat: "));
      const bool same = again == pass;
      SecureWipe(again);
      if (!same) {
        SecureWipe(pass);
        return Status::InvalidArgument("the two passphrases differ");
      }
    }
  }
  if (pass.empty()) return Status::InvalidArgument("the passphrase is empty");
  return pass;
}

Result<SecretKey> OpenKeyFile(const std::string& path, const std::string& passphrase_file) {
  TAMGA_ASSIGN_OR_RETURN(KeyFileInfo info, ReadKeyFileInfo(path));
  if (info.kind == KeyFileKind::kPlain) return LoadKeyFile(path, std::nullopt);
  PassphraseSource source;
  source.file = passphrase_file;
  source.prompt = "Passphrase for " + path + ": ";
  TAMGA_ASSIGN_OR_RETURN(std::string pass, ReadPassphrase(source));
  return LoadKeyFile(path, pass);
}

}  // namespace tamga::client
