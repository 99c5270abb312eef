// The Iceberg REST catalog (Polaris, Unity Catalog's Iceberg endpoint, Lakekeeper, ...) over the shared HTTP client
// (common/http_client.h, so with its retries, Retry-After and breaker): GET /v1/config, then
// /v1/{prefix}/namespaces[/{ns}/tables[/{t}]]. Auth: a bearer `token`, Basic credentials, or OAuth2 client
// credentials (`credential=id:secret`, `scope`, `oauth2-server-uri`) renewed before expiry and on 401/419.
// Tokens, secrets and vended storage credentials are never logged nor put in error messages.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "common/encoding.h"
#include "common/http_client.h"
#include "common/json_fields.h"
#include "common/log.h"
#include "common/metrics.h"
#include "iceberg/catalog.h"
#include "iceberg/metadata_json.h"

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string Escape(const std::string& s) { return http::UrlEncode(s); }

std::string Get(const CatalogProperties& p, const std::string& key, const std::string& fallback = "") {
  const auto it = p.find(key);
  return it == p.end() ? fallback : it->second;
}

// JSON string values as they are, others as JSON text (config maps).
void MergeStrings(const json& obj, CatalogProperties* into) {
  if (!obj.is_object()) return;
  for (const auto& [k, v] : obj.items()) (*into)[k] = v.is_string() ? v.get<std::string>() : v.dump();
}

struct HttpAnswer {  // NOLINT(bugprone-exception-escape): its implicit move (string, nlohmann::json) is noexcept
  long status = 0;
  json body;  // null when the answer is not JSON
  std::string text;
};

// An integer property (icegraph's own `rest.retry.*`), or `fallback` when absent or unreadable.
int64_t IntProperty(const CatalogProperties& p, const std::string& key, int64_t fallback) {
  const std::string v = Get(p, key);
  int64_t out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && end == v.data() + v.size() && !v.empty() ? out : fallback;
}

// Request metrics of the catalog, by kind (config, load_table, list, token).
http::ClientMetrics CatalogMetrics() {
  static const http::ClientMetrics m{
      &metrics::Global().AddCounter("icegraph_iceberg_rest_requests_total", "HTTP attempts to the Iceberg REST catalog",
                                    {"kind"}),
      &metrics::Global().AddCounter("icegraph_iceberg_rest_retries_total",
                                    "Attempts to the Iceberg REST catalog after the first, token renewals included",
                                    {"kind"}),
      &metrics::Global().AddHistogram("icegraph_iceberg_rest_request_seconds",
                                      "Seconds per HTTP attempt to the Iceberg REST catalog", {"kind"},
                                      metrics::LatencyBuckets())};
  return m;
}

// The server's reason: the REST error model {"error": {"message": ...}}, OAuth2's {"error": "invalid_client",
// "error_description": ...}, or the start of the body.
std::string ErrorMessage(const HttpAnswer& answer) {
  if (answer.body.is_object()) {
    const auto error = answer.body.find("error");
    if (error != answer.body.end() && error->is_object()) {
      const auto message = error->find("message");
      if (message != error->end() && message->is_string()) return message->get<std::string>();
    } else if (error != answer.body.end() && error->is_string()) {
      const auto description = answer.body.find("error_description");
      return error->get<std::string>() + (description != answer.body.end() && description->is_string()
                                              ? ": " + description->get<std::string>()
                                              : "");
    }
  }
  return answer.text.substr(0, 300);
}

// The REST error model's "type" ("NoSuchTableException"), the server's own code for the failure.
std::string ErrorType(const HttpAnswer& answer) {
  const json* error = json_fields::Member(answer.body, "error");
  return error != nullptr ? json_fields::StringOr(*error, "type", "").ValueOr("") : "";
}

class RestCatalog final : public Catalog {
 public:
  explicit RestCatalog(CatalogProperties props) : props_(std::move(props)) {}

