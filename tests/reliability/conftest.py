"""The reliability suite's world: a warehouse with a synced base snapshot and pending changes, an oracle computed from
pyiceberg's read, and a comparison of the graph read back through REST++ that counts rows lost and duplicated.

Two tables: rel.people (Person vertices, with rows that cannot map: a null id, an empty id) and rel.follows
(FOLLOWS multi-edges keyed by fid, one row with a null endpoint). After the base snapshot is synced (the emulator's
journal and the state database are kept aside), the pending changes are: three appends of people, a copy-on-write
delete of group 3, two appends of follows, a delete of light edges, and an overwrite of some names.

ICEGRAPH_RELIABILITY=full selects the full set (make reliability); otherwise a seeded subset runs (make test).
Each run appends one record to $ICEGRAPH_RELIABILITY_OUT (default build/reliability/results.jsonl), which
scripts/reliability_table.py turns into the table of docs/reliability.md."""
import json
import os
import shutil
import time
from pathlib import Path

import pyarrow as pa
import pytest
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import EqualTo
from pyiceberg.schema import Schema
from pyiceberg.types import DoubleType, IntegerType, NestedField, StringType

from ..conftest import ROOT
from ..sync.conftest import GraphReader, dead_letters, run_icegraph, write_config

FULL = os.environ.get("ICEGRAPH_RELIABILITY") == "full"
OUT = Path(os.environ.get("ICEGRAPH_RELIABILITY_OUT", ROOT / "build" / "reliability" / "results.jsonl"))

PEOPLE = Schema(NestedField(1, "id", StringType()), NestedField(2, "name", StringType()),
                NestedField(3, "grp", IntegerType()))
FOLLOWS = Schema(NestedField(1, "fid", StringType()), NestedField(2, "src", StringType()),
                 NestedField(3, "dst", StringType()), NestedField(4, "w", DoubleType()))

CONFIG = """
catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph:
  urls: ["{url}"]
  graph: rel
  username: tigergraph
  password: tigergraph
  timeout_s: {timeout_s}
  connect_timeout_s: 2
  retry: {{initial_backoff_ms: 50, max_backoff_ms: 1000, breaker_after_s: 60}}
state: {{url: "sqlite:///{state}"}}
sink: {{mode: {mode}, chunk_mb: {chunk_mb}}}
mappings:
  - table: rel.people
    vertices:
      - type: Person
        id: id
        attributes: {{name: name, grp: grp}}
  - table: rel.follows
    edges:
      - type: FOLLOWS
        from: {{type: Person, id: src}}
        to: {{type: Person, id: dst}}
        attributes: {{fid: fid, w: w}}
        discriminator: [fid]
"""

BASE_PEOPLE = 2000
BATCH_PEOPLE = 60_000
EDGES_PER_APPEND = 20_000
# Edge endpoints are base people outside group 3 (which is deleted), so every edge's endpoints always exist.
ENDPOINTS = [f"p{n:06d}" for n in range(BASE_PEOPLE) if n % 10 != 3]
SOURCES = ENDPOINTS[:200]
BAD_PEOPLE = [{"id": None, "name": "no id", "grp": 1}, {"id": "", "name": "empty id", "grp": 2}]
BAD_FOLLOWS = [{"fid": "fbad", "src": None, "dst": ENDPOINTS[0], "w": 0.5}]


def people(lo, hi):
    return [{"id": f"p{n:06d}", "name": f"name {n}", "grp": n % 10} for n in range(lo, hi)]


