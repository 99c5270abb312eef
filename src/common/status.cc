#include "common/status.h"

namespace icegraph {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalid: return "Invalid";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kTypeError: return "TypeError";
    case StatusCode::kIOError: return "IOError";
    case StatusCode::kUnauthorized: return "Unauthorized";
    case StatusCode::kNotImplemented: return "NotImplemented";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kInternal: return "Internal";
  }
  return "Unknown";
}

std::string_view ErrorCauseName(ErrorDetail::Cause cause) {
  switch (cause) {
    case ErrorDetail::Cause::kUnspecified: return "unspecified";
    case ErrorDetail::Cause::kTooLarge: return "too_large";
    case ErrorDetail::Cause::kUnknownType: return "unknown_type";
    case ErrorDetail::Cause::kUnknownGraph: return "unknown_graph";
    case ErrorDetail::Cause::kSchemaMismatch: return "schema_mismatch";
    case ErrorDetail::Cause::kInvalidRow: return "invalid_row";
    case ErrorDetail::Cause::kNoSuchVertex: return "no_such_vertex";
  }
  return "unknown";
}

Status::Status(StatusCode code, std::string message)
    : state_(code == StatusCode::kOk ? nullptr
                                     : std::make_shared<const State>(State{code, std::move(message), nullptr})) {}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return ok() ? kEmpty : state_->message;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code())) + ": " + message();
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status out;
  out.state_ = std::make_shared<const State>(State{code(), std::string(context) + ": " + message(), state_->detail});
  return out;
}

Status Status::WithDetail(ErrorDetail detail) const {
  if (ok()) return *this;
  Status out;
  out.state_ =
      std::make_shared<const State>(State{code(), message(), std::make_shared<const ErrorDetail>(std::move(detail))});
  return out;
}

}  // namespace icegraph
