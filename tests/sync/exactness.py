"""The exactness machinery shared by the scenario files (test_scenarios.py) and the random histories
(test_random_histories.py): a world of Iceberg tables written by pyiceberg, the steps of a history (commits, runs,
drift made through REST++, checks), an independent Python oracle of the graph a full reload gives, and the invariant.

Why pytest with pyiceberg (and not GoogleTest with a small in-process Iceberg writer): pyiceberg commits the real
snapshot shapes icegraph meets in production — an overwrite or upsert is a delete snapshot plus an append snapshot,
deletes are copy-on-write file rewrites, expiry and rollback go through the catalog — and it is a second,
independent implementation of Iceberg, so the harness cannot share a misreading with icegraph's reader. Merge-on-read
deletes (which pyiceberg cannot write) are covered by the Spark fixtures of tests/iceberg/fixtures.py, exercised by
tests/iceberg/test_incremental_sync.py.

The invariant (issue 12): after any history, the graph read back through REST++ equals (a) the graph `icegraph sync
--full` of the current tables writes into an empty graph (a second emulator, fresh state database) and (b) the
oracle below, computed from pyiceberg's read of the current tables; and the dead letters equal the oracle's bad
rows, each once.

Oracle semantics (a full reload into an empty graph, as TigerGraph stores it): every good row of a vertex mapping
upserts its vertex (null attributes left out: the configured default, else the type's default); every good row of an
edge mapping upserts its edge, creating a missing endpoint with default attributes; a row that cannot be mapped is a
dead letter of that mapping only (null_id, empty_id, null_discriminator, out_of_range)."""
from __future__ import annotations

import copy
import datetime
import json
import math
import os
import subprocess
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import requests
import yaml
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import (BooleanType, DoubleType, IntegerType, LongType, NestedField, StringType,
                             TimestamptzType)

from ..conftest import icegraph_bin

UTC = datetime.timezone.utc
NS = "lab"
ICEBERG_TYPES = {"string": StringType, "int": IntegerType, "long": LongType, "double": DoubleType,
                 "bool": BooleanType, "timestamptz": TimestamptzType}
GSQL_OF = {"string": "STRING", "int": "INT", "long": "INT", "double": "DOUBLE", "bool": "BOOL",
           "timestamptz": "DATETIME"}
TYPE_DEFAULT = {"STRING": "", "INT": 0, "UINT": 0, "DOUBLE": 0.0, "FLOAT": 0.0, "BOOL": False,
                "DATETIME": "1970-01-01 00:00:00"}
DATETIME_MIN = datetime.datetime(1582, 10, 15, tzinfo=UTC)
# ICEGRAPH_EXACT_DEAD_LETTERS=0 leaves the graph's dead letters out of the invariant (to look past a known divergence
# in them for graph ones); the reference's are always checked.
CHECK_DEAD_LETTERS = os.environ.get("ICEGRAPH_EXACT_DEAD_LETTERS", "1") != "0"
SPARK_STEPS = {"mor_delete", "mor_update"}
FAILPOINTS = ["sink.request_done", "sink.delete_done", "sync.flushed", "sync.checkpoint_before",
              "sync.checkpoint_moved"]


class HistoryError(AssertionError):
    """The graph, the reference or the dead letters broke the invariant (or a run failed)."""


class StepSkipped(Exception):
    """A step that no longer applies (its rollback target was expired or dropped by the minimiser)."""


