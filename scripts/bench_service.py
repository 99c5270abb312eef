"""Benchmark (not a test) of `icegraph serve`: while a full sync of the demo warehouse runs as a job, 200 clients
send GET /api/v1/tables at once (one thread and one connection each, released together by a barrier); every
answer must be 200. Prints p50/p99/max latency and appends one JSON line to bench/results.jsonl.

    python scripts/bench_service.py --bin build/release/bin/icegraph [--clients 200] [--rounds 3]

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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_common import append_result, demo_config, demo_warehouse, machine, pct  # noqa: E402
TOKEN = "bench-token"


def request(port, path, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {"Authorization": f"Bearer {TOKEN}", "Connection": "close"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def burst(port, clients):
    """`clients` concurrent GET /api/v1/tables; returns (statuses, latencies in seconds)."""
    barrier = threading.Barrier(clients)
    statuses, latencies = [None] * clients, [None] * clients

    def one(i):
        barrier.wait()
        t0 = time.perf_counter()
        try:
            statuses[i], _ = request(port, "/api/v1/tables")
        except Exception as e:  # a refused or reset connection is a failure to report, not to hide
            statuses[i] = f"{type(e).__name__}: {e}"
        latencies[i] = time.perf_counter() - t0

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, latencies



def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "build" / "release" / "bin" / "icegraph"))
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3, help="bursts fired while the sync runs")
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--products", type=int, default=10_000)
    ap.add_argument("--purchases", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=16, help="service.threads (HTTP workers)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results.jsonl"))
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["ICEGRAPH_BIN"] = args.bin
    from tests.conftest import Emulator  # noqa: E402

    wh = ROOT / "demo-data" / "warehouse"
    demo_warehouse(wh, args.users, args.products, args.purchases)

    tmp = Path(tempfile.mkdtemp(prefix="icegraph-bench-service-"))
    emu = Emulator("--username", "tigergraph", "--password", "tigergraph", tmp=tmp)
    serve = None
    try:
        config, env = demo_config(tmp, emu.url, wh, service=f'{{token: "{TOKEN}", threads: {args.threads}}}')
        subprocess.run([args.bin, "--log-level", "warn", "schema", "--apply", "--config", str(config)], check=True,
                       env=env, stdout=subprocess.DEVNULL)
        log = open(tmp / "serve.log", "wb")
        serve = subprocess.Popen([args.bin, "--log-level", "warn", "serve", "--config", str(config), "--port", "0"],
                                 stdout=subprocess.PIPE, stderr=log, env=env)
        line = serve.stdout.readline().decode().strip()
        port = int(line.rsplit(":", 1)[1])

        status, body = request(port, "/api/v1/syncs", "POST", json.dumps({"mode": "full"}))
        assert status == 202, body
        job_id = json.loads(body)["id"]
        all_status, all_lat, during = [], [], []
        for _ in range(args.rounds):
            statuses, latencies = burst(port, args.clients)
            _, job_body = request(port, f"/api/v1/syncs/{job_id}")
            during.append(json.loads(job_body)["status"] == "running")
            all_status += statuses
            all_lat += latencies
        while True:
            _, job_body = request(port, f"/api/v1/syncs/{job_id}")
            job = json.loads(job_body)
            if job["status"] in ("succeeded", "failed"):
                break
            time.sleep(0.5)
        bad = [s for s in all_status if s != 200]
        result = {
            "bench": "service_tables_during_sync",
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine(),
            "warehouse": {"users": args.users, "products": args.products, "purchases": args.purchases},
            "clients": args.clients, "threads": args.threads, "rounds": args.rounds, "requests": len(all_status),
            "ok": len(all_status) - len(bad), "non_200": bad[:5],
            "bursts_ended_while_sync_running": during,
            "p50_ms": round(pct(all_lat, 50) * 1000, 1), "p99_ms": round(pct(all_lat, 99) * 1000, 1),
            "max_ms": round(max(all_lat) * 1000, 1),
            "sync": {"status": job["status"], "seconds": (job.get("report") or {}).get("seconds")},
        }
        append_result(args.out, result)
        if bad:
            sys.exit(f"{len(bad)} of {len(all_status)} requests were not 200")
    finally:
        if serve is not None:
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=600)
        emu.stop()


if __name__ == "__main__":
    main()
