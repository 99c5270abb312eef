"""Iceberg fixture warehouse for icegraph's reader tests: tables written by pyiceberg and by Spark, with oracles.

One warehouse directory holds everything:

    <warehouse>/catalog.db                       SQL catalog on SQLite (table `iceberg_tables`), catalog name
                                                 "default", shared by pyiceberg (SqlCatalog) and Spark (Iceberg's
                                                 JdbcCatalog through org.apache.iceberg.spark.SparkCatalog)
    <warehouse>/pyi/<table>/...                  tables written by pyiceberg (locations file:///...)
    <warehouse>/spark/<table>/...                tables written by Spark (locations file:/...)
    <warehouse>/_oracle/<ns.table>/<snapshot_id>.pyiceberg.jsonl
    <warehouse>/_oracle/<ns.table>/<snapshot_id>.spark.jsonl
                                                 rows of that snapshot as read by each peer, normalised by
                                                 normalize.py and sorted (absent where the peer cannot read it;
                                                 manifest.json says why)
    <warehouse>/manifest.json                    tables, snapshots (operation, parent, ancestry, schema, live data
                                                 and delete files), oracles, catalog settings; written last, so
                                                 its presence means the build completed

Use it as a module (`cached_warehouse()`, `build()`, `load_manifest()`) or from the command line:

    python tests/iceberg/fixtures.py build --out DIR [--no-spark]   # a fresh warehouse in DIR
    python tests/iceberg/fixtures.py cached [--no-spark]            # build once under ~/.cache/icegraph, print path
    python tests/iceberg/fixtures.py jars                           # fetch the Spark jars into the cache (Maven)
    python tests/iceberg/fixtures.py hash                           # the cache key of this fixture code

Spark runs in local mode (`local[2]`, 127.0.0.1 only) and only while building. Its jars come from Maven Central
once (`mvn dependency:copy`), then from `~/.cache/icegraph/jars` (override the cache root with ICEGRAPH_CACHE_DIR).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import decimal
import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(HERE))
    import normalize  # type: ignore  # noqa: E402
else:
    from . import normalize  # noqa: E402

# ---------------------------------------------------------------------------------------------------------------
# Versions. Spark 3.5 runs on Java 17; iceberg-spark-runtime-3.5_2.12 matches pyspark 3.5 (Scala 2.12 build).

ICEBERG_SPARK_RUNTIME = ("org.apache.iceberg", "iceberg-spark-runtime-3.5_2.12", "1.10.1")
SQLITE_JDBC = ("org.xerial", "sqlite-jdbc", "3.53.4.0")
JARS = [ICEBERG_SPARK_RUNTIME, SQLITE_JDBC]

CATALOG_NAME = "default"  # the catalog_name column in iceberg_tables; icegraph's --catalog-name default
PY_NS = "pyi"
SPARK_NS = "spark"
MANIFEST = "manifest.json"
ORACLE_DIR = "_oracle"
MANIFEST_FORMAT = 1

MOR = {"format-version": "2", "write.delete.mode": "merge-on-read", "write.update.mode": "merge-on-read",
       "write.merge.mode": "merge-on-read"}


def log(msg: str) -> None:
    print(f"[iceberg-fixtures {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cache_root() -> Path:
    return Path(os.environ.get("ICEGRAPH_CACHE_DIR", "~/.cache/icegraph")).expanduser()


def _dist_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def versions(spark: bool = True) -> dict:
    v = {"pyiceberg": _dist_version("pyiceberg"), "pyarrow": _dist_version("pyarrow"),
         "pyiceberg-core": _dist_version("pyiceberg-core"), "sqlalchemy": _dist_version("sqlalchemy")}
    if spark:
        v["pyspark"] = _dist_version("pyspark")
        for g, a, ver in JARS:
            v[f"{g}:{a}"] = ver
    return v


def fixtures_hash(spark: bool = True) -> str:
    h = hashlib.sha256()
    for f in ("fixtures.py", "normalize.py"):
        h.update((HERE / f).read_bytes())
    h.update(json.dumps({"spark": spark, "versions": versions(spark), "format": MANIFEST_FORMAT},
                        sort_keys=True).encode())
    return h.hexdigest()[:16]


# ---------------------------------------------------------------------------------------------------------------
# Jars (Maven Central, once)


def jar_paths() -> list[Path]:
    d = cache_root() / "jars"
    return [d / f"{a}-{v}.jar" for _, a, v in JARS]


def ensure_jars() -> list[Path]:
    """The Spark jars, fetched with Maven into ~/.cache/icegraph/jars when missing (Maven's ~/.m2 caches too)."""
    paths = jar_paths()
    missing = [(coord, p) for coord, p in zip(JARS, paths) if not p.exists()]
    if not missing:
        return paths
    out = paths[0].parent
    out.mkdir(parents=True, exist_ok=True)
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError("Maven (mvn) is needed once to fetch the Iceberg Spark runtime and sqlite-jdbc jars; "
                           f"install it (Debian: maven), or put {', '.join(p.name for _, p in missing)} in {out}")
    for (g, a, v), p in missing:
        t0 = time.time()
        cmd = [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={g}:{a}:{v}", f"-DoutputDirectory={out}"]
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=str(out))
        if r.returncode != 0 or not p.exists():
            raise RuntimeError(f"could not fetch {g}:{a}:{v} with Maven:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
        log(f"fetched {p.name} ({p.stat().st_size / 1e6:.1f} MB) in {time.time() - t0:.1f} s")
    return paths


# ---------------------------------------------------------------------------------------------------------------
# Spark


@contextlib.contextmanager
def utc_process_tz():
    """PySpark turns TIMESTAMP (timestamptz) values into naive datetimes in the process's local zone: make it UTC."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def start_spark(warehouse: Path, scratch: Path):
    """A local[2] SparkSession whose catalog "default" is Iceberg's JdbcCatalog on the warehouse's SQLite file."""
    jars = ensure_jars()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    c = f"spark.sql.catalog.{CATALOG_NAME}"
    t0 = time.time()
    spark = (SparkSession.builder.master("local[2]").appName("icegraph-iceberg-fixtures")
             .config("spark.jars", ",".join(str(j) for j in jars))
             .config("spark.driver.memory", "2g")
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.default.parallelism", "2")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.warehouse.dir", str(scratch / "spark-warehouse"))
             .config("spark.local.dir", str(scratch / "spark-local"))
             .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
             .config(c, "org.apache.iceberg.spark.SparkCatalog")
             .config(f"{c}.catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog")
             .config(f"{c}.uri", f"jdbc:sqlite:{warehouse / 'catalog.db'}")
             .config(f"{c}.jdbc.schema-version", "V1")
             .config(f"{c}.warehouse", f"file:{warehouse}")
             .config(f"{c}.cache-enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    log(f"Spark {spark.version} started in {time.time() - t0:.1f} s")
    return spark


def stop_spark(spark) -> None:
    """Stop the session and the JVM that PySpark started for it (otherwise it lives as long as this process)."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    try:
        spark.stop()
    finally:
        if gateway is not None:
            proc = getattr(gateway, "proc", None)
            with contextlib.suppress(Exception):
                gateway.shutdown()
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        SparkContext._gateway = None
        SparkContext._jvm = None


def spark_name(fq: str) -> str:
    return f"`{CATALOG_NAME}`.{fq}"


# ---------------------------------------------------------------------------------------------------------------
# Recording what each step made


class Recorder:
    """Tags every new snapshot of a table with the step that made it, and keeps per-table notes."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.tables: dict[str, dict] = {}

    def table(self, fq: str, writer: str, description: str) -> None:
        self.tables[fq] = {"writer": writer, "description": description, "steps": [], "step_of": {},
                           "expected_current": None, "expired_snapshot_ids": []}

    def snapshot_ids(self, fq: str) -> list[int]:
        t = self.catalog.load_table(fq)
        return [s.snapshot_id for s in t.metadata.snapshots]

    def mark(self, fq: str, step: str) -> list[int]:
        info = self.tables[fq]
        info["steps"].append(step)
        new = [s for s in self.snapshot_ids(fq) if s not in info["step_of"]]
        for s in new:
            info["step_of"][s] = step
        return new

    def expect(self, fq: str, rows: list[dict]) -> None:
        """The rows the current snapshot must hold (any Python form normalise accepts)."""
        self.tables[fq]["expected_current"] = rows


# ---------------------------------------------------------------------------------------------------------------
# Tables written by pyiceberg


def build_pyiceberg_tables(catalog, rec: Recorder) -> None:
    import pyarrow as pa
    from pyiceberg.expressions import EqualTo, GreaterThanOrEqual, In
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import BucketTransform, DayTransform, IdentityTransform
    from pyiceberg.types import (BinaryType, BooleanType, DateType, DecimalType, DoubleType, FixedType, FloatType,
                                 IntegerType, ListType, LongType, MapType, NestedField, StringType, StructType,
                                 TimestampType, TimestamptzType, TimeType, UUIDType)

    catalog.create_namespace(PY_NS)

    def ns(name: str) -> str:
        return f"{PY_NS}.{name}"

    people_schema = Schema(NestedField(1, "id", LongType()), NestedField(2, "name", StringType()),
                           NestedField(3, "score", DoubleType()))
    people_arrow = pa.schema([("id", pa.int64()), ("name", pa.large_string()), ("score", pa.float64())])

    def people(ids) -> pa.Table:
        ids = list(ids)
        return pa.table({"id": ids, "name": [None if i % 4 == 0 else f"n{i}" for i in ids],
                         "score": [None if i % 5 == 3 else i * 1.5 for i in ids]}, schema=people_arrow)

    def people_rows(ids) -> list[dict]:
        return people(ids).to_pylist()

    # append: three appends
    fq = ns("append")
    rec.table(fq, "pyiceberg", "three appends of five rows (nulls in name and score)")
    t = catalog.create_table(fq, schema=people_schema)
    for start in (0, 10, 20):
        t.append(people(range(start, start + 5)))
        rec.mark(fq, f"append ids {start}..{start + 4}")
    rec.expect(fq, people_rows([*range(0, 5), *range(10, 15), *range(20, 25)]))

    # overwrite: a whole file dropped (delete snapshot) and a file rewritten (overwrite snapshot), each + append
    fq = ns("overwrite")
    rec.table(fq, "pyiceberg", "two appends, then overwrite(id >= 5) dropping a whole file, then overwrite(id in "
                               "(1, 2)) rewriting part of a file")
    t = catalog.create_table(fq, schema=people_schema)
    t.append(people(range(0, 5)))
    rec.mark(fq, "append ids 0..4")
    t.append(people(range(5, 10)))
    rec.mark(fq, "append ids 5..9")
    t.overwrite(people([5, 50]), overwrite_filter=GreaterThanOrEqual("id", 5))
    rec.mark(fq, "overwrite(ids 5, 50) where id >= 5")
    t.overwrite(pa.table({"id": [1], "name": ["one"], "score": [100.0]}, schema=people_arrow),
                overwrite_filter=In("id", [1, 2]))
    rec.mark(fq, "overwrite((1, 'one', 100.0)) where id in (1, 2)")
    rec.expect(fq, people_rows([0, 3, 4, 5, 50]) + [{"id": 1, "name": "one", "score": 100.0}])

    # delete: copy-on-write deletes
    fq = ns("delete")
    rec.table(fq, "pyiceberg", "two appends, delete(id >= 10) dropping a whole file, delete(id == 2) rewriting "
                               "a file, then an append")
    t = catalog.create_table(fq, schema=people_schema)
    t.append(people(range(0, 5)))
    rec.mark(fq, "append ids 0..4")
    t.append(people(range(10, 15)))
    rec.mark(fq, "append ids 10..14")
    t.delete(delete_filter=GreaterThanOrEqual("id", 10))
    rec.mark(fq, "delete where id >= 10")
    t.delete(delete_filter=EqualTo("id", 2))
    rec.mark(fq, "delete where id == 2")
    t.append(people([20]))
    rec.mark(fq, "append id 20")
    rec.expect(fq, people_rows([0, 1, 3, 4, 20]))

    # upsert: identifier field id, two upserts
    fq = ns("upsert")
    rec.table(fq, "pyiceberg", "identifier field id; an append, then two upserts (updates + inserts)")
    upsert_schema = Schema(NestedField(1, "id", LongType(), required=True), NestedField(2, "name", StringType()),
                           NestedField(3, "qty", IntegerType()), identifier_field_ids=[1])
    upsert_arrow = pa.schema([pa.field("id", pa.int64(), nullable=False), ("name", pa.large_string()),
                              ("qty", pa.int32())])
    t = catalog.create_table(fq, schema=upsert_schema)
    t.append(pa.table({"id": [1, 2, 3, 4, 5, 6], "name": ["a", "b", "c", "d", "e", "f"],
                       "qty": [1, 2, 3, 4, 5, 6]}, schema=upsert_arrow))
    rec.mark(fq, "append ids 1..6")
    r = t.upsert(pa.table({"id": [2, 3, 7, 8], "name": ["B", "c", "g", None], "qty": [20, 3, 7, None]},
                          schema=upsert_arrow), join_cols=["id"])
    assert (r.rows_updated, r.rows_inserted) == (1, 2), r
    rec.mark(fq, "upsert ids 2 (changed), 3 (same), 7, 8 (new)")
    r = t.upsert(pa.table({"id": [1, 9], "name": ["a", "i"], "qty": [100, 9]}, schema=upsert_arrow),
                 join_cols=["id"])
    assert (r.rows_updated, r.rows_inserted) == (1, 1), r
    rec.mark(fq, "upsert ids 1 (qty changed), 9 (new)")
    rec.expect(fq, [{"id": 1, "name": "a", "qty": 100}, {"id": 2, "name": "B", "qty": 20},
                    {"id": 3, "name": "c", "qty": 3}, {"id": 4, "name": "d", "qty": 4},
                    {"id": 5, "name": "e", "qty": 5}, {"id": 6, "name": "f", "qty": 6},
                    {"id": 7, "name": "g", "qty": 7}, {"id": 8, "name": None, "qty": None},
                    {"id": 9, "name": "i", "qty": 9}])

    # evolve: rename + add, then drop + promote int -> long
    fq = ns("evolve")
    rec.table(fq, "pyiceberg", "append; rename name->full_name and add city; append; drop score and promote qty "
                               "int->long; append")
    t = catalog.create_table(fq, schema=Schema(NestedField(1, "id", LongType()), NestedField(2, "name", StringType()),
                                               NestedField(3, "score", DoubleType()),
                                               NestedField(4, "qty", IntegerType())))
    t.append(pa.table({"id": [1, 2], "name": ["x", None], "score": [1.0, 2.0], "qty": [10, None]},
                      schema=pa.schema([("id", pa.int64()), ("name", pa.large_string()), ("score", pa.float64()),
                                        ("qty", pa.int32())])))
    rec.mark(fq, "append ids 1, 2")
    with t.update_schema() as u:
        u.rename_column("name", "full_name")
        u.add_column("city", StringType())
    rec.mark(fq, "rename name->full_name, add city")
    t.append(pa.table({"id": [3], "full_name": ["z"], "score": [3.0], "qty": [30], "city": ["Oslo"]},
                      schema=pa.schema([("id", pa.int64()), ("full_name", pa.large_string()), ("score", pa.float64()),
                                        ("qty", pa.int32()), ("city", pa.large_string())])))
    rec.mark(fq, "append id 3")
    with t.update_schema() as u:
        u.delete_column("score")
        u.update_column("qty", field_type=LongType())
    rec.mark(fq, "drop score, qty int->long")
    t.append(pa.table({"id": [4], "full_name": ["w"], "qty": [1 << 40], "city": [None]},
                      schema=pa.schema([("id", pa.int64()), ("full_name", pa.large_string()), ("qty", pa.int64()),
                                        ("city", pa.large_string())])))
    rec.mark(fq, "append id 4")
    rec.expect(fq, [{"id": 1, "full_name": "x", "qty": 10, "city": None},
                    {"id": 2, "full_name": None, "qty": None, "city": None},
                    {"id": 3, "full_name": "z", "qty": 30, "city": "Oslo"},
                    {"id": 4, "full_name": "w", "qty": 1 << 40, "city": None}])

    # partitioned / unpartitioned: same schema, identity + day + bucket transforms vs none
    ev_schema = Schema(NestedField(1, "id", LongType()), NestedField(2, "ts", TimestamptzType()),
                       NestedField(3, "category", StringType()), NestedField(4, "amount", DoubleType()))
    ev_arrow = pa.schema([("id", pa.int64()), ("ts", pa.timestamp("us", tz="UTC")), ("category", pa.large_string()),
                          ("amount", pa.float64())])
    utc = dt.timezone.utc

    def events(ids) -> list[dict]:
        cats = ["a", "b", None]
        return [{"id": i, "ts": dt.datetime(2026, 1, 1 + i % 3, i % 24, 30, 0, i * 1000, tzinfo=utc),
                 "category": cats[i % 3], "amount": i / 4} for i in ids]

    spec = PartitionSpec(PartitionField(source_id=3, field_id=1000, transform=IdentityTransform(), name="category"),
                         PartitionField(source_id=2, field_id=1001, transform=DayTransform(), name="ts_day"),
                         PartitionField(source_id=1, field_id=1002, transform=BucketTransform(4), name="id_bucket"))
    for name, part_spec, what in (("partitioned", spec, "identity(category), day(ts), bucket(4, id)"),
                                  ("unpartitioned", None, "no partition spec")):
        fq = ns(name)
        rec.table(fq, "pyiceberg", f"{what}; two appends (null category included), then delete(category == 'b')")
        kw = {"partition_spec": part_spec} if part_spec is not None else {}
        t = catalog.create_table(fq, schema=ev_schema, **kw)
        t.append(pa.Table.from_pylist(events(range(0, 9)), schema=ev_arrow))
        rec.mark(fq, "append ids 0..8")
        t.append(pa.Table.from_pylist(events(range(9, 15)), schema=ev_arrow))
        rec.mark(fq, "append ids 9..14")
        t.delete(delete_filter=EqualTo("category", "b"))
        rec.mark(fq, "delete where category == 'b'")
        rec.expect(fq, [r for r in events(range(15)) if r["category"] != "b"])

    # partition_evolved: spec 0 identity(category); spec 1 adds day(ts); spec 2 drops category
    fq = ns("partition_evolved")
    rec.table(fq, "pyiceberg", "identity(category); append; add day(ts); append; remove category; append")
    t = catalog.create_table(fq, schema=ev_schema, partition_spec=PartitionSpec(
        PartitionField(source_id=3, field_id=1000, transform=IdentityTransform(), name="category")))
    t.append(pa.Table.from_pylist(events(range(0, 4)), schema=ev_arrow))
    rec.mark(fq, "append ids 0..3 (spec 0)")
    with t.update_spec() as u:
        u.add_field("ts", DayTransform(), "ts_day")
    rec.mark(fq, "add partition field day(ts)")
    t.append(pa.Table.from_pylist(events(range(4, 8)), schema=ev_arrow))
    rec.mark(fq, "append ids 4..7 (spec 1)")
    with t.update_spec() as u:
        u.remove_field("category")
    rec.mark(fq, "remove partition field category")
    t.append(pa.Table.from_pylist(events(range(8, 12)), schema=ev_arrow))
    rec.mark(fq, "append ids 8..11 (spec 2)")
    rec.expect(fq, events(range(12)))

    # types: every primitive type, with nulls and edge values
    fq = ns("types")
    rec.table(fq, "pyiceberg", "every primitive type (optional), edge values and an all-null row; two appends")
    types_schema = Schema(
        NestedField(1, "b", BooleanType()), NestedField(2, "i", IntegerType()), NestedField(3, "l", LongType()),
        NestedField(4, "f", FloatType()), NestedField(5, "d", DoubleType()),
        NestedField(6, "dec9_2", DecimalType(9, 2)), NestedField(7, "dec38_10", DecimalType(38, 10)),
        NestedField(8, "day", DateType()), NestedField(9, "t", TimeType()), NestedField(10, "ts", TimestampType()),
        NestedField(11, "tstz", TimestamptzType()), NestedField(12, "s", StringType()),
        NestedField(13, "u", UUIDType()), NestedField(14, "bin", BinaryType()), NestedField(15, "fx", FixedType(8)))
    types_arrow = pa.schema([
        ("b", pa.bool_()), ("i", pa.int32()), ("l", pa.int64()), ("f", pa.float32()), ("d", pa.float64()),
        ("dec9_2", pa.decimal128(9, 2)), ("dec38_10", pa.decimal128(38, 10)), ("day", pa.date32()),
        ("t", pa.time64("us")), ("ts", pa.timestamp("us")), ("tstz", pa.timestamp("us", tz="UTC")),
        ("s", pa.large_string()), ("u", pa.uuid()), ("bin", pa.large_binary()), ("fx", pa.binary(8))])
    D = decimal.Decimal
    types_rows = [
        {"b": True, "i": 1, "l": 1 << 40, "f": 1.5, "d": 0.1, "dec9_2": D("12.34"),
         "dec38_10": D("12345678901234567890.0123456789"), "day": dt.date(2026, 1, 20), "t": dt.time(10, 0, 0, 123456),
         "ts": dt.datetime(2026, 1, 20, 10, 0, 0, 123456),
         "tstz": dt.datetime(2026, 1, 20, 10, 0, 0, 654321, tzinfo=utc),
         "s": "héllo, \"wörld\"\n\t☃ \\ /", "u": uuid.UUID("f79c3e09-677c-4bbd-a479-3f349cb785e7").bytes,
         "bin": b"\x00\xff\x10", "fx": b"\xde\xad\xbe\xef\x00\x01\x02\x03"},
        {k: None for k in types_arrow.names},
        {"b": False, "i": -(1 << 31), "l": -(1 << 63), "f": -0.0, "d": 1e300, "dec9_2": D("-9999999.99"),
         "dec38_10": D("-9999999999999999999999999999.9999999999"), "day": dt.date(1900, 1, 1),
         "t": dt.time(0, 0, 0), "ts": dt.datetime(1969, 12, 31, 23, 59, 59, 999999),
         "tstz": dt.datetime(1900, 1, 1, 0, 0, 0, 1, tzinfo=utc), "s": "", "u": uuid.UUID(int=0).bytes,
         "bin": b"", "fx": b"\x00" * 8},
    ]
    types_rows2 = [
        {"b": True, "i": (1 << 31) - 1, "l": (1 << 63) - 1, "f": 3.4028234663852886e38, "d": 5e-324,
         "dec9_2": D("0.01"), "dec38_10": D("0.0000000001"), "day": dt.date(9999, 12, 31),
         "t": dt.time(23, 59, 59, 999999), "ts": dt.datetime(2999, 12, 31, 23, 59, 59, 999999),
         "tstz": dt.datetime(1970, 1, 1, tzinfo=utc), "s": "日本語 \u0000 nul",
         "u": uuid.UUID(int=(1 << 128) - 1).bytes,
         "bin": bytes(range(256)), "fx": b"\xff" * 8},
        {"b": None, "i": 0, "l": 0, "f": float("nan"), "d": float("-inf"), "dec9_2": D("0.00"), "dec38_10": D("0E-10"),
         "day": dt.date(1970, 1, 1), "t": None, "ts": None, "tstz": None, "s": None, "u": None, "bin": None,
         "fx": None},
        {"b": False, "i": None, "l": None, "f": 0.1, "d": float("nan"), "dec9_2": None, "dec38_10": None, "day": None,
         "t": dt.time(12, 0), "ts": dt.datetime(2000, 2, 29), "tstz": None, "s": "x", "u": None, "bin": None,
         "fx": None},
        {"b": None, "i": None, "l": None, "f": float("inf"), "d": -0.0, "dec9_2": None, "dec38_10": None,
         "day": None, "t": None, "ts": None, "tstz": None, "s": None, "u": None, "bin": None, "fx": None},
    ]
    t = catalog.create_table(fq, schema=types_schema)
    t.append(pa.Table.from_pylist(types_rows, schema=types_arrow))
    rec.mark(fq, "append 3 rows (one all null)")
    t.append(pa.Table.from_pylist(types_rows2, schema=types_arrow))
    rec.mark(fq, "append 4 rows (extremes, NaN, infinities)")
    rec.expect(fq, types_rows + types_rows2)

    # types_no_time: the same without the time column, which Spark cannot read ("Spark does not support time
    # fields"), so that Spark is an oracle for every other primitive type written by pyiceberg
    fq = ns("types_no_time")
    rec.table(fq, "pyiceberg", "pyi.types without the time column (Spark reads it); two appends")
    no_time = [f for f in types_schema.fields if f.name != "t"]
    t = catalog.create_table(fq, schema=Schema(*no_time))
    arrow_no_time = pa.schema([f for f in types_arrow if f.name != "t"])
    strip = [[{k: v for k, v in r.items() if k != "t"} for r in rows] for rows in (types_rows, types_rows2)]
    t.append(pa.Table.from_pylist(strip[0], schema=arrow_no_time))
    rec.mark(fq, "append 3 rows (one all null)")
    t.append(pa.Table.from_pylist(strip[1], schema=arrow_no_time))
    rec.mark(fq, "append 4 rows (extremes, NaN, infinities)")
    rec.expect(fq, strip[0] + strip[1])

    # nested: struct, list<primitive>, map<string, primitive>, and deeper combinations
    fq = ns("nested")
    rec.table(fq, "pyiceberg", "struct, list<string>, list<int> with null elements, map<string,long> with null "
                               "values, struct<struct, list<struct>>; null/empty containers; two appends")
    nested_schema = Schema(
        NestedField(1, "id", LongType()),
        NestedField(2, "point", StructType(NestedField(3, "x", DoubleType()), NestedField(4, "y", DoubleType()),
                                           NestedField(5, "label", StringType()))),
        NestedField(6, "tags", ListType(7, StringType(), element_required=False)),
        NestedField(8, "scores", ListType(9, IntegerType(), element_required=False)),
        NestedField(10, "attrs", MapType(11, StringType(), 12, LongType(), value_required=False)),
        NestedField(13, "deep", StructType(
            NestedField(14, "inner", StructType(NestedField(15, "a", IntegerType()))),
            NestedField(16, "items", ListType(17, StructType(NestedField(18, "k", StringType()),
                                                             NestedField(19, "v", DoubleType())),
                                              element_required=False)))))
    nested_arrow = pa.schema([
        ("id", pa.int64()),
        ("point", pa.struct([("x", pa.float64()), ("y", pa.float64()), ("label", pa.large_string())])),
        ("tags", pa.large_list(pa.large_string())), ("scores", pa.large_list(pa.int32())),
        ("attrs", pa.map_(pa.large_string(), pa.int64())),
        ("deep", pa.struct([("inner", pa.struct([("a", pa.int32())])),
                            ("items", pa.large_list(pa.struct([("k", pa.large_string()), ("v", pa.float64())])))]))])
    nested_rows = [
        {"id": 1, "point": {"x": 1.5, "y": -2.0, "label": "a"}, "tags": ["x", "y"], "scores": [1, None, 3],
         "attrs": [("k1", 1), ("k2", None)], "deep": {"inner": {"a": 7}, "items": [{"k": "p", "v": 0.5},
                                                                                  {"k": None, "v": None}]}},
        {"id": 2, "point": None, "tags": [], "scores": None, "attrs": [], "deep": {"inner": None, "items": []}},
        {"id": 3, "point": {"x": None, "y": None, "label": None}, "tags": None, "scores": [], "attrs": None,
         "deep": None},
    ]
    nested_rows2 = [
        {"id": 4, "point": {"x": 0.25, "y": 1e10, "label": "ünï"}, "tags": [None, ""], "scores": [-1],
         "attrs": [("z", -5), ("a", 0)], "deep": {"inner": {"a": None}, "items": None}},
    ]
    # pyiceberg 0.12 writes that null list inside a struct as an empty list (the Parquet file holds []): expect it.
    nested_written = [*nested_rows, {**nested_rows2[0], "deep": {"inner": {"a": None}, "items": []}}]
    t = catalog.create_table(fq, schema=nested_schema)
    t.append(pa.Table.from_pylist(nested_rows, schema=nested_arrow))
    rec.mark(fq, "append ids 1..3")
    t.append(pa.Table.from_pylist(nested_rows2, schema=nested_arrow))
    rec.mark(fq, "append id 4")
    rec.expect(fq, nested_written)

    # rollback (pyiceberg): an old snapshot that is no longer an ancestor of the current one
    fq = ns("rollback")
    rec.table(fq, "pyiceberg", "two appends, rollback to the first, another append (second is not an ancestor)")
    t = catalog.create_table(fq, schema=people_schema)
    t.append(people([1, 2]))
    rec.mark(fq, "append ids 1, 2")
    t.append(people([3]))
    rec.mark(fq, "append id 3")
    first = t.metadata.snapshots[0].snapshot_id
    t.manage_snapshots().rollback_to_snapshot(first).commit()
    rec.mark(fq, f"rollback_to_snapshot({first})")
    t.append(people([4]))
    rec.mark(fq, "append id 4")
    rec.expect(fq, people_rows([1, 2, 4]))


# ---------------------------------------------------------------------------------------------------------------
# Tables written by Spark (and equality deletes through Iceberg's Java API)


def _tblprops(props: dict) -> str:
    return ", ".join(f"'{k}'='{v}'" for k, v in props.items())


def write_equality_deletes(spark, fq: str, columns: list[str], rows: list[tuple],
                           partition: dict | None = None) -> None:
    """Commit one equality delete file (Parquet, Iceberg's own writer) on `columns` to table `fq`, in a RowDelta.

    The delete file holds the rows' values of `columns` (field ids in the Parquet schema, equality_ids in the
    manifest entry); its manifest is a v2 delete manifest (content=1) with data_file.content=2."""
    jvm = spark._jvm
    gateway = spark.sparkContext._gateway
    table = jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, f"{CATALOG_NAME}.{fq}")
    schema = table.schema()
    names = jvm.java.util.ArrayList()
    for c in columns:
        names.add(c)
    delete_schema = schema.select(names)
    ids = gateway.new_array(gateway.jvm.int, len(columns))
    for i, c in enumerate(columns):
        ids[i] = schema.findField(c).fieldId()
    factory = jvm.org.apache.iceberg.data.GenericAppenderFactory(schema, table.spec(), ids, delete_schema, None)
    factory.setAll(table.properties())
    part = None
    file_name = f"eq-delete-{uuid.uuid4()}.parquet"
    if partition is not None:
        part = jvm.org.apache.iceberg.data.GenericRecord.create(table.spec().partitionType())
        for k, v in partition.items():
            part.setField(k, v)
        location = table.locationProvider().newDataLocation(table.spec(), part, file_name)
    else:
        location = table.locationProvider().newDataLocation(file_name)
    out = jvm.org.apache.iceberg.encryption.EncryptedFiles.plainAsEncryptedOutput(table.io().newOutputFile(location))
    writer = factory.newEqDeleteWriter(out, jvm.org.apache.iceberg.FileFormat.PARQUET, part)
    try:
        for row in rows:
            record = jvm.org.apache.iceberg.data.GenericRecord.create(delete_schema)
            for c, v in zip(columns, row):
                record.setField(c, v)
            writer.write(record)
    finally:
        writer.close()
    table.newRowDelta().addDeletes(writer.toDeleteFile()).commit()


def build_spark_tables(spark, rec: Recorder) -> None:
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS `{CATALOG_NAME}`.{SPARK_NS}")

    def ns(name: str) -> str:
        return f"{SPARK_NS}.{name}"

    def sql(fq: str, text: str, step: str | None = None) -> None:
        spark.sql(text.replace("{T}", spark_name(fq)).replace("{C}", f"`{CATALOG_NAME}`"))
        rec.mark(fq, step or " ".join(text.split()))

    def create(fq: str, columns: str, props: dict, partitioned_by: str = "") -> None:
        part = f" PARTITIONED BY ({partitioned_by})" if partitioned_by else ""
        spark.sql(f"CREATE TABLE {spark_name(fq)} ({columns}) USING iceberg{part} TBLPROPERTIES ({_tblprops(props)})")
        rec.mark(fq, f"create ({columns}){part}")

    def eq_delete(fq: str, columns: list[str], rows: list[tuple], partition: dict | None = None) -> None:
        write_equality_deletes(spark, fq, columns, rows, partition)
        where = f" in partition {partition}" if partition else ""
        rec.mark(fq, f"equality delete on {columns}{where}: {rows}")

    def rows_of(data: list[tuple], names: list[str]) -> list[dict]:
        return [dict(zip(names, r)) for r in data]

    # mor_delete: DELETE FROM -> position delete files
    fq = ns("mor_delete")
    rec.table(fq, "spark", "merge-on-read; two inserts, two DELETEs (position delete files)")
    create(fq, "id int, name string, category string", MOR)
    sql(fq, "INSERT INTO {T} SELECT CAST(id AS int), concat('n', id), IF(id % 2 = 0, 'even', 'odd') FROM range(0, 20)")
    sql(fq, "INSERT INTO {T} VALUES (100, 'hundred', 'even'), (101, NULL, NULL)")
    sql(fq, "DELETE FROM {T} WHERE id % 3 = 0")
    sql(fq, "DELETE FROM {T} WHERE id = 101")
    rec.expect(fq, [{"id": i, "name": f"n{i}", "category": "even" if i % 2 == 0 else "odd"}
                    for i in range(20) if i % 3] + [{"id": 100, "name": "hundred", "category": "even"}])

    # mor_update: UPDATE on an identity-partitioned table
    fq = ns("mor_update")
    rec.table(fq, "spark", "merge-on-read, identity(category); insert; UPDATE; UPDATE moving a row across partitions")
    create(fq, "id int, name string, category string, amount double", MOR, "category")
    sql(fq, "INSERT INTO {T} SELECT CAST(id AS int), concat('n', id), element_at(array('a', 'b', 'c'), "
            "CAST(id % 3 + 1 AS int)), id * 1.5 FROM range(0, 12)")
    sql(fq, "UPDATE {T} SET amount = amount * 10, name = upper(name) WHERE id < 5")
    sql(fq, "UPDATE {T} SET category = 'c' WHERE id = 1")
    expected = []
    for i in range(12):
        cat = "abc"[i % 3]
        name, amount = (f"N{i}", i * 15.0) if i < 5 else (f"n{i}", i * 1.5)
        expected.append({"id": i, "name": name, "category": "c" if i == 1 else cat, "amount": amount})
    rec.expect(fq, expected)

    # mor_merge: MERGE INTO with update, delete and insert on a bucket-partitioned table
    fq = ns("mor_merge")
    rec.table(fq, "spark", "merge-on-read, bucket(4, id); insert; MERGE (update/delete/insert); second MERGE")
    create(fq, "id int, name string, qty int", MOR, "bucket(4, id)")
    sql(fq, "INSERT INTO {T} SELECT CAST(id AS int), concat('n', id), CAST(id AS int) FROM range(0, 10)")
    sql(fq, "MERGE INTO {T} t USING (SELECT * FROM VALUES (1, 'one', 10, 'U'), (2, NULL, NULL, 'D'), "
            "(3, 'three', 30, 'U'), (20, 'twenty', 200, 'I'), (21, NULL, 1, 'I') AS s(id, name, qty, op)) s "
            "ON t.id = s.id WHEN MATCHED AND s.op = 'D' THEN DELETE "
            "WHEN MATCHED THEN UPDATE SET t.name = s.name, t.qty = s.qty "
            "WHEN NOT MATCHED THEN INSERT (id, name, qty) VALUES (s.id, s.name, s.qty)")
    sql(fq, "MERGE INTO {T} t USING (SELECT * FROM VALUES (20, 'TWENTY', 2000), (5, 'five', NULL), (30, 'x', 3) "
            "AS s(id, name, qty)) s ON t.id = s.id "
            "WHEN MATCHED AND t.id = 5 THEN DELETE WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *")
    rows = {i: (f"n{i}", i) for i in range(10)}
    rows.update({1: ("one", 10), 3: ("three", 30), 20: ("TWENTY", 2000), 21: (None, 1), 30: ("x", 3)})
    del rows[2], rows[5]
    rec.expect(fq, [{"id": i, "name": n, "qty": q} for i, (n, q) in rows.items()])

    # compacted: small files + a position delete, rewrite_data_files -> replace snapshot
    fq = ns("compacted")
    rec.table(fq, "spark", "merge-on-read; three inserts, a DELETE (position deletes), rewrite_data_files "
                           "(replace snapshot; the delete file stays referenced), an insert")
    create(fq, "id int, name string", MOR)
    for lo in (0, 3, 6):
        sql(fq, f"INSERT INTO {{T}} VALUES ({lo}, 'n{lo}'), ({lo + 1}, 'n{lo + 1}'), ({lo + 2}, 'n{lo + 2}')")
    sql(fq, "DELETE FROM {T} WHERE id IN (1, 7)")
    sql(fq, f"CALL {{C}}.system.rewrite_data_files(table => '{fq}', options => map('min-input-files', '2'))")
    sql(fq, "INSERT INTO {T} VALUES (9, 'n9')")
    rec.expect(fq, [{"id": i, "name": f"n{i}"} for i in range(10) if i not in (1, 7)])

    # expired: snapshots expired (their files partly removed); the remaining snapshots still read
    fq = ns("expired")
    rec.table(fq, "spark", "two inserts, INSERT OVERWRITE, insert, then expire_snapshots(retain_last => 2)")
    create(fq, "id int, v string", MOR)
    sql(fq, "INSERT INTO {T} VALUES (1, 'a'), (2, 'b')")
    sql(fq, "INSERT INTO {T} VALUES (3, 'c')")
    sql(fq, "INSERT OVERWRITE {T} VALUES (10, 'x'), (11, 'y')")
    sql(fq, "INSERT INTO {T} VALUES (12, 'z')")
    before = rec.snapshot_ids(fq)
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5)).strftime("%Y-%m-%d %H:%M:%S")
    sql(fq, f"CALL {{C}}.system.expire_snapshots(table => '{fq}', older_than => TIMESTAMP '{later}', "
            "retain_last => 2)")
    rec.tables[fq]["expired_snapshot_ids"] = [s for s in before if s not in rec.snapshot_ids(fq)]
    rec.expect(fq, [{"id": 10, "v": "x"}, {"id": 11, "v": "y"}, {"id": 12, "v": "z"}])

    # rollback: rollback_to_snapshot then an append -> the rolled-back-from snapshot is not an ancestor
    fq = ns("rollback")
    rec.table(fq, "spark", "insert, insert, rollback_to_snapshot(first), insert")
    create(fq, "id int, v string", MOR)
    sql(fq, "INSERT INTO {T} VALUES (1, 'a'), (2, 'b')")
    sql(fq, "INSERT INTO {T} VALUES (3, 'c')")
    first = rec.snapshot_ids(fq)[0]
    sql(fq, f"CALL {{C}}.system.rollback_to_snapshot('{fq}', {first})")
    sql(fq, "INSERT INTO {T} VALUES (4, 'd')")
    rec.expect(fq, [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}, {"id": 4, "v": "d"}])

    # cow_delete: the same DELETE as mor_delete, copy-on-write
    fq = ns("cow_delete")
    rec.table(fq, "spark", "copy-on-write; insert, DELETE (data files rewritten, no delete files)")
    create(fq, "id int, name string, category string", {"format-version": "2", "write.delete.mode": "copy-on-write",
                                                        "write.update.mode": "copy-on-write",
                                                        "write.merge.mode": "copy-on-write"})
    sql(fq, "INSERT INTO {T} SELECT CAST(id AS int), concat('n', id), IF(id % 2 = 0, 'even', 'odd') FROM range(0, 20)")
    sql(fq, "DELETE FROM {T} WHERE id % 3 = 0")
    rec.expect(fq, [{"id": i, "name": f"n{i}", "category": "even" if i % 2 == 0 else "odd"}
                    for i in range(20) if i % 3])

    # types: every type Spark's DDL has (no time, uuid or fixed), written by Spark's Iceberg writer (decimals as
    # INT32/INT64/FIXED by precision, timestamps as INT64 micros), and nested struct/array/map
    fq = ns("types")
    rec.table(fq, "spark", "every Spark-expressible type incl. timestamp_ntz and nested; four rows (one all null)")
    create(fq, "b boolean, i int, l bigint, f float, d double, dec9_2 decimal(9,2), dec18_4 decimal(18,4), "
               "dec38_10 decimal(38,10), day date, ts timestamp_ntz, tstz timestamp, s string, bin binary, "
               "point struct<x: double, label: string>, tags array<string>, attrs map<string, bigint>",
           {"format-version": "2"})
    sql(fq, "INSERT INTO {T} VALUES "
            "(true, 1, 1099511627776, CAST('1.5' AS FLOAT), CAST('0.1' AS DOUBLE), CAST('12.34' AS DECIMAL(9,2)), "
            "CAST('-12345678901234.5678' AS DECIMAL(18,4)), "
            "CAST('12345678901234567890.0123456789' AS DECIMAL(38,10)), DATE'2026-01-20', "
            "TIMESTAMP_NTZ'2026-01-20 10:00:00.123456', TIMESTAMP'2026-01-20 10:00:00.654321', "
            "'héllo, \"wörld\" ☃', X'00FF10', named_struct('x', CAST('1.5' AS DOUBLE), 'label', 'a'), "
            "array('x', NULL), map('k1', CAST(1 AS BIGINT), 'k2', CAST(NULL AS BIGINT))), "
            "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
            "(false, -2147483648, -9223372036854775808, CAST('-0.0' AS FLOAT), CAST('1e300' AS DOUBLE), "
            "CAST('-9999999.99' AS DECIMAL(9,2)), CAST('99999999999999.9999' AS DECIMAL(18,4)), "
            "CAST('-9999999999999999999999999999.9999999999' AS DECIMAL(38,10)), DATE'1900-01-01', "
            "TIMESTAMP_NTZ'1969-12-31 23:59:59.999999', TIMESTAMP'1900-01-01 00:00:00.000001', '', X'', "
            "named_struct('x', CAST(NULL AS DOUBLE), 'label', CAST(NULL AS STRING)), array(), "
            "map('z', CAST(-5 AS BIGINT), 'a', CAST(0 AS BIGINT))), "
            "(NULL, 2147483647, 9223372036854775807, CAST('NaN' AS FLOAT), CAST('-Infinity' AS DOUBLE), "
            "CAST('0.01' AS DECIMAL(9,2)), CAST('0' AS DECIMAL(18,4)), CAST('0.0000000001' AS DECIMAL(38,10)), "
            "DATE'9999-12-31', TIMESTAMP_NTZ'2999-12-31 23:59:59.999999', TIMESTAMP'1970-01-01 00:00:00', "
            "'日本語', X'DEADBEEF', NULL, NULL, map())",
        "insert four rows")
    utc = dt.timezone.utc
    D = decimal.Decimal
    cols = ["b", "i", "l", "f", "d", "dec9_2", "dec18_4", "dec38_10", "day", "ts", "tstz", "s", "bin", "point",
            "tags", "attrs"]
    rec.expect(fq, rows_of([
        (True, 1, 1 << 40, 1.5, 0.1, D("12.34"), D("-12345678901234.5678"), D("12345678901234567890.0123456789"),
         dt.date(2026, 1, 20), dt.datetime(2026, 1, 20, 10, 0, 0, 123456),
         dt.datetime(2026, 1, 20, 10, 0, 0, 654321, tzinfo=utc), 'héllo, "wörld" ☃', b"\x00\xff\x10",
         {"x": 1.5, "label": "a"}, ["x", None], {"k1": 1, "k2": None}),
        tuple([None] * 16),
        (False, -(1 << 31), -(1 << 63), -0.0, 1e300, D("-9999999.99"), D("99999999999999.9999"),
         D("-9999999999999999999999999999.9999999999"), dt.date(1900, 1, 1),
         dt.datetime(1969, 12, 31, 23, 59, 59, 999999),
         dt.datetime(1900, 1, 1, 0, 0, 0, 1, tzinfo=utc), "", b"", {"x": None, "label": None}, [], {"z": -5, "a": 0}),
        (None, (1 << 31) - 1, (1 << 63) - 1, float("nan"), float("-inf"), D("0.01"), D("0"), D("0.0000000001"),
         dt.date(9999, 12, 31), dt.datetime(2999, 12, 31, 23, 59, 59, 999999), dt.datetime(1970, 1, 1, tzinfo=utc),
         "日本語", b"\xde\xad\xbe\xef", None, None, {}),
    ], cols))

    # eq_delete: single-column key; a later insert of a deleted key survives (higher sequence number)
    fq = ns("eq_delete")
    names = ["id", "name", "v"]
    rec.table(fq, "spark+java", "two inserts; equality delete on id (2, 5, 11, 99); insert id 5 again; equality "
                                "delete on id (12)")
    create(fq, "id int, name string, v double", MOR)
    sql(fq, "INSERT INTO {T} SELECT CAST(id AS int), concat('n', id), id / 2 FROM range(0, 10)")
    sql(fq, "INSERT INTO {T} SELECT CAST(id AS int), concat('n', id), id / 2 FROM range(10, 15)")
    eq_delete(fq, ["id"], [(2,), (5,), (11,), (99,)])
    sql(fq, "INSERT INTO {T} VALUES (5, 'five again', 5.5)")
    eq_delete(fq, ["id"], [(12,)])
    rec.expect(fq, rows_of([(i, f"n{i}", i / 2) for i in range(15) if i not in (2, 5, 11, 12)]
                           + [(5, "five again", 5.5)], names))

    # eq_delete_multi: two-column key with a null in a key column (null matches null in equality deletes)
    fq = ns("eq_delete_multi")
    rec.table(fq, "spark+java", "insert; equality delete on (id, name) with a null name in a key")
    create(fq, "id int, name string, v double", MOR)
    data = [(1, "a", 1.0), (1, "b", 2.0), (2, None, 3.0), (2, "x", 4.0), (3, None, 5.0), (3, "c", 6.0), (4, "d", 7.0)]
    sql(fq, "INSERT INTO {T} VALUES " + ", ".join(
        f"({i}, {'NULL' if n is None else repr(n)}, {v})" for i, n, v in data))
    eq_delete(fq, ["id", "name"], [(1, "a"), (2, None), (3, "zzz")])
    rec.expect(fq, rows_of([r for r in data if (r[0], r[1]) not in ((1, "a"), (2, None))], names))

    # pos_eq_delete: position deletes and equality deletes on one table, then an update and an insert
    fq = ns("pos_eq_delete")
    rec.table(fq, "spark+java", "insert; DELETE (position deletes); equality delete on name; UPDATE (position "
                                "deletes + data); insert of a row matching the earlier equality delete")
    create(fq, "id int, name string, v double", MOR)
    sql(fq, "INSERT INTO {T} SELECT CAST(id AS int), concat('n', id), CAST(id AS double) FROM range(0, 10)")
    sql(fq, "DELETE FROM {T} WHERE id IN (1, 2)")
    eq_delete(fq, ["name"], [("n3",), ("n4",)])
    sql(fq, "UPDATE {T} SET v = -1 WHERE id = 5")
    sql(fq, "INSERT INTO {T} VALUES (20, 'n3', 0.0)")
    rec.expect(fq, rows_of([(i, f"n{i}", -1.0 if i == 5 else float(i)) for i in range(10) if i not in (1, 2, 3, 4)]
                           + [(20, "n3", 0.0)], names))

    # eq_delete_partitioned: equality deletes scoped to their partition (a null partition value included)
    fq = ns("eq_delete_partitioned")
    rec.table(fq, "spark+java", "identity(category); insert; equality delete id=1 in partition a; equality delete "
                                "id=3 in the null partition")
    create(fq, "id int, category string, v double", MOR, "category")
    sql(fq, "INSERT INTO {T} VALUES (1, 'a', 1.0), (2, 'a', 2.0), (1, 'b', 3.0), (2, 'b', 4.0), (3, NULL, 5.0), "
            "(3, 'b', 6.0)")
    eq_delete(fq, ["id"], [(1,)], partition={"category": "a"})
    eq_delete(fq, ["id"], [(3,)], partition={"category": None})
    rec.expect(fq, [{"id": 2, "category": "a", "v": 2.0}, {"id": 1, "category": "b", "v": 3.0},
                    {"id": 2, "category": "b", "v": 4.0}, {"id": 3, "category": "b", "v": 6.0}])


# ---------------------------------------------------------------------------------------------------------------
# Facts and oracles


def _plain(v: Any) -> Any:
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).hex()
    if isinstance(v, (dt.date, dt.time, decimal.Decimal, uuid.UUID)):
        return str(v)
    if isinstance(v, float):
        return normalize._float_text(v)
    if hasattr(v, "value") and hasattr(v, "name"):  # enums
        return v.name.lower()
    return v


def snapshot_facts(table, snap) -> dict:
    """What the metadata says about one snapshot: live data and delete files (from its manifests), via pyiceberg."""
    files = []
    for mf in snap.manifests(table.io):
        for e in mf.fetch_manifest_entry(table.io, discard_deleted=True):
            df = e.data_file
            part = df.partition
            files.append({
                "content": df.content.name.lower(), "file_path": df.file_path,
                "file_format": df.file_format.name.lower() if hasattr(df.file_format, "name") else str(df.file_format),
                "record_count": df.record_count, "spec_id": mf.partition_spec_id,
                "partition": [_plain(part[i]) for i in range(len(part))] if part is not None else [],
                "equality_ids": list(df.equality_ids) if df.equality_ids else None,
                "status": e.status.name.lower(), "snapshot_id": e.snapshot_id,
                "sequence_number": e.sequence_number, "file_sequence_number": e.file_sequence_number,
                "manifest_path": mf.manifest_path, "manifest_content": mf.content.name.lower()})
    files.sort(key=lambda f: (f["content"], f["file_path"]))
    return {"files": files}


def schema_json(schema) -> dict:
    return json.loads(schema.model_dump_json(by_alias=True))


def _short_error(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}"
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return " | ".join(lines[:3])[:600]


def write_oracle(out: Path, fq: str, snapshot_id: int, reader: str, read: Callable[[], list], schema: dict) -> dict:
    t0 = time.time()
    try:
        rows = normalize.normalise_rows(read(), schema)
    except Exception as e:  # noqa: BLE001 - a peer that cannot read a snapshot is a fact to record
        return {"error": _short_error(e)}
    rel = Path(ORACLE_DIR) / fq / f"{snapshot_id}.{reader}.jsonl"
    (out / rel).parent.mkdir(parents=True, exist_ok=True)
    (out / rel).write_text(normalize.dumps_jsonl(rows), encoding="utf-8")
    return {"file": str(rel), "rows": len(rows), "seconds": round(time.time() - t0, 3)}


def ancestors(metadata, snapshot_id: int | None) -> list[int]:
    out = []
    by_id = {s.snapshot_id: s for s in metadata.snapshots}
    while snapshot_id is not None and snapshot_id in by_id:
        out.append(snapshot_id)
        snapshot_id = by_id[snapshot_id].parent_snapshot_id
    return out


def collect(out: Path, catalog, rec: Recorder, spark=None) -> dict:
    tables = {}
    for fq, info in rec.tables.items():
        t = catalog.load_table(fq)
        md = t.metadata
        current = md.current_snapshot_id
        lineage = ancestors(md, current)
        snaps = []
        for s in md.snapshots:
            schema = md.schema_by_id(s.schema_id) if s.schema_id is not None else md.schema()
            sj = schema_json(schema)
            facts = snapshot_facts(t, s)
            kinds = [f["content"] for f in facts["files"]]
            entry = {
                "snapshot_id": s.snapshot_id, "parent_snapshot_id": s.parent_snapshot_id,
                "sequence_number": s.sequence_number, "timestamp_ms": s.timestamp_ms,
                "operation": s.summary.operation.value if s.summary else None,
                "summary": dict(s.summary.additional_properties) if s.summary else {},
                "step": info["step_of"].get(s.snapshot_id), "is_current": s.snapshot_id == current,
                "is_current_ancestor": s.snapshot_id in lineage, "schema_id": s.schema_id, "schema": sj,
                "columns": normalize.schema_columns(sj),
                "data_files": kinds.count("data"), "position_delete_files": kinds.count("position_deletes"),
                "equality_delete_files": kinds.count("equality_deletes"),
                "equality_ids": sorted({tuple(f["equality_ids"]) for f in facts["files"] if f["equality_ids"]}),
                "files": facts["files"], "oracles": {}}
            entry["equality_ids"] = [list(x) for x in entry["equality_ids"]]
            entry["oracles"]["pyiceberg"] = write_oracle(
                out, fq, s.snapshot_id, "pyiceberg",
                lambda sid=s.snapshot_id: t.scan(snapshot_id=sid).to_arrow().to_pylist(), sj)
            if spark is not None:
                entry["oracles"]["spark"] = write_oracle(
                    out, fq, s.snapshot_id, "spark",
                    lambda sid=s.snapshot_id: spark.read.format("iceberg").option("snapshot-id", str(sid))
                    .load(f"{CATALOG_NAME}.{fq}").collect(), sj)
            snaps.append(entry)
        expected = info["expected_current"]
        cur_schema = next((x["schema"] for x in snaps if x["is_current"]), schema_json(md.schema()))
        tables[fq] = {
            "namespace": fq.split(".")[0], "name": fq.split(".", 1)[1], "writer": info["writer"],
            "description": info["description"], "steps": info["steps"], "format_version": md.format_version,
            "location": md.location, "metadata_location": t.metadata_location, "properties": dict(md.properties),
            "current_snapshot_id": current, "current_ancestry": lineage,
            "partition_specs": [json.loads(p.model_dump_json()) for p in md.partition_specs],
            "expired_snapshot_ids": info["expired_snapshot_ids"], "snapshots": snaps,
            "expected_current_rows": None if expected is None else normalize.normalise_rows(expected, cur_schema)}
        log(f"{fq}: {len(snaps)} snapshots ({', '.join(x['operation'] for x in snaps)})")
    return tables


# ---------------------------------------------------------------------------------------------------------------
# Build and cache


def build(out: Path, spark: bool = True) -> dict:
    """Build a complete warehouse in `out` (must not exist or be empty); returns the manifest."""
    from pyiceberg.catalog.sql import SqlCatalog

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise RuntimeError(f"{out} is not empty")
    t0 = time.time()
    timings = {}
    uri = f"sqlite:///{out / 'catalog.db'}"
    catalog = SqlCatalog(CATALOG_NAME, uri=uri, warehouse=f"file://{out}")
    rec = Recorder(catalog)
    build_pyiceberg_tables(catalog, rec)
    timings["pyiceberg_tables"] = round(time.time() - t0, 1)
    log(f"pyiceberg tables written in {timings['pyiceberg_tables']} s")
    scratch = out / "_scratch"
    session = None
    with utc_process_tz():
        try:
            if spark:
                t1 = time.time()
                session = start_spark(out, scratch)
                timings["spark_start"] = round(time.time() - t1, 1)
                t1 = time.time()
                build_spark_tables(session, rec)
                timings["spark_tables"] = round(time.time() - t1, 1)
                log(f"Spark tables written in {timings['spark_tables']} s")
            t1 = time.time()
            tables = collect(out, catalog, rec, session)
            timings["oracles"] = round(time.time() - t1, 1)
            java = session._jvm.java.lang.System.getProperty("java.version") if session is not None else None
            spark_version = session.version if session is not None else None
        finally:
            if session is not None:
                t1 = time.time()
                stop_spark(session)
                timings["spark_stop"] = round(time.time() - t1, 1)
    shutil.rmtree(scratch, ignore_errors=True)
    catalog.engine.dispose()
    timings["total"] = round(time.time() - t0, 1)
    manifest = {
        "format": MANIFEST_FORMAT, "fixtures_hash": fixtures_hash(spark), "built_at": dt.datetime.now(
            dt.timezone.utc).isoformat(timespec="seconds"), "spark": spark, "versions": {
            **versions(spark), "spark": spark_version, "java": java}, "timings_s": timings,
        "warehouse_dir": str(out),
        "catalog": {"type": "sql", "name": CATALOG_NAME, "uri": uri, "warehouse": f"file://{out}",
                    "sqlite_path": str(out / "catalog.db"), "jdbc_uri": f"jdbc:sqlite:{out / 'catalog.db'}",
                    "spark_catalog": {"spark.sql.catalog.default": "org.apache.iceberg.spark.SparkCatalog",
                                      "catalog-impl": "org.apache.iceberg.jdbc.JdbcCatalog",
                                      "jdbc.schema-version": "V1", "warehouse": f"file:{out}"},
                    "icegraph_args": ["--catalog-type", "sql", "--catalog-uri", uri, "--warehouse", str(out)]},
        "oracle_dir": ORACLE_DIR, "tables": tables}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"warehouse ready in {out} ({timings['total']} s)")
    return manifest


def load_manifest(warehouse: Path) -> dict:
    return json.loads((Path(warehouse) / MANIFEST).read_text(encoding="utf-8"))


def read_oracle(warehouse: Path, oracle: dict) -> list[dict] | None:
    """The normalised rows of one oracle entry of the manifest (None where that peer could not read)."""
    if "file" not in oracle:
        return None
    text = (Path(warehouse) / oracle["file"]).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def cached_warehouse(spark: bool = True, keep: int = 3) -> Path:
    """The warehouse for this fixture code and these versions, built once under ~/.cache/icegraph (rebuilt when
    missing or incomplete). Older warehouses beyond the `keep` most recent are removed."""
    root = cache_root()
    key = fixtures_hash(spark)
    wh = root / f"warehouse-{key}{'' if spark else '-nospark'}"
    with _locked(root / f"{wh.name}.lock"):
        if (wh / MANIFEST).exists():
            os.utime(wh)
            return wh
        if wh.exists():
            log(f"removing incomplete {wh}")
            shutil.rmtree(wh)
        log(f"building {wh} (cache key {key})")
        build(wh, spark=spark)
    _prune(root, keep)
    return wh


def _prune(root: Path, keep: int) -> None:
    done = sorted((p for p in root.glob("warehouse-*") if p.is_dir() and (p / MANIFEST).exists()),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    for old in done[keep:]:
        with contextlib.suppress(OSError):
            with _locked(root / f"{old.name}.lock"):
                shutil.rmtree(old, ignore_errors=True)
            (root / f"{old.name}.lock").unlink()
            log(f"removed old {old}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build a fresh warehouse in --out")
    b.add_argument("--out", required=True, type=Path)
    b.add_argument("--no-spark", action="store_true", help="pyiceberg tables and oracles only")
    c = sub.add_parser("cached", help="the cached warehouse (built when missing); prints its path")
    c.add_argument("--no-spark", action="store_true")
    sub.add_parser("jars", help="fetch the Spark jars into the cache; prints their paths")
    h = sub.add_parser("hash", help="print the cache key")
    h.add_argument("--no-spark", action="store_true")
    a = p.parse_args(argv)
    if a.cmd == "build":
        build(a.out, spark=not a.no_spark)
        print(a.out.resolve())
    elif a.cmd == "cached":
        print(cached_warehouse(spark=not a.no_spark))
    elif a.cmd == "jars":
        for j in ensure_jars():
            print(j)
    elif a.cmd == "hash":
        print(fixtures_hash(spark=not a.no_spark))
    return 0


if __name__ == "__main__":
    sys.exit(main())
