#include "sink/tigergraph_client.h"

#include <fmt/format.h>

#include "common/encoding.h"
#include "common/json_fields.h"
#include "common/log.h"
#include "common/metrics.h"

namespace icegraph::sink {
namespace {

using json = nlohmann::json;

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

bool Contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

ErrorDetail::Cause ClassifyTigerGraphError(int http_status, std::string_view code, std::string_view message) {
  using Cause = ErrorDetail::Cause;
  if (http_status == 413) return Cause::kTooLarge;
  if (code == "REST-2004" || code == "REST-2005" || code == "GSQL-7004") return Cause::kUnknownType;
  if (code == "REST-1003" || code == "REST-1004") return Cause::kUnknownGraph;
  // REST-30000 ("invalid payload") covers the whole request and single rows alike; only its text tells them apart.
  if (Contains(message, "is not a valid vertex type") || Contains(message, "is not a valid edge type")) {
    return Cause::kUnknownType;
  }
  if (Contains(message, "is not a valid vertex id")) return Cause::kNoSuchVertex;
  if (Contains(message, "does not connect")) return Cause::kSchemaMismatch;
  if (Contains(message, "cannot be found") || Contains(message, "does not exist")) return Cause::kUnknownGraph;
  if (http_status == 400) return Cause::kInvalidRow;
  return Cause::kUnspecified;
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

// The token as an AuthProvider of the HTTP client: renewable when it was got from credentials.
class TigerGraphClient::TokenAuth final : public http::AuthProvider {
 public:
  explicit TokenAuth(TigerGraphClient& client) : client_(client) {}
  Result<std::string> Authorization() override { return client_.CurrentAuthorization(false); }
  bool Renewable() const override { return client_.token_from_credentials_; }
  Result<std::string> Renew(const std::string& refused) override { return client_.CurrentAuthorization(true, refused); }

 private:
  TigerGraphClient& client_;
};

TigerGraphClient::TigerGraphClient(TigerGraphOptions options, std::unique_ptr<http::HttpClient> http)
    : options_(std::move(options)), http_(std::move(http)), token_auth_(std::make_unique<TokenAuth>(*this)) {
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
  http::ClientOptions h;
  h.peer = "TigerGraph";
  h.log_event = "tigergraph";
  h.tls.verify = options.verify_tls;
  h.tls.ca_bundle = options.ca_bundle;
  h.tls.hint = "give the server's CA as tigergraph.ca_bundle, or set verify_tls: false";
  h.connect_timeout_ms = options.connect_timeout_ms;
  h.request_timeout_ms = options.request_timeout_ms;
  h.concurrency = options.concurrency;
  h.retry = options.retry;
  h.metrics.requests = &metrics::Std().tg_requests;
  h.metrics.retries = &metrics::Std().tg_retries;
  h.metrics.seconds = &metrics::Std().tg_request_seconds;
  ICEGRAPH_ASSIGN_OR_RAISE(std::unique_ptr<http::HttpClient> http, http::HttpClient::Make(std::move(h)));
  return std::unique_ptr<TigerGraphClient>(new TigerGraphClient(std::move(options), std::move(http)));
}

int64_t TigerGraphClient::requests_sent() const { return http_->requests_sent(); }

RetryStats TigerGraphClient::retry_stats() const { return http_->retry_stats(); }

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
    basic = "Basic " + encoding::Base64Encode(options_.username + ":" + options_.password);
  }
  const std::string path = "/gsql/v1/tokens";
  ICEGRAPH_ASSIGN_OR_RAISE(Response r,
                           Send("POST", path, body.dump(), "application/json", AuthMode::kNone, true, basic));
  if (r.status == 400 && JsonReply(path, r).status().cause() == ErrorDetail::Cause::kUnknownGraph) {
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

Result<TigerGraphClient::Response> TigerGraphClient::Send(const char* method, const std::string& path,
                                                          std::string_view body, const char* content_type,
                                                          AuthMode auth, bool idempotent,
                                                          const std::string& fixed_authorization) {
  http::Request request;
  request.method = method;
  request.url = path;
  request.bases = &options_.urls;
  request.body = body;
  if (content_type != nullptr) request.headers.push_back(std::string("Content-Type: ") + content_type);
  request.idempotent = idempotent;
  request.kind = RequestKind(path);
  if (auth == AuthMode::kBearer) return http_->Send(request, *token_auth_);
  http::FixedAuth fixed(fixed_authorization);
  return http_->Send(request, fixed);
}

Result<nlohmann::json> TigerGraphClient::JsonReply(const std::string& path, const Response& r) {
  json j = json::parse(r.body, nullptr, false);
  const auto error = json_fields::BoolOr(j, "error", false);
  const bool success = r.status >= 200 && r.status < 300;
  if (success && !j.is_discarded() && error.ok() && !*error) return j;
  std::string code;
  std::string message;
  if (j.is_object()) {
    code = json_fields::StringOr(j, "code", "").ValueOr("");
    message = json_fields::StringOr(j, "message", "").ValueOr("");
    if (!error.ok()) message += " (" + error.status().message() + ")";
  } else {
    message = BodyExcerpt(r.body);
  }
  const StatusCode sc = success ? StatusCode::kInvalid : CodeForHttp(r.status);
  ErrorDetail detail;
  detail.http_status = static_cast<int>(r.status);
  detail.remote_code = code;
  detail.retryable = false;  // a final answer: the retry policy already had its turn in Send
  detail.cause = ClassifyTigerGraphError(static_cast<int>(r.status), code, message);
  return Status(sc, fmt::format("{}: HTTP {}{}{}: {}", path, r.status, code.empty() ? "" : " ", code, message))
      .WithDetail(std::move(detail));
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
  if (!j.ok() && j.status().cause() == ErrorDetail::Cause::kUnknownGraph) {
    return Status(StatusCode::kNotFound, j.status().message()).WithDetail(*j.status().detail());
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
  auto results_or = json_fields::ArrayOr(j, "results");
  if (!results_or.ok()) return results_or.status().WithContext(base + ": loading job answer");
  const json& results = *results_or;
  if (results.empty()) {
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
      auto type_name = json_fields::StringOr(t, "typeName", "");
      if (!type_name.ok()) return type_name.status().WithContext(base + ": loading job statistics");
      c.type = std::move(type_name).ValueOrDie();
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
  auto results = json_fields::ArrayOr(j, "results");
  if (!results.ok()) return results.status().WithContext(base + ": upsert answer");
  const json first = results->empty() ? json::object() : (*results)[0];
  UpsertResult out;
  out.accepted_vertices = Int(first, "accepted_vertices");
  out.accepted_edges = Int(first, "accepted_edges");
  out.skipped_vertices = Int(first, "skipped_vertices");
  out.skipped_edges = Int(first, "skipped_edges");
  // Servers name the list edge_vertices_not_exist (4.x, the docs' example) or miss_vertices (the docs' prose).
  for (const char* key : {"edge_vertices_not_exist", "miss_vertices"}) {
    if (const json* miss = json_fields::Member(first, key)) {
      out.miss_vertices = *miss;
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
  auto rows = json_fields::ArrayOr(j, "results");
  if (!rows.ok()) return rows.status().WithContext(path + ": " + function + " answer");
  int64_t n = 0;
  for (const json& row : *rows) n += Int(row, "count");
  return n;
}

Result<int64_t> TigerGraphClient::CountVertices(const std::string& type) { return Count("stat_vertex_number", type); }
Result<int64_t> TigerGraphClient::CountEdges(const std::string& type) { return Count("stat_edge_number", type); }

Result<nlohmann::json> TigerGraphClient::GetVertices(const std::string& type) {
  return GetVertices(type, VertexQuery{});
}

Result<std::optional<nlohmann::json>> TigerGraphClient::GetResults(const std::string& path) {
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r, Send("GET", path, {}, nullptr, AuthMode::kBearer));
  auto j = JsonReply(path, r);
  // REST++ refuses an id it does not hold ("... is not a valid vertex id ...").
  if (!j.ok() && j.status().cause() == ErrorDetail::Cause::kNoSuchVertex) return std::optional<json>();
  if (!j.ok()) return j.status();
  auto results = json_fields::ArrayOr(*j, "results");
  if (!results.ok()) return results.status().WithContext(path);
  return std::optional<json>(std::move(results).ValueOrDie());
}

Result<nlohmann::json> TigerGraphClient::GetVertices(const std::string& type, const VertexQuery& query) {
  std::string path = fmt::format("/restpp/graph/{}/vertices/{}", UrlEncode(options_.graph), UrlEncode(type));
  char sep = '?';
  const auto add = [&](const char* key, const std::string& value) {
    path += fmt::format("{}{}={}", sep, key, UrlEncode(value));
    sep = '&';
  };
  if (!query.select.empty()) add("select", query.select);
  if (!query.filter.empty()) add("filter", query.filter);
  if (!query.sort.empty()) add("sort", query.sort);
  if (query.limit >= 0) add("limit", std::to_string(query.limit));
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r, Send("GET", path, {}, nullptr, AuthMode::kBearer));
  ICEGRAPH_ASSIGN_OR_RAISE(const json j, JsonReply(path, r));
  auto results = json_fields::ArrayOr(j, "results");
  if (!results.ok()) return results.status().WithContext(path);
  return std::move(results).ValueOrDie();
}

Result<std::optional<nlohmann::json>> TigerGraphClient::GetVertex(const std::string& type, const std::string& id) {
  const std::string path =
      fmt::format("/restpp/graph/{}/vertices/{}/{}", UrlEncode(options_.graph), UrlEncode(type), UrlEncode(id));
  ICEGRAPH_ASSIGN_OR_RAISE(std::optional<json> results, GetResults(path));
  if (!results || results->empty()) return std::optional<json>();
  return std::optional<json>(std::move((*results)[0]));
}

Result<nlohmann::json> TigerGraphClient::GetEdgesBetween(const std::string& from_type, const std::string& from_id,
                                                         const std::string& edge_type, const std::string& to_type,
                                                         const std::string& to_id) {
  const std::string path =
      fmt::format("/restpp/graph/{}/edges/{}/{}/{}/{}/{}", UrlEncode(options_.graph), UrlEncode(from_type),
                  UrlEncode(from_id), UrlEncode(edge_type), UrlEncode(to_type), UrlEncode(to_id));
  ICEGRAPH_ASSIGN_OR_RAISE(std::optional<json> results, GetResults(path));
  return results ? std::move(*results) : json::array();
}

Result<nlohmann::json> TigerGraphClient::GetEdges(const std::string& from_type, const std::string& from_id,
                                                  const std::string& edge_type) {
  const std::string path = fmt::format("/restpp/graph/{}/edges/{}/{}/{}", UrlEncode(options_.graph),
                                       UrlEncode(from_type), UrlEncode(from_id), UrlEncode(edge_type));
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r, Send("GET", path, {}, nullptr, AuthMode::kBearer));
  ICEGRAPH_ASSIGN_OR_RAISE(const json j, JsonReply(path, r));
  auto results = json_fields::ArrayOr(j, "results");
  if (!results.ok()) return results.status().WithContext(path);
  return std::move(results).ValueOrDie();
}

Status TigerGraphClient::DeleteVertex(const std::string& type, const std::string& id) {
  const std::string path =
      fmt::format("/restpp/graph/{}/vertices/{}/{}", UrlEncode(options_.graph), UrlEncode(type), UrlEncode(id));
  ICEGRAPH_ASSIGN_OR_RAISE(const Response r, Send("DELETE", path, {}, nullptr, AuthMode::kBearer));
  if (r.status == 200) return Status::OK();
  return JsonReply(path, r).status();
}

}  // namespace icegraph::sink
