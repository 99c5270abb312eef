"""Writes bench/results.md from what `make bench` measured: build/bench/{micro,http,scan}.json and the last
incremental entry of bench/results.jsonl. A section whose figures this run did not produce keeps its text from
the file as it was (with its own date), so one benchmark can be rerun alone."""
import argparse
import datetime
import json
import platform
from pathlib import Path

# Each section's heading starts with its key; the order here is the file's order.
KEYS = ["## Emulator core", "## Emulator over HTTP", "## Iceberg scan", "## Incremental sync"]


def load(path):
    p = Path(path)
    return json.loads(p.read_text()) if p.exists() else None


def micro_section(micro):
    lines = ["## Emulator core, no HTTP (Google Benchmark, median of 3)", "", "| benchmark | rate |", "|---|---|"]
    for b in micro["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        for key in ("lines/s", "objects/s"):
            if key in b:
                lines.append(f"| {b['run_name']} | {b[key] / 1e6:.2f} M {key} |")
    return lines


def http_section(http):
    lines = ["## Emulator over HTTP on one core (`icegraph emulator --threads 1`, client on the other core)", "",
             "| run | items | seconds | rate |", "|---|---|---|---|"]
    for r in http["runs"]:
        lines.append(f"| {r['name']} | {r['items']:,} | {r['seconds']:.3f} | {r['items'] / r['seconds'] / 1e6:.2f} M/s |")
    return lines


def scan_section(scan):
    lines = [f"## Iceberg scan: {scan['rows']:,} rows, 5 columns, {scan['parquet_bytes'] / 1e6:.1f} MB of Parquet "
             "(best of 3)", "",
             "icegraph: the whole `icegraph iceberg scan --format count` command (start, catalog, manifests, read, "
             "deletes).",
             "pyarrow: `pq.read_table` of the same data files (the floor). pyiceberg: `scan().to_arrow()`.", "",
             "| reader | seconds | rows/s | MB/s | time vs pyarrow | peak RSS |", "|---|---|---|---|---|---|"]
    for k in ("icegraph", "pyarrow", "pyiceberg"):
        r = scan[k]
        lines.append(f"| {k} | {r['seconds']:.3f} | {scan['rows'] / r['seconds'] / 1e6:.1f} M | "
                     f"{scan['parquet_bytes'] / r['seconds'] / 1e6:.0f} | {r['seconds'] / scan['pyarrow']['seconds']:.2f}x | "
                     f"{r['rss_mb']:.0f} MB |")
    return lines


def incremental_section(r):
    lines = [f"## Incremental sync: a 1 % change of a {r['rows']:,}-row table into the emulator "
             f"({r['date'][:10]}, {r['machine']['cpus']} CPUs)", "",
             "`icegraph sync --full` into an empty graph, then `icegraph sync` after each change, on the graph the "
             "previous sync left (scripts/bench_incremental.py). The table is clustered on its key in files of ~1 % "
             "of the rows.", "",
             "| run | rows changed | rows read | seconds | time vs full |", "|---|---|---|---|---|",
             f"| full | {r['rows']:,} | {r['full']['rows_read']:,} | {r['full']['seconds']:.2f} | 1.000 |"]
    for k, label in (("cow_update", "1 % copy-on-write update (overwrite)"), ("mixed", "1 % append + delete + upsert")):
        c = r[k]
        lines.append(f"| {label} | {c['rows_changed']:,} | {c['rows_read']:,} | {c['seconds']:.2f} | "
                     f"{c['ratio_to_full']:.3f} |")
    return lines


def old_sections(path):
    out = {}
    if not Path(path).exists():
        return out
    current = None
    for line in Path(path).read_text().splitlines():
        if line.startswith("## "):
            current = next((k for k in KEYS if line.startswith(k)), None)
            if current:
                out[current] = []
        elif line.startswith("# "):
            current = None
        if current:
            out[current].append(line)
    for k in out:
        while out[k] and not out[k][-1].strip():
            out[k].pop()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True, help="build/bench")
    ap.add_argument("--jsonl", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    build = Path(args.build)
    micro = load(build / "micro.json")
    fresh = {}
    if micro:
        fresh["## Emulator core"] = micro_section(micro)
    if (http := load(build / "http.json")):
        fresh["## Emulator over HTTP"] = http_section(http)
    if (scan := load(build / "scan.json")):
        fresh["## Iceberg scan"] = scan_section(scan)
    jsonl = Path(args.jsonl)
    incr = [json.loads(x) for x in jsonl.read_text().splitlines() if '"benchmark": "incremental"' in x] \
        if jsonl.exists() else []
    if incr:
        fresh["## Incremental sync"] = incremental_section(incr[-1])
    old = old_sections(args.out)
    cpus = micro["context"].get("num_cpus") if micro else None
    lines = ["# Benchmark results", "",
             f"Written by `make bench` on {datetime.date.today()} ({platform.machine()}"
             + (f", {cpus} CPUs" if cpus else "") + ", each program pinned to one core with taskset). Sections this "
             "run did not measure keep their earlier figures.", ""]
    for k in KEYS:
        section = fresh.get(k) or old.get(k)
        if section:
            lines += section + [""]
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
