"""What the benchmark scripts that run the demo model against the emulator share: the demo warehouse, its config,
the machine description and the results file."""
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pct(values, p):
    """The p-th percentile (nearest rank) of `values`."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def machine():
    return {"cpus": os.cpu_count(), "platform": platform.platform(),
            "processor": platform.processor() or platform.machine()}


def demo_warehouse(wh, users, products, purchases, reuse=True):
    """Writes the demo warehouse at `wh` (scripts/make_demo_warehouse.py), kept for the next run of the same scale
    when `reuse`."""
    stamp = Path(wh) / f".scale-{users}-{products}-{purchases}"
    if reuse and stamp.exists():
        return
    print(f"writing the demo warehouse ({users} users, {products} products, {purchases} purchases)")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_demo_warehouse.py"), "--dir", str(wh), "--users",
                    str(users), "--products", str(products), "--purchases", str(purchases)],
                   check=True, stdout=subprocess.DEVNULL)
    if reuse:
        stamp.touch()


def demo_config(tmp, emulator_url, wh, service=""):
    """The e-commerce example's icegraph.yaml pointed at the emulator, a state database in `tmp` and `service`
    (a YAML flow mapping, or nothing); returns its path and the environment its catalog needs."""
    config = Path(tmp) / "icegraph.yaml"
    text = (ROOT / "examples" / "ecommerce" / "icegraph.yaml").read_text()
    text = text.replace("urls: [http://127.0.0.1:14240]", f"urls: [{emulator_url}]")
    text = text.replace("# state: {url: sqlite:///var/lib/icegraph/state.db}",
                        f'state: {{url: "sqlite:///{tmp}/state.db"}}')
    if service:
        text += f"\nservice: {service}\n"
    config.write_text(text)
    env = dict(os.environ, ICEGRAPH_CATALOG_URI=f"sqlite:///{wh}/catalog.db", ICEGRAPH_WAREHOUSE=f"file://{wh}",
               TG_PASSWORD="tigergraph")
    return config, env


def append_result(path, result):
    print(json.dumps(result, indent=2))
    with open(path, "a") as f:
        f.write(json.dumps(result) + "\n")
