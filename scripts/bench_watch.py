"""Benchmark (not a test) of freshness in `icegraph watch --interval 1s`: 50 commits, each appending one user to
shop.users with pyiceberg (the demo warehouse at a small scale, in a temporary directory), at random phases of the
watch loop; for each, the time from the end of the commit to the moment the new vertex answers a REST++ point read
(polled every 10 ms on a kept-alive connection). Prints p50/p95/max and appends one JSON line to
bench/results.jsonl.

    python scripts/bench_watch.py --bin build/release/bin/icegraph [--commits 50] [--interval 1s]"""
import argparse
import datetime
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_common import append_result, demo_config, demo_warehouse, machine, pct  # noqa: E402



def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "build" / "release" / "bin" / "icegraph"))
    ap.add_argument("--commits", type=int, default=50)
    ap.add_argument("--interval", default="1s")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--label", default="")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results.jsonl"))
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "scripts"))
    os.environ["ICEGRAPH_BIN"] = args.bin
    from tests.conftest import Emulator  # noqa: E402
    from make_demo_warehouse import EPOCH_2026  # noqa: E402
    from pyiceberg.catalog.sql import SqlCatalog  # noqa: E402

    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="icegraph-bench-watch-"))
    wh = tmp / "warehouse"
    demo_warehouse(wh, 1000, 100, 10000, reuse=False)
    emu = Emulator("--username", "tigergraph", "--password", "tigergraph", tmp=tmp)
    watch = None
    try:
        config, env = demo_config(tmp, emu.url, wh)
        base = [args.bin, "--log-level", "warn"]
        subprocess.run(base + ["schema", "--apply", "--config", str(config)], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        subprocess.run(base + ["sync", "--full", "--config", str(config)], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        watch = subprocess.Popen(base + ["watch", "--interval", args.interval, "--config", str(config)], env=env,
                                 stdout=subprocess.DEVNULL, stderr=open(tmp / "watch.log", "wb"))
        catalog = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
        users = catalog.load_table("shop.users")
        s = requests.Session()
        token = s.post(f"{emu.url}/gsql/v1/tokens", auth=("tigergraph", "tigergraph"),
                       json={"graph": "shop"}).json()["token"]
        s.headers["Authorization"] = f"Bearer {token}"
        time.sleep(2)  # the watch loop's first round
        latencies = []
        for i in range(args.commits):
            time.sleep(rng.uniform(0, 1))  # a random phase of the polling loop
            uid = f"w{i}"
            row = pa.table({"user_id": [uid], "name": [f"Watched {i}"], "email": [f"w{i}@example.com"],
                            "country": ["FR"], "signup_date": pa.array([20000], pa.int32()).cast(pa.date32()),
                            "updated_at": pa.array([EPOCH_2026], pa.timestamp("us", tz="UTC"))})
            users.append(row)  # returns once the commit is in the catalog
            committed = time.perf_counter()
            while True:
                r = s.get(f"{emu.url}/restpp/graph/shop/vertices/User/{uid}")
                if r.status_code == 200 and not r.json().get("error"):
                    break
                if time.perf_counter() - committed > 120:
                    sys.exit(f"user {uid} not visible after 120 s; see {tmp}/watch.log")
                time.sleep(0.01)
            latencies.append(time.perf_counter() - committed)
            users = catalog.load_table("shop.users")
        result = {
            "bench": "watch_freshness",
            "label": args.label,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine(),
            "interval": args.interval, "commits": len(latencies),
            "p50_s": round(pct(latencies, 50), 3), "p95_s": round(pct(latencies, 95), 3),
            "max_s": round(max(latencies), 3), "min_s": round(min(latencies), 3),
        }
        append_result(args.out, result)
    finally:
        if watch is not None:
            watch.send_signal(signal.SIGTERM)
            watch.wait(timeout=120)
        emu.stop()


if __name__ == "__main__":
    main()
