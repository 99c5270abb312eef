"""`icegraph iceberg scan --filter/--columns`: files pruned by identity partition values and column bounds, rows
equal to pyiceberg's filtered scan of the same table."""
import json
import subprocess

import pyarrow as pa
import pytest
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import LongType, NestedField, StringType

from ..conftest import icegraph_bin


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    root = tmp_path_factory.mktemp("filters")
    catalog = SqlCatalog("default", uri=f"sqlite:///{root}/catalog.db", warehouse=f"file://{root}")
    catalog.create_namespace("db")
    schema = Schema(NestedField(1, "id", LongType(), required=False), NestedField(2, "country", StringType()),
                    NestedField(3, "name", StringType()))
    spec = PartitionSpec(PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="country"))
    t = catalog.create_table("db.people", schema=schema, partition_spec=spec)
    # One append per id range, so every data file has distinct id bounds.
    for start in (0, 100, 200):
        ids = list(range(start, start + 50))
        t.append(pa.table({"id": pa.array(ids, pa.int64()), "country": ["FR" if i % 2 else "DE" for i in ids],
                           "name": [f"p{i}" for i in ids]}))
    return {"uri": f"sqlite:///{root}/catalog.db", "table": t}


def run(uri, *args):
    out = subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-uri", uri, *args, "db.people"],
                         check=True, capture_output=True, text=True, timeout=60)
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_identity_partition_prunes_files_and_rows_equal_pyiceberg(table):
    all_tasks = run(table["uri"], "--tasks")
    fr_tasks = run(table["uri"], "--tasks", "--filter", "country = 'FR'")
    assert len(all_tasks) == 6 and len(fr_tasks) == 3
    rows = run(table["uri"], "--filter", "country = 'FR'")
    expected = table["table"].scan(row_filter="country = 'FR'").to_arrow().to_pylist()
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in expected) == [i for s in (0, 100, 200) for i in range(s + 1, s + 50, 2)]


def test_column_bounds_prune_files_and_the_residual_filters_rows(table):
    tasks = run(table["uri"], "--tasks", "--filter", "id >= 120 and id < 130")
    assert len(tasks) == 2  # both countries of the 100..149 append; the other appends' bounds exclude them
    rows = run(table["uri"], "--columns", "id,name", "--filter", "id >= 120 and id < 130")
    assert sorted(rows, key=lambda r: r["id"]) == [{"id": i, "name": f"p{i}"} for i in range(120, 130)]


def test_a_bad_filter_names_the_problem(table):
    out = subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-uri", table["uri"], "--filter",
                          "nosuch = 1", "db.people"], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "nosuch" in out.stderr
