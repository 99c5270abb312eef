"""Random histories: seeded histories of commits over five related tables interleaved with runs (incremental,
full, crashed at a random fail point then rerun), with the invariant of exactness.py checked after EVERY run: the
graph equals a fresh `sync --full` of the current tables into an empty graph and the independent oracle, and the
dead letters are exactly the current bad rows, each once.

The model: people → Person (UINT age, score) + Country (derived) + LIVES_IN (a table feeding vertices and an
edge); extra → Person's nickname (a second table feeding Person); companies → Company;
works → WORKS_AT Person→Company, multi-edges by the discriminator wid; knows → KNOWS Person→Person. Foreign keys
are drawn from live, deleted and never-seen ids; bad values (negative UINT, NaN, year-1000 timestamps, empty ids,
null discriminators) and nulls are mixed in. Commits: append, delete by filter, overwrite by filter, upsert,
copy-on-write rewrite, compaction, add column, expire snapshots (so checkpoints expire), rollback. Country and the
second feed of Person say `owner: false`, as configurations written before every mapped type was reconciled do:
the flag is read and has no effect, so those types must be exact too.

`make test` runs HISTORIES (50) histories of 20 commits from fixed seeds; `make soak` any number
(SOAK_HISTORIES, SOAK_SEED). Histories run HISTORY_JOBS (2) at a time, each worker with its own pair of emulators.
A failing history is delta-debugged (steps dropped while it still fails, within HISTORY_MINIMISE_S seconds) and
printed as a ready-to-paste scenario file with its seed."""
import os
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from .exactness import FAILPOINTS, HistoryError, World, execute, history_yaml

HISTORIES = int(os.environ.get("ICEGRAPH_HISTORIES", "50"))
FIRST_SEED = int(os.environ.get("ICEGRAPH_HISTORY_SEED", "1200"))
COMMITS = int(os.environ.get("ICEGRAPH_HISTORY_COMMITS", "20"))
JOBS = int(os.environ.get("HISTORY_JOBS", "2"))
MINIMISE_S = float(os.environ.get("HISTORY_MINIMISE_S", "120"))
MINIMISE_COUNT = int(os.environ.get("HISTORY_MINIMISE_COUNT", "3"))  # failures minimised per test run (the rest: seed)

TABLES = {
    "people": {"pid": "string", "name": "string", "age": "long", "score": "double", "country": "string"},
    "extra": {"pid": "string", "nickname": "string"},
    "companies": {"cid": "string", "name": "string", "founded": "timestamptz"},
    "works": {"wid": "string", "pid": "string", "cid": "string", "since": "timestamptz", "role": "string"},
    "knows": {"src": "string", "dst": "string", "weight": "double"},
}
KEYS = {"people": ["pid"], "extra": ["pid"], "companies": ["cid"], "works": ["wid"], "knows": ["src", "dst"]}
MAPPING = yaml.safe_load("""
- table: lab.people
  vertices:
    - {type: Person, id: pid, attributes: {name: name, age: {expr: age, type: UINT}, score: score}}
    - {type: Country, id: country, owner: false}
  edges:
    - {type: LIVES_IN, from: {type: Person, id: pid}, to: {type: Country, id: country}}
- table: lab.extra
  vertices:
    - {type: Person, id: pid, attributes: {nickname: nickname}, owner: false}
- table: lab.companies
  vertices:
    - {type: Company, id: cid, attributes: {name: name, founded: founded}}
- table: lab.works
  edges:
    - {type: WORKS_AT, from: {type: Person, id: pid}, to: {type: Company, id: cid},
       attributes: {wid: wid, since: since, role: role}, discriminator: [wid]}
- table: lab.knows
  edges:
    - {type: KNOWS, from: {type: Person, id: src}, to: {type: Person, id: dst}, attributes: {weight: weight}}
""")
PEOPLE = [f"p{i}" for i in range(12)]
COMPANIES = [f"c{i}" for i in range(5)]
NAMES = ["Ann", "Bob", "Cyd", "Dee", "Eve", "Fay"]


def spec_for(seed):
    mode = ["bulk", "upsert", "auto"][seed % 3]
    return {"tables": TABLES, "config": {"sink": {"mode": mode}}, "mapping": MAPPING}


