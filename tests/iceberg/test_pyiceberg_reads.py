"""icegraph's Iceberg reader against pyiceberg's, row for row, on tables pyiceberg writes (SQL catalog on SQLite).

Every snapshot of every table is read by both and compared after the same normalisation."""
import datetime
import decimal
import json
import subprocess

import pyarrow as pa
import pytest
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import EqualTo, GreaterThanOrEqual
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import (BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType,
                             NestedField, StringType, TimestampType, TimestamptzType)

from ..conftest import icegraph_bin


def normalise(v):
    if isinstance(v, datetime.datetime):
        s = v.strftime("%Y-%m-%d %H:%M:%S.%f")
        return s + "Z" if v.tzinfo is not None else s
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, float):
        return round(v, 9)
    return v


def rows_key(rows):
    return sorted((tuple((k, normalise(v)) for k, v in sorted(r.items())) for r in rows), key=repr)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("warehouse")
    db = root / "catalog.db"
    catalog = SqlCatalog("default", uri=f"sqlite:///{db}", warehouse=f"file://{root}")
    catalog.create_namespace("db")
    build_tables(catalog)
    return {"catalog": catalog, "uri": f"sqlite:///{db}"}


def build_tables(catalog):
    people = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "name", StringType()),
                    NestedField(3, "score", DoubleType()))
    t = catalog.create_table("db.appends", schema=people)
    for start in (0, 10, 20):
        t.append(pa.table({"id": pa.array(range(start, start + 10), pa.int64()),
                           "name": [f"n{i}" if i % 4 else None for i in range(start, start + 10)],
                           "score": [i * 1.5 for i in range(start, start + 10)]}))

    t = catalog.create_table("db.changes", schema=people)
    t.append(pa.table({"id": pa.array(range(6), pa.int64()), "name": [f"a{i}" for i in range(6)],
                       "score": [float(i) for i in range(6)]}))
    t.overwrite(pa.table({"id": pa.array([1], pa.int64()), "name": ["one"], "score": [100.0]}),
                overwrite_filter=EqualTo("id", 1))
    t.delete(delete_filter=GreaterThanOrEqual("id", 4))
    t.append(pa.table({"id": pa.array([7], pa.int64()), "name": ["seven"], "score": [7.0]}))

    t = catalog.create_table("db.evolve", schema=people)
    t.append(pa.table({"id": pa.array([1, 2], pa.int64()), "name": ["x", "y"], "score": [1.0, 2.0]}))
    with t.update_schema() as u:
        u.rename_column("name", "full_name")
        u.add_column("city", StringType())
    t.append(pa.table({"id": pa.array([3], pa.int64()), "full_name": ["z"], "score": [3.0], "city": ["Oslo"]}))

    typed = Schema(NestedField(1, "b", BooleanType()), NestedField(2, "i", IntegerType()),
                   NestedField(3, "l", LongType()), NestedField(4, "f", FloatType()), NestedField(5, "d", DoubleType()),
                   NestedField(6, "dec", DecimalType(9, 2)), NestedField(7, "day", DateType()),
                   NestedField(8, "ts", TimestampType()), NestedField(9, "tstz", TimestamptzType()),
                   NestedField(10, "s", StringType()))
    t = catalog.create_table("db.types", schema=typed)
    t.append(pa.table({
        "b": [True, None, False], "i": pa.array([1, None, -3], pa.int32()), "l": pa.array([1 << 40, None, -1], pa.int64()),
        "f": pa.array([1.5, None, -2.25], pa.float32()), "d": [0.1, None, 1e300],
        "dec": pa.array([decimal.Decimal("12.34"), None, decimal.Decimal("-0.01")], pa.decimal128(9, 2)),
        "day": [datetime.date(2026, 1, 20), None, datetime.date(1970, 1, 1)],
        "ts": pa.array([datetime.datetime(2026, 1, 20, 10, 0, 0, 123456), None, datetime.datetime(2000, 2, 29)],
                       pa.timestamp("us")),
        "tstz": pa.array([datetime.datetime(2026, 1, 20, 10, tzinfo=datetime.timezone.utc), None, None],
                         pa.timestamp("us", tz="UTC")),
        "s": ["héllo, \"world\"", None, ""]}))

    # A rollback then a new append: the snapshot rolled back from is no longer an ancestor of the current one.
    t = catalog.create_table("db.rolledback", schema=people)
    for start in (0, 10):
        t.append(pa.table({"id": pa.array([start], pa.int64()), "name": ["r"], "score": [1.0]}))
    first, second = [snap.snapshot_id for snap in t.metadata.snapshots]
    t.manage_snapshots().rollback_to_snapshot(first).commit()
    t.append(pa.table({"id": pa.array([99], pa.int64()), "name": ["after"], "score": [2.0]}))

    spec = PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="region"))
    part = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "region", StringType()))
    t = catalog.create_table("db.partitioned", schema=part, partition_spec=spec)
    t.append(pa.table({"id": pa.array([1, 2, 3, 4], pa.int64()), "region": ["eu", "us", "eu", "ap"]}))
    t.delete(delete_filter=EqualTo("region", "eu"))


TABLES = ["appends", "changes", "evolve", "types", "partitioned", "rolledback"]