def follows(k, count):
    rows = []
    for j in range(count):
        n = k * 100_000 + j
        rows.append({"fid": f"f{n}", "src": SOURCES[j % len(SOURCES)],
                     "dst": ENDPOINTS[(j // 3 * 7 + k) % len(ENDPOINTS)], "w": (n * 37 % 1000) / 1000})
    return rows


def record(**fields):
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("a") as f:
        f.write(json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **fields}) + "\n")


class World:
    """The warehouse after the base sync, with the pending snapshots; base graph and state kept aside."""

    def __init__(self, root: Path, emulator_factory):
        self.root = root
        self.factory = emulator_factory
        self.wh = root / "wh"
        self.wh.mkdir()
        cat = SqlCatalog("default", uri=f"sqlite:///{self.wh}/catalog.db", warehouse=f"file://{self.wh}")
        cat.create_namespace("rel")
        self.cat = cat
        p = cat.create_table("rel.people", schema=PEOPLE)
        f = cat.create_table("rel.follows", schema=FOLLOWS)
        p.append(pa.Table.from_pylist(people(0, BASE_PEOPLE) + BAD_PEOPLE, schema=p.schema().as_arrow()))
        f.append(pa.Table.from_pylist(follows(0, 500) + BAD_FOLLOWS, schema=f.schema().as_arrow()))

        self.base_data = root / "base-data"
        self.base_data.mkdir()
        emu = self.emulator(self.base_data)
        config = self.config(emu, root / "base-state.db")
        run_icegraph("schema", "--apply", config=config)
        report = json.loads(run_icegraph("sync", "--json", config=config).stdout)
        assert report["outcome"] == "succeeded", report
        emu.stop()
        self.base_state = root / "base-state.db"
        self.empty_data = root / "empty-data"
        self.empty_data.mkdir()
        emu = self.emulator(self.empty_data)
        run_icegraph("schema", "--apply", config=self.config(emu, root / "empty-state.db"))
        emu.stop()
        (root / "empty-state.db").unlink(missing_ok=True)
        self.trials = 0

        for k in range(3):
            lo = BASE_PEOPLE + k * BATCH_PEOPLE
            p = cat.load_table("rel.people")
            p.append(pa.Table.from_pylist(people(lo, lo + BATCH_PEOPLE), schema=p.schema().as_arrow()))
            if k < 2:
                f = cat.load_table("rel.follows")
                f.append(pa.Table.from_pylist(follows(k + 1, EDGES_PER_APPEND), schema=f.schema().as_arrow()))
        cat.load_table("rel.people").delete("grp == 3")
        cat.load_table("rel.follows").delete("w < 0.1")
        # Overwrite group 5: the same keys, some renamed (copy-on-write rewrite of every file holding group 5).
        p = cat.load_table("rel.people")
        group5 = [dict(r, name=f"renamed {r['id']}") if int(r["id"][1:]) % 7 == 0 else r
                  for r in people(0, BASE_PEOPLE + 3 * BATCH_PEOPLE) if r["grp"] == 5]
        p.overwrite(pa.Table.from_pylist(group5, schema=p.schema().as_arrow()), overwrite_filter=EqualTo("grp", 5))
        self.current = {t: cat.load_table(t).metadata.current_snapshot_id for t in ("rel.people", "rel.follows")}
        self.want = self.expected()

    def emulator(self, data, *extra):
        return self.factory("--username", "tigergraph", "--password", "tigergraph", "--data-dir", str(data), *extra)

    def config(self, emu, state, mode="bulk", chunk_mb=0.25, timeout_s=30):
        path = state.parent / (state.stem + ".yaml")
        return write_config(path, CONFIG.format(wh=self.wh, url=emu.url, state=state, mode=mode, chunk_mb=chunk_mb,
                                                timeout_s=timeout_s))

    def expected(self):
        ppl = {r["id"]: {"name": r["name"], "grp": r["grp"]}
               for r in self.cat.load_table("rel.people").scan().to_arrow().to_pylist() if r["id"]}
        edges = {}
        for r in self.cat.load_table("rel.follows").scan().to_arrow().to_pylist():
            if r["src"] is None:
                continue
            assert r["src"] in ppl and r["dst"] in ppl
            edges[(r["src"], r["dst"], r["fid"])] = {"fid": r["fid"], "w": round(r["w"], 6)}
        return ppl, edges

    def trial(self, kind, *emu_args, **config_args):
        """A fresh emulator and state: at the base (incremental) or empty with the schema (full)."""
        self.trials += 1
        data = self.root / f"data-{self.trials}"
        shutil.copytree(self.base_data if kind == "incremental" else self.empty_data, data)
        state = self.root / f"state-{self.trials}.db"
        if kind == "incremental":
            shutil.copy(self.base_state, state)
        emu = self.emulator(data, *emu_args)
        return emu, self.config(emu, state, **config_args)

    def compare(self, emu):
        """(lost, duplicated, extra, changed) rows of the graph against the oracle."""
        want_p, want_e = self.want
        g = GraphReader(emu, "rel")
        got_p = {k: {a: v for a, v in attrs.items() if a != "id"} for k, attrs in g.vertices("Person").items()}
        lost = len(set(want_p) - set(got_p))
        extra = len(set(got_p) - set(want_p))
        changed = sum(1 for k in set(want_p) & set(got_p) if want_p[k] != got_p[k])
        got_e, duplicated = {}, 0
        for src in SOURCES:  # every edge ever written leaves one of these
            for e in g.get(f"/graph/rel/edges/Person/{src}/FOLLOWS"):
                key = (e["from_id"], e["to_id"], e["attributes"]["fid"])
                duplicated += key in got_e
                got_e[key] = {"fid": e["attributes"]["fid"], "w": round(e["attributes"]["w"], 6)}
        lost += len(set(want_e) - set(got_e))
        extra += len(set(got_e) - set(want_e))
        changed += sum(1 for k in set(want_e) & set(got_e) if want_e[k] != got_e[k])
        return {"lost": lost, "duplicated": duplicated, "extra": extra, "changed": changed}

    def checkpoints(self, config):
        st = json.loads(run_icegraph("status", "--json", config=config).stdout)
        st = st["tables"] if isinstance(st, dict) else st
        return {t["table"]: t["checkpoint_snapshot_id"] for t in st}

    @staticmethod
    def dead_letter_keys(config):
        """Distinct (table, key, reason) of every dead letter recorded, across runs."""
        return sorted({(d["source_table"], d["row_key"], d["reason_code"]) for d in dead_letters(config)})

    def expected_dead_letters(self, kind):
        # The base sync's dead letters are in the incremental trials' state too (copied from the base).
        del kind
        return sorted({("rel.people", "", "null_id"), ("rel.people", "", "empty_id"),
                       ("rel.follows", f"->{ENDPOINTS[0]}", "null_id")})


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Built once per test module; emulators it starts are stopped at the module's end."""
    root = tmp_path_factory.mktemp("reliability")
    started = []

    def factory(*args, **kw):
        from ..conftest import Emulator
        emu = Emulator(*args, tmp=root, **kw)
        started.append(emu)
        return emu

    w = World(root, factory)
    yield w
    for emu in started:
        emu.stop()
