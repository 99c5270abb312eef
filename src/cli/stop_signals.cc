#include "cli/stop_signals.h"

#include <pthread.h>

#include <thread>

#include "common/log.h"

namespace icegraph::cli {

sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // sent to wake the waiter once serving ends
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

Status ServeUntilStopSignal(const sigset_t& set, const char* stopping_event, const std::function<Status()>& serve,
                            const std::function<void(const std::atomic<bool>& served)>& stop) {
  std::atomic<bool> served{false};
  std::thread waiter([&set, stopping_event, &stop, &served] {
    int sig = 0;
    sigwait(&set, &sig);
    if (served.load()) return;
    log::Info(stopping_event, {{"signal", sig}});
    stop(served);
  });
  Status result = serve();
  served = true;
  pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  return result;
}

}  // namespace icegraph::cli
