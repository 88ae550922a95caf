#include "node/config.h"

#include <toml++/toml.h>

#include <filesystem>
#include <set>

#include "common/asio.h"
#include "common/file_util.h"
#include "contracts/model.h"
#include "tlog/cosignature.h"

namespace tamga::node {
namespace {

std::string Where(const toml::node& n) {
  return " (line " + std::to_string(n.source().begin.line) + ")";
}

// Reads one table's keys, refusing unknown ones.
class Section {
 public:
  Section(const toml::table& table, std::string name) : table_(table), name_(std::move(name)) {}

  Status Finish(const std::set<std::string>& subtables = {}) const {
    for (const auto& [key, value] : table_) {
      const std::string k(key.str());
      if (!seen_.count(k) && !subtables.count(k)) {
        return Status::InvalidArgument("config: unknown key '" + Qualified(k) + "'" + Where(value));
      }
    }
    return Status::Ok();
  }

  Status String(const char* key, std::string& out, bool required = false) {
    seen_.insert(key);
    const toml::node* n = table_.get(key);
    if (n == nullptr) {
      return required ? Status::InvalidArgument("config: missing key '" + Qualified(key) + "'")
                      : Status::Ok();
    }
    auto v = n->value<std::string>();
    if (!v)
      return Status::InvalidArgument("config: '" + Qualified(key) + "' must be a string" +
                                     Where(*n));
    out = *v;
    return Status::Ok();
  }

  template <typename T>
  Status Number(const char* key, T& out, std::int64_t min, std::int64_t max) {
    seen_.insert(key);
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::Ok();
    // The type first: toml++ converts a float to an integer without a range check (a value
    // like 5e80 was undefined behaviour; found by the config fuzz target).
    if (n->type() != toml::node_type::integer) {
      return Status::InvalidArgument("config: '" + Qualified(key) + "' must be a whole number" +
                                     Where(*n));
    }
    auto v = n->value<std::int64_t>();
    if (!v) {
      return Status::InvalidArgument("config: '" + Qualified(key) + "' must be a whole number" +
                                     Where(*n));
    }
    if (*v < min || *v > max) {
      return Status::InvalidArgument("config: '" + Qualified(key) + "' is " + std::to_string(*v) +
                                     ", must be in [" + std::to_string(min) + ", " +
                                     std::to_string(max) + "]" + Where(*n));
    }
    out = static_cast<T>(*v);
    return Status::Ok();
  }

  Status Bool(const char* key, bool& out) {
    seen_.insert(key);
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::Ok();
    auto v = n->value<bool>();
    if (!v || n->type() != toml::node_type::boolean) {
      return Status::InvalidArgument("config: '" + Qualified(key) + "' must be true or false" +
                                     Where(*n));
    }
    out = *v;
    return Status::Ok();
  }

  Status Strings(const char* key, std::vector<std::string>& out) {
    seen_.insert(key);
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::Ok();
    const toml::array* arr = n->as_array();
    if (arr == nullptr) {
      return Status::InvalidArgument("config: '" + Qualified(key) + "' must be a list of strings" +
                                     Where(*n));
    }
    for (const auto& item : *arr) {
      auto v = item.value<std::string>();
      if (!v || item.type() != toml::node_type::string) {
        return Status::InvalidArgument("config: '" + Qualified(key) +
                                       "' holds an entry that is not a string" + Where(item));
      }
      out.push_back(*v);
    }
    return Status::Ok();
  }

  Status Keys(const char* key, std::vector<PublicKey>& out) {
    seen_.insert(key);
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::Ok();
    const toml::array* arr = n->as_array();
    if (arr == nullptr)
      return Status::InvalidArgument("config: '" + Qualified(key) + "' must be a list of keys" +
                                     Where(*n));
    for (const auto& item : *arr) {
      auto s = item.value<std::string>();
      auto k = s ? PublicKey::FromHex(*s) : Result<PublicKey>(Status::InvalidArgument(""));
      if (!k.ok()) {
        return Status::InvalidArgument("config: '" + Qualified(key) +
                                       "' holds an entry that is not 64 hex digits" + Where(item));
      }
      out.push_back(*k);
    }
    return Status::Ok();
  }

