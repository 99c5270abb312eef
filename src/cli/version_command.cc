// `icegraph version` and `icegraph --version`: version, git revision, and the Arrow C++ the process runs with.
#include <arrow/config.h>
#include <arrow/util/config.h>
#include <dlfcn.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "icegraph_version.h"

namespace icegraph::cli {

namespace {

// The file libarrow was loaded from: a wheel install must show site-packages/pyarrow, never a build tree.
std::string ArrowLibraryPath() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&arrow::GetBuildInfo), &info) == 0 || info.dli_fname == nullptr) {
    return "unknown";
  }
  return info.dli_fname;
}

}  // namespace

std::string VersionString() {
  // GetBuildInfo() is answered by the libarrow loaded at run time; ARROW_VERSION_STRING is the headers' version.
  return std::string("icegraph ") + ICEGRAPH_VERSION + " (git " + ICEGRAPH_GIT_REVISION + ")\narrow " +
         arrow::GetBuildInfo().version_string + " (built against " + ARROW_VERSION_STRING + ", loaded from " +
         ArrowLibraryPath() + ")";
}

void AddVersionCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("version", "Print the icegraph version, git revision and Arrow version");
  cmd->callback([exit_code] {
    std::cout << VersionString() << "\n";
    *exit_code = 0;
  });
}

}  // namespace icegraph::cli
