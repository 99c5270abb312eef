"""Property test: every value the type matrix accepts round-trips exactly into TigerGraph through both sink paths
(CSV loading jobs with `sink.mode: bulk`, REST++ JSON upserts with `upsert`), and every value it refuses is a dead
letter with the documented reason.

Values come from hypothesis (derandomized, so every run draws the same ones), EXAMPLES per Iceberg type, including
its edge cases (NaN, ±inf, -0.0, subnormals, extremes, separators, quotes, newlines, 0x1E/0x1F, astral unicode, empty
strings, dates before 1582, leap days, pre-epoch sub-second timestamps, duplicate map keys...). They are written with
pyiceberg, synced, read back through REST++ and compared with values computed here from docs/schema.md's type matrix and
TigerGraph's display rules (INT exact; FLOAT/DOUBLE as `%.7g`/`%.16g` of the exact stored value; DATETIME to the
second, floored). tests/sync/test_full_sync.py covers the mapping features; this covers the value space."""
import datetime
import decimal
import json
import math
import struct
import uuid

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import (BinaryType, BooleanType, DateType, DecimalType, DoubleType, FixedType, FloatType,
                             IntegerType, ListType, LongType, MapType, NestedField, StringType, TimestampType,
                             TimestamptzType, TimeType, UUIDType)

from ..sync.conftest import GraphReader, run_icegraph, write_config

EXAMPLES = 200
UTC = datetime.timezone.utc
TG_MIN = datetime.datetime(1582, 10, 15)  # TigerGraph's DATETIME range (docs/schema.md, Types)
DEC_SMALL = (15, 6)   # p <= 15: DOUBLE
DEC_WIDE = (38, 10)   # p > 15: STRING

FIELDS = [  # (column, Iceberg type)
    ("c_int", IntegerType()), ("c_long", LongType()), ("c_float", FloatType()), ("c_double", DoubleType()),
    ("c_dec", DecimalType(*DEC_SMALL)), ("c_wide", DecimalType(*DEC_WIDE)), ("c_bool", BooleanType()),
    ("c_str", StringType()), ("c_date", DateType()), ("c_time", TimeType()), ("c_ts", TimestampType()),
    ("c_tstz", TimestamptzType()), ("c_uuid", UUIDType()), ("c_bin", BinaryType()), ("c_fixed", FixedType(5)),
    ("c_lstr", ListType(101, StringType(), element_required=False)),
    ("c_llong", ListType(102, LongType(), element_required=False)),
    ("c_ldouble", ListType(103, DoubleType(), element_required=False)),
    ("c_mstr", MapType(104, StringType(), 105, LongType(), value_required=False)),
    ("c_mlong", MapType(106, LongType(), 107, DoubleType(), value_required=False)),
]
SCHEMA = Schema(NestedField(1, "id", StringType()),
                *[NestedField(i + 2, name, t) for i, (name, t) in enumerate(FIELDS)])
COLUMNS = [name for name, _ in FIELDS]

# ---- value strategies: the full domain of each Iceberg type ----------------------------------------------------
text = st.text(st.characters(codec="utf-8"), max_size=20) | st.sampled_from(
    ["", " ", "\x1e", "\x1f", "a\x1fb\x1ec", "\n", "\r\n", '"', "'", ",", "\\", "\t", "\x00", "🎉", "ünï", "\u2028"])
doubles = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True) | st.sampled_from(
    [5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, -0.0, 0.1,
     1e16, 9007199254740993.0, 123456789012345680000.0, 1 / 3])
floats32 = st.floats(width=32, allow_nan=True, allow_infinity=True, allow_subnormal=True) | st.sampled_from(
    [1.401298464324817e-45, 3.4028234663852886e38, -3.4028234663852886e38, 16777217.0, 0.1])


def mostly(inside, outside):
    """Three draws in four from `inside`, so most values are checked in the graph rather than as dead letters."""
    return st.integers(0, 3).flatmap(lambda k: outside if k == 0 else inside)


