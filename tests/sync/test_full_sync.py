"""Full sync end to end: Iceberg tables written by pyiceberg → icegraph.yaml → the emulator, through both sink paths.

The expected graph is computed here, independently of icegraph, from pyiceberg's read of the tables and the type
matrix of docs/schema.md; the graph is read back through REST++ and compared attribute by attribute. Rows
that cannot be mapped must be exactly the dead letters."""
import datetime
import decimal
import math
import uuid

import pyarrow as pa
import pytest
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import (BinaryType, BooleanType, DateType, DecimalType, DoubleType, FixedType, FloatType,
                             IntegerType, ListType, LongType, MapType, NestedField, StringType, StructType, TimestampType,
                             TimestamptzType, TimeType, UUIDType)

from .conftest import GraphReader, dead_letters, run_icegraph, write_config

UTC = datetime.timezone.utc
NASTY = 'Doe, "Jane"\nsecond line\ttab; emoji 🎉 and ünïcödé'

PEOPLE = Schema(
    NestedField(1, "id", StringType()), NestedField(2, "name", StringType()), NestedField(3, "age", IntegerType()),
    NestedField(4, "big", LongType()), NestedField(5, "score", DoubleType()), NestedField(6, "ratio", FloatType()),
    NestedField(7, "active", BooleanType()), NestedField(8, "balance", DecimalType(9, 2)),
    NestedField(9, "wide", DecimalType(20, 4)), NestedField(10, "born", DateType()),
    NestedField(11, "wake", TimeType()), NestedField(12, "seen", TimestampType()),
    NestedField(13, "seen_tz", TimestamptzType()), NestedField(14, "uid", UUIDType()),
    NestedField(15, "raw", BinaryType()), NestedField(16, "code", FixedType(3)),
    NestedField(17, "tags", ListType(30, StringType(), element_required=False)),
    NestedField(18, "nums", ListType(31, LongType(), element_required=False)),
    NestedField(19, "attrs", MapType(32, StringType(), 33, IntegerType(), value_required=False)),
    NestedField(20, "address", StructType(NestedField(34, "city", StringType()), NestedField(35, "zip", IntegerType()))))
KNOWS = Schema(NestedField(1, "src", StringType()), NestedField(2, "dst", StringType()),
               NestedField(3, "since", TimestamptzType()), NestedField(4, "weight", DoubleType()))

COLUMNS = [f.name for f in PEOPLE.fields]


def person(pid, **kw):
    row = {c: None for c in COLUMNS}
    row["id"] = pid
    row["address"] = {"city": "Paris", "zip": 75001}  # every row feeds City too
    row.update(kw)
    return row


FULL = dict(name=NASTY, age=-42, big=2**62, score=1 / 3, ratio=0.5, active=True, balance=decimal.Decimal("1234567.89"),
            wide=decimal.Decimal("1234567890123456.7891"), born=datetime.date(2024, 2, 29),
            wake=datetime.time(6, 30, 15, 250000), seen=datetime.datetime(2026, 1, 20, 10, 0, 59, 999999),
            seen_tz=datetime.datetime(2026, 1, 20, 10, 0, 1, 500000, tzinfo=UTC),
            uid=uuid.UUID("12345678-9abc-def0-1234-56789abcdef0").bytes, raw=b"\x00\xffA", code=b"abc",
            tags=["a,b", "c\"d", ""], nums=[1, -2, 3], attrs=[("k1", 1), ("k,2", 2)],
            address={"city": "Paris", "zip": 75001})

GOOD = [
    person("p1", **FULL),
    person("p2", address={"city": "Lyon", "zip": 69001}),  # every other attribute null: left out
    person("p3", name="", age=7, address={"city": "Paris", "zip": 75001}),  # an empty string is a value
    person("p4", name="unit\x1fsep and record\x1esep", age=2**31 - 1, big=0, score=-0.0, active=False),
    person("p1dup", name="first", age=1),
    person("p1dup", name="second", age=2),  # the later row of a key wins
]
BAD = [  # (row, reason_code)
    (person(None, name="no id"), "null_id"),
    (person("", name="empty id"), "empty_id"),
    (person("bad_uint", big=-5), "out_of_range"),
    (person("bad_date", born=datetime.date(1000, 1, 1)), "out_of_range"),
    (person("bad_nan", score=float("nan")), "out_of_range"),
]
EDGES = [
    {"src": "p1", "dst": "p2", "since": datetime.datetime(2025, 1, 1, tzinfo=UTC), "weight": 0.5},
    {"src": "p1", "dst": "p2", "since": datetime.datetime(2025, 6, 1, tzinfo=UTC), "weight": 1.5},  # discriminated
    {"src": "p2", "dst": "p3", "since": datetime.datetime(2025, 2, 2, 2, 2, 2, tzinfo=UTC), "weight": None},
]
BAD_EDGES = [({"src": "p3", "dst": None, "since": datetime.datetime(2025, 1, 1, tzinfo=UTC), "weight": 1.0},
              "null_id")]

