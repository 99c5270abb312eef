#include "emulator/faults.h"

#include <charconv>
#include <string>

namespace icegraph::emulator {
namespace {

Result<double> ParseNumber(std::string_view key, std::string_view text) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < 0) {
    return Status::Invalid("--faults: value of '" + std::string(key) + "' is not a non-negative number: '" +
                           std::string(text) + "'");
  }
  return v;
}

// splitmix64: a well-mixed hash of (seed, n) so each decision is independent and repeatable.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

Result<FaultSpec> ParseFaultSpec(std::string_view text) {
  FaultSpec spec;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Status::Invalid("--faults: expected key=value, got '" + std::string(item) + "'");
    }
    const std::string_view key = item.substr(0, eq);
    ICEGRAPH_ASSIGN_OR_RAISE(const double v, ParseNumber(key, item.substr(eq + 1)));
    const bool is_rate = key == "5xx" || key == "reset" || key == "timeout" || key == "413";
    if (is_rate && v > 1) {
      return Status::Invalid("--faults: rate '" + std::string(key) + "' must be between 0 and 1");
    }
    if (key == "5xx") {
      spec.p_5xx = v;
    } else if (key == "reset") {
      spec.p_reset = v;
    } else if (key == "timeout") {
      spec.p_timeout = v;
    } else if (key == "413") {
      spec.p_413 = v;
    } else if (key == "latency_ms") {
      spec.latency_ms = static_cast<int>(v);
    } else if (key == "hang_ms") {
      spec.hang_ms = static_cast<int>(v);
    } else if (key == "expire_token_every") {
      spec.expire_token_every = static_cast<int64_t>(v);
    } else {
      return Status::Invalid("--faults: unknown key '" + std::string(key) +
                             "' (known: 5xx, reset, timeout, 413, latency_ms, hang_ms, expire_token_every)");
    }
  }
  if (spec.p_5xx + spec.p_reset + spec.p_timeout + spec.p_413 > 1) {
    return Status::Invalid("--faults: the rates add up to more than 1");
  }
  return spec;
}

double FaultInjector::Uniform(uint64_t n) const {
  return static_cast<double>(Mix(seed_ ^ Mix(n)) >> 11) * (1.0 / 9007199254740992.0);
}

FaultAction FaultInjector::Next(bool can_be_too_large) {
  const uint64_t n = counter_.fetch_add(1);
  double u = Uniform(n);
  FaultAction action = FaultAction::kNone;
  if ((u -= spec_.p_5xx) < 0) {
    action = FaultAction::k5xx;
  } else if ((u -= spec_.p_reset) < 0) {
    action = FaultAction::kReset;
  } else if ((u -= spec_.p_timeout) < 0) {
    action = FaultAction::kTimeout;
  } else if ((u -= spec_.p_413) < 0 && can_be_too_large) {
    action = FaultAction::kTooLarge;
  }
  if (action != FaultAction::kNone) injected_.fetch_add(1);
  return action;
}

bool FaultInjector::ExpireTokenNow() {
  if (spec_.expire_token_every <= 0) return false;
  const int64_t n = auth_counter_.fetch_add(1) + 1;
  if (n % spec_.expire_token_every != 0) return false;
  injected_.fetch_add(1);
  return true;
}

}  // namespace icegraph::emulator
