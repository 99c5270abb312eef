#include "mapping/config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/log.h"
#include "mapping/gsql_gen.h"
#include "mapping/type_matrix.h"

namespace icegraph::mapping {
namespace {

using Strings = std::vector<std::string>;

std::string Join(const Strings& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::optional<std::string> GetEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): read once at startup
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

std::string Sub(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}
std::string Index(const std::string& path, size_t i) { return fmt::format("{}[{}]", path, i); }

// Reads one parsed YAML document into a Config, checking as it goes.
class Reader {
 public:
  Reader(Config* cfg, EnvLookup env) : cfg_(cfg), env_(env) {}

  Status Err(const YAML::Node& n, const std::string& path, std::string_view msg) const {
    return cfg_->ErrorAt(Loc(n, path), msg);
  }
  static ConfigLoc Loc(const YAML::Node& n, const std::string& path) {
    return ConfigLoc{n.Mark().line >= 0 ? n.Mark().line + 1 : 0, path};
  }

  Status CheckMap(const YAML::Node& n, const std::string& path, const Strings& allowed) const {
    if (!n.IsMap()) return Err(n, path, "expected a mapping");
    for (const auto& kv : n) {
      const std::string key = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        const std::string near = Nearest(key, allowed);
        return Err(kv.first, Sub(path, key),
                   fmt::format("unknown key ({}allowed: {})", near.empty() ? "" : "did you mean '" + near + "'? ",
                               Join(allowed)));
      }
    }
    return UniqueKeys(n, path);
  }

  // yaml-cpp keeps both entries of a key written twice and reads the first: refuse it instead.
  Status UniqueKeys(const YAML::Node& n, const std::string& path) const {
    std::map<std::string, int> seen;
    for (const auto& kv : n) {
      const std::string key = kv.first.Scalar();
      const auto [it, inserted] = seen.emplace(key, kv.first.Mark().line + 1);
      if (!inserted) return Err(kv.first, Sub(path, key), fmt::format("given twice (first at line {})", it->second));
    }
    return Status::OK();
  }

