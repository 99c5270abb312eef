// The Iceberg REST catalog (Polaris, Unity Catalog's Iceberg endpoint, Lakekeeper, ...) over libcurl: GET /v1/config,
// then /v1/{prefix}/namespaces[/{ns}/tables[/{t}]]. Auth: a bearer `token`, or OAuth2 client credentials
// (`credential=id:secret`, `scope`, `oauth2-server-uri`) refreshed before expiry and once on 401/419.
// Tokens, secrets and vended storage credentials are never logged nor put in error messages.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "common/log.h"
#include "iceberg/catalog.h"
#include "iceberg/metadata_json.h"

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string Escape(const std::string& s) {
  char* e = curl_easy_escape(nullptr, s.c_str(), static_cast<int>(s.size()));
  std::string out = e != nullptr ? e : "";
  curl_free(e);
  return out;
}

std::string Get(const CatalogProperties& p, const std::string& key, const std::string& fallback = "") {
  const auto it = p.find(key);
  return it == p.end() ? fallback : it->second;
}

// JSON string values as they are, others as JSON text (config maps).
void MergeStrings(const json& obj, CatalogProperties* into) {
  if (!obj.is_object()) return;
  for (const auto& [k, v] : obj.items()) (*into)[k] = v.is_string() ? v.get<std::string>() : v.dump();
}

