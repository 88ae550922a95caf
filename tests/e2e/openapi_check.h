// tests/e2e/openapi_check.h
// The OpenAPI description of the node's API (docs/openapi.json) as the end-to-end tests
// use it: find what the file declares for an answer (path, method, status, media type),
// and check a JSON value against a schema with a small checker that reports the JSON path
// of the first mismatch ("$.history[0].tx: expected a string, got a number").
//
// The checker knows the subset of OpenAPI 3.0 schemas the file uses: $ref to
// "#/components/...", type (integer means a JSON integer; number any number), nullable,
// enum, properties, required, additionalProperties (false or a schema), items, oneOf,
// allOf, pattern (ECMAScript, unanchored, as JSON Schema says), minimum and maximum.
// Annotations (description, title, example, format) are ignored. Any other keyword is
// reported as an error, so that the file cannot claim a constraint the test does not check.
// As in OpenAPI 3.0.3, keywords beside a $ref are ignored, and nullable: true adds null to
// the values of the type beside it (a schema with both accepts null whatever its other
// keywords say; without a type, nullable does nothing).
//
// Thread-safety: const methods only read; the regex cache is not thread-safe (one
// checker per thread).

#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>

namespace tamga::testing {

class OpenApi {
 public:
  explicit OpenApi(nlohmann::json doc) : doc_(std::move(doc)) {}
  // Reads and parses `path`; nullopt (and `error`) if it cannot.
  static std::optional<OpenApi> Load(const std::string& path, std::string* error);

  const nlohmann::json& doc() const { return doc_; }

  // The object a "#/a/b" reference names (JSON pointer syntax), or nullptr.
  const nlohmann::json* Resolve(const std::string& ref) const;
  // `node` itself, or what its $ref names (following chains of references).
  const nlohmann::json* Follow(const nlohmann::json& node) const;

  bool HasPath(const std::string& path) const;
  // `method` in lower case ("get"), `path` a template as written in the file.
  bool HasOperation(const std::string& method, const std::string& path) const;
  // The Response Object (references followed) the operation declares for `status`;
  // nullptr if the file lacks the operation or the status.
  const nlohmann::json* OperationResponse(const std::string& method, const std::string& path,
                                          int status) const;
  // The Response Object of x-server-responses: answers that come from no operation (a
  // request that does not parse, an unknown path, a method the path does not serve).
  const nlohmann::json* ServerResponse(int status) const;

  // Empty if `value` conforms to `schema`; else "<JSON path>: <what is wrong>" for the
  // first mismatch found (properties in key order, items in index order).
  std::optional<std::string> Check(const nlohmann::json& schema, const nlohmann::json& value) const;

 private:
  std::optional<std::string> Walk(const nlohmann::json& schema, const nlohmann::json& value,
                                  const std::string& path, int depth) const;
  const std::regex& Regex(const std::string& pattern) const;

  nlohmann::json doc_;
  mutable std::map<std::string, std::regex> regexes_;  // Compiled patterns, by source.
};

}  // namespace tamga::testing
