# The Tamga wire schema: how validators frame consensus and sync messages on TCP.
#
# Wire bytes are never hashed or signed. net/ converts each message to the plain structs of
# common/chain.h, and signatures are checked over their canonical encoding
# (docs/encoding.md). Fixed-size values (hashes, keys, signatures) travel as Data and are
# rejected by net/ unless their length is exact.
#
# Evolution: add fields at the end with new ordinals; never renumber or retype a field.
@0xc1e03487ab7969db;

$import "/capnp/c++.capnp".namespace("tamga::wire");

struct Transaction {
  chainId @0 :Data;      # 32 bytes
  type @1 :UInt16;
  payload @2 :Data;
  signer @3 :Data;       # 32 bytes
  sequence @4 :UInt64;
  signature @5 :Data;    # 64 bytes
}

struct ExecutionResult {
  stateRoot @0 :Data;
  logRoot @1 :Data;
  logSize @2 :UInt64;
}

struct BlockHeader {
  version @0 :UInt32;
  chainId @1 :Data;
  epoch @2 :UInt64;
  round @3 :UInt64;
  height @4 :UInt64;
  parentId @5 :Data;
  proposer @6 :UInt32;
  timestampMs @7 :UInt64;
  payloadRoot @8 :Data;
  transactionCount @9 :UInt32;
}

struct VoteData {
  chainId @0 :Data;
  epoch @1 :UInt64;
  round @2 :UInt64;
  height @3 :UInt64;
  blockId @4 :Data;
  result @5 :ExecutionResult;
}

struct Vote {
  data @0 :VoteData;
  author @1 :UInt32;
  signature @2 :Data;
}

struct QuorumSignature {
  signer @0 :UInt32;
  signature @1 :Data;
}

struct QuorumCertificate {
  data @0 :VoteData;
  signatures @1 :List(QuorumSignature);
}

struct TimeoutData {
  chainId @0 :Data;
  epoch @1 :UInt64;
  round @2 :UInt64;
  highQcRound @3 :UInt64;
}

struct Timeout {
  data @0 :TimeoutData;
  highQc @1 :QuorumCertificate;
  author @2 :UInt32;
  signature @3 :Data;
  lastRoundTc :union {
    none @4 :Void;
    tc @5 :TimeoutCertificate;
  }
}

struct TimeoutSignature {
  signer @0 :UInt32;
  highQcRound @1 :UInt64;
  signature @2 :Data;
}

struct TimeoutCertificate {
  chainId @0 :Data;
  epoch @1 :UInt64;
  round @2 :UInt64;
  signatures @3 :List(TimeoutSignature);
}

struct Block {
  header @0 :BlockHeader;
  justify @1 :QuorumCertificate;
  transactions @2 :List(Transaction);
}

struct Proposal {
  block @0 :Block;
  lastRoundTc :union {
    none @1 :Void;
    tc @2 :TimeoutCertificate;
  }
  signature @3 :Data;
}

# Sync: a node that is behind asks a peer for committed blocks by height.
struct BlockRequest {
  fromHeight @0 :UInt64;
  maxBlocks @1 :UInt32;   # The server caps this further.
}

# A committed block with the QC that certifies it.
struct CommittedBlock {
  block @0 :Block;
  qc @1 :QuorumCertificate;
}

struct BlockResponse {
  blocks @0 :List(CommittedBlock);
  # The server's highest committed height, so the requester knows how far it has to go.
  highestHeight @1 :UInt64;
}

# A validator's Ed25519 signature on the checkpoint of the record log it committed (C2SP
# tlog-checkpoint; node/checkpoints.h): the note text is "<origin>\n<treeSize>\n<root>\n",
# which the receiver rebuilds from its own ledger, so only the size travels.
struct CheckpointSignature {
  epoch @0 :UInt64;       # The epoch whose validators sign this size.
  treeSize @1 :UInt64;
  signature @2 :Data;     # 64 bytes, over the note text itself (signed-note).
  wantReply @3 :Bool;     # The sender has no checkpoint yet: answer with your signature.
}

# Every frame on a validator connection carries one Envelope.
struct Envelope {
  protocolVersion @0 :UInt16;
  chainId @1 :Data;       # 32 bytes; a frame of another chain is refused.
  body :union {
    proposal @2 :Proposal;
    vote @3 :Vote;
    timeout @4 :Timeout;
    transaction @5 :Transaction;
    blockRequest @6 :BlockRequest;
    blockResponse @7 :BlockResponse;
    checkpointSignature @8 :CheckpointSignature;
  }
}
