#include "sink/tigergraph_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <random>
#include <thread>

#include "common/log.h"
#include "common/metrics.h"

namespace icegraph::sink {
namespace {

using json = nlohmann::json;

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

// The `kind` label of TigerGraph request metrics, from the path.
const char* RequestKind(std::string_view path) {
  if (path.rfind("/restpp/ddl/", 0) == 0) return "loading_job";
  if (path.rfind("/restpp/builtins/", 0) == 0) return "count";
  if (path.rfind("/restpp/graph/", 0) == 0)
    return path.find("/vertices/") != std::string_view::npos || path.find("/edges/") != std::string_view::npos
               ? "read"
               : "upsert";
  if (path.rfind("/gsql/v1/tokens", 0) == 0) return "token";
  if (path.rfind("/gsql/v1/schema", 0) == 0) return "schema";
  if (path.rfind("/gsql/", 0) == 0) return "gsql";
  return "other";
}

// A URL as it may be logged: credentials written into it (http://user:pass@host) are dropped.
std::string WithoutUserinfo(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  const size_t slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos || (slash != std::string::npos && at > slash)) return url;
  return url.substr(0, scheme + 3) + url.substr(at + 1);
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

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (const char c : in) {
    buf = (buf << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buf >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buf << (6 - bits)) & 63]);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

int64_t Int(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

// GSQL answers 200 with the failure in the output text; these are the phrases its errors start with or contain.
bool GsqlOutputFailed(const std::string& out) {
  static constexpr const char* kMarkers[] = {
      "Syntax Error",     "Semantic Check Fail", "does not exist",     "already exists", "is used by another object",
      "does not support", "Failed to",           "No graph is in use", "Error:",         "ERROR:",
      "not authorized",   "Access Denied",       "is not valid",
  };
  for (const char* m : kMarkers) {
    if (out.find(m) != std::string::npos) return true;
  }
  return false;
}

StatusCode CodeForHttp(long status) {
  if (status == 401 || status == 403) return StatusCode::kUnauthorized;
  if (status == 404) return StatusCode::kNotFound;
  if (status >= 500 || status == 429) return StatusCode::kUnavailable;
  return StatusCode::kInvalid;
}

std::string BodyExcerpt(const std::string& body) { return body.size() <= 300 ? body : body.substr(0, 300) + "..."; }

}  // namespace

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

int64_t LoadingStats::rejected() const {
  int64_t n = reject_line + not_enough_token + invalid_json + oversize_token;
  for (const TypeCounts& t : types) n += t.rejected();
  return n;
}

std::string LoadingStats::RejectReasons() const {
  std::string out;
  const auto add = [&out](std::string_view name, int64_t n) {
    if (n == 0) return;
    if (!out.empty()) out += ", ";
    out += fmt::format("{}={}", name, n);
  };
  add("rejectLine", reject_line);
  add("notEnoughToken", not_enough_token);
  add("invalidJson", invalid_json);
  add("oversizeToken", oversize_token);
  for (const TypeCounts& t : types) {
    const std::string p = t.type + ".";
    add(p + "noIdFound", t.no_id_found);
    add(p + "invalidAttribute", t.invalid_attribute);
    add(p + "invalidPrimaryId", t.invalid_primary_id);
    add(p + "invalidSecondaryId", t.invalid_secondary_id);
    add(p + "incorrectFixedBinaryLength", t.incorrect_fixed_binary_length);
  }
  return out;
}

// A bounded set of curl easy handles: a request takes one (waiting while all are busy) and gives it back, so
// connections are kept alive and at most `size` requests are in flight.
class TigerGraphClient::HandlePool {
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

  std::atomic<int64_t> requests{0};
  std::atomic<uint64_t> next_url{0};

