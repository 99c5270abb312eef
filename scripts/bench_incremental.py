"""Incremental-sync benchmark: a 1 % change of a large vertex table, synced incrementally, against the full sync of
the same table into the same emulator. Figures are appended to bench/results.jsonl with machine info.

The table (people: pid, name, age, score) is written by pyiceberg sorted by pid in files of ~1 % of the rows each,
so that a key range is a few files, as a table clustered on its key is. Two changes are measured one after
the other, each synced incrementally on the graph the previous sync left:

  cow_update  pyiceberg `overwrite` of a 1 % key range with new scores: a copy-on-write rewrite (delete snapshot +
              append snapshot) where every rewritten row changed
  mixed       1 % in all: 1/3 appended new rows, 1/3 deleted by a key range, 1/3 updated (an upsert)

Figures: wall seconds of `icegraph sync --full` into an empty graph (the median of three, each into a fresh
emulator), then of `icegraph sync` after each change (the median of five runs of that sync, the state database put
back between them), the ratio, and the rows each run read
(from the run report)."""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import And, GreaterThanOrEqual, LessThan

ROOT = Path(__file__).resolve().parent.parent

CONFIG = """
catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["{url}"], graph: lab, username: tigergraph, password: tigergraph, concurrency: 2}}
state: {{url: "sqlite:///{state}"}}
sink: {{mode: bulk, chunk_mb: 8}}
mappings:
  - table: lab.people
    vertices:
      - type: Person
        id: pid
        attributes: {{name: name, age: age, score: score}}
"""
SCHEMA = pa.schema([("pid", pa.string()), ("name", pa.string()), ("age", pa.int64()), ("score", pa.float64())])


def pid(i):
    return np.char.add("p", np.char.zfill(i.astype(str), 9))


def rows(lo, hi, rng, score_shift=0.0):
    i = np.arange(lo, hi)
    return pa.table({"pid": pid(i), "name": np.char.add("n", (i % 997).astype(str)),
                     "age": (i % 90).astype(np.int64), "score": rng.random(hi - lo) + score_shift}, schema=SCHEMA)


def warehouse(n, base):
    wh = base / f"incr-{n}"
    if (wh / "done").exists():
        return wh
    shutil.rmtree(wh, ignore_errors=True)
    wh.mkdir(parents=True)
    cat = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
    cat.create_namespace("lab")
    t = cat.create_table("lab.people", schema=SCHEMA)
    rng = np.random.default_rng(7)
    step = max(n // 100, 1)
    for lo in range(0, n, step * 10):  # ten appends of ten ~1 % files each
        with t.transaction() as tx:
            for s in range(lo, min(lo + step * 10, n), step):
                tx.append(rows(s, min(s + step, n), rng))
    (wh / "done").touch()
    return wh


def change(wh, kind, n):
    t = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}").load_table("lab.people")
    rng = np.random.default_rng(11 if kind == "cow_update" else 12)
    one = n // 100
    lo = n // 2 + one // 3  # not aligned with a file: the rewrite keeps part of two files
    if kind == "cow_update":
        t.overwrite(rows(lo, lo + one, rng, score_shift=10.0),
                    overwrite_filter=And(GreaterThanOrEqual("pid", str(pid(np.array([lo]))[0])),
                                         LessThan("pid", str(pid(np.array([lo + one]))[0]))))
        return {"rows_changed": one}
    third = one // 3
    t.append(rows(n, n + third, rng))
    t.delete(And(GreaterThanOrEqual("pid", str(pid(np.array([lo]))[0])),
                 LessThan("pid", str(pid(np.array([lo + third]))[0]))))
    done = t.upsert(rows(lo + third, lo + 2 * third, rng, score_shift=20.0), join_cols=["pid"])
    assert done.rows_updated == third, done
    return {"rows_changed": 3 * third}


def run(cmd, log=None):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    if log is not None:
        log.write_text(proc.stderr)  # the run's events, to see where its time went
    return seconds, json.loads(proc.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results.jsonl"))
    args = ap.parse_args()
    base = ROOT / "build" / "bench"
    base.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    from tests.conftest import Emulator  # noqa: E402
    os.environ["ICEGRAPH_BIN"] = args.bin
    wh = warehouse(args.rows, base)
    result = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "benchmark": "incremental",
              "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                          "processor": platform.processor() or platform.machine()},
              "rows": args.rows}
    state = base / "incr-state.db"
    state.unlink(missing_ok=True)
    tmp = base / "emu"
    tmp.mkdir(exist_ok=True)
    base_cmd = [args.bin, "--log-level", "info"]
    cfg = base / "incr.yaml"
    # The full sync, three times, each into an empty graph of a fresh emulator (the ratio's denominator varies as much
    # as its numerator on a shared machine): the median is the figure, and the last graph is kept for the changes.
    fulls = []
    emu = None
    try:
        for _ in range(3):
            if emu is not None:
                emu.stop()
            state.unlink(missing_ok=True)
            emu = Emulator("--username", "tigergraph", "--password", "tigergraph", tmp=tmp)
            cfg.write_text(CONFIG.format(wh=wh, url=emu.url, state=state))
            subprocess.run([*base_cmd, "schema", "--apply", "--config", str(cfg)], check=True, capture_output=True)
            full_s, full = run([*base_cmd, "sync", "--full", "--json", "--config", str(cfg)])
            assert full["outcome"] == "succeeded", full
            fulls.append(full_s)
        full_s = sorted(fulls)[len(fulls) // 2]
        result["full"] = {"seconds": full_s, "runs_seconds": fulls,
                          "rows_read": sum(t["rows_read"] for t in full["tables"])}
        # Each change on the graph the previous sync left (the table is rewritten, so the warehouse is too).
        for kind in ("cow_update", "mixed"):
            changed = change(wh, kind, args.rows)
            # The median of five runs of the same sync: the state database is put back before each rerun, so each
            # reads the same change and sends the same writes (idempotent on the graph the first run left).
            before = base / "incr-state-before.db"
            shutil.copy(state, before)
            runs = []
            for attempt in range(5):
                shutil.copy(before, state)
                runs.append(run([*base_cmd, "sync", "--json", "--config", str(cfg)],
                                log=base / f"incr-{kind}.log" if attempt == 0 else None))
            before.unlink()
            incr_s, incr = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
            assert incr["outcome"] == "succeeded", incr
            result[kind] = {**changed, "seconds": incr_s, "ratio_to_full": incr_s / full_s,
                            "runs_seconds": [r[0] for r in runs],
                            "rows_read": sum(t["rows_read"] for t in incr["tables"]),
                            "counts": {k: v for k, v in incr.items() if isinstance(v, int)}}
    finally:
        if emu is not None:
            emu.stop()
    # The warehouse was changed: the next run writes it again.
    (wh / "done").unlink(missing_ok=True)
    with open(args.out, "a") as f:
        f.write(json.dumps(result) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
