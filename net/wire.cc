#include "net/wire.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>

#include "common/schema/tamga.capnp.h"

namespace tamga::net {
namespace {

// --- structs to wire --------------------------------------------------------------------

kj::ArrayPtr<const kj::byte> Data(ByteView v) { return {v.data(), v.size()}; }

void Put(wire::Transaction::Builder b, const Transaction& v) {
  b.setChainId(Data(v.chain_id.view()));
  b.setType(v.type);
  b.setPayload(Data(v.payload));
  b.setSigner(Data(v.signer.view()));
  b.setSequence(v.sequence);
  b.setSignature(Data(v.signature.view()));
}

void Put(wire::ExecutionResult::Builder b, const ExecutionResult& v) {
  b.setStateRoot(Data(v.state_root.view()));
  b.setLogRoot(Data(v.log_root.view()));
  b.setLogSize(v.log_size);
}

void Put(wire::BlockHeader::Builder b, const BlockHeader& v) {
  b.setVersion(v.version);
  b.setChainId(Data(v.chain_id.view()));
  b.setEpoch(v.epoch.value());
  b.setRound(v.round.value());
  b.setHeight(v.height.value());
  b.setParentId(Data(v.parent_id.view()));
  b.setProposer(v.proposer.value());
  b.setTimestampMs(v.timestamp_ms);
  b.setPayloadRoot(Data(v.payload_root.view()));
  b.setTransactionCount(v.transaction_count);
}

void Put(wire::VoteData::Builder b, const VoteData& v) {
  b.setChainId(Data(v.chain_id.view()));
  b.setEpoch(v.epoch.value());
  b.setRound(v.round.value());
  b.setHeight(v.height.value());
  b.setBlockId(Data(v.block_id.view()));
  Put(b.initResult(), v.result);
}

void Put(wire::Vote::Builder b, const Vote& v) {
  Put(b.initData(), v.data);
  b.setAuthor(v.author.value());
  b.setSignature(Data(v.signature.view()));
}

void Put(wire::QuorumCertificate::Builder b, const QuorumCertificate& v) {
  Put(b.initData(), v.data);
  auto list = b.initSignatures(static_cast<unsigned>(v.signatures.size()));
  for (unsigned i = 0; i < list.size(); ++i) {
    list[i].setSigner(v.signatures[i].signer.value());
    list[i].setSignature(Data(v.signatures[i].signature.view()));
  }
}

void Put(wire::TimeoutData::Builder b, const TimeoutData& v) {
  b.setChainId(Data(v.chain_id.view()));
  b.setEpoch(v.epoch.value());
  b.setRound(v.round.value());
  b.setHighQcRound(v.high_qc_round.value());
}

void Put(wire::TimeoutCertificate::Builder b, const TimeoutCertificate& v);

void Put(wire::Timeout::Builder b, const Timeout& v) {
  Put(b.initData(), v.data);
  Put(b.initHighQc(), v.high_qc);
  if (v.last_round_tc) {
    Put(b.getLastRoundTc().initTc(), *v.last_round_tc);
  } else {
    b.getLastRoundTc().setNone();
  }
  b.setAuthor(v.author.value());
  b.setSignature(Data(v.signature.view()));
}

void Put(wire::TimeoutCertificate::Builder b, const TimeoutCertificate& v) {
  b.setChainId(Data(v.chain_id.view()));
  b.setEpoch(v.epoch.value());
  b.setRound(v.round.value());
  auto list = b.initSignatures(static_cast<unsigned>(v.signatures.size()));
  for (unsigned i = 0; i < list.size(); ++i) {
    list[i].setSigner(v.signatures[i].signer.value());
    list[i].setHighQcRound(v.signatures[i].high_qc_round.value());
    list[i].setSignature(Data(v.signatures[i].signature.view()));
  }
}

void Put(wire::Block::Builder b, const Block& v) {
  Put(b.initHeader(), v.header);
  Put(b.initJustify(), v.justify);
  auto list = b.initTransactions(static_cast<unsigned>(v.transactions.size()));
  for (unsigned i = 0; i < list.size(); ++i) Put(list[i], v.transactions[i]);
}

void Put(wire::Proposal::Builder b, const Proposal& v) {
  Put(b.initBlock(), v.block);
  if (v.last_round_tc) {
    Put(b.getLastRoundTc().initTc(), *v.last_round_tc);
  } else {
    b.getLastRoundTc().setNone();
  }
  b.setSignature(Data(v.signature.view()));
}

// --- wire to structs --------------------------------------------------------------------

// Reads wire structs into plain ones. Errors are sticky, as in common/encoding.h: the
// first one is kept and the rest of the reading produces zero values.
class Reader {
 public:
  template <typename T>
  T Fixed(capnp::Data::Reader d, const char* field) {
    if (d.size() != T::kSize) {
      Fail(std::string(field) + " is " + std::to_string(d.size()) + " bytes, expected " +
           std::to_string(T::kSize));
      return T{};
    }
    return T::FromView(ByteView(d.begin(), d.size()));
  }

