"""The Spark engine on a standalone cluster on loopback: one master and two workers (one core each) started from the
pyspark package's own classes, stopped at the end of the module. Full, then incremental sync give the graph the
one-machine `icegraph sync` gives, element by element; a task failing its first attempt is run again by Spark on
whichever executor, with the same outcome."""
import os
import subprocess
import time
from pathlib import Path

import pytest
import requests

from ..conftest import free_port
from ..iceberg.fixtures import stop_spark
from .conftest import checkpoints, dead_letters, graph, icegraph, runs, spark_session


class Cluster:
    """`spark-class` Master and Workers as child processes (spark-class execs java: the pid is the JVM's)."""

    def __init__(self, tmp: Path, workers: int = 2):
        import pyspark
        self.home = Path(pyspark.__file__).parent
        self.tmp = tmp
        self.procs = []
        self.port, self.ui = free_port(), free_port()
        self.url = f"spark://127.0.0.1:{self.port}"
        env = {**os.environ, "SPARK_HOME": str(self.home), "SPARK_LOCAL_IP": "127.0.0.1",
               "SPARK_LOG_DIR": str(tmp), "SPARK_WORKER_DIR": str(tmp / "work")}
        self.env = env
        try:
            self.wait_started(workers)
        except BaseException:
            self.stop()
            raise

    def wait_started(self, workers):
        self.start("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(self.port),
                   "--webui-port", str(self.ui))
        for _ in range(workers):
            self.start("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
                       "--memory", "1g", "--webui-port", str(free_port()), "--work-dir", str(self.tmp / "work"),
                       self.url)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                alive = requests.get(f"http://127.0.0.1:{self.ui}/json/", timeout=5).json().get("aliveworkers", 0)
                if alive == workers:
                    return
            except (requests.ConnectionError, requests.Timeout, ValueError):
                pass
            for p in self.procs:
                if p.poll() is not None:
                    raise RuntimeError(f"a Spark daemon exited {p.returncode}: see {self.tmp}")
            time.sleep(0.5)
        raise RuntimeError(f"the standalone cluster did not start in 90 s: see {self.tmp}")

    def start(self, cls, *args):
        log = open(self.tmp / f"{cls.rsplit('.', 1)[-1]}-{len(self.procs)}.log", "ab")
        self.procs.append(subprocess.Popen([str(self.home / "bin" / "spark-class"), cls, *args], env=self.env,
                                           stdout=log, stderr=subprocess.STDOUT))

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("spark-cluster"))
    try:
        s = spark_session(cluster.url, "icegraph-spark-cluster-tests", **{"spark.cores.max": "2",
                                                                         "spark.executor.cores": "1"})
        try:
            yield s
        finally:
            stop_spark(s)  # and its JVM, which later sessions in this process could not add jars to
    finally:
        cluster.stop()


def test_full_and_incremental_on_a_standalone_cluster(spark, world, monkeypatch):
    import icegraph.spark as ig_spark
    monkeypatch.setenv("ICEGRAPH_SPARK_TEST_FAULT", "fail:edges/1/0")
    report = ig_spark.sync(spark, world.spark_config, full=True)
    icegraph("sync", "--full", "--config", str(world.ref_config))
    assert report["outcome"] == "succeeded" and report["spark"]["tasks"] == 7
    assert "edges/1/0" in report["spark"]["retried"]
    # Two executors, one per worker, ran the tasks.
    executors = spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1  # minus the driver
    assert executors == 2
    assert graph(world.spark_emu) == graph(world.ref_emu)
    assert dead_letters(world.spark_config) == dead_letters(world.ref_config)

    monkeypatch.delenv("ICEGRAPH_SPARK_TEST_FAULT")
    world.change()
    report = ig_spark.sync(spark, world.spark_config)
    icegraph("sync", "--config", str(world.ref_config))
    assert report["outcome"] == "succeeded"
    assert graph(world.spark_emu) == graph(world.ref_emu)
    assert dead_letters(world.spark_config) == dead_letters(world.ref_config)
    assert checkpoints(world.spark_config) == checkpoints(world.ref_config)
    assert [(r["kind"], r["outcome"]) for r in runs(world.spark_config)] == [
        ("spark", "succeeded"), ("spark-full", "succeeded")]
