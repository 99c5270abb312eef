// The YAML reading shared by the config loader's files (config.cc: the settings sections, config_mappings.cc: the
// table mappings and aliases); not part of config.h's interface.
#pragma once

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "mapping/model.h"

namespace icegraph::config::detail {

using mapping::ConfigLoc;

using Strings = std::vector<std::string>;

inline std::string Join(const Strings& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

inline std::string Sub(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}
inline std::string Index(const std::string& path, size_t i) { return fmt::format("{}[{}]", path, i); }

// Reads values of one parsed YAML document into a Config, checking as it goes; errors name the file, line and path.
class YamlReader {
 public:
  YamlReader(Config* cfg, EnvLookup env) : cfg_(cfg), env_(env) {}

  Status Err(const YAML::Node& n, const std::string& path, std::string_view msg) const {
    return model().ErrorAt(Loc(n, path), msg);
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
    if (mapping::IsValidGsqlIdentifier(name)) return Status::OK();
    if (mapping::IsGsqlReservedWord(name)) return Err(n, path, fmt::format("'{}' is a GSQL reserved word", name));
    return Err(n, path, fmt::format("'{}' is not a valid identifier ([A-Za-z_][A-Za-z0-9_]*)", name));
  }

 protected:
  mapping::Model& model() const { return cfg_->pipeline.model; }

  Config* cfg_;
  EnvLookup env_;
};

/// Reads `mappings` and `aliases` of the root into the mapping model (cfg->pipeline.model), then checks across them
/// (config_mappings.cc).
Status ReadMappings(Config* cfg, EnvLookup env, const YAML::Node& root);

}  // namespace icegraph::config::detail
