"""The wheel as a user gets it: `pip install icegraph-*.whl` into a NEW empty venv in a temp dir (no build tree, no
shared .venv on PATH), then the installed `icegraph` runs --version, the emulator, a full and an incremental sync of
a pyiceberg warehouse, and the Python API (`icegraph.sync`, `icegraph.validate`, typed errors).

The wheel is $ICEGRAPH_WHEEL when set (`make test` builds it once with `make wheel`), else scripts/build_wheel.sh
builds it here. pyiceberg (from the test's own venv) only WRITES the warehouse; every icegraph run is the installed
one. `ldd` of the installed binary must resolve every library from the wheel (icegraph.libs), the new venv's pyarrow,
or the Debian packages every Debian/Ubuntu system has (libc6, libstdc++6, libgcc-s1, zlib1g)."""
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest
import requests
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.expressions import EqualTo
from pyiceberg.schema import Schema
from pyiceberg.types import DoubleType, IntegerType, NestedField, StringType, TimestamptzType

from ..conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
UTC = datetime.timezone.utc
# Debian packages of the libraries the installed binary may still take from the system: on every Debian and Ubuntu
# (libc6, libgcc-s1 and zlib1g are Priority: required; libstdc++6 is needed by apt itself).
SYSTEM_PACKAGES = {"libc6", "libstdc++6", "libgcc-s1", "zlib1g"}
# Libraries the wheel must bundle (auditwheel copies them into site-packages/icegraph.libs with a hash in the name).
BUNDLED = ["libcurl", "libavro", "libyaml-cpp", "libsqlite3", "libpq", "libpqxx", "libssl", "libcrypto"]


def clean_env(venv: Path) -> dict:
    """The environment of a user who has only the new venv: no build tree, no shared .venv, no loader paths."""
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "LC_ALL", "TMPDIR", "USER")}
    return {**keep, "PATH": f"{venv}/bin:/usr/local/bin:/usr/bin:/bin"}


class Installed:
    def __init__(self, venv: Path, wheel: Path, install_s: float):
        self.venv, self.wheel, self.install_s = venv, wheel, install_s
        self.python = venv / "bin" / "python"
        self.script = venv / "bin" / "icegraph"
        site = subprocess.run([str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
        self.site = Path(site)
        self.binary = self.site / "icegraph" / "bin" / "icegraph"
        self.env = clean_env(venv)

    def run(self, *args, check=True, timeout=300, cwd=None):
        out = subprocess.run([str(self.script), *map(str, args)], capture_output=True, text=True, env=self.env,
                             timeout=timeout, cwd=cwd or self.venv.parent)
        if check and out.returncode != 0:
            raise AssertionError(f"icegraph {args} exited {out.returncode}\n{out.stdout}\n{out.stderr}")
        return out

    def python_api(self, code: str, timeout=300):
        """Runs `code` with the venv's python (the installed `icegraph` package); returns its stdout as JSON."""
        out = subprocess.run([str(self.python), "-c", code], capture_output=True, text=True, env=self.env,
                             timeout=timeout, cwd=self.venv.parent)
        assert out.returncode == 0, f"python exited {out.returncode}\n{out.stdout}\n{out.stderr}"
        return json.loads(out.stdout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    wheel = os.environ.get("ICEGRAPH_WHEEL", "")
    if not wheel:
        built = subprocess.run([str(ROOT / "scripts" / "build_wheel.sh")], capture_output=True, text=True,
                               env={**os.environ, "PY": sys.executable}, timeout=3600)
        assert built.returncode == 0, built.stderr[-5000:]
        wheel = built.stdout.strip().splitlines()[-1]
    wheel_path = Path(wheel)
    assert wheel_path.is_file(), wheel
    base = tmp_path_factory.mktemp("wheel-user")
    assert not (base / "build").exists()
    venv = base / "venv"
    # sys._base_executable: the interpreter under the test's venv, so the new venv starts empty.
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)], check=True)
    start = time.monotonic()
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel_path)],
                   check=True, env=clean_env(venv), timeout=900)
    return Installed(venv, wheel_path, time.monotonic() - start)


