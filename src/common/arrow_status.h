// Arrow's Status and Result as ours: the one adapter every stage uses at its Arrow calls.
#pragma once

#include <arrow/result.h>
#include <arrow/status.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace icegraph {

/// `context: <Arrow's message>`, with Arrow's code mapped to ours (IOError, NotImplemented, TypeError, KeyError as
/// NotFound, OutOfMemory as Unavailable, the rest Invalid); OK stays OK.
Status FromArrowStatus(const arrow::Status& status, std::string_view context);

/// The value of an Arrow Result, or its error as ours with `context`.
template <typename T>
Result<T> FromArrowResult(arrow::Result<T> result, std::string_view context) {
  if (!result.ok()) return FromArrowStatus(result.status(), context);
  return std::move(result).ValueOrDie();
}

}  // namespace icegraph
