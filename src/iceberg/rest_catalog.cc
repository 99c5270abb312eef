// The Iceberg REST catalog (Polaris, Unity Catalog's Iceberg endpoint, ...) over libcurl: GET /v1/config, then
// /v1/{prefix}/namespaces/{ns}/tables/{t}; auth by a bearer `token` or OAuth2 client credentials (`credential`).
#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/log.h"
#include "iceberg/catalog.h"
#include "iceberg/metadata_json.h"

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string Escape(CURL* c, const std::string& s) {
  char* e = curl_easy_escape(c, s.c_str(), static_cast<int>(s.size()));
  std::string out = e != nullptr ? e : "";
  curl_free(e);
  return out;
}

class RestCatalog final : public Catalog {
 public:
  RestCatalog(CatalogProperties props, std::shared_ptr<FileIO> io) : props_(std::move(props)), io_(std::move(io)) {}

  Status Init() {
    uri_ = props_.at("uri");
    while (!uri_.empty() && uri_.back() == '/') uri_.pop_back();
    if (props_.count("token")) token_ = props_.at("token");
    if (props_.count("credential")) ICEGRAPH_RETURN_NOT_OK(FetchToken());
    std::string url = uri_ + "/v1/config";
    if (props_.count("warehouse")) url += "?warehouse=" + EscapeStr(props_.at("warehouse"));
    ICEGRAPH_ASSIGN_OR_RAISE(json config, Request("GET", url, ""));
    // Server defaults < client properties < server overrides (REST spec, GET /v1/config).
    for (const char* section : {"defaults", "overrides"}) {
      if (!config.contains(section)) continue;
      for (const auto& [k, v] : config[section].items()) {
        if (section == std::string("defaults") && props_.count(k)) continue;
        props_[k] = v.is_string() ? v.get<std::string>() : v.dump();
      }
    }
    if (props_.count("prefix") && !props_.at("prefix").empty()) prefix_ = "/" + props_.at("prefix");
    return Status::OK();
  }

  Result<TableMetadata> LoadTable(const TableIdentifier& id) override {
    const std::string url =
        uri_ + "/v1" + prefix_ + "/namespaces/" + NamespacePath(id.ns) + "/tables/" + EscapeStr(id.name);
    auto res = Request("GET", url, "");
    if (!res.ok()) return res.status().WithContext("loading table " + id.ToString());
    const json& body = *res;
    if (!body.contains("metadata"))
      return Status::Invalid("REST loadTable answer for " + id.ToString() + " has no metadata");
    const std::string location = body.value("metadata-location", "");
    return ParseTableMetadata(body["metadata"].dump(), location.empty() ? url : location);
  }

  Result<std::vector<TableIdentifier>> ListTables(const std::string& ns) override {
    ICEGRAPH_ASSIGN_OR_RAISE(
        json body, Request("GET", uri_ + "/v1" + prefix_ + "/namespaces/" + NamespacePath(ns) + "/tables", ""));
    std::vector<TableIdentifier> out;
    for (const json& i : body.value("identifiers", json::array())) out.push_back({ns, i.at("name").get<std::string>()});
    return out;
  }

  std::shared_ptr<FileIO> io() override { return io_; }

 private:
  std::string EscapeStr(const std::string& s) {
    std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
    return Escape(c.get(), s);
  }

  // Multi-level namespaces are joined by the unit separator (0x1F), as the REST spec says.
  std::string NamespacePath(const std::string& ns) {
    std::string joined = ns;
    for (char& ch : joined) ch = ch == '.' ? '\x1f' : ch;
    return EscapeStr(joined);
  }

  Status FetchToken() {
    const std::string cred = props_.at("credential");
    const size_t colon = cred.find(':');
    const std::string id = colon == std::string::npos ? "" : cred.substr(0, colon);
    const std::string secret = colon == std::string::npos ? cred : cred.substr(colon + 1);
    const std::string url =
        props_.count("oauth2-server-uri") ? props_.at("oauth2-server-uri") : uri_ + "/v1/oauth/tokens";
    const std::string scope = props_.count("scope") ? props_.at("scope") : "catalog";
    const std::string form = "grant_type=client_credentials&client_id=" + EscapeStr(id) +
                             "&client_secret=" + EscapeStr(secret) + "&scope=" + EscapeStr(scope);
    auto res = Request("POST", url, form, /*form=*/true);
    if (!res.ok()) return res.status().WithContext("OAuth2 token request to " + url);
    if (!res->contains("access_token"))
      return Status::Unauthorized("OAuth2 answer from " + url + " has no access_token");
    token_ = (*res)["access_token"].get<std::string>();
    log::Info("iceberg.rest.token", {{"url", url}, {"client_id", id}});
    return Status::OK();
  }

  Result<json> Request(const std::string& method, const std::string& url, const std::string& body, bool form = false) {
    std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
    if (!c) return Status::Internal("curl_easy_init failed");
    std::string response;
    curl_slist* raw_headers = nullptr;
    raw_headers = curl_slist_append(
        raw_headers, form ? "Content-Type: application/x-www-form-urlencoded" : "Content-Type: application/json");
    if (!token_.empty() && !form)
      raw_headers = curl_slist_append(raw_headers, ("Authorization: Bearer " + token_).c_str());
    for (const auto& [k, v] : props_) {
      if (k.rfind("header.", 0) == 0) raw_headers = curl_slist_append(raw_headers, (k.substr(7) + ": " + v).c_str());
    }
    std::unique_ptr<curl_slist, SlistDeleter> headers(raw_headers);
    curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, Append);
    curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, 60L);
    if (method == "POST") {
      curl_easy_setopt(c.get(), CURLOPT_POST, 1L);
      curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    const CURLcode rc = curl_easy_perform(c.get());
    if (rc != CURLE_OK) return Status::IOError(method + " " + url + ": " + curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
    const json doc = json::parse(response, nullptr, false);
    if (status < 200 || status >= 300) {
      std::string msg = response.substr(0, 300);
      if (!doc.is_discarded() && doc.contains("error") && doc["error"].is_object()) {
        msg = doc["error"].value("message", msg);
      }
      const StatusCode code = status == 404                      ? StatusCode::kNotFound
                              : (status == 401 || status == 403) ? StatusCode::kUnauthorized
                              : status >= 500                    ? StatusCode::kUnavailable
                                                                 : StatusCode::kInvalid;
      return Status(code, method + " " + url + " answered HTTP " + std::to_string(status) + ": " + msg);
    }
    if (doc.is_discarded()) return Status::Invalid(method + " " + url + ": the answer is not JSON");
    return doc;
  }

  CatalogProperties props_;
  std::shared_ptr<FileIO> io_;
  std::string uri_;
  std::string prefix_;
  std::string token_;
};

Result<std::unique_ptr<Catalog>> MakeRestCatalog(const CatalogProperties& props) {
  if (!props.count("uri")) return Status::Invalid("the rest catalog needs a 'uri' (https://host/api/catalog)");
  static std::once_flag curl_once;
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  ICEGRAPH_ASSIGN_OR_RAISE(auto io, FileIO::Make(props));
  auto catalog = std::make_unique<RestCatalog>(props, std::move(io));
  ICEGRAPH_RETURN_NOT_OK(catalog->Init());
  return std::unique_ptr<Catalog>(std::move(catalog));
}

}  // namespace

void RegisterRestCatalog() { RegisterCatalog("rest", MakeRestCatalog); }

}  // namespace icegraph::iceberg
