"""icegraph keeps a TigerGraph graph in sync with Apache Iceberg tables.

The package carries the ``icegraph`` binary (``icegraph --help``) and a small typed API that runs it::

    import icegraph

    report = icegraph.sync("icegraph.yaml")          # incremental where checkpoints exist, else full
    print(report.outcome, report.dead_letters, [t.rows_read for t in report.tables])
    check = icegraph.validate("icegraph.yaml", sample=50)
    assert check.ok

Errors raise :class:`IcegraphError` (or a subclass naming the exit code) with the exit code and stderr.
"""
from ._api import (
    ConfigError,
    DeadLettersError,
    IcegraphError,
    RunReport,
    SchemaMismatchError,
    TableReport,
    TypeReport,
    TypeValidation,
    ValidationMismatchError,
    ValidationReport,
    binary_path,
    run,
    sync,
    validate,
    version,
)

__all__ = [
    "ConfigError",
    "DeadLettersError",
    "IcegraphError",
    "RunReport",
    "SchemaMismatchError",
    "TableReport",
    "TypeReport",
    "TypeValidation",
    "ValidationMismatchError",
    "ValidationReport",
    "binary_path",
    "run",
    "sync",
    "validate",
    "version",
]
