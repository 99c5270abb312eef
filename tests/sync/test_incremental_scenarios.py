"""Incremental sync end to end: an e-commerce warehouse written by pyiceberg (users → vertex User, products → vertex
Product, purchases → discriminated edge PURCHASED User→Product) changed step by step (appends, delete by filter,
overwrite by filter, upsert, deleting one edge of a multi-edge pair, a second non-owning source of User, rollback),
each step followed by `icegraph sync` (never --full). After every step the WHOLE graph read back through REST++ must
equal an oracle computed here from pyiceberg's read of the tables at that moment.

The oracle follows TigerGraph's semantics: the vertices are the rows of the tables that feed them (plus ids only
ever written by a non-owning mapping, which never deletes), and an edge whose endpoint vertex was deleted is gone
with it (deleting a vertex removes its edges) even while its purchase row remains."""
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
LEGACY = Schema(NestedField(1, "user_id", StringType()), NestedField(2, "source", StringType()))

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
        attributes: {{name: name, age: age}}{users_owner}
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
{legacy}"""

LEGACY_MAPPING = """  - table: shop.legacy_users
    vertices:
      - type: User
        id: user_id
        owner: false
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
                    purchase("x902", 0, 1, 3.0), purchase("x903", 0, 1, 4.0)]    # u00's pair goes with u00
MORE_USERS = [user(20, age=30), user(21, age=45), user(22, age=19)]
MORE_PRODUCTS = [product(5)]
MORE_PURCHASES = [purchase("x500", 20, 5, 9.99), purchase("x501", 21, 5, 19.99), purchase("x502", 21, 5, 29.99),
                  purchase("x503", 22, 0, 1.0), purchase("x504", 4, 5, 2.0)]


class Shop:
    def __init__(self, tmp_path, with_legacy=False):
        self.wh = tmp_path / "wh"
        self.wh.mkdir()
        self.catalog = SqlCatalog("default", uri=f"sqlite:///{self.wh}/catalog.db", warehouse=f"file://{self.wh}")
        self.catalog.create_namespace("shop")
        for name, schema in (("users", USERS), ("products", PRODUCTS), ("purchases", PURCHASES)):
            self.catalog.create_table(f"shop.{name}", schema=schema)
        self.with_legacy = with_legacy
        if with_legacy:
            self.catalog.create_table("shop.legacy_users", schema=LEGACY)
        self.sticky = set()  # User ids written by the non-owning legacy mapping: never deleted by it

    def t(self, name):
        return self.catalog.load_table(f"shop.{name}")

    def arrow(self, name, rows):
        return pa.Table.from_pylist(rows, schema=self.t(name).schema().as_arrow())

    def append(self, name, rows):
        self.t(name).append(self.arrow(name, rows))
        if name == "legacy_users":
            self.sticky |= {r["user_id"] for r in rows}

    def rows(self, name):
        return self.t(name).scan().to_arrow().to_pylist()

    def expected(self):
        """(users, products, edges) the graph must hold, from pyiceberg's read of the tables now."""
        users = {}
        for uid in self.sticky:  # a vertex written with its id only: the type's defaults
            users[uid] = {"name": "", "age": 0}
        for r in self.rows("users"):
            users[r["user_id"]] = {"name": r["name"], "age": r["age"]}
        products = {r["product_id"]: {"title": r["title"], "price": round(r["price"], 6)}
                    for r in self.rows("products")}
        edges = {}
        for r in self.rows("purchases"):
            if r["user_id"] in users and r["product_id"] in products:
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


def setup(shop, emu, tmp_path, mode="bulk", on_gap="resync", users_owner=""):
    config = write_config(tmp_path / "icegraph.yaml", CONFIG.format(
        wh=shop.wh, url=emu.url, state=tmp_path / "state.db", mode=mode, on_gap=on_gap,
        users_owner=users_owner, legacy=LEGACY_MAPPING if shop.with_legacy else ""))
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


