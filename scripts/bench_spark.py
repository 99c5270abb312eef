"""Spark engine benchmark (`make bench-spark`; also run by `make bench`): the purchases table of bench_sync.py, in
files of 250,000 rows, synced in full by the one-machine engine and by the Spark engine on 1 and 2 executor cores
(`local[1]`, `local[2]`), with the sink discarding (icegraph alone) and into the emulator. Writes the section
"Spark engine" of bench/results.md (replacing an earlier one) and appends one JSON line to bench/results.jsonl.

    python scripts/bench_spark.py --bin build/release/bin/icegraph [--rows 10000000]

Spark's overhead per task = (wall time of the Spark run on one core - the seconds the tasks' icegraph processes
measured themselves - the driver's plan and commit) / tasks: scheduling, the Python worker, starting the icegraph
process and opening the pipeline (catalog, mapping) once per task.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT))
import bench_sync  # noqa: E402
from bench_sync import CONFIG  # noqa: E402
from tests.conftest import Emulator  # noqa: E402

FILE_ROWS = 250_000


def warehouse(rows, base):
    return bench_sync.warehouse(rows, base, name="spark", file_rows=FILE_ROWS)


def config(wh, tmp, name, url):
    d = tmp / name
    d.mkdir()
    path = d / "icegraph.yaml"
    path.write_text(CONFIG.format(wh=wh, url=url, state=d / "state.db"))
    return path


def icegraph(binary, *args):
    out = subprocess.run([binary, "--log-level", "warn", *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"icegraph {' '.join(args)} exited {out.returncode}: {out.stderr[-2000:]}")
    return out.stdout


def one_machine(binary, cfg, discard, threads):
    args = ["sync", "--full", "--json", "--threads", str(threads), "--config", str(cfg)]
    start = time.perf_counter()
    report = json.loads(icegraph(binary, *args, *(["--discard"] if discard else [])))
    return time.perf_counter() - start, report


def on_spark(cores, cfg, discard):
    import icegraph.spark
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master(f"local[{cores}]").appName("icegraph-bench")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        # A first tiny job starts the Python workers, as a long-lived Spark application has them already.
        spark.sparkContext.parallelize(range(cores), cores).count()
        start = time.perf_counter()
        report = icegraph.spark.sync(spark, cfg, full=True, partitions=cores, discard=discard)
        return time.perf_counter() - start, report
    finally:
        spark.stop()


def write_section(results, lines):
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    head = "## Spark engine"
    if head in text:
        before, _, after = text.partition(head)
        rest = after.split("\n## ", 1)
        text = before + ("## " + rest[1] if len(rest) > 1 else "")
    results.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "build" / "release" / "bin" / "icegraph"))
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/icegraph/bench"))
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    os.environ["ICEGRAPH_BIN"] = binary
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "python"), os.environ.get("PYTHONPATH", "")])
    wh = warehouse(a.rows, Path(a.cache))
    tmp = Path(tempfile.mkdtemp(prefix="icegraph-bench-spark-"))
    rows = []
    try:
        for sink in ("discard", "emulator"):
            discard = sink == "discard"
            for engine, cores in (("one machine", 1), ("one machine", 2), ("spark", 1), ("spark", 2)):
                emu = None if discard else Emulator("--username", "tigergraph", "--password", "tigergraph", tmp=tmp)
                try:
                    url = emu.url if emu else "http://127.0.0.1:9"
                    cfg = config(wh, tmp, f"{sink}-{engine.replace(' ', '-')}-{cores}", url)
                    if emu:
                        icegraph(binary, "schema", "--apply", "--config", str(cfg))
                    if engine == "spark":
                        seconds, report = on_spark(cores, cfg, discard)
                    else:
                        seconds, report = one_machine(binary, cfg, discard, cores)
                finally:
                    if emu:
                        emu.stop()
                assert report["outcome"] == "succeeded", report
                read = sum(t["rows_read"] for t in report["tables"])
                row = {"sink": sink, "engine": engine, "cores": cores, "seconds": round(seconds, 3), "rows": read}
                if engine == "spark":
                    row["tasks"] = report["spark"]["tasks"]
                    row["task_seconds"] = round(report["spark"]["task_seconds"], 3)
                rows.append(row)
                print(json.dumps(row), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def find(sink, engine, cores):
        return next(r for r in rows if (r["sink"], r["engine"], r["cores"]) == (sink, engine, cores))

    today = datetime.date.today().isoformat()
    lines = ["## Spark engine", "",
             f"`scripts/bench_spark.py --rows {a.rows}` on {today} ({os.cpu_count()} CPUs, shared): the purchases "
             f"table of the full-sync benchmark in files of {FILE_ROWS:,} rows plus its users and products tables, "
             "`sync --full` by the one-machine engine (`--threads N`) and by the Spark engine on `local[N]` "
             "(N partitions, one task per data file, one request in flight per task).", "",
             "| sink | engine | cores | seconds | rows/s | vs the same engine on 1 core |", "|---|---|---|---|---|---|"]
    for r in rows:
        one = find(r["sink"], r["engine"], 1)["seconds"]
        lines.append(f"| {r['sink']} | {r['engine']} | {r['cores']} | {r['seconds']:.2f} | "
                     f"{r['rows'] / r['seconds'] / 1e6:.2f} M | {one / r['seconds']:.2f}x |")
    s1 = find("discard", "spark", 1)
    overhead = (s1["seconds"] - s1["task_seconds"]) / s1["tasks"]
    lines += ["", f"Scaling of the Spark engine from 1 to 2 executor cores: "
              f"{find('discard', 'spark', 1)['seconds'] / find('discard', 'spark', 2)['seconds']:.2f}x discarding, "
              f"{find('emulator', 'spark', 1)['seconds'] / find('emulator', 'spark', 2)['seconds']:.2f}x into the "
              f"emulator (which shares the same 2 CPUs). Spark's overhead per task (wall time on one core minus the "
              f"tasks' own seconds, over {s1['tasks']} tasks, plan and commit included): {overhead:.2f} s."]
    write_section(ROOT / "bench" / "results.md", lines)
    with open(ROOT / "bench" / "results.jsonl", "a") as f:
        f.write(json.dumps({"benchmark": "spark", "date": today, "rows": a.rows, "runs": rows}) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
