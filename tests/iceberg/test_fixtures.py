"""The fixture warehouse is what it claims: delete files of the right kind, equality ids, ancestry, schemas,
partition specs, and two independent peers (pyiceberg and Spark) reading the same rows where both can."""
from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter

import pyarrow.parquet as pq
import pytest

from . import fixtures as ice
from . import normalize

PRIMITIVES = {"boolean", "int", "long", "float", "double", "decimal(9, 2)", "decimal(38, 10)", "date", "time",
              "timestamp", "timestamptz", "string", "uuid", "binary", "fixed[8]"}
SPARK_TABLES = ["mor_delete", "mor_update", "mor_merge", "compacted", "expired", "rollback", "cow_delete", "types",
                "eq_delete", "eq_delete_multi", "pos_eq_delete", "eq_delete_partitioned"]
PY_TABLES = ["append", "overwrite", "delete", "upsert", "evolve", "partitioned", "unpartitioned", "partition_evolved",
             "types", "types_no_time", "nested", "rollback"]


def _field_id(snapshot: dict, name: str) -> int:
    return next(f["id"] for f in snapshot["schema"]["fields"] if f["name"] == name)


def _files(snapshot: dict, content: str) -> list[dict]:
    return [f for f in snapshot["files"] if f["content"] == content]


def _by_step(table: dict, text: str) -> dict:
    return next(s for s in table["snapshots"] if s["step"] and text in s["step"])


def _path(file_path: str) -> str:
    return file_path.removeprefix("file://").removeprefix("file:")


# ---------------------------------------------------------------------------------------------------------------
# The catalog and the manifest


def test_every_table_is_built(iceberg_warehouse):
    assert sorted(iceberg_warehouse.tables) == sorted([f"pyi.{t}" for t in PY_TABLES] +
                                                      [f"spark.{t}" for t in SPARK_TABLES])


def test_one_sqlite_catalog_holds_both_writers_tables(iceberg_warehouse):
    m = iceberg_warehouse.manifest
    with sqlite3.connect(m["catalog"]["sqlite_path"]) as db:
        rows = db.execute("SELECT catalog_name, table_namespace, table_name, metadata_location, iceberg_type "
                          "FROM iceberg_tables").fetchall()
    got = {f"{ns}.{name}": (cat, loc, kind) for cat, ns, name, loc, kind in rows}
    assert sorted(got) == sorted(m["tables"])
    for fq, (cat, loc, kind) in got.items():
        assert cat == "default" and kind == "TABLE", fq
        assert loc == m["tables"][fq]["metadata_location"], fq
    assert m["catalog"]["uri"] == f"sqlite:///{m['catalog']['sqlite_path']}"


@pytest.mark.parametrize("writer,prefix", [("pyiceberg", "file:///"), ("spark", "file:/")])
def test_locations_by_writer(iceberg_warehouse, writer, prefix):
    """pyiceberg writes file:///abs locations, Iceberg's Java FileIO file:/abs: the reader meets both."""
    for fq, t in iceberg_warehouse.tables.items():
        if t["writer"].startswith(writer):
            assert t["location"].startswith(prefix), (fq, t["location"])
            assert all(f["file_path"].startswith(prefix) for s in t["snapshots"] for f in s["files"]), fq


def test_every_snapshot_has_a_step_and_format_v2(ice_table, iceberg_warehouse):
    t = iceberg_warehouse.table(ice_table)
    assert t["format_version"] == 2
    assert t["snapshots"], ice_table
    assert all(s["step"] for s in t["snapshots"]), [s for s in t["snapshots"] if not s["step"]]
    assert t["expected_current_rows"] is not None


# ---------------------------------------------------------------------------------------------------------------
# Rows


def test_current_rows_are_the_expected_ones(ice_table, iceberg_warehouse):
    """Every peer that can read the current snapshot reads exactly the rows the fixture's steps must leave."""
    t = iceberg_warehouse.table(ice_table)
    cur = iceberg_warehouse.current(ice_table)
    read = 0
    for reader in ("pyiceberg", "spark"):
        rows = iceberg_warehouse.oracle(ice_table, cur["snapshot_id"], reader)
        if rows is not None:
            read += 1
            assert rows == t["expected_current_rows"], f"{reader}:\n" + normalize.diff_rows(
                t["expected_current_rows"], rows)
    assert read >= 1, f"no peer read {ice_table}"