timestamps = mostly(st.datetimes(min_value=TG_MIN, max_value=datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)),
                    st.datetimes(max_value=TG_MIN - datetime.timedelta(microseconds=1))) | st.sampled_from(
    [datetime.datetime(1582, 10, 14, 23, 59, 59, 999999), TG_MIN, datetime.datetime(1969, 12, 31, 23, 59, 59, 500000),
     datetime.datetime(2024, 2, 29, 12)])
dates = mostly(st.dates(min_value=TG_MIN.date()), st.dates(max_value=datetime.date(1582, 10, 14))) | st.sampled_from(
    [datetime.date(1582, 10, 14), TG_MIN.date(), datetime.date(2000, 2, 29), datetime.date(9999, 12, 31)])


def scaled(n, s):
    """n * 10**-s exactly (Decimal arithmetic would round to the context's 28 digits)."""
    return decimal.Decimal((int(n < 0), tuple(int(c) for c in str(abs(n))), -s))


def decimals(p, s):
    return st.integers(-(10 ** p - 1), 10 ** p - 1).map(lambda n: scaled(n, s))


def nullable(s):
    return st.none() | s


STRATEGIES = {
    "c_int": st.integers(-2 ** 31, 2 ** 31 - 1),
    "c_long": st.integers(-2 ** 63, 2 ** 63 - 1),
    "c_float": floats32,
    "c_double": doubles,
    "c_dec": decimals(*DEC_SMALL),
    "c_wide": decimals(*DEC_WIDE) | st.sampled_from([decimal.Decimal("0E-10"), decimal.Decimal("1E-10"),
                                                    decimal.Decimal("-0.0000001000"),
                                                    decimal.Decimal("1234567890123456789012345678.0000000001")]),
    "c_bool": st.booleans(),
    "c_str": text,
    "c_date": dates,
    "c_time": st.times(),
    "c_ts": timestamps,
    "c_tstz": st.builds(lambda d: d.replace(tzinfo=UTC), timestamps),
    "c_uuid": st.uuids().map(lambda u: u.bytes),
    "c_bin": st.binary(max_size=12),
    "c_fixed": st.binary(min_size=5, max_size=5),
    "c_lstr": st.lists(nullable(text), max_size=4),
    "c_llong": st.lists(nullable(st.integers(-2 ** 63, 2 ** 63 - 1)), max_size=4),
    "c_ldouble": st.lists(nullable(doubles), max_size=3),
    "c_mstr": st.lists(st.tuples(text, nullable(st.integers(-2 ** 63, 2 ** 63 - 1))), max_size=3),
    "c_mlong": st.lists(st.tuples(st.integers(-2 ** 63, 2 ** 63 - 1), nullable(doubles)), max_size=3),
}


def draw(column):
    """EXAMPLES values of one column, the same on every run (derandomized, no example database)."""
    out = []

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck), deadline=None)
    @given(STRATEGIES[column])
    def collect(v):
        out.append(v)

    collect()
    return out


# ---- the oracle: what TigerGraph shows for a value, from docs/schema.md's matrix -------------------------------
class Refused(Exception):
    """The matrix refuses the value: a dead letter with this reason code."""


def shown_floating(v, digits):
    """REST++ output of a FLOAT (7 digits) or DOUBLE (16 digits): %.{digits}g of the stored value; integral values
    print as integers; a value whose rounded text would overflow shows exactly."""
    if not math.isfinite(v):
        raise Refused("out_of_range")
    x = float(format(v, f".{digits}g"))
    if math.isinf(x):
        x = v
    return int(x) if x.is_integer() and abs(x) < 1e16 else x


def f32(v):
    return struct.unpack("<f", struct.pack("<f", v))[0]


def datetime_text(d):
    if isinstance(d, datetime.datetime):
        if d.tzinfo is not None:
            d = d.astimezone(UTC).replace(tzinfo=None)
        d = d.replace(microsecond=0)  # floored: the fraction is dropped
    else:
        d = datetime.datetime(d.year, d.month, d.day)
    if d < TG_MIN:
        raise Refused("out_of_range")
    return d.strftime("%Y-%m-%d %H:%M:%S")


def plain_decimal(d):
    """The exact decimal text with the column's scale, never scientific notation."""
    return format(d, "f")


