"""icegraph's Iceberg reader against the oracles, row for row, on every table and snapshot of the fixture warehouse.

The contract (`icegraph iceberg scan`):

    icegraph iceberg scan --catalog-type sql --catalog-uri sqlite:///<catalog.db> --warehouse <dir>
                          <namespace.table> [--snapshot-id <id>] --format jsonl

prints one JSON object per row, keys = the column names of the snapshot's schema (every column, null as JSON null),
values in any form normalize.py accepts for the column's Iceberg type; in short: numbers for int/long/float/double
(NaN and infinities as "NaN"/"Infinity"/"-Infinity" strings or JSON tokens), decimals as strings (or exact JSON
numbers), date/time/timestamps as ISO-8601 text (timestamptz with Z or an offset) or as integers (days, µs),
uuid as its text, binary and fixed as lowercase hex, structs as objects, lists as arrays, maps as objects (string
keys) or arrays of [key, value] / {"key", "value"}. The rows are normalised with the snapshot's schema and compared,
as sorted multisets, with what pyiceberg and Spark read (both where both can: they agree, test_fixtures checks).

The tests are skipped, all of them, only when the binary has no `iceberg scan` sub-command.
"""
from __future__ import annotations

import subprocess

import pytest

from ..conftest import icegraph_bin
from . import normalize

TIMEOUT_S = 120


@pytest.fixture(scope="module")
def icegraph():
    binary = icegraph_bin()
    probe = subprocess.run([binary, "iceberg", "scan", "--help"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"{binary} has no `iceberg scan` sub-command yet (exit {probe.returncode})")
    return binary


def scan(icegraph: str, warehouse, fq: str, snapshot_id: int | None) -> subprocess.CompletedProcess:
    cmd = [icegraph, "iceberg", "scan", *warehouse.cli_args(), fq]
    if snapshot_id is not None:
        cmd += ["--snapshot-id", str(snapshot_id)]
    cmd += ["--format", "jsonl"]
    return subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S)


def scanned_rows(icegraph: str, warehouse, fq: str, snapshot_id: int | None) -> list[dict]:
    out = scan(icegraph, warehouse, fq, snapshot_id)
    command = " ".join(str(a) for a in out.args)
    if out.returncode != 0:
        pytest.fail(f"`{command}` exited {out.returncode}:\n{out.stderr.decode('utf-8', 'replace')[-3000:]}",
                    pytrace=False)
    try:
        return normalize.loads_jsonl(out.stdout.decode("utf-8"))
    except ValueError as e:
        problem = str(e)
    pytest.fail(f"`{command}` printed something that is not JSON lines ({problem}); first bytes: "
                f"{out.stdout[:300]!r}", pytrace=False)


def compare(warehouse, fq: str, snapshot: dict, rows: list[dict]) -> None:
    try:
        ours, problem = normalize.normalise_rows(rows, snapshot["schema"]), None
    except normalize.NormaliseError as e:
        ours, problem = None, str(e)
    if problem is not None:
        pytest.fail(f"{fq} snapshot {snapshot['snapshot_id']}: a value icegraph printed is not of the column's "
                    f"type: {problem}", pytrace=False)
    compared = []
    for reader in ("pyiceberg", "spark"):
        expected = warehouse.oracle(fq, snapshot["snapshot_id"], reader)
        if expected is None:
            continue
        compared.append(reader)
        diff = normalize.diff_rows(expected, ours)
        assert not diff, (f"{fq} snapshot {snapshot['snapshot_id']} ({snapshot['operation']}: {snapshot['step']}) "
                          f"differs from {reader}:\n{diff}")
    assert compared, f"no oracle for {fq} snapshot {snapshot['snapshot_id']}"


def test_scan_matches_oracles(icegraph, iceberg_warehouse, ice_snapshot):
    fq, sid = ice_snapshot
    snapshot = iceberg_warehouse.snapshot(fq, sid)
    rows = scanned_rows(icegraph, iceberg_warehouse, fq, sid)
    compare(iceberg_warehouse, fq, snapshot, rows)


def test_scan_without_snapshot_id_reads_the_current_one(icegraph, iceberg_warehouse, ice_table):
    rows = scanned_rows(icegraph, iceberg_warehouse, ice_table, None)
    compare(iceberg_warehouse, ice_table, iceberg_warehouse.current(ice_table), rows)


@pytest.mark.slow
def test_scan_of_an_expired_snapshot_fails(icegraph, iceberg_warehouse):
    """An expired snapshot is no longer in the metadata: the reader must say so, not print rows."""
    t = iceberg_warehouse.table("spark.expired")
    for sid in t["expired_snapshot_ids"]:
        out = scan(icegraph, iceberg_warehouse, "spark.expired", sid)
        assert out.returncode != 0, f"scan of expired snapshot {sid} succeeded: {out.stdout[:500]!r}"
        assert not out.stdout.strip(), "rows printed for an expired snapshot"
        assert str(sid) in out.stderr.decode("utf-8", "replace"), "the error should name the snapshot"