  // The allowed key within two edits of `key` (a typo), or "".
  static std::string Nearest(const std::string& key, const Strings& allowed) {
    std::string best;
    size_t best_d = 3;
    for (const std::string& a : allowed) {
      // Levenshtein distance, one row at a time.
      std::vector<size_t> row(a.size() + 1);
      for (size_t j = 0; j <= a.size(); ++j) row[j] = j;
      for (size_t i = 1; i <= key.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= a.size(); ++j) {
          const size_t up = row[j];
          row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (key[i - 1] == a[j - 1] ? 0 : 1)});
          diag = up;
        }
      }
      if (row[a.size()] < best_d) {
        best_d = row[a.size()];
        best = a;
      }
    }
    return best;
  }

  Result<std::string> Str(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar()) return Err(n, path, "expected a scalar value");
    auto v = InterpolateEnv(n.Scalar(), env_);
    if (!v.ok()) {
      // These errors quote the value or part of it: never a secret's (only a missing variable's name is safe).
      if (IsSecretPath(path) && v.status().message().rfind("environment variable ", 0) != 0) {
        return Err(n, path, "invalid ${...} in the value (not shown: it is a secret)");
      }
      return Err(n, path, v.status().message());
    }
    return v;
  }

  static bool IsSecretPath(const std::string& path) {
    for (const char* s : {"password", "secret", "token", "state.url", "credential"}) {
      if (path.find(s) != std::string::npos) return true;
    }
    return false;
  }

  Result<std::string> RequiredStr(const YAML::Node& parent, const std::string& parent_path, const char* key) const {
    const YAML::Node n = parent[key];
    if (!n) return Err(parent, Sub(parent_path, key), "required");
    ICEGRAPH_ASSIGN_OR_RAISE(std::string v, Str(n, Sub(parent_path, key)));
    if (v.empty()) return Err(n, Sub(parent_path, key), "must not be empty");
    return v;
  }

  Result<bool> Bool(const YAML::Node& n, const std::string& path) const {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string v, Str(n, path));
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "true" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "no" || v == "off") return false;
    return Err(n, path, fmt::format("expected true or false, got '{}'", v));
  }

  Result<int64_t> Int(const YAML::Node& n, const std::string& path, int64_t min) const {
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string v, Str(n, path));
    int64_t out = 0;
    size_t used = 0;
    try {
      out = std::stoll(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != v.size()) return Err(n, path, fmt::format("expected an integer, got '{}'", v));
    if (out < min) return Err(n, path, fmt::format("must be at least {}, got {}", min, out));
    return out;
  }

  Status Identifier(const YAML::Node& n, const std::string& path, const std::string& name) const {
    if (IsValidGsqlIdentifier(name)) return Status::OK();
    if (IsGsqlReservedWord(name)) return Err(n, path, fmt::format("'{}' is a GSQL reserved word", name));
    return Err(n, path, fmt::format("'{}' is not a valid identifier ([A-Za-z_][A-Za-z0-9_]*)", name));
  }

  Status Catalog(const YAML::Node& n, const std::string& path) {
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path, {"type", "uri", "warehouse", "name", "properties"}));
    CatalogConfig& c = cfg_->catalog;
    ICEGRAPH_ASSIGN_OR_RAISE(c.type, RequiredStr(n, path, "type"));
    if (c.type != "sql" && c.type != "rest" && c.type != "hadoop") {
      return Err(n["type"], Sub(path, "type"), fmt::format("must be sql, rest or hadoop, got '{}'", c.type));
    }
    if (n["uri"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(c.uri, Str(n["uri"], Sub(path, "uri")));
    }
    if (n["warehouse"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(c.warehouse, Str(n["warehouse"], Sub(path, "warehouse")));
    }
    if (n["name"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(c.name, Str(n["name"], Sub(path, "name")));
    }
    if (c.type != "hadoop" && c.uri.empty()) return Err(n, Sub(path, "uri"), "required for a sql or rest catalog");
    if (c.type == "hadoop" && c.warehouse.empty()) {
      return Err(n, Sub(path, "warehouse"), "required for a hadoop catalog");
    }
    if (const YAML::Node p = n["properties"]; p) {
      const std::string ppath = Sub(path, "properties");
      if (!p.IsMap()) return Err(p, ppath, "expected a mapping");
      ICEGRAPH_RETURN_NOT_OK(UniqueKeys(p, ppath));
      for (const auto& kv : p) {
        const std::string key = kv.first.Scalar();
        ICEGRAPH_ASSIGN_OR_RAISE(c.properties[key], Str(kv.second, Sub(ppath, key)));
      }
    }
    return Status::OK();
  }

  Status TigerGraph(const YAML::Node& n, const std::string& path) {
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path,
                                    {"urls", "graph", "username", "password", "secret", "token", "verify_tls",
                                     "ca_bundle", "timeout_s", "connect_timeout_s", "concurrency", "retry"}));
    TigerGraphConfig& t = cfg_->tigergraph;
    const YAML::Node urls = n["urls"];
    const std::string upath = Sub(path, "urls");
    if (!urls) return Err(n, upath, "required");
    if (urls.IsScalar()) {
      ICEGRAPH_ASSIGN_OR_RAISE(std::string u, Str(urls, upath));
      t.urls.push_back(std::move(u));
    } else if (urls.IsSequence()) {
      for (size_t i = 0; i < urls.size(); ++i) {
        ICEGRAPH_ASSIGN_OR_RAISE(std::string u, Str(urls[i], Index(upath, i)));
        t.urls.push_back(std::move(u));
      }
    } else {
      return Err(urls, upath, "expected a list of URLs");
    }
    if (t.urls.empty()) return Err(urls, upath, "needs at least one URL");
    for (size_t i = 0; i < t.urls.size(); ++i) {
      if (t.urls[i].rfind("http://", 0) != 0 && t.urls[i].rfind("https://", 0) != 0) {
        return Err(urls.IsSequence() ? urls[i] : urls, Index(upath, i),
                   fmt::format("'{}' is not an http:// or https:// URL", t.urls[i]));
      }
    }
    ICEGRAPH_ASSIGN_OR_RAISE(t.graph, RequiredStr(n, path, "graph"));
    ICEGRAPH_RETURN_NOT_OK(Identifier(n["graph"], Sub(path, "graph"), t.graph));
    for (const auto& [key, field] :
         {std::pair{"username", &t.username}, std::pair{"password", &t.password}, std::pair{"secret", &t.secret},
          std::pair{"token", &t.token}, std::pair{"ca_bundle", &t.ca_bundle}}) {
      if (n[key]) {
        ICEGRAPH_ASSIGN_OR_RAISE(*field, Str(n[key], Sub(path, key)));
      }
    }
    if (n["verify_tls"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(t.verify_tls, Bool(n["verify_tls"], Sub(path, "verify_tls")));
    }
    if (!t.ca_bundle.empty()) {
      // Relative to the config file, as the state database is; checked now rather than at the first request.
      std::filesystem::path ca(t.ca_bundle);
      if (ca.is_relative()) ca = std::filesystem::path(cfg_->config_dir) / ca;
      t.ca_bundle = ca.lexically_normal().string();
      if (!std::ifstream(t.ca_bundle).good()) {
        return Err(n["ca_bundle"], Sub(path, "ca_bundle"), fmt::format("cannot read '{}'", t.ca_bundle));
      }
    }
    if (n["timeout_s"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, Int(n["timeout_s"], Sub(path, "timeout_s"), 1));
      t.timeout_s = static_cast<int>(std::min<int64_t>(v, 86400 * 7));
    }
    if (n["connect_timeout_s"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, Int(n["connect_timeout_s"], Sub(path, "connect_timeout_s"), 1));
      t.connect_timeout_s = static_cast<int>(std::min<int64_t>(v, 3600));
    }
    if (n["concurrency"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, Int(n["concurrency"], Sub(path, "concurrency"), 1));
      t.concurrency = static_cast<int>(std::min<int64_t>(v, 1024));
    }
    if (n["retry"]) return Retry(n["retry"], Sub(path, "retry"));
    return Status::OK();
  }

  Status Retry(const YAML::Node& n, const std::string& path) {
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path,
                                    {"max_attempts", "initial_backoff_ms", "max_backoff_ms", "request_budget_s",
                                     "breaker_after_s", "adaptive_concurrency"}));
    RetryConfig& r = cfg_->tigergraph.retry;
    if (n["max_attempts"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, Int(n["max_attempts"], Sub(path, "max_attempts"), 1));
      r.max_attempts = static_cast<int>(std::min<int64_t>(v, 1000));
    }
    for (const auto& [key, field] :
         {std::pair{"initial_backoff_ms", &r.initial_backoff_ms}, std::pair{"max_backoff_ms", &r.max_backoff_ms},
          std::pair{"request_budget_s", &r.request_budget_s}, std::pair{"breaker_after_s", &r.breaker_after_s}}) {
      if (n[key]) {
        ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, Int(n[key], Sub(path, key), 1));
        *field = std::min<int64_t>(v, int64_t{86400} * 1000);
      }
    }
    if (r.max_backoff_ms < r.initial_backoff_ms) {
      return Err(n["max_backoff_ms"] ? n["max_backoff_ms"] : n, Sub(path, "max_backoff_ms"),
                 fmt::format("must be at least initial_backoff_ms ({})", r.initial_backoff_ms));
    }
    if (n["adaptive_concurrency"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(r.adaptive_concurrency,
                               Bool(n["adaptive_concurrency"], Sub(path, "adaptive_concurrency")));
    }
    return Status::OK();
  }

  Status State(const YAML::Node& n, const std::string& path) {
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path, {"url"}));
    if (n["url"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(cfg_->state.url, Str(n["url"], Sub(path, "url")));
    }
    const std::string& url = cfg_->state.url;
    if (!url.empty() && url.rfind("sqlite://", 0) != 0 && url.rfind("postgresql://", 0) != 0 &&
        url.rfind("postgres://", 0) != 0) {
      // The URL is not quoted: it may hold a password.
      return Err(n["url"], Sub(path, "url"), "must start with sqlite://, postgresql:// or postgres://");
    }
    return Status::OK();
  }

  Status Sync(const YAML::Node& n, const std::string& path) {
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path, {"on_gap", "verify_deletes", "updated_at_column", "validate"}));
    if (n["validate"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string v, Str(n["validate"], Sub(path, "validate")));
      if (v != "after_sync" && v != "off") {
        return Err(n["validate"], Sub(path, "validate"), fmt::format("must be after_sync or off, got '{}'", v));
      }
      cfg_->sync.validate_after_sync = v == "after_sync";
    }
    if (n["updated_at_column"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(cfg_->sync.updated_at_column,
                               Str(n["updated_at_column"], Sub(path, "updated_at_column")));
    }
    if (n["verify_deletes"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(cfg_->sync.verify_deletes, Bool(n["verify_deletes"], Sub(path, "verify_deletes")));
    }
    if (n["on_gap"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string g, Str(n["on_gap"], Sub(path, "on_gap")));
      if (g == "resync") {
        cfg_->sync.on_gap = OnGap::kResync;
      } else if (g == "fail") {
        cfg_->sync.on_gap = OnGap::kFail;
      } else {
        return Err(n["on_gap"], Sub(path, "on_gap"), fmt::format("must be resync or fail, got '{}'", g));
      }
    }
    return Status::OK();
  }

  Status Service(const YAML::Node& n, const std::string& path) {
    ICEGRAPH_RETURN_NOT_OK(
        CheckMap(n, path, {"token", "auth_reads", "cors_origins", "sync_wait_s", "page_limit_max", "threads"}));
    ServiceConfig& s = cfg_->service;
    if (n["token"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(s.token, Str(n["token"], Sub(path, "token")));
    }
    if (n["auth_reads"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(s.auth_reads, Bool(n["auth_reads"], Sub(path, "auth_reads")));
    }
    if (const YAML::Node o = n["cors_origins"]; o) {
      if (!o.IsSequence()) return Err(o, Sub(path, "cors_origins"), "expected a list of origins");
      for (size_t i = 0; i < o.size(); ++i) {
        const std::string opath = fmt::format("{}[{}]", Sub(path, "cors_origins"), i);
        ICEGRAPH_ASSIGN_OR_RAISE(std::string origin, Str(o[i], opath));
        if (origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0) {
          return Err(o[i], opath, fmt::format("'{}' is not an origin like https://host[:port]", origin));
        }
        s.cors_origins.push_back(std::move(origin));
      }
    }
    if (n["sync_wait_s"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(s.sync_wait_s, Int(n["sync_wait_s"], Sub(path, "sync_wait_s"), 0));
    }
    if (n["page_limit_max"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(s.page_limit_max, Int(n["page_limit_max"], Sub(path, "page_limit_max"), 1));
    }
    if (n["threads"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, Int(n["threads"], Sub(path, "threads"), 1));
      s.threads = static_cast<int>(std::min<int64_t>(v, 1024));
    }
    return Status::OK();
  }

  Status Sink(const YAML::Node& n, const std::string& path) {
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path, {"mode", "bulk_threshold_rows", "chunk_mb", "vertex_must_exist"}));
    SinkConfig& s = cfg_->sink;
    if (n["mode"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string m, Str(n["mode"], Sub(path, "mode")));
      if (m == "auto") {
        s.mode = SinkMode::kAuto;
      } else if (m == "bulk") {
        s.mode = SinkMode::kBulk;
      } else if (m == "upsert") {
        s.mode = SinkMode::kUpsert;
      } else {
        return Err(n["mode"], Sub(path, "mode"), fmt::format("must be auto, bulk or upsert, got '{}'", m));
      }
    }
    if (n["bulk_threshold_rows"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(s.bulk_threshold_rows,
                               Int(n["bulk_threshold_rows"], Sub(path, "bulk_threshold_rows"), 0));
    }
    if (n["chunk_mb"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string v, Str(n["chunk_mb"], Sub(path, "chunk_mb")));
      char* end = nullptr;
      const double mb = std::strtod(v.c_str(), &end);
      if (end != v.c_str() + v.size() || v.empty() || !(mb >= 0.01 && mb <= 1024)) {
        return Err(n["chunk_mb"], Sub(path, "chunk_mb"),
                   fmt::format("expected a number from 0.01 to 1024, got '{}'", v));
      }
      s.chunk_mb = mb;
    }
    if (n["vertex_must_exist"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(s.vertex_must_exist, Bool(n["vertex_must_exist"], Sub(path, "vertex_must_exist")));
    }
    return Status::OK();
  }

  Result<IdSpec> Id(const YAML::Node& n, const std::string& path) const {
    IdSpec id;
    id.loc = Loc(n, path);
    if (n.IsScalar()) {
      ICEGRAPH_ASSIGN_OR_RAISE(std::string c, Str(n, path));
      if (c.empty()) return Err(n, path, "must not be empty");
      id.columns.push_back(std::move(c));
      return id;
    }
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path, {"columns", "separator"}));
    const YAML::Node cols = n["columns"];
    const std::string cpath = Sub(path, "columns");
    if (!cols) return Err(n, cpath, "required");
    if (!cols.IsSequence() || cols.size() == 0) return Err(cols, cpath, "expected a non-empty list of columns");
    for (size_t i = 0; i < cols.size(); ++i) {
      ICEGRAPH_ASSIGN_OR_RAISE(std::string c, Str(cols[i], Index(cpath, i)));
      if (c.empty()) return Err(cols[i], Index(cpath, i), "must not be empty");
      id.columns.push_back(std::move(c));
    }
    if (n["separator"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(id.separator, Str(n["separator"], Sub(path, "separator")));
    }
    return id;
  }

  Result<std::vector<AttributeSpec>> Attributes(const YAML::Node& n, const std::string& path) const {
    std::vector<AttributeSpec> out;
    if (!n.IsMap()) return Err(n, path, "expected a mapping of attribute: expression");
    for (const auto& kv : n) {
      AttributeSpec a;
      a.name = kv.first.Scalar();
      const std::string apath = Sub(path, a.name);
      a.loc = Loc(kv.second, apath);
      ICEGRAPH_RETURN_NOT_OK(Identifier(kv.first, apath, a.name));
      if (a.name == "id") return Err(kv.first, apath, "'id' is the primary id attribute; choose another name");
      for (const AttributeSpec& prev : out) {
        if (prev.name == a.name) return Err(kv.first, apath, "attribute given twice");
      }
      if (kv.second.IsScalar()) {
        ICEGRAPH_ASSIGN_OR_RAISE(a.expr, Str(kv.second, apath));
      } else {
        ICEGRAPH_RETURN_NOT_OK(CheckMap(kv.second, apath, {"expr", "type"}));
        ICEGRAPH_ASSIGN_OR_RAISE(a.expr, RequiredStr(kv.second, apath, "expr"));
        if (kv.second["type"]) {
          ICEGRAPH_ASSIGN_OR_RAISE(std::string t, Str(kv.second["type"], Sub(apath, "type")));
          auto parsed = ParseTgType(t);
          if (!parsed.ok()) return Err(kv.second["type"], Sub(apath, "type"), parsed.status().message());
          a.type = parsed->ToGsql();
        }
      }
      if (a.expr.empty()) return Err(kv.second, apath, "the expression must not be empty");
      out.push_back(std::move(a));
    }
    return out;
  }

  Status Defaults(const YAML::Node& n, const std::string& path, const std::vector<AttributeSpec>& attrs,
                  std::map<std::string, std::string>* out, std::map<std::string, ConfigLoc>* locs) const {
    if (!n.IsMap()) return Err(n, path, "expected a mapping of attribute: value");
    ICEGRAPH_RETURN_NOT_OK(UniqueKeys(n, path));
    for (const auto& kv : n) {
      const std::string name = kv.first.Scalar();
      const std::string dpath = Sub(path, name);
      const bool known =
          std::any_of(attrs.begin(), attrs.end(), [&](const AttributeSpec& a) { return a.name == name; });
      if (!known) return Err(kv.first, dpath, fmt::format("'{}' is not an attribute of this mapping", name));
      ICEGRAPH_ASSIGN_OR_RAISE((*out)[name], Str(kv.second, dpath));
      (*locs)[name] = Loc(kv.second, dpath);
    }
    return Status::OK();
  }

  // `owner:` decided who deleted before every mapped type was reconciled; it is still read so old files load.
  Status Owner(const YAML::Node& n, const std::string& path) const {
    if (!n["owner"]) return Status::OK();
    ICEGRAPH_ASSIGN_OR_RAISE(const bool owner, Bool(n["owner"], Sub(path, "owner")));
    log::Warn("config_deprecated", {{"field", Sub(path, "owner")},
                                    {"value", owner},
                                    {"reason", "every mapped type is reconciled; owner has no effect"}});
    return Status::OK();
  }

  Result<VertexSpec> Vertex(const YAML::Node& n, const std::string& path) const {
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path, {"type", "id", "attributes", "defaults", "owner"}));
    VertexSpec v;
    ICEGRAPH_RETURN_NOT_OK(Owner(n, path));
    v.loc = Loc(n, path);
    ICEGRAPH_ASSIGN_OR_RAISE(v.type, RequiredStr(n, path, "type"));
    ICEGRAPH_RETURN_NOT_OK(Identifier(n["type"], Sub(path, "type"), v.type));
    if (!n["id"]) return Err(n, Sub(path, "id"), "required");
    ICEGRAPH_ASSIGN_OR_RAISE(v.id, Id(n["id"], Sub(path, "id")));
    if (n["attributes"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(v.attributes, Attributes(n["attributes"], Sub(path, "attributes")));
    }
    if (n["defaults"]) {
      ICEGRAPH_RETURN_NOT_OK(
          Defaults(n["defaults"], Sub(path, "defaults"), v.attributes, &v.defaults, &v.default_locs));
    }
    return v;
  }

  Result<EndpointSpec> Endpoint(const YAML::Node& n, const std::string& path) const {
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path, {"type", "id"}));
    EndpointSpec e;
    e.loc = Loc(n, path);
    ICEGRAPH_ASSIGN_OR_RAISE(e.type, RequiredStr(n, path, "type"));
    ICEGRAPH_RETURN_NOT_OK(Identifier(n["type"], Sub(path, "type"), e.type));
    if (!n["id"]) return Err(n, Sub(path, "id"), "required");
    ICEGRAPH_ASSIGN_OR_RAISE(e.id, Id(n["id"], Sub(path, "id")));
    return e;
  }

  Result<EdgeSpec> Edge(const YAML::Node& n, const std::string& path) const {
    ICEGRAPH_RETURN_NOT_OK(
        CheckMap(n, path, {"type", "from", "to", "attributes", "defaults", "discriminator", "directed", "owner"}));
    EdgeSpec e;
    ICEGRAPH_RETURN_NOT_OK(Owner(n, path));
    e.loc = Loc(n, path);
    ICEGRAPH_ASSIGN_OR_RAISE(e.type, RequiredStr(n, path, "type"));
    ICEGRAPH_RETURN_NOT_OK(Identifier(n["type"], Sub(path, "type"), e.type));
    if (!n["from"]) return Err(n, Sub(path, "from"), "required");
    if (!n["to"]) return Err(n, Sub(path, "to"), "required");
    ICEGRAPH_ASSIGN_OR_RAISE(e.from, Endpoint(n["from"], Sub(path, "from")));
    ICEGRAPH_ASSIGN_OR_RAISE(e.to, Endpoint(n["to"], Sub(path, "to")));
    if (n["attributes"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(e.attributes, Attributes(n["attributes"], Sub(path, "attributes")));
    }
    if (n["defaults"]) {
      ICEGRAPH_RETURN_NOT_OK(
          Defaults(n["defaults"], Sub(path, "defaults"), e.attributes, &e.defaults, &e.default_locs));
    }
    if (n["directed"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(e.directed, Bool(n["directed"], Sub(path, "directed")));
    }
    if (const YAML::Node d = n["discriminator"]; d) {
      const std::string dpath = Sub(path, "discriminator");
      e.discriminator_loc = Loc(d, dpath);
      if (!d.IsSequence()) return Err(d, dpath, "expected a list of attribute names");
      for (size_t i = 0; i < d.size(); ++i) {
        ICEGRAPH_ASSIGN_OR_RAISE(std::string name, Str(d[i], Index(dpath, i)));
        const bool known = std::any_of(e.attributes.begin(), e.attributes.end(),
                                       [&](const AttributeSpec& a) { return a.name == name; });
        if (!known) return Err(d[i], Index(dpath, i), fmt::format("'{}' is not an attribute of this edge", name));
        if (std::find(e.discriminator.begin(), e.discriminator.end(), name) != e.discriminator.end()) {
          return Err(d[i], Index(dpath, i), fmt::format("'{}' is listed twice", name));
        }
        e.discriminator.push_back(std::move(name));
      }
    }
    return e;
  }

  Status Mappings(const YAML::Node& n, const std::string& path) {
    if (!n.IsSequence() || n.size() == 0) return Err(n, path, "expected a non-empty list of table mappings");
    for (size_t i = 0; i < n.size(); ++i) {
      const YAML::Node m = n[i];
      const std::string mpath = Index(path, i);
      ICEGRAPH_RETURN_NOT_OK(CheckMap(m, mpath, {"table", "where", "vertices", "edges"}));
      MappingSpec spec;
      spec.loc = Loc(m, mpath);
      ICEGRAPH_ASSIGN_OR_RAISE(spec.table, RequiredStr(m, mpath, "table"));
      for (const MappingSpec& prev : cfg_->mappings) {
        if (prev.table == spec.table) {
          return Err(m["table"], Sub(mpath, "table"),
                     fmt::format("table '{}' is mapped twice (first at line {}); put both in one mapping", spec.table,
                                 prev.loc.line));
        }
      }
      if (m["where"]) {
        spec.where_loc = Loc(m["where"], Sub(mpath, "where"));
        ICEGRAPH_ASSIGN_OR_RAISE(std::string w, Str(m["where"], Sub(mpath, "where")));
        if (!w.empty()) spec.where = std::move(w);
      }
      for (const char* list : {"vertices", "edges"}) {
        const YAML::Node l = m[list];
        if (!l) continue;
        const std::string lpath = Sub(mpath, list);
        if (!l.IsSequence()) return Err(l, lpath, "expected a list");
        for (size_t j = 0; j < l.size(); ++j) {
          if (list[0] == 'v') {
            ICEGRAPH_ASSIGN_OR_RAISE(VertexSpec v, Vertex(l[j], Index(lpath, j)));
            spec.vertices.push_back(std::move(v));
          } else {
            ICEGRAPH_ASSIGN_OR_RAISE(EdgeSpec e, Edge(l[j], Index(lpath, j)));
            spec.edges.push_back(std::move(e));
          }
        }
      }
      if (spec.vertices.empty() && spec.edges.empty()) return Err(m, mpath, "maps no vertices and no edges");
      cfg_->mappings.push_back(std::move(spec));
    }
    return Status::OK();
  }

  Status Aliases(const YAML::Node& n, const std::string& path) {
    if (!n.IsMap()) return Err(n, path, "expected a mapping of alias: type");
    ICEGRAPH_RETURN_NOT_OK(UniqueKeys(n, path));
    for (const auto& kv : n) {
      const std::string alias = kv.first.Scalar();
      const std::string apath = Sub(path, alias);
      const bool valid = !alias.empty() && std::all_of(alias.begin(), alias.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '_' || c == '-';
      });
      if (!valid) return Err(kv.first, apath, fmt::format("'{}' is not a valid alias ([A-Za-z0-9_-]+)", alias));
      ICEGRAPH_ASSIGN_OR_RAISE(std::string type, Str(kv.second, apath));
      alias_nodes_.push_back(kv.second);
      cfg_->aliases.emplace_back(alias, std::move(type));
    }
    return Status::OK();
  }

  // Checks across mappings: one definition per type name, edge endpoints mapped, aliases naming mapped types.
  Status CrossCheck() const {
    std::map<std::string, const VertexSpec*> vertices;
    std::map<std::string, const EdgeSpec*> edges;
    for (const MappingSpec& m : cfg_->mappings) {
      for (const VertexSpec& v : m.vertices) vertices.emplace(v.type, &v);
    }
    for (const MappingSpec& m : cfg_->mappings) {
      for (const EdgeSpec& e : m.edges) {
        const std::string tpath = Sub(e.loc.path, "type");
        if (vertices.count(e.type) > 0) {
          return cfg_->ErrorAt(e.loc, fmt::format("'{}' is mapped as a vertex type (line {}) and as an edge type",
                                                  e.type, vertices[e.type]->loc.line));
        }
        const auto [it, inserted] = edges.emplace(e.type, &e);
        if (!inserted) {
          const EdgeSpec& p = *it->second;
          Strings pa;
          Strings ea;
          for (const AttributeSpec& a : p.attributes) pa.push_back(a.name);
          for (const AttributeSpec& a : e.attributes) ea.push_back(a.name);
          if (p.from.type != e.from.type || p.to.type != e.to.type || p.directed != e.directed ||
              p.discriminator != e.discriminator || pa != ea) {
            return cfg_->ErrorAt(e.loc, fmt::format("edge type '{}' is defined differently at line {} (from/to, "
                                                    "directed, attributes and discriminator must match)",
                                                    e.type, p.loc.line));
          }
        }
        for (const EndpointSpec* ep : {&e.from, &e.to}) {
          if (vertices.count(ep->type) == 0) {
            return cfg_->ErrorAt(ConfigLoc{ep->loc.line, Sub(ep->loc.path, "type")},
                                 fmt::format("vertex type '{}' is not mapped by any table", ep->type));
          }
        }
      }
    }
    for (size_t i = 0; i < cfg_->aliases.size(); ++i) {
      const auto& [alias, type] = cfg_->aliases[i];
      if (vertices.count(type) == 0 && edges.count(type) == 0) {
        return Err(alias_nodes_[i], Sub("aliases", alias),
                   fmt::format("'{}' is not a mapped vertex or edge type", type));
      }
      if (alias != type && (vertices.count(alias) > 0 || edges.count(alias) > 0)) {
        return Err(alias_nodes_[i], Sub("aliases", alias),
                   fmt::format("'{}' is the name of a mapped type; it cannot be an alias of '{}'", alias, type));
      }
    }
    // Loading-job names are the table names with other characters as '_': two tables must not share one.
    std::map<std::string, const MappingSpec*> jobs;
    for (const MappingSpec& m : cfg_->mappings) {
      const auto [it, inserted] = jobs.emplace(LoadingJobName(m.table), &m);
      if (!inserted) {
        return cfg_->ErrorAt(ConfigLoc{m.loc.line, Sub(m.loc.path, "table")},
                             fmt::format("tables '{}' (line {}) and '{}' both get the loading job name {}",
                                         it->second->table, it->second->loc.line, m.table, it->first));
      }
    }
    return Status::OK();
  }

  Status Root(const YAML::Node& root) {
    ICEGRAPH_RETURN_NOT_OK(
        CheckMap(root, "", {"catalog", "tigergraph", "state", "sink", "sync", "service", "mappings", "aliases"}));
    for (const char* key : {"catalog", "tigergraph", "mappings"}) {
      if (!root[key]) return Err(root, key, "required");
    }
    ICEGRAPH_RETURN_NOT_OK(Catalog(root["catalog"], "catalog"));
    ICEGRAPH_RETURN_NOT_OK(TigerGraph(root["tigergraph"], "tigergraph"));
    if (root["state"]) ICEGRAPH_RETURN_NOT_OK(State(root["state"], "state"));
    if (cfg_->state.url.empty()) {
      cfg_->state.url = "sqlite://" + (std::filesystem::path(cfg_->config_dir) / ".icegraph" / "state.db").string();
    }
    if (root["sink"]) ICEGRAPH_RETURN_NOT_OK(Sink(root["sink"], "sink"));
    if (root["sync"]) ICEGRAPH_RETURN_NOT_OK(Sync(root["sync"], "sync"));
    if (root["service"]) ICEGRAPH_RETURN_NOT_OK(Service(root["service"], "service"));
    ICEGRAPH_RETURN_NOT_OK(Mappings(root["mappings"], "mappings"));
    if (root["aliases"]) ICEGRAPH_RETURN_NOT_OK(Aliases(root["aliases"], "aliases"));
    return CrossCheck();
  }

 private:
  Config* cfg_;
  EnvLookup env_;
  std::vector<YAML::Node> alias_nodes_;
};

}  // namespace

