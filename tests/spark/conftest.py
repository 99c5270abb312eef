"""Fixtures of the Spark engine's tests: a small warehouse written by pyiceberg (three tables, several data files each,
bad rows), two emulators (one for the Spark run, one for the one-machine reference run), and a reader of a whole
graph, element by element."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
import requests
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import EqualTo
from pyiceberg.schema import Schema
from pyiceberg.types import IntegerType, LongType, NestedField, StringType

from ..conftest import ROOT, icegraph_bin

PYTHON_DIR = ROOT / "python"
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))

USERS = Schema(NestedField(1, "user_id", StringType()), NestedField(2, "name", StringType()),
               NestedField(3, "age", IntegerType()))
FOLLOWS = Schema(NestedField(1, "follower_id", StringType()), NestedField(2, "followee_id", StringType()),
                 NestedField(3, "since", LongType()))
POSTS = Schema(NestedField(1, "post_id", StringType()), NestedField(2, "author_id", StringType()),
               NestedField(3, "title", StringType()))

CONFIG = """
catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["{url}"], graph: social, username: tigergraph, password: tigergraph, concurrency: 2,
              retry: {{initial_backoff_ms: 5, max_backoff_ms: 50}}}}
state: {{url: "sqlite:///{state}"}}
sink: {{mode: {mode}, bulk_threshold_rows: 3}}
mappings:
  - table: social.users
    vertices:
      - {{type: User, id: user_id, attributes: {{name: name, age: age}}}}
  - table: social.follows
    edges:
      - {{type: FOLLOWS, from: {{type: User, id: follower_id}}, to: {{type: User, id: followee_id}},
          attributes: {{since: since}}}}
  - table: social.posts
    vertices:
      - {{type: Post, id: post_id, attributes: {{title: title}}}}
    edges:
      - {{type: WROTE, from: {{type: User, id: author_id}}, to: {{type: Post, id: post_id}}}}