 private:
  const int size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CurlPtr> free_;
  int created_ = 0;
};

TigerGraphClient::TigerGraphClient(TigerGraphOptions options)
    : options_(std::move(options)),
      pool_(std::make_unique<HandlePool>(options_.concurrency)),
      breaker_(options_.retry.breaker_after_ms),
      limiter_(options_.concurrency, options_.retry.adaptive_concurrency) {
  token_ = options_.token;
}

TigerGraphClient::~TigerGraphClient() = default;

Result<std::unique_ptr<TigerGraphClient>> TigerGraphClient::Make(TigerGraphOptions options) {
  if (options.urls.empty()) return Status::Invalid("TigerGraph: no URL given");
  if (options.graph.empty()) return Status::Invalid("TigerGraph: no graph given");
  if (options.concurrency < 1) return Status::Invalid("TigerGraph: concurrency must be at least 1");
  if (options.retry.max_attempts < 1) return Status::Invalid("TigerGraph: retry.max_attempts must be at least 1");
  for (std::string& u : options.urls) {
    while (!u.empty() && u.back() == '/') u.pop_back();
  }
  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::unique_ptr<TigerGraphClient>(new TigerGraphClient(std::move(options)));
}

int64_t TigerGraphClient::requests_sent() const { return pool_->requests.load(); }

TigerGraphClient::Attempt TigerGraphClient::SendOnce(const char* method, const std::string& path, std::string_view body,
                                                     const char* content_type, const std::string& authorization) {
  const std::string& base = options_.urls[pool_->next_url.fetch_add(1) % options_.urls.size()];
  const std::string url = base + path;
  Attempt out;
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
  if (content_type != nullptr) add_header(std::string("Content-Type: ") + content_type);
  add_header("Expect:");  // no 100-continue round trip for large bodies
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout_ms));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (!options_.ca_bundle.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &ReadHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.retry_after);
  std::array<char, CURL_ERROR_SIZE> detail{};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail.data());
  if (std::string_view(method) == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    if (std::string_view(method) != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  }
  pool_->requests.fetch_add(1);
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
    const bool tls = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
                     rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_ISSUER_ERROR;
    out.error = Status::Unavailable(
        fmt::format("{} {}{}: {}{}", method, WithoutUserinfo(base), path, why,
                    tls ? " (TLS: give the server's CA as tigergraph.ca_bundle, or set verify_tls: false)" : ""));
    return out;
  }
  if (r.status == 503 || r.status == 429) {
    out.kind = FailureKind::kOverloaded;
  } else if (r.status == 502 || r.status == 504) {
    out.kind = FailureKind::kGateway;
  }
  if (out.kind != FailureKind::kNone) {
    out.error = Status::Unavailable(fmt::format("{} {}: HTTP {}", method, path, r.status));
  }
  return out;
}

Result<std::string> TigerGraphClient::CurrentAuthorization(bool refresh, const std::string& failed) {
  const std::lock_guard<std::mutex> lock(token_mu_);
  if (!token_.empty() && !(refresh && token_from_credentials_)) return "Bearer " + token_;
  // Several requests can find one token expired at once: the first renews it, the others use the new one.
  if (refresh && !token_.empty() && "Bearer " + token_ != failed) return "Bearer " + token_;
  if (options_.secret.empty() && options_.username.empty()) return std::string();
  json body = {{"graph", options_.graph}};
  std::string basic;
  if (!options_.secret.empty()) {
    body["secret"] = options_.secret;
  } else {
    basic = "Basic " + Base64(options_.username + ":" + options_.password);
  }
  const std::string path = "/gsql/v1/tokens";
  ICEGRAPH_ASSIGN_OR_RAISE(Response r,
                           Send("POST", path, body.dump(), "application/json", AuthMode::kNone, true, basic));
  if (r.status == 400 && r.body.find("does not exist") != std::string::npos) {
    // The graph is yet to be created (a schema run): a token not bound to a graph serves GSQL.
    body.erase("graph");
    ICEGRAPH_ASSIGN_OR_RAISE(r, Send("POST", path, body.dump(), "application/json", AuthMode::kNone, true, basic));
  }
  ICEGRAPH_ASSIGN_OR_RAISE(const json j, JsonReply(path, r));
  const auto it = j.find("token");
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) {
    return Status::Unauthorized("POST /gsql/v1/tokens: the answer holds no token");
  }
  token_ = it->get<std::string>();
  token_from_credentials_ = true;
  log::Info("tigergraph.token", {{"graph", options_.graph}, {"by", options_.secret.empty() ? "password" : "secret"}});
  return "Bearer " + token_;
}

Status TigerGraphClient::Authenticate() { return CurrentAuthorization(false).status(); }