class Generator:
    """A seeded history of steps (plain data, the scenario-file format) and a model of each table's rows, enough
    to draw keys that exist, existed or never did."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.rows = {t: [] for t in TABLES}
        self.extra_cols = {t: [] for t in TABLES}
        self.chain = {t: [] for t in TABLES}  # labels of the table's current ancestry, with the model at each
        self.expired = set()
        self.n = 0
        self.wid = 0

    # -- values
    def ts(self):
        if self.rng.random() < 0.07:
            return "1000-01-01T00:00:00Z"  # out of DATETIME's range: a dead letter
        return f"20{self.rng.randint(10, 25)}-0{self.rng.randint(1, 9)}-1{self.rng.randint(0, 9)}T0{self.rng.randint(0, 9)}:30:15Z"

    def maybe_null(self, v, p=0.1):
        return None if self.rng.random() < p else v

    def pid(self):
        return "" if self.rng.random() < 0.03 else self.rng.choice(PEOPLE)

    def row(self, table, key=None):
        # `key` None: a new key; else that key, even the empty id "" (an overwrite of the row with the empty id must
        # not give it a random existing id, which would make two rows of one key: outside the contract).
        r, rng = self.rng, self.rng
        if table == "people":
            age = rng.randint(0, 90) if r.random() > 0.08 else -rng.randint(1, 5)
            row = {"pid": self.pid() if key is None else key, "name": self.maybe_null(rng.choice(NAMES)),
                   "age": self.maybe_null(age, 0.05),
                   "score": float("nan") if r.random() < 0.05 else self.maybe_null(round(rng.uniform(0, 100), 2)),
                   "country": self.maybe_null(rng.choice(["FR", "DE", "IT"]), 0.05)}
        elif table == "extra":
            row = {"pid": self.pid() if key is None else key,
                   "nickname": self.maybe_null(rng.choice(["ace", "bee", "cat"]))}
        elif table == "companies":
            row = {"cid": rng.choice(COMPANIES) if key is None else key,
                   "name": self.maybe_null(rng.choice(["Acme", "Bolt"])),
                   "founded": self.maybe_null(self.ts())}
        elif table == "works":
            if key is None:
                self.wid += 1
                key = None if r.random() < 0.04 else f"w{self.wid}"
            row = {"wid": key, "pid": self.maybe_null(rng.choice(PEOPLE), 0.03), "cid": rng.choice(COMPANIES),
                   "since": self.maybe_null(self.ts()), "role": self.maybe_null(rng.choice(["dev", "ops"]))}
        else:
            src, dst = (rng.choice(PEOPLE), rng.choice(PEOPLE)) if key is None else key
            row = {"src": src, "dst": dst, "weight": float("nan") if r.random() < 0.05 else
                   self.maybe_null(round(rng.uniform(0, 1), 2))}
        for c in self.extra_cols[table]:
            row[c] = self.maybe_null(f"x{rng.randint(0, 9)}", 0.3)
        return row

    def key(self, table, row):
        return tuple(row[k] for k in KEYS[table])

    def live_keys(self, table):
        return [self.key(table, r) for r in self.rows[table] if None not in self.key(table, r)]

    def fresh_rows(self, table, count):
        """New rows whose keys the table does not hold (unique keys keep the oracle unambiguous)."""
        taken = set(self.live_keys(table))
        out = []
        for _ in range(count * 4):
            row = self.row(table)
            k = self.key(table, row)
            if None in k or k not in taken:
                taken.add(k)
                out.append(row)
            if len(out) == count:
                break
        return out

    @staticmethod
    def filter_for(table, keys):
        cols = KEYS[table]
        if len(cols) == 1:
            return f"{cols[0]} IN ({', '.join(repr(k[0]) for k in keys)})"
        return " OR ".join(f"({cols[0]} == {k[0]!r} AND {cols[1]} == {k[1]!r})" for k in keys)

    # -- commits
    def commit(self):
        rng = self.rng
        table = rng.choice(list(TABLES))
        kinds = ["append"] * 5 + ["delete"] * 3 + ["overwrite"] * 2 + ["upsert"] * 3 + ["rewrite", "compact",
                                                                                          "add_column", "expire",
                                                                                          "rollback", "rollback"]
        kind = rng.choice(kinds)
        live = self.live_keys(table)
        if kind in ("delete", "overwrite", "upsert", "rewrite", "compact") and not live:
            kind = "append"
        if kind == "rollback" and len([x for x in self.chain[table][:-1] if x[0] not in self.expired]) == 0:
            kind = "append"
        if kind == "expire" and len(self.chain[table]) < 2:
            kind = "append"
        self.n += 1
        label = f"s{self.n}"
        if kind == "append":
            rows = self.fresh_rows(table, rng.randint(1, 3))
            self.rows[table] += rows
            step = {"append": {"table": table, "rows": rows}}
        elif kind == "delete":
            if table == "people" and rng.random() < 0.3:
                filt = f"age < {rng.randint(5, 40)}"
                self.rows[table] = [r for r in self.rows[table] if not (r["age"] is not None and
                                                                         r["age"] < int(filt.split()[-1]))]
            else:
                keys = rng.sample(live, min(len(live), rng.randint(1, 2)))
                filt = self.filter_for(table, keys)
                self.rows[table] = [r for r in self.rows[table] if self.key(table, r) not in keys]
            step = {"delete": {"table": table, "filter": filt}}
        elif kind == "overwrite":
            keys = rng.sample(live, min(len(live), rng.randint(1, 3)))
            kept = [self.row(table, key=k if len(k) > 1 else k[0]) for k in keys if rng.random() < 0.6]
            kept += [r for r in self.fresh_rows(table, 1) if self.key(table, r) not in keys][:rng.randint(0, 1)]
            self.rows[table] = [r for r in self.rows[table] if self.key(table, r) not in keys] + kept
            step = {"overwrite": {"table": table, "filter": self.filter_for(table, keys), "rows": kept}}
        elif kind == "upsert":
            keys = rng.sample(live, min(len(live), rng.randint(1, 2)))
            rows = [self.row(table, key=k if len(k) > 1 else k[0]) for k in keys]
            rows += [r for r in self.fresh_rows(table, 1) if None not in self.key(table, r)]
            seen, uniq = set(), []
            for r in rows:
                if self.key(table, r) not in seen:
                    seen.add(self.key(table, r))
                    uniq.append(r)
            changed = {self.key(table, r) for r in uniq}
            self.rows[table] = [r for r in self.rows[table] if self.key(table, r) not in changed] + uniq
            if self.extra_cols[table]:  # pyiceberg 0.12's upsert fails once a column was added: same as overwrite
                step = {"overwrite": {"table": table, "filter": self.filter_for(table, sorted(changed)), "rows": uniq}}
                kind = "overwrite"
            else:
                step = {"upsert": {"table": table, "key": KEYS[table], "rows": uniq}}
        elif kind in ("rewrite", "compact"):
            step = {kind: {"table": table}}
        elif kind == "add_column":
            col = f"extra{len(self.extra_cols[table])}"
            self.extra_cols[table].append(col)
            step = {"add_column": {"table": table, "column": col, "type": "string"}}
        elif kind == "expire":
            self.expired |= {x[0] for x in self.chain[table][:-1]}
            step = {"expire": {"table": table}}
        else:
            choices = [x for x in self.chain[table][:-1] if x[0] not in self.expired]
            target = rng.choice(choices)
            i = self.chain[table].index(target)
            self.chain[table] = self.chain[table][:i + 1]
            self.rows[table] = [dict(r) for r in target[1]]
            return {"rollback": {"table": table, "to": target[0]}}
        step[kind]["label"] = label
        # A rollback target is a snapshot: a column added to a table with none yet names no snapshot to go back to.
        if kind != "add_column" or self.chain[table]:
            self.chain[table].append((label, [dict(r) for r in self.rows[table]]))
        return step

    def run(self):
        r = self.rng.random()
        if r < 0.62:
            return {"run": "sync"}
        if r < 0.78:
            return {"run": "full"}
        point = f"{self.rng.choice(FAILPOINTS)}={self.rng.randint(1, 3)}"
        return {"run": {"kind": "full" if self.rng.random() < 0.2 else "sync", "crash": point}}

    def history(self, commits):
        steps = []
        for _ in range(commits):
            steps.append(self.commit())
            if self.rng.random() < 0.35:
                steps.append(self.run())
        steps.append({"run": "sync"})
        return steps


# ---------------------------------------------------------------------------------------------------------- running

class Worker:
    """A pair of emulators (the graph under test and the reference) reused by one thread's histories."""

    def __init__(self, factory):
        self.emu = factory("--username", "tigergraph", "--password", "tigergraph")
        self.ref = factory("--username", "tigergraph", "--password", "tigergraph")
        self.count = 0

    def attempt(self, root: Path, spec, steps):
        """None when the history holds the invariant after every run, else the failure's text."""
        self.count += 1
        world_root = root / f"h{self.count}"
        try:
            world = World(world_root, self.emu, self.ref, spec)
            world.rest.clear(world.mapping)  # the previous history's graph
            execute(world, steps, check_after_runs=True)
            return None
        except HistoryError as e:
            return str(e)
        except Exception as e:  # a step the harness could not commit: reported with the seed, never swallowed
            return f"harness error: {type(e).__name__}\n{e}"


