// cli/verify_token.cc

#include "cli/verify_token.h"

#include "common/encoding.h"
#include "contracts/genesis.h"
#include "ledger/proof_file.h"
#include "tsa/authority.h"

namespace tamga::cli {
namespace {

// "2026-12-03 18:01:02.125 UTC".
std::string UtcTimeMs(std::uint64_t ms) {
  std::string s = UtcTime(ms);
  const auto space = s.rfind(' ');
  if (space == std::string::npos || ms % 1000 == 0) return s;
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03u", static_cast<unsigned>(ms % 1000));
  return s.insert(space, frac);
}

DocumentVerdict Decided(int exit, std::string code, std::string headline,
                        std::vector<std::string> lines = {}) {
  return DocumentVerdict{
      exit, std::move(code), "", "", "timestamp", std::move(headline), std::move(lines)};
}

}  // namespace

Result<std::uint64_t> TokenRecordIndex(ByteView token) {
  TAMGA_ASSIGN_OR_RETURN(tsa::TokenInfo info, tsa::ReadResponse(token));
  if (!info.granted) return Status::InvalidArgument("the file is a rejection, not a token");
  if (!info.location) {
    return Status::InvalidArgument("the token names no record of a Tamga ledger");
  }
  return info.location->log_index;
}

DocumentVerdict ExplainToken(const contracts::Genesis& genesis, ByteView document, ByteView token,
                             const std::optional<std::string>& tsa_ca_file,
                             std::string_view proof_json) {
  auto read = tsa::ReadResponse(token);
  if (!read.ok()) {
    return Decided(kVerifyProofInvalid, "token_invalid",
                   "NOT VALID: the token does not read: " + read.error().message());
  }
  const tsa::TokenInfo& info = *read;
  if (!info.granted) {
    return Decided(kVerifyProofInvalid, "token_rejected",
                   "NOT A TOKEN: the authority refused the request (status " +
                       std::to_string(info.status) + ", failure bit " +
                       std::to_string(info.fail_bit.value_or(-1)) + ")");
  }
  std::vector<std::string> lines;
  lines.push_back("token: " + std::string(contracts::ImprintAlgorithmName(info.imprint.algorithm)) +
                  " " + ToHex(info.imprint.digest) + ", genTime " + UtcTimeMs(info.gen_time_ms) +
                  ", serial " + std::to_string(info.serial));
  // As any RFC 3161 tool sees it.
  if (tsa_ca_file) {
    if (Status s = tsa::VerifyTokenSignature(token, *tsa_ca_file); !s.ok()) {
      return Decided(kVerifyProofInvalid, "token_invalid", "NOT VALID: " + s.message(), lines);
    }
    lines.push_back("RFC 3161: signed by " + info.tsa_name + " under policy " + info.policy_oid +
                    "; its signature and certificate verify against " + *tsa_ca_file);
  } else {
    lines.push_back("RFC 3161: signed by " + info.tsa_name +
                    "; the signature is not checked here (give the TSA's CA: --tsa-ca FILE)");
  }
  if (tsa::DigestOf(info.imprint.algorithm, document) != info.imprint.digest) {
    return Decided(kVerifyNotInForce, "other_file",
                   "NOT VALID: the token is for another file (its imprint is not this file's " +
                       std::string(contracts::ImprintAlgorithmName(info.imprint.algorithm)) + ")",
                   lines);
  }
  // As the quorum sees it.
  if (!info.location) {
    return Decided(kVerifyNotInForce, "no_location",
                   "NOT SHOWN: the token names no record of a Tamga ledger", lines);
  }
  const tsa::Location& where = *info.location;
  auto chain = contracts::StartChain(genesis);
  if (!chain.ok()) {
    return Decided(kVerifyError, "bad_genesis",
                   "the genesis does not start a chain: " + chain.error().message());
  }
  if (chain->anchor.chain_id != where.chain_id) {
    return Decided(kVerifyNotInForce, "other_chain",
                   "NOT SHOWN: the token names chain " + where.chain_id.ToHex().substr(0, 16) +
                       "…, not the pinned genesis' " +
                       chain->anchor.chain_id.ToHex().substr(0, 16) + "…",
                   lines);
  }
  ledger::ProofVerdict pv = ledger::VerifyProofJson(chain->anchor, proof_json);
  if (!pv.ok()) {
    lines.push_back("the proof: " + pv.message);
    return Decided(kVerifyProofInvalid, "proof_invalid",
                   "NOT VALID: the record's proof does not verify (" +
                       std::string(ledger::ProofErrorCode(pv.error)) + ")",
                   lines);
  }
  const ledger::ProvenFacts& f = pv.facts;
  if (!f.log || !f.record || f.log->index != where.log_index) {
    return Decided(kVerifyNotInForce, "record_not_shown",
                   "NOT SHOWN: the proof does not hold record " + std::to_string(where.log_index),
                   lines);
  }
  auto imprint = Decode<contracts::Imprint>(f.record->body, "imprint");
  const bool same =
      f.record->kind == static_cast<std::uint16_t>(contracts::TxType::kTimestampImprints) &&
      f.record->height.value() == where.height && imprint.ok() && *imprint == info.imprint;
  if (!same) {
    return Decided(kVerifyProofInvalid, "not_on_ledger",
                   "NOT VALID: record " + std::to_string(where.log_index) + " of the ledger is " +
                       "not this token's imprint in block " + std::to_string(where.height),
                   lines);
  }
  const std::string signers = SignerNames(genesis, f.signer_keys);
  if (f.height.value() == where.height) {
    if (f.timestamp_ms != info.gen_time_ms) {
      return Decided(kVerifyProofInvalid, "not_on_ledger",
                     "NOT VALID: the token's genTime " + UtcTimeMs(info.gen_time_ms) +
                         " is not its block's time " + UtcTimeMs(f.timestamp_ms),
                     lines);
    }
    lines.push_back("quorum: record " + std::to_string(where.log_index) + " of block " +
                    std::to_string(where.height) + " of " + genesis.chain_name + ", signed by " +
                    std::to_string(f.signer_keys.size()) + " administrations (" + signers +
                    ") at " + UtcTimeMs(f.timestamp_ms) + ": the token's genTime");
  } else {
    // A proof at a later block shows the record but not its own block's time: the quorum
    // proves the file existed by that later block's time, and genTime rests on the TSA's
    // signature alone, if it was checked.
    lines.push_back("quorum: record " + std::to_string(where.log_index) + " of block " +
                    std::to_string(where.height) + ", proven at the later block " +
                    f.height.ToString() + " signed by " + signers + " at " +
                    UtcTimeMs(f.timestamp_ms) + " (its own block's time is not in this proof)");
    if (info.gen_time_ms > f.timestamp_ms) {
      return Decided(kVerifyProofInvalid, "not_on_ledger",
                     "NOT VALID: the token's genTime " + UtcTimeMs(info.gen_time_ms) +
                         " is after the block that proves its record (" +
                         UtcTimeMs(f.timestamp_ms) + ")",
                     lines);
    }
    if (!tsa_ca_file) {
      return Decided(kVerifyNotInForce, "time_not_shown",
                     "NOT SHOWN: the proof does not show genTime (ask the node for the record's "
                     "proof at its own block, or check the TSA's signature: --tsa-ca FILE)",
                     lines);
    }
    return Decided(kVerifyInForce, "timestamp_proven",
                   "VALID: this file existed at " + UtcTimeMs(info.gen_time_ms) +
                       " by the TSA's signature, and by " + UtcTimeMs(f.timestamp_ms) +
                       " by a quorum of administrations",
                   lines);
  }
  return Decided(kVerifyInForce, "timestamp_proven",
                 "VALID: this file existed at " + UtcTimeMs(info.gen_time_ms) +
                     ", time-stamped and committed by a quorum of administrations",
                 lines);
}

}  // namespace tamga::cli
