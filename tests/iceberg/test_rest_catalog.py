"""The REST catalog client against a small stub of the Iceberg REST protocol (config, OAuth2 client credentials,
loadTable), backed by the pyiceberg-written warehouse. Kept only for what Iceberg's own RESTCatalogServer (the real
server of test_rest_catalog_server.py) cannot produce: a `prefix` override in the /v1/config answer, and 401
refusals of bad client credentials or a missing token (that server issues a token to any client and checks none)."""
import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from ..conftest import icegraph_bin
from .test_pyiceberg_reads import rows_key, warehouse  # noqa: F401  (the module-scoped warehouse fixture)

CLIENT_ID, CLIENT_SECRET, TOKEN = "etl", "s3cret", "tok-123"


def make_handler(catalog, seen):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            seen.append(("POST", self.path, form.get("grant_type"), form.get("scope")))
            if self.path != "/v1/oauth/tokens" or form.get("client_id") != [CLIENT_ID] or \
                    form.get("client_secret") != [CLIENT_SECRET]:
                return self.reply(401, {"error": {"message": "bad client credentials", "code": 401}})
            self.reply(200, {"access_token": TOKEN, "token_type": "bearer", "expires_in": 3600})

        def do_GET(self):
            url = urlparse(self.path)
            seen.append(("GET", url.path, self.headers.get("Authorization")))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self.reply(401, {"error": {"message": "not authorized", "code": 401}})
            if url.path == "/v1/config":
                return self.reply(200, {"defaults": {}, "overrides": {"prefix": "wh1"}})
            parts = url.path.split("/")
            if len(parts) == 7 and parts[:3] == ["", "v1", "wh1"] and parts[5] == "tables":
                ns, table = unquote(parts[4]), unquote(parts[6])
                try:
                    t = catalog.load_table(f"{ns}.{table}")
                except Exception:  # the table does not exist
                    return self.reply(404, {"error": {"message": f"Table does not exist: {ns}.{table}", "code": 404}})
                with open(t.metadata_location.replace("file://", "")) as f:
                    metadata = json.load(f)
                return self.reply(200, {"metadata-location": t.metadata_location, "metadata": metadata, "config": {}})
            self.reply(404, {"error": {"message": "no route", "code": 404}})

    return Handler


@pytest.fixture
def rest_server(warehouse):  # noqa: F811
    seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(warehouse["catalog"], seen))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def scan(uri, *extra):
    return subprocess.run([icegraph_bin(), "iceberg", "scan", "--catalog-type", "rest", "--catalog-uri", uri, *extra],
                          capture_output=True, text=True, timeout=60)


def test_oauth2_config_prefix_and_load_table(rest_server, warehouse):  # noqa: F811
    uri, seen = rest_server
    out = scan(uri, "--prop", f"credential={CLIENT_ID}:{CLIENT_SECRET}", "--prop", "scope=PRINCIPAL_ROLE:ALL",
               "db.changes")
    assert out.returncode == 0, out.stderr
    expected = warehouse["catalog"].load_table("db.changes").scan().to_arrow().to_pylist()
    assert rows_key([json.loads(line) for line in out.stdout.splitlines()]) == rows_key(expected)
    assert seen[0] == ("POST", "/v1/oauth/tokens", ["client_credentials"], ["PRINCIPAL_ROLE:ALL"])
    assert seen[1] == ("GET", "/v1/config", f"Bearer {TOKEN}")
    assert seen[2] == ("GET", "/v1/wh1/namespaces/db/tables/changes", f"Bearer {TOKEN}")
    assert CLIENT_SECRET not in out.stderr  # secrets never reach the log


def test_bearer_token_and_errors(rest_server):
    uri, _ = rest_server
    out = scan(uri, "--prop", f"token={TOKEN}", "db.appends")
    assert out.returncode == 0 and len(out.stdout.splitlines()) == 30
    out = scan(uri, "--prop", f"token={TOKEN}", "db.missing")
    assert out.returncode == 1 and "HTTP 404: Table does not exist: db.missing" in out.stderr
    out = scan(uri, "--prop", "credential=etl:wrong", "db.appends")
    assert out.returncode == 1 and "HTTP 401: bad client credentials" in out.stderr
    out = scan(uri, "db.appends")
    assert out.returncode == 1 and "HTTP 401" in out.stderr
