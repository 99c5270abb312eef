// Fail points for the crash harness: `ICEGRAPH_FAILPOINTS="sink.request_done=7,sync.checkpoint_moved=2"` makes the
// process kill itself (SIGKILL, no cleanup) at the 7th pass through that point, so tests can crash it at exact places
// (after TigerGraph acknowledged, before the checkpoint moved...). Unset, a pass costs one relaxed atomic load.
#pragma once

#include <string_view>

namespace icegraph::failpoint {

/// Whether any fail point is armed (read once from the environment).
bool Armed();
/// Counts a pass through `name`; SIGKILLs the process when the count reaches the armed one. With
/// ICEGRAPH_FAILPOINTS_TRACE=<file>, appends every pass ("name count") to that file, so tests can pick points.
void PassSlow(std::string_view name);

inline void Pass(std::string_view name) {
  if (Armed()) PassSlow(name);
}

}  // namespace icegraph::failpoint
