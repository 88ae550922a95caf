// tests/ledger/ct_vectors.h
// Inclusion and consistency proof vectors published with the Certificate Transparency
// reference code (transparency-dev/merkle, proof/verify_test.go, stored version at
// commit 02194e9afb6c1d95b5381350007963aa70fff472: the `inclusionProofs`,
// `consistencyProofs` and `leaves` tables), over the eight reference leaves.
//
// Hash values are copied verbatim from that file. The source lists inclusion
// vectors with 1-BASED leaf indices (its test calls leaves[p.leaf-1] and
// verifies with p.leaf-1); they are converted to 0-BASED here. The source's
// first entry {0, 0, nil} is skipped by its own test ("i = 0 is an invalid
// path") and has no 0-based equivalent, so it is omitted.
// Consistency vectors are given as (size1, size2) tree sizes, unchanged.
// Hasher: RFC 6962 / RFC 9162 SHA-256 (leaf = H(0x00 || d), node = H(0x01 || l || r)).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tamga::ct_vectors {

inline const std::vector<std::string> kLeavesHex = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

struct InclusionVector {
  std::uint64_t leaf_index;
  std::uint64_t tree_size;
  std::vector<std::string> path_hex;
};

// leaf_index is 0-based (source value minus one).
inline const std::vector<InclusionVector> kInclusion = {
    // source {1, 1, nil}
    {0, 1, {}},
    // source {1, 8, ...}
    {0,
     8,
     {
         "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
         "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
     }},
    // source {6, 8, ...}
    {5,
     8,
     {
         "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
         "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     }},
    // source {3, 3, ...}
    {2,
     3,
     {
         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     }},
    // source {2, 5, ...}
    {1,
     5,
     {
         "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
         "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     }},
};

struct ConsistencyVector {
  std::uint64_t size1;
  std::uint64_t size2;
  std::vector<std::string> proof_hex;
};

inline const std::vector<ConsistencyVector> kConsistency = {
    {1, 1, {}},
    {1,
     8,
     {
         "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
         "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
     }},
    {6,
     8,
     {
         "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
         "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     }},
    {2,
     5,
     {
         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
         "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     }},
    {6,
     7,
     {
         "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
         "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     }},
};

}  // namespace tamga::ct_vectors
