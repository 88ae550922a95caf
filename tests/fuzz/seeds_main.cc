// tests/fuzz/seeds_main.cc
// tamga_fuzz_seeds: writes the fuzz targets' seed inputs into OUT/<target>/, each file
// named by the SHA-256 of its bytes (so running it again adds only what is new):
//   - from the samples every test uses (tests/support/samples.h): signed transactions,
//     blocks, proposals, votes, timeouts and certificates, in frames and canonical form;
//   - from a testnet's ledger, when --ledger and --genesis name one (real traffic: every
//     block, certificate, transaction payload, receipt and log record it holds), and its
//     tamgad.toml with --config;
//   - the proof vectors of docs/vectors and their genesis, and key files of both kinds.
// Usage: tamga_fuzz_seeds OUT [--ledger DIR --genesis FILE] [--config FILE] [--per-type N]

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "client/genesis_file.h"
#include "common/file_util.h"
#include "common/key_file.h"
#include "common/merkle.h"
#include "common/sha256.h"
#include "contracts/genesis.h"
#include "contracts/model.h"
#include "ledger/ledger.h"
#include "net/handshake.h"
#include "net/wire.h"
#include "tests/fuzz/canonical_types.h"
#include "tests/support/samples.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"

namespace fs = std::filesystem;
using namespace tamga;

namespace {

class Seeds {
 public:
  Seeds(fs::path out, std::size_t per_type) : out_(std::move(out)), per_type_(per_type) {}

  // Writes `bytes` as a seed of `target`; at most per_type seeds per (target, kind).
  void Add(const std::string& target, const std::string& kind, ByteView bytes) {
    std::size_t& n = counts_[target + "/" + kind];
    if (n >= per_type_) return;
    ++n;
    const fs::path dir = out_ / target;
    fs::create_directories(dir);
    const fs::path file = dir / Sha256Of(bytes).ToHex().substr(0, 16);
    if (fs::exists(file)) return;
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    ++written_[target];
  }
  void Add(const std::string& target, const std::string& kind, std::string_view text) {
    Add(target, kind, AsBytes(text));
  }
  template <typename T>
  // `kind` (default: the type's index) is what the per-type cap counts under.
  void Canonical(const T& value, const std::string& kind = "") {
    Bytes b{static_cast<std::uint8_t>(fuzz::CanonicalIndex<T>())};
    const Bytes enc = Encode(value);
    b.insert(b.end(), enc.begin(), enc.end());
    Add("canonical", kind.empty() ? std::to_string(fuzz::CanonicalIndex<T>()) : kind, b);
  }
  // A message as a peer frames it, for the envelope and consensus targets.
  void Frame(const net::Message& m, const std::string& kind) {
    net::Envelope e;
    e.chain_id = testing::TestChain();
    e.body = m;
    const Bytes b = net::EncodeEnvelope(e);
    Add("envelope", kind, b);
    Add("consensus", kind, b);
  }
  void Report() const {
    for (const auto& [target, n] : written_)
      std::printf("%-10s %zu new seeds\n", target.c_str(), n);
  }