Status Config::ErrorAt(const ConfigLoc& loc, std::string_view message) const {
  return Status::Invalid(fmt::format("{}:{}: {}: {}", file, loc.line, loc.path, message));
}

Result<std::string> InterpolateEnv(std::string_view value, EnvLookup env) {
  if (env == nullptr) env = &GetEnv;
  std::string out;
  size_t i = 0;
  while (i < value.size()) {
    if (value.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (value.compare(i, 2, "${") != 0) {
      out += value[i++];
      continue;
    }
    const size_t close = value.find('}', i + 2);
    if (close == std::string_view::npos) {
      return Status::Invalid(fmt::format("unterminated ${{...}} in '{}'", value));
    }
    const std::string_view inner = value.substr(i + 2, close - i - 2);
    const size_t dash = inner.find(":-");
    const std::string name(inner.substr(0, dash));
    const bool valid = !name.empty() && std::all_of(name.begin(), name.end(),
                                                    [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
    if (!valid) return Status::Invalid(fmt::format("'${{{}}}' does not name an environment variable", inner));
    const std::optional<std::string> v = env(name);
    if (v && !(dash != std::string_view::npos && v->empty())) {
      out += *v;
    } else if (dash != std::string_view::npos) {
      out += inner.substr(dash + 2);
    } else {
      return Status::Invalid(
          fmt::format("environment variable {} is not set (write ${{{}:-default}} for a default)", name, name));
    }
    i = close + 1;
  }
  return out;
}

Result<Config> ParseConfig(std::string_view text, const std::string& file, const std::string& config_dir,
                           EnvLookup env) {
  Config cfg;
  cfg.file = file;
  cfg.config_dir = config_dir;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::Invalid(fmt::format("{}:{}: {}", file, e.mark.line + 1, e.msg));
  }
  if (!root.IsMap()) return Status::Invalid(fmt::format("{}:1: expected a YAML mapping at the top level", file));
  Reader reader(&cfg, env);
  try {
    ICEGRAPH_RETURN_NOT_OK(reader.Root(root));
  } catch (const YAML::Exception& e) {  // yaml-cpp throws on shape surprises; keep the position
    return Status::Invalid(fmt::format("{}:{}: {}", file, e.mark.line + 1, e.msg));
  }
  return cfg;
}

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("{}: cannot open the config file", path));
  std::stringstream buf;
  buf << in.rdbuf();
  std::string dir = std::filesystem::absolute(path).parent_path().string();
  return ParseConfig(buf.str(), path, dir);
}

}  // namespace icegraph::mapping
