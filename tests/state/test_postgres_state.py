"""The PostgreSQL state store's GoogleTests, run against the session's throwaway PostgreSQL server."""
import os
import re
import subprocess
from pathlib import Path

from ..conftest import ROOT

# Every test the filter selects; a lower count means a test was lost or skipped without the server.
EXPECTED_TESTS = 18


def unit_tests_bin() -> str:
    path = os.environ.get("ICEGRAPH_UNIT_TESTS", str(ROOT / "build" / "release" / "bin" / "icegraph_unit_tests"))
    if not Path(path).exists():
        raise RuntimeError(f"unit test binary not found at {path}: run `make build` first")
    return path


def test_postgres_state_store(postgres_url):
    env = dict(os.environ, ICEGRAPH_TEST_POSTGRES_URL=postgres_url)
    proc = subprocess.run([unit_tests_bin(), "--gtest_filter=PostgresStateStore*", "--gtest_color=no"], env=env,
                          capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "[  SKIPPED ]" not in out, out
    passed = re.search(r"\[  PASSED  \] (\d+) tests?\.", out)
    assert passed is not None and int(passed.group(1)) == EXPECTED_TESTS, out
