// How an HTTP client (TigerGraph, the Iceberg REST catalog) survives a flaky server, in one place: which failures
// are retried, the backoff between attempts (exponential, jittered, capped, at least Retry-After), the time budget of
// one request, the circuit breaker that stops a run when the server stays down, and the adaptive limit on requests in
// flight.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace icegraph::http {

struct RetryOptions {
  int max_attempts = 10;               // per request, the first try included
  int64_t initial_backoff_ms = 250;    // before the first retry; doubles each time
  int64_t max_backoff_ms = 8000;       // cap of one wait (Retry-After may ask for more, up to the budget)
  int64_t request_budget_ms = 300000;  // one request (one batch chunk) with all its retries
  int64_t breaker_after_ms = 60000;    // no request succeeded for this long while requests fail: stop the run
  bool adaptive_concurrency = true;    // halve requests in flight on overload, grow back by one per window
};

/// Why an attempt failed, as far as retrying is concerned.
enum class FailureKind {
  kNone,          // answered; the answer is final (2xx, or a 4xx no retry can change)
  kConnect,       // no connection (refused, DNS, connect timeout): the request was not sent
  kReset,         // the connection broke mid-exchange
  kTimeout,       // no complete answer within the request timeout
  kOverloaded,    // 503 or 429: the server asks for less
  kGateway,       // 502 or 504: a proxy lost the server
  kTokenExpired,  // 401 for a token that can be renewed
  kFatal,         // cannot succeed on retry (TLS verification, malformed URL...)
};

std::string_view FailureName(FailureKind kind);

/// True for failures worth another attempt. A request that may have been applied (reset, timeout) is retried only
/// when `idempotent`: upserts, loading jobs and deletes are; GSQL statements are not.
bool Retryable(FailureKind kind, bool idempotent);

/// The wait before attempt `attempt` (1 = first retry): min(cap, initial × 2^(attempt-1)), with "equal jitter"
/// (half fixed, half uniform from `unit` in [0,1)) so that many clients do not retry in step.
std::chrono::milliseconds Backoff(const RetryOptions& options, int attempt, double unit);

/// A Retry-After header value: delta-seconds or an HTTP-date (relative to `now_epoch_s`); nullopt when unreadable.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, int64_t now_epoch_s);

/// Counts of what the retry policy did during a run, for the report, run history and metrics.
struct RetryStats {
  int64_t attempts = 0;                    // HTTP attempts, first tries included
  int64_t retries = 0;                     // attempts after the first, token renewals included
  std::map<std::string, int64_t> reasons;  // retries per FailureName
  int64_t concurrency_cuts = 0;            // times the adaptive limit was halved
  int min_concurrency = 0;                 // lowest limit reached (0: never limited)
  bool breaker_opened = false;
};

/// Opens when no request has succeeded for `breaker_after_ms` while attempts keep failing; then every request fails
/// at once with the error that opened it, so a run with the server down ends in seconds with one clear message.
class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  /// `peer` names the server in the error ("TigerGraph", "Iceberg REST catalog").
  explicit CircuitBreaker(int64_t breaker_after_ms, std::string peer = "TigerGraph")
      : after_(breaker_after_ms), peer_(std::move(peer)), last_success_(Clock::now()) {}

  /// The error to fail with when open, else OK.
  Status Check() const;
  void OnSuccess();
  /// Records a failed attempt at `now`; true when this failure opened the breaker.
  bool OnFailure(const Status& error, Clock::time_point now = Clock::now());
  bool open() const;

 private:
  const std::chrono::milliseconds after_;
  const std::string peer_;
  mutable std::mutex mu_;
  Clock::time_point last_success_;
  int64_t failures_since_success_ = 0;
  Status open_error_;
};

/// An AIMD limit on requests in flight: halved (at most once per `cooldown`) when the server signals overload,
/// raised by one after `limit` successes in a row, between 1 and `max`.
class ConcurrencyLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  ConcurrencyLimiter(int max, bool adaptive, std::chrono::milliseconds cooldown = std::chrono::milliseconds(500))
      : max_(max), adaptive_(adaptive), cooldown_(cooldown), limit_(max) {}

  void Acquire();
  void Release(FailureKind outcome, Clock::time_point now = Clock::now());
  int limit() const;
  int min_limit() const;
  int64_t cuts() const;

 private:
  const int max_;
  const bool adaptive_;
  const std::chrono::milliseconds cooldown_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int limit_;
  int min_limit_ = 0;
  int in_flight_ = 0;
  int64_t successes_ = 0;
  int64_t cuts_ = 0;
  Clock::time_point last_cut_{};
};

}  // namespace icegraph::http
