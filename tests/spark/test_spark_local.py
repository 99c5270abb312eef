"""The Spark engine on `local[2]` (two executor threads, up to 4 attempts per task): full and incremental syncs give
the graph the one-machine `icegraph sync` gives from the same tables (element by element), the same open dead
letters and the same checkpoints; a task that fails its first attempt, and a driver killed between phases then rerun,
change none of that."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..iceberg.fixtures import stop_spark
from .conftest import PYTHON_DIR, checkpoints, dead_letters, graph, icegraph, ledger, runs, spark_session


@pytest.fixture(scope="module")
def spark():
    s = spark_session("local[2,4]")
    yield s
    # The JVM goes too: a session started later in this process (the Iceberg fixtures') needs one with its jars.
    stop_spark(s)


def spark_sync(spark, world, **kw):
    import icegraph.spark
    return icegraph.spark.sync(spark, world.spark_config, **kw)


def assert_same(world):
    assert graph(world.spark_emu) == graph(world.ref_emu)
    assert dead_letters(world.spark_config) == dead_letters(world.ref_config)
    assert checkpoints(world.spark_config) == checkpoints(world.ref_config)


@pytest.mark.parametrize("mode", ["bulk", "upsert"])
def test_full_then_incremental_equal_one_machine(spark, tmp_path, emulator_factory, mode):
    from .conftest import World
    world = World(tmp_path, lambda *a: emulator_factory("--username", "tigergraph", "--password", "tigergraph", *a),
                  mode)
    report = spark_sync(spark, world, full=True)
    icegraph("sync", "--full", "--config", str(world.ref_config))
    assert report["outcome"] == "succeeded"
    assert {t["table"]: t["mode"] for t in report["tables"]} == {
        "social.users": "full", "social.follows": "full", "social.posts": "full"}
    # users: 3 files; follows: 2 (edge phase); posts: 2 read once for Post and WROTE (vertex phase).
    assert report["spark"]["tasks"] == 7 and report["spark"]["tasks_run"] == 7
    assert {t["table"]: t["rows_read"] for t in report["tables"]} == {
        "social.users": 62, "social.follows": 61, "social.posts": 30}
    g = graph(world.spark_emu)
    assert len(g["User"]) == 60 and len(g["Post"]) == 30 and len(g["FOLLOWS"]) == 60
    assert_same(world)
    # users' null and empty ids, a null followee, authorless posts
    assert len(dead_letters(world.spark_config)) == 2 + 1 + 4

    world.change()
    report = spark_sync(spark, world)
    icegraph("sync", "--config", str(world.ref_config))
    assert report["outcome"] == "succeeded"
    assert {t["table"]: t["mode"] for t in report["tables"]} == {
        "social.users": "incremental", "social.follows": "incremental", "social.posts": "incremental"}
    g = graph(world.spark_emu)
    assert g["User"]["u3"]["name"] == "renamed" and "p4" not in g["Post"]
    assert g["User"]["u5"]["name"] == ""  # its row is gone; FOLLOWS edges still name it, so it keeps defaults
    assert "u64" in g["User"] and ("u61", "u62", '{"since": 1000}') in g["FOLLOWS"]
    assert_same(world)
    kinds = [(r["kind"], r["outcome"]) for r in runs(world.spark_config)]
    assert kinds == [("spark", "succeeded"), ("spark-full", "succeeded")]


def test_a_task_failing_its_first_attempt_is_retried(spark, world, monkeypatch):
    monkeypatch.setenv("ICEGRAPH_SPARK_TEST_FAULT", "fail:vertices/0/1")
    report = spark_sync(spark, world, full=True)
    icegraph("sync", "--full", "--config", str(world.ref_config))
    assert report["outcome"] == "succeeded" and report["spark"]["tasks"] == 7
    # Spark ran its partition again (the tasks before it in the partition too: their writes are idempotent)
    assert "vertices/0/1" in report["spark"]["retried"]
    assert_same(world)
    assert [(r["kind"], r["outcome"]) for r in runs(world.spark_config)] == [("spark-full", "succeeded")]


def test_driver_killed_between_phases_then_rerun(spark, world):
    env = {**os.environ, "ICEGRAPH_SPARK_CRASH_AFTER_PHASE": "vertices",
           "PYTHONPATH": os.pathsep.join([str(PYTHON_DIR), os.environ.get("PYTHONPATH", "")])}
    # The documented entry point: spark-submit of the package's spark.py.
    import pyspark
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    env.update(PYSPARK_PYTHON=sys.executable, SPARK_LOCAL_IP="127.0.0.1")
    out = subprocess.run([str(submit), "--master", "local[1]", "--conf", "spark.ui.enabled=false",
                          str(PYTHON_DIR / "icegraph" / "spark.py"), "sync", "--config", str(world.spark_config),
                          "--full"], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode != 0 and runs(world.spark_config), out.stderr[-3000:]
    # The crashed driver moved no checkpoint, recorded no dead letter, and left its run running with a ledger.
    assert set(checkpoints(world.spark_config).values()) == {None}
    assert dead_letters(world.spark_config) == []
    [crashed] = runs(world.spark_config)
    assert (crashed["kind"], crashed["outcome"]) == ("spark-full", "running")
    open_run = ledger(world.spark_config)
    assert open_run["run_id"] == crashed["run_id"]
    assert sorted(open_run["finished"]) == ["vertices/0/0", "vertices/0/1", "vertices/0/2", "vertices/2/0",
                                          "vertices/2/1"]

    report = spark_sync(spark, world, full=True)
    icegraph("sync", "--full", "--config", str(world.ref_config))
    assert report["spark"]["resumed"] is True and report["spark"]["tasks_run"] == 2  # only the edge phase's
    assert report["run_id"] == crashed["run_id"]
    assert_same(world)
    assert [(r["run_id"], r["outcome"]) for r in runs(world.spark_config)] == [(crashed["run_id"], "succeeded")]
    assert ledger(world.spark_config) is None
    assert not list(world.spark_config.parent.rglob("spark-ledger*"))  # nothing beside the state database
    # A second sync finds nothing to do: the checkpoints moved once, to the pinned snapshots.
    again = spark_sync(spark, world)
    assert {t["mode"] for t in again["tables"]} == {"unchanged"}
    assert_same(world)


def test_full_read_into_a_graph_holding_its_types_is_refused(spark, world):
    import icegraph
    spark_sync(spark, world, full=True)
    with pytest.raises(icegraph.ConfigError, match="cannot reconcile types TigerGraph already holds"):
        spark_sync(spark, world, full=True)
    assert [r["outcome"] for r in runs(world.spark_config)] == ["failed", "succeeded"]


def test_an_icegraph_process_killed_mid_task_is_rerun(spark, world, monkeypatch):
    # SIGKILL once its rows were handed to the sink, before the flush: some requests sent, none acknowledged to Spark.
    monkeypatch.setenv("ICEGRAPH_SPARK_TEST_FAULT", "kill:edges/1/1:spark.task_written")
    report = spark_sync(spark, world, full=True)
    icegraph("sync", "--full", "--config", str(world.ref_config))
    assert report["outcome"] == "succeeded" and "edges/1/1" in report["spark"]["retried"]
    assert_same(world)


def test_tigergraph_faults_during_a_spark_sync(spark, tmp_path, emulator_factory):
    from .conftest import World
    world = World(tmp_path, lambda *a: emulator_factory("--username", "tigergraph", "--password", "tigergraph", *a),
                  "upsert", ["--faults", "5xx=0.15,reset=0.15", "--seed", "7"])
    report = spark_sync(spark, world, full=True)
    icegraph("sync", "--full", "--config", str(world.ref_config))
    assert report["outcome"] == "succeeded" and report["retries"] > 0
    assert_same(world)
    world.change()
    report = spark_sync(spark, world)
    icegraph("sync", "--config", str(world.ref_config))
    assert report["outcome"] == "succeeded"
    assert_same(world)
