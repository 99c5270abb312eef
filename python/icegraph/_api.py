"""Runs the bundled ``icegraph`` binary and turns its JSON reports into dataclasses.

Every call is one process: ``icegraph <command> --config FILE --json``. The binary's logs (stderr) are captured and
attached to the exception when the command fails; stdout carries only the JSON report.
"""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

# Exit codes of the binary (README: "Exit codes").
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_SCHEMA_MISMATCH = 3
EXIT_DEAD_LETTERS = 4
EXIT_VALIDATION_MISMATCH = 5

PathLike = str | os.PathLike[str]


def binary_path() -> Path:
    """The ``icegraph`` executable shipped in this package (``site-packages/icegraph/bin/icegraph``)."""
    path = Path(__file__).resolve().parent / "bin" / "icegraph"
    if not path.is_file():
        raise FileNotFoundError(f"the icegraph binary is missing from the package: {path} (reinstall the wheel)")
    return path


class IcegraphError(RuntimeError):
    """A command exited non-zero. ``report`` is the parsed JSON report when the binary printed one."""

    def __init__(self, command: Sequence[str], exit_code: int, stderr: str, report: Any = None):
        self.command = list(command)
        self.exit_code = exit_code
        self.stderr = stderr
        self.report = report
        tail = "\n".join(stderr.strip().splitlines()[-20:])
        super().__init__(f"`{' '.join(self.command)}` exited {exit_code}" + (f":\n{tail}" if tail else ""))


class ConfigError(IcegraphError):
    """Exit 2: the config (or the command line) is invalid; nothing was written."""


class SchemaMismatchError(IcegraphError):
    """Exit 3: the live TigerGraph schema differs from the mapping (run ``icegraph schema --apply``)."""


class DeadLettersError(IcegraphError):
    """Exit 4: the run succeeded but left dead letters, and ``fail_on_dead_letters`` was set."""


class ValidationMismatchError(IcegraphError):
    """Exit 5: the graph does not match the tables (``sync.validate: after_sync``)."""


_ERRORS: dict[int, type[IcegraphError]] = {
    EXIT_CONFIG: ConfigError,
    EXIT_SCHEMA_MISMATCH: SchemaMismatchError,
    EXIT_DEAD_LETTERS: DeadLettersError,
    EXIT_VALIDATION_MISMATCH: ValidationMismatchError,
}


@dataclass(frozen=True)
class TableReport:
    """What one run did to one Iceberg table."""

    table: str
    mode: str  # full | incremental | resync | unchanged
    from_snapshot_id: int
    snapshots_applied: int
    snapshot_id: int
    files: int
    rows_read: int
    dead_letters: int


@dataclass(frozen=True)
class TypeReport:
    """Rows sent to, accepted and refused by TigerGraph, and deleted, for one vertex or edge type."""

    name: str
    kind: str  # vertex | edge
    sent: int
    accepted: int
    rejected: int
    deleted: int


@dataclass(frozen=True)
class RunReport:
    """The report of ``icegraph sync --json`` (one run, also kept in ``icegraph history``)."""

    run_id: int
    outcome: str  # succeeded | failed
    seconds: float
    dead_letters: int
    requests: int
    bytes: int
    bulk_rows: int
    upsert_rows: int
    resent_requests: int
    retries: int
    retry_reasons: Mapping[str, int]
    concurrency_cuts: int
    breaker_opened: bool
    error: str | None
    tables: tuple[TableReport, ...]
    types: Mapping[str, TypeReport]
    validation: Mapping[str, Any] | None
    raw: Mapping[str, Any] = field(repr=False)  # the JSON as printed, for fields added after this API

    @property
    def succeeded(self) -> bool:
        return self.outcome == "succeeded"

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> RunReport:
        return cls(
            run_id=int(j["run_id"]),
            outcome=str(j["outcome"]),
            seconds=float(j.get("seconds", 0.0)),
            dead_letters=int(j.get("dead_letters", 0)),
            requests=int(j.get("requests", 0)),
            bytes=int(j.get("bytes", 0)),
            bulk_rows=int(j.get("bulk_rows", 0)),
            upsert_rows=int(j.get("upsert_rows", 0)),
            resent_requests=int(j.get("resent_requests", 0)),
            retries=int(j.get("retries", 0)),
            retry_reasons={str(k): int(v) for k, v in j.get("retry_reasons", {}).items()},
            concurrency_cuts=int(j.get("concurrency_cuts", 0)),
            breaker_opened=bool(j.get("breaker_opened", False)),
            error=j.get("error"),
            tables=tuple(
                TableReport(
                    table=str(t["table"]),
                    mode=str(t["mode"]),
                    from_snapshot_id=int(t.get("from_snapshot_id", 0)),
                    snapshots_applied=int(t.get("snapshots_applied", 0)),
                    snapshot_id=int(t.get("snapshot_id", 0)),
                    files=int(t.get("files", 0)),
                    rows_read=int(t.get("rows_read", 0)),
                    dead_letters=int(t.get("dead_letters", 0)),
                )
                for t in j.get("tables", [])
            ),
            types={
                str(name): TypeReport(
                    name=str(name),
                    kind=str(t["kind"]),
                    sent=int(t.get("sent", 0)),
                    accepted=int(t.get("accepted", 0)),
                    rejected=int(t.get("rejected", 0)),
                    deleted=int(t.get("deleted", 0)),
                )
                for name, t in j.get("types", {}).items()
            },
            validation=j.get("validation"),
            raw=j,
        )


