// tests/fuzz/fuzz.h
// What the fuzz targets share: the libFuzzer entry point each defines, and the check that
// turns a broken property into a crash the fuzzer (or the corpus replay under CTest)
// reports with the input that caused it.
//
// Each target is built two ways (tests/fuzz/CMakeLists.txt): with clang's libFuzzer for
// campaigns (the fuzz preset), and with replay_main.cc in every other build, where CTest
// runs it over the target's corpus in tests/fuzz/corpus/<target>.

#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "common/bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

// A property every accepted input must have; a failure is a finding.
#define TAMGA_FUZZ_CHECK(cond, what)                                                         \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "fuzz property broken at %s:%d: %s\n", __FILE__, __LINE__, what); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace tamga::fuzz {

inline ByteView View(const std::uint8_t* data, std::size_t size) { return ByteView(data, size); }

}  // namespace tamga::fuzz
