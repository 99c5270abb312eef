"""End-to-end emulator throughput over HTTP: one loading-job POST and one REST++ upsert POST, timed by the client.

The emulator runs with one worker thread pinned to core 0; curl sends the bodies from core 1.
"""
import argparse
import json
import os
import socket
import subprocess
import tempfile
import time

import requests

SCHEMA = """
CREATE VERTEX User (PRIMARY_ID id STRING, name STRING, age INT, score DOUBLE, joined DATETIME)
CREATE GRAPH shop (User)
CREATE LOADING JOB load_users FOR GRAPH shop {
  DEFINE FILENAME f;
  LOAD f TO VERTEX User VALUES ($0, $1, $2, $3, $4) USING SEPARATOR=",", QUOTE="double";
}
"""


def post_with_curl(url: str, body: bytes) -> tuple[float, dict]:
    """POSTs with curl, a C client, so the client is not what gets measured."""
    with tempfile.NamedTemporaryFile(suffix=".body") as f:
        f.write(body)
        f.flush()
        t0 = time.perf_counter()
        out = subprocess.run(["taskset", "-c", "1", "curl", "-s", "-X", "POST", "--data-binary", "@" + f.name, url],
                             check=True, capture_output=True).stdout
        return time.perf_counter() - t0, json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--objects", type=int, default=200_000)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(["taskset", "-c", "0", args.bin, "emulator", "--port", str(port), "--no-auth",
                             "--threads", "1", "--max-body-mb", "1024"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.sched_setaffinity(0, {1})
    runs = []
    try:
        for _ in range(100):
            try:
                requests.get(url + "/api/ping", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        out = requests.post(url + "/gsql/v1/statements", data=SCHEMA).text
        assert "Successfully created loading jobs" in out, out
        csv = "".join(f'u{i},"User, {i}",{i % 90},{i % 100}.5,2026-01-{i % 28 + 1:02} 10:00:00\n'
                      for i in range(args.lines)).encode()
        dt, res = post_with_curl(url + "/restpp/ddl/shop?tag=load_users&filename=f", csv)
        stats = res["results"][0]["statistics"]
        assert stats["validLine"] == args.lines, stats
        runs.append({"name": "loading job POST /restpp/ddl (vertex lines)", "items": args.lines, "seconds": dt})
        body = json.dumps({"vertices": {"User": {
            f"w{i}": {"name": {"value": f"W {i}"}, "age": {"value": i % 90}, "score": {"value": i + 0.5},
                      "joined": {"value": "2026-01-05 10:00:00"}} for i in range(args.objects)}}}).encode()
        dt, res = post_with_curl(url + "/restpp/graph/shop", body)
        assert res["results"][0]["accepted_vertices"] == args.objects, str(res)[:300]
        runs.append({"name": "REST++ upsert POST /restpp/graph (vertices)", "items": args.objects, "seconds": dt})
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    json.dump({"runs": runs}, open(args.out, "w"), indent=2)


if __name__ == "__main__":
    main()