@dataclass(frozen=True)
class TypeValidation:
    """One vertex or edge type compared: TigerGraph's count against the tables', and sampled attributes."""

    type: str
    kind: str
    expected: int
    actual: int
    dead_letters: int
    sampled: int
    attribute_mismatches: int
    missing_keys: int
    ok: bool
    examples: tuple[str, ...]


@dataclass(frozen=True)
class ValidationReport:
    """The report of ``icegraph validate --json``."""

    run_id: int
    ok: bool
    seconds: float
    notes: tuple[str, ...]
    types: tuple[TypeValidation, ...]
    raw: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, j: Mapping[str, Any]) -> ValidationReport:
        return cls(
            run_id=int(j.get("run_id", 0)),
            ok=bool(j["ok"]),
            seconds=float(j.get("seconds", 0.0)),
            notes=tuple(str(n) for n in j.get("notes", [])),
            types=tuple(
                TypeValidation(
                    type=str(t["type"]),
                    kind=str(t["kind"]),
                    expected=int(t.get("expected", 0)),
                    actual=int(t.get("actual", 0)),
                    dead_letters=int(t.get("dead_letters", 0)),
                    sampled=int(t.get("sampled", 0)),
                    attribute_mismatches=int(t.get("attribute_mismatches", 0)),
                    missing_keys=int(t.get("missing_keys", 0)),
                    ok=bool(t["ok"]),
                    examples=tuple(str(e) for e in t.get("examples", [])),
                )
                for t in j.get("types", [])
            ),
            raw=j,
        )


def run(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    cwd: PathLike | None = None,
) -> subprocess.CompletedProcess[str]:
    """Runs ``icegraph ARGS`` and returns the finished process whatever its exit code (stdout and stderr captured).

    ``env`` entries are added to the current environment (for the ``${NAME}`` references of icegraph.yaml).
    """
    full_env = {**os.environ, **env} if env else None
    return subprocess.run(
        [str(binary_path()), *args], capture_output=True, text=True, env=full_env, timeout=timeout, cwd=cwd
    )


def _fail(proc: subprocess.CompletedProcess[str], report: Any = None) -> IcegraphError:
    cls = _ERRORS.get(proc.returncode, IcegraphError)
    return cls(proc.args, proc.returncode, proc.stderr, report)


def _parse_json(proc: subprocess.CompletedProcess[str]) -> Mapping[str, Any] | None:
    text = proc.stdout.strip()
    if not text.startswith("{"):
        return None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


def version(*, timeout: float | None = 30) -> str:
    """``icegraph --version``: the version, git revision and the Arrow C++ version and library loaded."""
    proc = run(["--version"], timeout=timeout)
    if proc.returncode != 0:
        raise _fail(proc)
    return proc.stdout.strip()


def sync(
    config: PathLike,
    full: bool = False,
    *,
    since: str | None = None,
    threads: int | None = None,
    lock_wait_s: int | None = None,
    fail_on_dead_letters: bool = False,
    skip_check: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> RunReport:
    """Runs ``icegraph sync --config CONFIG --json`` and returns its report.

    Without ``full``, tables with a checkpoint get the changes of the snapshots after it; the others are read in
    full. ``since`` (``YYYY-MM-DDTHH:MM:SS``, UTC) runs the micro-batch mode instead. Raises :class:`IcegraphError`
    (a subclass for exit codes 2 to 5) when the run fails; its ``report`` is the :class:`RunReport` when the run
    got far enough to print one (a failed outcome, dead letters with ``fail_on_dead_letters``).
    """
    args = ["sync", "--config", os.fspath(config), "--json"]
    if full:
        args.append("--full")
    if since is not None:
        args += ["--since", since]
    if threads is not None:
        args += ["--threads", str(threads)]
    if lock_wait_s is not None:
        args += ["--lock-wait", str(lock_wait_s)]
    if fail_on_dead_letters:
        args.append("--fail-on-dead-letters")
    if skip_check:
        args.append("--skip-check")
    proc = run(args, env=env, timeout=timeout)
    parsed = _parse_json(proc)
    report = RunReport.from_json(parsed) if parsed is not None and "outcome" in parsed else None
    if proc.returncode != 0:
        raise _fail(proc, report)
    if report is None:
        raise IcegraphError(proc.args, proc.returncode, proc.stderr + "\n(no JSON report on stdout)")
    return report


def validate(
    config: PathLike,
    *,
    sample: int = 100,
    seed: int = 1,
    raise_on_mismatch: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> ValidationReport:
    """Runs ``icegraph validate --config CONFIG --json``: the graph against the tables at their checkpoints.

    A mismatch is a result, not an error: the report has ``ok == False`` (unless ``raise_on_mismatch``, which
    raises :class:`ValidationMismatchError` carrying the report). Other failures raise :class:`IcegraphError`.
    """
    args = ["validate", "--config", os.fspath(config), "--json", "--sample", str(sample), "--seed", str(seed)]
    proc = run(args, env=env, timeout=timeout)
    parsed = _parse_json(proc)
    report = ValidationReport.from_json(parsed) if parsed is not None and "ok" in parsed else None
    if proc.returncode == EXIT_VALIDATION_MISMATCH and report is not None and not raise_on_mismatch:
        return report
    if proc.returncode != 0:
        raise _fail(proc, report)
    if report is None:
        raise IcegraphError(proc.args, proc.returncode, proc.stderr + "\n(no JSON report on stdout)")
    return report
