#include "client/genesis_file.h"

#include <nlohmann/json.hpp>
#include <set>

#include "common/file_util.h"

namespace tamga::client {
namespace {

using nlohmann::json;

Status CheckKeys(const json& obj, const std::set<std::string>& allowed, const std::string& where) {
  for (const auto& [k, v] : obj.items()) {
    if (!allowed.count(k)) {
      return Status::InvalidArgument("genesis: unknown field '" + k + "' in " + where);
    }
  }
  for (const auto& k : allowed) {
    if (!obj.contains(k)) {
      return Status::InvalidArgument("genesis: missing field '" + k + "' in " + where);
    }
  }
  return Status::Ok();
}

Result<std::string> String(const json& obj, const char* key, const std::string& where) {
  const json& v = obj.at(key);
  if (!v.is_string()) {
    return Status::InvalidArgument(std::string("genesis: '") + key + "' in " + where +
                                   " must be a string");
  }
  return v.get<std::string>();
}

Result<PublicKey> Key(const json& obj, const char* key, const std::string& where) {
  TAMGA_ASSIGN_OR_RETURN(std::string hex, String(obj, key, where));
  auto k = PublicKey::FromHex(hex);
  if (!k.ok()) {
    return Status::InvalidArgument(std::string("genesis: '") + key + "' in " + where +
                                   " is not 64 hex digits");
  }
  return *k;
}

}  // namespace

Result<contracts::Genesis> ParseGenesisJson(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument("genesis: not a JSON object");
  }
  TAMGA_RETURN_IF_ERROR(
      CheckKeys(doc, {"chain_name", "genesis_time_ms", "administrations"}, "the document"));
  contracts::Genesis g;
  TAMGA_ASSIGN_OR_RETURN(g.chain_name, String(doc, "chain_name", "the document"));
  if (!doc["genesis_time_ms"].is_number_unsigned()) {
    return Status::InvalidArgument("genesis: 'genesis_time_ms' must be a whole number");
  }
  g.genesis_time_ms = doc["genesis_time_ms"].get<std::uint64_t>();
  const json& admins = doc["administrations"];
  if (!admins.is_array() || admins.empty()) {
    return Status::InvalidArgument("genesis: 'administrations' must be a non-empty list");
  }
  for (std::size_t i = 0; i < admins.size(); ++i) {
    const std::string where = "administration " + std::to_string(i);
    const json& a = admins[i];
    if (!a.is_object()) return Status::InvalidArgument("genesis: " + where + " is not an object");
    TAMGA_RETURN_IF_ERROR(
        CheckKeys(a, {"country", "name", "validator_key", "address", "admin_key"}, where));
    contracts::AdministrationEntry e;
    TAMGA_ASSIGN_OR_RETURN(e.country, String(a, "country", where));
    TAMGA_ASSIGN_OR_RETURN(e.name, String(a, "name", where));
    TAMGA_ASSIGN_OR_RETURN(e.validator_key, Key(a, "validator_key", where));
    TAMGA_ASSIGN_OR_RETURN(e.address, String(a, "address", where));
    TAMGA_ASSIGN_OR_RETURN(e.admin_key, Key(a, "admin_key", where));
    g.administrations.push_back(std::move(e));
  }
  return g;
}

std::string GenesisToJson(const contracts::Genesis& genesis) {
  json doc;
  doc["chain_name"] = genesis.chain_name;
  doc["genesis_time_ms"] = genesis.genesis_time_ms;
  json admins = json::array();
  for (const auto& a : genesis.administrations) {
    admins.push_back({{"country", a.country},
                      {"name", a.name},
                      {"validator_key", a.validator_key.ToHex()},
                      {"address", a.address},
                      {"admin_key", a.admin_key.ToHex()}});
  }
  doc["administrations"] = admins;
  return doc.dump(2) + "\n";
}

Result<contracts::Genesis> LoadGenesisFile(const std::string& path) {
  auto text = ReadFileToString(path, 16 << 20);
  if (!text.ok())
    return Status(text.error().code(), "genesis file " + path + ": " + text.error().message());
  auto g = ParseGenesisJson(*text);
  if (!g.ok()) return Status(g.error().code(), path + ": " + g.error().message());
  return g;
}

}  // namespace tamga::client