def icegraph_scan(uri, table, snapshot_id):
    out = subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-uri", uri, f"db.{table}", "--snapshot-id",
                          str(snapshot_id)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def normalise_ours(rows, arrow_schema):
    # Our CLI prints non-JSON-native values as Arrow's text; turn pyiceberg's into the same text.
    return rows


@pytest.mark.parametrize("table", TABLES)
def test_every_snapshot_matches_pyiceberg(warehouse, table):
    t = warehouse["catalog"].load_table(f"db.{table}")
    snapshots = t.metadata.snapshots
    assert snapshots, table
    for snap in snapshots:
        expected = t.scan(snapshot_id=snap.snapshot_id).to_arrow().to_pylist()
        ours = icegraph_scan(warehouse["uri"], table, snap.snapshot_id)
        assert rows_key(ours) == rows_key(expected), f"{table} snapshot {snap.snapshot_id} ({snap.summary.operation})"


def test_snapshots_listing(warehouse):
    out = subprocess.run([icegraph_bin(), "iceberg", "snapshots", "--catalog-uri", warehouse["uri"], "db.changes"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    ops = [json.loads(line)["operation"] for line in out.stdout.splitlines()]
    expected = [s.summary.operation.value for s in warehouse["catalog"].load_table("db.changes").metadata.snapshots]
    assert ops == expected
    assert "overwrite" in ops and "append" in ops


def test_describe_names_fields_by_id(warehouse):
    out = subprocess.run([icegraph_bin(), "iceberg", "describe", "--catalog-uri", warehouse["uri"], "db.evolve"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert [(f["id"], f["name"]) for f in d["schema"]] == [(1, "id"), (2, "full_name"), (3, "score"), (4, "city")]
    assert d["format_version"] == 2


def test_unknown_table_is_a_clear_error(warehouse):
    out = subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-uri", warehouse["uri"], "db.nope"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert "table db.nope is not in SQL catalog 'default'" in out.stderr


def icegraph_diff(uri, table, *args):
    out = subprocess.run([icegraph_bin(), "iceberg", "diff", "--catalog-uri", uri, f"db.{table}", *args],
                         capture_output=True, text=True, timeout=60)
    return out.returncode, [json.loads(line) for line in out.stdout.splitlines()], out.stderr


@pytest.mark.parametrize("table", ["appends", "changes", "partitioned"])
def test_diff_matches_snapshot_summaries(warehouse, table):
    """Files added/removed per snapshot, from manifests, agree with each snapshot's own summary counters."""
    t = warehouse["catalog"].load_table(f"db.{table}")
    rc, diff, err = icegraph_diff(warehouse["uri"], table)
    assert rc == 0, err
    assert [d["snapshot_id"] for d in diff] == [s.snapshot_id for s in t.metadata.snapshots]
    for d, snap in zip(diff, t.metadata.snapshots):
        summary = snap.summary.additional_properties
        assert d["operation"] == snap.summary.operation.value
        assert len(d["added_data_files"]) == int(summary.get("added-data-files", 0)), d
        assert len(d["removed_data_files"]) == int(summary.get("deleted-data-files", 0)), d
        assert sum(f["record_count"] for f in d["added_data_files"]) == int(summary.get("added-records", 0))
        assert sum(f["record_count"] for f in d["removed_data_files"]) == int(summary.get("deleted-records", 0))
    # From the middle: only the later snapshots.
    snaps = [s.snapshot_id for s in t.metadata.snapshots]
    rc, diff, err = icegraph_diff(warehouse["uri"], table, "--from", str(snaps[0]))
    assert rc == 0 and [d["snapshot_id"] for d in diff] == snaps[1:]


def test_diff_reports_a_snapshot_that_is_not_an_ancestor(warehouse):
    t = warehouse["catalog"].load_table("db.rolledback")
    first, second, third = [s.snapshot_id for s in t.metadata.snapshots]
    rc, out, err = icegraph_diff(warehouse["uri"], "rolledback", "--from", str(second))
    assert rc == 3, err
    assert out == [{"gap": "not_ancestor", "from": second, "to": t.metadata.current_snapshot_id}]
    rc, out, err = icegraph_diff(warehouse["uri"], "rolledback", "--from", str(first))
    assert rc == 0 and [d["snapshot_id"] for d in out] == [third]
    rc, out, err = icegraph_diff(warehouse["uri"], "rolledback", "--from", "12345")
    assert rc == 3 and out[0]["gap"] == "from_expired"


def test_as_of_reads_the_snapshot_current_then(warehouse):
    t = warehouse["catalog"].load_table("db.appends")
    first, second, third = t.metadata.snapshots
    for snap, expected_rows in ((first, 10), (second, 20), (third, 30)):
        out = subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-uri", warehouse["uri"], "db.appends",
                              "--as-of", str(snap.timestamp_ms)], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert len(out.stdout.splitlines()) == expected_rows
    out = subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-uri", warehouse["uri"], "db.appends",
                          "--as-of", "2000-01-01"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "no snapshot was current at 2000-01-01" in out.stderr
    out = subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-uri", warehouse["uri"], "db.appends",
                          "--as-of", "yesterday"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "is not YYYY-MM-DD" in out.stderr
