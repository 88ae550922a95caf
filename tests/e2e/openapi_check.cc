// tests/e2e/openapi_check.cc

#include "tests/e2e/openapi_check.h"

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace tamga::testing {
namespace {

using nlohmann::json;

// A chain of references deeper than this is a loop in the file.
constexpr int kDepthMax = 64;

const std::set<std::string>& KnownKeywords() {
  static const std::set<std::string> k = {
      "$ref",  "type",    "nullable", "enum",    "properties", "required", "additionalProperties",
      "items", "oneOf",   "allOf",    "pattern", "minimum",    "maximum",  "description",
      "title", "example", "format"};
  return k;
}

std::string TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a non-integer number";
    default:
      return "something else";
  }
}

bool HasType(const json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "integer") return v.is_number_integer();
  if (type == "number") return v.is_number();
  return false;
}

// "$.a", or "$[\"a b\"]" for a key that is not a plain name.
std::string Member(const std::string& path, const std::string& key) {
  bool plain = !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0]));
  for (char c : key) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  return plain ? path + "." + key : path + "[" + json(key).dump() + "]";
}

// Numbers compared as long double: exact for every integer the API sends that matters
// here (bounds are small), and comparable across signed, unsigned and float.
long double AsNumber(const json& v) {
  if (v.is_number_unsigned()) return static_cast<long double>(v.get<std::uint64_t>());
  if (v.is_number_integer()) return static_cast<long double>(v.get<std::int64_t>());
  return static_cast<long double>(v.get<double>());
}

}  // namespace

std::optional<OpenApi> OpenApi::Load(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  json doc = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    *error = path + " is not a JSON object";
    return std::nullopt;
  }
  return OpenApi(std::move(doc));
}

