#include "common/failpoint.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <string>

namespace icegraph::failpoint {
namespace {

struct Registry {
  bool armed = false;
  std::map<std::string, long, std::less<>> kill_at;  // name → pass that kills
  std::map<std::string, long, std::less<>> passes;
  std::string trace;
  std::mutex mu;
};

void Load(Registry& reg) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, before any thread starts using it
  if (const char* spec = std::getenv("ICEGRAPH_FAILPOINTS"); spec != nullptr) {
    const std::string s(spec);
    size_t pos = 0;
    while (pos < s.size()) {
      size_t end = s.find(',', pos);
      if (end == std::string::npos) end = s.size();
      const std::string item = s.substr(pos, end - pos);
      const size_t eq = item.find('=');
      if (eq != std::string::npos) reg.kill_at[item.substr(0, eq)] = std::strtol(item.c_str() + eq + 1, nullptr, 10);
      pos = end + 1;
    }
  }
  // NOLINTNEXTLINE(concurrency-mt-unsafe): as above
  if (const char* t = std::getenv("ICEGRAPH_FAILPOINTS_TRACE"); t != nullptr) reg.trace = t;
  reg.armed = !reg.kill_at.empty() || !reg.trace.empty();
}

Registry& Get() {
  static Registry r;
  static std::once_flag once;
  std::call_once(once, [] { Load(r); });
  return r;
}

}  // namespace

bool Armed() {
  static const bool armed = Get().armed;
  return armed;
}

void PassSlow(std::string_view name) {
  Registry& r = Get();
  const std::lock_guard<std::mutex> lock(r.mu);
  const long n = ++r.passes[std::string(name)];
  if (!r.trace.empty()) {
    std::ofstream(r.trace, std::ios::app) << name << ' ' << n << '\n';
  }
  const auto it = r.kill_at.find(name);
  if (it != r.kill_at.end() && it->second == n) ::kill(::getpid(), SIGKILL);
}

}  // namespace icegraph::failpoint
