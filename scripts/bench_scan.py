"""Iceberg scan throughput: icegraph's reader vs pyarrow reading the same Parquet files (the floor) and vs
pyiceberg's to_arrow(), on one table written by pyiceberg. Peak RSS of each reader is measured in a child process.

The table is cached under build/bench/ (regenerated when --rows changes)."""
import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pyiceberg.catalog.sql import SqlCatalog

CHILD = """
import json, resource, sys, time
import pyarrow.parquet as pq
from pyiceberg.catalog.sql import SqlCatalog
mode, uri, wh = sys.argv[1], sys.argv[2], sys.argv[3]
t = SqlCatalog("default", uri=uri, warehouse=wh).load_table("bench.wide")
t0 = time.perf_counter()
if mode == "icegraph":
    import subprocess
    out = subprocess.run([sys.argv[4], "iceberg", "scan", "--catalog-uri", uri, "bench.wide", "--format", "count"],
                         capture_output=True, text=True, check=True)
    rows = json.loads(out.stdout)["rows"]
    dt = time.perf_counter() - t0
    print(json.dumps({"rows": rows, "seconds": dt, "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
    sys.exit(0)
if mode == "pyarrow":
    files = [task.file.file_path.replace("file://", "") for task in t.scan().plan_files()]
    rows = sum(pq.read_table(f).num_rows for f in files)
else:
    rows = t.scan().to_arrow().num_rows
dt = time.perf_counter() - t0
print(json.dumps({"rows": rows, "seconds": dt, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build_table(root: Path, rows: int) -> tuple[str, str]:
    uri = f"sqlite:///{root}/catalog.db"
    wh = f"file://{root}"
    marker = root / f"rows-{rows}"
    if marker.exists():
        return uri, wh
    if root.exists():
        subprocess.run(["rm", "-rf", str(root)], check=True)
    root.mkdir(parents=True)
    cat = SqlCatalog("default", uri=uri, warehouse=wh)
    cat.create_namespace("bench")
    chunk = 1_000_000
    table = None
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        ids = pa.array(range(start, start + n), pa.int64())
        batch = pa.table({
            "id": ids,
            "name": pc.binary_join_element_wise("user-", pc.cast(ids, pa.string()), ""),
            "score": pc.multiply(pc.cast(ids, pa.float64()), 0.5),
            "age": pc.cast(pc.bit_wise_and(ids, 127), pa.int32()),
            "active": pc.equal(pc.bit_wise_and(ids, 1), 0),
        })
        if table is None:
            table = cat.create_table("bench.wide", schema=batch.schema)
        table.append(batch)
    marker.touch()
    return uri, wh


def child(mode: str, uri: str, wh: str, bin_path: str = "") -> dict:
    """Runs one reader in a fresh process so its time and peak RSS are its own (icegraph: the whole command)."""
    out = subprocess.run([sys.executable, "-c", CHILD, mode, uri, wh, bin_path], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    root = Path(args.out).resolve().parent / "scan-table"
    uri, wh = build_table(root, args.rows)
    size = sum(p.stat().st_size for p in root.rglob("*.parquet"))
    results = {"rows": args.rows, "parquet_bytes": size}
    # Best of three each. pyarrow and pyiceberg times exclude interpreter start; icegraph's include process start,
    # catalog, metadata and manifest reads.
    results["icegraph"] = min((child("icegraph", uri, wh, args.bin) for _ in range(3)), key=lambda r: r["seconds"])
    results["pyarrow"] = min((child("pyarrow", uri, wh) for _ in range(3)), key=lambda r: r["seconds"])
    results["pyiceberg"] = min((child("pyiceberg", uri, wh) for _ in range(3)), key=lambda r: r["seconds"])
    for k in ("icegraph", "pyarrow", "pyiceberg"):
        assert results[k]["rows"] == args.rows, (k, results[k])
    json.dump(results, open(args.out, "w"), indent=2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
