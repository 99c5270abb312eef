// The icegraph command line: one sub-command per job.
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "common/log.h"

namespace {

// A sync's Arrow buffers live for one batch: with transparent huge pages the allocator's fresh memory is faulted in
// 2 MB at a time, each page zeroed whole (in profiles up to half the CPU of a small incremental sync, and a fifth more
// resident memory). The emulator keeps them: its tables live long and are read at random, where huge pages help.
void DisableTransparentHugePages() {
  if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0) {
    icegraph::log::Debug("thp.disable_failed", {{"error", std::strerror(errno)}});
  }
}

int Run(int argc, char** argv) {
  CLI::App app{"icegraph: keep a TigerGraph graph in sync with Apache Iceberg tables"};
  app.require_subcommand(1);
  app.set_version_flag("--version", icegraph::cli::VersionString());
  std::string log_level = "info";
  bool log_json = false;
  app.add_option("--log-level", log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.add_flag("--log-json", log_json, "Write log events as JSON lines instead of key=value");
  app.parse_complete_callback([&] {
    icegraph::log::Level level = icegraph::log::Level::kInfo;
    icegraph::log::ParseLevel(log_level, &level);
    icegraph::log::Configure(level, log_json);
    if (!app.got_subcommand("emulator")) DisableTransparentHugePages();
  });

  int exit_code = 0;
  icegraph::cli::AddEmulatorCommand(app, &exit_code);
  icegraph::cli::AddIcebergCommand(app, &exit_code);
  icegraph::cli::AddSyncCommands(app, &exit_code);
  icegraph::cli::AddServeCommand(app, &exit_code);
  icegraph::cli::AddSparkCommand(app, &exit_code);
  icegraph::cli::AddVersionCommand(app, &exit_code);

  CLI11_PARSE(app, argc, argv);
  return exit_code;
}

// Ends the process once every command's own objects are gone (state committed and closed, output written): the exit
// handlers left would only free memory the kernel takes back anyway, and Arrow's allocator spends 7-10 ms of a 0.2 s
// incremental sync handing its arenas back page range by page range. Sanitizer builds exit normally, so LeakSanitizer
// still runs.
[[noreturn]] void Exit(int code) {
  std::cout.flush();
  std::cerr.flush();
  if (std::fflush(nullptr) != 0 && code == 0) code = 1;  // output that could not be written is a failure
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  std::exit(code);
#else
  _exit(code);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  // An exception nothing below caught is a bug: name it and fail (exit 1) instead of std::terminate's abort.
  try {
    Exit(Run(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "icegraph: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "icegraph: internal error: unknown exception\n";
  }
  return 1;
}
