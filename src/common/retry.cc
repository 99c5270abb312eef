#include "common/retry.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace icegraph::http {

std::string_view FailureName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kNone: return "none";
    case FailureKind::kConnect: return "connect";
    case FailureKind::kReset: return "reset";
    case FailureKind::kTimeout: return "timeout";
    case FailureKind::kOverloaded: return "overloaded";
    case FailureKind::kGateway: return "gateway";
    case FailureKind::kTokenExpired: return "token_expired";
    case FailureKind::kFatal: return "fatal";
  }
  return "unknown";
}

bool Retryable(FailureKind kind, bool idempotent) {
  switch (kind) {
    case FailureKind::kConnect:
    case FailureKind::kOverloaded:
    case FailureKind::kTokenExpired: return true;
    // A proxy's 502/504 or a broken exchange leaves unknown whether the server applied the request.
    case FailureKind::kGateway:
    case FailureKind::kReset:
    case FailureKind::kTimeout: return idempotent;
    case FailureKind::kNone:
    case FailureKind::kFatal: return false;
  }
  return false;
}

std::chrono::milliseconds Backoff(const RetryOptions& options, int attempt, double unit) {
  const int shift = std::clamp(attempt - 1, 0, 30);
  const double base = std::min(static_cast<double>(options.max_backoff_ms),
                               static_cast<double>(options.initial_backoff_ms) * std::ldexp(1.0, shift));
  const double wait = base / 2 + base / 2 * std::clamp(unit, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(wait));
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, int64_t now_epoch_s) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r' || value.back() == '\n'))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::milliseconds(std::min<int64_t>(seconds, 86400) * 1000);
  }
  const std::string date(value);
  const time_t at = curl_getdate(date.c_str(), nullptr);
  if (at < 0) return std::nullopt;
  return std::chrono::milliseconds(std::clamp<int64_t>(static_cast<int64_t>(at) - now_epoch_s, 0, 86400) * 1000);
}

Status CircuitBreaker::Check() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return open_error_;
}

bool CircuitBreaker::open() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return !open_error_.ok();
}

void CircuitBreaker::OnSuccess() {
  const std::lock_guard<std::mutex> lock(mu_);
  if (!open_error_.ok()) return;  // once open, the run is over: a late success does not revive it
  last_success_ = Clock::now();
  failures_since_success_ = 0;
}

bool CircuitBreaker::OnFailure(const Status& error, Clock::time_point now) {
  const std::lock_guard<std::mutex> lock(mu_);
  if (!open_error_.ok()) return false;
  ++failures_since_success_;
  // Two failures at least, so that one slow request alone never opens it.
  if (failures_since_success_ < 2 || now - last_success_ < after_) return false;
  const auto down_s = std::chrono::duration_cast<std::chrono::seconds>(now - last_success_).count();
  open_error_ = Status::Unavailable(
      fmt::format("{} unavailable: no request succeeded for {} s ({} failed attempts; circuit breaker "
                  "opened, the run stops and its checkpoints stay where {} last acknowledged); last error: {}",
                  peer_, down_s, failures_since_success_, peer_, error.message()));
  return true;
}

void ConcurrencyLimiter::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return in_flight_ < limit_; });
  ++in_flight_;
}

void ConcurrencyLimiter::Release(FailureKind outcome, Clock::time_point now) {
  {
    const std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
    if (adaptive_) {
      const bool overload =
          outcome == FailureKind::kOverloaded || outcome == FailureKind::kTimeout || outcome == FailureKind::kGateway;
      if (overload) {
        successes_ = 0;
        // Requests already in flight report the same overload: one cut per cooldown.
        if (limit_ > 1 && now - last_cut_ >= cooldown_) {
          limit_ = std::max(1, limit_ / 2);
          min_limit_ = min_limit_ == 0 ? limit_ : std::min(min_limit_, limit_);
          ++cuts_;
          last_cut_ = now;
        }
      } else if (outcome == FailureKind::kNone && limit_ < max_ && ++successes_ >= limit_) {
        ++limit_;
        successes_ = 0;
      }
    }
  }
  cv_.notify_all();
}

int ConcurrencyLimiter::limit() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return limit_;
}

int ConcurrencyLimiter::min_limit() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return min_limit_;
}

int64_t ConcurrencyLimiter::cuts() const {
  const std::lock_guard<std::mutex> lock(mu_);
  return cuts_;
}

}  // namespace icegraph::http
