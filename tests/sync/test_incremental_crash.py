"""Incremental sync under SIGKILL and under concurrent workers.

A warehouse (pyiceberg, SQL catalog on SQLite) gets a base snapshot that is synced (the checkpoint), then five
appends of 40k people each, a copy-on-write delete of a tenth of them, five appends of follows edges (multi-edges)
and a delete of some edges. `icegraph sync` (bulk sink, 1 MB chunks) applying those snapshots is SIGKILLed at seeded
points in time and rerun to completion: the graph read back through REST++ must equal the oracle computed from
pyiceberg's read, and the checkpoint must be the current snapshot. Each trial starts from the same base: a copy of
the emulator's journal (--data-dir) and of the state database taken after the base sync."""
import json
import random
import shutil
import signal
import subprocess
import time

import pyarrow as pa
import pytest
import requests
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import DoubleType, IntegerType, NestedField, StringType

from ..conftest import icegraph_bin
from .conftest import GraphReader, run_icegraph, write_config

PEOPLE = Schema(NestedField(1, "id", StringType()), NestedField(2, "name", StringType()),
                NestedField(3, "grp", IntegerType()))
FOLLOWS = Schema(NestedField(1, "fid", StringType()), NestedField(2, "src", StringType()),
                 NestedField(3, "dst", StringType()), NestedField(4, "w", DoubleType()))

CONFIG = """
catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["{url}"], graph: crash, username: tigergraph, password: tigergraph}}
state: {{url: "sqlite:///{state}"}}
sink: {{mode: bulk, chunk_mb: 1}}
mappings:
  - table: crash.people
    vertices:
      - type: Person
        id: id
        attributes: {{name: name, grp: grp}}
  - table: crash.follows
    edges:
      - type: FOLLOWS
        from: {{type: Person, id: src}}
        to: {{type: Person, id: dst}}
        attributes: {{fid: fid, w: w}}
        discriminator: [fid]
"""

BASE_PEOPLE = 1000
BATCH_PEOPLE = 40_000
EDGES_PER_APPEND = 4_000
# Edge endpoints are people of the base snapshot outside group 3 (group 3 is deleted): they always exist.
ENDPOINTS = [f"p{n:06d}" for n in range(BASE_PEOPLE) if n % 10 != 3]
SOURCES = ENDPOINTS[:300]


def people(lo, hi):
    return [{"id": f"p{n:06d}", "name": f"name {n}", "grp": n % 10} for n in range(lo, hi)]