@pytest.mark.slow
def test_peers_agree_on_every_snapshot(ice_snapshot, iceberg_warehouse):
    fq, sid = ice_snapshot
    py = iceberg_warehouse.oracle(fq, sid, "pyiceberg")
    spark = iceberg_warehouse.oracle(fq, sid, "spark")
    if py is None or spark is None:
        # Nothing to compare: which peer cannot read what is asserted by test_which_peer_cannot_read_what.
        errors = {r: iceberg_warehouse.oracle_error(fq, sid, r) for r in ("pyiceberg", "spark")}
        assert (py is None) != (spark is None), f"neither peer reads {fq}@{sid}: {errors}"
        return
    assert py == spark, normalize.diff_rows(py, spark)


@pytest.mark.slow
def test_which_peer_cannot_read_what(iceberg_warehouse):
    """pyiceberg refuses exactly the snapshots with equality deletes; Spark exactly the table with a time column."""
    for fq, t in iceberg_warehouse.tables.items():
        for s in t["snapshots"]:
            py_err = s["oracles"]["pyiceberg"].get("error")
            spark_err = s["oracles"]["spark"].get("error")
            if s["equality_delete_files"]:
                assert py_err and "equality deletes" in py_err, (fq, s["snapshot_id"], py_err)
            else:
                assert py_err is None, (fq, s["snapshot_id"], py_err)
            if fq == "pyi.types":
                assert spark_err and "time" in spark_err, spark_err
            else:
                assert spark_err is None, (fq, s["snapshot_id"], spark_err)


def test_oracle_files_are_normalised_and_sorted(ice_snapshot, iceberg_warehouse):
    fq, sid = ice_snapshot
    snap = iceberg_warehouse.snapshot(fq, sid)
    for reader, o in snap["oracles"].items():
        rows = iceberg_warehouse.oracle(fq, sid, reader)
        if rows is None:
            continue
        assert len(rows) == o["rows"]
        assert list(rows[0]) == snap["columns"] if rows else True
        again = normalize.normalise_rows(rows, snap["schema"])
        assert again == rows, f"{reader}: normalising twice changes the rows"


# ---------------------------------------------------------------------------------------------------------------
# Delete files


@pytest.mark.slow
@pytest.mark.parametrize("name,step", [("mor_delete", "DELETE FROM"), ("mor_update", "UPDATE"),
                                       ("mor_merge", "MERGE INTO"), ("compacted", "DELETE FROM"),
                                       ("pos_eq_delete", "DELETE FROM")])
def test_merge_on_read_writes_position_deletes(iceberg_warehouse, name, step):
    t = iceberg_warehouse.table(f"spark.{name}")
    assert t["properties"]["write.delete.mode"] == "merge-on-read"
    s = _by_step(t, step)
    added = [f for f in _files(s, "position_deletes") if f["snapshot_id"] == s["snapshot_id"]]
    assert added, f"{name}: {step} added no position delete file"
    assert all(f["manifest_content"] == "deletes" and f["equality_ids"] is None for f in added)
    assert int(s["summary"]["added-position-delete-files"]) == len(added)
    assert s["operation"] == ("delete" if step == "DELETE FROM" else "overwrite")
    # position delete files are Parquet with file_path (2147483546) and pos (2147483545), per the spec
    for f in added:
        schema = pq.read_schema(_path(f["file_path"]))
        ids = [int(schema.field(i).metadata[b"PARQUET:field_id"]) for i in range(2)]
        assert schema.names[:2] == ["file_path", "pos"] and ids == [2147483546, 2147483545]


@pytest.mark.slow
def test_mor_delete_rows_by_snapshot(iceberg_warehouse):
    t = iceberg_warehouse.table("spark.mor_delete")
    ids = [sorted(r["id"] for r in iceberg_warehouse.oracle("spark.mor_delete", s["snapshot_id"], "spark"))
           for s in t["snapshots"]]
    assert ids == [list(range(20)), [*range(20), 100, 101], [i for i in [*range(20), 100, 101] if i % 3],
                   [i for i in [*range(20), 100] if i % 3]]