"""


def users(lo, hi, bad=False):
    rows = [{"user_id": f"u{i}", "name": f"name {i}", "age": 20 + i % 50} for i in range(lo, hi)]
    if bad:
        rows.append({"user_id": None, "name": "no id", "age": 1})
        rows.append({"user_id": "", "name": "empty id", "age": 2})
    return pa.Table.from_pylist(rows, schema=USERS.as_arrow())


def follows(pairs):
    return pa.Table.from_pylist([{"follower_id": a, "followee_id": b, "since": 1000 + k}
                                 for k, (a, b) in enumerate(pairs)], schema=FOLLOWS.as_arrow())


def posts(lo, hi):
    return pa.Table.from_pylist([{"post_id": f"p{i}", "author_id": f"u{i % 7}" if i % 9 else None,
                                  "title": f"post {i}"} for i in range(lo, hi)], schema=POSTS.as_arrow())


class World:
    """A warehouse and two synced copies of it: `spark` (the Spark engine) and `ref` (one-machine `icegraph sync`)."""

    def __init__(self, tmp: Path, emulators, mode="auto", spark_emulator_args=()):
        self.tmp = tmp
        self.wh = tmp / "wh"
        self.wh.mkdir()
        self.catalog = SqlCatalog("default", uri=f"sqlite:///{self.wh}/catalog.db", warehouse=f"file://{self.wh}")
        self.catalog.create_namespace("social")
        self.users = self.catalog.create_table("social.users", USERS)
        self.follows = self.catalog.create_table("social.follows", FOLLOWS)
        self.posts = self.catalog.create_table("social.posts", POSTS)
        # Several appends: several data files, so several tasks per table.
        self.users.append(users(0, 20, bad=True))
        self.users.append(users(20, 40))
        self.users.append(users(40, 60))
        self.follows.append(follows([(f"u{i}", f"u{(i * 7) % 60}") for i in range(0, 30)]))
        self.follows.append(follows([(f"u{i}", f"u{(i * 11) % 60}") for i in range(30, 60)] + [("u1", None)]))
        self.posts.append(posts(0, 15))
        self.posts.append(posts(15, 30))
        self.spark_emu, self.ref_emu = emulators(*spark_emulator_args), emulators()
        self.spark_config = self.config("spark", self.spark_emu, mode)
        self.ref_config = self.config("ref", self.ref_emu, mode)
        for c in (self.spark_config, self.ref_config):
            icegraph("schema", "--apply", "--config", str(c))

    def config(self, name, emu, mode):
        d = self.tmp / name
        d.mkdir()
        path = d / "icegraph.yaml"
        path.write_text(CONFIG.format(wh=self.wh, url=emu.url, state=d / "state.db", mode=mode))
        return path

    def change(self):
        """An append, an update and a delete (copy-on-write), on the users and posts tables."""
        self.users.append(users(60, 65))
        self.users.overwrite(pa.Table.from_pylist([{"user_id": "u3", "name": "renamed", "age": 99}],
                                                  schema=USERS.as_arrow()), overwrite_filter=EqualTo("user_id", "u3"))
        self.users.delete(EqualTo("user_id", "u5"))
        self.posts.delete(EqualTo("post_id", "p4"))
        self.follows.append(follows([("u61", "u62")]))


def icegraph(*args, check=True):
    out = subprocess.run([icegraph_bin(), "--log-level", "warn", *args], capture_output=True, text=True, timeout=300)
    if check:
        assert out.returncode == 0, f"icegraph {' '.join(args)} exited {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out


def graph(emu, name="social"):
    """Every vertex and edge: {type: {id: attributes}} and {edge type: sorted [(from, to, attributes)]}."""
    for _ in range(30):
        try:
            r = requests.post(f"{emu.url}/gsql/v1/tokens", json={"graph": name}, auth=(emu.user, emu.password))
            if r.status_code == 200:
                break
        except requests.RequestException:
            pass
    h = {"Authorization": f"Bearer {r.json()['token']}"}

    def get(path):
        for attempt in range(30):  # an emulator started with --faults fails some reads too
            try:
                r = requests.get(f"{emu.url}/restpp/graph/{name}{path}", headers=h, timeout=60)
                if r.status_code < 500:
                    break
            except requests.RequestException:
                if attempt == 29:
                    raise
        body = r.json()
        assert body["error"] is False, body
        return body["results"]

    out = {}
    for vt in ("User", "Post"):
        out[vt] = {v["v_id"]: v["attributes"] for v in get(f"/vertices/{vt}")}
    for src, et in (("User", "FOLLOWS"), ("User", "WROTE")):
        edges = []
        for vid in out[src]:
            for e in get(f"/edges/{src}/{requests.utils.quote(vid, safe='')}/{et}"):
                edges.append((e["from_id"], e["to_id"], json.dumps(e.get("attributes", {}), sort_keys=True)))
        out[et] = sorted(edges)
    return out


def dead_letters(config):
    out = icegraph("dead-letters", "--export", "jsonl", "--config", str(config))
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    return sorted((r["source_table"], r["mapping"], r["reason_code"], r.get("row_key", "")) for r in rows)


def checkpoints(config):
    out = icegraph("status", "--json", "--config", str(config))
    return {t["table"]: t.get("checkpoint_snapshot_id") for t in json.loads(out.stdout)["tables"]}


def runs(config):
    out = icegraph("history", "--json", "--config", str(config))
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def ledger(config):
    """The pipeline's open Spark task ledger, kept in the state database (None: no run open)."""
    return json.loads(icegraph("spark", "ledger", "--config", str(config)).stdout)


def spark_session(master, app="icegraph-spark-tests", **conf):
    """A SparkSession on loopback whose Python workers import this tree's icegraph package and binary."""
    from pyspark.sql import SparkSession
    env = {"PYTHONPATH": os.pathsep.join([str(PYTHON_DIR), os.environ.get("PYTHONPATH", "")]),
           "ICEGRAPH_BIN": icegraph_bin()}
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # loopback only
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ["ICEGRAPH_BIN"] = icegraph_bin()
    b = (SparkSession.builder.master(master).appName(app)
         .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
         .config("spark.driver.memory", "512m").config("spark.executor.memory", "512m")
         .config("spark.pyspark.python", sys.executable))
    for k, v in env.items():
        b = b.config(f"spark.executorEnv.{k}", v)
    for k, v in conf.items():
        b = b.config(k, v)
    return b.getOrCreate()


@pytest.fixture
def world(tmp_path, emulator_factory):
    return World(tmp_path, lambda *a: emulator_factory("--username", "tigergraph", "--password", "tigergraph", *a))