def run_icegraph(args, config, env=None, timeout=300):
    cmd = [icegraph_bin(), *args, "--config", str(config)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def must(out, what):
    if out.returncode != 0:
        raise HistoryError(f"{what} exited {out.returncode}\nstdout:\n{out.stdout[-3000:]}\nstderr:\n"
                           f"{out.stderr[-3000:]}")
    return out


# ---------------------------------------------------------------------------------------------------------- values

def to_python(value, typ):
    """A YAML scalar as the Python value pyarrow writes for an Iceberg column of `typ`."""
    if value is None:
        return None
    if typ == "timestamptz" and isinstance(value, str):
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    if typ == "timestamptz" and isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if typ == "double":
        return float(value)
    return value


def to_yaml_value(v):
    if isinstance(v, datetime.datetime):
        return v.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return v


class Bad(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def gsql_value(v, gtype):
    """A non-null column value as TigerGraph stores it under `gtype`, or Bad(reason) when it dead-letters."""
    if gtype == "STRING":
        return str(v)
    if gtype in ("INT", "UINT"):
        if isinstance(v, bool):
            v = int(v)
        if gtype == "UINT" and v < 0:
            raise Bad("out_of_range")
        return int(v)
    if gtype in ("DOUBLE", "FLOAT"):
        if math.isnan(v) or math.isinf(v):
            raise Bad("out_of_range")
        return round(float(v), 6)
    if gtype == "BOOL":
        return bool(v)
    if gtype == "DATETIME":
        if v < DATETIME_MIN:
            raise Bad("out_of_range")
        return v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    raise ValueError(f"oracle: unsupported GSQL type {gtype}")


def norm_read(v):
    return round(v, 6) if isinstance(v, float) else v


# ---------------------------------------------------------------------------------------------------------- mapping

class Mapping:
    """The subset of icegraph.yaml mappings the oracle understands: plain column ids and attributes (optionally with
    `{expr: column, type: T}`), defaults, discriminators, owner flags."""

    def __init__(self, mappings: list, columns: dict):
        self.raw = mappings
        self.columns = columns  # table -> {column: type}
        self.vertex_attrs: dict[str, dict[str, str]] = {}  # type -> attr -> GSQL type
        self.edge_attrs: dict[str, dict[str, str]] = {}
        self.edge_ends: dict[str, tuple] = {}
        self.discriminator: dict[str, list] = {}
        for m in mappings:
            table = m["table"].split(".", 1)[1]
            for v in m.get("vertices", []):
                attrs = self.vertex_attrs.setdefault(v["type"], {})
                for name, spec in (v.get("attributes") or {}).items():
                    attrs[name] = self.attr_type(table, spec)
            for e in m.get("edges", []):
                attrs = self.edge_attrs.setdefault(e["type"], {})
                for name, spec in (e.get("attributes") or {}).items():
                    attrs[name] = self.attr_type(table, spec)
                self.edge_ends[e["type"]] = (e["from"]["type"], e["to"]["type"])
                self.discriminator[e["type"]] = list(e.get("discriminator") or [])
                for end in ("from", "to"):
                    self.vertex_attrs.setdefault(e[end]["type"], {})

    def attr_type(self, table, spec):
        if isinstance(spec, dict):
            if "type" in spec:
                return spec["type"].upper()
            spec = spec["expr"]
        return GSQL_OF[self.columns[table][spec]]

    @staticmethod
    def column(spec):
        return spec["expr"] if isinstance(spec, dict) else spec

    def source_types(self):
        return sorted({f for f, _ in self.edge_ends.values()})


def oracle(mapping: Mapping, rows: dict):
    """(vertices {type: {id: attrs}}, edges {type: {key: attrs}}, dead letters Counter) of a full reload of `rows`
    ({table: [row dicts]}) into an empty graph."""
    vertices: dict[str, dict] = {t: {} for t in mapping.vertex_attrs}
    edges: dict[str, dict] = {t: {} for t in mapping.edge_attrs}
    dead = Counter()

    def defaults_of(vtype):
        return {a: TYPE_DEFAULT[g] for a, g in mapping.vertex_attrs[vtype].items()}

    def attrs_of(table, spec_attrs, defaults, types, row):
        out = {}
        for name, spec in (spec_attrs or {}).items():
            v = row.get(Mapping.column(spec))
            if v is None:
                if name in (defaults or {}):
                    out[name] = gsql_value(to_python(defaults[name], mapping.columns[table][Mapping.column(spec)]),
                                           types[name])
                continue  # left out: the stored value (from scratch: the type's default) stays
            out[name] = gsql_value(v, types[name])
        return out

    def ident(row, col):
        v = row.get(col)
        if v is None:
            raise Bad("null_id")
        v = str(v)
        if v == "":
            raise Bad("empty_id")
        return v

    for m in mapping.raw:
        table = m["table"].split(".", 1)[1]
        for row in rows[table]:
            for v in m.get("vertices", []):
                name = f"{m['table']}/vertex:{v['type']}"
                try:
                    vid = ident(row, v["id"])
                    attrs = attrs_of(table, v.get("attributes"), v.get("defaults"), mapping.vertex_attrs[v["type"]],
                                     row)
                except Bad as b:
                    dead[(name, b.reason, row_key_vertex(row, v))] += 1
                    continue
                cur = vertices[v["type"]].setdefault(vid, defaults_of(v["type"]))
                cur.update(attrs)
            for e in m.get("edges", []):
                name = f"{m['table']}/edge:{e['type']}"
                try:
                    src = ident(row, e["from"]["id"])
                    dst = ident(row, e["to"]["id"])
                    # A row with several faults is refused for the first icegraph finds (docs/incremental-sync.md):
                    # ids, then attribute values in mapping order, then a null discriminator.
                    attrs = {a: TYPE_DEFAULT[g] for a, g in mapping.edge_attrs[e["type"]].items()}
                    attrs.update(attrs_of(table, e.get("attributes"), e.get("defaults"),
                                          mapping.edge_attrs[e["type"]], row))
                    disc = []
                    for d in mapping.discriminator[e["type"]]:
                        col = Mapping.column(e["attributes"][d])
                        if row.get(col) is None:
                            raise Bad("null_discriminator")
                        disc.append(gsql_value(row[col], mapping.edge_attrs[e["type"]][d]))
                except Bad as b:
                    dead[(name, b.reason, row_key_edge(row, e))] += 1
                    continue
                edges[e["type"]][(src, dst, *disc)] = attrs
    for etype, es in edges.items():  # endpoints TigerGraph creates with default attributes
        ftype, ttype = mapping.edge_ends[etype]
        for key in es:
            vertices[ftype].setdefault(key[0], defaults_of(ftype))
            vertices[ttype].setdefault(key[1], defaults_of(ttype))
    return vertices, edges, dead


def row_key_vertex(row, v):
    x = row.get(v["id"])
    return "" if x is None else str(x)


def row_key_edge(row, e):
    f, t = row.get(e["from"]["id"]), row.get(e["to"]["id"])
    return f"{'' if f is None else f}->{'' if t is None else t}"


# ---------------------------------------------------------------------------------------------------------- REST++

class Rest:
    """REST++ reads and drift writes on one graph, with a token; reads of many vertices' edges run concurrently
    (each request waits mostly on the emulator's socket, so a few in flight cut the wall time)."""

    def __init__(self, emu, graph):
        self.emu, self.graph = emu, graph
        r = requests.post(f"{emu.url}/gsql/v1/tokens", json={"graph": graph}, auth=(emu.user, emu.password))
        r.raise_for_status()
        self.headers = {"Authorization": f"Bearer {r.json()['token']}"}
        self.session = requests.Session()

    def call(self, method, path, session=None, **kw):
        r = (session or self.session).request(method, f"{self.emu.url}/restpp{path}", headers=self.headers,
                                              timeout=60, **kw)
        body = r.json()
        if r.status_code != 200 or body.get("error"):
            raise HistoryError(f"REST++ {method} {path}: {r.status_code} {body}")
        return body["results"]

    def read(self, mapping: Mapping):
        vertices = {}
        for vtype in mapping.vertex_attrs:
            got = {}
            for v in self.call("GET", f"/graph/{self.graph}/vertices/{vtype}"):
                attrs = dict(v["attributes"])
                if attrs.pop("id", v["v_id"]) != v["v_id"]:
                    raise HistoryError(f"vertex {vtype} {v['v_id']}: id attribute differs: {v}")
                got[v["v_id"]] = {k: norm_read(x) for k, x in attrs.items()}
            vertices[vtype] = got
        sources = [(t, vid) for t in mapping.source_types() for vid in vertices.get(t, {})]

        def edges_of(src):
            q = requests.utils.quote(src[1], safe="")
            return self.call("GET", f"/graph/{self.graph}/edges/{src[0]}/{q}/_", session=requests)

        edges = {t: {} for t in mapping.edge_attrs}
        with ThreadPoolExecutor(8) as pool:
            for es in pool.map(edges_of, sources):
                for e in es:
                    if e["e_type"] not in edges:
                        continue
                    attrs = {k: norm_read(x) for k, x in e["attributes"].items()}
                    key = (e["from_id"], e["to_id"], *[attrs[d] for d in mapping.discriminator[e["e_type"]]])
                    if key in edges[e["e_type"]]:
                        raise HistoryError(f"edge {e['e_type']} {key} read twice")
                    edges[e["e_type"]][key] = attrs
        return vertices, edges

    def clear(self, mapping: Mapping):
        for vtype in mapping.vertex_attrs:
            self.call("DELETE", f"/graph/{self.graph}/vertices/{vtype}")

    def upsert(self, payload):
        return self.call("POST", f"/graph/{self.graph}", data=json.dumps(payload))


def diff_graph(want, got, what):
    """'' when equal, else a few lines naming what differs."""
    lines = []
    for kind, w, g in (("vertex", want[0], got[0]), ("edge", want[1], got[1])):
        for t in sorted(set(w) | set(g)):
            wt, gt = w.get(t, {}), g.get(t, {})
            missing = sorted(set(wt) - set(gt), key=str)
            extra = sorted(set(gt) - set(wt), key=str)
            changed = [(k, gt[k], wt[k]) for k in sorted(set(wt) & set(gt), key=str) if gt[k] != wt[k]]
            if missing:
                lines.append(f"{what}: {kind} {t} missing {missing[:8]}{' ...' if len(missing) > 8 else ''}")
            if extra:
                lines.append(f"{what}: {kind} {t} extra {extra[:8]}{' ...' if len(extra) > 8 else ''}")
            for k, gv, wv in changed[:5]:
                lines.append(f"{what}: {kind} {t} {k} is {gv}, expected {wv}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------- world

CONFIG = """catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["{url}"], graph: {graph}, username: tigergraph, password: tigergraph, timeout_s: 60}}
state: {{url: "sqlite:///{state}"}}
"""


class World:
    """One history's tables, mapping, emulators (the graph under test and the reference) and configs."""

    def __init__(self, root: Path, emu, ref, spec: dict, graph="lab"):
        self.root, self.emu, self.ref, self.graph = root, emu, ref, graph
        self.spec = spec
        self.wh = root / "wh"
        self.wh.mkdir(parents=True)
        self.catalog = SqlCatalog("default", uri=f"sqlite:///{self.wh}/catalog.db", warehouse=f"file://{self.wh}")
        self.catalog.create_namespace(NS)
        self.columns = {}
        for name, cols in spec["tables"].items():
            fields = [NestedField(i + 1, c, ICEBERG_TYPES[t](), required=False) for i, (c, t) in
                      enumerate(cols.items())]
            self.catalog.create_table(f"{NS}.{name}", schema=Schema(*fields))
            self.columns[name] = dict(cols)
        self.labels: dict[str, tuple[str, int]] = {}
        self.options = spec.get("config") or {}
        self.set_mapping(spec["mapping"])
        self.rest = Rest(emu, graph)
        self.ref_rest = Rest(ref, graph)
        self.runs = 0
        self.last_report = {}

    # -- config
    def config_text(self, emu, state):
        text = CONFIG.format(wh=self.wh, url=emu.url, graph=self.graph, state=state)
        opts = copy.deepcopy(self.options)
        opts.setdefault("sink", {}).setdefault("bulk_threshold_rows", 1)
        text += yaml.safe_dump(opts, default_flow_style=None, sort_keys=True)
        return text + yaml.safe_dump({"mappings": self.mappings}, sort_keys=False)

    def set_mapping(self, mappings):
        self.mappings = yaml.safe_load(mappings) if isinstance(mappings, str) else mappings
        self.mapping = Mapping(self.mappings, self.columns)
        self.config = self.root / "icegraph.yaml"
        self.config.write_text(self.config_text(self.emu, self.root / "state.db"))
        self.ref_config = self.root / "reference.yaml"
        self.ref_config.write_text(self.config_text(self.ref, self.root / "reference-state.db"))
        key = json.dumps(self.mappings, sort_keys=True) + json.dumps(self.columns, sort_keys=True)
        for emu, cfg in ((self.emu, self.config), (self.ref, self.ref_config)):
            if getattr(emu, "icegraph_schema", None) != key:  # an emulator reused by histories keeps its schema
                must(run_icegraph(["schema", "--apply"], cfg), f"schema --apply ({cfg.name})")
                emu.icegraph_schema = key

    # -- Spark, for merge-on-read commits (slow: started once per world, stopped by close())
    def spark_session(self):
        if getattr(self, "spark", None) is None:
            from ..iceberg.fixtures import start_spark
            self.spark = start_spark(self.wh, self.root / "spark")
        return self.spark

    def close(self):
        if getattr(self, "spark", None) is not None:
            from ..iceberg.fixtures import stop_spark
            stop_spark(self.spark)
            self.spark = None

    # -- tables
    def table(self, name):
        return self.catalog.load_table(f"{NS}.{name}")

    def arrow(self, name, rows):
        cols = self.columns[name]
        fixed = [{c: to_python(r.get(c), t) for c, t in cols.items()} for r in rows]
        return pa.Table.from_pylist(fixed, schema=self.table(name).schema().as_arrow())

    def rows(self):
        return {name: self.table(name).scan().to_arrow().to_pylist() for name in self.columns}

    # -- the invariant
    def expected(self):
        return oracle(self.mapping, self.rows())

    def dead_letters(self, config):
        out = must(run_icegraph(["dead-letters", "--export", "jsonl"], config), "dead-letters")
        letters = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        if letters and "open" in letters[0]:  # the engine may mark resolved letters; only open ones count then
            letters = [d for d in letters if d["open"]]
        # tg_* letters (rows TigerGraph refused) count too: with vertex_must_exist off the oracle expects none
        return Counter((d["mapping"], d["reason_code"], d["row_key"]) for d in letters)

    def reference(self):
        """The graph `sync --full` of the current tables writes into an empty graph with a fresh state database."""
        self.ref_rest.clear(self.mapping)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.root}/reference-state.db{suffix}").unlink(missing_ok=True)
        must(run_icegraph(["sync", "--full", "--json"], self.ref_config), "reference sync --full")
        return self.ref_rest.read(self.mapping), self.dead_letters(self.ref_config)

    def check_invariant(self, where):
        got = self.rest.read(self.mapping)
        want_v, want_e, want_dead = self.expected()
        problems = []
        d = diff_graph((want_v, want_e), got, "graph vs oracle")
        if d:
            problems.append(d)
        ref_graph, ref_dead = self.reference()
        d = diff_graph(ref_graph, got, "graph vs reference full sync")
        if d:
            problems.append(d)
        d = diff_graph((want_v, want_e), ref_graph, "reference full sync vs oracle")
        if d:
            problems.append(d)
        letters = self.dead_letters(self.config) if CHECK_DEAD_LETTERS else want_dead
        if letters != want_dead:
            problems.append(dead_diff(want_dead, letters, "dead letters vs oracle"))
        if ref_dead != want_dead:
            problems.append(dead_diff(want_dead, ref_dead, "reference dead letters vs oracle"))
        if problems:
            raise HistoryError(f"invariant broken {where}:\n" + "\n".join(problems))

    def check_expected(self, expect, where):
        problems = []
        if "graph" in expect:
            got_v, got_e = self.rest.read(self.mapping)
            want_v = {t: {} for t in self.mapping.vertex_attrs}
            want_e = {t: {} for t in self.mapping.edge_attrs}
            for t, spec in expect["graph"].items():
                if t in self.mapping.vertex_attrs:
                    want_v[t] = {str(k): {a: norm_read(x) for a, x in (v or {}).items()} for k, v in spec.items()}
                else:
                    for f, to, attrs in spec:
                        attrs = {a: norm_read(x) for a, x in (attrs or {}).items()}
                        key = (f, to, *[attrs[d] for d in self.mapping.discriminator[t]])
                        want_e[t][key] = attrs
            d = diff_graph((want_v, want_e), (got_v, got_e), "graph vs expected")
            if d:
                problems.append(d)
        if "dead_letters" in expect:
            want = Counter(tuple(x) for x in expect["dead_letters"] or [])
            got = self.dead_letters(self.config)
            if got != want:
                problems.append(dead_diff(want, got, "dead letters vs expected"))
        if "last_run" in expect:  # a subset of the last run's `sync --json` report, e.g. {types: {T: {sent: 2, deleted: 0}}}
            d = subset_diff(expect["last_run"], self.last_report, "last_run")
            if d:
                problems.append(f"last run's report differs: {d}")
        if "last_run_modes" in expect:  # {table: full|incremental|resync|unchanged} of the last run
            modes = {t["table"]: t["mode"] for t in self.last_report.get("tables", [])}
            d = subset_diff(expect["last_run_modes"], modes, "modes")
            if d:
                problems.append(f"last run's table modes differ: {d} (all: {modes})")
        if problems:
            raise HistoryError(f"expectation failed {where}:\n" + "\n".join(problems))


def subset_diff(want, got, path):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{path} is {got!r}, expected {want!r}"
        for k, w in want.items():
            # A report leaves out a count of 0 and a type or table nothing happened to.
            absent = 0 if isinstance(w, int) else {} if isinstance(w, dict) else None
            d = subset_diff(w, got.get(k, absent), f"{path}.{k}")
            if d:
                return d
        return ""
    return "" if want == got else f"{path} is {got!r}, expected {want!r}"


def dead_diff(want, got, what):
    missing, extra = want - got, got - want
    return f"{what}: missing {sorted(missing.elements())[:8]}, extra (or repeated) {sorted(extra.elements())[:8]}"


# ---------------------------------------------------------------------------------------------------------- steps

def replace_all_files(tbl):
    """Compaction: one `replace` snapshot that swaps every data file for one file holding the same rows (pyiceberg
    has no rewrite action; its overwrite producer commits it, with the summary totals computed as for an
    overwrite since pyiceberg's summary code refuses `replace`)."""
    from pyiceberg.io.pyarrow import _dataframe_to_data_files
    from pyiceberg.table.snapshots import Operation, Summary
    from pyiceberg.table.update.snapshot import _OverwriteFiles

    class Replace(_OverwriteFiles):
        def _summary(self, snapshot_properties=None):
            self._operation = Operation.OVERWRITE
            try:
                s = super()._summary(snapshot_properties or {})
            finally:
                self._operation = Operation.REPLACE
            return Summary(operation=Operation.REPLACE, **s.additional_properties)

    df = tbl.scan().to_arrow()
    files = [t.file for t in tbl.scan().plan_files()]
    if not files:
        raise StepSkipped("nothing to compact")
    with tbl.transaction() as tx:
        commit_uuid = uuid.uuid4()
        producer = Replace(commit_uuid=commit_uuid, operation=Operation.REPLACE, transaction=tx, io=tbl.io,
                           branch="main", snapshot_properties={})
        for f in files:
            producer.delete_data_file(f)
        for f in _dataframe_to_data_files(table_metadata=tx.table_metadata, write_uuid=commit_uuid, df=df, io=tbl.io):
            producer.append_data_file(f)
        producer.commit()
    assert tbl.catalog.load_table(tbl.name()).current_snapshot().summary.operation == Operation.REPLACE


def commit(world: World, kind: str, arg: dict):
    name = arg.get("table")
    tbl = world.table(name) if name else None
    if kind == "append":
        tbl.append(world.arrow(name, arg["rows"]))
    elif kind == "delete":
        tbl.delete(arg["filter"])
    elif kind == "overwrite":
        tbl.overwrite(world.arrow(name, arg.get("rows") or []), overwrite_filter=arg["filter"])
    elif kind == "upsert":
        tbl.upsert(world.arrow(name, arg["rows"]), join_cols=arg["key"])
    elif kind == "rewrite":  # an overwrite of every row by itself: copy-on-write carry-over of unchanged rows
        tbl.overwrite(tbl.scan().to_arrow())
    elif kind == "compact":
        replace_all_files(tbl)
    elif kind == "add_column":
        with tbl.update_schema() as u:
            u.add_column(arg["column"], ICEBERG_TYPES[arg["type"]]())
        world.columns[name][arg["column"]] = arg["type"]
    elif kind == "rename_column":
        with tbl.update_schema() as u:
            u.rename_column(arg["from"], arg["to"])
        cols = world.columns[name]
        world.columns[name] = {(arg["to"] if c == arg["from"] else c): t for c, t in cols.items()}
    elif kind == "rollback":
        if arg["to"] not in world.labels:
            raise StepSkipped(f"no snapshot labelled {arg['to']}")
        table, sid = world.labels[arg["to"]]
        tbl = world.table(table)
        ancestors = {s.snapshot_id for s in ancestors_of(tbl)}
        if sid not in ancestors or sid == tbl.metadata.current_snapshot_id:
            raise StepSkipped(f"snapshot {arg['to']} is no longer a proper ancestor of {table}")
        tbl.manage_snapshots().rollback_to_snapshot(sid).commit()
    elif kind == "expire":  # every snapshot but the current one
        current = tbl.metadata.current_snapshot_id
        old = [s.snapshot_id for s in tbl.metadata.snapshots if s.snapshot_id != current]
        if not old:
            raise StepSkipped("nothing to expire")
        tbl.maintenance.expire_snapshots().by_ids(old).commit()
        world.labels = {k: v for k, v in world.labels.items() if v[1] not in old}
    elif kind in ("mor_delete", "mor_update"):  # merge-on-read, written by Spark (pyiceberg cannot)
        fq = f"default.{NS}.{name}"
        spark = world.spark_session()  # (both catalogs on one SQLite file: the table property is set by Spark too)
        spark.sql(f"ALTER TABLE {fq} SET TBLPROPERTIES ('write.delete.mode'='merge-on-read', "
                  "'write.update.mode'='merge-on-read')")
        spark.sql(f"DELETE FROM {fq} WHERE {arg['where']}" if kind == "mor_delete" else
                  f"UPDATE {fq} SET {arg['set']} WHERE {arg['where']}")
    else:
        raise ValueError(f"unknown commit kind {kind}")
    if "label" in arg and name:
        world.labels[arg["label"]] = (name, world.table(name).metadata.current_snapshot_id)


def ancestors_of(tbl):
    from pyiceberg.table.snapshots import ancestors_of as anc
    snap = tbl.current_snapshot()
    return list(anc(snap, tbl.metadata)) if snap else []


def drift(world: World, arg: dict):
    """Elements changed behind icegraph's back, through REST++ as any client could."""
    rest = world.rest
    if "delete_vertex" in arg:
        vtype, vid = arg["delete_vertex"]
        rest.call("DELETE", f"/graph/{world.graph}/vertices/{vtype}/{requests.utils.quote(str(vid), safe='')}")
    if "delete_edge" in arg:
        etype, f, t = arg["delete_edge"][:3]
        ftype, ttype = world.mapping.edge_ends[etype]
        rest.call("DELETE", f"/graph/{world.graph}/edges/{ftype}/{f}/{etype}/{ttype}/{t}")
    if "upsert_vertex" in arg:
        vtype, vid, attrs = arg["upsert_vertex"]
        rest.upsert({"vertices": {vtype: {str(vid): {k: {"value": v} for k, v in (attrs or {}).items()}}}})
    if "upsert_edge" in arg:
        etype, f, t, attrs = arg["upsert_edge"]
        ftype, ttype = world.mapping.edge_ends[etype]
        rest.upsert({"edges": {ftype: {f: {etype: {ttype: {t: {k: {"value": v} for k, v in (attrs or {}).items()}}}}}}})


def run(world: World, arg):
    """A run: `sync`, `full`, or {sync|full: ..., crash: "point=n"} (killed there, then rerun to completion)."""
    if isinstance(arg, str):
        arg = {"kind": arg}
    kind = arg.get("kind", "sync")
    args = ["sync", "--json"] + (["--full"] if kind == "full" else [])
    world.runs += 1
    if arg.get("crash"):
        env = dict(os.environ, ICEGRAPH_FAILPOINTS=arg["crash"])
        out = run_icegraph(args, world.config, env=env)
        if out.returncode not in (0, -9):
            raise HistoryError(f"crashing run {arg} exited {out.returncode}: {out.stderr[-2000:]}")
    out = must(run_icegraph(args, world.config), f"icegraph {' '.join(args)}")
    report = json.loads(out.stdout)
    if report.get("outcome") != "succeeded":
        raise HistoryError(f"icegraph {' '.join(args)}: {report}")
    world.last_report = report
    return report


def execute(world: World, steps: list, check_after_runs=False, log=None):
    __tracebackhide__ = True
    """Runs `steps`; with check_after_runs the invariant is checked after every run. Raises HistoryError naming the
    step that broke it."""
    __tracebackhide__ = True
    for i, step in enumerate(steps):
        (kind, arg), = step.items()
        where = f"after step {i + 1} ({kind}: {json.dumps(arg, default=str)[:120]})"
        try:
            if kind == "run":
                run(world, arg)
                if check_after_runs:
                    world.check_invariant(where)
            elif kind == "check":
                if arg == "invariant":
                    world.check_invariant(where)
                else:
                    world.check_expected(arg, where)
            elif kind == "drift":
                drift(world, arg)
            elif kind == "mapping":
                world.set_mapping(arg)
            else:
                commit(world, kind, arg)
        except StepSkipped as s:
            if log:
                log(f"step {i + 1} skipped: {s}")
        except HistoryError as e:
            raise HistoryError(f"{e}") from None


def history_yaml(spec: dict, steps: list, note: str = "") -> str:
    """A scenario file for `spec` + `steps` (ready to paste into tests/sync/scenarios/)."""
    doc = {"description": note or "minimised random history", **{k: spec[k] for k in ("tables", "config")
                                                                  if k in spec}}
    doc["mapping"] = spec["mapping"]
    doc["steps"] = steps + ([{"check": "invariant"}] if not steps or steps[-1] != {"check": "invariant"} else [])
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=None, width=120)


def timed(fn, *a, **kw):
    t0 = time.monotonic()
    out = fn(*a, **kw)
    return out, time.monotonic() - t0