@pytest.mark.parametrize("mode", ["bulk", "upsert"])
def test_incremental_steps_keep_the_graph_equal_to_the_tables(emulator, tmp_path, mode):
    shop = Shop(tmp_path)
    config = setup(shop, emulator, tmp_path, mode=mode)
    first_load(shop, config, emulator)

    # Append more: new users, a new product, new purchases (one pair twice).
    shop.append("users", MORE_USERS)
    shop.append("products", MORE_PRODUCTS)
    shop.append("purchases", MORE_PURCHASES)
    report = sync(config)
    assert modes(report) == {"shop.users": "incremental", "shop.products": "incremental",
                             "shop.purchases": "incremental"}, report
    u, _, e = assert_graph(emulator, shop, "append more")
    assert len(u) == 23 and ("u21", "p5", "x501") in e and ("u21", "p5", "x502") in e

    # Delete by filter: users under 20 (u00..u03, u22) go, and their edges with them, though their purchases remain.
    young = sorted(r["user_id"] for r in shop.rows("users") if r["age"] < 20)
    assert young == ["u00", "u01", "u02", "u03", "u22"]
    shop.t("users").delete("age < 20")
    report = sync(config)
    assert modes(report)["shop.users"] == "incremental" and modes(report)["shop.purchases"] == "unchanged", report
    u, _, e = assert_graph(emulator, shop, "delete age < 20")
    assert not set(young) & set(u) and not any(k[0] in young for k in e)
    orphaned = [r["purchase_id"] for r in shop.rows("purchases") if r["user_id"] in young]
    assert len(orphaned) >= 10

    # The purchases of those users are deleted too: deleting edges that are already gone changes nothing.
    shop.t("purchases").delete(In("user_id", young))
    sync(config)
    assert_graph(emulator, shop, "delete purchases of deleted users")

    # One purchase of a pair that has two: that edge goes, the other edge between the same vertices stays.
    shop.t("purchases").delete("purchase_id == 'x900'")
    report = sync(config)
    assert modes(report)["shop.purchases"] == "incremental", report
    u, _, e = assert_graph(emulator, shop, "delete one of a multi-edge pair")
    assert ("u05", "p1", "x900") not in e and ("u05", "p1", "x901") in e and "u05" in u

    # Nothing new: nothing changes.
    report = sync(config)
    assert set(modes(report).values()) == {"unchanged"}, report
    assert_graph(emulator, shop, "no change")
    assert all(s["snapshots_behind"] == 0 for s in status(config).values())


def _after_append_more(emulator, tmp_path, mode):
    shop = Shop(tmp_path)
    config = setup(shop, emulator, tmp_path, mode=mode)
    first_load(shop, config, emulator)
    shop.append("users", MORE_USERS)
    shop.append("products", MORE_PRODUCTS)
    shop.append("purchases", MORE_PURCHASES)
    sync(config)
    assert_graph(emulator, shop, "append more")
    return shop, config


@pytest.mark.parametrize("mode", ["bulk", "upsert"])
def test_overwrite_by_filter(emulator, tmp_path, mode):
    """pyiceberg's overwrite commits two snapshots: an overwrite that rewrites the matching rows away, then an append
    of the new rows. A user re-written by the append is an update: it keeps its attributes' new values AND its
    PURCHASED edges (its purchases never left shop.purchases)."""
    shop, config = _after_append_more(emulator, tmp_path, mode)
    # Overwrite by filter: the users aged 60 and over (u17, u18, u19) are replaced: u17 changes, u18 goes, u19 stays,
    # u30 is new.
    assert sorted(r["user_id"] for r in shop.rows("users") if r["age"] >= 60) == ["u17", "u18", "u19"]
    users = shop.t("users")
    users.overwrite(shop.arrow("users", [user(17, age=62, name="Seventeen"), user(19), user(30, age=70)]),
                    overwrite_filter="age >= 60")
    report = sync(config)
    assert modes(report)["shop.users"] == "incremental", report
    u, _, e = assert_graph(emulator, shop, "overwrite age >= 60")
    assert "u18" not in u and u["u17"] == {"name": "Seventeen", "age": 62} and "u30" in u
    assert any(k[0] == "u17" for k in e) and any(k[0] == "u19" for k in e)  # surviving users keep their edges


