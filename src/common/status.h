// Status and Result<T>: errors as values carrying a code and context, in the style of arrow::Status.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace icegraph {

/// What kind of failure a Status reports.
enum class StatusCode : char {
  kOk = 0,
  kInvalid,         // bad input: config, request, data
  kNotFound,        // a named thing does not exist
  kAlreadyExists,   // a named thing exists already
  kTypeError,       // a value does not fit its type
  kIOError,         // file or network failure
  kUnauthorized,    // missing or wrong credentials
  kNotImplemented,  // a feature we deliberately do not support
  kUnavailable,     // a peer is down or overloaded; retrying may help
  kInternal,        // a bug
};

/// Short name of a code, e.g. "Invalid".
std::string_view StatusCodeName(StatusCode code);

/// Facts about a failure that callers decide on (retry, split a request, give up), carried as fields beside the
/// message in the manner of arrow::StatusDetail, so that no decision reads message text.
struct ErrorDetail {
  /// What a refused request was refused for, as far as the caller can act on it.
  enum class Cause : char {
    kUnspecified,
    kTooLarge,        // the request body is over the peer's limit (HTTP 413): send it in smaller parts
    kUnknownType,     // the request names a vertex/edge type the graph lacks: no row of it can succeed
    kUnknownGraph,    // the graph (or another named object) does not exist
    kSchemaMismatch,  // the request does not fit the schema as a whole (an edge type that does not connect the pair)
    kInvalidRow,      // a row of the request was refused (a bad id or value): the other rows may pass
    kNoSuchVertex,    // a read named a vertex the graph does not hold
  };
  int http_status = 0;      // the peer's HTTP status; 0 when no answer came
  std::string remote_code;  // the peer's own code: TigerGraph's "REST-30000", an Iceberg REST error type
  bool retryable = false;   // another attempt may succeed
  Cause cause = Cause::kUnspecified;
};

/// Short name of a cause, e.g. "too_large".
std::string_view ErrorCauseName(ErrorDetail::Cause cause);

/// Success or an error with a message; cheap to copy when OK.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status OK() { return {}; }
  static Status Invalid(std::string msg) { return {StatusCode::kInvalid, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status TypeError(std::string msg) { return {StatusCode::kTypeError, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Unauthorized(std::string msg) { return {StatusCode::kUnauthorized, std::move(msg)}; }
  static Status NotImplemented(std::string msg) { return {StatusCode::kNotImplemented, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return ok() ? StatusCode::kOk : state_->code; }
  const std::string& message() const;
  /// "Invalid: message".
  std::string ToString() const;
  /// The same status with "context: " put before the message (the detail stays).
  Status WithContext(std::string_view context) const;
  /// The same status carrying `detail`.
  Status WithDetail(ErrorDetail detail) const;
  /// The detail, or nullptr when none was attached.
  const ErrorDetail* detail() const { return ok() || !state_->detail ? nullptr : &*state_->detail; }
  /// Shorthands over detail(): 0 / false / kUnspecified when there is none.
  int http_status() const { return detail() != nullptr ? detail()->http_status : 0; }
  bool retryable() const { return detail() != nullptr && detail()->retryable; }
  ErrorDetail::Cause cause() const { return detail() != nullptr ? detail()->cause : ErrorDetail::Cause::kUnspecified; }

 private:
  struct State {
    StatusCode code;
    std::string message;
    std::shared_ptr<const ErrorDetail> detail;
  };
  std::shared_ptr<const State> state_;
};

/// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  const T& ValueOrDie() const& { return std::get<T>(data_); }
  T& ValueOrDie() & { return std::get<T>(data_); }
  T&& ValueOrDie() && { return std::get<T>(std::move(data_)); }
  /// The value, or `fallback` when there is none.
  T ValueOr(T fallback) const& { return ok() ? std::get<T>(data_) : std::move(fallback); }
  const T& operator*() const& { return ValueOrDie(); }
  T& operator*() & { return ValueOrDie(); }
  const T* operator->() const { return &ValueOrDie(); }
  T* operator->() { return &ValueOrDie(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace icegraph

#define ICEGRAPH_CONCAT_IMPL(a, b) a##b
#define ICEGRAPH_CONCAT(a, b) ICEGRAPH_CONCAT_IMPL(a, b)

/// Returns the status from the enclosing function when it is an error.
#define ICEGRAPH_RETURN_NOT_OK(expr) \
  do {                               \
    ::icegraph::Status _st = (expr); \
    if (!_st.ok()) return _st;       \
  } while (false)

// `lhs` may be a declaration ("const int x"), so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ICEGRAPH_ASSIGN_OR_RAISE_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                  \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).ValueOrDie()
// NOLINTEND(bugprone-macro-parentheses)

/// `lhs = value of rexpr`, or return its error status.
#define ICEGRAPH_ASSIGN_OR_RAISE(lhs, rexpr) \
  ICEGRAPH_ASSIGN_OR_RAISE_IMPL(ICEGRAPH_CONCAT(_res_, __COUNTER__), lhs, rexpr)
