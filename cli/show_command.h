// cli/show_command.h
// `tamga show`: the API's lookups in plain words, for people at a terminal: a document by
// its file, a certificate with its balance and history, an operator's AEO recognition by
// a country, a transit with its events. (For proofs, `tamga verify`.)
//
// Exit status: 0 found (and, for AEO, recognised); 3 not found or not recognised; 1 error.
//
// Thread-safety: blocking commands.

#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace tamga::cli {

struct ShowOptions {
  std::string node = "127.0.0.1:26601";
  std::string what;  // document, certificate, aeo, transit
  std::string document;
  std::string country;
  std::string number;  // Certificate number, or MRN, or operator identifier.
  std::string by;      // AEO: the recognising country.
  std::optional<std::uint64_t> at_ms;
};

int RunShow(const ShowOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tamga::cli
