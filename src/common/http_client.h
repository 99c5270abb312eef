// One HTTP client over libcurl for every peer icegraph talks to (TigerGraph, the Iceberg REST catalog): a pool of
// kept-alive connections, TLS options, an Authorization header from a provider that can renew it, the retry policy of
// common/retry.h (backoff, Retry-After, time budget, circuit breaker, adaptive concurrency) and request metrics.
// Thread-safe; at most `concurrency` requests are in flight.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.h"
#include "common/retry.h"
#include "common/status.h"

namespace icegraph::http {

struct TlsOptions {
  bool verify = true;       // check the server's certificate and host name
  std::string ca_bundle;    // PEM file of trusted CAs; empty: the system's
  std::string client_cert;  // PEM client certificate (mutual TLS); empty: none
  std::string client_key;   // its private key
  std::string hint;         // appended to TLS failures: where the user sets the above
};

/// Where a client counts its requests; any may be null. Each family has the one label `kind`.
struct ClientMetrics {
  metrics::Family<metrics::Counter>* requests = nullptr;   // every attempt
  metrics::Family<metrics::Counter>* retries = nullptr;    // attempts after the first, token renewals included
  metrics::Family<metrics::Histogram>* seconds = nullptr;  // one observation per attempt
};

struct ClientOptions {
  std::string peer = "server";     // names the server in errors, logs and the breaker ("TigerGraph")
  std::string log_event = "http";  // logs are "<log_event>.retry", "<log_event>.breaker_open"
  TlsOptions tls;
  int64_t connect_timeout_ms = 10000;
  int64_t request_timeout_ms = 600000;
  int concurrency = 4;
  bool accept_encoding = false;  // ask for any encoding libcurl can decode
  RetryOptions retry;
  ClientMetrics metrics;
};

/// Supplies the Authorization header value ("Bearer ...", "Basic ..."); an empty value sends none.
class AuthProvider {
 public:
  virtual ~AuthProvider() = default;
  /// The value to send now, fetching a token first when there is none yet.
  virtual Result<std::string> Authorization() = 0;
  /// True when a 401 (or 419) answer to `value` may be cured by Renew (a token got from credentials).
  virtual bool Renewable() const = 0;
  /// A new value after the server refused `refused`; when another thread renewed meanwhile, its value.
  virtual Result<std::string> Renew(const std::string& refused) = 0;
};

/// A fixed header value (a static token, Basic credentials, or none).
class FixedAuth final : public AuthProvider {
 public:
  explicit FixedAuth(std::string value = {}) : value_(std::move(value)) {}
  Result<std::string> Authorization() override { return value_; }
  bool Renewable() const override { return false; }
  Result<std::string> Renew(const std::string&) override { return value_; }

 private:
  const std::string value_;
};

struct Request {
  const char* method = "GET";
  std::string url;                                  // absolute; with `bases`, the path put after one of them
  const std::vector<std::string>* bases = nullptr;  // servers of one service: each attempt goes to the next one
  std::string_view body;                            // sent for every method but GET
  std::vector<std::string> headers;                 // "Name: value" lines besides Authorization
  bool idempotent = true;                           // may be repeated even when it may have been applied
  const char* kind = "other";                       // the `kind` label of the metrics
};

struct Response {
  long status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header, when sent
};

/// One HTTP exchange: the answer, or the transport error and how retrying sees it.
struct Attempt {
  Response response;
  Status error;
  FailureKind kind = FailureKind::kNone;
};

/// Initialises libcurl once per process (curl_global_init is not thread-safe; every client calls this).
void GlobalInit();

class HttpClient {
 public:
  static Result<std::unique_ptr<HttpClient>> Make(ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  const ClientOptions& options() const { return options_; }

  /// Sends `request` under the retry policy: retryable failures are retried with backoff (at least Retry-After)
  /// within the request's time budget, a refused renewable token is renewed, and the circuit breaker fails every
  /// request at once when the server stays down. A final HTTP answer (any status) is returned as a Response; transport
  /// failures and exhausted retries are errors whose ErrorDetail says the HTTP status and whether to retry later.
  Result<Response> Send(const Request& request, AuthProvider& auth);
  /// One attempt, no retry.
  Attempt SendOnce(const Request& request, const std::string& authorization);

  /// Attempts so far (each HTTP attempt counts once).
  int64_t requests_sent() const { return requests_.load(); }
  /// What the retry policy did so far.
  RetryStats retry_stats() const;

 private:
  class HandlePool;
  explicit HttpClient(ClientOptions options);
  void CountRetry(const Request& request, FailureKind kind);

  const ClientOptions options_;
  std::unique_ptr<HandlePool> pool_;
  std::atomic<int64_t> requests_{0};
  std::atomic<uint64_t> next_base_{0};
  CircuitBreaker breaker_;
  ConcurrencyLimiter limiter_;
  mutable std::mutex stats_mu_;
  RetryStats stats_;  // guarded by stats_mu_ (attempts and limiter figures are filled in on reading)
};

/// A URL as it may be logged: credentials written into it (http://user:pass@host) are dropped.
std::string WithoutUserinfo(const std::string& url);

/// Percent-encodes a query parameter value or path segment (RFC 3986 unreserved characters stay).
std::string UrlEncode(std::string_view s);

}  // namespace icegraph::http
