// net/wire.h
// Conversion between the plain structs of common/chain.h and the Cap'n Proto wire schema
// (common/schema/tamga.capnp), one Envelope per frame. This is the only place that reads
// wire bytes: a peer's frame is decoded under explicit traversal and nesting limits, every
// fixed-size field is checked for its exact length, and any failure becomes a
// Status::Corruption that closes that connection only. Signatures are checked later, by
// their owners, over the canonical encoding of the resulting struct.
//
// Thread-safety: pure functions.

#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "common/chain.h"
#include "common/status.h"

namespace tamga::net {

inline constexpr std::uint16_t kProtocolVersion = 1;

// Sync: ask a peer for committed blocks from a height on.
struct BlockRequest {
  Height from_height;
  std::uint32_t max_blocks = 0;
  friend bool operator==(const BlockRequest&, const BlockRequest&) = default;
};

// A committed block with the QC that certifies it.
struct CommittedBlock {
  Block block;
  QuorumCertificate qc;
  friend bool operator==(const CommittedBlock&, const CommittedBlock&) = default;
};

struct BlockResponse {
  std::vector<CommittedBlock> blocks;
  Height highest_height;
  friend bool operator==(const BlockResponse&, const BlockResponse&) = default;
};

// A validator's signature on a checkpoint of the record log (node/checkpoints.h).
struct CheckpointSignature {
  Epoch epoch;
  std::uint64_t tree_size = 0;
  Signature signature;      // Ed25519 over the checkpoint's note text (C2SP signed-note).
  bool want_reply = false;  // The sender has no checkpoint yet; signers of it answer.
  friend bool operator==(const CheckpointSignature&, const CheckpointSignature&) = default;
};

using Message = std::variant<Proposal, Vote, Timeout, Transaction, BlockRequest, BlockResponse,
                             CheckpointSignature>;

struct Envelope {
  std::uint16_t protocol_version = kProtocolVersion;
  ChainId chain_id;
  Message body;
  friend bool operator==(const Envelope&, const Envelope&) = default;
};

struct DecodeLimits {
  std::size_t frame_bytes_max = 16 << 20;  // Checked before anything is copied.
  // Cap'n Proto's traversal limit: words read in total, so a frame that points at the same
  // data many times cannot amplify the work.
  std::uint64_t traversal_words_max = (32ull << 20) / 8;
  int nesting_max = 16;
};

// The Cap'n Proto flat-array bytes of `envelope` (without a length prefix).
Bytes EncodeEnvelope(const Envelope& envelope);
// Decodes one frame. Checks the size cap, alignment, limits, every field's length, the
// canonical-encoding limits of common/chain.h, and that the envelope's chain id and
// protocol version equal the expected ones. Chain ids inside the message are checked by
// their consumers (consensus/verify.h for votes, QCs, TCs and proposals; contracts for
// transactions), which also check signatures.
Result<Envelope> DecodeEnvelope(ByteView frame, const ChainId& expected_chain,
                                const DecodeLimits& limits = {});

}  // namespace tamga::net
