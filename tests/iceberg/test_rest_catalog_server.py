"""icegraph against Apache Iceberg's own REST catalog server (RESTCatalogServer 1.10.1, rest_catalog_server.py):
tables created and changed through it by pyiceberg (and by Spark, marked slow), read by `icegraph iceberg scan`,
synced in full then incrementally into the emulator with `catalog: {type: rest}`, and the server's OAuth2 token
endpoint (client credentials) with the token icegraph then sends, seen through a recording proxy since the server
accepts any token. The protocol stub in test_rest_catalog.py keeps what this server cannot produce (a `prefix`
override from /v1/config, 401 refusals).

One server per module: its JVM starts in about 4 s (measured in test_server_starts_quickly)."""
import datetime
import json
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyarrow as pa
import pytest
import requests
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType, TimestamptzType

from ..conftest import icegraph_bin
from ..sync.conftest import GraphReader, run_icegraph, write_config
from .rest_catalog_server import RestCatalogServer, ensure_jars
from .test_pyiceberg_reads import rows_key

UTC = datetime.timezone.utc
USERS = Schema(NestedField(1, "user_id", LongType(), required=False), NestedField(2, "name", StringType()),
               NestedField(3, "email", StringType()))
FOLLOWS = Schema(NestedField(1, "src", LongType()), NestedField(2, "dst", LongType()),
                 NestedField(3, "since", TimestamptzType()))
MOR = {"format-version": "2", "write.delete.mode": "merge-on-read", "write.update.mode": "merge-on-read"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    ensure_jars()  # outside the start measurement: Maven runs only on a machine without the jars
    s = RestCatalogServer(tmp_path_factory.mktemp("rest-catalog"))
    yield s
    s.stop()


def scan(uri, *args):
    return subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-type", "rest", "--catalog-uri", uri, *args],
                          capture_output=True, text=True, timeout=120)


def test_server_starts_quickly(server):
    # Measured on the 2-core CI machine: 3.7-4.2 s from exec to the first /v1/config answer.
    assert server.start_seconds < 30, server.start_seconds
    config = requests.get(server.url + "/v1/config", timeout=10).json()
    assert "POST v1/oauth/tokens" in config["endpoints"]


def test_scan_reads_tables_pyiceberg_wrote_through_the_server(server):
    cat = server.pyiceberg()
    cat.create_namespace("scan")
    t = cat.create_table("scan.users", schema=USERS, properties=MOR)
    rows = [{"user_id": i, "name": f"user {i}", "email": None if i % 3 == 0 else f"u{i}@x.com"} for i in range(1, 41)]
    t.append(pa.Table.from_pylist(rows, schema=t.schema().as_arrow()))
    t.delete("user_id >= 35")  # a second snapshot (pyiceberg rewrites the file): the scan reads the current one
    want = [r for r in rows if r["user_id"] < 35]
    out = scan(server.url, "scan.users")
    assert out.returncode == 0, out.stderr
    assert rows_key([json.loads(line) for line in out.stdout.splitlines()]) == rows_key(want)

    # A nested namespace goes over the wire with the REST spec's %1F separator.
    cat.create_namespace(("scan", "deep"))
    deep = cat.create_table(("scan", "deep", "t"), schema=USERS)
    deep.append(pa.Table.from_pylist(rows[:2], schema=deep.schema().as_arrow()))
    out = scan(server.url, "scan.deep.t")
    assert out.returncode == 0, out.stderr
    assert rows_key([json.loads(line) for line in out.stdout.splitlines()]) == rows_key(rows[:2])

    # The server's own error for a table it does not have.
    out = scan(server.url, "scan.missing")
    assert out.returncode == 1
    assert "loading table scan.missing: " in out.stderr and "HTTP 404: Table does not exist: scan.missing" in out.stderr


class RecordingProxy:
    """Forwards every request to the real server and records (method, path, Authorization, form) of each."""

    def __init__(self, target):
        self.seen = []
        seen = self.seen

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def forward(self, method):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                seen.append((method, self.path, self.headers.get("Authorization"), body.decode()))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                r = requests.request(method, target + self.path, data=body, headers=headers, timeout=60)
                self.send_response(r.status_code)
                self.send_header("Content-Type", r.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(r.content)))
                self.end_headers()
                self.wfile.write(r.content)

            def do_GET(self):
                self.forward("GET")

            def do_POST(self):
                self.forward("POST")

            def do_HEAD(self):
                self.forward("HEAD")

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.http.shutdown()
        self.http.server_close()


