#!/usr/bin/env python3
"""Prints docs/reliability.md's table from the suite's records (build/reliability/results.jsonl by default):
one row per scenario and sync kind, with runs, fault rate, graph exact, rows lost and duplicated, and retries."""
import json
import sys
from collections import defaultdict
from pathlib import Path


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "build/reliability/results.jsonl")
    if not path.exists():
        print(f"reliability_table: {path} not found: run `make reliability` first", file=sys.stderr)
        return 1
    rows = defaultdict(list)
    for line in path.read_text().splitlines():
        r = json.loads(line)
        if r["suite"] == "breaker":  # a run that must stop, reported on its own
            continue
        if r["suite"] == "crash":
            name = f"SIGKILL at a {'fail point' if r['kill'] == 'failpoint' else 'seeded time'}"
        else:
            name = r["scenario"]
        rows[(r["suite"], name, r["kind"])].append(r)
    print("| scenario | sync | runs | graph exact | rows lost | rows duplicated | dead letters exact | retries per run "
          "| halves re-sent |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (suite, name, kind), rs in rows.items():
        exact = sum(1 for r in rs if r["exact"])
        lost = sum(r.get("lost", 0) + r.get("changed", 0) for r in rs)
        dup = sum(r.get("duplicated", 0) + r.get("extra", 0) for r in rs)
        dl = sum(1 for r in rs if r.get("dead_letters_exact", True))
        retries = [r.get("retries", 0) for r in rs]
        extra = f" (killed {sum(1 for r in rs if r.get('killed'))})" if suite == "crash" else ""
        print(f"| {name} | {kind} | {len(rs)}{extra} | {exact}/{len(rs)} | {lost} | {dup} | {dl}/{len(rs)} | "
              f"{min(retries)}–{max(retries)} | {sum(r.get('resent_requests', 0) for r in rs)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
