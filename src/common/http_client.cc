#include "common/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <random>
#include <thread>

#include "common/log.h"

namespace icegraph::http {
namespace {

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

// Keeps the Retry-After header of an answer (the only header the retry policy reads).
size_t ReadHeader(char* data, size_t size, size_t n, void* user) {
  const std::string_view line(data, size * n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() && std::equal(kName.begin(), kName.end(), line.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    *static_cast<std::string*>(user) = std::string(line.substr(kName.size()));
  }
  return size * n;
}

// How the retry policy sees a transport error; `connected`: the request went out before it failed.
FailureKind CurlFailure(CURLcode rc, bool connected) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return FailureKind::kConnect;
    case CURLE_OPERATION_TIMEDOUT: return connected ? FailureKind::kTimeout : FailureKind::kConnect;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_LOGIN_DENIED:
    case CURLE_OUT_OF_MEMORY: return FailureKind::kFatal;
    default: return connected ? FailureKind::kReset : FailureKind::kConnect;
  }
}

bool TlsFailure(CURLcode rc) {
  return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CONNECT_ERROR ||
         rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_ISSUER_ERROR;
}

// The path and query of a URL, for logs (never its host credentials).
std::string PathOf(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  return slash == std::string::npos ? url : url.substr(slash);
}

ErrorDetail DetailOf(const Attempt& a, bool idempotent) {
  ErrorDetail d;
  d.http_status = static_cast<int>(a.response.status);
  d.retryable = Retryable(a.kind, idempotent);
  if (a.response.status == 413) d.cause = ErrorDetail::Cause::kTooLarge;
  return d;
}

}  // namespace

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string WithoutUserinfo(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  const size_t slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// A bounded set of curl easy handles: a request takes one (waiting while all are busy) and gives it back, so
// connections are kept alive and at most `size` requests are in flight.
class HttpClient::HandlePool {
 public:
  explicit HandlePool(int size) : size_(size) {}

  CurlPtr Take() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !free_.empty() || created_ < size_; });
    if (!free_.empty()) {
      CurlPtr h = std::move(free_.back());
      free_.pop_back();
      return h;
    }
    ++created_;
    return CurlPtr(curl_easy_init());
  }

  void Give(CurlPtr h) {
    {
      const std::lock_guard<std::mutex> lock(mu_);
      if (h) {
        free_.push_back(std::move(h));
      } else {
        --created_;
      }
    }
    cv_.notify_one();
  }

 private:
  const int size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CurlPtr> free_;
  int created_ = 0;
};

HttpClient::HttpClient(ClientOptions options)
    : options_(std::move(options)),
      pool_(std::make_unique<HandlePool>(options_.concurrency)),
      breaker_(options_.retry.breaker_after_ms, options_.peer),
      limiter_(options_.concurrency, options_.retry.adaptive_concurrency) {}

HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::Make(ClientOptions options) {
  if (options.concurrency < 1) return Status::Invalid(options.peer + ": concurrency must be at least 1");
  if (options.retry.max_attempts < 1) return Status::Invalid(options.peer + ": retry.max_attempts must be at least 1");
  GlobalInit();
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(options)));
}

Attempt HttpClient::SendOnce(const Request& request, const std::string& authorization) {
  Attempt out;
  const std::string url = request.bases == nullptr || request.bases->empty()
                              ? request.url
                              : (*request.bases)[next_base_.fetch_add(1) % request.bases->size()] + request.url;
  CurlPtr h = pool_->Take();
  if (!h) {
    pool_->Give(nullptr);
    out.error = Status::Internal("curl_easy_init failed");
    out.kind = FailureKind::kFatal;
    return out;
  }
  CURL* c = h.get();
  curl_easy_reset(c);
  Response& r = out.response;
  SlistPtr headers;
  const auto add_header = [&headers](const std::string& line) {
    curl_slist* l = curl_slist_append(headers.get(), line.c_str());
    if (l != nullptr) {
      (void)headers.release();  // l is the same list, grown
      headers.reset(l);
    }
  };
  if (!authorization.empty()) add_header("Authorization: " + authorization);
  for (const std::string& line : request.headers) add_header(line);
  add_header("Expect:");  // no 100-continue round trip for large bodies
  const std::string_view method(request.method);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout_ms));
  const TlsOptions& tls = options_.tls;
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
  if (!tls.ca_bundle.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, tls.ca_bundle.c_str());
  if (!tls.client_cert.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, tls.client_cert.c_str());
  if (!tls.client_key.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, tls.client_key.c_str());
  if (options_.accept_encoding) curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &ReadHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.retry_after);
  std::array<char, CURL_ERROR_SIZE> detail{};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail.data());
  if (method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method);
  }
  requests_.fetch_add(1);
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  // Bytes of the request that went out: none means it never reached the server (also on a reused connection,
  // whose connect time reads 0).
  long request_bytes = 0;
  curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &request_bytes);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  pool_->Give(std::move(h));
  if (rc != CURLE_OK) {
    out.kind = CurlFailure(rc, request_bytes > 0);
    const std::string why = detail[0] != '\0' ? std::string(detail.data()) : curl_easy_strerror(rc);
    const bool hint = TlsFailure(rc) && !tls.hint.empty();
    out.error = Status::Unavailable(
        fmt::format("{} {}: {}{}", request.method, WithoutUserinfo(url), why, hint ? " (TLS: " + tls.hint + ")" : ""));
    return out;
  }
  if (r.status == 503 || r.status == 429) {
    out.kind = FailureKind::kOverloaded;
  } else if (r.status == 502 || r.status == 504) {
    out.kind = FailureKind::kGateway;
  }
  if (out.kind != FailureKind::kNone) {
    out.error = Status::Unavailable(fmt::format("{} {}: HTTP {}", request.method, PathOf(url), r.status));
  }
  return out;
}