def test_oauth2_client_credentials_from_the_server_token_endpoint(server):
    cat = server.pyiceberg()
    cat.create_namespace("auth")
    t = cat.create_table("auth.users", schema=USERS)
    t.append(pa.Table.from_pylist([{"user_id": 1, "name": "a", "email": "a@x"}], schema=t.schema().as_arrow()))
    proxy = RecordingProxy(server.url)
    try:
        out = scan(proxy.url, "--prop", "credential=etl:s3cret", "--prop", "scope=catalog", "auth.users")
        assert out.returncode == 0, out.stderr
        assert [json.loads(line) for line in out.stdout.splitlines()] == [{"user_id": 1, "name": "a", "email": "a@x"}]
        method, path, auth, form = proxy.seen[0]
        assert (method, path, auth) == ("POST", "/v1/oauth/tokens", None)
        assert sorted(form.split("&")) == ["client_id=etl", "client_secret=s3cret", "grant_type=client_credentials",
                                           "scope=catalog"]
        # The server's token for client "etl", on every catalog request after it.
        token = "Bearer client-credentials-token:sub=etl"
        assert [(m, p, a) for m, p, a, _ in proxy.seen[1:]] == [
            ("GET", "/v1/config", token), ("GET", "/v1/namespaces/auth/tables/users", token)]
        assert "s3cret" not in out.stderr  # secrets never reach the log

        # A static bearer token is sent as it is, without a token request.
        del proxy.seen[:]
        out = scan(proxy.url, "--prop", "token=t-42", "auth.users")
        assert out.returncode == 0, out.stderr
        assert [(m, p, a) for m, p, a, _ in proxy.seen] == [
            ("GET", "/v1/config", "Bearer t-42"), ("GET", "/v1/namespaces/auth/tables/users", "Bearer t-42")]
    finally:
        proxy.stop()


CONFIG = """
catalog: {{type: rest, uri: "{uri}", properties: {{credential: "etl:s3cret"}}}}
tigergraph: {{urls: ["{url}"], graph: social, username: tigergraph, password: tigergraph}}
state: {{url: "sqlite:///{state}"}}
sink: {{mode: {mode}, bulk_threshold_rows: 1}}
mappings:
  - table: {ns}.users
    vertices:
      - type: User
        id: user_id
        attributes: {{name: name, email: email}}
  - table: {ns}.follows
    edges:
      - type: FOLLOWS
        from: {{type: User, id: src}}
        to: {{type: User, id: dst}}
        attributes: {{since: since}}
"""


def ts(day):
    return datetime.datetime(2026, 1, day, 12, 0, 0, tzinfo=UTC)


def read_graph(emu):
    g = GraphReader(emu, "social")
    users = {k: (v["name"], v["email"]) for k, v in g.vertices("User").items()}
    follows = {(e["from_id"], e["to_id"]): e["attributes"]["since"] for e in g.edges("User", "FOLLOWS")}
    return users, follows


def sync(config):
    out = run_icegraph("sync", "--json", config=config)
    report = json.loads(out.stdout)
    assert report["outcome"] == "succeeded", report
    return {t["table"]: t["mode"] for t in report["tables"]}


@pytest.mark.parametrize("mode", ["bulk", "upsert"])
def test_full_then_incremental_sync_through_the_server(server, emulator, tmp_path, mode):
    ns = f"social_{mode}"
    cat = server.pyiceberg(credential="etl:s3cret")
    cat.create_namespace(ns)
    users = cat.create_table(f"{ns}.users", schema=USERS, properties=MOR)
    follows = cat.create_table(f"{ns}.follows", schema=FOLLOWS, properties=MOR)
    users.append(pa.Table.from_pylist(
        [{"user_id": 1, "name": "Ann", "email": "ann@x"}, {"user_id": 2, "name": "Bob", "email": None},
         {"user_id": 3, "name": "Cid", "email": "cid@x"}], schema=users.schema().as_arrow()))
    follows.append(pa.Table.from_pylist(
        [{"src": 1, "dst": 2, "since": ts(1)}, {"src": 2, "dst": 3, "since": ts(2)}],
        schema=follows.schema().as_arrow()))
    config = write_config(tmp_path / "icegraph.yaml", CONFIG.format(
        uri=server.url, url=emulator.url, state=tmp_path / "state.db", mode=mode, ns=ns))
    run_icegraph("schema", "--apply", config=config)
    assert sync(config) == {f"{ns}.users": "full", f"{ns}.follows": "full"}
    assert read_graph(emulator) == (
        {"1": ("Ann", "ann@x"), "2": ("Bob", ""), "3": ("Cid", "cid@x")},
        {("1", "2"): "2026-01-01 12:00:00", ("2", "3"): "2026-01-02 12:00:00"})

    # Appends, an update (overwrite of one row), deletes: three more snapshots per table, read incrementally.
    users.append(pa.Table.from_pylist(
        [{"user_id": 4, "name": "Dee", "email": "dee@x"}, {"user_id": 5, "name": "Eve", "email": "eve@x"}],
        schema=users.schema().as_arrow()))
    users.overwrite(pa.Table.from_pylist([{"user_id": 3, "name": "Cid II", "email": "cid2@x"}],
                                         schema=users.schema().as_arrow()), overwrite_filter="user_id == 3")
    users.delete("user_id == 5")
    follows.append(pa.Table.from_pylist([{"src": 3, "dst": 4, "since": ts(3)}], schema=follows.schema().as_arrow()))
    follows.delete("src == 1")
    assert sync(config) == {f"{ns}.users": "incremental", f"{ns}.follows": "incremental"}
    assert read_graph(emulator) == (
        {"1": ("Ann", "ann@x"), "2": ("Bob", ""), "3": ("Cid II", "cid2@x"), "4": ("Dee", "dee@x")},
        {("2", "3"): "2026-01-02 12:00:00", ("3", "4"): "2026-01-03 12:00:00"})
    # Nothing new: a no-op.
    assert sync(config) == {f"{ns}.users": "unchanged", f"{ns}.follows": "unchanged"}
    assert run_icegraph("validate", config=config).returncode == 0


