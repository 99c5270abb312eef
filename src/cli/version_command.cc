// `icegraph version`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"

namespace icegraph::cli {

std::string VersionString() { return "icegraph 0.1.0"; }

void AddVersionCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("version", "Print the icegraph version");
  cmd->callback([exit_code] {
    std::cout << VersionString() << "\n";
    *exit_code = 0;
  });
}

}  // namespace icegraph::cli