@pytest.mark.slow
def test_copy_on_write_delete_rewrites_files(iceberg_warehouse):
    t = iceberg_warehouse.table("spark.cow_delete")
    assert [s["operation"] for s in t["snapshots"]] == ["append", "overwrite"]
    assert all(s["position_delete_files"] == 0 and s["equality_delete_files"] == 0 for s in t["snapshots"])
    s = t["snapshots"][1]
    assert int(s["summary"]["deleted-data-files"]) >= 1 and int(s["summary"]["added-data-files"]) >= 1
    # the same DELETE as mor_delete leaves the same rows
    assert t["expected_current_rows"] == iceberg_warehouse.oracle("spark.cow_delete", s["snapshot_id"], "spark")


EQ_TABLES = {  # table -> (equality columns per delete file, in commit order)
    "spark.eq_delete": [["id"], ["id"]],
    "spark.eq_delete_multi": [["id", "name"]],
    "spark.pos_eq_delete": [["name"]],
    "spark.eq_delete_partitioned": [["id"], ["id"]],
}


@pytest.mark.slow
@pytest.mark.parametrize("fq", sorted(EQ_TABLES))
def test_equality_delete_files_follow_the_spec(iceberg_warehouse, fq):
    t = iceberg_warehouse.table(fq)
    cur = iceberg_warehouse.current(fq)
    eq = sorted(_files(cur, "equality_deletes"), key=lambda f: f["sequence_number"])
    want = [[_field_id(cur, c) for c in cols] for cols in EQ_TABLES[fq]]
    assert [f["equality_ids"] for f in eq] == want
    assert all(f["manifest_content"] == "deletes" for f in eq)
    for f, cols in zip(eq, EQ_TABLES[fq]):
        # the delete file itself: Parquet whose columns are the equality columns, carrying their field ids
        schema = pq.read_schema(_path(f["file_path"]))
        assert schema.names == cols
        assert [int(fld.metadata[b"PARQUET:field_id"]) for fld in schema] == f["equality_ids"]
        assert pq.read_metadata(_path(f["file_path"])).num_rows == f["record_count"]
        # each delete commit is a "delete" snapshot with a higher sequence number than the data it deletes
        s = iceberg_warehouse.snapshot(fq, f["snapshot_id"])
        assert s["operation"] == "delete" and int(s["summary"]["added-equality-delete-files"]) == 1
        older_data = [d for d in _files(s, "data")]
        assert older_data and all(d["sequence_number"] < f["sequence_number"] for d in older_data)
    assert t["writer"] == "spark+java"


@pytest.mark.slow
def test_equality_delete_contents(iceberg_warehouse):
    def keys(fq):
        cur = iceberg_warehouse.current(fq)
        out = []
        for f in sorted(_files(cur, "equality_deletes"), key=lambda f: f["sequence_number"]):
            out.append([tuple(r.values()) for r in pq.read_table(_path(f["file_path"])).to_pylist()])  # as written
        return out

    assert keys("spark.eq_delete") == [[(2,), (5,), (11,), (99,)], [(12,)]]
    assert keys("spark.eq_delete_multi") == [[(1, "a"), (2, None), (3, "zzz")]]  # a null key value
    assert keys("spark.pos_eq_delete") == [[("n3",), ("n4",)]]
    assert keys("spark.eq_delete_partitioned") == [[(1,)], [(3,)]]
    parts = [f["partition"] for f in sorted(_files(iceberg_warehouse.current("spark.eq_delete_partitioned"),
                                                   "equality_deletes"), key=lambda f: f["sequence_number"])]
    assert parts == [["a"], [None]]


@pytest.mark.slow
def test_equality_deletes_remove_only_older_rows(iceberg_warehouse):
    """Spark applies the crafted deletes: matching rows of older data files go, a later insert of a key stays."""
    fq = "spark.eq_delete"
    t = iceberg_warehouse.table(fq)
    ids = [sorted(r["id"] for r in iceberg_warehouse.oracle(fq, s["snapshot_id"], "spark")) for s in t["snapshots"]]
    base = list(range(15))
    assert ids == [list(range(10)), base, [i for i in base if i not in (2, 5, 11)],
                   sorted([i for i in base if i not in (2, 5, 11)] + [5]),
                   sorted([i for i in base if i not in (2, 5, 11, 12)] + [5])]
    rows = iceberg_warehouse.oracle("spark.eq_delete_multi", iceberg_warehouse.current("spark.eq_delete_multi")[
        "snapshot_id"], "spark")
    assert sorted((r["id"], r["name"] or "") for r in rows) == [(1, "b"), (2, "x"), (3, ""), (3, "c"), (4, "d")]


