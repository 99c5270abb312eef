"""Fixtures for `icegraph serve`: a pyiceberg warehouse (users, products, purchases with updated_at), an emulator
with the generated schema, an icegraph.yaml with a `service:` section, and the service on a free port."""
import datetime
import os
import select
import signal
import subprocess
import time
from pathlib import Path

import pyarrow as pa
import pytest
import requests
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import DoubleType, IntegerType, NestedField, StringType, TimestamptzType

from ..conftest import icegraph_bin
from ..sync.conftest import GraphReader, run_icegraph, write_config

UTC = datetime.timezone.utc
TOKEN = "s3cret-token-for-tests"

USERS = Schema(NestedField(1, "user_id", StringType()), NestedField(2, "name", StringType()),
               NestedField(3, "age", IntegerType()), NestedField(4, "updated_at", TimestamptzType()))
PRODUCTS = Schema(NestedField(1, "product_id", StringType()), NestedField(2, "title", StringType()),
                  NestedField(3, "price", DoubleType()), NestedField(4, "updated_at", TimestamptzType()))
PURCHASES = Schema(NestedField(1, "purchase_id", StringType()), NestedField(2, "user_id", StringType()),
                   NestedField(3, "product_id", StringType()), NestedField(4, "amount", DoubleType()),
                   NestedField(5, "updated_at", TimestamptzType()))

CONFIG = """
catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["{url}"], graph: shop, username: tigergraph, password: tigergraph}}
state: {{url: "sqlite:///{state}"}}
sink: {{mode: upsert}}
{service}
mappings:
  - table: shop.users
    vertices:
      - type: User
        id: user_id
        attributes: {{name: name, age: age, updated_at: updated_at}}
  - table: shop.products
    vertices:
      - type: Product
        id: product_id
        attributes: {{title: title, price: price, updated_at: updated_at}}
  - table: shop.purchases
    edges:
      - type: PURCHASED
        from: {{type: User, id: user_id}}
        to: {{type: Product, id: product_id}}
        attributes: {{purchase_id: purchase_id, amount: amount, updated_at: updated_at}}
        discriminator: [purchase_id]
aliases: {{users: User, products: Product, purchases: PURCHASED}}
"""


def ts(day, hour=0):
    return datetime.datetime(2026, 1, day, hour, tzinfo=UTC)


def user(i, day=1):
    return {"user_id": f"u{i:02d}", "name": f"User {i}", "age": 20 + i, "updated_at": ts(day, i % 24)}


def product(i, day=1):
    return {"product_id": f"p{i}", "title": f"Product {i}", "price": 1.5 * (i + 1), "updated_at": ts(day)}


def purchase(n, u, p, day=1):
    return {"purchase_id": f"x{n:03d}", "user_id": f"u{u:02d}", "product_id": f"p{p}", "amount": 2.25 * n,
            "updated_at": ts(day, n % 24)}


USERS_ROWS = [user(i) for i in range(23)]
PRODUCTS_ROWS = [product(i) for i in range(4)]
# Several purchases per user, two of one (user, product) pair: discriminated multi-edges.
PURCHASES_ROWS = [purchase(n, n % 17, n % 4) for n in range(40)] + [purchase(40, 3, 3), purchase(41, 3, 3)]


class Shop:
    def __init__(self, root: Path):
        self.wh = root / "wh"
        self.wh.mkdir()
        self.catalog = SqlCatalog("default", uri=f"sqlite:///{self.wh}/catalog.db", warehouse=f"file://{self.wh}")
        self.catalog.create_namespace("shop")
        for name, schema in (("users", USERS), ("products", PRODUCTS), ("purchases", PURCHASES)):
            self.catalog.create_table(f"shop.{name}", schema=schema)

    def t(self, name):
        return self.catalog.load_table(f"shop.{name}")

    def append(self, name, rows):
        t = self.t(name)
        t.append(pa.Table.from_pylist(rows, schema=t.schema().as_arrow()))

    def snapshot(self, name):
        return self.t(name).current_snapshot().snapshot_id

    def fill(self):
        self.append("users", USERS_ROWS)
        self.append("products", PRODUCTS_ROWS)
        self.append("purchases", PURCHASES_ROWS)


