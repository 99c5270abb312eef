"""Incremental sync end to end, what the scenario files (tests/sync/scenarios/, run by test_scenarios.py) do not
say: the `sync --json` report's modes and per-type deleted counts, `status` snapshots behind, and `on_gap: fail`
refusing a rollback. An e-commerce warehouse written by pyiceberg (users → vertex User, products → vertex Product,
purchases → discriminated edge PURCHASED User→Product); after every step the WHOLE graph read back through REST++
must equal an oracle computed here from pyiceberg's read of the tables: a full reload's graph (an edge whose
endpoint has no row creates that endpoint with default attributes). The graph-changing cases that used to live here
(appends, delete by filter, multi-edges, overwrite, upsert, rollback with resync) are scenario files now
(shop_*.yaml), checked against the exactness invariant; the non-owning case became type_fed_by_two_tables.yaml."""
import datetime
import json

import pyarrow as pa
import pytest
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import In
from pyiceberg.schema import Schema
from pyiceberg.types import DoubleType, IntegerType, NestedField, StringType, TimestamptzType

from .conftest import GraphReader, run_icegraph, write_config

UTC = datetime.timezone.utc

USERS = Schema(NestedField(1, "user_id", StringType()), NestedField(2, "name", StringType()),
               NestedField(3, "age", IntegerType()))
PRODUCTS = Schema(NestedField(1, "product_id", StringType()), NestedField(2, "title", StringType()),
                  NestedField(3, "price", DoubleType()))
PURCHASES = Schema(NestedField(1, "purchase_id", StringType()), NestedField(2, "user_id", StringType()),
                   NestedField(3, "product_id", StringType()), NestedField(4, "amount", DoubleType()),
                   NestedField(5, "at", TimestamptzType()))

CONFIG = """
catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["{url}"], graph: shop, username: tigergraph, password: tigergraph}}
state: {{url: "sqlite:///{state}"}}
sink: {{mode: {mode}, bulk_threshold_rows: 1}}
sync: {{on_gap: {on_gap}}}
mappings:
  - table: shop.users
    vertices:
      - type: User
        id: user_id
        attributes: {{name: name, age: age}}
  - table: shop.products
    vertices:
      - type: Product
        id: product_id
        attributes: {{title: title, price: price}}
  - table: shop.purchases
    edges:
      - type: PURCHASED
        from: {{type: User, id: user_id}}
        to: {{type: Product, id: product_id}}
        attributes: {{purchase_id: purchase_id, amount: amount, at: at}}
        discriminator: [purchase_id]
"""


def ts(i):
    return datetime.datetime(2025, 1, 1, tzinfo=UTC) + datetime.timedelta(hours=i, seconds=i % 7)


def user(i, age=None, name=None):
    return {"user_id": f"u{i:02d}", "name": name if name is not None else f"User {i}",
            "age": age if age is not None else 10 + 3 * i}


def product(i):
    return {"product_id": f"p{i}", "title": f"Product {i}", "price": 1.25 * (i + 1)}


def purchase(pid, u, p, amount):
    return {"purchase_id": pid, "user_id": f"u{u:02d}", "product_id": f"p{p}", "amount": amount, "at": ts(int(pid[1:]))}


# Users u00..u19 have ages 10, 13, ..., 67: u00..u03 are under 20, u17..u19 are 61, 64, 67. u18 has no purchase.
FIRST_USERS = [user(i) for i in range(20)]
FIRST_PRODUCTS = [product(i) for i in range(5)]
FIRST_PURCHASES = [purchase(f"x{n:03d}", u, p, round(1.5 * n + 0.25, 2))
                   for n, (u, p) in enumerate((u, (u * 7 + k) % 5) for u in range(20) if u != 18 for k in range(2))]
FIRST_PURCHASES += [purchase("x900", 5, 1, 11.5), purchase("x901", 5, 1, 22.5),  # two purchases of one pair
                    purchase("x902", 0, 1, 3.0), purchase("x903", 0, 1, 4.0)]    # and u00's pair
MORE_USERS = [user(20, age=30), user(21, age=45), user(22, age=19)]


