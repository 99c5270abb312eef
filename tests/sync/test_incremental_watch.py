"""`icegraph watch`: polls the catalog and applies each new snapshot; SIGTERM ends it promptly with exit 0; every
sync it ran is in `icegraph history`."""
import json
import signal
import subprocess
import time

import requests

from ..conftest import icegraph_bin
from .conftest import run_icegraph
from .test_incremental_scenarios import (FIRST_PRODUCTS, FIRST_PURCHASES, FIRST_USERS, Shop, purchase, read_graph,
                                         setup, user)


def wait_for_graph(emu, shop, what, timeout=5.0):
    want = shop.expected()
    deadline = time.monotonic() + timeout
    while True:
        try:
            got = read_graph(emu)
        except requests.HTTPError:
            # The graph changed between listing a vertex and reading its edges (watch deleted it): read again.
            got = None
        if got == want:
            return got
        if time.monotonic() > deadline:
            assert got == want, f"{what}: the graph did not reach the tables within {timeout} s"
        time.sleep(0.1)


def thp_enabled(pid):
    """The kernel's THP_enabled flag of a process (0 after prctl(PR_SET_THP_DISABLE))."""
    with open(f"/proc/{pid}/status") as f:
        return next(line.split()[1] for line in f if line.startswith("THP_enabled:"))


def history(config):
    out = run_icegraph("history", "--json", "--limit", "100", config=config).stdout
    text = out.strip()
    if text.startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_watch_applies_new_snapshots_and_stops_on_sigterm(emulator, tmp_path):
    shop = Shop(tmp_path)
    config = setup(shop, emulator, tmp_path)
    shop.append("users", FIRST_USERS)
    shop.append("products", FIRST_PRODUCTS)
    shop.append("purchases", FIRST_PURCHASES)
    log = open(tmp_path / "watch.log", "w")
    proc = subprocess.Popen([icegraph_bin(), "watch", "--interval", "200ms", "--config", str(config)],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_graph(emulator, shop, "first poll (full)")
        shop.append("users", [user(60, age=60)])
        shop.append("purchases", [purchase("x960", 60, 1, 6.0), purchase("x961", 60, 1, 6.5)])
        wait_for_graph(emulator, shop, "after two appends")
        shop.t("users").delete("age < 20")
        u, _, e = wait_for_graph(emulator, shop, "after a delete")
        # u00's row is gone but purchases still name it: as a reload, it stays with default values and its edges.
        assert u["u00"] == {"age": 0, "name": ""} and any(k[0] == "u00" for k in e)
        assert proc.poll() is None, (tmp_path / "watch.log").read_text()
        # Syncs fault their short-lived buffers in 4 kB pages; the emulator keeps transparent huge pages.
        assert thp_enabled(proc.pid) == "0"
        assert thp_enabled(emulator.proc.pid) == "1"
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=10)
        stopped_in = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    assert rc == 0, (tmp_path / "watch.log").read_text()
    assert stopped_in < 3, f"watch took {stopped_in:.1f} s to stop after SIGTERM"

    runs = history(config)
    assert runs and all(r["outcome"] == "succeeded" for r in runs), runs
    # At least: the first full sync, the users append, the purchases append (maybe in one run), the delete.
    assert len(runs) >= 3, runs
    assert len({r["run_id"] for r in runs}) == len(runs)
    applied, full = {}, set()
    for r in runs:
        for t in r["counts"]["tables"]:
            applied[t["table"]] = applied.get(t["table"], 0) + t["snapshots_applied"]
            if t["mode"] == "full":
                full.add(t["table"])
    # Each table was read in full once (no checkpoint yet); after that every snapshot was applied exactly once.
    assert full == {"shop.users", "shop.products", "shop.purchases"}, runs
    assert applied == {"shop.users": 2, "shop.products": 0, "shop.purchases": 1}, applied
    st = json.loads(run_icegraph("status", "--json", config=config).stdout)
    st = st["tables"] if isinstance(st, dict) else st
    assert all(t["snapshots_behind"] == 0 for t in st), st
