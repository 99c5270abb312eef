"""Incremental sync over every fixture table (pyiceberg: appends, overwrites, deletes, upserts, schema evolution,
rollback; Spark: merge-on-read DELETE/UPDATE/MERGE, compaction, expiry, rollback, equality deletes written by Iceberg's
Java writer): for every snapshot k of a table, the graph is set to the table as of k with the checkpoint at k, then
`icegraph sync` applies what changed since; the graph must then equal the table's current rows as read by pyiceberg
or Spark (an independent oracle). A snapshot that is not an ancestor of the current one (rollback) or that expired
takes the resync path."""
import json
import sqlite3
import subprocess

import pytest
import requests

from ..conftest import icegraph_bin

CONFIG = """
catalog: {{type: sql, uri: "{uri}", warehouse: "{wh}"}}
tigergraph: {{urls: ["{url}"], graph: g, username: tigergraph, password: tigergraph}}
state: {{url: "sqlite:///{state}"}}
sink: {{mode: {mode}, bulk_threshold_rows: 1}}
mappings:
  - table: {table}
    vertices:
      - type: Row
        id: "cast({key} as string)"
        attributes: {{{attrs}}}
"""


def icegraph(*args):
    out = subprocess.run([icegraph_bin(), "--log-level", "warn", *args], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"icegraph {' '.join(args)} exited {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out.stdout


def oracle_rows(w, fq, snapshot_id):
    rows = w.oracle(fq, snapshot_id, "pyiceberg")
    return rows if rows is not None else w.oracle(fq, snapshot_id, "spark")


def expected(rows, with_name, key):
    # Several rows may share a key (equality-delete fixtures): the vertex exists while any of them does.
    return {str(r[key]): ({"name": r["name"] if r["name"] is not None else ""} if with_name else {})
            for r in rows if r.get(key) is not None}


class Graph:
    def __init__(self, emu):
        self.url = emu.url
        r = requests.post(f"{emu.url}/gsql/v1/tokens", json={"graph": "g"}, auth=(emu.user, emu.password))
        self.h = {"Authorization": f"Bearer {r.json()['token']}"}

    def rows(self):
        r = requests.get(f"{self.url}/restpp/graph/g/vertices/Row", headers=self.h)
        return {v["v_id"]: {k: a for k, a in v["attributes"].items() if k != "id"} for v in r.json()["results"]}

    def reset(self, rows):
        requests.delete(f"{self.url}/restpp/graph/g/vertices/Row", headers=self.h).raise_for_status()
        body = {"vertices": {"Row": {vid: {k: {"value": v} for k, v in attrs.items()} for vid, attrs in rows.items()}}}
        if rows:
            requests.post(f"{self.url}/restpp/graph/g", headers=self.h, data=json.dumps(body)).raise_for_status()
        assert self.rows() == rows


@pytest.mark.parametrize("mode", ["bulk", "upsert"])
def test_incremental_sync_from_every_snapshot_gives_the_current_table(iceberg_warehouse, ice_table, emulator_factory,
                                                                       tmp_path, mode):
    w = iceberg_warehouse
    table = w.table(ice_table)
    current = w.current(ice_table)
    columns = json.loads(current["columns"].replace("'", '"')) if isinstance(current["columns"], str) \
        else current["columns"]
    key = next((k for k in ("id", "l", "i") if k in columns), None)
    assert key is not None, f"{ice_table} has no key column: {columns}"
    # Attributes are compared where each key has one row: with duplicate keys, which row's value wins is not defined.
    all_rows = [oracle_rows(w, ice_table, s["snapshot_id"]) or [] for s in table["snapshots"]]
    unique = all(len({r.get(key) for r in rows}) == len(rows) for rows in all_rows)
    with_name = unique and "name" in columns and all(isinstance(r.get("name"), (str, type(None)))
                                                     for rows in all_rows for r in rows)
    c = w.manifest["catalog"]
    emu = emulator_factory("--username", "tigergraph", "--password", "tigergraph")
    config = tmp_path / "icegraph.yaml"
    state = tmp_path / "state.db"
    config.write_text(CONFIG.format(uri=c["uri"], wh=c["warehouse"], url=emu.url, state=state, mode=mode,
                                    table=ice_table, attrs="name: name" if with_name else "", key=key))
    icegraph("schema", "--apply", "--config", str(config))
    icegraph("sync", "--full", "--config", str(config))
    g = Graph(emu)
    want = expected(oracle_rows(w, ice_table, current["snapshot_id"]), with_name, key)
    assert g.rows() == want
    for snap in table["snapshots"]:
        k = snap["snapshot_id"]
        rows_k = oracle_rows(w, ice_table, k)
        assert rows_k is not None, f"no oracle for {ice_table}@{k}"
        g.reset(expected(rows_k, with_name, key))
        with sqlite3.connect(state) as db:
            db.execute("UPDATE checkpoints SET snapshot_id = ? WHERE table_name = ?", (k, ice_table))
        out = json.loads(icegraph("sync", "--json", "--config", str(config)))
        assert out["outcome"] == "succeeded", out
        mode_seen = out["tables"][0]["mode"]
        if k == current["snapshot_id"]:
            assert mode_seen == "unchanged"
        elif snap["is_current_ancestor"]:
            assert mode_seen == "incremental", (k, out)
        else:
            assert mode_seen == "resync", (k, out)
        assert g.rows() == want, f"{ice_table}: sync from snapshot {k} ({snap['operation']}, {snap['step']})"
        with sqlite3.connect(state) as db:
            assert db.execute("SELECT snapshot_id FROM checkpoints").fetchall() == [(current["snapshot_id"],)]