const json* OpenApi::Resolve(const std::string& ref) const {
  if (ref.rfind("#/", 0) != 0) return nullptr;
  const json* node = &doc_;
  std::size_t start = 2;
  while (start <= ref.size()) {
    const std::size_t slash = ref.find('/', start);
    std::string token =
        ref.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    // JSON pointer escapes: "~1" is '/', "~0" is '~' (in that order).
    for (std::size_t p; (p = token.find("~1")) != std::string::npos;) token.replace(p, 2, "/");
    for (std::size_t p; (p = token.find("~0")) != std::string::npos;) token.replace(p, 2, "~");
    if (!node->is_object() || !node->contains(token)) return nullptr;
    node = &(*node)[token];
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return node;
}

const json* OpenApi::Follow(const json& node) const {
  const json* n = &node;
  for (int i = 0; i < kDepthMax; ++i) {
    if (!n->is_object() || !n->contains("$ref")) return n;
    const json& ref = (*n)["$ref"];
    if (!ref.is_string()) return nullptr;
    n = Resolve(ref.get<std::string>());
    if (n == nullptr) return nullptr;
  }
  return nullptr;
}

bool OpenApi::HasPath(const std::string& path) const {
  return doc_.contains("paths") && doc_["paths"].contains(path);
}

bool OpenApi::HasOperation(const std::string& method, const std::string& path) const {
  return HasPath(path) && doc_["paths"][path].contains(method);
}

const json* OpenApi::OperationResponse(const std::string& method, const std::string& path,
                                       int status) const {
  if (!HasOperation(method, path)) return nullptr;
  const json& op = doc_["paths"][path][method];
  const std::string code = std::to_string(status);
  if (!op.contains("responses") || !op["responses"].contains(code)) return nullptr;
  return Follow(op["responses"][code]);
}

const json* OpenApi::ServerResponse(int status) const {
  const std::string code = std::to_string(status);
  if (!doc_.contains("x-server-responses") || !doc_["x-server-responses"].contains(code)) {
    return nullptr;
  }
  return Follow(doc_["x-server-responses"][code]);
}

std::optional<std::string> OpenApi::Check(const json& schema, const json& value) const {
  return Walk(schema, value, "$", 0);
}

const std::regex& OpenApi::Regex(const std::string& pattern) const {
  auto it = regexes_.find(pattern);
  if (it == regexes_.end()) {
    it = regexes_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
  }
  return it->second;
}

std::optional<std::string> OpenApi::Walk(const json& schema, const json& value,
                                         const std::string& path, int depth) const {
  if (depth > kDepthMax) return path + ": schema nested deeper than " + std::to_string(kDepthMax);
  if (!schema.is_object()) return path + ": the schema is not an object: " + schema.dump();
  if (schema.contains("$ref")) {
    const json* target = Follow(schema);
    if (target == nullptr) return path + ": unresolved $ref " + schema["$ref"].dump();
    return Walk(*target, value, path, depth + 1);
  }
  for (const auto& [keyword, unused] : schema.items()) {
    if (!KnownKeywords().count(keyword) && keyword.rfind("x-", 0) != 0) {
      return path + ": the schema uses keyword \"" + keyword + "\", which the checker lacks";
    }
  }
  if (schema.contains("type")) {
    if (!schema["type"].is_string()) return path + ": the schema's type is not a string";
    const std::string type = schema["type"].get<std::string>();
    // OpenAPI 3.0.3: nullable adds null to the values of the type beside it (and does
    // nothing without one).
    if (value.is_null() && schema.value("nullable", false)) return std::nullopt;
    if (!HasType(value, type)) return path + ": expected " + type + ", got " + TypeName(value);
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const json& e : schema["enum"]) found = found || e == value;
    if (!found) return path + ": " + value.dump() + " is not one of " + schema["enum"].dump();
  }
  if (schema.contains("pattern") && value.is_string()) {
    const std::string pattern = schema["pattern"].get<std::string>();
    try {
      if (!std::regex_search(value.get<std::string>(), Regex(pattern))) {
        return path + ": " + value.dump() + " does not match " + pattern;
      }
    } catch (const std::regex_error& e) {
      return path + ": the schema's pattern " + pattern + " does not compile: " + e.what();
    }
  }
  if (value.is_number()) {
    if (schema.contains("minimum") && AsNumber(value) < AsNumber(schema["minimum"])) {
      return path + ": " + value.dump() + " is below the minimum " + schema["minimum"].dump();
    }
    if (schema.contains("maximum") && AsNumber(value) > AsNumber(schema["maximum"])) {
      return path + ": " + value.dump() + " is above the maximum " + schema["maximum"].dump();
    }
  }
  if (value.is_object()) {
    if (schema.contains("required")) {
      for (const json& name : schema["required"]) {
        if (!value.contains(name.get<std::string>())) {
          return path + ": the required property " + name.dump() + " is missing";
        }
      }
    }
    const json empty = json::object();
    const json& properties = schema.contains("properties") ? schema["properties"] : empty;
    for (const auto& [key, member] : value.items()) {
      const std::string where = Member(path, key);
      if (properties.contains(key)) {
        if (auto e = Walk(properties[key], member, where, depth + 1)) return e;
      } else if (schema.contains("additionalProperties")) {
        const json& extra = schema["additionalProperties"];
        if (extra.is_boolean()) {
          if (!extra.get<bool>()) return where + ": the schema allows no such property";
        } else if (auto e = Walk(extra, member, where, depth + 1)) {
          return e;
        }
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (auto e =
              Walk(schema["items"], value[i], path + "[" + std::to_string(i) + "]", depth + 1)) {
        return e;
      }
    }
  }
  if (schema.contains("allOf")) {
    for (const json& part : schema["allOf"]) {
      if (auto e = Walk(part, value, path, depth + 1)) return e;
    }
  }
  if (schema.contains("oneOf")) {
    std::size_t matches = 0;
    std::string why;
    for (std::size_t i = 0; i < schema["oneOf"].size(); ++i) {
      if (auto e = Walk(schema["oneOf"][i], value, path, depth + 1)) {
        why += "\n  oneOf[" + std::to_string(i) + "]: " + *e;
      } else {
        ++matches;
      }
    }
    if (matches == 0) return path + ": matches no schema of oneOf:" + why;
    if (matches > 1) {
      return path + ": matches " + std::to_string(matches) + " schemas of oneOf, not exactly one";
    }
  }
  return std::nullopt;
}

}  // namespace tamga::testing