  template <typename List>
  bool ListFits(const List& list, std::size_t max, const char* field) {
    if (list.size() > max) {
      Fail(std::string(field) + " has " + std::to_string(list.size()) + " entries, max " +
           std::to_string(max));
      return false;
    }
    return true;
  }

  void Check(const Status& s) {
    if (!s.ok() && error_.ok()) error_ = s;
  }
  void Fail(std::string message) {
    if (error_.ok()) error_ = Status::Corruption("frame: " + std::move(message));
  }
  const Status& error() const { return error_; }

  void Get(wire::Transaction::Reader r, Transaction& v) {
    v.chain_id = Fixed<ChainId>(r.getChainId(), "transaction chainId");
    v.type = r.getType();
    auto payload = r.getPayload();
    if (payload.size() > kTxPayloadMax) {
      Fail("transaction payload of " + std::to_string(payload.size()) + " bytes > max " +
           std::to_string(kTxPayloadMax));
    } else {
      v.payload.assign(payload.begin(), payload.end());
    }
    v.signer = Fixed<PublicKey>(r.getSigner(), "transaction signer");
    v.sequence = r.getSequence();
    v.signature = Fixed<Signature>(r.getSignature(), "transaction signature");
  }

  void Get(wire::ExecutionResult::Reader r, ExecutionResult& v) {
    v.state_root = Fixed<Hash32>(r.getStateRoot(), "stateRoot");
    v.log_root = Fixed<Hash32>(r.getLogRoot(), "logRoot");
    v.log_size = r.getLogSize();
  }

  void Get(wire::BlockHeader::Reader r, BlockHeader& v) {
    v.version = r.getVersion();
    if (v.version != kBlockHeaderVersion) {
      Fail("block header version " + std::to_string(v.version) + " is not supported");
    }
    v.chain_id = Fixed<ChainId>(r.getChainId(), "header chainId");
    v.epoch = Epoch(r.getEpoch());
    v.round = Round(r.getRound());
    v.height = Height(r.getHeight());
    v.parent_id = Fixed<Hash32>(r.getParentId(), "parentId");
    v.proposer = ValidatorIndex(r.getProposer());
    v.timestamp_ms = r.getTimestampMs();
    v.payload_root = Fixed<Hash32>(r.getPayloadRoot(), "payloadRoot");
    v.transaction_count = r.getTransactionCount();
  }

  void Get(wire::VoteData::Reader r, VoteData& v) {
    v.chain_id = Fixed<ChainId>(r.getChainId(), "vote chainId");
    v.epoch = Epoch(r.getEpoch());
    v.round = Round(r.getRound());
    v.height = Height(r.getHeight());
    v.block_id = Fixed<Hash32>(r.getBlockId(), "blockId");
    Get(r.getResult(), v.result);
  }

  void Get(wire::Vote::Reader r, Vote& v) {
    Get(r.getData(), v.data);
    v.author = ValidatorIndex(r.getAuthor());
    v.signature = Fixed<Signature>(r.getSignature(), "vote signature");
  }

  void Get(wire::QuorumCertificate::Reader r, QuorumCertificate& v) {
    Get(r.getData(), v.data);
    auto list = r.getSignatures();
    if (!ListFits(list, kValidatorsMax, "QC signatures")) return;
    v.signatures.resize(list.size());
    for (unsigned i = 0; i < list.size(); ++i) {
      v.signatures[i].signer = ValidatorIndex(list[i].getSigner());
      v.signatures[i].signature = Fixed<Signature>(list[i].getSignature(), "QC signature");
    }
    Check(CheckSignerOrder(v));
  }

  void Get(wire::TimeoutData::Reader r, TimeoutData& v) {
    v.chain_id = Fixed<ChainId>(r.getChainId(), "timeout chainId");
    v.epoch = Epoch(r.getEpoch());
    v.round = Round(r.getRound());
    v.high_qc_round = Round(r.getHighQcRound());
  }

