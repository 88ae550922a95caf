// cli/genesis_command.cc

#include "cli/genesis_command.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "client/genesis_file.h"
#include "client/passphrase.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/key_file.h"
#include "contracts/executor.h"

namespace tamga::cli {

using nlohmann::json;

namespace {

constexpr std::size_t kGenesisFileMax = 1 << 20;

std::string SignaturesPath(const std::string& file) { return file + ".signatures.json"; }

Result<json> ReadJson(const std::string& path) {
  TAMGA_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path, kGenesisFileMax));
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(path + " is not a JSON object");
  }
  return j;
}

Status WriteJson(const std::string& path, const json& j) {
  return WriteFileAtomic(path, j.dump(2) + "\n", {});
}

Result<json> ReadSignatures(const std::string& file, const ChainId& chain) {
  const std::string path = SignaturesPath(file);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return json{{"chain_id", chain.ToHex()}, {"signatures", json::object()}};
  }
  TAMGA_ASSIGN_OR_RETURN(json j, ReadJson(path));
  if (!j.contains("signatures") || !j["signatures"].is_object()) {
    return Status::InvalidArgument(path + " has no 'signatures' object");
  }
  if (!j.contains("chain_id") || !j["chain_id"].is_string() ||
      j["chain_id"].get<std::string>() != chain.ToHex()) {
    // The document changed after these signatures: they sign another chain.
    return json{{"chain_id", chain.ToHex()}, {"signatures", json::object()}};
  }
  return j;
}

}  // namespace

// A public key given as hex, or read from a key file.
Result<PublicKey> KeyArgument(const std::string& arg, const std::string& what) {
  if (arg.size() == 64) {
    if (auto k = PublicKey::FromHex(arg); k.ok()) return *k;
  }
  auto info = ReadKeyFileInfo(arg);
  if (!info.ok()) {
    return Status::InvalidArgument(
        what + " must be 64 hex digits or a key file: " + info.error().message());
  }
  return info->public_key;
}

Status GenesisCreate(const GenesisCreateOptions& o, std::ostream& out) {
  std::error_code ec;
  if (std::filesystem::exists(o.file, ec) && !o.overwrite) {
    return Status::AlreadyExists(o.file + " exists; use --force to replace it");
  }
  if (o.chain_name.empty()) return Status::InvalidArgument("--name is required");
  std::uint64_t t = o.genesis_time_ms;
  if (t == 0) t = UnixNowMs();
  TAMGA_RETURN_IF_ERROR(WriteJson(
      o.file,
      {{"chain_name", o.chain_name}, {"genesis_time_ms", t}, {"administrations", json::array()}}));
  std::filesystem::remove(SignaturesPath(o.file), ec);
  out << "wrote " << o.file << " (no administrations yet: add them with tamga genesis add)\n";
  return Status::Ok();
}

Status GenesisAdd(const GenesisAddOptions& o, std::ostream& out) {
  TAMGA_ASSIGN_OR_RETURN(json doc, ReadJson(o.file));
  TAMGA_ASSIGN_OR_RETURN(PublicKey validator, KeyArgument(o.validator_key, "--validator-key"));
  TAMGA_ASSIGN_OR_RETURN(PublicKey admin, KeyArgument(o.admin_key, "--admin-key"));
  if (!doc["administrations"].is_array()) {
    return Status::InvalidArgument(o.file + ": 'administrations' is not a list");
  }
  doc["administrations"].push_back({{"country", o.country},
                                    {"name", o.name},
                                    {"validator_key", validator.ToHex()},
                                    {"address", o.address},
                                    {"admin_key", admin.ToHex()}});
  // The result must start a chain: no country or key twice, valid codes and fields.
  TAMGA_ASSIGN_OR_RETURN(contracts::Genesis g, client::ParseGenesisJson(doc.dump()));
  TAMGA_ASSIGN_OR_RETURN(contracts::GenesisChain chain, contracts::StartChain(g));
  TAMGA_RETURN_IF_ERROR(WriteJson(o.file, doc));
  out << "added " << o.country << " (" << o.name << ") as validator "
      << g.administrations.size() - 1 << "\n"
      << "chain id is now " << chain.anchor.chain_id.ToHex()
      << "\n(every change voids the signatures collected so far)\n";
  return Status::Ok();
}

Status GenesisSign(const GenesisSignOptions& o, std::ostream& out) {
  TAMGA_ASSIGN_OR_RETURN(contracts::Genesis g, client::LoadGenesisFile(o.file));
  TAMGA_ASSIGN_OR_RETURN(contracts::GenesisChain chain, contracts::StartChain(g));
  TAMGA_ASSIGN_OR_RETURN(SecretKey key, client::OpenKeyFile(o.key_file, o.passphrase_file));
  const contracts::AdministrationEntry* mine = nullptr;
  for (const auto& a : g.administrations) {
    if (a.admin_key == key.public_key()) mine = &a;
  }
  if (!mine) {
    return Status::PermissionDenied("the key " + key.public_key().ShortHex() +
                                    " is no administration's administrator key in " + o.file);
  }
  TAMGA_ASSIGN_OR_RETURN(json sigs, ReadSignatures(o.file, chain.anchor.chain_id));
  const Signature sig = key.Sign(SignDomain::kGenesis, chain.anchor.chain_id.view());
  sigs["signatures"][mine->country] = sig.ToHex();
  TAMGA_RETURN_IF_ERROR(WriteJson(SignaturesPath(o.file), sigs));
  out << mine->country << " signed chain " << chain.anchor.chain_id.ToHex() << " ("
      << sigs["signatures"].size() << " of " << g.administrations.size()
      << " administrations so far)\n";
  return Status::Ok();
}

Status GenesisVerify(const std::string& file, std::ostream& out) {
  TAMGA_ASSIGN_OR_RETURN(contracts::Genesis g, client::LoadGenesisFile(file));
  TAMGA_ASSIGN_OR_RETURN(contracts::GenesisChain chain, contracts::StartChain(g));
  TAMGA_ASSIGN_OR_RETURN(json sigs, ReadSignatures(file, chain.anchor.chain_id));
  out << "chain      " << g.chain_name << "\n"
      << "chain id   " << chain.anchor.chain_id.ToHex() << "\n"
      << "validators " << g.administrations.size() << " (a quorum is "
      << chain.anchor.validators.QuorumSize() << ")\n";
  std::size_t good = 0;
  for (const auto& a : g.administrations) {
    std::string state = "not signed";
    if (sigs["signatures"].contains(a.country)) {
      const json& given = sigs["signatures"][a.country];
      auto sig = given.is_string() ? Signature::FromHex(given.get<std::string>())
                                   : Result<Signature>(Status::Corruption("not a string"));
      const bool ok = sig.ok() && VerifySignature(a.admin_key, SignDomain::kGenesis,
                                                  chain.anchor.chain_id.view(), *sig)
                                      .ok();
      state = ok ? "signed" : "BAD SIGNATURE";
      good += ok ? 1 : 0;
    }
    out << "  " << a.country << "  " << a.name << "  validator " << a.validator_key.ShortHex()
        << " at " << a.address << "  " << state << "\n";
  }
  if (good != g.administrations.size()) {
    return Status::FailedPrecondition(std::to_string(good) + " of " +
                                      std::to_string(g.administrations.size()) +
                                      " administrations have signed this chain id");
  }
  out << "every administration signed this chain id\n";
  return Status::Ok();
}

}  // namespace tamga::cli