@pytest.mark.slow
def test_spark_writes_through_the_server_and_icegraph_syncs_it(server, emulator, tmp_path):
    """Spark (Iceberg's runtime 1.10.1, its RESTCatalog) creates, appends, merges and deletes with merge-on-read
    position deletes; icegraph reads every snapshot through the same server. Spark's start dominates (~30 s)."""
    from . import fixtures as ice

    ns = "spark_social"
    jars = ice.ensure_jars()
    from pyspark.sql import SparkSession
    t0 = time.time()
    c = "spark.sql.catalog.rest"
    spark = (SparkSession.builder.master("local[1]").appName("icegraph-rest-catalog")
             .config("spark.jars", ",".join(str(j) for j in jars))
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "1").config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.warehouse.dir", str(tmp_path / "spark-warehouse"))
             .config("spark.local.dir", str(tmp_path / "spark-local"))
             .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
             .config(c, "org.apache.iceberg.spark.SparkCatalog").config(f"{c}.type", "rest")
             .config(f"{c}.uri", server.url).config(f"{c}.credential", "spark:pw")
             .config(f"{c}.cache-enabled", "false")
             .getOrCreate())
    try:
        ice.log(f"Spark started in {time.time() - t0:.1f} s")
        props = ("TBLPROPERTIES ('format-version'='2', 'write.delete.mode'='merge-on-read', "
                 "'write.update.mode'='merge-on-read', 'write.merge.mode'='merge-on-read')")
        spark.sql(f"CREATE NAMESPACE rest.{ns}")
        spark.sql(f"CREATE TABLE rest.{ns}.users (user_id BIGINT, name STRING, email STRING) USING iceberg {props}")
        spark.sql(f"CREATE TABLE rest.{ns}.follows (src BIGINT, dst BIGINT, since TIMESTAMP) USING iceberg {props}")
        spark.sql(f"INSERT INTO rest.{ns}.users VALUES (1, 'Ann', 'ann@x'), (2, 'Bob', NULL), (3, 'Cid', 'cid@x')")
        spark.sql(f"INSERT INTO rest.{ns}.follows VALUES (1, 2, TIMESTAMP '2026-01-01 12:00:00'), "
                  "(2, 3, TIMESTAMP '2026-01-02 12:00:00')")
        config = write_config(tmp_path / "icegraph.yaml", CONFIG.format(
            uri=server.url, url=emulator.url, state=tmp_path / "state.db", mode="bulk", ns=ns))
        run_icegraph("schema", "--apply", config=config)
        assert sync(config) == {f"{ns}.users": "full", f"{ns}.follows": "full"}
        assert read_graph(emulator) == (
            {"1": ("Ann", "ann@x"), "2": ("Bob", ""), "3": ("Cid", "cid@x")},
            {("1", "2"): "2026-01-01 12:00:00", ("2", "3"): "2026-01-02 12:00:00"})

        spark.sql(f"INSERT INTO rest.{ns}.users VALUES (4, 'Dee', 'dee@x'), (5, 'Eve', 'eve@x')")
        spark.sql(f"UPDATE rest.{ns}.users SET name = 'Cid II', email = 'cid2@x' WHERE user_id = 3")
        spark.sql(f"DELETE FROM rest.{ns}.users WHERE user_id = 5")
        spark.sql(f"MERGE INTO rest.{ns}.follows t USING (SELECT 3L AS src, 4L AS dst, "
                  "TIMESTAMP '2026-01-03 12:00:00' AS since) s ON t.src = s.src AND t.dst = s.dst "
                  "WHEN NOT MATCHED THEN INSERT *")
        spark.sql(f"DELETE FROM rest.{ns}.follows WHERE src = 1")
    finally:
        ice.stop_spark(spark)
    assert sync(config) == {f"{ns}.users": "incremental", f"{ns}.follows": "incremental"}
    assert read_graph(emulator) == (
        {"1": ("Ann", "ann@x"), "2": ("Bob", ""), "3": ("Cid II", "cid2@x"), "4": ("Dee", "dee@x")},
        {("2", "3"): "2026-01-02 12:00:00", ("3", "4"): "2026-01-03 12:00:00"})
