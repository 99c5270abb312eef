"""icegraph on Apache Spark: the same sync, planned on the driver, run by executors, committed once (docs/spark.md).

From a notebook or a PySpark job::

    import icegraph.spark
    report = icegraph.spark.sync(spark, "icegraph.yaml")            # dict: the run's report (as `sync --json`)

With spark-submit::

    spark-submit --files icegraph.yaml --archives icegraph-venv.tar.gz#venv \\
        <site-packages>/icegraph/spark.py sync --config icegraph.yaml [--full] [--partitions N]

The driver runs ``icegraph spark plan`` (pins each table's snapshot, writes the run and its task ledger), then each
phase (vertices, then edges) as one Spark job whose tasks run ``icegraph spark run-task`` on the executors (the
binary this package ships, a task's JSON on stdin, its result row on stdout), records the finished tasks in the
ledger after each phase (``icegraph spark record``) and commits once every task finished (``icegraph spark
commit``): dead letters, checkpoints, incremental changes, run history. A rerun after any failure resumes the ledger
and skips the tasks that finished.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from icegraph._api import _ERRORS, IcegraphError, binary_path  # absolute: spark-submit runs this file as a script

__all__ = ["sync", "main"]


def _binary() -> str:
    env = os.environ.get("ICEGRAPH_BIN")
    return env if env and Path(env).is_file() else str(binary_path())


def _call(args: list[str], stdin: str = "", check: bool = True,
          env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [_binary(), *args]
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env={**os.environ, **env} if env else None)
    if check and proc.returncode != 0:
        raise _ERRORS.get(proc.returncode, IcegraphError)(cmd, proc.returncode, proc.stderr)
    return proc


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _config_on_executor(path: str) -> str:
    """The driver's config path when the executor sees the same file system, else the copy `--files` shipped."""
    if Path(path).is_file():
        return path
    from pyspark import SparkFiles
    return SparkFiles.get(Path(path).name)


