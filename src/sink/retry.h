// The retry policy moved to common/retry.h (one policy for every HTTP client); these names keep the sink's spelling.
#pragma once

#include "common/retry.h"

namespace icegraph::sink {

using http::Backoff;
using http::CircuitBreaker;
using http::ConcurrencyLimiter;
using http::FailureKind;
using http::FailureName;
using http::ParseRetryAfter;
using http::Retryable;
using http::RetryOptions;
using http::RetryStats;

}  // namespace icegraph::sink
