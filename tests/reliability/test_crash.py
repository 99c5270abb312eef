"""Crash harness: a full and an incremental sync SIGKILLed at seeded points, then rerun to completion.

Kill points are of two sorts, half each: fail points (ICEGRAPH_FAILPOINTS, the process kills itself at the n-th pass
through a named place: after TigerGraph acknowledged a request, between flush and checkpoint, right after a
checkpoint moved...), drawn with a seeded RNG from the passes an uninterrupted run makes; and SIGKILL sent from
outside at seeded times within an uninterrupted run's duration. After each kill the sync is rerun: the graph must
equal the oracle (nothing lost, duplicated, extra or stale), every checkpoint must be at the current snapshot, and
the dead letters must be exactly the bad rows. The subset (make test) is 6 points per kind; the full set
(make reliability) 24."""
import json
import os
import random
import signal
import subprocess
import time

import pytest

from ..conftest import icegraph_bin
from .conftest import FULL, record, run_icegraph

POINTS = 24 if FULL else 6
SEED = 20261129


def start_sync(config, env=None):
    return subprocess.Popen([icegraph_bin(), "sync", "--json", "--config", str(config)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def traced_run(world, kind, tmp_path):
    """An uninterrupted run: its duration and every fail-point pass [(name, n)]."""
    emu, config = world.trial(kind)
    trace = tmp_path / f"trace-{kind}.txt"
    env = dict(os.environ, ICEGRAPH_FAILPOINTS_TRACE=str(trace))
    t0 = time.monotonic()
    out = run_icegraph("sync", "--json", config=config, env=env)
    duration = time.monotonic() - t0
    assert json.loads(out.stdout)["outcome"] == "succeeded"
    assert world.compare(emu) == {"lost": 0, "duplicated": 0, "extra": 0, "changed": 0}
    emu.stop()
    passes = [tuple(line.split()) for line in trace.read_text().splitlines()]
    return duration, [(name, int(n)) for name, n in passes]


def kill_points(duration, passes, rng):
    """POINTS seeded kill points: ("failpoint", "name=n") or ("time", seconds)."""
    names = sorted({name for name, _ in passes})
    half = POINTS // 2
    chosen = []
    # Every kind of fail point at least once (at a random pass), then random passes.
    for name in names[:half]:
        chosen.append(rng.choice([p for p in passes if p[0] == name]))
    while len(chosen) < half:
        chosen.append(rng.choice(passes))
    points = [("failpoint", f"{name}={n}") for name, n in chosen]
    points += [("time", round(rng.uniform(0.05, 0.95) * duration, 3)) for _ in range(POINTS - half)]
    return points


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["full", "incremental"])
def test_sigkill_at_seeded_points_then_rerun_is_exact(world, kind, tmp_path):
    duration, passes = traced_run(world, kind, tmp_path)
    assert {name for name, _ in passes} >= {"sink.request_done", "sync.checkpoint_before", "sync.checkpoint_moved",
                                             "sync.flushed"}, passes
    rng = random.Random(SEED + (kind == "incremental"))
    points = kill_points(duration, passes, rng)
    assert len(points) >= (20 if FULL else 6)
    killed = 0
    for how, where in points:
        emu, config = world.trial(kind)
        env = dict(os.environ)
        if how == "failpoint":
            env["ICEGRAPH_FAILPOINTS"] = where
        proc = start_sync(config, env)
        try:
            if how == "time":
                try:
                    proc.wait(timeout=where)
                except subprocess.TimeoutExpired:
                    proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=30)
        was_killed = proc.returncode == -signal.SIGKILL
        killed += was_killed
        t0 = time.monotonic()
        report = json.loads(run_icegraph("sync", "--json", config=config).stdout)
        rerun_s = time.monotonic() - t0
        diff = world.compare(emu)
        checkpoints = world.checkpoints(config)
        letters = world.dead_letter_keys(config)
        record(suite="crash", kind=kind, kill=how, at=where, killed=was_killed, rerun_outcome=report["outcome"],
               rerun_seconds=round(rerun_s, 2), exact=diff == {"lost": 0, "duplicated": 0, "extra": 0, "changed": 0},
               **diff, checkpoints_current=checkpoints == world.current, dead_letters_exact=letters ==
               world.expected_dead_letters(kind))
        assert report["outcome"] == "succeeded", (how, where, report)
        assert diff == {"lost": 0, "duplicated": 0, "extra": 0, "changed": 0}, (how, where, diff)
        assert checkpoints == world.current, (how, where, checkpoints)
        assert letters == world.expected_dead_letters(kind), (how, where, letters)
        emu.stop()
    # The points must really interrupt runs, not land after they ended.
    assert killed >= len(points) * 3 // 4, f"only {killed} of {len(points)} kill points interrupted a run"


@pytest.mark.slow
def test_two_syncs_at_once_one_applies_the_other_waits_or_exits_clearly(world):
    emu, config = world.trial("incremental")
    a, b = start_sync(config), start_sync(config)
    outs = [p.communicate(timeout=300) for p in (a, b)]
    codes = sorted([a.returncode, b.returncode])
    reports = [json.loads(o[0]) for o in outs if o[0].strip().startswith("{")]
    succeeded = [r for r in reports if r["outcome"] == "succeeded"]
    applied = [r for r in succeeded if any(t["snapshots_applied"] for t in r["tables"])]
    assert len(applied) == 1, reports
    if codes != [0, 0]:
        # The loser exits 1 naming the holder of the pipeline's lock.
        loser = outs[[a.returncode, b.returncode].index(1)]
        assert "is locked by another icegraph process" in loser[1], loser[1]
    assert world.compare(emu) == {"lost": 0, "duplicated": 0, "extra": 0, "changed": 0}
    assert world.checkpoints(config) == world.current
    emu.stop()
    # With --lock-wait on both, whichever comes second waits for the first, then finds nothing left to apply.
    emu, config = world.trial("incremental")
    procs = [subprocess.Popen([icegraph_bin(), "sync", "--json", "--lock-wait", "120", "--config", str(config)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    applied = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        applied.append(sum(t["snapshots_applied"] for t in json.loads(out)["tables"]))
    assert sorted(applied)[0] == 0 and sorted(applied)[1] > 0, applied
    assert world.compare(emu) == {"lost": 0, "duplicated": 0, "extra": 0, "changed": 0}
    assert world.checkpoints(config) == world.current