@pytest.mark.parametrize("mode", ["bulk", "upsert"])
def test_upsert(emulator, tmp_path, mode):
    """pyiceberg's upsert commits an overwrite of the matched rows plus appends: changed users keep their edges."""
    shop, config = _after_append_more(emulator, tmp_path, mode)
    # Upsert: changed attributes of existing users and purchases, new rows; unchanged rows of rewritten files stay.
    shop.t("users").upsert(shop.arrow("users", [user(5, age=99, name="Five (renamed)"), user(10, age=11),
                                                user(31, age=31)]), join_cols=["user_id"])
    # x501 is one of the two purchases of u21→p5 (written by the second append, in its own file: the file holding
    # u05's and u10's purchases is not rewritten, so nothing re-sends their edges).
    shop.t("purchases").upsert(shop.arrow("purchases", [purchase("x501", 21, 5, 199.99), purchase("x600", 31, 2, 5.5)]),
                               join_cols=["purchase_id"])
    report = sync(config)
    assert modes(report)["shop.users"] == "incremental" and modes(report)["shop.purchases"] == "incremental", report
    u, _, e = assert_graph(emulator, shop, "upsert")
    assert u["u05"] == {"name": "Five (renamed)", "age": 99} and u["u10"]["age"] == 11
    assert e[("u21", "p5", "x501")]["amount"] == 199.99 and e[("u21", "p5", "x502")]["amount"] == 29.99
    assert e[("u05", "p1", "x900")]["amount"] == 11.5 and ("u31", "p2", "x600") in e


def test_run_json_reports_mode_and_deleted_per_type(emulator, tmp_path):
    shop = Shop(tmp_path)
    config = setup(shop, emulator, tmp_path)
    first_load(shop, config, emulator)
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


def test_non_owning_mapping_never_deletes(emulator, tmp_path):
    """User is fed by shop.users (owner: true) and shop.legacy_users (owner: false): deleting legacy rows leaves
    every User vertex (and its edges) in place, whether shop.users still has it or not."""
    shop = Shop(tmp_path, with_legacy=True)
    config = setup(shop, emulator, tmp_path, users_owner="\n        owner: true")
    shop.append("legacy_users", [{"user_id": "u05", "source": "crm"}, {"user_id": "u06", "source": "crm"},
                                 {"user_id": "u80", "source": "crm"}, {"user_id": "u81", "source": "crm"}])
    first_load(shop, config, emulator)
    u, _, _ = assert_graph(emulator, shop, "first load with legacy")
    assert {"u80", "u81", "u05"} <= set(u)

    shop.t("legacy_users").delete(In("user_id", ["u05", "u80"]))  # u05 is still in users; u80 only ever in legacy
    report = sync(config)
    assert modes(report)["shop.legacy_users"] == "incremental", report
    u, _, e = assert_graph(emulator, shop, "legacy delete")
    assert "u05" in u and "u80" in u and ("u05", "p1", "x901") in e

    # The owning mapping still deletes: u07 leaves users and its vertex and edges go.
    shop.t("users").delete("user_id == 'u07'")
    sync(config)
    u, _, _ = assert_graph(emulator, shop, "owner delete")
    assert "u07" not in u


def rollback_setup(emulator, tmp_path, on_gap):
    shop = Shop(tmp_path)
    config = setup(shop, emulator, tmp_path, on_gap=on_gap)
    first_load(shop, config, emulator)
    return shop, config


@pytest.mark.parametrize("table", ["users", "purchases"])
def test_rollback_with_on_gap_resync_gives_the_rolled_back_table(emulator, tmp_path, table):
    shop, config = rollback_setup(emulator, tmp_path, "resync")
    good = shop.t(table).metadata.current_snapshot_id
    if table == "users":
        shop.append("users", MORE_USERS)
        shop.t("users").delete("user_id == 'u04'")
    else:
        shop.append("purchases", [purchase("x800", 4, 4, 8.0), purchase("x801", 4, 4, 8.5)])  # a new multi-edge
        shop.t("purchases").delete("purchase_id == 'x901'")
    sync(config)
    assert_graph(emulator, shop, f"{table} before rollback")
    shop.t(table).manage_snapshots().rollback_to_snapshot(good).commit()
    assert shop.t(table).metadata.current_snapshot_id == good
    report = sync(config)
    assert modes(report)[f"shop.{table}"] == "resync", report
    assert_graph(emulator, shop, f"{table} rolled back")
    st = status(config)[f"shop.{table}"]
    assert st["checkpoint_snapshot_id"] == good and st["snapshots_behind"] == 0 and "gap" not in st, st
    # And incremental sync goes on from there.
    shop.append(table, [user(50, age=50)] if table == "users" else [purchase("x850", 5, 2, 1.0)])
    report = sync(config)
    assert modes(report)[f"shop.{table}"] == "incremental", report
    assert_graph(emulator, shop, f"{table} append after rollback")


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
