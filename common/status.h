// common/status.h
// Status and Result<T>: how operating errors (disk, network, a peer's malformed or badly
// signed input) travel through Tamga without exceptions. A Status is OK or a code with a
// sentence that names the rule and the numbers. Result<T> holds a T or a non-OK Status and
// mirrors std::expected (has_value(), value(), error()) so that C++23 is a rename.
//
// Our own bugs are not Statuses: TAMGA_CHECK(cond) logs and aborts, in release builds too,
// because stopping is safer than signing on corrupt state.
//
// Thread-safety: value types; a const Status may be shared.

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tamga {

enum class StatusCode : std::uint8_t {
  kOk = 0,
  kInvalidArgument,   // The caller's input breaks a stated rule.
  kCorruption,        // Bytes that do not decode, or decode to something non-canonical.
  kBadSignature,      // A signature that does not verify for its key and message.
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,  // Wrong passphrase, unauthorised signer, unknown peer.
  kResourceExhausted, // A bound was reached (queue, size cap, memory).
  kFailedPrecondition,
  kIoError,
  kUnavailable,
  kInternal,
};

// Returns a stable lower-case name such as "corruption", used in logs and the API.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // OK. Cheap: no allocation.
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status BadSignature(std::string m) { return {StatusCode::kBadSignature, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // Empty for OK.
  const std::string& message() const;
  // "ok", or "<code name>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  // Null iff OK; shared because a Status is copied far more often than built.
  std::shared_ptr<const Rep> rep_;
};

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit, like std::expected.
  // REQUIRES: !status.ok(). An OK status without a value is our bug.
  Result(Status status);  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  bool ok() const { return has_value(); }
  explicit operator bool() const { return has_value(); }

  T& value() &;
  const T& value() const&;
  T&& value() &&;
  const Status& error() const;
  // OK when a value is held; the error otherwise.
  Status status() const { return has_value() ? Status() : std::get<1>(v_); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

[[noreturn]] void CheckFailed(const char* file, int line, const char* expr, std::string_view msg);

}  // namespace tamga

// Aborts with the location and expression when `cond` is false, in every build type.
#define TAMGA_CHECK(cond)                                          \
  do {                                                             \
    if (!(cond)) ::tamga::CheckFailed(__FILE__, __LINE__, #cond, ""); \
  } while (0)
#define TAMGA_CHECK_MSG(cond, msg)                                    \
  do {                                                                \
    if (!(cond)) ::tamga::CheckFailed(__FILE__, __LINE__, #cond, (msg)); \
  } while (0)

#define TAMGA_CONCAT_INNER_(a, b) a##b
#define TAMGA_CONCAT_(a, b) TAMGA_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function if it is not OK.
#define TAMGA_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::tamga::Status tamga_status_ = (expr);        \
    if (!tamga_status_.ok()) return tamga_status_; \
  } while (0)

// Evaluates `rexpr` (a Result<T>); returns its error, or moves its value into `lhs`.
#define TAMGA_ASSIGN_OR_RETURN(lhs, rexpr) \
  TAMGA_ASSIGN_OR_RETURN_IMPL_(TAMGA_CONCAT_(tamga_result_, __LINE__), lhs, rexpr)
#define TAMGA_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                 \
  if (!tmp.has_value()) return tmp.error();           \
  lhs = std::move(tmp).value()

namespace tamga {

template <typename T>
Result<T>::Result(Status status) : v_(std::move(status)) {
  TAMGA_CHECK_MSG(!std::get<1>(v_).ok(), "Result built from an OK Status without a value");
}

template <typename T>
T& Result<T>::value() & {
  TAMGA_CHECK_MSG(has_value(), error().ToString());
  return std::get<0>(v_);
}
template <typename T>
const T& Result<T>::value() const& {
  TAMGA_CHECK_MSG(has_value(), error().ToString());
  return std::get<0>(v_);
}
template <typename T>
T&& Result<T>::value() && {
  TAMGA_CHECK_MSG(has_value(), error().ToString());
  return std::get<0>(std::move(v_));
}
template <typename T>
const Status& Result<T>::error() const {
  static const Status kOkStatus;
  return has_value() ? kOkStatus : std::get<1>(v_);
}

}  // namespace tamga
