// tests/vectors/make_vectors_main.cc
// tamga_make_vectors OUTDIR: writes the proof test vectors (docs/vectors/README.md) to
// OUTDIR, one <name>.json each, and prints a table row of each for the README.

#include <iostream>

#include "tests/vectors/vectors.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: tamga_make_vectors OUTDIR\n";
    return 1;
  }
  const std::vector<tamga::vectors::Vector> vectors = tamga::vectors::MakeVectors();
  if (tamga::Status s = tamga::vectors::WriteVectors(vectors, argv[1]); !s.ok()) {
    std::cerr << "tamga_make_vectors: " << s.ToString() << "\n";
    return 1;
  }
  for (const auto& v : vectors) {
    std::cout << "| `" << v.name << "` | " << v.description << " | " << v.expect.exit << " | `"
              << v.expect.code << "` | "
              << (v.expect.proof_error.empty() ? "" : "`" + v.expect.proof_error + "`") << " |\n";
  }
  std::cerr << "wrote " << vectors.size() << " vectors to " << argv[1] << "\n";
  return 0;
}