@pytest.mark.slow
def test_position_and_equality_deletes_on_one_table(iceberg_warehouse):
    t = iceberg_warehouse.table("spark.pos_eq_delete")
    both = [s for s in t["snapshots"] if s["position_delete_files"] and s["equality_delete_files"]]
    assert len(both) == 3  # after the equality delete, the UPDATE and the final INSERT
    cur = iceberg_warehouse.current("spark.pos_eq_delete")
    assert cur["position_delete_files"] == 2 and cur["equality_delete_files"] == 1


# ---------------------------------------------------------------------------------------------------------------
# Snapshot kinds


@pytest.mark.slow
def test_compaction_is_a_replace_snapshot_with_the_same_rows(iceberg_warehouse):
    fq = "spark.compacted"
    t = iceberg_warehouse.table(fq)
    assert [s["operation"] for s in t["snapshots"]] == ["append", "append", "append", "delete", "replace", "append"]
    before, rep = t["snapshots"][3], t["snapshots"][4]
    assert rep["data_files"] < before["data_files"]
    assert iceberg_warehouse.oracle(fq, rep["snapshot_id"], "spark") == iceberg_warehouse.oracle(
        fq, before["snapshot_id"], "spark")
    # the position delete files stay referenced after the rewrite although their data files are gone
    live = {f["file_path"] for f in _files(rep, "data")}
    assert rep["position_delete_files"] == before["position_delete_files"] > 0
    for f in _files(rep, "position_deletes"):
        targets = set(pq.read_table(_path(f["file_path"]), columns=["file_path"]).column(0).to_pylist())
        assert not targets & live


@pytest.mark.slow
def test_expired_snapshots_are_gone(iceberg_warehouse):
    t = iceberg_warehouse.table("spark.expired")
    kept = [s["snapshot_id"] for s in t["snapshots"]]
    assert len(t["expired_snapshot_ids"]) == 2 and len(kept) == 2  # 4 snapshots (CREATE TABLE makes none)
    assert not set(t["expired_snapshot_ids"]) & set(kept)
    # the oldest kept snapshot names an expired parent
    assert t["snapshots"][0]["parent_snapshot_id"] in t["expired_snapshot_ids"]
    assert [s["operation"] for s in t["snapshots"]] == ["overwrite", "append"]


@pytest.mark.parametrize("fq", ["pyi.rollback", pytest.param("spark.rollback", marks=pytest.mark.slow)])
def test_rolled_back_snapshot_is_not_an_ancestor(iceberg_warehouse, fq):
    t = iceberg_warehouse.table(fq)
    s1, s2, s3 = t["snapshots"]
    assert [s["is_current_ancestor"] for s in t["snapshots"]] == [True, False, True]
    assert s3["parent_snapshot_id"] == s1["snapshot_id"] and s2["parent_snapshot_id"] == s1["snapshot_id"]
    assert t["current_ancestry"] == [s3["snapshot_id"], s1["snapshot_id"]]
    reader = "pyiceberg"
    ids = [sorted(r["id"] for r in iceberg_warehouse.oracle(fq, s["snapshot_id"], reader)) for s in (s1, s2, s3)]
    assert ids == [[1, 2], [1, 2, 3], [1, 2, 4]]


def test_copy_on_write_tables_of_pyiceberg(iceberg_warehouse):
    ops = {fq: [s["operation"] for s in iceberg_warehouse.table(fq)["snapshots"]]
           for fq in ("pyi.overwrite", "pyi.delete", "pyi.upsert", "pyi.partitioned", "pyi.unpartitioned")}
    assert ops == {
        "pyi.overwrite": ["append", "append", "delete", "append", "overwrite", "append"],
        "pyi.delete": ["append", "append", "delete", "overwrite", "append"],
        "pyi.upsert": ["append", "overwrite", "append", "append", "overwrite", "append", "append"],
        "pyi.partitioned": ["append", "append", "delete"],  # whole partitions dropped
        "pyi.unpartitioned": ["append", "append", "overwrite"],  # files rewritten
    }
    for fq in ops:
        for s in iceberg_warehouse.table(fq)["snapshots"]:
            assert s["position_delete_files"] == 0 and s["equality_delete_files"] == 0


