#include "config/config.h"

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
#include <tuple>

#include "common/log.h"
#include "config/config_yaml.h"

namespace icegraph::config {
namespace {

using detail::Index;
using detail::ReadMappings;
using detail::Strings;
using detail::Sub;

std::optional<std::string> GetEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): read once at startup
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

// Reads the settings sections of one parsed YAML document into each stage's options; the mappings are
// config_mappings.cc.
class Reader : public detail::YamlReader {
 public:
  using YamlReader::YamlReader;

  Status Catalog(const YAML::Node& n, const std::string& path) {
    ICEGRAPH_RETURN_NOT_OK(CheckMap(n, path, {"type", "uri", "warehouse", "name", "properties"}));
    iceberg::CatalogOptions& c = cfg_->pipeline.catalog;
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
    sink::TigerGraphOptions& t = cfg_->pipeline.tigergraph;
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
    model().graph = t.graph;
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
      if (ca.is_relative()) ca = std::filesystem::path(cfg_->pipeline.config_dir) / ca;
      t.ca_bundle = ca.lexically_normal().string();
      if (!std::ifstream(t.ca_bundle).good()) {
        return Err(n["ca_bundle"], Sub(path, "ca_bundle"), fmt::format("cannot read '{}'", t.ca_bundle));
      }
    }
    if (n["timeout_s"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, Int(n["timeout_s"], Sub(path, "timeout_s"), 1));
      t.request_timeout_ms = std::min<int64_t>(v, int64_t{86400} * 7) * 1000;
    }
    if (n["connect_timeout_s"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, Int(n["connect_timeout_s"], Sub(path, "connect_timeout_s"), 1));
      t.connect_timeout_ms = std::min<int64_t>(v, 3600) * 1000;
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
    http::RetryOptions& r = cfg_->pipeline.tigergraph.retry;
    if (n["max_attempts"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, Int(n["max_attempts"], Sub(path, "max_attempts"), 1));
      r.max_attempts = static_cast<int>(std::min<int64_t>(v, 1000));
    }
    // The file gives the budget and the breaker in seconds, the policy holds milliseconds.
    for (const auto& [key, field, ms] : {std::tuple{"initial_backoff_ms", &r.initial_backoff_ms, 1},
                                         std::tuple{"max_backoff_ms", &r.max_backoff_ms, 1},
                                         std::tuple{"request_budget_s", &r.request_budget_ms, 1000},
                                         std::tuple{"breaker_after_s", &r.breaker_after_ms, 1000}}) {
      if (n[key]) {
        ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, Int(n[key], Sub(path, key), 1));
        *field = std::min<int64_t>(v, int64_t{86400} * 1000) * ms;
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
      ICEGRAPH_ASSIGN_OR_RAISE(cfg_->pipeline.state_url, Str(n["url"], Sub(path, "url")));
    }
    const std::string& url = cfg_->pipeline.state_url;
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
      cfg_->pipeline.sync.validate_after_sync = v == "after_sync";
    }
    if (n["updated_at_column"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(cfg_->pipeline.sync.updated_at_column,
                               Str(n["updated_at_column"], Sub(path, "updated_at_column")));
    }
    // Accepted so existing files keep loading, but every delete is checked against the table's other rows
    // (docs/exactness.md): the key has no effect, and the log says so.
    if (n["verify_deletes"]) {
      ICEGRAPH_RETURN_NOT_OK(Bool(n["verify_deletes"], Sub(path, "verify_deletes")).status());
      log::Warn("config_key_ignored",
                {{"key", "sync.verify_deletes"},
                 {"why", "every delete is checked against the table's other rows; remove the key"}});
    }
    if (n["on_gap"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string g, Str(n["on_gap"], Sub(path, "on_gap")));
      if (g == "resync") {
        cfg_->pipeline.sync.on_gap = engine::OnGap::kResync;
      } else if (g == "fail") {
        cfg_->pipeline.sync.on_gap = engine::OnGap::kFail;
      } else {
        return Err(n["on_gap"], Sub(path, "on_gap"), fmt::format("must be resync or fail, got '{}'", g));
      }
    }
    return Status::OK();
  }

  Status Service(const YAML::Node& n, const std::string& path) {
    ICEGRAPH_RETURN_NOT_OK(
        CheckMap(n, path, {"token", "auth_reads", "cors_origins", "sync_wait_s", "page_limit_max", "threads"}));
    service::ServiceSettings& s = cfg_->service;
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
    sink::SinkOptions& s = cfg_->pipeline.sink;
    if (n["mode"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string m, Str(n["mode"], Sub(path, "mode")));
      if (m == "auto") {
        s.mode = sink::SinkOptions::Mode::kAuto;
      } else if (m == "bulk") {
        s.mode = sink::SinkOptions::Mode::kBulk;
      } else if (m == "upsert") {
        s.mode = sink::SinkOptions::Mode::kUpsert;
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
      s.chunk_bytes = static_cast<int64_t>(mb * (1 << 20));
      // An upsert request is no larger than a chunk either (a small chunk_mb makes small requests of both kinds).
      s.upsert_batch_bytes = std::min(s.upsert_batch_bytes, s.chunk_bytes);
    }
    if (n["vertex_must_exist"]) {
      ICEGRAPH_ASSIGN_OR_RAISE(s.vertex_must_exist, Bool(n["vertex_must_exist"], Sub(path, "vertex_must_exist")));
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
    if (cfg_->pipeline.state_url.empty()) {
      cfg_->pipeline.state_url =
          "sqlite://" + (std::filesystem::path(cfg_->pipeline.config_dir) / ".icegraph" / "state.db").string();
    }
    if (root["sink"]) ICEGRAPH_RETURN_NOT_OK(Sink(root["sink"], "sink"));
    if (root["sync"]) ICEGRAPH_RETURN_NOT_OK(Sync(root["sync"], "sync"));
    if (root["service"]) ICEGRAPH_RETURN_NOT_OK(Service(root["service"], "service"));
    return ReadMappings(cfg_, env_, root);
  }
};

}  // namespace

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
  cfg.pipeline.model.file = file;
  cfg.pipeline.config_dir = config_dir;
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

}  // namespace icegraph::config
