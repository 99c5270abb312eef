"""`icegraph validate`: the graph against the tables at their checkpoints, exact counts and sampled attributes; a
tampered graph is caught with exactly the differences made; `sync.validate: after_sync` keeps the result in history."""
import json

import pyarrow as pa
import pytest
import requests

from ..sync.conftest import GraphReader, run_icegraph
from .warehouse import knows, make_warehouse, person, write_config


@pytest.fixture
def lab(tmp_path):
    wh = tmp_path / "wh"
    wh.mkdir()
    return make_warehouse(wh)


def validate(config, *args):
    out = run_icegraph("validate", "--json", "--sample", "1000", *args, config=config, check=False)
    assert out.returncode in (0, 5), out.stderr
    return out.returncode, json.loads(out.stdout)


def counts(report):
    """Per type, every figure but the examples."""
    return {t["type"]: {k: v for k, v in t.items() if k not in ("type", "examples")} for t in report["types"]}


def vertex(expected, actual, sampled, dead=0, mismatches=0, missing=0, endpoints=0):
    return {"kind": "vertex", "expected": expected, "actual": actual, "dead_letters": dead, "sampled": sampled,
            "attribute_mismatches": mismatches, "missing_keys": missing, "endpoint_vertices": endpoints,
            "ok": expected == actual and mismatches == 0 and missing == 0}


def edge(expected, actual, sampled, dead=0, mismatches=0, missing=0, endpoints=0):
    return {"kind": "edge", "expected": expected, "actual": actual, "dead_letters": dead, "sampled": sampled,
            "attribute_mismatches": mismatches, "missing_keys": missing, "missing_endpoints": endpoints,
            "ok": expected == actual and mismatches == 0 and missing == 0}


def history(config):
    out = run_icegraph("history", "--json", config=config)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def tamper(emulator, graph, body=None, delete=None):
    g = GraphReader(emulator, graph)
    if delete is not None:
        r = requests.delete(f"{emulator.url}/restpp/graph/{graph}/vertices/{delete[0]}/{delete[1]}", headers=g.headers)
    else:
        r = requests.post(f"{emulator.url}/restpp/graph/{graph}", json=body, headers=g.headers)
    r.raise_for_status()
    assert r.json()["error"] is False, r.text


def test_validate_counts_checkpoint_and_tampering(lab, emulator, tmp_path, monkeypatch):
    monkeypatch.setenv("VAL_TG_PASSWORD", emulator.password)
    config = write_config(tmp_path / "icegraph.yaml", lab["wh"], emulator.url, f"sqlite:///{tmp_path}/state.db")
    run_icegraph("schema", "--apply", config=config)
    run_icegraph("sync", config=config)

    # p1..p5 plus "nobody", which TigerGraph created as the endpoint of p1's edge; five KNOWS edges.
    code, report = validate(config)
    assert code == 0, report
    assert report["ok"] is True and report["notes"] == []
    assert counts(report) == {"Person": vertex(6, 6, 5, endpoints=1), "KNOWS": edge(5, 5, 5, endpoints=1)}
    assert report["types"][0]["examples"] == []
    assert report["types"][1]["examples"] == [
        "edge p1 -> nobody: Person nobody is mapped by no table (TigerGraph creates it)"]
    table = run_icegraph("validate", "--sample", "1000", config=config)
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["type", "kind", "expected", "actual", "dead", "letters", "sampled", "mismatches",
                                "missing", "endpoints", "status"]
    assert lines[1].split() == ["Person", "vertex", "6", "6", "0", "5", "0", "0", "-", "OK"]
    assert lines[2].split() == ["KNOWS", "edge", "5", "5", "0", "5", "0", "0", "1", "OK"]
    # The same seed samples the same keys: with fewer than there are, the figures repeat exactly.
    small = [run_icegraph("validate", "--json", "--sample", "2", "--seed", "7", config=config).stdout
             for _ in range(2)]
    assert [counts(json.loads(s)) for s in small] == [counts(json.loads(small[0]))] * 2
    assert counts(json.loads(small[0]))["Person"]["sampled"] == 2

    # Rows appended but not synced yet: the graph still matches the tables at their checkpoints.
    lab["people"].append(pa.Table.from_pylist([person("p6", name="late")], schema=lab["people"].schema().as_arrow()))
    lab["knows"].append(pa.Table.from_pylist([knows("p5", "p6", 5, 1.0)], schema=lab["knows"].schema().as_arrow()))
    code, after_append = validate(config)
    assert code == 0 and counts(after_append) == counts(report)

    # Tamper: delete p3 (TigerGraph takes its two edges with it), change p1's name and map, add a vertex no table
    # has, and an edge to a vertex no table has (TigerGraph creates "ghost" with it).
    tamper(emulator, "vg", delete=("Person", "p3"))
    tamper(emulator, "vg", {"vertices": {"Person": {
        "p1": {"name": {"value": "tampered"}, "attrs": {"value": {"keylist": ["k", "l"], "valuelist": [1, 3]}}},
        "intruder": {"name": {"value": "x"}}}}})
    tamper(emulator, "vg", {"edges": {"Person": {"p4": {"KNOWS": {"Person": {"ghost": {
        "since": {"value": "2025-05-05 00:00:00"}, "weight": {"value": 1}}}}}}}})
    code, bad = validate(config)
    assert code == 5
    assert bad["ok"] is False
    assert counts(bad) == {"Person": vertex(6, 7, 5, mismatches=2, missing=1, endpoints=1),
                           "KNOWS": edge(5, 4, 5, missing=2, endpoints=1)}
    assert sorted(bad["types"][0]["examples"]) == [
        "TigerGraph holds 7 vertices, the tables at their checkpoints 6",
        'vertex Person p1: attrs is {"k":1,"l":3} in TigerGraph, the mapping writes '
        '{"keylist":["k","l"],"valuelist":[1,2]}',
        'vertex Person p1: name is "tampered" in TigerGraph, the mapping writes "Ann"',
        "vertex Person p3 is missing from TigerGraph"]
    assert sorted(bad["types"][1]["examples"]) == [
        "TigerGraph holds 4 edges, the tables at their checkpoints 5",
        'edge KNOWS p2 -> p3 "2025-02-02 00:00:00" is missing from TigerGraph',
        'edge KNOWS p3 -> p4 "2025-03-03 00:00:00" is missing from TigerGraph',
        "edge p1 -> nobody: Person nobody is mapped by no table (TigerGraph creates it)"]

    # Every validation was recorded as a run of kind validate, with the report as its counts.
    runs = history(config)
    assert [(r["kind"], r["outcome"]) for r in runs] == [("validate", "failed")] + [("validate", "succeeded")] * 5 + \
        [("incremental", "succeeded")]
    assert runs[0]["error"] == "mismatch in Person, KNOWS"
    assert runs[0]["counts"]["types"] == bad["types"] and runs[0]["run_id"] == bad["run_id"]