void TigerGraphClient::CountRetry(const std::string& path, FailureKind kind) {
  metrics::Std().tg_retries.With({RequestKind(path)}).Inc();
  const std::lock_guard<std::mutex> lock(stats_mu_);
  ++stats_.retries;
  ++stats_.reasons[std::string(FailureName(kind))];
}

RetryStats TigerGraphClient::retry_stats() const {
  RetryStats out;
  {
    const std::lock_guard<std::mutex> lock(stats_mu_);
    out = stats_;
  }
  out.attempts = pool_->requests.load();
  out.concurrency_cuts = limiter_.cuts();
  out.min_concurrency = limiter_.min_limit();
  out.breaker_opened = breaker_.open();
  return out;
}

Result<TigerGraphClient::Response> TigerGraphClient::Send(const char* method, const std::string& path,
                                                          std::string_view body, const char* content_type,
                                                          AuthMode auth, bool idempotent,
                                                          const std::string& fixed_authorization) {
  const RetryOptions& policy = options_.retry;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(policy.request_budget_ms);
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string authorization = fixed_authorization;
  if (auth == AuthMode::kBearer) {
    ICEGRAPH_ASSIGN_OR_RAISE(authorization, CurrentAuthorization(false));
  }
  constexpr int kMaxTokenRefusals = 5;
  int token_refusals = 0;
  for (int attempt = 1;; ++attempt) {
    ICEGRAPH_RETURN_NOT_OK(breaker_.Check());
    limiter_.Acquire();
    const auto sent_at = std::chrono::steady_clock::now();
    Attempt a = SendOnce(method, path, body, content_type, authorization);
    const std::vector<std::string> kind_label{RequestKind(path)};
    metrics::Std().tg_requests.With(kind_label).Inc();
    metrics::Std()
        .tg_request_seconds.With(kind_label)
        .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - sent_at).count());
    // A refused token is no sign of overload: the server answered.
    if (a.kind == FailureKind::kNone && a.response.status == 401 && auth == AuthMode::kBearer &&
        token_from_credentials_) {
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
        return Status::Unauthorized(
            fmt::format("{} {}: the token was refused {} times in a row, each time just "
                        "after it was renewed",
                        method, path, token_refusals));
      }
      --attempt;
      CountRetry(path, a.kind);
      log::Info("tigergraph.retry", {{"path", path}, {"attempt", attempt}, {"reason", "token_expired"}});
      ICEGRAPH_ASSIGN_OR_RAISE(authorization, CurrentAuthorization(true, authorization));
      continue;
    }
    token_refusals = 0;
    if (!Retryable(a.kind, idempotent)) {
      // A final HTTP answer goes back to the caller, who reads TigerGraph's message from it.
      if (a.response.status != 0 && a.kind != FailureKind::kFatal) return std::move(a.response);
      return a.error;
    }
    if (breaker_.OnFailure(a.error)) {
      log::Error("tigergraph.breaker_open", {{"path", path}, {"error", a.error.message()}});
    }
    ICEGRAPH_RETURN_NOT_OK(breaker_.Check());
    if (attempt >= policy.max_attempts) {
      return a.error.WithContext(fmt::format("gave up after {} attempts", attempt));
    }
    auto wait = Backoff(policy, attempt, std::uniform_real_distribution<double>(0, 1)(rng));
    if (!a.response.retry_after.empty()) {
      if (const auto ra = ParseRetryAfter(a.response.retry_after, static_cast<int64_t>(std::time(nullptr)))) {
        wait = std::max(wait, *ra);
      }
    }
    if (std::chrono::steady_clock::now() + wait > deadline) {
      return a.error.WithContext(
          fmt::format("gave up after {} attempts: the request's time budget of {} ms would "
                      "run out before the next",
                      attempt, policy.request_budget_ms));
    }
    CountRetry(path, a.kind);
    log::Warn("tigergraph.retry", {{"path", path},
                                   {"attempt", attempt},
                                   {"reason", std::string(FailureName(a.kind))},
                                   {"wait_ms", static_cast<int64_t>(wait.count())},
                                   {"error", a.error.message()}});
    std::this_thread::sleep_for(wait);
  }
}

