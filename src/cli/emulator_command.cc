// `icegraph emulator`: runs the TigerGraph-compatible server until SIGINT or SIGTERM.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "common/log.h"
#include "emulator/server.h"

namespace icegraph::cli {
namespace {

struct EmulatorArgs {
  emulator::EmulatorOptions options;
  std::string faults;
  bool no_auth = false;
};

int RunEmulator(const EmulatorArgs& args) {
  // A bulk load grows the store by hundreds of MB on a worker thread, and glibc grows a thread's arena by an mprotect
  // call per few pages (its top pad applies to the main arena only): a tenth of a load's CPU in profiles. One arena
  // with a 64 MB top pad grows in large steps; writers hold the database lock, so it adds no contention to them.
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_TOP_PAD, 64 << 20);
  emulator::EmulatorOptions options = args.options;
  options.auth = !args.no_auth;
  if (!args.faults.empty()) {
    auto spec = emulator::ParseFaultSpec(args.faults);
    if (!spec.ok()) {
      std::cerr << "icegraph emulator: " << spec.status().message() << "\n";
      return 2;
    }
    options.faults = *spec;
  }
  auto server = emulator::EmulatorServer::Create(options);
  if (!server.ok()) {
    std::cerr << "icegraph emulator: " << server.status().ToString() << "\n";
    return 1;
  }
  if (const Status st = (*server)->Bind(); !st.ok()) {
    std::cerr << "icegraph emulator: " << st.ToString() << "\n";
    return 1;
  }
  const sigset_t set = BlockStopSignals();
  emulator::EmulatorServer* raw = server->get();
  std::cout << "icegraph emulator listening on http://" << options.host << ":" << (*server)->port() << std::endl;
  const Status result = ServeUntilStopSignal(
      set, "emulator.stopping", [raw] { return raw->Serve(); },
      [raw](const std::atomic<bool>& served) {
        raw->Stop();
        // Idle keep-alive connections hold workers for seconds; every acknowledged write is already in the
        // journal, so a stop that takes longer than this ends the process.
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        if (!served.load()) {
          log::Info("emulator.stopped", {{"forced", true}});
          std::_Exit(0);
        }
      });
  if (!result.ok()) {
    std::cerr << "icegraph emulator: " << result.ToString() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void AddEmulatorCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<EmulatorArgs>();
  CLI::App* cmd = app.add_subcommand("emulator", "Run a local TigerGraph 4.x-compatible server (REST++ and GSQL)");
  emulator::EmulatorOptions& o = args->options;
  cmd->add_option("--host", o.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", o.port, "Port for GSQL and REST++ (0 picks a free one)")->capture_default_str();
  cmd->add_option("--graph", o.graph, "Graph the --schema file creates or uses");
  cmd->add_option("--schema", o.schema_file, "GSQL file run at start")->check(CLI::ExistingFile);
  auto* user = cmd->add_option("--username", o.username, "Superuser name")->capture_default_str();
  auto* pass = cmd->add_option("--password", o.password, "Superuser password")->capture_default_str();
  auto* no_auth = cmd->add_flag("--no-auth", args->no_auth, "Accept requests without credentials");
  no_auth->excludes(user)->excludes(pass);
  cmd->add_option("--token-ttl", o.token_ttl_seconds, "Lifetime of new tokens in seconds")->capture_default_str();
  cmd->add_option("--max-body-mb", o.max_body_mb, "Largest request body in MB (Nginx.ClientMaxBodySize)")
      ->capture_default_str();
  cmd->add_option("--faults", args->faults,
                  "Injected failures, e.g. 5xx=0.1,reset=0.05,timeout=0.05,latency_ms=20,expire_token_every=100");
  cmd->add_option("--seed", o.seed, "Seed for --faults decisions")->capture_default_str();
  cmd->add_option("--data-dir", o.data_dir, "Directory keeping the graph across restarts");
  cmd->add_option("--threads", o.threads, "Worker threads")->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = RunEmulator(*args); });
}

}  // namespace icegraph::cli