def test_wheel_name_and_contents(installed):
    # py3-none: one wheel for any CPython 3 (the binary does not link libpython); manylinux_2_N for this glibc.
    m = re.fullmatch(r"icegraph-(\d+\.\d+\.\d+)-py3-none-manylinux_(\d+)_(\d+)_x86_64\.whl", installed.wheel.name)
    assert m, installed.wheel.name
    cmake_version = re.search(r"project\(icegraph VERSION ([0-9.]+)", (ROOT / "CMakeLists.txt").read_text())[1]
    assert m[1] == cmake_version
    glibc = os.confstr("CS_GNU_LIBC_VERSION").split()[1].split(".")
    assert (int(m[2]), int(m[3])) <= (int(glibc[0]), int(glibc[1]))
    assert installed.script.is_file() and installed.binary.is_file()
    assert (installed.site / "icegraph" / "py.typed").is_file()
    libs = sorted(p.name for p in (installed.site / "icegraph.libs").iterdir())
    for name in BUNDLED:
        assert any(lib.startswith(name + "-") or lib.startswith(name + ".") for lib in libs), (name, libs)
    # Arrow C++ is never bundled: it is the pinned pyarrow's.
    assert not [lib for lib in libs if lib.startswith(("libarrow", "libparquet"))], libs
    print(f"\nwheel {installed.wheel.name}: {installed.wheel.stat().st_size / 1e6:.1f} MB, "
          f"pip install {installed.install_s:.1f} s, bundled: {', '.join(libs)}")


def test_version(installed):
    out = installed.run("--version").stdout
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                         text=True, check=True).stdout.strip()
    version = installed.python_api("import importlib.metadata, json; "
                                   "print(json.dumps(importlib.metadata.version('icegraph')))")
    m = re.fullmatch(rf"icegraph {re.escape(version)} \(git {rev}(-dirty)?\)\n"
                     r"arrow 26\.0\.1 \(built against 26\.0\.1, loaded from (/\S+)\)\n", out)
    assert m, out
    # The loader keeps the RPATH's $ORIGIN/../.. as written: compare the file itself.
    assert Path(m[2]).resolve() == (installed.site / "pyarrow" / "libarrow.so.2600").resolve(), out
    assert installed.run("version").stdout == out
    assert installed.python_api("import icegraph, json; print(json.dumps(icegraph.version()))") == out.strip()


def ldd(path: Path, env: dict) -> dict:
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, check=True).stdout
    libs = {}
    for line in out.splitlines():
        line = line.strip()
        if "=>" in line:
            name, rest = (s.strip() for s in line.split("=>", 1))
            libs[name] = rest.split(" (")[0].strip()
        elif line.startswith("/"):
            libs[Path(line.split(" (")[0]).name] = line.split(" (")[0]
    return libs


def test_ldd_resolves_nothing_from_build_trees_or_dev_packages(installed):
    libs = ldd(installed.binary, installed.env)
    assert "not found" not in libs.values(), libs
    wheel_libs = installed.site / "icegraph.libs"
    pyarrow_dir = installed.site / "pyarrow"
    system = {}
    for name, path in libs.items():
        if not path or name.startswith("linux-vdso"):
            continue
        real = Path(path).resolve()
        assert not str(real).startswith(str(ROOT)) and "/build/" not in str(real), (name, path)
        assert not str(real).startswith("/work/"), (name, path)  # no worktree, no shared .venv
        if real.is_relative_to(wheel_libs.resolve()):
            continue
        if real.is_relative_to(pyarrow_dir.resolve()):
            assert name.startswith(("libarrow", "libparquet")), (name, path)
            continue
        system[name] = path
    owners = {}
    for name, path in system.items():
        found = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if found.returncode != 0:  # /lib is a symlink to /usr/lib on Debian 12: dpkg knows one of the two
            alt = path[4:] if path.startswith("/usr/") else "/usr" + path
            found = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True)
        assert found.returncode == 0, (name, path, found.stderr)
        owners[name] = found.stdout.split(":")[0]
    assert set(owners.values()) <= SYSTEM_PACKAGES, owners
    # Arrow C++ comes from the new venv's pyarrow.
    assert Path(libs["libarrow.so.2600"]).resolve() == (pyarrow_dir / "libarrow.so.2600").resolve(), libs
    print("\nsystem libraries still needed: " + ", ".join(f"{n} ({p})" for n, p in sorted(owners.items())))