  void Get(wire::Timeout::Reader r, Timeout& v) {
    Get(r.getData(), v.data);
    Get(r.getHighQc(), v.high_qc);
    auto tc = r.getLastRoundTc();
    switch (tc.which()) {
      case wire::Timeout::LastRoundTc::NONE:
        v.last_round_tc.reset();
        break;
      case wire::Timeout::LastRoundTc::TC:
        v.last_round_tc.emplace();
        Get(tc.getTc(), *v.last_round_tc);
        break;
      default:
        Fail("timeout lastRoundTc has an unknown variant");
    }
    v.author = ValidatorIndex(r.getAuthor());
    v.signature = Fixed<Signature>(r.getSignature(), "timeout signature");
  }

  void Get(wire::TimeoutCertificate::Reader r, TimeoutCertificate& v) {
    v.chain_id = Fixed<ChainId>(r.getChainId(), "TC chainId");
    v.epoch = Epoch(r.getEpoch());
    v.round = Round(r.getRound());
    auto list = r.getSignatures();
    if (!ListFits(list, kValidatorsMax, "TC signatures")) return;
    v.signatures.resize(list.size());
    for (unsigned i = 0; i < list.size(); ++i) {
      v.signatures[i].signer = ValidatorIndex(list[i].getSigner());
      v.signatures[i].high_qc_round = Round(list[i].getHighQcRound());
      v.signatures[i].signature = Fixed<Signature>(list[i].getSignature(), "TC signature");
    }
    Check(CheckSignerOrder(v));
  }

  void Get(wire::Block::Reader r, Block& v) {
    Get(r.getHeader(), v.header);
    Get(r.getJustify(), v.justify);
    auto list = r.getTransactions();
    if (!ListFits(list, kBlockTransactionsMax, "block transactions")) return;
    v.transactions.resize(list.size());
    for (unsigned i = 0; i < list.size() && error_.ok(); ++i) Get(list[i], v.transactions[i]);
    Check(CheckBlockShape(v));
  }

  void Get(wire::Proposal::Reader r, Proposal& v) {
    Get(r.getBlock(), v.block);
    auto tc = r.getLastRoundTc();
    switch (tc.which()) {
      case wire::Proposal::LastRoundTc::NONE:
        v.last_round_tc.reset();
        break;
      case wire::Proposal::LastRoundTc::TC:
        v.last_round_tc.emplace();
        Get(tc.getTc(), *v.last_round_tc);
        break;
      default:
        Fail("proposal lastRoundTc has an unknown variant");
    }
    v.signature = Fixed<Signature>(r.getSignature(), "proposal signature");
  }

 private:
  Status error_;
};

constexpr std::uint32_t kBlockRequestMax = 1000;
constexpr std::size_t kBlockResponseMax = 1000;

}  // namespace

Bytes EncodeEnvelope(const Envelope& envelope) {
  capnp::MallocMessageBuilder message;
  auto env = message.initRoot<wire::Envelope>();
  env.setProtocolVersion(envelope.protocol_version);
  env.setChainId(Data(envelope.chain_id.view()));
  auto body = env.initBody();
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Proposal>) {
          Put(body.initProposal(), m);
        } else if constexpr (std::is_same_v<T, Vote>) {
          Put(body.initVote(), m);
        } else if constexpr (std::is_same_v<T, Timeout>) {
          Put(body.initTimeout(), m);
        } else if constexpr (std::is_same_v<T, Transaction>) {
          Put(body.initTransaction(), m);
        } else if constexpr (std::is_same_v<T, BlockRequest>) {
          auto b = body.initBlockRequest();
          b.setFromHeight(m.from_height.value());
          b.setMaxBlocks(m.max_blocks);
        } else if constexpr (std::is_same_v<T, CheckpointSignature>) {
          auto c = body.initCheckpointSignature();
          c.setEpoch(m.epoch.value());
          c.setTreeSize(m.tree_size);
          c.setSignature(Data(m.signature.view()));
          c.setWantReply(m.want_reply);
        } else {
          static_assert(std::is_same_v<T, BlockResponse>);
          auto b = body.initBlockResponse();
          b.setHighestHeight(m.highest_height.value());
          auto list = b.initBlocks(static_cast<unsigned>(m.blocks.size()));
          for (unsigned i = 0; i < list.size(); ++i) {
            Put(list[i].initBlock(), m.blocks[i].block);
            Put(list[i].initQc(), m.blocks[i].qc);
          }
        }
      },
      envelope.body);
  kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return Bytes(bytes.begin(), bytes.end());
}

