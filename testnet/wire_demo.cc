// tamga_wire_demo: a short, printed walk through what validators will exchange, for
// testnet/demo. Four validators (KZ, UZ, KG, KR) sign a vote on a block; three votes form
// a quorum certificate; the QC travels in a Cap'n Proto frame and is checked on arrival.
// Then the same frame is tampered with and sent on another chain, and both are refused.

#include <cstdio>
#include <string>
#include <vector>

#include "common/batch_verifier.h"
#include "common/chain.h"
#include "common/merkle.h"
#include "common/sha256.h"
#include "net/wire.h"

namespace tamga {
namespace {

int Run() {
  const char* countries[] = {"KZ", "UZ", "KG", "KR"};
  std::vector<SecretKey> keys;
  ValidatorSet set{Epoch(0), {}};
  for (int i = 0; i < 4; ++i) {
    keys.push_back(SecretKey::Generate());
    set.validators.push_back(keys.back().public_key());
  }
  const ChainId chain = Sha256Of(AsBytes("demo genesis"));
  std::printf("validator set of 4; quorum is %zu signatures\n", set.QuorumSize());

  // A transaction anchoring one document hash, signed by the KZ chamber's key.
  const SecretKey chamber = SecretKey::Generate();
  Transaction tx;
  tx.chain_id = chain;
  tx.type = 1;
  const Hash32 doc = Sha256Of(AsBytes("CERTIFICATE OF ORIGIN No. KZ-2026-000123"));
  tx.payload.assign(doc.data(), doc.data() + Hash32::kSize);
  tx.sequence = 1;
  tx.Sign(chamber);
  std::printf("transaction %s: %zu canonical bytes, signature %s\n", tx.Hash().ShortHex().c_str(),
              Encode(tx).size(), tx.VerifySignature().ok() ? "valid" : "INVALID");

  BlockHeader header;
  header.chain_id = chain;
  header.round = Round(1);
  header.height = Height(1);
  header.timestamp_ms = 1'795'000'000'000;
  header.payload_root = MerkleRoot({tx.Hash()});
  header.transaction_count = 1;
  VoteData vote{chain, Epoch(0), Round(1), Height(1), header.Id(), {}};
  const Bytes vote_bytes = Encode(vote);

  QuorumCertificate qc{vote, {}};
  for (std::uint32_t i = 0; i < 3; ++i) {
    qc.signatures.push_back({ValidatorIndex(i), keys[i].Sign(SignDomain::kVote, vote_bytes)});
    std::printf("%s votes for block %s\n", countries[i], vote.block_id.ShortHex().c_str());
  }
  std::printf("KR's vote has not arrived; 3 of 4 is a quorum\n");

  net::Envelope env{net::kProtocolVersion, chain,
                    Timeout{{chain, Epoch(0), Round(2), Round(1)}, qc, std::nullopt, ValidatorIndex(3), {}}};
  const Bytes frame = net::EncodeEnvelope(env);
  std::printf("a timeout carrying that QC: %zu bytes on the wire\n", frame.size());

  ThreadPool pool(2);
  BatchVerifier verifier(pool);
  auto check = [&](const Bytes& bytes, const ChainId& expect) {
    Result<net::Envelope> got = net::DecodeEnvelope(bytes, expect);
    if (!got.ok()) return got.status();
    const QuorumCertificate& q = std::get<Timeout>(got->body).high_qc;
    const Bytes msg = Encode(q.data);
    std::vector<SignatureCheck> checks;
    for (const auto& s : q.signatures) {
      if (s.signer.value() >= set.size()) return Status::PermissionDenied("unknown signer");
      checks.push_back({set.validators[s.signer.value()], SignDomain::kVote, msg, s.signature});
    }
    BatchResult r = verifier.Verify(checks);
    if (!r.all_ok()) return Status::BadSignature(std::to_string(r.failed.size()) + " bad signatures");
    if (q.signatures.size() < set.QuorumSize()) return Status::PermissionDenied("no quorum");
    return Status::Ok();
  };

  Status s = check(frame, chain);
  std::printf("received intact: %s\n", s.ok() ? "QC verified, 3 valid signatures" : s.ToString().c_str());
  if (!s.ok()) return 1;

  // Flip one bit inside the first signature (located by its bytes, so the frame layout is
  // not assumed): the signature no longer verifies.
  Bytes tampered = frame;
  const Signature& sig0 = qc.signatures[0].signature;
  for (std::size_t i = 0; i + 64 <= tampered.size(); ++i) {
    if (std::equal(sig0.data(), sig0.data() + 64, tampered.begin() + static_cast<long>(i))) {
      tampered[i + 10] ^= 0x01;
      break;
    }
  }
  Status t = check(tampered, chain);
  std::printf("one bit flipped in a signature: %s\n", t.ToString().c_str());
  Status c = check(frame, Sha256Of(AsBytes("another genesis")));
  std::printf("the same frame on another chain: %s\n", c.ToString().c_str());
  return (!t.ok() && !c.ok()) ? 0 : 1;
}

}  // namespace
}  // namespace tamga

int main() { return tamga::Run(); }