Result<nlohmann::json> TigerGraphClient::JsonReply(const std::string& path, const Response& r) {
  json j = json::parse(r.body, nullptr, false);
  const bool error = j.is_object() && j.value("error", false);
  if (r.status >= 200 && r.status < 300 && !error && !j.is_discarded()) return j;
  std::string code;
  std::string message;
  if (j.is_object()) {
    if (j.contains("code") && j["code"].is_string()) code = j["code"].get<std::string>();
    if (j.contains("message") && j["message"].is_string()) message = j["message"].get<std::string>();
  } else {
    message = BodyExcerpt(r.body);
  }
  const StatusCode sc = r.status >= 200 && r.status < 300 ? StatusCode::kInvalid : CodeForHttp(r.status);
  return Status(sc, fmt::format("{}: HTTP {}{}{}: {}", path, r.status, code.empty() ? "" : " ", code, message));
}

Result<std::string> TigerGraphClient::RunGsql(const std::string& statement) {
  const std::string path = "/gsql/v1/statements";
  // A GSQL statement is not repeated once it may have run (CREATE would then fail as existing).
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r,
                           Send("POST", path, statement, "text/plain", AuthMode::kBearer, /*idempotent=*/false));
  if (r.status < 200 || r.status >= 300) return JsonReply(path, r).status();
  if (GsqlOutputFailed(r.body)) return Status::Invalid(fmt::format("{}: GSQL failed: {}", path, r.body));
  return r.body;
}

Result<nlohmann::json> TigerGraphClient::GetSchema() {
  const std::string path = "/gsql/v1/schema/graphs/" + UrlEncode(options_.graph);
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r, Send("GET", path, {}, nullptr, AuthMode::kBearer));
  auto j = JsonReply(path, r);
  // TigerGraph answers 400 "Graph g does not exist." for a graph not created yet: callers create it then.
  if (!j.ok() && r.status == 400 && j.status().message().find("does not exist") != std::string::npos) {
    return Status::NotFound(j.status().message());
  }
  if (!j.ok()) return j.status();
  return j->contains("results") ? (*j)["results"] : *j;
}

Result<LoadingStats> TigerGraphClient::PostLoadingJob(const std::string& job, const std::string& filename_var,
                                                      std::string_view body, std::string_view sep,
                                                      std::string_view eol) {
  const std::string base = "/restpp/ddl/" + UrlEncode(options_.graph);
  const std::string path = fmt::format("{}?tag={}&filename={}&sep={}&eol={}", base, UrlEncode(job),
                                       UrlEncode(filename_var), UrlEncode(sep), UrlEncode(eol));
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r, Send("POST", path, body, "text/plain", AuthMode::kBearer));
  ICEGRAPH_ASSIGN_OR_RAISE(const json j, JsonReply(base + " (job " + job + ")", r));
  const json results = j.value("results", json::array());
  if (!results.is_array() || results.empty()) {
    return Status::Invalid(fmt::format("{}: no statistics in the answer: {}", base, BodyExcerpt(r.body)));
  }
  const json& stats = results[0].contains("statistics") ? results[0]["statistics"] : results[0];
  LoadingStats out;
  // 4.x nests the line counters under parsingStatistics.fileLevel; the flat form is the 3.x one.
  const json* lines = &stats;
  if (stats.contains("parsingStatistics") && stats["parsingStatistics"].contains("fileLevel")) {
    lines = &stats["parsingStatistics"]["fileLevel"];
  }
  out.valid_line = Int(*lines, "validLine");
  out.reject_line = Int(*lines, "rejectLine");
  out.failed_condition_line = Int(*lines, "failedConditionLine");
  out.not_enough_token = Int(*lines, "notEnoughToken");
  out.invalid_json = Int(*lines, "invalidJson");
  out.oversize_token = Int(*lines, "oversizeToken");
  for (const char* kind : {"vertex", "edge"}) {
    if (!stats.contains(kind) || !stats[kind].is_array()) continue;
    for (const json& t : stats[kind]) {
      LoadingStats::TypeCounts c;
      c.type = t.value("typeName", "");
      c.is_edge = std::string_view(kind) == "edge";
      c.valid_object = Int(t, "validObject");
      c.no_id_found = Int(t, "noIdFound");
      c.invalid_attribute = Int(t, "invalidAttribute");
      c.invalid_primary_id = Int(t, "invalidPrimaryId");
      c.invalid_secondary_id = Int(t, "invalidSecondaryId");
      c.incorrect_fixed_binary_length = Int(t, "incorrectFixedBinaryLength");
      c.failed_condition = Int(t, "failedCondition");
      out.types.push_back(std::move(c));
    }
  }
  return out;
}