CONFIG = """
catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["{url}"], graph: lab, username: tigergraph, password: "${{LAB_TG_PASSWORD}}", concurrency: 3}}
state: {{url: "sqlite:///{state}"}}
sink: {{mode: {mode}, bulk_threshold_rows: 1}}
mappings:
  - table: lab.people
    vertices:
      - type: Person
        id: id
        attributes:
          name: name
          age: age
          big: {{expr: big, type: UINT}}
          score: score
          ratio: ratio
          active: active
          balance: balance
          wide: wide
          born: born
          wake: wake
          seen: seen
          seen_tz: seen_tz
          uid: uid
          raw: raw
          code: code
          tags: tags
          nums: nums
          attrs: attrs
          city: address.city
          shout: "upper(name)"
      - type: City
        id: address.city
        attributes: {{zip: address.zip}}
  - table: lab.knows
    edges:
      - type: KNOWS
        from: {{type: Person, id: src}}
        to: {{type: Person, id: dst}}
        attributes: {{since: since, weight: weight}}
        discriminator: [since]
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    wh = tmp_path_factory.mktemp("lab")
    catalog = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
    catalog.create_namespace("lab")
    people = catalog.create_table("lab.people", schema=PEOPLE)
    rows = GOOD + [r for r, _ in BAD]
    people.append(pa.Table.from_pylist(rows, schema=people.schema().as_arrow()))
    knows = catalog.create_table("lab.knows", schema=KNOWS)
    knows.append(pa.Table.from_pylist(EDGES + [r for r, _ in BAD_EDGES], schema=knows.schema().as_arrow()))
    return {"wh": wh, "people": people, "knows": knows}


# --- the oracle: TigerGraph values from pyiceberg's rows, per docs/schema.md's type matrix --------------------------
DEFAULTS = {"name": "", "age": 0, "big": 0, "score": 0.0, "ratio": 0.0, "active": False, "balance": 0.0, "wide": "",
            "born": "1970-01-01 00:00:00", "wake": "", "seen": "1970-01-01 00:00:00",
            "seen_tz": "1970-01-01 00:00:00", "uid": "", "raw": "", "code": "", "tags": [], "nums": [], "attrs": {},
            "city": "", "shout": ""}


def dt(v):
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(UTC).replace(tzinfo=None)
        return v.replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S")
    return datetime.datetime(v.year, v.month, v.day).strftime("%Y-%m-%d %H:%M:%S")


def tg_person(row):
    conv = {
        "name": lambda v: v, "age": int, "big": int, "score": float, "ratio": float, "active": bool,
        "balance": float, "wide": str, "born": dt, "seen": dt, "seen_tz": dt,
        "wake": lambda t: t.strftime("%H:%M:%S") + (f".{t.microsecond:06d}" if t.microsecond else ""),
        "uid": lambda b: str(b if isinstance(b, uuid.UUID) else uuid.UUID(bytes=b)),
        "raw": lambda b: b.hex(), "code": lambda b: b.hex(),
        "tags": list, "nums": list, "attrs": lambda kv: dict(kv),
    }
    out = dict(DEFAULTS)
    for col, f in conv.items():
        if row[col] is not None:
            out[col] = f(row[col])
    if row["address"] is not None:
        out["city"] = row["address"]["city"]
    if row["name"] is not None:
        out["shout"] = row["name"].upper()
    return out


def expected_graph(lab):
    people = lab["people"].scan().to_arrow().to_pylist()
    vertices, cities = {}, {}
    for row in people:  # file order: the later row of a key wins
        if row["address"] is not None:
            cities[row["address"]["city"]] = {"zip": row["address"]["zip"]}
        if not row["id"] or (row["big"] is not None and row["big"] < 0) or \
                (row["born"] is not None and row["born"].year < 1582) or \
                (row["score"] is not None and math.isnan(row["score"])):
            continue
        vertices[row["id"]] = tg_person(row)
    edges = {}
    for row in lab["knows"].scan().to_arrow().to_pylist():
        if not row["src"] or not row["dst"]:
            continue
        edges[(row["src"], row["dst"], dt(row["since"]))] = {"since": dt(row["since"]),
                                                             "weight": 0.0 if row["weight"] is None else row["weight"]}
    return vertices, cities, edges


def normalise_attrs(attrs):
    out = dict(attrs)
    out.pop("id", None)
    for k in ("ratio", "score", "balance", "weight"):
        if k in out and isinstance(out[k], float):
            out[k] = round(out[k], 6)
    return out


@pytest.mark.parametrize("mode", ["bulk", "upsert"])
def test_full_sync_gives_the_exact_graph_and_dead_letters(lab, emulator, tmp_path, mode, monkeypatch):
    monkeypatch.setenv("LAB_TG_PASSWORD", emulator.password)
    config = write_config(tmp_path / "icegraph.yaml", CONFIG.format(wh=lab["wh"], url=emulator.url, mode=mode,
                                                                     state=tmp_path / "state.db"))
    run_icegraph("schema", "--apply", config=config)
    run_icegraph("check", config=config)
    out = run_icegraph("sync", "--full", config=config)
    assert "Person" in out.stdout and "KNOWS" in out.stdout

    want_v, want_cities, want_e = expected_graph(lab)
    g = GraphReader(emulator, "lab")
    got_v = g.vertices("Person")
    assert set(got_v) == set(want_v)
    for vid, attrs in want_v.items():
        assert normalise_attrs(got_v[vid]) == normalise_attrs(attrs), vid
    assert {k: normalise_attrs(v) for k, v in g.vertices("City").items()} == want_cities
    got_e = {(e["from_id"], e["to_id"], e["attributes"]["since"]): normalise_attrs(e["attributes"])
             for e in g.edges("Person", "KNOWS")}
    assert got_e == {k: normalise_attrs(v) for k, v in want_e.items()}

    letters = dead_letters(config)
    got = sorted((d["source_table"], d["row_key"], d["reason_code"]) for d in letters)
    want = sorted([("lab.people", r["id"] or "", code) for r, code in BAD] +
                  [("lab.knows", "p3->", code) for _, code in BAD_EDGES])
    assert got == want
    assert all(d["row_json"] and d["message"] and d["mapping"] for d in letters)