  Status Init() {
    MapAuthBlock();
    if (Get(props_, "rest.sigv4-enabled") == "true") {
      return Status::NotImplemented("REST catalogs with SigV4 signing (rest.sigv4-enabled) are not supported");
    }
    uri_ = Get(props_, "uri");
    while (!uri_.empty() && uri_.back() == '/') uri_.pop_back();
    ICEGRAPH_ASSIGN_OR_RAISE(http_, http::HttpClient::Make(ClientOptions()));
    token_ = Get(props_, "token");
    if (props_.count("credential")) ICEGRAPH_RETURN_NOT_OK(FetchToken());
    std::string url = uri_ + "/v1/config";
    if (props_.count("warehouse")) url += "?warehouse=" + Escape(props_.at("warehouse"));
    ICEGRAPH_ASSIGN_OR_RAISE(json config, GetJson(url, "config"));
    // Server defaults < client properties < server overrides (REST spec, GET /v1/config).
    CatalogProperties merged;
    MergeStrings(config.value("defaults", json::object()), &merged);
    for (const auto& [k, v] : props_) merged[k] = v;
    MergeStrings(config.value("overrides", json::object()), &merged);
    props_ = std::move(merged);
    uri_ = Get(props_, "uri", uri_);
    while (!uri_.empty() && uri_.back() == '/') uri_.pop_back();
    const std::string prefix = Get(props_, "prefix");
    base_ = uri_ + "/v1" + (prefix.empty() ? "" : "/" + prefix);
    separator_ = Escape(Get(props_, "namespace-separator", "\x1f"));
    ICEGRAPH_ASSIGN_OR_RAISE(io_, FileIO::Make(props_));
    return Status::OK();
  }

  Result<TableMetadata> LoadTable(const TableIdentifier& id) override {
    const std::string url = base_ + "/namespaces/" + NamespacePath(id.ns) + "/tables/" + Escape(id.name);
    auto body = GetJson(url, "load_table");
    if (!body.ok()) return body.status().WithContext("loading table " + id.ToString());
    if (!body->contains("metadata"))
      return Status::Invalid("REST loadTable answer for " + id.ToString() + " has no metadata");
    const std::string location = body->value("metadata-location", "");
    ICEGRAPH_ASSIGN_OR_RAISE(TableMetadata metadata,
                             ParseTableMetadata((*body)["metadata"].dump(), location.empty() ? url : location));
    RememberStorageConfig(id, *body, metadata.location);
    return metadata;
  }

  Result<std::vector<std::string>> ListNamespaces() override {
    std::vector<std::string> out;
    ICEGRAPH_RETURN_NOT_OK(CollectNamespaces("", 0, &out));
    std::sort(out.begin(), out.end());
    return out;
  }

  Result<std::vector<TableIdentifier>> ListTables(const std::string& ns) override {
    std::vector<TableIdentifier> out;
    ICEGRAPH_RETURN_NOT_OK(
        Paged(base_ + "/namespaces/" + NamespacePath(ns) + "/tables", "identifiers", [&](const json& i) -> Status {
          const auto name = i.is_object() ? i.find("name") : i.end();
          if (!i.is_object() || name == i.end() || !name->is_string()) {
            return Status::Invalid("an identifier without a string 'name': " + i.dump().substr(0, 200));
          }
          out.push_back({ns, name->get<std::string>()});
          return Status::OK();
        }));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  }

  std::shared_ptr<FileIO> io() override { return io_; }

  Result<std::shared_ptr<FileIO>> TableIO(const TableIdentifier& id) override {
    const std::lock_guard<std::mutex> lock(mu_);
    const auto it = table_io_.find(id.ToString());
    return it == table_io_.end() ? io_ : it->second;
  }

 private:
  // pyiceberg's newer `auth.*` properties, mapped onto the legacy ones this catalog reads.
  void MapAuthBlock() {
    const std::string type = Get(props_, "auth.type");
    if (type == "oauth2") {
      props_["credential"] = Get(props_, "auth.oauth2.client_id") + ":" + Get(props_, "auth.oauth2.client_secret");
      if (props_.count("auth.oauth2.token_url")) props_["oauth2-server-uri"] = props_["auth.oauth2.token_url"];
      if (props_.count("auth.oauth2.scope")) props_["scope"] = props_["auth.oauth2.scope"];
    } else if (type == "basic") {
      const std::string user_pass = Get(props_, "auth.basic.username") + ":" + Get(props_, "auth.basic.password");
      basic_auth_ = user_pass;
    }
  }

