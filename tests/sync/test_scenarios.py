"""Scenario files (tests/sync/scenarios/*.yaml), one pytest case per file, in the spirit of DuckDB's .test files:
data, not code. Each file gives

    description: what it proves
    tables:  {name: {column: string|int|long|double|bool|timestamptz, ...}}     (namespace `lab`)
    config:  {sink: {...}, sync: {...}}                                       (optional icegraph.yaml sections)
    mapping: [the icegraph.yaml `mappings:` list]
    steps:   a list, each one of
      append: {table, rows, label?}            delete: {table, filter, label?}     (pyiceberg filter text)
      overwrite: {table, filter, rows}         upsert: {table, rows, key: [cols]}
      rewrite: {table}                         compact: {table}                     (copy-on-write / replace snapshot)
      add_column: {table, column, type}        rename_column: {table, from, to}
      rollback: {table, to: label}             expire: {table}                      (every snapshot but the current)
      mapping: [a new mappings list]           drift: {delete_vertex|delete_edge|upsert_vertex|upsert_edge: ...}
      run: sync | full | {kind: sync|full, crash: "failpoint=n"}   (a crash is always followed by a clean rerun)
      check: invariant                         (graph = fresh `sync --full` = oracle; dead letters = bad rows)
      check: {graph: {Type: {id: attrs}, EDGE: [[from, to, attrs]]}, dead_letters: [[mapping, reason, row_key]]}

Types not named under `graph:` must be empty. See exactness.py for the machinery and the oracle's semantics."""
from pathlib import Path

import pytest
import yaml

from .exactness import World, execute

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))


@pytest.fixture
def reference_emulator(emulator_factory):
    return emulator_factory("--username", "tigergraph", "--password", "tigergraph")


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path, emulator, reference_emulator, tmp_path):
    spec = yaml.safe_load(path.read_text())
    assert spec.get("steps"), f"{path.name}: no steps"
    world = World(tmp_path, emulator, reference_emulator, spec)
    execute(world, spec["steps"])