def start_emulator(installed: Installed, tmp: Path):
    port = free_port()
    log = open(tmp / "emulator.log", "wb")
    proc = subprocess.Popen([str(installed.script), "emulator", "--host", "127.0.0.1", "--port", str(port),
                             "--username", "tigergraph", "--password", "tigergraph"], stdout=log,
                            stderr=subprocess.STDOUT, env=installed.env, cwd=tmp)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        assert proc.poll() is None, (tmp / "emulator.log").read_text()
        try:
            requests.get(url + "/api/ping", timeout=0.5)
            return proc, url, log
        except requests.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("emulator did not start in 20 s")


def stop(proc, log) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    log.close()
    return proc.returncode


def test_emulator_starts_answers_and_stops(installed, tmp_path):
    proc, url, log = start_emulator(installed, tmp_path)
    try:
        # The console script execs the binary: the process we started is the server itself.
        assert Path(f"/proc/{proc.pid}/exe").resolve() == installed.binary.resolve()
        r = requests.get(url + "/restpp/version", auth=("tigergraph", "tigergraph"), timeout=5)
        assert r.status_code == 200 and r.json()["error"] is False
        r = requests.get(url + "/restpp/version", auth=("tigergraph", "wrong"), timeout=5)
        assert r.status_code == 401
    finally:
        code = stop(proc, log)
    assert code == 0, (tmp_path / "emulator.log").read_text()


USERS = Schema(NestedField(1, "user_id", StringType()), NestedField(2, "name", StringType()),
               NestedField(3, "age", IntegerType()))
PRODUCTS = Schema(NestedField(1, "product_id", StringType()), NestedField(2, "price", DoubleType()))
PURCHASES = Schema(NestedField(1, "purchase_id", StringType()), NestedField(2, "user_id", StringType()),
                   NestedField(3, "product_id", StringType()), NestedField(4, "at", TimestamptzType()))

CONFIG = """catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["{url}"], graph: shop, username: tigergraph, password: "${{TG_PASSWORD}}"}}
mappings:
  - table: shop.users
    vertices: [{{type: User, id: user_id, attributes: {{name: name, age: age}}}}]
  - table: shop.products
    vertices: [{{type: Product, id: product_id, attributes: {{price: price}}}}]
  - table: shop.purchases
    edges:
      - {{type: PURCHASED, from: {{type: User, id: user_id}}, to: {{type: Product, id: product_id}},
         attributes: {{purchase_id: purchase_id, at: at}}, discriminator: [purchase_id]}}
"""


def at(i):
    return datetime.datetime(2026, 1, 1, tzinfo=UTC) + datetime.timedelta(hours=i)


def arrow(schema: Schema, rows):
    return pa.Table.from_pylist(rows, schema=schema.as_arrow())


class Graph:
    def __init__(self, url):
        self.url = url
        r = requests.post(f"{url}/gsql/v1/tokens", json={"graph": "shop"}, auth=("tigergraph", "tigergraph"))
        r.raise_for_status()
        self.headers = {"Authorization": f"Bearer {r.json()['token']}"}

    def get(self, path):
        r = requests.get(f"{self.url}/restpp/graph/shop{path}", headers=self.headers, timeout=30)
        r.raise_for_status()
        return r.json()["results"]

    def vertices(self, vtype):
        return {v["v_id"]: v["attributes"] for v in self.get(f"/vertices/{vtype}")}

    def purchases(self):
        return sorted((e["from_id"], e["to_id"], e["attributes"]["purchase_id"], e["attributes"]["at"])
                      for u in self.vertices("User") for e in self.get(f"/edges/User/{u}/PURCHASED"))