void HttpClient::CountRetry(const Request& request, FailureKind kind) {
  if (options_.metrics.retries != nullptr) options_.metrics.retries->With({request.kind}).Inc();
  const std::lock_guard<std::mutex> lock(stats_mu_);
  ++stats_.retries;
  ++stats_.reasons[std::string(FailureName(kind))];
}

RetryStats HttpClient::retry_stats() const {
  RetryStats out;
  {
    const std::lock_guard<std::mutex> lock(stats_mu_);
    out = stats_;
  }
  out.attempts = requests_.load();
  out.concurrency_cuts = limiter_.cuts();
  out.min_concurrency = limiter_.min_limit();
  out.breaker_opened = breaker_.open();
  return out;
}

Result<Response> HttpClient::Send(const Request& request, AuthProvider& auth) {
  const RetryOptions& policy = options_.retry;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(policy.request_budget_ms);
  thread_local std::mt19937_64 rng(std::random_device{}());
  const std::string path = request.bases != nullptr ? request.url : PathOf(request.url);
  ICEGRAPH_ASSIGN_OR_RAISE(std::string authorization, auth.Authorization());
  constexpr int kMaxTokenRefusals = 5;
  int token_refusals = 0;
  for (int attempt = 1;; ++attempt) {
    ICEGRAPH_RETURN_NOT_OK(breaker_.Check());
    limiter_.Acquire();
    const auto sent_at = std::chrono::steady_clock::now();
    Attempt a = SendOnce(request, authorization);
    if (options_.metrics.requests != nullptr) options_.metrics.requests->With({request.kind}).Inc();
    if (options_.metrics.seconds != nullptr) {
      options_.metrics.seconds->With({request.kind})
          .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - sent_at).count());
    }
    // A refused token is no sign of overload: the server answered. 419 is the "authentication timeout" of some
    // catalogs.
    if (a.kind == FailureKind::kNone && (a.response.status == 401 || a.response.status == 419) && auth.Renewable()) {
      a.kind = FailureKind::kTokenExpired;
    }
    limiter_.Release(a.kind == FailureKind::kTokenExpired ? FailureKind::kNone : a.kind);
    if (a.kind == FailureKind::kNone) {
      breaker_.OnSuccess();
      return std::move(a.response);
    }
    if (a.kind == FailureKind::kTokenExpired) {
      breaker_.OnSuccess();
      // A renewal is not a failed attempt; only a token refused again and again right after renewals is.
      if (++token_refusals > kMaxTokenRefusals) {
        return Status::Unauthorized(fmt::format("{} {}: the token was refused {} times in a row, each time just "
                                                "after it was renewed",
                                                request.method, path, token_refusals))
            .WithDetail({static_cast<int>(a.response.status), "", false, ErrorDetail::Cause::kUnspecified});
      }
      --attempt;
      CountRetry(request, a.kind);
      log::Info(options_.log_event + ".retry", {{"path", path}, {"attempt", attempt}, {"reason", "token_expired"}});
      ICEGRAPH_ASSIGN_OR_RAISE(authorization, auth.Renew(authorization));
      continue;
    }
    token_refusals = 0;
    if (!Retryable(a.kind, request.idempotent)) {
      // A final HTTP answer goes back to the caller, who reads the server's message from it.
      if (a.response.status != 0 && a.kind != FailureKind::kFatal) return std::move(a.response);
      return a.error.WithDetail(DetailOf(a, request.idempotent));
    }
    if (breaker_.OnFailure(a.error)) {
      log::Error(options_.log_event + ".breaker_open", {{"path", path}, {"error", a.error.message()}});
    }
    ICEGRAPH_RETURN_NOT_OK(breaker_.Check());
    if (attempt >= policy.max_attempts) {
      return a.error.WithContext(fmt::format("gave up after {} attempts", attempt))
          .WithDetail(DetailOf(a, request.idempotent));
    }
    auto wait = Backoff(policy, attempt, std::uniform_real_distribution<double>(0, 1)(rng));
    if (!a.response.retry_after.empty()) {
      if (const auto ra = ParseRetryAfter(a.response.retry_after, static_cast<int64_t>(std::time(nullptr)))) {
        wait = std::max(wait, *ra);
      }
    }
    if (std::chrono::steady_clock::now() + wait > deadline) {
      return a.error
          .WithContext(fmt::format("gave up after {} attempts: the request's time budget of {} ms would "
                                   "run out before the next",
                                   attempt, policy.request_budget_ms))
          .WithDetail(DetailOf(a, request.idempotent));
    }
    CountRetry(request, a.kind);
    log::Warn(options_.log_event + ".retry", {{"path", path},
                                              {"attempt", attempt},
                                              {"reason", std::string(FailureName(a.kind))},
                                              {"wait_ms", static_cast<int64_t>(wait.count())},
                                              {"error", a.error.message()}});
    std::this_thread::sleep_for(wait);
  }
}

}  // namespace icegraph::http
