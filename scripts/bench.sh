#!/usr/bin/env bash
# `make bench`: Google Benchmark programs plus end-to-end HTTP runs against the emulator on one core.
# Figures go to bench/results.md (and raw JSON to build/bench/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${ICEGRAPH_BIN:-$root/build/release/bin/icegraph}
bench_bin=$(dirname "$bin")/icegraph_bench
out_dir="$root/build/bench"
mkdir -p "$out_dir"
results="$root/bench/results.md"

taskset -c 0 "$bench_bin" --benchmark_out="$out_dir/micro.json" --benchmark_out_format=json \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true | tee "$out_dir/micro.txt"

"${PY:-python3}" "$root/scripts/bench_http.py" --bin "$bin" --out "$out_dir/http.json"
"${PY:-python3}" "$root/scripts/bench_scan.py" --bin "$bin" --out "$out_dir/scan.json"
# Full sync: (a) icegraph without the network, (b) pyarrow's floor, (c) into the emulator, (d) pyTigerGraph; appends
# one JSON line to bench/results.jsonl. BENCH_SYNC_ROWS scales it (default 10 M).
"${PY:-python3}" "$root/scripts/bench_sync.py" --bin "$bin" --rows "${BENCH_SYNC_ROWS:-10000000}"
# icegraph serve: 200 concurrent GET /api/v1/tables during a full sync of the demo warehouse; appends to
# bench/results.jsonl.
"${PY:-python3}" "$root/scripts/bench_service.py" --bin "$bin"

"${PY:-python3}" - "$out_dir/micro.json" "$out_dir/http.json" "$results" "$out_dir/scan.json" <<'PY'
import json, sys, platform, datetime
micro = json.load(open(sys.argv[1]))
http = json.load(open(sys.argv[2]))
scan = json.load(open(sys.argv[4]))
lines = ["# Benchmark results", "",
         f"Written by `make bench` on {datetime.date.today()} ({platform.machine()}, {micro['context'].get('num_cpus')} CPUs, "
         "each program pinned to one core with taskset).", "",
         "## Emulator core, no HTTP (Google Benchmark, median of 3)", "",
         "| benchmark | rate |", "|---|---|"]
for b in micro["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    for key in ("lines/s", "objects/s"):
        if key in b:
            lines.append(f"| {b['run_name']} | {b[key]/1e6:.2f} M {key} |")
lines += ["", "## Emulator over HTTP on one core (`icegraph emulator --threads 1`, client on the other core)", "",
          "| run | items | seconds | rate |", "|---|---|---|---|"]
for r in http["runs"]:
    lines.append(f"| {r['name']} | {r['items']:,} | {r['seconds']:.3f} | {r['items']/r['seconds']/1e6:.2f} M/s |")
lines += ["", f"## Iceberg scan: {scan['rows']:,} rows, 5 columns, {scan['parquet_bytes']/1e6:.1f} MB of Parquet (best of 3)", "",
          "icegraph: the whole `icegraph iceberg scan --format count` command (start, catalog, manifests, read, deletes).",
          "pyarrow: `pq.read_table` of the same data files (the floor). pyiceberg: `scan().to_arrow()`.", "",
          "| reader | seconds | rows/s | MB/s | time vs pyarrow | peak RSS |", "|---|---|---|---|---|---|"]
for k in ("icegraph", "pyarrow", "pyiceberg"):
    r = scan[k]
    lines.append(f"| {k} | {r['seconds']:.3f} | {scan['rows']/r['seconds']/1e6:.1f} M | "
                 f"{scan['parquet_bytes']/r['seconds']/1e6:.0f} | {r['seconds']/scan['pyarrow']['seconds']:.2f}x | "
                 f"{r['rss_mb']:.0f} MB |")
open(sys.argv[3], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
