#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets (CMake preset `fuzz`, Debian's clang, ASan + UBSan) and runs each for
# FUZZ_SECONDS (default 60) on a copy of fuzz/corpus/<target> in build/fuzz/corpus-work (the repo is never written).
# Prints one line per target, writes build/fuzz/summary.json, and fails when any target found a crash, leak,
# timeout or broken invariant (its input is kept in build/fuzz/artifacts/<target>/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-60}
py=${PY:-$root/.venv/bin/python}
out=$root/build/fuzz

"$root/scripts/deps.sh" "$root/scripts/debian-packages-fuzz.txt"
cmake --preset fuzz -DICEGRAPH_PYTHON="$py" >/dev/null
cmake --build --preset fuzz -j "${JOBS:-$(nproc)}"

rm -rf "$out/corpus-work" "$out/artifacts"
mkdir -p "$out/corpus-work" "$out/artifacts"
failed=0
records=()
for t in ${FUZZ_TARGETS:-config gsql writers emulator}; do
  work=$out/corpus-work/$t
  art=$out/artifacts/$t
  mkdir -p "$art"
  cp -r "$root/fuzz/corpus/$t" "$work"
  dict=()
  [ -f "$root/fuzz/dict/$t.dict" ] && dict=("-dict=$root/fuzz/dict/$t.dict")
  log=$out/$t.log
  rc=0
  # -timeout: an input taking over 10 s is a hang; leaks are reported by ASan at the end of each input.
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$out/bin/fuzz_$t" "$work" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$art/" -print_final_stats=1 >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(find "$work" -type f | wc -l)
  crashes=$(find "$art" -type f | wc -l)
  status=ok
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    status=FAILED
    failed=1
  fi
  echo "fuzz_$t: $status runs=${runs:-0} seconds=$seconds cov=${cov:-0} features=${ft:-0} corpus=$corpus" \
       "findings=$crashes (log $log)"
  records+=("{\"target\": \"fuzz_$t\", \"status\": \"$status\", \"runs\": ${runs:-0}, \"seconds\": $seconds, \"cov\": ${cov:-0}, \"features\": ${ft:-0}, \"corpus\": $corpus, \"findings\": $crashes}")
done
(IFS=,; echo "[${records[*]}]") >"$out/summary.json"
if [ "$failed" -ne 0 ]; then
  echo "fuzz: findings above; reproduce with build/fuzz/bin/fuzz_<target> <artifact>" >&2
  exit 1
fi