def _run_tasks(config: str, discard: bool, concurrency: int, bin_hint: str | None, fault: str,
               tasks: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """Runs on an executor: each task through `icegraph spark run-task`; a failed task fails the Spark task.

    ``fault`` (tests only) strikes the first attempt of one task: ``fail:<task id>`` raises before it runs,
    ``kill:<task id>:<fail point>`` SIGKILLs its icegraph process at that fail point (mid-task)."""
    from pyspark import TaskContext
    if bin_hint and Path(bin_hint).is_file():
        os.environ["ICEGRAPH_BIN"] = bin_hint
    ctx = TaskContext.get()
    attempt = ctx.attemptNumber() if ctx is not None else 0
    args = ["spark", "run-task", "--config", _config_on_executor(config), "--concurrency", str(concurrency)]
    if discard:
        args.append("--discard")
    kind, _, rest = fault.partition(":")
    target, _, point = rest.partition(":")
    for task in tasks:
        struck = attempt == 0 and task["id"] == target
        if struck and kind == "fail":
            raise RuntimeError(f"icegraph test fault: task {task['id']} fails its first attempt")
        env = {"ICEGRAPH_FAILPOINTS": f"{point}=1"} if struck and kind == "kill" else None
        proc = _call(args, json.dumps(task) + "\n", check=False, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f"icegraph task {task['id']} (attempt {attempt}) failed: {proc.stdout.strip()}\n"
                               f"{proc.stderr[-4000:]}")
        for line in proc.stdout.splitlines():
            if line.strip():
                result = json.loads(line)
                result["attempt"] = attempt
                yield json.dumps(result)


def sync(spark: Any, config: str | os.PathLike[str], *, full: bool = False, partitions: int | None = None,
         discard: bool = False) -> dict[str, Any]:
    """Runs one sync of ``config`` on ``spark`` (a SparkSession); returns the run's report (as ``sync --json``).

    ``partitions`` (default: ``tigergraph.concurrency``) is how many tasks write at once, each with one request in
    flight: the write concurrency TigerGraph sees. Raises :class:`icegraph.IcegraphError` when the run fails; the
    run is then recorded as failed and its task ledger kept in the state database, so calling again resumes it.
    """
    config = str(Path(config).resolve())
    common = ["--config", config]
    plan_args = ["spark", "plan", *common] + (["--full"] if full else []) + (["--discard"] if discard else [])
    lines = _lines(_call(plan_args).stdout)
    run, tasks = lines[0], lines[1:]
    if partitions is None:
        partitions = int(run.get("concurrency", 4))
    sc = spark.sparkContext
    bin_hint = os.environ.get("ICEGRAPH_BIN")
    fault = os.environ.get("ICEGRAPH_SPARK_TEST_FAULT", "")  # tests: strike one task's first attempt
    crash_after = os.environ.get("ICEGRAPH_SPARK_CRASH_AFTER_PHASE", "")  # tests: the driver dies after a phase
    retried: list[str] = []
    task_seconds = 0.0
    try:
        for phase in run["phases"]:
            todo = [t for t in tasks if t["phase"] == phase]
            if not todo:
                continue
            n = max(1, min(partitions, len(todo)))
            sc.setJobDescription(f"icegraph run {run['run_id']}: {phase} ({len(todo)} tasks)")
            rdd = sc.parallelize(todo, n)
            results = rdd.mapPartitions(
                lambda it, c=config, d=discard, b=bin_hint, f=fault: _run_tasks(c, d, 1, b, f, it)).collect()
            parsed = [json.loads(r) for r in results]
            retried += [r["id"] for r in parsed if r.get("attempt", 0) > 0]
            task_seconds += sum(r.get("seconds", 0.0) for r in parsed)
            _call(["spark", "record", *common], "\n".join(results) + "\n")
            if crash_after == phase:
                os._exit(137)
    except Exception as e:  # the run is recorded as failed; its ledger stays for the rerun
        _call(["spark", "abort", *common, "--error", f"Spark job failed: {str(e)[:2000]}"], check=False)
        raise
    proc = _call(["spark", "commit", *common], check=False)
    report = _lines(proc.stdout)[0] if proc.stdout.strip() else None
    if proc.returncode != 0:
        raise _ERRORS.get(proc.returncode, IcegraphError)([_binary(), "spark", "commit", *common], proc.returncode,
                                                         proc.stderr, report)
    report["spark"] = {"run_id": run["run_id"], "resumed": run["resumed"], "tasks": run["tasks"],
                       "tasks_run": len(tasks), "partitions": partitions,
                       "retried": sorted(retried), "task_seconds": task_seconds}
    return report


def main(argv: list[str] | None = None) -> int:
    """``spark-submit .../icegraph/spark.py sync --config icegraph.yaml [--full] [--partitions N]``, or the same
    with ``python -m icegraph.spark`` and ``--master``."""
    ap = argparse.ArgumentParser(prog="python -m icegraph.spark")
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sync", help="sync the mapped tables on this Spark application")
    s.add_argument("--config", default=os.environ.get("ICEGRAPH_CONFIG", "icegraph.yaml"))
    s.add_argument("--full", action="store_true", help="read every table in full")
    s.add_argument("--partitions", type=int, default=None,
                   help="tasks writing at once (default: tigergraph.concurrency)")
    s.add_argument("--discard", action="store_true", help="map and serialise, send nothing (benchmarks)")
    s.add_argument("--master", default=None, help="Spark master when not run by spark-submit (e.g. local[2])")
    a = ap.parse_args(argv)
    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("icegraph-sync")
    if a.master:
        builder = builder.master(a.master)
    spark = builder.getOrCreate()
    try:
        report = sync(spark, a.config, full=a.full, partitions=a.partitions, discard=a.discard)
    except IcegraphError as e:
        print(str(e), file=sys.stderr)
        if e.report is not None:
            print(json.dumps(e.report))
        return e.exit_code
    finally:
        spark.stop()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    # Through the package module, so executors unpickle the task function by reference, not this __main__ copy.
    from icegraph.spark import main as _main
    sys.exit(_main())