  const toml::table* Sub(const char* key) const { return table_.get_as<toml::table>(key); }

 private:
  std::string Qualified(const std::string& key) const {
    return name_.empty() ? key : name_ + "." + key;
  }
  const toml::table& table_;
  std::string name_;
  std::set<std::string> seen_;
};

std::string Resolve(const std::string& base, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base) / path).lexically_normal().string();
}

}  // namespace

Result<NodeConfig> ParseConfig(std::string_view toml_text, const std::string& base_dir) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument("config: " + std::string(e.description()) + " (line " +
                                   std::to_string(e.source().begin.line) + ")");
  }
  NodeConfig c;
  Section top(root, "");
  TAMGA_RETURN_IF_ERROR(top.String("genesis", c.genesis_file, true));
  TAMGA_RETURN_IF_ERROR(top.String("key_file", c.key_file, true));
  TAMGA_RETURN_IF_ERROR(top.String("passphrase_file", c.passphrase_file));
  TAMGA_RETURN_IF_ERROR(top.String("data_dir", c.data_dir, true));
  std::string role = "validator";
  TAMGA_RETURN_IF_ERROR(top.String("role", role));
  if (role != "validator" && role != "observer") {
    return Status::InvalidArgument("config: 'role' is \"" + role +
                                   "\", must be \"validator\" or \"observer\"");
  }
  c.observer = role == "observer";
  const std::set<std::string> sections = {"network",   "api",       "consensus", "mempool",
                                          "clock",     "log",       "sync",      "testing",
                                          "timestamp", "witnesses", "tiles"};
  TAMGA_RETURN_IF_ERROR(top.Finish(sections));
  for (const auto& name : sections) {
    if (root.get(name) != nullptr && root.get_as<toml::table>(name) == nullptr) {
      return Status::InvalidArgument("config: '" + name + "' must be a table ([" + name + "])");
    }
  }
  static const toml::table kEmpty;
  auto section = [&](const char* name) {
    const toml::table* t = root.get_as<toml::table>(name);
    return Section(t ? *t : kEmpty, name);
  };

  Section net = section("network");
  TAMGA_RETURN_IF_ERROR(net.String("listen", c.listen, true));
  TAMGA_RETURN_IF_ERROR(net.Keys("observers", c.observers));
  TAMGA_RETURN_IF_ERROR(net.Number("observers_per_administration", c.observers_per_administration,
                                   0, static_cast<std::int64_t>(contracts::kObserversMax)));
  TAMGA_RETURN_IF_ERROR(net.Finish());

  Section api = section("api");
  TAMGA_RETURN_IF_ERROR(api.String("listen", c.api_listen));
  TAMGA_RETURN_IF_ERROR(api.String("public_url", c.api_public_url));
  TAMGA_RETURN_IF_ERROR(api.Number("connections_max", c.api_connections_max, 1, 65'536));
  TAMGA_RETURN_IF_ERROR(
      api.Number("connections_per_address", c.api_connections_per_address, 1, 65'536));
  TAMGA_RETURN_IF_ERROR(api.Number("submissions_per_second_per_address",
                                   c.api_submissions_per_second_per_address, 0, 1'000'000));
  TAMGA_RETURN_IF_ERROR(api.Number("submissions_per_second_per_signer",
                                   c.api_submissions_per_second_per_signer, 0, 1'000'000));
  TAMGA_RETURN_IF_ERROR(api.Strings("trusted_proxies", c.api_trusted_proxies));
  TAMGA_RETURN_IF_ERROR(api.Bool("kpis", c.api_kpis));
  TAMGA_RETURN_IF_ERROR(api.Finish());
  for (std::string& proxy : c.api_trusted_proxies) {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(proxy, ec);
    if (ec) {
      return Status::InvalidArgument("config: api.trusted_proxies holds '" + proxy +
                                     "', which is not an IP address");
    }
    proxy = address.to_string();
  }
  if (!c.api_public_url.empty() && c.api_public_url.rfind("http://", 0) != 0 &&
      c.api_public_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("config: api.public_url must start with http:// or https://");
  }

  Section cons = section("consensus");
  TAMGA_RETURN_IF_ERROR(cons.Number("round_timeout_ms", c.round_timeout_ms, 50, 600'000));
  TAMGA_RETURN_IF_ERROR(cons.Number("round_timeout_max_ms", c.round_timeout_max_ms, 50, 3'600'000));
  TAMGA_RETURN_IF_ERROR(cons.Number("idle_block_ms", c.idle_block_ms, 0, 600'000));
  TAMGA_RETURN_IF_ERROR(cons.Number("block_transactions_max", c.block_transactions_max, 1, 10'000));
  TAMGA_RETURN_IF_ERROR(cons.Number("verify_threads", c.verify_threads, 1, 256));
  TAMGA_RETURN_IF_ERROR(cons.Finish());
  if (c.round_timeout_max_ms < c.round_timeout_ms) {
    return Status::InvalidArgument(
        "config: consensus.round_timeout_max_ms is below round_timeout_ms");
  }

  Section mem = section("mempool");
  TAMGA_RETURN_IF_ERROR(mem.Number("transactions_max", c.mempool_transactions_max, 1, 10'000'000));
  TAMGA_RETURN_IF_ERROR(mem.Finish());

  Section clock = section("clock");
  TAMGA_RETURN_IF_ERROR(clock.Number("warn_offset_ms", c.clock_warn_offset_ms, 1, 3'600'000));
  TAMGA_RETURN_IF_ERROR(clock.Finish());

  Section sync = section("sync");
  TAMGA_RETURN_IF_ERROR(sync.Strings("snapshot_from", c.sync_snapshot_from));
  TAMGA_RETURN_IF_ERROR(sync.Finish());
  for (const std::string& url : c.sync_snapshot_from) {
    if (url.rfind("http://", 0) != 0) {
      return Status::InvalidArgument("config: sync.snapshot_from holds '" + url +
                                     "'; each source is a node's API as http://host:port");
    }
  }

  Section testing = section("testing");
  TAMGA_RETURN_IF_ERROR(testing.Bool("serve_forged_blocks", c.testing_serve_forged_blocks));
  TAMGA_RETURN_IF_ERROR(
      testing.Bool("serve_forged_state_nodes", c.testing_serve_forged_state_nodes));
  TAMGA_RETURN_IF_ERROR(testing.Bool("serve_inflated_snapshot", c.testing_serve_inflated_snapshot));
  std::string byzantine;
  TAMGA_RETURN_IF_ERROR(testing.String("byzantine", byzantine));
  if (!byzantine.empty()) {
    auto mode = ParseByzantineMode(byzantine);
    if (!mode.ok()) {
      return Status::InvalidArgument("config: testing.byzantine: " + mode.error().message());
    }
    c.testing_byzantine = *mode;
  }
  TAMGA_RETURN_IF_ERROR(
      testing.Number("clock_offset_ms", c.testing_clock_offset_ms, -86'400'000, 86'400'000));
  TAMGA_RETURN_IF_ERROR(testing.Finish());

  Section ts = section("timestamp");
  TAMGA_RETURN_IF_ERROR(ts.String("signer_key", c.timestamp_signer_key_file));
  TAMGA_RETURN_IF_ERROR(ts.String("key", c.timestamp_key_file));
  TAMGA_RETURN_IF_ERROR(ts.String("certificate", c.timestamp_certificate_file));
  TAMGA_RETURN_IF_ERROR(ts.String("chain", c.timestamp_chain_file));
  TAMGA_RETURN_IF_ERROR(ts.String("policy", c.timestamp_policy));
  TAMGA_RETURN_IF_ERROR(ts.Number("accuracy_ms", c.timestamp_accuracy_ms, 1, 60'000));
  TAMGA_RETURN_IF_ERROR(ts.Finish());
  const bool any_timestamp = !c.timestamp_signer_key_file.empty() ||
                             !c.timestamp_key_file.empty() || !c.timestamp_certificate_file.empty();
  if (any_timestamp && (c.timestamp_signer_key_file.empty() || c.timestamp_key_file.empty() ||
                        c.timestamp_certificate_file.empty())) {
    return Status::InvalidArgument(
        "config: [timestamp] needs signer_key, key and certificate together");
  }

  Section wit = section("witnesses");
  TAMGA_RETURN_IF_ERROR(wit.Strings("addresses", c.witness_addresses));
  TAMGA_RETURN_IF_ERROR(wit.Strings("keys", c.witness_keys));
  TAMGA_RETURN_IF_ERROR(wit.Finish());
  if (c.witness_addresses.size() != c.witness_keys.size()) {
    return Status::InvalidArgument(
        "config: [witnesses] needs one key for each address (addresses and keys pair by "
        "position)");
  }
  for (const std::string& key : c.witness_keys) {
    if (auto k = tlog::ParseCosignatureVerifierKey(key); !k.ok()) {
      return Status::InvalidArgument("config: witnesses.keys holds '" + key +
                                     "': " + k.error().message());
    }
  }

  Section tiles = section("tiles");
  TAMGA_RETURN_IF_ERROR(tiles.String("dir", c.tiles_dir));
  TAMGA_RETURN_IF_ERROR(tiles.Finish());

  Section log = section("log");
  std::string format = "text", level = "info";
  TAMGA_RETURN_IF_ERROR(log.String("format", format));
  TAMGA_RETURN_IF_ERROR(log.String("level", level));
  TAMGA_RETURN_IF_ERROR(log.String("file", c.log_file));
  TAMGA_RETURN_IF_ERROR(log.Finish());
  if (format == "text") {
    c.log_format = LogFormat::kText;
  } else if (format == "json") {
    c.log_format = LogFormat::kJson;
  } else {
    return Status::InvalidArgument("config: log.format is '" + format + "', must be text or json");
  }
  if (!ParseLogLevel(level, c.log_level)) {
    return Status::InvalidArgument("config: log.level is '" + level +
                                   "', must be debug, info, warn or error");
  }

  c.genesis_file = Resolve(base_dir, c.genesis_file);
  c.key_file = Resolve(base_dir, c.key_file);
  c.passphrase_file = Resolve(base_dir, c.passphrase_file);
  c.data_dir = Resolve(base_dir, c.data_dir);
  c.log_file = Resolve(base_dir, c.log_file);
  c.tiles_dir = Resolve(base_dir, c.tiles_dir);
  c.timestamp_signer_key_file = Resolve(base_dir, c.timestamp_signer_key_file);
  c.timestamp_key_file = Resolve(base_dir, c.timestamp_key_file);
  c.timestamp_certificate_file = Resolve(base_dir, c.timestamp_certificate_file);
  c.timestamp_chain_file = Resolve(base_dir, c.timestamp_chain_file);
  return c;
}

Result<NodeConfig> LoadConfig(const std::string& path) {
  auto text = ReadFileToString(path, 1 << 20);
  if (!text.ok()) {
    return Status(text.error().code(), "config file " + path + ": " + text.error().message());
  }
  auto base = std::filesystem::absolute(path).parent_path().string();
  auto c = ParseConfig(*text, base);
  if (!c.ok()) return Status(c.error().code(), path + ": " + c.error().message());
  return c;
}

}  // namespace tamga::node
