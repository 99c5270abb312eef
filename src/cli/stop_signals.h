// Serving until SIGINT or SIGTERM, shared by `icegraph emulator` and `icegraph serve`.
#pragma once

#include <atomic>
#include <csignal>
#include <functional>

#include "common/status.h"

namespace icegraph::cli {

/// Blocks SIGINT, SIGTERM and SIGUSR1 in this thread; call it before any thread starts, so every thread inherits
/// the mask and the signals reach only ServeUntilStopSignal's waiter.
sigset_t BlockStopSignals();

/// Runs `serve` until it returns. A SIGINT or SIGTERM meanwhile is waited for on a thread of its own, so `stop`
/// runs outside a signal handler; it gets `served`, true once `serve` has returned. Logs `stopping_event`.
Status ServeUntilStopSignal(const sigset_t& set, const char* stopping_event, const std::function<Status()>& serve,
                            const std::function<void(const std::atomic<bool>& served)>& stop);

}  // namespace icegraph::cli
