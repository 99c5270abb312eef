"""Shared pytest fixtures: the icegraph binary and a running emulator on a free loopback port."""
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent


def icegraph_bin() -> str:
    path = os.environ.get("ICEGRAPH_BIN", str(ROOT / "build" / "release" / "bin" / "icegraph"))
    if not Path(path).exists():
        raise RuntimeError(f"icegraph binary not found at {path}: run `make build` first")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """A running `icegraph emulator` process; stopped by stop() or the fixture's teardown."""

    def __init__(self, *args: str, tmp: Path, user: str = "tigergraph", password: str = "tigergraph"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.user, self.password = user, password
        self.args = list(args)
        self.log_path = tmp / f"emulator-{self.port}.log"
        self.proc = None
        self.start()

    def start(self) -> None:
        cmd = [icegraph_bin(), "emulator", "--host", "127.0.0.1", "--port", str(self.port), *self.args]
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"emulator exited with {self.proc.returncode}: {self.log_path.read_text()}")
            try:
                requests.get(self.url + "/api/ping", timeout=0.5)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("emulator did not start in 20 s")

    def stop(self, kill: bool = False) -> None:
        if self.proc is not None and self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self.log.close()

    def restart(self, kill: bool = False) -> None:
        self.stop(kill=kill)
        self.start()

    def gsql(self, text: str) -> str:
        r = requests.post(self.url + "/gsql/v1/statements", data=text.encode(),
                          auth=(self.user, self.password), headers={"Content-Type": "text/plain"})
        r.raise_for_status()
        return r.text


@pytest.fixture
def emulator_factory(tmp_path):
    started = []

    def make(*args: str, **kw) -> Emulator:
        emu = Emulator(*args, tmp=tmp_path, **kw)
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()


@pytest.fixture
def emulator(emulator_factory) -> Emulator:
    return emulator_factory("--username", "tigergraph", "--password", "tigergraph")


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL server from Debian's packages on a free loopback port, stopped at the end."""
    import glob
    import shutil
    import tempfile
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bins:
        raise RuntimeError("PostgreSQL server binaries not found: run `make deps` (Debian package postgresql)")
    bindir = bins[-1]
    data = tempfile.mkdtemp(prefix="icegraph-pg-")
    port = free_port()
    # The server refuses to run as root: run it as the postgres user when we are root.
    as_pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    if as_pg:
        shutil.chown(data, "postgres", "postgres")
    subprocess.run(as_pg + [f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"], check=True,
                   capture_output=True)
    log = open(os.path.join(data, "server.log"), "ab")
    proc = subprocess.Popen(as_pg + [f"{bindir}/postgres", "-D", data, "-p", str(port), "-k", data,
                                     "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"], stdout=log,
                            stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"postgres exited: {open(os.path.join(data, 'server.log')).read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    time.sleep(0.3)
    yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    proc.terminate()
    proc.wait(timeout=30)
    log.close()
    shutil.rmtree(data, ignore_errors=True)