def expected(column, v):
    """TigerGraph's value for a non-null Iceberg value of `column` (default mapping); raises Refused."""
    if column in ("c_int", "c_long"):
        return v
    if column == "c_float":
        return shown_floating(f32(v), 7)
    if column == "c_double":
        return shown_floating(v, 16)
    if column == "c_dec":
        return shown_floating(float(v), 16)
    if column == "c_wide":
        return plain_decimal(v)
    if column in ("c_bool", "c_str"):
        return v
    if column in ("c_date", "c_ts", "c_tstz"):
        return datetime_text(v)
    if column == "c_time":
        return v.strftime("%H:%M:%S") + (f".{v.microsecond:06d}" if v.microsecond else "")
    if column == "c_uuid":
        return str(v if isinstance(v, uuid.UUID) else uuid.UUID(bytes=v))
    if column in ("c_bin", "c_fixed"):
        return v.hex()
    if column == "c_lstr":
        return [e for e in v if e is not None]
    if column == "c_llong":
        return [e for e in v if e is not None]
    if column == "c_ldouble":
        return [shown_floating(e, 16) for e in v if e is not None]  # a NaN/inf element refuses the row
    if column == "c_mstr":
        return {k: x for k, x in v if x is not None}  # a repeated key keeps the later value
    if column == "c_mlong":
        return {str(k): shown_floating(x, 16) for k, x in v if x is not None}
    raise AssertionError(column)


DEFAULTS = {"c_int": 0, "c_long": 0, "c_float": 0, "c_double": 0, "c_dec": 0, "c_wide": "", "c_bool": False,
            "c_str": "", "c_date": "1970-01-01 00:00:00", "c_time": "", "c_ts": "1970-01-01 00:00:00",
            "c_tstz": "1970-01-01 00:00:00", "c_uuid": "", "c_bin": "", "c_fixed": "", "c_lstr": [], "c_llong": [],
            "c_ldouble": [], "c_mstr": {}, "c_mlong": {}}


def significant_digits(d):
    digits = d.as_tuple().digits
    s = "".join(map(str, digits)).strip("0")
    return len(s)


def expected_overrides(row):
    """Vertex type W: the same table through `type:` overrides (UINT, forced DOUBLE, SET)."""
    out = {"u": 0, "d": 0, "s": []}
    if row["c_long"] is not None:
        if row["c_long"] < 0:
            raise Refused("out_of_range")
        out["u"] = row["c_long"]
    if row["c_wide"] is not None:
        if significant_digits(row["c_wide"]) > 15:
            raise Refused("out_of_range")
        out["d"] = shown_floating(float(row["c_wide"]), 16)
    if row["c_lstr"] is not None:
        seen = []
        for e in row["c_lstr"]:
            if e is not None and e not in seen:  # a SET keeps the first occurrence
                seen.append(e)
        out["s"] = seen
    return out


CONFIG = """
catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["{url}"], graph: rt, username: tigergraph, password: tigergraph, concurrency: 2}}
state: {{url: "sqlite:///{state}"}}
sink: {{mode: {mode}, bulk_threshold_rows: 1}}
mappings:
  - table: rt.values
    vertices:
      - type: V
        id: id
        attributes: {{{attrs}}}
      - type: W
        id: id
        attributes:
          u: {{expr: c_long, type: UINT}}
          d: {{expr: c_wide, type: DOUBLE}}
          s: {{expr: c_lstr, type: "SET<STRING>"}}
"""


@pytest.fixture(scope="module")
def values(tmp_path_factory):
    """The drawn values laid out as rows: accepted values share rows r<i>; each refused value gets its own row, so a
    dead letter costs no other value its check."""
    drawn = {c: draw(c) for c in COLUMNS}
    rows, bad = [], []  # bad: (row, column, reason)
    good_cols = {c: [] for c in COLUMNS}
    for c, vs in drawn.items():
        for v in vs:
            if v is None:
                continue
            try:
                expected(c, v)
                good_cols[c].append(v)
            except Refused as r:
                bad.append((c, v, str(r)))
    n = max(len(v) for v in good_cols.values())
    for i in range(n):
        row = {"id": f"r{i}"}
        for c in COLUMNS:
            row[c] = good_cols[c][i] if i < len(good_cols[c]) else None
        rows.append(row)
    bad_rows = []
    for j, (c, v, reason) in enumerate(bad):
        row = {"id": f"bad{j}", **{k: None for k in COLUMNS}}
        row[c] = v
        bad_rows.append((row, reason))
    wh = tmp_path_factory.mktemp("roundtrip")
    catalog = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
    catalog.create_namespace("rt")
    table = catalog.create_table("rt.values", schema=SCHEMA)
    table.append(pa.Table.from_pylist(rows + [r for r, _ in bad_rows], schema=table.schema().as_arrow()))
    # The oracle reads what Iceberg holds (e.g. float32 rounding happened on write), not what was drawn.
    stored = table.scan().to_arrow().to_pylist()
    return {"wh": wh, "drawn": drawn, "rows": stored, "bad_ids": {r["id"] for r, _ in bad_rows}}