Result<UpsertResult> TigerGraphClient::Upsert(std::string_view json_body, const UpsertOptions& options) {
  const std::string base = "/restpp/graph/" + UrlEncode(options_.graph);
  std::string path = base;
  char sep = '?';
  for (const auto& [name, on] : {std::pair{"vertex_must_exist", options.vertex_must_exist},
                                 std::pair{"new_vertex_only", options.new_vertex_only},
                                 std::pair{"update_vertex_only", options.update_vertex_only}}) {
    if (!on) continue;
    path += fmt::format("{}{}=true", sep, name);
    sep = '&';
  }
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r, Send("POST", path, json_body, "application/json", AuthMode::kBearer));
  ICEGRAPH_ASSIGN_OR_RAISE(const json j, JsonReply(base, r));
  const json results = j.value("results", json::array());
  const json& first = results.is_array() && !results.empty() ? results[0] : results;
  UpsertResult out;
  out.accepted_vertices = Int(first, "accepted_vertices");
  out.accepted_edges = Int(first, "accepted_edges");
  out.skipped_vertices = Int(first, "skipped_vertices");
  out.skipped_edges = Int(first, "skipped_edges");
  // Servers name the list edge_vertices_not_exist (4.x, the docs' example) or miss_vertices (the docs' prose).
  for (const char* key : {"edge_vertices_not_exist", "miss_vertices"}) {
    if (first.contains(key)) {
      out.miss_vertices = first[key];
      break;
    }
  }
  return out;
}

Result<int64_t> TigerGraphClient::Count(const char* function, const std::string& type) {
  const std::string path = "/restpp/builtins/" + UrlEncode(options_.graph);
  const json body = {{"function", function}, {"type", type}};
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r, Send("POST", path, body.dump(), "application/json", AuthMode::kBearer));
  ICEGRAPH_ASSIGN_OR_RAISE(const json j, JsonReply(path, r));
  int64_t n = 0;
  for (const json& row : j.value("results", json::array())) n += Int(row, "count");
  return n;
}

Result<int64_t> TigerGraphClient::CountVertices(const std::string& type) { return Count("stat_vertex_number", type); }
Result<int64_t> TigerGraphClient::CountEdges(const std::string& type) { return Count("stat_edge_number", type); }

Result<nlohmann::json> TigerGraphClient::GetVertices(const std::string& type) {
  const std::string path = fmt::format("/restpp/graph/{}/vertices/{}", UrlEncode(options_.graph), UrlEncode(type));
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r, Send("GET", path, {}, nullptr, AuthMode::kBearer));
  ICEGRAPH_ASSIGN_OR_RAISE(const json j, JsonReply(path, r));
  return j.value("results", json::array());
}

Result<nlohmann::json> TigerGraphClient::GetEdges(const std::string& from_type, const std::string& from_id,
                                                  const std::string& edge_type) {
  const std::string path = fmt::format("/restpp/graph/{}/edges/{}/{}/{}", UrlEncode(options_.graph),
                                       UrlEncode(from_type), UrlEncode(from_id), UrlEncode(edge_type));
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r, Send("GET", path, {}, nullptr, AuthMode::kBearer));
  ICEGRAPH_ASSIGN_OR_RAISE(const json j, JsonReply(path, r));
  return j.value("results", json::array());
}

Status TigerGraphClient::DeleteVertex(const std::string& type, const std::string& id) {
  const std::string path =
      fmt::format("/restpp/graph/{}/vertices/{}/{}", UrlEncode(options_.graph), UrlEncode(type), UrlEncode(id));
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r, Send("DELETE", path, {}, nullptr, AuthMode::kBearer));
  if (r.status == 200) return Status::OK();
  return JsonReply(path, r).status();
}

}  // namespace icegraph::sink