def first_line(msg):
    return msg.splitlines()[0] if msg else ""


def signatures(failure):
    """What kind of divergence a failure is ("graph vs oracle: vertex Person extra", "dead letters vs oracle"...),
    so the minimiser keeps the failure it started from rather than drifting to another."""
    out = set()
    for line in failure.splitlines()[1:]:
        m = re.match(r"(.*?: (?:vertex|edge) \S+) (missing|extra|.* is )", line)
        out.add(f"{m.group(1)} {m.group(2) if m.group(2) in ('missing', 'extra') else 'changed'}" if m else
                line.split(":")[0])
    return out or {first_line(failure)}


def minimise(worker, root, spec, steps, failure, budget_s):
    """ddmin over the steps: drop chunks while the history still fails the same way."""
    want = signatures(failure)
    deadline = time.monotonic() + budget_s
    n = 2
    while len(steps) >= 2 and time.monotonic() < deadline:
        chunk = max(1, len(steps) // n)
        reduced = False
        for start in range(0, len(steps), chunk):
            if time.monotonic() >= deadline:
                break
            candidate = steps[:start] + steps[start + chunk:]
            if not any("run" in s for s in candidate):
                continue
            f = worker.attempt(root, spec, candidate)
            if f is not None and signatures(f) & want:
                steps, failure, reduced = candidate, f, True
                n = max(n - 1, 2)
                break
        if not reduced:
            if chunk == 1:
                break
            n = min(len(steps), n * 2)
    return steps, failure


def run_histories(emulator_factory, tmp_path, seeds, commits):
    """Runs the seeds' histories on JOBS workers; returns [(seed, failure, minimal yaml)] and the seconds taken."""
    local = threading.local()
    workers, lock, budget = [], threading.Lock(), [MINIMISE_COUNT]

    def worker():
        if not hasattr(local, "w"):
            with lock:
                local.w = Worker(emulator_factory)
                workers.append(local.w)
        return local.w

    def one(seed):
        w = worker()
        spec = spec_for(seed)
        steps = Generator(seed).history(commits)
        root = tmp_path / f"seed{seed}"
        failure = w.attempt(root, spec, steps)
        if failure is None:
            return None
        with lock:
            budget[0] -= 1
            go = budget[0] >= 0
        if not go:
            return seed, failure, history_yaml(spec, steps, f"random history seed {seed} (not minimised)")
        small, small_failure = minimise(w, root, spec, steps, failure, MINIMISE_S)
        text = history_yaml(spec, small, f"random history seed {seed}, minimised from {len(steps)} steps to "
                                         f"{len(small)}; it fails with: " + "; ".join(sorted(signatures(small_failure))))
        return seed, small_failure, text

    t0 = time.monotonic()
    with ThreadPoolExecutor(JOBS) as pool:
        results = [r for r in pool.map(one, seeds) if r is not None]
    return results, time.monotonic() - t0


def test_random_histories_hold_the_invariant(emulator_factory, tmp_path):
    seeds = list(range(FIRST_SEED, FIRST_SEED + HISTORIES))
    failures, seconds = run_histories(emulator_factory, tmp_path, seeds, COMMITS)
    print(f"{len(seeds)} histories of {COMMITS} commits in {seconds:.1f} s, {len(failures)} failed")
    out_dir = Path(os.environ.get("HISTORY_FAILURES_DIR", tmp_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    report = []
    for seed, failure, text in failures:
        (out_dir / f"history-seed{seed}.yaml").write_text(text)
        report.append(f"--- seed {seed} ({out_dir}/history-seed{seed}.yaml)\n{failure}\n--- minimal history:\n{text}")
    assert not failures, f"{len(failures)} of {len(seeds)} histories broke the invariant:\n" + "\n".join(report)


def test_generator_is_deterministic_and_covers_every_step_kind():
    a, b = Generator(7).history(COMMITS), Generator(7).history(COMMITS)
    assert yaml.safe_dump(a) == yaml.safe_dump(b)  # (NaN != NaN, so compare the text)
    kinds = {next(iter(s)) for seed in range(FIRST_SEED, FIRST_SEED + 20) for s in Generator(seed).history(COMMITS)}
    assert kinds == {"append", "delete", "overwrite", "upsert", "rewrite", "compact", "add_column", "expire",
                     "rollback", "run"}, kinds