def test_every_type_draws_its_examples(values):
    counts = {c: len(v) for c, v in values["drawn"].items()}
    # Booleans have two values; every other type yields EXAMPLES distinct draws.
    assert counts == {c: 2 if c == "c_bool" else EXAMPLES for c in COLUMNS}


@pytest.mark.parametrize("mode", ["bulk", "upsert"])
def test_values_round_trip_exactly_or_are_dead_letters(values, emulator, tmp_path, mode):
    attrs = ", ".join(f"{c}: {c}" for c in COLUMNS)
    config = write_config(tmp_path / "icegraph.yaml", CONFIG.format(wh=values["wh"], url=emulator.url, mode=mode,
                                                                     state=tmp_path / "state.db", attrs=attrs))
    run_icegraph("schema", "--apply", config=config)
    run_icegraph("sync", "--full", config=config)

    want_v, want_w, want_letters = {}, {}, []
    for row in values["rows"]:
        vid = row["id"]
        try:
            want_v[vid] = {c: DEFAULTS[c] if row[c] is None else expected(c, row[c]) for c in COLUMNS}
        except Refused as r:
            want_letters.append(("rt.values", "vertex:V", vid, str(r)))
        try:
            want_w[vid] = expected_overrides(row)
        except Refused as r:
            want_letters.append(("rt.values", "vertex:W", vid, str(r)))
    assert values["bad_ids"] <= {lt[2] for lt in want_letters if lt[1] == "vertex:V"}

    g = GraphReader(emulator, "rt")
    got_v = {vid: {k: a[k] for k in COLUMNS} for vid, a in g.vertices("V").items()}
    assert set(got_v) == set(want_v)
    mismatches = [(vid, c, want_v[vid][c], got_v[vid][c]) for vid in sorted(want_v) for c in COLUMNS
                  if not same(got_v[vid][c], want_v[vid][c])]
    by_column = {}
    for m in mismatches:
        by_column.setdefault(m[1], []).append(m)
    assert by_column == {}, {c: (len(ms), ms[:3]) for c, ms in by_column.items()}

    got_w = {vid: {k: a[k] for k in ("u", "d", "s")} for vid, a in g.vertices("W").items()}
    assert set(got_w) == set(want_w)
    mismatches = [(vid, want_w[vid], got_w[vid]) for vid in sorted(want_w)
                  if not all(same(got_w[vid][k], want_w[vid][k]) for k in ("u", "d", "s"))]
    assert mismatches == [], mismatches[:20]

    letters = sorted((d["source_table"], d["mapping"].split("/")[-1], d["row_key"], d["reason_code"])
                     for d in dead_letters(config))
    assert letters == sorted(want_letters)


def dead_letters(config):
    """The exported dead letters. JSON Lines are split at '\n' only: str.splitlines() would also split inside
    strings holding U+2028, U+0085 or U+001C..U+001E, which JSON may carry unescaped (U+2028, U+0085)."""
    out = run_icegraph("dead-letters", "--export", "jsonl", config=config)
    return [json.loads(line) for line in out.stdout.split("\n") if line.strip()]


def same(got, want):
    """Exact equality, with JSON's int/float blur: 5 and 5.0 are one number, and so are -0.0 and 0."""
    if isinstance(want, float) or isinstance(got, float):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and float(got) == float(want)
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(same(a, b) for a, b in zip(got, want))
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    return type(got) is type(want) and got == want
