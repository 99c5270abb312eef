"""Scenario files (tests/sync/scenarios/*.yaml), one pytest case per file, in the spirit of DuckDB's .test files:
data, not code. Each file gives

    description: what it proves
    tables:  {name: {column: string|int|long|double|bool|timestamptz, ...}}     (namespace `lab`)
    config:  {sink: {...}, sync: {...}}                                       (optional icegraph.yaml sections)
    variants: [{sink: {mode: bulk}}, {sink: {mode: upsert}}]                   (optional: one case per variant)
    mapping: [the icegraph.yaml `mappings:` list]
    steps:   a list, each one of
      append: {table, rows, label?}            delete: {table, filter, label?}     (pyiceberg filter text)
      overwrite: {table, filter, rows}         upsert: {table, rows, key: [cols]}
      rewrite: {table}                         compact: {table}                     (copy-on-write / replace snapshot)
      mor_delete: {table, where}               mor_update: {table, set, where}      (Spark SQL, merge-on-read: slow)
      add_column: {table, column, type}        rename_column: {table, from, to}
      rollback: {table, to: label}             expire: {table}                      (every snapshot but the current)
      mapping: [a new mappings list]           drift: {delete_vertex|delete_edge|upsert_vertex|upsert_edge: ...}
      run: sync | full | {kind: sync|full, crash: "failpoint=n"}   (a crash is always followed by a clean rerun)
      check: invariant                         (graph = fresh `sync --full` = oracle; dead letters = bad rows)
      check: {graph: {Type: {id: attrs}, EDGE: [[from, to, attrs]]}, dead_letters: [[mapping, reason, row_key]],
              last_run: {types: {T: {sent: n, deleted: n}}}, last_run_modes: {lab.t: incremental}}

Types not named under `graph:` must be empty. See exactness.py for the machinery and the oracle's semantics."""
from pathlib import Path

import pytest
import yaml

from .exactness import SPARK_STEPS, World, execute

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.yaml"))


def cases():
    for path in SCENARIOS:
        spec = yaml.safe_load(path.read_text())
        variants = spec.get("variants") or [None]
        spark = any(next(iter(step)) in SPARK_STEPS for step in spec["steps"])
        for i, v in enumerate(variants):
            label = path.stem if v is None else f"{path.stem}-{(v.get('sink') or {}).get('mode') or i}"
            yield pytest.param(path, v, id=label, marks=[pytest.mark.slow] if spark else [])


def merged(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = merged(out.get(k) or {}, v) if isinstance(v, dict) else v
    return out


@pytest.fixture
def reference_emulator(emulator_factory):
    return emulator_factory("--username", "tigergraph", "--password", "tigergraph")


@pytest.mark.parametrize("path,variant", cases())
def test_scenario(path, variant, emulator, reference_emulator, tmp_path):
    spec = yaml.safe_load(path.read_text())
    assert spec.get("steps"), f"{path.name}: no steps"
    if variant:
        spec["config"] = merged(spec.get("config") or {}, variant)
    world = World(tmp_path, emulator, reference_emulator, spec)
    try:
        execute(world, spec["steps"])
    finally:
        world.close()