class Shop:
    def __init__(self, tmp_path):
        self.wh = tmp_path / "wh"
        self.wh.mkdir()
        self.catalog = SqlCatalog("default", uri=f"sqlite:///{self.wh}/catalog.db", warehouse=f"file://{self.wh}")
        self.catalog.create_namespace("shop")
        for name, schema in (("users", USERS), ("products", PRODUCTS), ("purchases", PURCHASES)):
            self.catalog.create_table(f"shop.{name}", schema=schema)

    def t(self, name):
        return self.catalog.load_table(f"shop.{name}")

    def arrow(self, name, rows):
        return pa.Table.from_pylist(rows, schema=self.t(name).schema().as_arrow())

    def append(self, name, rows):
        self.t(name).append(self.arrow(name, rows))

    def rows(self, name):
        return self.t(name).scan().to_arrow().to_pylist()

    def expected(self):
        """(users, products, edges) a full reload of the tables as pyiceberg reads them now gives."""
        users = {r["user_id"]: {"name": r["name"], "age": r["age"]} for r in self.rows("users")}
        products = {r["product_id"]: {"title": r["title"], "price": round(r["price"], 6)}
                    for r in self.rows("products")}
        edges = {}
        for r in self.rows("purchases"):
            users.setdefault(r["user_id"], {"name": "", "age": 0})  # TigerGraph creates a missing endpoint
            products.setdefault(r["product_id"], {"title": "", "price": 0.0})
            edges[(r["user_id"], r["product_id"], r["purchase_id"])] = {
                "purchase_id": r["purchase_id"], "amount": round(r["amount"], 6), "at": dt(r["at"])}
        return users, products, edges


def dt(v):
    return v.astimezone(UTC).replace(tzinfo=None, microsecond=0).strftime("%Y-%m-%d %H:%M:%S")


def norm(attrs):
    out = {k: v for k, v in attrs.items() if k != "id"}
    for k in ("price", "amount"):
        if isinstance(out.get(k), float):
            out[k] = round(out[k], 6)
    return out


def read_graph(emu):
    g = GraphReader(emu, "shop")
    users = {k: norm(v) for k, v in g.vertices("User").items()}
    products = {k: norm(v) for k, v in g.vertices("Product").items()}
    edges = {}
    for e in g.edges("User", "PURCHASED"):
        key = (e["from_id"], e["to_id"], e["attributes"]["purchase_id"])
        assert key not in edges, f"edge {key} read twice"
        assert e["to_type"] == "Product", e
        edges[key] = norm(e["attributes"])
    return users, products, edges


def assert_graph(emu, shop, step):
    want_u, want_p, want_e = shop.expected()
    got_u, got_p, got_e = read_graph(emu)
    assert got_u == want_u, f"{step}: User vertices differ: missing {sorted(set(want_u) - set(got_u))}, extra " \
                            f"{sorted(set(got_u) - set(want_u))}, changed " \
                            f"{[(k, got_u[k], want_u[k]) for k in set(got_u) & set(want_u) if got_u[k] != want_u[k]]}"
    assert got_p == want_p, f"{step}: Product vertices differ"
    assert got_e == want_e, f"{step}: PURCHASED edges differ: missing {sorted(set(want_e) - set(got_e))}, extra " \
                            f"{sorted(set(got_e) - set(want_e))}, changed " \
                            f"{[(k, got_e[k], want_e[k]) for k in set(got_e) & set(want_e) if got_e[k] != want_e[k]]}"
    return want_u, want_p, want_e


def setup(shop, emu, tmp_path, mode="bulk", on_gap="resync"):
    config = write_config(tmp_path / "icegraph.yaml", CONFIG.format(
        wh=shop.wh, url=emu.url, state=tmp_path / "state.db", mode=mode, on_gap=on_gap))
    run_icegraph("schema", "--apply", config=config)
    return config


def sync(config, check=True):
    out = run_icegraph("sync", "--json", config=config, check=check)
    if not check:
        return out
    report = json.loads(out.stdout)
    assert report["outcome"] == "succeeded", report
    return report


def modes(report):
    return {t["table"]: t["mode"] for t in report["tables"]}


def status(config):
    out = json.loads(run_icegraph("status", "--json", config=config).stdout)
    tables = out["tables"] if isinstance(out, dict) else out
    return {t["table"]: t for t in tables}