def follows(k, count):
    rows = []
    for j in range(count):
        n = k * 100_000 + j
        # Every source gets several edges to the same target within an append: discriminated multi-edges.
        rows.append({"fid": f"f{n}", "src": SOURCES[j % len(SOURCES)],
                     "dst": ENDPOINTS[(j // 3 * 7 + k) % len(ENDPOINTS)], "w": (n * 37 % 1000) / 1000})
    return rows


class World:
    """The warehouse after the base sync and the pending snapshots, with the base graph and state kept aside."""

    def __init__(self, root, emulator_factory):
        self.root = root
        self.factory = emulator_factory
        self.wh = root / "wh"
        self.wh.mkdir()
        cat = SqlCatalog("default", uri=f"sqlite:///{self.wh}/catalog.db", warehouse=f"file://{self.wh}")
        cat.create_namespace("crash")
        self.cat = cat
        p = cat.create_table("crash.people", schema=PEOPLE)
        f = cat.create_table("crash.follows", schema=FOLLOWS)
        p.append(pa.Table.from_pylist(people(0, BASE_PEOPLE), schema=p.schema().as_arrow()))
        f.append(pa.Table.from_pylist(follows(0, 200), schema=f.schema().as_arrow()))

        base_data = root / "base-data"
        base_data.mkdir()
        emu = emulator_factory("--username", "tigergraph", "--password", "tigergraph", "--data-dir", str(base_data))
        config = self.config(emu, root / "base-state.db")
        run_icegraph("schema", "--apply", config=config)
        report = json.loads(run_icegraph("sync", "--json", config=config).stdout)
        assert report["outcome"] == "succeeded", report
        emu.stop()
        self.base_data = base_data
        self.base_state = root / "base-state.db"
        self.trials = 0

        # The pending snapshots.
        for k in range(5):
            lo = BASE_PEOPLE + k * BATCH_PEOPLE
            p = cat.load_table("crash.people")
            p.append(pa.Table.from_pylist(people(lo, lo + BATCH_PEOPLE), schema=p.schema().as_arrow()))
            f = cat.load_table("crash.follows")
            f.append(pa.Table.from_pylist(follows(k + 1, EDGES_PER_APPEND), schema=f.schema().as_arrow()))
        cat.load_table("crash.people").delete("grp == 3")
        cat.load_table("crash.follows").delete("w < 0.1")
        self.current = {t: cat.load_table(t).metadata.current_snapshot_id for t in ("crash.people", "crash.follows")}
        self.want = self.expected()

    def config(self, emu, state):
        path = state.parent / (state.stem + ".yaml")
        return write_config(path, CONFIG.format(wh=self.wh, url=emu.url, state=state))

    def expected(self):
        ppl = {r["id"]: {"name": r["name"], "grp": r["grp"]}
               for r in self.cat.load_table("crash.people").scan().to_arrow().to_pylist()}
        edges = {}
        for r in self.cat.load_table("crash.follows").scan().to_arrow().to_pylist():
            assert r["src"] in ppl and r["dst"] in ppl
            edges[(r["src"], r["dst"], r["fid"])] = {"fid": r["fid"], "w": round(r["w"], 6)}
        assert len(ppl) == (BASE_PEOPLE + 5 * BATCH_PEOPLE) * 9 // 10
        return ppl, edges

    def trial(self):
        """A fresh emulator and state at the base: (emulator, config)."""
        self.trials += 1
        data = self.root / f"data-{self.trials}"
        shutil.copytree(self.base_data, data)
        state = self.root / f"state-{self.trials}.db"
        shutil.copy(self.base_state, state)
        emu = self.factory("--username", "tigergraph", "--password", "tigergraph", "--data-dir", str(data))
        return emu, self.config(emu, state)

    def assert_exact(self, emu, config, what):
        want_p, want_e = self.want
        g = GraphReader(emu, "crash")
        got_p = {k: {a: v for a, v in attrs.items() if a != "id"} for k, attrs in g.vertices("Person").items()}
        assert len(got_p) == len(want_p) and got_p == want_p, \
            f"{what}: Person differs: {len(set(want_p) - set(got_p))} missing, {len(set(got_p) - set(want_p))} extra"
        got_e = {}
        for src in SOURCES:  # every edge ever written leaves one of these
            for e in g.get(f"/graph/crash/edges/Person/{src}/FOLLOWS"):
                key = (e["from_id"], e["to_id"], e["attributes"]["fid"])
                assert key not in got_e, f"{what}: edge {key} twice"
                got_e[key] = {"fid": e["attributes"]["fid"], "w": round(e["attributes"]["w"], 6)}
        assert got_e == want_e, f"{what}: FOLLOWS differs: {sorted(set(want_e) - set(got_e))[:5]} missing " \
                                f"({len(set(want_e) - set(got_e))}), {sorted(set(got_e) - set(want_e))[:5]} extra " \
                                f"({len(set(got_e) - set(want_e))})"
        st = json.loads(run_icegraph("status", "--json", config=config).stdout)
        st = st["tables"] if isinstance(st, dict) else st
        assert {t["table"]: t["checkpoint_snapshot_id"] for t in st} == self.current, st
        assert all(t["snapshots_behind"] == 0 for t in st), st


@pytest.fixture
def world(tmp_path, emulator_factory):
    return World(tmp_path, emulator_factory)


def start_sync(config, *extra):
    return subprocess.Popen([icegraph_bin(), "sync", "--json", *extra, "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop(proc):
    if proc.poll() is None:
        proc.kill()
    return proc.communicate(timeout=30)


@pytest.mark.slow
def test_sigkill_at_seeded_points_then_rerun_gives_the_exact_graph(world):
    # An uninterrupted run first: it must be exact too, and it measures how long a run takes.
    emu, config = world.trial()
    t0 = time.monotonic()
    out = run_icegraph("sync", "--json", config=config)
    duration = time.monotonic() - t0
    report = json.loads(out.stdout)
    assert {t["table"]: t["mode"] for t in report["tables"]} == {"crash.people": "incremental",
                                                                  "crash.follows": "incremental"}, report
    assert {t["table"]: t["snapshots_applied"] for t in report["tables"]} == {"crash.people": 6,
                                                                               "crash.follows": 6}, report
    world.assert_exact(emu, config, "uninterrupted run")
    emu.stop()

    rng = random.Random(20250601)
    delays = sorted(rng.uniform(0.05, 0.95) * duration for _ in range(10))
    killed = 0
    for delay in delays:
        emu, config = world.trial()
        proc = start_sync(config)
        try:
            time.sleep(delay)
            was_running = proc.poll() is None
            proc.send_signal(signal.SIGKILL) if was_running else None
            proc.wait(timeout=30)
        finally:
            stop(proc)
        killed += was_running
        if was_running:
            assert proc.returncode == -signal.SIGKILL
        rerun = json.loads(run_icegraph("sync", "--json", config=config).stdout)
        assert rerun["outcome"] == "succeeded", rerun
        world.assert_exact(emu, config, f"killed after {delay:.2f} s of {duration:.2f} s, then rerun")
        # Once more: nothing left to do.
        again = json.loads(run_icegraph("sync", "--json", config=config).stdout)
        assert {t["mode"] for t in again["tables"]} == {"unchanged"}, again
        emu.stop()
    assert killed >= 8, f"only {killed} of 10 kills landed mid-run (run takes {duration:.2f} s)"


@pytest.mark.slow
def test_two_syncs_at_once_exactly_one_applies(world):
    emu, config = world.trial()
    a, b = start_sync(config), start_sync(config)
    try:
        out_a, out_b = a.communicate(timeout=300), b.communicate(timeout=300)
    finally:
        stop(a), stop(b)
    results = sorted([(a.returncode, out_a), (b.returncode, out_b)], key=lambda r: r[0])
    (rc_ok, (stdout_ok, _)), (rc_locked, (stdout_locked, stderr_locked)) = results
    assert rc_ok == 0, results
    assert rc_locked != 0, results
    assert "lock" in (stdout_locked + stderr_locked).lower(), results
    report = json.loads(stdout_ok)
    assert report["outcome"] == "succeeded" and {t["mode"] for t in report["tables"]} == {"incremental"}, report
    world.assert_exact(emu, config, "two syncs at once")
    emu.stop()

    # With --lock-wait the second waits for the first, then finds nothing to do.
    emu, config = world.trial()
    a = start_sync(config)
    time.sleep(0.2)
    b = start_sync(config, "--lock-wait", "120")
    try:
        out_a, out_b = a.communicate(timeout=300), b.communicate(timeout=300)
    finally:
        stop(a), stop(b)
    assert a.returncode == 0 and b.returncode == 0, (out_a, out_b)
    first, second = json.loads(out_a[0]), json.loads(out_b[0])
    assert {t["mode"] for t in first["tables"]} == {"incremental"}, first
    assert {t["mode"] for t in second["tables"]} == {"unchanged"}, second
    assert all(n == 0 for n in (t["snapshots_applied"] for t in second["tables"])), second
    world.assert_exact(emu, config, "second sync waited for the lock")
