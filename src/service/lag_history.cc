#include "service/lag_history.h"

#include <algorithm>

namespace icegraph::service {

namespace {

// What is applied and what is pending at one instant.
struct LagState {
  std::optional<int64_t> checkpoint;  // snapshot id; absent before any run applied the table
  bool gap = false;                   // the checkpoint is not in the ancestry
  size_t first_pending = 0;           // index in the ancestry of the first snapshot after the checkpoint
};

LagPoint PointAt(const std::vector<AncestrySnapshot>& ancestry, const LagState& s, int64_t t_ms) {
  LagPoint p{t_ms, std::nullopt, 0};
  if (s.gap) return p;
  int64_t n = 0;
  for (size_t i = s.first_pending; i < ancestry.size() && ancestry[i].timestamp_ms <= t_ms; ++i) ++n;
  p.snapshots = n;
  if (n > 0) p.seconds = std::max<int64_t>(0, (t_ms - ancestry[s.first_pending].timestamp_ms) / 1000);
  return p;
}

LagState StateOf(const std::vector<AncestrySnapshot>& ancestry, std::optional<int64_t> checkpoint) {
  LagState s;
  s.checkpoint = checkpoint;
  if (!checkpoint) return s;
  const auto it = std::find_if(ancestry.begin(), ancestry.end(),
                               [&](const AncestrySnapshot& a) { return a.snapshot_id == *checkpoint; });
  if (it == ancestry.end()) {
    s.gap = true;
  } else {
    s.first_pending = static_cast<size_t>(it - ancestry.begin()) + 1;
  }
  return s;
}

}  // namespace

std::vector<LagPoint> LagHistory(const std::vector<AncestrySnapshot>& ancestry, std::vector<AppliedSnapshot> applied,
                                 int64_t from_ms, int64_t now_ms) {
  std::stable_sort(applied.begin(), applied.end(),
                   [](const AppliedSnapshot& a, const AppliedSnapshot& b) { return a.ended_ms < b.ended_ms; });
  std::optional<int64_t> checkpoint;
  size_t next_run = 0;
  while (next_run < applied.size() && applied[next_run].ended_ms <= from_ms)
    checkpoint = applied[next_run++].snapshot_id;
  LagState state = StateOf(ancestry, checkpoint);
  std::vector<LagPoint> out{PointAt(ancestry, state, from_ms)};
  // Instants where the lag jumps: commits (one more pending) and run ends (the checkpoint moves).
  std::vector<int64_t> events;
  for (const auto& a : ancestry) {
    if (a.timestamp_ms > from_ms && a.timestamp_ms < now_ms) events.push_back(a.timestamp_ms);
  }
  for (size_t i = next_run; i < applied.size(); ++i) {
    if (applied[i].ended_ms < now_ms) events.push_back(applied[i].ended_ms);
  }
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end()), events.end());
  for (const int64_t t : events) {
    // Just before t: the previous checkpoint, and no snapshot committed at t yet.
    LagPoint before = PointAt(ancestry, state, t - 1);
    before.t_ms = t;
    if (!state.gap && before.snapshots && *before.snapshots > 0) {
      before.seconds = std::max<int64_t>(0, (t - ancestry[state.first_pending].timestamp_ms) / 1000);
    }
    while (next_run < applied.size() && applied[next_run].ended_ms <= t) checkpoint = applied[next_run++].snapshot_id;
    state = StateOf(ancestry, checkpoint);
    const LagPoint after = PointAt(ancestry, state, t);
    if (!(before == after)) out.push_back(before);
    out.push_back(after);
  }
  while (next_run < applied.size() && applied[next_run].ended_ms <= now_ms)
    checkpoint = applied[next_run++].snapshot_id;
  if (now_ms > from_ms) out.push_back(PointAt(ancestry, StateOf(ancestry, checkpoint), now_ms));
  return out;
}

}  // namespace icegraph::service