def first_load(shop, config, emu):
    shop.append("users", FIRST_USERS)
    shop.append("products", FIRST_PRODUCTS)
    shop.append("purchases", FIRST_PURCHASES)
    report = sync(config)
    assert set(modes(report).values()) <= {"full"}, report  # no checkpoint yet: read in full
    assert_graph(emu, shop, "first load")


def test_run_json_reports_mode_and_deleted_per_type(emulator, tmp_path):
    shop = Shop(tmp_path)
    config = setup(shop, emulator, tmp_path)
    first_load(shop, config, emulator)
    young = ["u00", "u01", "u02", "u03"]  # age < 20; their purchases go first, so nothing names them any more
    shop.t("purchases").delete(In("user_id", young))
    sync(config)
    assert_graph(emulator, shop, "delete the purchases of u00..u03")
    shop.t("users").delete("age < 20")  # u00..u03: 4 User vertices
    report = sync(config)
    assert modes(report) == {"shop.users": "incremental", "shop.products": "unchanged",
                             "shop.purchases": "unchanged"}, report
    assert_graph(emulator, shop, "delete age < 20")
    assert report["types"].get("User", {}).get("deleted") == 4, report["types"]
    shop.t("purchases").delete("purchase_id == 'x900' or purchase_id == 'x901'")  # u05→p1 twice
    report = sync(config)
    assert_graph(emulator, shop, "delete two purchases")
    assert report["types"].get("PURCHASED", {}).get("deleted") == 2, report["types"]
    assert report["types"].get("User", {}).get("deleted", 0) == 0, report["types"]


def test_status_counts_snapshots_behind(emulator, tmp_path):
    shop = Shop(tmp_path)
    config = setup(shop, emulator, tmp_path)
    first_load(shop, config, emulator)
    st = status(config)
    assert {t: s["snapshots_behind"] for t, s in st.items()} == {"shop.users": 0, "shop.products": 0,
                                                                 "shop.purchases": 0}
    for t in st:
        assert st[t]["checkpoint_snapshot_id"] == st[t]["current_snapshot_id"] == shop.t(t[5:]).metadata.current_snapshot_id
    for i in range(3):
        shop.append("users", [user(40 + i, age=40)])
    shop.append("purchases", [purchase("x700", 4, 4, 1.0)])
    st = status(config)
    assert {t: s["snapshots_behind"] for t, s in st.items()} == {"shop.users": 3, "shop.products": 0,
                                                                 "shop.purchases": 1}
    assert st["shop.users"]["checkpoint_snapshot_id"] != st["shop.users"]["current_snapshot_id"]
    report = sync(config)
    assert {t["table"]: t["snapshots_applied"] for t in report["tables"]}["shop.users"] == 3, report
    assert_graph(emulator, shop, "three appends")
    assert all(s["snapshots_behind"] == 0 for s in status(config).values())


def rollback_setup(emulator, tmp_path, on_gap):
    shop = Shop(tmp_path)
    config = setup(shop, emulator, tmp_path, on_gap=on_gap)
    first_load(shop, config, emulator)
    return shop, config


def test_rollback_with_on_gap_fail_refuses_and_keeps_the_checkpoint(emulator, tmp_path):
    shop, config = rollback_setup(emulator, tmp_path, "fail")
    good = shop.t("users").metadata.current_snapshot_id
    shop.append("users", MORE_USERS)
    sync(config)
    ahead = shop.t("users").metadata.current_snapshot_id
    before = read_graph(emulator)
    shop.t("users").manage_snapshots().rollback_to_snapshot(good).commit()
    out = sync(config, check=False)
    assert out.returncode != 0, out.stdout
    text = out.stdout + out.stderr
    assert "shop.users" in text and str(ahead) in text and "on_gap" in text, text
    st = status(config)["shop.users"]
    assert st["checkpoint_snapshot_id"] == ahead and st["current_snapshot_id"] == good, st
    assert st.get("gap"), st  # status names the gap too
    assert read_graph(emulator) == before  # nothing written
    # A full sync is the way out, as the message says.
    run_icegraph("sync", "--full", config=config)
    assert status(config)["shop.users"]["checkpoint_snapshot_id"] == good
