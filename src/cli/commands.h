// Registration of the CLI sub-commands; each sets *exit_code when it runs.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace icegraph::cli {

std::string VersionString();
void AddEmulatorCommand(CLI::App& app, int* exit_code);
void AddVersionCommand(CLI::App& app, int* exit_code);
void AddIcebergCommand(CLI::App& app, int* exit_code);
void AddSyncCommands(CLI::App& app, int* exit_code);
void AddServeCommand(CLI::App& app, int* exit_code);
void AddSparkCommand(CLI::App& app, int* exit_code);

}  // namespace icegraph::cli
