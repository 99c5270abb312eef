// Fuzz target: the config loader on arbitrary YAML text.
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "fuzz_targets.h"

namespace icegraph::fuzz {
namespace {

// Fixed answers so a run depends on the input only: names starting with UNSET are unset, EMPTY is "", others echo.
std::optional<std::string> FixedEnv(const std::string& name) {
  if (name.starts_with("UNSET")) return std::nullopt;
  if (name == "EMPTY") return std::string();
  return "env-" + name;
}

}  // namespace

int FuzzConfig(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // An exception escaping here is a bug: every error must come back as a Status.
  const Result<config::Config> r = config::ParseConfig(text, "fuzz.yaml", "/etc/icegraph", &FixedEnv);
  if (r.ok()) {
    Check(r->pipeline.model.file == "fuzz.yaml", "a parsed config keeps its file name");
  } else {
    // Every error names the file (and, after it, the line and the field), as config.h promises.
    Check(r.status().message().starts_with("fuzz.yaml:"), "a config error names the file");
  }
  return 0;
}

}  // namespace icegraph::fuzz