  // Multi-level namespaces are joined by the unit separator (0x1F) in paths, as the REST spec says.
  std::string NamespacePath(const std::string& ns) const {
    std::string out;
    size_t start = 0;
    for (size_t dot = ns.find('.');; dot = ns.find('.', start)) {
      out += (start == 0 ? "" : separator_) + Escape(ns.substr(start, dot == std::string::npos ? dot : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return out;
  }

  Status CollectNamespaces(const std::string& parent, int depth, std::vector<std::string>* out) {
    if (depth > 8) return Status::OK();
    std::string url = base_ + "/namespaces";
    if (!parent.empty()) url += "?parent=" + NamespacePath(parent);
    std::vector<std::string> found;
    const Status st = Paged(url, "namespaces", [&](const json& levels) -> Status {
      std::string name;
      for (const json& level : levels.is_array() ? levels : json::array({levels})) {
        if (!level.is_string()) return Status::Invalid("a namespace level that is no string: " + level.dump());
        name += (name.empty() ? "" : ".") + level.get<std::string>();
      }
      if (!name.empty() && name != parent) found.push_back(name);
      return Status::OK();
    });
    // Servers without nested namespaces may refuse `parent`; the levels above are still valid.
    if (!st.ok()) return depth == 0 ? st : Status::OK();
    for (const std::string& ns : found) {
      out->push_back(ns);
      ICEGRAPH_RETURN_NOT_OK(CollectNamespaces(ns, depth + 1, out));
    }
    return Status::OK();
  }

  // GETs every page of a listing (next-page-token / pageToken) and calls `each` on the items under `key`.
  template <typename Fn>
  Status Paged(const std::string& url, const char* key, Fn each) {
    std::string token;
    std::set<std::string> seen;
    do {
      const std::string page =
          token.empty() ? url : url + (url.find('?') == std::string::npos ? "?" : "&") + "pageToken=" + Escape(token);
      ICEGRAPH_ASSIGN_OR_RAISE(json body, GetJson(page, "list"));
      const auto items = body.find(key);
      if (items != body.end() && !items->is_null()) {
        if (!items->is_array()) return Status::Invalid("GET " + page + ": '" + key + "' is not an array");
        for (const json& item : *items) {
          const Status st = each(item);
          if (!st.ok()) return st.WithContext("GET " + page);
        }
      }
      const auto next = body.find("next-page-token");
      token = next != body.end() && next->is_string() ? next->get<std::string>() : "";
    } while (!token.empty() && seen.insert(token).second);  // a repeated token would loop forever
    return Status::OK();
  }

  // Credentials the server vends with the table: `config`, then the longest-prefix `storage-credentials` entry.
  void RememberStorageConfig(const TableIdentifier& id, const json& body, const std::string& location) {
    CatalogProperties table_props = props_;
    MergeStrings(body.value("config", json::object()), &table_props);
    size_t best = 0;
    for (const json& cred : json_fields::ArrayOr(body, "storage-credentials").ValueOr(json::array())) {
      const std::string prefix = json_fields::StringOr(cred, "prefix", "").ValueOr("");
      if (location.rfind(prefix, 0) == 0 && prefix.size() >= best) {
        best = prefix.size();
        MergeStrings(cred.value("config", json::object()), &table_props);
      }
    }
    if (table_props == props_) return;
    auto io = FileIO::Make(table_props);
    if (!io.ok()) return;  // keep the catalog's IO; reading will say what fails
    const std::lock_guard<std::mutex> lock(mu_);
    table_io_[id.ToString()] = *io;
  }

  Status FetchToken() {
    const std::string cred = props_.at("credential");
    const size_t colon = cred.find(':');
    const std::string client_id = colon == std::string::npos ? "" : cred.substr(0, colon);
    const std::string secret = colon == std::string::npos ? cred : cred.substr(colon + 1);
    const std::string url = Get(props_, "oauth2-server-uri", uri_ + "/v1/oauth/tokens");
    std::string form = "grant_type=client_credentials&client_id=" + Escape(client_id) +
                       "&client_secret=" + Escape(secret) + "&scope=" + Escape(Get(props_, "scope", "catalog"));
    for (const char* extra : {"audience", "resource"}) {
      if (props_.count(extra)) form += std::string("&") + extra + "=" + Escape(props_.at(extra));
    }
    ICEGRAPH_ASSIGN_OR_RAISE(HttpAnswer answer, Send("POST", url, form, "token", /*with_token=*/false));
    if (answer.status < 200 || answer.status >= 300 || !answer.body.is_object() ||
        !answer.body.contains("access_token") || !answer.body["access_token"].is_string()) {
      const std::string what = "OAuth2 token request to " + url + " answered HTTP " + std::to_string(answer.status) +
                               ": " + ErrorMessage(answer);
      const ErrorDetail detail{static_cast<int>(answer.status), "", answer.status >= 500,
                               ErrorDetail::Cause::kUnspecified};
      if (answer.status >= 500) return Status::Unavailable(what).WithDetail(detail);
      return Status::Unauthorized(what + "; check 'credential' and 'scope'").WithDetail(detail);
    }
    const int64_t expires_in = json_fields::IntOr(answer.body, "expires_in", 0).ValueOr(0);
    const std::lock_guard<std::mutex> lock(mu_);
    token_ = answer.body["access_token"].get<std::string>();
    // Renew a minute early so a request never carries an expired token.
    token_expiry_ = expires_in > 0 ? Clock::now() + std::chrono::seconds(std::max<int64_t>(expires_in - 60, 1))
                                   : Clock::time_point::max();
    log::Info("iceberg.rest.token", {{"url", url}, {"client_id", client_id}, {"expires_in", expires_in}});
    return Status::OK();
  }

  bool TokenExpired() {
    const std::lock_guard<std::mutex> lock(mu_);
    return Clock::now() >= token_expiry_;
  }

  // The Authorization header for catalog requests: the OAuth2 token (renewed when it expires or is refused), the
  // static token, or Basic credentials.
  class Auth final : public http::AuthProvider {
   public:
    explicit Auth(RestCatalog& catalog) : catalog_(catalog) {}
    Result<std::string> Authorization() override {
      if (Renewable() && catalog_.TokenExpired()) ICEGRAPH_RETURN_NOT_OK(catalog_.FetchToken());
      return Current();
    }
    bool Renewable() const override { return catalog_.props_.count("credential") > 0; }
    Result<std::string> Renew(const std::string& refused) override {
      // Several requests can find one token refused at once: the first renews it, the others use the new one.
      const std::lock_guard<std::mutex> lock(renew_mu_);
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string current, Current());
      if (current != refused) return current;
      ICEGRAPH_RETURN_NOT_OK(catalog_.FetchToken());  // the token may have been revoked or expired early
      return Current();
    }

   private:
    Result<std::string> Current() {
      const std::lock_guard<std::mutex> lock(catalog_.mu_);
      if (!catalog_.token_.empty()) return "Bearer " + catalog_.token_;
      if (!catalog_.basic_auth_.empty()) return "Basic " + encoding::Base64Encode(catalog_.basic_auth_);
      return std::string();
    }
    RestCatalog& catalog_;
    std::mutex renew_mu_;
  };

  // How the catalog's requests survive a flaky server: the common retry policy with icegraph's `rest.retry.*`
  // properties; TLS from pyiceberg's `ssl.*` properties.
  http::ClientOptions ClientOptions() const {
    http::ClientOptions o;
    o.peer = "Iceberg REST catalog";
    o.log_event = "iceberg.rest";
    o.tls.ca_bundle = Get(props_, "ssl.cabundle");
    o.tls.client_cert = Get(props_, "ssl.client.cert");
    o.tls.client_key = Get(props_, "ssl.client.key");
    o.tls.hint = "give the server's CA as the catalog property ssl.cabundle";
    o.connect_timeout_ms = 10000;
    o.request_timeout_ms = IntProperty(props_, "rest.request-timeout-ms", 120000);
    o.concurrency = 4;
    o.accept_encoding = true;  // whatever libcurl can decode
    o.retry.max_attempts = static_cast<int>(IntProperty(props_, "rest.retry.max-attempts", 4));
    o.retry.initial_backoff_ms = IntProperty(props_, "rest.retry.initial-backoff-ms", 200);
    o.retry.max_backoff_ms = IntProperty(props_, "rest.retry.max-backoff-ms", 5000);
    o.retry.request_budget_ms = IntProperty(props_, "rest.retry.budget-ms", 60000);
    o.retry.breaker_after_ms = IntProperty(props_, "rest.retry.breaker-after-ms", 120000);
    o.retry.adaptive_concurrency = false;  // catalog requests come one at a time
    o.metrics = CatalogMetrics();
    return o;
  }

  Result<json> GetJson(const std::string& url, const char* kind) {
    ICEGRAPH_ASSIGN_OR_RAISE(HttpAnswer answer, Send("GET", url, "", kind, /*with_token=*/true));
    if (answer.status < 200 || answer.status >= 300) {
      const std::string msg = ErrorMessage(answer);
      const StatusCode code = answer.status == 404                             ? StatusCode::kNotFound
                              : (answer.status == 401 || answer.status == 403) ? StatusCode::kUnauthorized
                              : answer.status >= 500                           ? StatusCode::kUnavailable
                                                                               : StatusCode::kInvalid;
      ErrorDetail detail;
      detail.http_status = static_cast<int>(answer.status);
      detail.remote_code = ErrorType(answer);
      return Status(code, "GET " + url + " answered HTTP " + std::to_string(answer.status) + ": " + msg)
          .WithDetail(std::move(detail));
    }
    if (!answer.body.is_object()) return Status::Invalid("GET " + url + ": the answer is not a JSON object");
    return std::move(answer.body);
  }

  Result<HttpAnswer> Send(const char* method, const std::string& url, const std::string& form, const char* kind,
                          bool with_token) {
    http::Request request;
    request.method = method;
    request.url = url;
    request.body = form;
    request.kind = kind;
    request.headers.emplace_back(std::string_view(method) == "POST" ? "Content-Type: application/x-www-form-urlencoded"
                                                                    : "Accept: application/json");
    // Ask for vended storage credentials by default, as pyiceberg does; header.X-Iceberg-Access-Delegation= turns it
    // off.
    if (!props_.count("header.X-Iceberg-Access-Delegation")) {
      request.headers.emplace_back("X-Iceberg-Access-Delegation: vended-credentials");
    }
    for (const auto& [k, v] : props_) {
      if (k.rfind("header.", 0) == 0 && !v.empty()) request.headers.push_back(k.substr(7) + ": " + v);
    }
    http::FixedAuth none;
    ICEGRAPH_ASSIGN_OR_RAISE(http::Response r, with_token ? http_->Send(request, auth_) : http_->Send(request, none));
    HttpAnswer answer;
    answer.status = r.status;
    answer.text = std::move(r.body);
    answer.body = json::parse(answer.text, nullptr, /*allow_exceptions=*/false);
    if (answer.body.is_discarded()) answer.body = nullptr;
    return answer;
  }

  CatalogProperties props_;
  std::shared_ptr<FileIO> io_;
  std::string uri_;
  std::string base_;  // uri/v1[/prefix]
  std::string separator_;
  std::string basic_auth_;
  std::unique_ptr<http::HttpClient> http_;
  Auth auth_{*this};
  std::mutex mu_;  // guards token_, token_expiry_, table_io_
  std::string token_;
  Clock::time_point token_expiry_ = Clock::time_point::max();
  std::map<std::string, std::shared_ptr<FileIO>> table_io_;
};

Result<std::unique_ptr<Catalog>> MakeRestCatalog(const CatalogProperties& props) {
  if (Get(props, "uri").empty()) return Status::Invalid("the rest catalog needs a 'uri' (https://host/api/catalog)");
  auto catalog = std::make_unique<RestCatalog>(props);
  ICEGRAPH_RETURN_NOT_OK(catalog->Init());
  return std::unique_ptr<Catalog>(std::move(catalog));
}

}  // namespace

void RegisterRestCatalog() { RegisterCatalog("rest", MakeRestCatalog); }

}  // namespace icegraph::iceberg
