"""icegraph reads tables stored on S3 (moto's S3 server on loopback), with credentials from catalog properties and
from the environment, and equals pyiceberg's read of the same table snapshot for snapshot."""
import json
import os
import subprocess

import boto3
import pyarrow as pa
import pytest
from moto.server import ThreadedMotoServer
from pyiceberg.catalog.sql import SqlCatalog

from ..conftest import free_port, icegraph_bin

KEY_ID, SECRET, REGION, BUCKET = "AKIDICEGRAPH", "icegraph-s3-secret", "eu-west-1", "lake"


@pytest.fixture(scope="module")
def s3_table(tmp_path_factory):
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
                     region_name=REGION).create_bucket(Bucket=BUCKET,
                                                       CreateBucketConfiguration={"LocationConstraint": REGION})
        db = tmp_path_factory.mktemp("s3cat") / "catalog.db"
        props = {"s3.endpoint": endpoint, "s3.access-key-id": KEY_ID, "s3.secret-access-key": SECRET,
                 "s3.region": REGION, "s3.path-style-access": "true"}
        catalog = SqlCatalog("default", uri=f"sqlite:///{db}", warehouse=f"s3://{BUCKET}/wh", **props)
        catalog.create_namespace("shop")
        t = catalog.create_table("shop.users", schema=pa.schema([("id", pa.int64()), ("name", pa.string())]))
        t.append(pa.table({"id": pa.array(range(100), pa.int64()), "name": [f"user {i}" for i in range(100)]}))
        t.delete("id >= 90")
        t.append(pa.table({"id": pa.array([500], pa.int64()), "name": ["late, with \"quotes\""]}))
        yield {"uri": f"sqlite:///{db}", "props": props, "table": catalog.load_table("shop.users")}
    finally:
        server.stop()


def scan(uri, props, snapshot_id, env=None):
    cmd = [icegraph_bin(), "iceberg", "scan", "--catalog-uri", uri, "--snapshot-id", str(snapshot_id), "shop.users"]
    for k, v in props.items():
        cmd += ["--prop", f"{k}={v}"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, timeout=120)
    return sorted((r["id"], r["name"]) for r in map(json.loads, out.stdout.splitlines()))


def test_every_snapshot_equals_pyiceberg_with_credentials_from_properties(s3_table):
    table = s3_table["table"]
    snapshots = table.snapshots()
    assert len(snapshots) == 3
    for snap in snapshots:
        expected = sorted(zip(*table.scan(snapshot_id=snap.snapshot_id).to_arrow().to_pydict().values()))
        assert scan(s3_table["uri"], s3_table["props"], snap.snapshot_id) == expected
    assert len(expected) == 91 and (500, 'late, with "quotes"') in expected


def test_credentials_from_the_environment(s3_table):
    props = {k: v for k, v in s3_table["props"].items() if k not in ("s3.access-key-id", "s3.secret-access-key")}
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET)
    current = s3_table["table"].metadata.current_snapshot_id
    assert len(scan(s3_table["uri"], props, current, env)) == 91


def test_unreachable_endpoint_fails_with_the_object_named_and_no_secret(s3_table):
    # moto accepts any signature, so the failure exercised is a store that cannot be reached.
    props = dict(s3_table["props"], **{"s3.endpoint": f"http://127.0.0.1:{free_port()}",
                                       "s3.secret-access-key": "wrong-secret-value", "s3.connect-timeout": "1",
                                       "s3.request-timeout": "2"})
    cmd = [icegraph_bin(), "iceberg", "scan", "--catalog-uri", s3_table["uri"], "shop.users"]
    for k, v in props.items():
        cmd += ["--prop", f"{k}={v}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "s3://" in out.stderr or "lake/" in out.stderr
    assert "wrong-secret-value" not in out.stderr + out.stdout
