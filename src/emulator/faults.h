// Injected failures for reliability tests: 5xx answers, connection resets, hangs, latency and token expiry,
// decided per request from a seed so a run can be repeated.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace icegraph::emulator {

struct FaultSpec {
  double p_5xx = 0;                // share of requests answered 503 (also 502/504 in turn)
  double p_reset = 0;              // share whose connection is cut before a full answer
  double p_timeout = 0;            // share that hang for `hang_ms` before the connection is cut
  int latency_ms = 0;              // added to every request
  int hang_ms = 30000;             // how long a "timeout" request hangs
  int64_t expire_token_every = 0;  // every Nth authenticated request finds its token expired (0 = never)
  double p_413 = 0;                // share of upsert/loading requests refused as too large

  bool any() const {
    return p_5xx > 0 || p_reset > 0 || p_timeout > 0 || latency_ms > 0 || expire_token_every > 0 || p_413 > 0;
  }
};

/// Parses "5xx=0.1,reset=0.05,timeout=0.05,latency_ms=20,hang_ms=5000,expire_token_every=100,413=0.1".
Result<FaultSpec> ParseFaultSpec(std::string_view text);

enum class FaultAction { kNone, k5xx, kReset, kTimeout, kTooLarge };

/// Decides the fault of each request; the n-th decision depends only on the seed and n.
class FaultInjector {
 public:
  FaultInjector(FaultSpec spec, uint64_t seed) : spec_(spec), seed_(seed) {}
  const FaultSpec& spec() const { return spec_; }
  /// The fault for the next data request (`can_be_too_large`: upsert or loading request).
  FaultAction Next(bool can_be_too_large);
  /// True when this authenticated request must see its token as expired.
  bool ExpireTokenNow();
  int64_t injected() const { return injected_.load(); }

 private:
  double Uniform(uint64_t n) const;

  const FaultSpec spec_;
  const uint64_t seed_;
  std::atomic<uint64_t> counter_{0};
  std::atomic<int64_t> auth_counter_{0};
  std::atomic<int64_t> injected_{0};
};

}  // namespace icegraph::emulator