class Service:
    """A running `icegraph serve`; the bound port is read from its first stdout line."""

    def __init__(self, config: Path, tmp: Path, *extra: str, env=None, host="127.0.0.1"):
        self.log_path = tmp / f"serve-{time.monotonic_ns()}.log"
        self.log = open(self.log_path, "wb")
        full_env = dict(os.environ, **(env or {}))
        self.proc = subprocess.Popen([icegraph_bin(), "serve", "--config", str(config), "--host", host, "--port", "0",
                                      *extra], stdout=subprocess.PIPE, stderr=self.log, env=full_env)
        line = b""
        deadline = time.monotonic() + 30
        while not line.endswith(b"\n"):
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"icegraph serve did not start: {self.log_path.read_text()}")
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                ch = os.read(self.proc.stdout.fileno(), 1)
                if not ch:
                    self.stop()
                    raise RuntimeError(f"icegraph serve exited {self.proc.returncode}: {self.log_path.read_text()}")
                line += ch
        text = line.decode().strip()
        assert text.startswith("icegraph serve listening on http://"), text
        self.url = text.rsplit(" ", 1)[1]
        self.port = int(self.url.rsplit(":", 1)[1])

    def get(self, path, token=TOKEN, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.get(self.url + path, headers=headers, timeout=120, **kw)

    def post(self, path, token=TOKEN, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.post(self.url + path, headers=headers, timeout=120, **kw)

    def wait_job(self, job_id, timeout=120):
        """Polls GET /api/v1/syncs/{id} until the job finished; returns the job."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.get(f"/api/v1/syncs/{job_id}")
            assert r.status_code == 200, r.text
            job = r.json()
            if job["status"] in ("succeeded", "failed"):
                return job
            if time.monotonic() > deadline:
                raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s")
            time.sleep(0.05)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()


def service_block(token="${TEST_SERVICE_TOKEN}", sync_wait_s=60, page_limit_max=50, cors=None, auth_reads=True):
    lines = ["service:"]
    if token is not None:
        lines.append(f'  token: "{token}"')
    lines.append(f"  sync_wait_s: {sync_wait_s}")
    lines.append(f"  page_limit_max: {page_limit_max}")
    lines.append(f"  auth_reads: {'true' if auth_reads else 'false'}")
    if cors:
        lines.append("  cors_origins: [" + ", ".join(f'"{o}"' for o in cors) + "]")
    return "\n".join(lines)


@pytest.fixture
def shop(tmp_path):
    return Shop(tmp_path)


@pytest.fixture
def make_service(tmp_path, emulator, shop):
    """make_service(**service_block kwargs) → a started Service on `emulator` (schema applied), stopped at the end."""
    started = []

    def make(emu=None, extra=(), env=None, name="icegraph.yaml", **service_kw):
        emu = emu or emulator
        config = write_config(tmp_path / name, CONFIG.format(
            wh=shop.wh, url=emu.url, state=tmp_path / "state.db", service=service_block(**service_kw)))
        full_env = dict({"TEST_SERVICE_TOKEN": TOKEN}, **(env or {}))
        run_icegraph("schema", "--apply", config=config, env=dict(os.environ, **full_env))
        svc = Service(config, tmp_path, *extra, env=full_env)
        svc.config = config
        started.append(svc)
        return svc

    yield make
    for svc in started:
        svc.stop()


@pytest.fixture
def svc(shop, make_service):
    """A service over a filled warehouse and a synced-nothing-yet graph."""
    shop.fill()
    return make_service()


def read_vertices(emu, vtype):
    """{v_id: attributes without the primary-id attribute} read directly through the emulator's REST++."""
    return {vid: {k: v for k, v in a.items() if k != "id"} for vid, a in GraphReader(emu, "shop").vertices(vtype).items()}


def read_edges(emu):
    out = []
    for e in GraphReader(emu, "shop").edges("User", "PURCHASED"):
        out.append(e)
    return out


def sync_with_delete_and_bad_row(svc, shop):
    """Run 1: a full sync of the filled shop. Run 2: incremental, after purchase x003 (u03 → p3) was deleted and a
    user without an id (null_id) and a purchase with an empty product id (empty_id) were appended. Returns the runs
    as GET /api/v1/runs lists them, oldest first."""
    from pyiceberg.expressions import EqualTo

    assert svc.get("/api/sync/batch/").status_code == 200
    shop.t("purchases").delete(EqualTo("purchase_id", "x003"))
    shop.append("users", [dict(user(95), user_id=None)])
    shop.append("purchases", [dict(purchase(96, 4, 1), product_id="")])
    r = svc.post("/api/v1/syncs", json={"mode": "incremental"})
    assert r.status_code == 202, r.text
    job = svc.wait_job(r.json()["id"])
    assert job["status"] == "succeeded", job
    runs = svc.get("/api/v1/runs").json()["runs"]
    assert [x["run_id"] for x in runs] == [2, 1]
    return runs[::-1]