def test_validate_after_sync_kept_in_history_and_refused_rows_subtracted(lab, emulator, tmp_path, monkeypatch):
    monkeypatch.setenv("VAL_TG_PASSWORD", emulator.password)
    # vertex_must_exist: TigerGraph refuses the edge to "nobody": a dead letter, left out of the expected edges.
    config = write_config(tmp_path / "icegraph.yaml", lab["wh"], emulator.url, f"sqlite:///{tmp_path}/state.db",
                          graph="va", must_exist="true", validate="after_sync")
    run_icegraph("schema", "--apply", config=config)
    out = run_icegraph("sync", "--json", config=config)
    report = json.loads(out.stdout)
    assert report["dead_letters"] == 2  # the null id (mapping) and the edge to nobody (TigerGraph)
    want = {"Person": vertex(5, 5, 5), "KNOWS": edge(4, 4, 4, dead=1)}
    assert counts(report["validation"]) == want and report["validation"]["ok"] is True
    runs = history(config)
    assert [(r["kind"], r["outcome"]) for r in runs] == [("incremental", "succeeded")]
    assert counts(runs[0]["counts"]["validation"]) == want
    assert runs[0]["counts"]["validation"]["run_id"] == 0  # kept in the sync's run, not a run of its own

    # The table did not change, the graph did: the next sync finds nothing to apply and the mismatch (exit 5).
    tamper(emulator, "va", {"vertices": {"Person": {"p4": {"age": {"value": 8}}}}})
    out = run_icegraph("sync", "--json", config=config, check=False)
    assert out.returncode == 5, out.stderr
    validation = json.loads(out.stdout)["validation"]
    assert counts(validation) == {"Person": vertex(5, 5, 5, mismatches=1), "KNOWS": edge(4, 4, 4, dead=1)}
    assert validation["types"][0]["examples"] == ["vertex Person p4: age is 8 in TigerGraph, the mapping writes -7"]
    runs = history(config)
    assert [(r["kind"], r["outcome"]) for r in runs] == [("incremental", "succeeded")] * 2
    assert runs[0]["counts"]["validation"]["ok"] is False


def test_validate_names_tables_without_checkpoint(lab, emulator, tmp_path, monkeypatch):
    monkeypatch.setenv("VAL_TG_PASSWORD", emulator.password)
    config = write_config(tmp_path / "icegraph.yaml", lab["wh"], emulator.url, f"sqlite:///{tmp_path}/state.db",
                          graph="vn")
    run_icegraph("schema", "--apply", config=config)
    code, report = validate(config)
    assert code == 0
    assert report["notes"] == ["table lab.people has no checkpoint (never synced): it adds nothing",
                               "table lab.knows has no checkpoint (never synced): it adds nothing"]
    assert counts(report) == {"Person": vertex(0, 0, 0), "KNOWS": edge(0, 0, 0)}


def test_owner_false_is_read_but_every_mapped_type_is_reconciled(lab, emulator, tmp_path, monkeypatch):
    # `owner: false` no longer exempts a type: TigerGraph holding a vertex no row produces is drift.
    monkeypatch.setenv("VAL_TG_PASSWORD", emulator.password)
    config = write_config(tmp_path / "icegraph.yaml", lab["wh"], emulator.url, f"sqlite:///{tmp_path}/state.db",
                          graph="vo")
    config.write_text(config.read_text().replace("        id: id\n", "        id: id\n        owner: false\n", 1))
    run_icegraph("schema", "--apply", config=config)
    run_icegraph("sync", config=config)
    code, report = validate(config)
    assert code == 0
    tamper(emulator, "vo", {"vertices": {"Person": {"intruder": {"name": {"value": "x"}}}}})
    code, report = validate(config)
    assert code == 5
    person = dict(vertex(6, 7, 5, endpoints=1), ok=False)
    assert counts(report) == {"Person": person, "KNOWS": edge(5, 5, 5, endpoints=1)}
    # The reconciling full sync deletes it again.
    run_icegraph("sync", "--full", config=config)
    code, report = validate(config)
    assert code == 0