def expected(users, products, purchases):
    # Vertex ids are also an `id` attribute (primary_id_as_attribute).
    return ({u["user_id"]: {"id": u["user_id"], "name": u["name"], "age": u["age"]} for u in users},
            {p["product_id"]: {"id": p["product_id"], "price": p["price"]} for p in products},
            sorted((p["user_id"], p["product_id"], p["purchase_id"], p["at"].strftime("%Y-%m-%d %H:%M:%S"))
                   for p in purchases if p["user_id"] in {u["user_id"] for u in users}))


def test_full_and_incremental_sync_cli_and_python_api(installed, tmp_path):
    wh = tmp_path / "warehouse"
    wh.mkdir()
    catalog = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
    catalog.create_namespace("shop")
    # u6 buys nothing: deleting it removes no edge that the purchases table still holds
    # (docs/sync-modes.md: known limit).
    users = [{"user_id": f"u{i}", "name": f"User {i}", "age": 20 + i} for i in range(7)]
    products = [{"product_id": f"p{i}", "price": 1.5 * (i + 1)} for i in range(3)]
    purchases = [{"purchase_id": f"o{i}", "user_id": f"u{i % 5}", "product_id": f"p{i % 3}", "at": at(i)}
                 for i in range(10)]
    t_users = catalog.create_table("shop.users", USERS)
    t_users.append(arrow(USERS, users))
    catalog.create_table("shop.products", PRODUCTS).append(arrow(PRODUCTS, products))
    t_purchases = catalog.create_table("shop.purchases", PURCHASES)
    t_purchases.append(arrow(PURCHASES, purchases))

    proc, url, log = start_emulator(installed, tmp_path)
    try:
        config = tmp_path / "icegraph.yaml"
        config.write_text(CONFIG.format(wh=wh, url=url))
        installed.env["TG_PASSWORD"] = "tigergraph"
        installed.run("schema", "--apply", "--config", config)

        # Full sync through the console script.
        start = time.monotonic()
        report = json.loads(installed.run("sync", "--json", "--config", config).stdout)
        first_sync_s = time.monotonic() - start
        assert report["outcome"] == "succeeded" and report["dead_letters"] == 0
        assert {t["table"]: (t["mode"], t["rows_read"]) for t in report["tables"]} == {
            "shop.users": ("full", 7), "shop.products": ("full", 3), "shop.purchases": ("full", 10)}
        graph = Graph(url)
        want_users, want_products, want_purchases = expected(users, products, purchases)
        assert graph.vertices("User") == want_users
        assert graph.vertices("Product") == want_products
        assert graph.purchases() == want_purchases

        # Changes: two users and a purchase appended, one user deleted, one purchase deleted.
        new_users = [{"user_id": "u7", "name": "User 7", "age": 27}, {"user_id": "u8", "name": "Zoé ✓", "age": 28}]
        t_users.append(arrow(USERS, new_users))
        t_users.delete(EqualTo("user_id", "u6"))
        new_purchase = {"purchase_id": "o10", "user_id": "u8", "product_id": "p2", "at": at(10)}
        t_purchases.append(arrow(PURCHASES, [new_purchase]))
        t_purchases.delete(EqualTo("purchase_id", "o0"))
        users = [u for u in users if u["user_id"] != "u6"] + new_users
        purchases = [p for p in purchases if p["purchase_id"] != "o0"] + [new_purchase]

        # Incremental sync through the Python API of the installed package (typed report).
        api = installed.python_api(f"""
import dataclasses, json, icegraph
r = icegraph.sync({str(config)!r})
assert isinstance(r, icegraph.RunReport) and r.succeeded
v = icegraph.validate({str(config)!r}, sample=20)
assert isinstance(v, icegraph.ValidationReport)
print(json.dumps({{"report": dataclasses.asdict(r), "validation_ok": v.ok,
                  "validated": {{t.type: [t.expected, t.actual] for t in v.types}},
                  "binary": str(icegraph.binary_path())}}, default=str))
""")
        r = api["report"]
        assert r["outcome"] == "succeeded" and r["error"] is None and r["dead_letters"] == 0
        modes = {t["table"]: (t["mode"], t["snapshots_applied"]) for t in r["tables"]}
        assert modes["shop.users"] == ("incremental", 2) and modes["shop.purchases"] == ("incremental", 2)
        assert modes["shop.products"][0] == "unchanged"
        assert r["types"]["User"]["deleted"] == 1 and r["types"]["PURCHASED"]["deleted"] == 1
        assert api["binary"] == str(installed.binary)
        want_users, want_products, want_purchases = expected(users, products, purchases)
        assert graph.vertices("User") == want_users
        assert graph.vertices("Product") == want_products
        assert graph.purchases() == want_purchases
        assert api["validation_ok"] is True
        assert api["validated"] == {"User": [8, 8], "Product": [3, 3], "PURCHASED": [10, 10]}

        # Errors are typed: a config with an unknown key is refused (exit 2) with file:line in stderr.
        bad = tmp_path / "bad.yaml"
        bad.write_text(CONFIG.format(wh=wh, url=url) + "colour: blue\n")
        err = installed.python_api(f"""
import json, icegraph
try:
    icegraph.sync({str(bad)!r})
except icegraph.ConfigError as e:
    print(json.dumps({{"code": e.exit_code, "stderr": e.stderr, "report": e.report}}))
""")
        assert err["code"] == 2 and err["report"] is None
        assert f"{bad}:" in err["stderr"] and "colour" in err["stderr"], err["stderr"]

        # A mapped attribute the live schema lacks: SchemaMismatchError (exit 3), nothing written.
        extra = tmp_path / "extra.yaml"
        extra.write_text(CONFIG.format(wh=wh, url=url).replace("{price: price}", "{price: price, list_price: price}"))
        err = installed.python_api(f"""
import json, icegraph
try:
    icegraph.sync({str(extra)!r})
except icegraph.SchemaMismatchError as e:
    print(json.dumps({{"code": e.exit_code, "stderr": e.stderr}}))
""")
        assert err["code"] == 3 and "differs from the mapping" in err["stderr"], err

        # The graph changed behind icegraph's back (Product p0 deleted, and with it its 3 edges o3, o6, o9):
        # validate() reports it as a result; raise_on_mismatch raises ValidationMismatchError carrying the report.
        r = requests.delete(f"{url}/restpp/graph/shop/vertices/Product/p0", headers=graph.headers, timeout=30)
        assert r.status_code == 200 and r.json()["error"] is False, r.text
        got = installed.python_api(f"""
import json, icegraph
v = icegraph.validate({str(config)!r}, sample=20)
try:
    icegraph.validate({str(config)!r}, sample=20, raise_on_mismatch=True)
    raised = None
except icegraph.ValidationMismatchError as e:
    raised = [e.exit_code, e.report.ok]
print(json.dumps({{"ok": v.ok, "types": {{t.type: [t.expected, t.actual, t.ok] for t in v.types}},
                  "raised": raised}}))
""")
        assert got == {"ok": False, "raised": [5, False],
                       "types": {"User": [8, 8, True], "Product": [3, 2, False], "PURCHASED": [10, 7, False]}}, got
    finally:
        installed.env.pop("TG_PASSWORD", None)
        assert stop(proc, log) == 0
    print(f"\nfirst sync (full, 20 rows, installed wheel): {first_sync_s:.2f} s")