def test_schema_evolution(iceberg_warehouse):
    t = iceberg_warehouse.table("pyi.evolve")
    assert [s["columns"] for s in t["snapshots"]] == [["id", "name", "score", "qty"],
                                                      ["id", "full_name", "score", "qty", "city"],
                                                      ["id", "full_name", "qty", "city"]]
    assert len({s["schema_id"] for s in t["snapshots"]}) == 3
    first, second, third = t["snapshots"]
    assert _field_id(first, "name") == _field_id(second, "full_name")
    types = {f["name"]: f["type"] for f in third["schema"]["fields"]}
    assert types["qty"] == "long" and {f["name"]: f["type"] for f in first["schema"]["fields"]}["qty"] == "int"


def test_partition_specs(iceberg_warehouse):
    t = iceberg_warehouse.table("pyi.partitioned")
    (spec,) = t["partition_specs"]
    assert [(f["name"], f["transform"]) for f in spec["fields"]] == [("category", "identity"), ("ts_day", "day"),
                                                                     ("id_bucket", "bucket[4]")]
    first = t["snapshots"][0]
    assert any(f["partition"][0] is None for f in first["files"])  # a null partition value
    t = iceberg_warehouse.table("pyi.partition_evolved")
    assert len(t["partition_specs"]) == 3
    assert sorted({f["spec_id"] for f in t["snapshots"][-1]["files"]}) == [0, 1, 2]


def test_types_table_has_every_primitive(iceberg_warehouse):
    t = iceberg_warehouse.table("pyi.types")
    types = {f["type"] for f in t["snapshots"][-1]["schema"]["fields"]}
    assert types == PRIMITIVES
    rows = iceberg_warehouse.oracle("pyi.types", t["current_snapshot_id"], "pyiceberg")
    assert len(rows) == 7
    assert any(all(v is None for v in r.values()) for r in rows)
    for col in (f["name"] for f in t["snapshots"][-1]["schema"]["fields"]):
        assert any(r[col] is not None for r in rows) and any(r[col] is None for r in rows), col


def test_nested_table_types(iceberg_warehouse):
    t = iceberg_warehouse.table("pyi.nested")
    kinds = {f["name"]: (f["type"]["type"] if isinstance(f["type"], dict) else f["type"])
             for f in t["snapshots"][-1]["schema"]["fields"]}
    assert kinds == {"id": "long", "point": "struct", "tags": "list", "scores": "list", "attrs": "map",
                     "deep": "struct"}


def test_manifest_counts_match_snapshot_summaries(ice_snapshot, iceberg_warehouse):
    """The live files listed per snapshot agree with the counters its summary carries."""
    fq, sid = ice_snapshot
    s = iceberg_warehouse.snapshot(fq, sid)
    summary = s["summary"]
    if "total-data-files" in summary:
        assert s["data_files"] == int(summary["total-data-files"])
    if "total-position-deletes" in summary or "total-delete-files" in summary:
        assert s["position_delete_files"] + s["equality_delete_files"] == int(summary.get("total-delete-files", 0))
    records = sum(f["record_count"] for f in s["files"] if f["content"] == "data")
    if "total-records" in summary:
        assert records == int(summary["total-records"])


def test_manifest_json_is_self_contained(iceberg_warehouse):
    m = iceberg_warehouse.manifest
    assert m["catalog"]["icegraph_args"] == ["--catalog-type", "sql", "--catalog-uri", m["catalog"]["uri"],
                                             "--warehouse", m["warehouse_dir"]]
    assert m["fixtures_hash"] == ice.fixtures_hash(spark=m["spark"]) or "ICEGRAPH_ICEBERG_WAREHOUSE" in os.environ
    counts = Counter(s["operation"] for t in m["tables"].values() for s in t["snapshots"])
    assert set(counts) == {"append", "overwrite", "delete", "replace"}
    json.dumps(m)