struct HttpAnswer {
  long status = 0;
  json body;  // null when the answer is not JSON
  std::string text;
};

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
    token_ = Get(props_, "token");
    if (props_.count("credential")) ICEGRAPH_RETURN_NOT_OK(FetchToken());
    std::string url = uri_ + "/v1/config";
    if (props_.count("warehouse")) url += "?warehouse=" + Escape(props_.at("warehouse"));
    ICEGRAPH_ASSIGN_OR_RAISE(json config, GetJson(url));
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
    auto body = GetJson(url);
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
        Paged(base_ + "/namespaces/" + NamespacePath(ns) + "/tables", "identifiers", [&](const json& i) {
          out.push_back({ns, i.at("name").get<std::string>()});
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
    const Status st = Paged(url, "namespaces", [&](const json& levels) {
      std::string name;
      for (const json& level : levels) name += (name.empty() ? "" : ".") + level.get<std::string>();
      if (!name.empty() && name != parent) found.push_back(name);
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
      ICEGRAPH_ASSIGN_OR_RAISE(json body, GetJson(page));
      try {
        for (const json& item : body.value(key, json::array())) each(item);
      } catch (const json::exception& e) {
        return Status::Invalid("GET " + page + ": unexpected '" + key + "' shape: " + e.what());
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
    for (const json& cred : body.value("storage-credentials", json::array())) {
      const std::string prefix = cred.value("prefix", "");
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
    ICEGRAPH_ASSIGN_OR_RAISE(HttpAnswer answer, Send("POST", url, form, /*with_token=*/false));
    if (answer.status < 200 || answer.status >= 300 || !answer.body.is_object() ||
        !answer.body.contains("access_token") || !answer.body["access_token"].is_string()) {
      const std::string what = "OAuth2 token request to " + url + " answered HTTP " + std::to_string(answer.status) +
                               ": " + ErrorMessage(answer);
      if (answer.status >= 500) return Status::Unavailable(what);
      return Status::Unauthorized(what + "; check 'credential' and 'scope'");
    }
    const std::lock_guard<std::mutex> lock(mu_);
    token_ = answer.body["access_token"].get<std::string>();
    const int64_t expires_in = answer.body.value("expires_in", int64_t{0});
    // Refresh a minute early so a request never carries an expired token.
    token_expiry_ = expires_in > 0 ? Clock::now() + std::chrono::seconds(std::max<int64_t>(expires_in - 60, 1))
                                   : Clock::time_point::max();
    log::Info("iceberg.rest.token", {{"url", url}, {"client_id", client_id}, {"expires_in", expires_in}});
    return Status::OK();
  }

  bool TokenExpired() {
    const std::lock_guard<std::mutex> lock(mu_);
    return Clock::now() >= token_expiry_;
  }

  Result<json> GetJson(const std::string& url) {
    const bool refreshable = props_.count("credential") > 0;
    if (refreshable && TokenExpired()) ICEGRAPH_RETURN_NOT_OK(FetchToken());
    ICEGRAPH_ASSIGN_OR_RAISE(HttpAnswer answer, Send("GET", url, "", /*with_token=*/true));
    if ((answer.status == 401 || answer.status == 419) && refreshable) {
      ICEGRAPH_RETURN_NOT_OK(FetchToken());  // the token may have been revoked or expired early
      ICEGRAPH_ASSIGN_OR_RAISE(answer, Send("GET", url, "", /*with_token=*/true));
    }
    if (answer.status < 200 || answer.status >= 300) {
      const std::string msg = ErrorMessage(answer);
      const StatusCode code = answer.status == 404                             ? StatusCode::kNotFound
                              : (answer.status == 401 || answer.status == 403) ? StatusCode::kUnauthorized
                              : answer.status >= 500                           ? StatusCode::kUnavailable
                                                                               : StatusCode::kInvalid;
      return Status(code, "GET " + url + " answered HTTP " + std::to_string(answer.status) + ": " + msg);
    }
    if (!answer.body.is_object()) return Status::Invalid("GET " + url + ": the answer is not a JSON object");
    return std::move(answer.body);
  }

  Result<HttpAnswer> Send(const std::string& method, const std::string& url, const std::string& form, bool with_token) {
    const std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
    if (!c) return Status::Internal("curl_easy_init failed");
    curl_slist* raw = nullptr;
    const auto add = [&raw](const std::string& h) { raw = curl_slist_append(raw, h.c_str()); };
    add(method == "POST" ? "Content-Type: application/x-www-form-urlencoded" : "Accept: application/json");
    {
      const std::lock_guard<std::mutex> lock(mu_);
      if (with_token && !token_.empty()) add("Authorization: Bearer " + token_);
    }
    // Ask for vended storage credentials by default, as pyiceberg does; header.X-Iceberg-Access-Delegation= turns it
    // off.
    if (!props_.count("header.X-Iceberg-Access-Delegation")) add("X-Iceberg-Access-Delegation: vended-credentials");
    for (const auto& [k, v] : props_) {
      if (k.rfind("header.", 0) == 0 && !v.empty()) add(k.substr(7) + ": " + v);
    }
    const std::unique_ptr<curl_slist, SlistDeleter> headers(raw);
    HttpAnswer answer;
    curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, AppendBody);
    curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &answer.text);
    curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c.get(), CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
    if (!basic_auth_.empty() && with_token && token_.empty()) {
      curl_easy_setopt(c.get(), CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(c.get(), CURLOPT_USERPWD, basic_auth_.c_str());
    }
    for (const auto& [key, option] :
         {std::pair{"ssl.cabundle", CURLOPT_CAINFO}, std::pair{"ssl.client.cert", CURLOPT_SSLCERT},
          std::pair{"ssl.client.key", CURLOPT_SSLKEY}}) {
      if (props_.count(key)) curl_easy_setopt(c.get(), option, props_.at(key).c_str());
    }
    if (method == "POST") {
      curl_easy_setopt(c.get(), CURLOPT_POST, 1L);
      curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, form.c_str());
      curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(form.size()));
    }
    const CURLcode rc = curl_easy_perform(c.get());
    if (rc != CURLE_OK) return Status::Unavailable(method + " " + url + ": " + curl_easy_strerror(rc));
    curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &answer.status);
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
  std::mutex mu_;  // guards token_, token_expiry_, table_io_
  std::string token_;
  Clock::time_point token_expiry_ = Clock::time_point::max();
  std::map<std::string, std::shared_ptr<FileIO>> table_io_;
};

Result<std::unique_ptr<Catalog>> MakeRestCatalog(const CatalogProperties& props) {
  if (Get(props, "uri").empty()) return Status::Invalid("the rest catalog needs a 'uri' (https://host/api/catalog)");
  static std::once_flag curl_once;
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  auto catalog = std::make_unique<RestCatalog>(props);
  ICEGRAPH_RETURN_NOT_OK(catalog->Init());
  return std::unique_ptr<Catalog>(std::move(catalog));
}

}  // namespace

void RegisterRestCatalog() { RegisterCatalog("rest", MakeRestCatalog); }

}  // namespace icegraph::iceberg
