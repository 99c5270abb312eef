"""Benchmark (not a test) of the read paths a user waits on, on the demo graph (100,000 users, 10,000 products,
1,000,000 purchases: 1.1 M elements): `icegraph validate` with the default sample, and 1,000-item pages of
GET /api/graph/users/ and /api/graph/purchases/ from `icegraph serve` (the first page and the page after it).
Appends one JSON line to bench/results.jsonl.

    python scripts/bench_reads.py --bin build/release/bin/icegraph [--repeat 3]

The demo warehouse (demo-data/warehouse, scripts/make_demo_warehouse.py) is written when missing."""
import argparse
import datetime
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_common import append_result, demo_config, demo_warehouse, machine  # noqa: E402
TOKEN = "bench-token"


def get(conn, path):
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
    r = conn.getresponse()
    body = r.read()
    seconds = time.perf_counter() - t0
    assert r.status == 200, (path, r.status, body[:300])
    return seconds, json.loads(body), r.getheader("X-Next-Cursor")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "build" / "release" / "bin" / "icegraph"))
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs per figure")
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--products", type=int, default=10_000)
    ap.add_argument("--purchases", type=int, default=1_000_000)
    ap.add_argument("--label", default="", help="a note stored with the figures (e.g. before/after)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results.jsonl"))
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["ICEGRAPH_BIN"] = args.bin
    from tests.conftest import Emulator  # noqa: E402

    wh = ROOT / "demo-data" / "warehouse"
    demo_warehouse(wh, args.users, args.products, args.purchases)

    tmp = Path(tempfile.mkdtemp(prefix="icegraph-bench-reads-"))
    emu = Emulator("--username", "tigergraph", "--password", "tigergraph", tmp=tmp)
    serve = None
    try:
        config, env = demo_config(tmp, emu.url, wh, service=f'{{token: "{TOKEN}"}}')
        base = [args.bin, "--log-level", "warn"]
        subprocess.run(base + ["schema", "--apply", "--config", str(config)], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        subprocess.run(base + ["sync", "--full", "--config", str(config)], check=True, env=env,
                       stdout=subprocess.DEVNULL)

        validate = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            r = subprocess.run(base + ["validate", "--config", str(config)], env=env, capture_output=True, text=True)
            validate.append(time.perf_counter() - t0)
            assert r.returncode == 0, r.stdout + r.stderr

        log = open(tmp / "serve.log", "wb")
        serve = subprocess.Popen(base + ["serve", "--config", str(config), "--port", "0"], stdout=subprocess.PIPE,
                                 stderr=log, env=env)
        port = int(serve.stdout.readline().decode().strip().rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        pages = {}
        for alias in ("users", "purchases"):
            first, second = [], []
            for _ in range(args.repeat):
                s1, items, cursor = get(conn, f"/api/graph/{alias}/?limit=1000")
                assert len(items) == 1000 and cursor, (alias, len(items))
                s2, items2, _ = get(conn, f"/api/graph/{alias}/?limit=1000&cursor={cursor}")
                assert len(items2) == 1000, (alias, len(items2))
                first.append(s1)
                second.append(s2)
            pages[alias] = {"first_ms": round(min(first) * 1000, 1), "second_ms": round(min(second) * 1000, 1)}
        conn.close()
        result = {
            "bench": "reads",
            "label": args.label,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine(),
            "warehouse": {"users": args.users, "products": args.products, "purchases": args.purchases},
            "validate_seconds": round(min(validate), 2),
            "pages": pages,
        }
        append_result(args.out, result)
    finally:
        if serve is not None:
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=600)
        emu.stop()


if __name__ == "__main__":
    main()
