"""Apache Iceberg's own REST catalog server (org.apache.iceberg.rest.RESTCatalogServer, the class behind the
apache/iceberg-rest-fixture image) for the tests, run from Maven Central jars with Java 17.

    python tests/iceberg/rest_catalog_server.py jars     # fetch the classpath into the cache, print its folder

The classpath is rest_catalog_server/pom.xml (the versions Iceberg 1.10.1 builds the server with), copied once by
`mvn dependency:copy-dependencies` into ~/.cache/icegraph/rest-catalog-<pom hash>/ (ICEGRAPH_CACHE_DIR moves the
cache root, as for the Spark jars in fixtures.py); a folder is used only once its `complete` stamp is written.

The server reads its catalog from CATALOG_* environment variables (CATALOG_URI=jdbc:sqlite:... is its JDBC backend,
CATALOG_WAREHOUSE the table root, CATALOG_REST_PORT the port; `_` becomes `.` and `__` becomes `-` in the property
name). Jetty binds the port on every interface (the server has no host setting): the tests only ever connect to
127.0.0.1, on a port picked free on the loopback.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
POM = HERE / "rest_catalog_server" / "pom.xml"
MAIN_CLASS = "org.apache.iceberg.rest.RESTCatalogServer"
STAMP = "complete"


def cache_root() -> Path:
    return Path(os.environ.get("ICEGRAPH_CACHE_DIR", "~/.cache/icegraph")).expanduser()


def jar_dir() -> Path:
    return cache_root() / f"rest-catalog-{hashlib.sha256(POM.read_bytes()).hexdigest()[:12]}"


def ensure_jars() -> Path:
    """The server's classpath folder, fetched with Maven when missing (Maven's ~/.m2 caches the downloads too)."""
    out = jar_dir()
    if (out / STAMP).exists():
        return out
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError("Maven (mvn, Debian package maven) is needed once to fetch Iceberg's REST catalog server")
    if out.exists():
        shutil.rmtree(out)
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    t0 = time.time()
    cmd = [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies", f"-DoutputDirectory={partial}",
           "-DincludeScope=runtime"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"could not fetch the REST catalog server's jars with Maven:\n{r.stdout[-3000:]}\n"
                           f"{r.stderr[-3000:]}")
    (partial / STAMP).write_text(f"{len(list(partial.glob('*.jar')))} jars in {time.time() - t0:.1f} s\n")
    partial.rename(out)
    return out


def java17() -> str:
    """Java 17 (what the fixture jars and Spark 3.5 are built for): JAVA_HOME, Debian's path, then PATH."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    candidates.append(Path("/usr/lib/jvm/java-17-openjdk-amd64/bin/java"))
    if shutil.which("java"):
        candidates.append(Path(shutil.which("java")))
    for c in candidates:
        if c.exists():
            return str(c)
    raise RuntimeError("Java 17 not found (Debian package openjdk-17-jre-headless)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RestCatalogServer:
    """One RESTCatalogServer process with its own SQLite catalog and warehouse under `root`; stop() ends it."""

    def __init__(self, root: Path, env: dict | None = None, timeout: float = 60):
        self.root = Path(root)
        self.warehouse = self.root / "warehouse"
        self.warehouse.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.root / "rest-catalog-server.log"
        jars = ensure_jars()
        server_env = {k: v for k, v in os.environ.items() if not k.startswith("CATALOG_")}
        server_env.update({"CATALOG_REST_PORT": str(self.port),
                           "CATALOG_URI": f"jdbc:sqlite:file:{self.root / 'catalog.db'}",
                           "CATALOG_JDBC_SCHEMA__VERSION": "V1",
                           "CATALOG_WAREHOUSE": f"file://{self.warehouse}"})
        server_env.update(env or {})
        self.log = open(self.log_path, "ab")
        t0 = time.time()
        self.proc = subprocess.Popen([java17(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                                      "-cp", f"{jars}/*", MAIN_CLASS],
                                     env=server_env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready(timeout)
        except Exception:
            self.stop()
            raise
        self.start_seconds = time.time() - t0

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"RESTCatalogServer exited with {self.proc.returncode}:\n"
                                   f"{self.log_path.read_text()[-4000:]}")
            try:
                # The first request loads most of the server's classes: give it time.
                if requests.get(self.url + "/v1/config", timeout=10).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"RESTCatalogServer did not answer in {timeout} s:\n{self.log_path.read_text()[-4000:]}")

    def pyiceberg(self, **props):
        """pyiceberg's RestCatalog on this server."""
        from pyiceberg.catalog.rest import RestCatalog
        return RestCatalog("rest", uri=self.url, **props)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if not self.log.closed:
            self.log.close()


if __name__ == "__main__":
    if sys.argv[1:] == ["jars"]:
        print(ensure_jars())
    else:
        sys.exit(__doc__)