 private:
  fs::path out_;
  std::size_t per_type_;
  std::map<std::string, std::size_t> counts_;
  std::map<std::string, std::size_t> written_;
};

// Payloads by transaction type: the canonical seed of the payload struct the type carries.
void PayloadSeed(Seeds& s, const Transaction& tx) {
  namespace c = contracts;
  auto as = [&](auto value) {
    auto decoded = Decode<decltype(value)>(tx.payload, "payload");
    if (decoded.ok()) s.Canonical(*decoded);
  };
  switch (static_cast<c::TxType>(tx.type)) {
    case c::TxType::kRegisterOffice:
      return as(c::RegisterOffice{});
    case c::TxType::kSetOfficeStatus:
    case c::TxType::kSetIssuerStatus:
      return as(c::SetEntityStatus{});
    case c::TxType::kAccreditIssuer:
      return as(c::AccreditIssuer{});
    case c::TxType::kRevokeKey:
      return as(c::RevokeKey{});
    case c::TxType::kRotateKey:
      return as(c::RotateKey{});
    case c::TxType::kSetValidatorAddress:
      return as(c::SetValidatorAddress{});
    case c::TxType::kSetObservers:
      return as(c::ObserverKeys{});
    case c::TxType::kSetTimestampAuthority:
      return as(c::TimestampAuthority{});
    case c::TxType::kTimestampImprints:
      return as(c::TimestampImprints{});
    case c::TxType::kIssueCertificates:
      return as(c::IssueCertificates{});
    case c::TxType::kReplaceCertificate:
      return as(c::ReplaceCertificate{});
    case c::TxType::kRevokeCertificate:
      return as(c::RevokeCertificate{});
    case c::TxType::kUseCertificate:
      return as(c::UseCertificate{});
    case c::TxType::kRequestVerification:
      return as(c::RequestVerification{});
    case c::TxType::kAnswerVerification:
      return as(c::AnswerVerification{});
    case c::TxType::kSetAeoStatus:
      return as(c::SetAeoStatus{});
    case c::TxType::kProposeMra:
      return as(c::ProposeMra{});
    case c::TxType::kAcceptMra:
      return as(c::AcceptMra{});
    case c::TxType::kSetMraStatus:
      return as(c::SetMraStatus{});
    case c::TxType::kLinkOperator:
      return as(c::LinkOperator{});
    case c::TxType::kOpenTransit:
      return as(c::OpenTransit{});
    case c::TxType::kTransitEvent:
      return as(c::TransitEvent{});
    case c::TxType::kTerminateTransit:
    case c::TxType::kDischargeTransit:
      return as(c::TransitRef{});
    case c::TxType::kAnchorDocument:
      return as(c::AnchorDocument{});
    case c::TxType::kRevokeAnchor:
      return as(c::RevokeAnchor{});
    case c::TxType::kProposeMembership:
      return as(c::ProposeMembership{});
    case c::TxType::kApproveMembership:
      return as(c::ApproveMembership{});
  }
}

void FromSamples(Seeds& s) {
  for (std::uint64_t round = 1; round <= 3; ++round) {
    const Proposal p = testing::SampleProposal(round, round - 1, round == 3);
    s.Frame(p, "proposal");
    s.Canonical(p);
    s.Canonical(p.block);
    s.Canonical(p.block.header);
    const QuorumCertificate qc = testing::SampleQc(round, 3);
    s.Canonical(qc);
    s.Canonical(qc.data);
    s.Canonical(testing::SampleTc(round, 3));
    s.Canonical(CertifiedBlock{p.block, qc});
    const Transaction tx = testing::SampleTransaction(1, round);
    s.Frame(tx, "transaction");
    s.Canonical(tx);
    Vote v;
    v.data = testing::SampleVoteData(round);
    v.author = ValidatorIndex(0);
    v.signature = testing::TestKey(1).Sign(SignDomain::kVote, Encode(v.data));
    s.Frame(v, "vote");
    s.Canonical(v);
    Timeout t;
    t.data = TimeoutData{testing::TestChain(), Epoch(0), Round(round + 1), Round(round)};
    t.high_qc = qc;
    if (round == 2) t.last_round_tc = testing::SampleTc(round, 3);
    t.author = ValidatorIndex(1);
    t.signature = testing::TestKey(2).Sign(SignDomain::kTimeout, Encode(t.data));
    s.Frame(t, "timeout");
    s.Canonical(t.data);
    s.Canonical(t);
    s.Frame(net::BlockRequest{Height(round), 16}, "block-request");
    s.Frame(net::CheckpointSignature{Epoch(0), round * 10, v.signature, round == 2},
            "checkpoint-signature");
    s.Frame(net::BlockResponse{{net::CommittedBlock{p.block, qc}}, Height(round + 5)},
            "block-response");
  }
  ValidatorSet set;
  for (std::uint8_t i = 1; i <= 4; ++i) set.validators.push_back(testing::TestKey(i).public_key());
  s.Canonical(set);

  // A real handshake between two test keys: Hello || Finish || Reply || a sealed frame.
  const SecretKey a = testing::TestKey(1);
  const SecretKey b = testing::TestKey(2);
  net::Initiator initiator(testing::TestChain(), a, b.public_key());
  net::Responder responder(testing::TestChain(), b, [](const PublicKey&) { return true; });
  const auto reply = responder.OnHello(initiator.hello());
  auto finished = initiator.OnReply(reply);
  if (finished.ok()) {
    Bytes seed(initiator.hello().begin(), initiator.hello().end());
    seed.insert(seed.end(), finished->first.begin(), finished->first.end());
    seed.insert(seed.end(), reply.begin(), reply.end());
    net::Key32 key{};
    key[0] = 7;
    net::FrameCipher cipher(key);
    const Bytes frame = Encode(testing::SampleTransaction(1, 1));
    const std::uint8_t ad[4] = {0, 0, 0, static_cast<std::uint8_t>(frame.size() + 16)};
    const Bytes sealed = cipher.Seal(frame, ByteView(ad, sizeof ad));
    seed.insert(seed.end(), sealed.begin(), sealed.end());
    s.Add("handshake", "exchange", seed);
  }
}

Status FromLedger(Seeds& s, const std::string& ledger_dir, const std::string& genesis_file) {
  TAMGA_ASSIGN_OR_RETURN(contracts::Genesis genesis, client::LoadGenesisFile(genesis_file));
  TAMGA_ASSIGN_OR_RETURN(contracts::GenesisChain chain, contracts::StartChain(genesis));
  TAMGA_ASSIGN_OR_RETURN(auto ledger,
                         ledger::Ledger::OpenDirectoryReadOnly(ledger_dir, chain.anchor));
  const ledger::LedgerHead head = ledger->Head();
  s.Canonical(head.validators);
  s.Canonical(genesis);
  for (const auto& entry : genesis.administrations) s.Canonical(entry);
  for (std::uint64_t h = 1; h <= head.height.value(); ++h) {
    TAMGA_ASSIGN_OR_RETURN(Block block, ledger->BlockAt(Height(h)));
    TAMGA_ASSIGN_OR_RETURN(QuorumCertificate qc, ledger->QcAt(Height(h)));
    TAMGA_ASSIGN_OR_RETURN(std::vector<ledger::Receipt> receipts, ledger->ReceiptsAt(Height(h)));
    TAMGA_ASSIGN_OR_RETURN(ExecutionResult result, ledger->ResultAt(Height(h)));
    TAMGA_ASSIGN_OR_RETURN(auto epoch_proof, ledger->EpochProofAt(Height(h)));
    // Empty blocks are many and alike: the first few stand for them.
    const std::string shape = block.transactions.empty() ? "empty" : "full";
    s.Canonical(block, "block-" + shape);
    s.Canonical(block.header);
    s.Canonical(qc);
    s.Canonical(result);
    s.Canonical(receipts);
    if (epoch_proof) s.Canonical(*epoch_proof);
    net::Envelope e;
    e.chain_id = testing::TestChain();
    e.body = net::BlockResponse{{net::CommittedBlock{block, qc}}, head.height};
    const Bytes frame = net::EncodeEnvelope(e);
    s.Add("envelope", "ledger-" + shape, frame);
    for (const Transaction& tx : block.transactions) {
      s.Canonical(tx);
      PayloadSeed(s, tx);
      e.body = tx;
      s.Add("envelope", "ledger-tx", net::EncodeEnvelope(e));
    }
    for (const ledger::Receipt& r : receipts) {
      s.Canonical(r);
      for (std::uint32_t i = 0; i < r.record_count; ++i) {
        TAMGA_ASSIGN_OR_RETURN(ledger::LogRecord rec, ledger->RecordAt(r.first_record + i));
        s.Canonical(rec);
      }
    }
    TAMGA_ASSIGN_OR_RETURN(auto set_entry, ledger->StateAt(Height(h), ledger::ValidatorSetKey()));
    if (set_entry) {
      auto decoded = Decode<ledger::ValidatorSetEntry>(*set_entry, "validator set entry");
      if (decoded.ok()) s.Canonical(*decoded);
    }
  }
  return Status::Ok();
}

Status FromVectors(Seeds& s, const fs::path& vectors) {
  for (const auto& entry : fs::directory_iterator(vectors)) {
    if (entry.path().extension() != ".json") continue;
    TAMGA_ASSIGN_OR_RETURN(std::string text, ReadFileToString(entry.path().string(), 1 << 22));
    const nlohmann::json v = nlohmann::json::parse(text);
    if (v.contains("genesis")) s.Add("genesis", "vectors", v.at("genesis").dump(1));
    if (!v.contains("proof") || !v.contains("document_sha256")) continue;  // Not a proof's vector.
    TAMGA_ASSIGN_OR_RETURN(Hash32 doc, Hash32::FromHex(v.at("document_sha256").get<std::string>()));
    Bytes seed(doc.view().begin(), doc.view().end());
    const std::string proof = v.at("proof").dump();
    seed.insert(seed.end(), proof.begin(), proof.end());
    s.Add("proof_file", entry.path().stem().string(), seed);
  }
  return Status::Ok();
}

Status KeyFiles(Seeds& s) {
  const fs::path dir =
      fs::temp_directory_path() / ("tamga-fuzz-seeds-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const SecretKey key = testing::TestKey(9);
  Status st = SavePlainKeyFile((dir / "plain").string(), key);
  if (st.ok()) {
    st =
        SaveEncryptedKeyFile((dir / "sealed").string(), key, "correct horse", KdfParams::Minimum());
  }
  for (const char* name : {"plain", "sealed"}) {
    if (!st.ok()) break;
    auto text = ReadFileToString((dir / name).string(), 1 << 16);
    if (text.ok()) s.Add("key_file", name, *text);
  }
  fs::remove_all(dir);
  return st;
}

// The transparency-log formats: a checkpoint signed by the fuzz target's known keys, and
// add-checkpoint bodies for its witness (tests/fuzz/tlog_fuzz.cc uses the same keys).
void TransparencyLog(Seeds& s) {
  const std::string origin = "fuzz.example/log";
  std::vector<SecretKey> keys;
  for (std::uint8_t i = 1; i <= 2; ++i) {
    std::array<std::uint8_t, SecretKey::kSeedSize> seed{};
    seed.fill(i);
    keys.push_back(SecretKey::FromSeed(seed));
  }
  std::vector<Hash32> leaves;
  for (int i = 0; i < 5; ++i)
    leaves.push_back(MerkleLeafHash(AsBytes("leaf " + std::to_string(i))));
  for (std::uint64_t size : {3u, 5u}) {
    const std::string text = tlog::FormatCheckpointText(
        {origin,
         size,
         MerkleRoot(std::vector<Hash32>(leaves.begin(), leaves.begin() + static_cast<long>(size))),
         {}});
    std::string note = text + "\n";
    for (const SecretKey& k : keys) note += tlog::SignatureLine(text, origin, k);
    s.Add("tlog", "checkpoint-note", note);
    s.Add("tlog", "witness-body", "old 0\n\n" + note);
  }
}

int Fail(const Status& st) {
  std::fprintf(stderr, "tamga_fuzz_seeds: %s\n", st.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s OUT [--ledger DIR --genesis FILE] [--config FILE] [--per-type N]\n",
                 argv[0]);
    return 2;
  }
  std::map<std::string, std::string> opt;
  for (int i = 2; i + 1 < argc; i += 2) opt[argv[i]] = argv[i + 1];
  Seeds seeds(argv[1], opt.count("--per-type") ? std::stoul(opt["--per-type"]) : 12);
  FromSamples(seeds);
  if (Status st = FromVectors(seeds, fs::path(TAMGA_SOURCE_DIR) / "docs" / "vectors"); !st.ok()) {
    return Fail(st);
  }
  if (Status st = KeyFiles(seeds); !st.ok()) return Fail(st);
  TransparencyLog(seeds);
  if (opt.count("--ledger")) {
    if (Status st = FromLedger(seeds, opt["--ledger"], opt["--genesis"]); !st.ok()) return Fail(st);
  }
  if (opt.count("--config")) {
    auto text = ReadFileToString(opt["--config"], 1 << 20);
    if (!text.ok()) return Fail(text.error());
    seeds.Add("config", "testnet", *text);
  }
  if (opt.count("--genesis")) {
    auto text = ReadFileToString(opt["--genesis"], 1 << 20);
    if (!text.ok()) return Fail(text.error());
    seeds.Add("genesis", "testnet", *text);
  }
  seeds.Report();
  return 0;
}