Result<Envelope> DecodeEnvelope(ByteView frame, const ChainId& expected_chain,
                                const DecodeLimits& limits) {
  if (frame.size() > limits.frame_bytes_max) {
    return Status::ResourceExhausted("frame of " + std::to_string(frame.size()) + " bytes > max " +
                                     std::to_string(limits.frame_bytes_max));
  }
  if (frame.empty() || frame.size() % sizeof(capnp::word) != 0) {
    return Status::Corruption("frame of " + std::to_string(frame.size()) +
                              " bytes is not a whole number of 8-byte words");
  }
  // Cap'n Proto reads words in place: from the frame itself when it is aligned (a heap
  // buffer is), else from an aligned copy.
  kj::Array<capnp::word> copy;
  kj::ArrayPtr<const capnp::word> words;
  if (reinterpret_cast<std::uintptr_t>(frame.data()) % alignof(capnp::word) == 0) {
    words = kj::arrayPtr(reinterpret_cast<const capnp::word*>(frame.data()),
                         frame.size() / sizeof(capnp::word));
  } else {
    copy = kj::heapArray<capnp::word>(frame.size() / sizeof(capnp::word));
    std::memcpy(copy.begin(), frame.data(), frame.size());
    words = copy.asPtr();
  }

  capnp::ReaderOptions options;
  options.traversalLimitInWords = limits.traversal_words_max;
  options.nestingLimit = limits.nesting_max;

  Envelope out;
  Reader reader;
  // Cap'n Proto reports malformed input by throwing kj::Exception; it stops here.
  try {
    capnp::FlatArrayMessageReader message(words, options);
    if (message.getEnd() != words.end()) {
      return Status::Corruption("frame has bytes after its Cap'n Proto message");
    }
    auto env = message.getRoot<wire::Envelope>();
    out.protocol_version = env.getProtocolVersion();
    if (out.protocol_version != kProtocolVersion) {
      return Status::FailedPrecondition("peer speaks protocol version " +
                                        std::to_string(out.protocol_version) + ", we speak " +
                                        std::to_string(kProtocolVersion));
    }
    out.chain_id = reader.Fixed<ChainId>(env.getChainId(), "envelope chainId");
    if (!reader.error().ok()) return reader.error();
    if (out.chain_id != expected_chain) {
      return Status::PermissionDenied("frame for chain " + out.chain_id.ShortHex() +
                                      ", this node runs chain " + expected_chain.ShortHex());
    }
    auto body = env.getBody();
    switch (body.which()) {
      case wire::Envelope::Body::PROPOSAL: {
        Proposal p;
        reader.Get(body.getProposal(), p);
        out.body = std::move(p);
        break;
      }
      case wire::Envelope::Body::VOTE: {
        Vote v;
        reader.Get(body.getVote(), v);
        out.body = std::move(v);
        break;
      }
      case wire::Envelope::Body::TIMEOUT: {
        Timeout t;
        reader.Get(body.getTimeout(), t);
        out.body = std::move(t);
        break;
      }
      case wire::Envelope::Body::TRANSACTION: {
        Transaction t;
        reader.Get(body.getTransaction(), t);
        out.body = std::move(t);
        break;
      }
      case wire::Envelope::Body::BLOCK_REQUEST: {
        auto r = body.getBlockRequest();
        if (r.getMaxBlocks() > kBlockRequestMax) {
          reader.Fail("block request for " + std::to_string(r.getMaxBlocks()) + " blocks > max " +
                      std::to_string(kBlockRequestMax));
        }
        out.body = BlockRequest{Height(r.getFromHeight()), r.getMaxBlocks()};
        break;
      }
      case wire::Envelope::Body::BLOCK_RESPONSE: {
        auto r = body.getBlockResponse();
        BlockResponse resp;
        resp.highest_height = Height(r.getHighestHeight());
        auto list = r.getBlocks();
        if (reader.ListFits(list, kBlockResponseMax, "block response")) {
          resp.blocks.resize(list.size());
          for (unsigned i = 0; i < list.size() && reader.error().ok(); ++i) {
            reader.Get(list[i].getBlock(), resp.blocks[i].block);
            reader.Get(list[i].getQc(), resp.blocks[i].qc);
          }
        }
        out.body = std::move(resp);
        break;
      }
      case wire::Envelope::Body::CHECKPOINT_SIGNATURE: {
        auto c = body.getCheckpointSignature();
        CheckpointSignature sig;
        sig.epoch = Epoch(c.getEpoch());
        sig.tree_size = c.getTreeSize();
        sig.signature = reader.Fixed<Signature>(c.getSignature(), "checkpoint signature");
        sig.want_reply = c.getWantReply();
        out.body = sig;
        break;
      }
      default:
        return Status::Corruption("envelope body has an unknown variant " +
                                  std::to_string(static_cast<int>(body.which())));
    }
  } catch (const kj::Exception& e) {
    return Status::Corruption(std::string("frame does not decode: ") + e.getDescription().cStr());
  }
  if (!reader.error().ok()) return reader.error();
  return out;
}

}  // namespace tamga::net
