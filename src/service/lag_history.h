// A table's lag over time, reconstructed from its snapshot ancestry (when each snapshot was committed) and the run
// history (which snapshot each successful run had applied when it ended), for the dashboard's lag chart.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace icegraph::service {

/// A snapshot of the current ancestry: its id and commit time.
struct AncestrySnapshot {
  int64_t snapshot_id = 0;
  int64_t timestamp_ms = 0;
};

/// A run that left the table's checkpoint at `snapshot_id` when it ended.
struct AppliedSnapshot {
  int64_t ended_ms = 0;
  int64_t snapshot_id = 0;
};

/// Lag at one instant, as GET /api/v1/tables computes it now: snapshots committed and not yet applied, and the age
/// in whole seconds of the oldest of them. `snapshots` is absent when the checkpoint is not in the ancestry (gap).
struct LagPoint {
  int64_t t_ms = 0;
  std::optional<int64_t> snapshots;
  int64_t seconds = 0;
  bool operator==(const LagPoint&) const = default;
};

/// The lag from `from_ms` to `now_ms` as a polyline: a point at `from_ms`, two at every commit or run end in
/// between (the value just before and just after it, at the same instant), and one at `now_ms` when later. `ancestry`
/// is oldest first; `applied` in any order (runs ending before `from_ms` give the checkpoint at the start).
std::vector<LagPoint> LagHistory(const std::vector<AncestrySnapshot>& ancestry, std::vector<AppliedSnapshot> applied,
                                 int64_t from_ms, int64_t now_ms);

}  // namespace icegraph::service
