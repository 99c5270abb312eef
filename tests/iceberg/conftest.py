"""The Iceberg fixture warehouse (fixtures.py), built once per test session and cached across sessions.

`iceberg_warehouse` (session scope) is the warehouse: tables written by pyiceberg and Spark in one SQL catalog on
SQLite, with oracle rows per snapshot. It lives in ~/.cache/icegraph/warehouse-<hash> (ICEGRAPH_CACHE_DIR moves the
cache root), the hash covering fixtures.py, normalize.py and the versions of pyiceberg, pyarrow, pyspark and the
Spark jars; a missing or incomplete one is rebuilt, which is the only time Spark starts (and it is stopped before
the tests run). Set ICEGRAPH_ICEBERG_WAREHOUSE=DIR to use a warehouse built elsewhere (`fixtures.py build --out`).

Tests that take an `ice_table` argument run once per table, those that take `ice_snapshot` once per table and
snapshot (ids like `spark.mor_delete-s2-delete`: the snapshot's index in the table's metadata and its operation);
cases of tables Spark wrote are marked slow. The warehouse is built while tests are collected, since the cases
come from its manifest.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import fixtures as ice


@dataclass
class Warehouse:
    dir: Path | None
    manifest: dict | None
    error: str | None = None

    @property
    def tables(self) -> dict:
        return self.manifest["tables"]

    def table(self, fq: str) -> dict:
        return self.tables[fq]

    def snapshot(self, fq: str, snapshot_id: int) -> dict:
        return next(s for s in self.table(fq)["snapshots"] if s["snapshot_id"] == snapshot_id)

    def current(self, fq: str) -> dict:
        return next(s for s in self.table(fq)["snapshots"] if s["is_current"])

    def oracle(self, fq: str, snapshot_id: int, reader: str) -> list[dict] | None:
        """Normalised rows of one snapshot as `reader` (pyiceberg or spark) read them; None if it could not."""
        o = self.snapshot(fq, snapshot_id)["oracles"].get(reader)
        return None if o is None else ice.read_oracle(self.dir, o)

    def oracle_error(self, fq: str, snapshot_id: int, reader: str) -> str | None:
        o = self.snapshot(fq, snapshot_id)["oracles"].get(reader)
        return None if o is None else o.get("error")

    def cli_args(self) -> list[str]:
        """Catalog arguments of `icegraph iceberg ...` for this warehouse."""
        c = self.manifest["catalog"]
        args = ["--catalog-type", "sql", "--catalog-uri", c["uri"], "--warehouse", self.manifest["warehouse_dir"]]
        if c["name"] != "default":
            args += ["--catalog-name", c["name"]]
        return args


_KEY = pytest.StashKey[Warehouse]()


def warehouse_for(config: pytest.Config) -> Warehouse:
    """The session's warehouse, built (or found in the cache) on first use; a failure is kept, not raised, so that
    only the tests that need the warehouse fail."""
    if _KEY in config.stash:
        return config.stash[_KEY]
    try:
        given = os.environ.get("ICEGRAPH_ICEBERG_WAREHOUSE")
        wh = Path(given).resolve() if given else ice.cached_warehouse(spark=True)
        w = Warehouse(wh, ice.load_manifest(wh))
    except Exception as e:  # noqa: BLE001
        w = Warehouse(None, None, f"{type(e).__name__}: {e}")
    config.stash[_KEY] = w
    return w


@pytest.fixture(scope="session")
def iceberg_warehouse(request) -> Warehouse:
    w = warehouse_for(request.config)
    if w.error:
        pytest.fail(f"building the Iceberg fixture warehouse failed: {w.error}", pytrace=False)
    return w


def _marks(table: dict) -> list:
    return [] if table["writer"] == "pyiceberg" else [pytest.mark.slow]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    names = metafunc.fixturenames
    if "ice_table" not in names and "ice_snapshot" not in names:
        return
    w = warehouse_for(metafunc.config)
    argname = "ice_snapshot" if "ice_snapshot" in names else "ice_table"
    if w.error:
        metafunc.parametrize(argname, [pytest.param(None, id="warehouse-build-failed")])
        return
    params = []
    for fq, t in w.tables.items():
        if argname == "ice_table":
            params.append(pytest.param(fq, id=fq, marks=_marks(t)))
            continue
        for i, s in enumerate(t["snapshots"]):
            params.append(pytest.param((fq, s["snapshot_id"]), id=f"{fq}-s{i}-{s['operation']}", marks=_marks(t)))
    metafunc.parametrize(argname, params)
