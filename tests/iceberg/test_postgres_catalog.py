"""The SQL catalog on PostgreSQL: a table pyiceberg registers there reads the same in icegraph."""
import json
import subprocess

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import EqualTo

from ..conftest import icegraph_bin
from .test_pyiceberg_reads import rows_key


def test_postgres_sql_catalog(postgres_url, tmp_path):
    catalog = SqlCatalog("prod", uri=postgres_url.replace("postgresql://", "postgresql+psycopg2://"),
                         warehouse=f"file://{tmp_path}")
    catalog.create_namespace("sales")
    t = catalog.create_table("sales.orders", schema=pa.schema([("id", pa.int64()), ("amount", pa.float64())]))
    t.append(pa.table({"id": pa.array([1, 2, 3], pa.int64()), "amount": [1.5, 2.5, 3.5]}))
    t.delete(delete_filter=EqualTo("id", 2))
    uri = postgres_url.replace("postgresql://", "postgresql+psycopg2://")
    for snap in t.metadata.snapshots:
        out = subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-uri", uri, "--catalog-name", "prod",
                              "sales.orders", "--snapshot-id", str(snap.snapshot_id)],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        expected = t.scan(snapshot_id=snap.snapshot_id).to_arrow().to_pylist()
        assert rows_key([json.loads(line) for line in out.stdout.splitlines()]) == rows_key(expected)
    out = subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-uri", uri, "sales.orders"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "not in SQL catalog 'default'" in out.stderr  # wrong catalog name
    out = subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-uri", "postgresql://nobody@127.0.0.1:1/x",
                          "sales.orders"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "cannot connect to the SQL catalog database" in out.stderr
