"""`icegraph serve` end to end against the emulator: every status code the API promises (200, 202, 400, 401, 403,
404, 409, 503), the skeleton's exact shapes, cursor paging compared with the graph read directly through REST++,
Prometheus metrics equal to the run's counts, CORS and the OpenAPI document in step with the routes."""
import json
import subprocess
from urllib.parse import parse_qs, urlparse

import requests
from prometheus_client.parser import text_string_to_metric_families

from ..conftest import icegraph_bin
from ..sync.conftest import GraphReader
from .conftest import (PRODUCTS_ROWS, PURCHASES_ROWS, TOKEN, USERS_ROWS, Service, purchase, read_vertices, service_block,
                       user, write_config, CONFIG)


def error(code, message, **extra):
    return {"error": dict({"code": code, "message": message}, **extra)}


def walk(svc, alias, limit):
    """Every item of /api/graph/{alias}/ following X-Next-Cursor, and the number of pages."""
    items, pages, cursor = [], 0, None
    while True:
        params = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        r = svc.get(f"/api/graph/{alias}/", params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert isinstance(body, list) and len(body) <= limit
        items += body
        pages += 1
        cursor = r.headers.get("X-Next-Cursor")
        if cursor is None:
            assert "Link" not in r.headers
            return items, pages
        link = r.headers["Link"]
        assert link == f'</api/graph/{alias}/?limit={limit}&cursor={cursor}>; rel="next"', link


def expected_vertices(emu, vtype):
    return sorted(({"v_type": vtype, "v_id": vid, "attributes": a} for vid, a in read_vertices(emu, vtype).items()),
                  key=lambda v: v["v_id"])


def expected_edges(emu):
    out = []
    for e in GraphReader(emu, "shop").edges("User", "PURCHASED"):
        out.append({k: e[k] for k in ("e_type", "directed", "from_type", "from_id", "to_type", "to_id", "attributes")})
    return out


def edge_key(e):
    return (e["from_id"], e["to_id"], e["attributes"]["purchase_id"])


def test_openapi_document_is_in_step_with_the_routes(svc):
    routes = subprocess.run([icegraph_bin(), "serve", "--list-routes"], capture_output=True, text=True, check=True)
    registered = {tuple(line.split(" ", 1)) for line in routes.stdout.splitlines()}
    r = requests.get(svc.url + "/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    assert documented == registered
    assert len(registered) == 18


def test_health_is_open_and_unknown_routes_are_json_404(svc):
    r = requests.get(svc.url + "/healthz")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})
    r = requests.get(svc.url + "/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "checks": {"state": {"ok": True}, "catalog": {"ok": True},
                                                       "tigergraph": {"ok": True}}}
    r = svc.get("/api/v1/nothing")
    assert (r.status_code, r.json()) == (404, error("not_found", "no route for GET /api/v1/nothing"))
    r = svc.get("/api/v1/syncs/doesnotexist")
    assert (r.status_code, r.json()) == (404, error(
        "not_found", "no job doesnotexist (jobs are kept in memory until the service restarts)"))
    r = svc.get("/api/graph/orders/")
    assert (r.status_code, r.json()) == (404, error(
        "not_found", "no alias 'orders' in the mapping (aliases: users, products, purchases)"))
    page = requests.get(svc.url + "/")
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Sync now" in page.text
    for name, ctype in (("app.js", "text/javascript; charset=utf-8"), ("style.css", "text/css; charset=utf-8")):
        r = requests.get(svc.url + "/static/" + name)
        assert (r.status_code, r.headers["Content-Type"]) == (200, ctype) and len(r.content) > 500
    r = requests.get(svc.url + "/static/secret.txt")
    assert (r.status_code, r.json()) == (404, error("not_found", "no static file secret.txt"))


def test_bearer_token_401_403_and_open_routes(svc):
    for method, path in (("GET", "/api/v1/tables"), ("GET", "/api/v1/runs"), ("GET", "/metrics"),
                         ("GET", "/api/graph/users/"), ("GET", "/api/sync/batch/"), ("POST", "/api/v1/syncs"),
                         ("POST", "/api/v1/validate"), ("GET", "/api/v1/dead-letters"),
                         ("GET", "/api/v1/dead-letters/reasons"), ("GET", "/api/v1/history"),
                         ("GET", "/api/v1/neighbourhood?type=User&id=u01")):
        r = requests.request(method, svc.url + path)
        assert r.status_code == 401, (path, r.text)
        assert r.headers["WWW-Authenticate"] == 'Bearer realm="icegraph"'
        assert r.json() == error("unauthenticated", "this endpoint needs an Authorization: Bearer <token> header")
        r = requests.request(method, svc.url + path, headers={"Authorization": "Basic dGlnZXI6Z3JhcGg="})
        assert r.status_code == 401, (path, r.text)
        r = requests.request(method, svc.url + path, headers={"Authorization": "Bearer " + TOKEN + "x"})
        assert (r.status_code, r.json()) == (403, error("forbidden", "the bearer token is not valid")), path
        assert "WWW-Authenticate" not in r.headers
    # No sync was started by any of those.
    assert svc.get("/api/v1/runs").json() == {"runs": []}
    assert TOKEN not in svc.log_path.read_text()


def test_reads_open_when_auth_reads_is_false(make_service, shop):
    shop.fill()
    svc = make_service(auth_reads=False)
    assert requests.get(svc.url + "/api/v1/runs").status_code == 200
    assert requests.get(svc.url + "/metrics").status_code == 200
    r = requests.post(svc.url + "/api/v1/syncs", json={"mode": "full"})
    assert r.status_code == 401


def test_batch_sync_graph_shapes_and_paging(svc, emulator):
    r = svc.get("/api/sync/batch/")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"status", "job_id", "run_id", "counts"}
    assert body["status"] == "Batch sync completed"
    assert body["run_id"] == 1
    assert r.headers["Location"] == f"/api/v1/syncs/{body['job_id']}"
    counts = body["counts"]
    assert counts["outcome"] == "succeeded"
    assert {t["table"]: t["rows_read"] for t in counts["tables"]} == {
        "shop.users": len(USERS_ROWS), "shop.products": len(PRODUCTS_ROWS), "shop.purchases": len(PURCHASES_ROWS)}
    assert {k: (v["kind"], v["accepted"]) for k, v in counts["types"].items()} == {
        "User": ("vertex", 23), "Product": ("vertex", 4), "PURCHASED": ("edge", 42)}

    job = svc.get(f"/api/v1/syncs/{body['job_id']}").json()
    assert job["status"] == "succeeded" and job["mode"] == "full" and job["run_id"] == 1 and job["error"] is None
    assert job["report"] == counts

    # Vertices: the skeleton's {v_type, v_id, attributes}, every page walked equals the type read through REST++.
    want_users = expected_vertices(emulator, "User")
    assert len(want_users) == 23
    assert want_users[0] == {"v_type": "User", "v_id": "u00",
                             "attributes": {"name": "User 0", "age": 20, "updated_at": "2026-01-01 00:00:00"}}
    for limit in (1, 7, 23, 50):
        got, pages = walk(svc, "users", limit)
        assert got == want_users, limit
        assert pages == -(-23 // limit)
    got, _ = walk(svc, "products", 3)
    assert got == expected_vertices(emulator, "Product")

    # Edges: {e_type, directed, from_type, from_id, to_type, to_id, attributes}, each exactly once over the pages.
    want_edges = sorted(expected_edges(emulator), key=edge_key)
    assert len(want_edges) == 42
    for limit in (1, 4, 5, 42, 50):
        got, pages = walk(svc, "purchases", limit)
        assert sorted(got, key=edge_key) == want_edges, limit
        assert len({edge_key(e) for e in got}) == 42
        assert pages >= -(-42 // limit)
    first = svc.get("/api/graph/purchases/", params={"limit": 1}).json()[0]
    assert set(first) == {"e_type", "directed", "from_type", "from_id", "to_type", "to_id", "attributes"}
    assert (first["e_type"], first["directed"], first["from_type"], first["to_type"]) == (
        "PURCHASED", True, "User", "Product")

    # Without limit: at most page_limit_max (50) items, and a cursor when there are more.
    r = svc.get("/api/graph/purchases/")
    assert r.status_code == 200 and len(r.json()) == 42 and "X-Next-Cursor" not in r.headers

    for params, message in (({"limit": "0"}, "limit must be an integer from 1 to 50, got '0'"),
                            ({"limit": "51"}, "limit must be an integer from 1 to 50, got '51'"),
                            ({"limit": "ten"}, "limit must be an integer from 1 to 50, got 'ten'"),
                            ({"cursor": "!!!"}, "cursor is not one this endpoint issued for alias users")):
        r = svc.get("/api/graph/users/", params=params)
        assert (r.status_code, r.json()) == (400, error("invalid_argument", message))
    # A cursor of one alias is refused by another.
    cursor = svc.get("/api/graph/purchases/", params={"limit": 1}).headers["X-Next-Cursor"]
    r = svc.get("/api/graph/users/", params={"cursor": cursor})
    assert (r.status_code, r.json()) == (400, error("invalid_argument",
                                                    "cursor is not one this endpoint issued for alias users"))


def test_micro_batch_sync(svc, shop):
    for params, message in (
            ({}, "last_timestamp is required: an ISO 8601 date or date-time, e.g. "
                 "/api/sync/micro/?last_timestamp=2026-01-20T10:00:00Z"),
            ({"last_timestamp": ""}, "last_timestamp is required: an ISO 8601 date or date-time, e.g. "
                                     "/api/sync/micro/?last_timestamp=2026-01-20T10:00:00Z"),
            ({"last_timestamp": "yesterday"}, None), ({"last_timestamp": "2026-02-30"}, None),
            ({"last_timestamp": "2026-01-20T25:00:00"}, None), ({"last_timestamp": "2026-01-20T10:00:00+2"}, None)):
        r = svc.get("/api/sync/micro/", params=params)
        if message is None:
            message = (f"last_timestamp '{params['last_timestamp']}' is not an ISO 8601 date or date-time (e.g. "
                       "2026-01-20, 2026-01-20T10:00:00, 2026-01-20T10:00:00Z or 2026-01-20T10:00:00+02:00)")
        assert (r.status_code, r.json()) == (400, error("invalid_argument", message)), params
    assert svc.get("/api/v1/runs").json() == {"runs": []}

    assert svc.get("/api/sync/batch/").status_code == 200
    # Rows updated on 2026-01-05: two users and three purchases; the micro-batch after 01-03 reads only those.
    shop.append("users", [user(40, day=5), user(41, day=5)])
    shop.append("purchases", [purchase(60, 40, 1, day=5), purchase(61, 41, 2, day=5), purchase(62, 41, 3, day=5)])
    # 2026-01-03T02:00:00+02:00 is 2026-01-03T00:00:00Z.
    r = svc.get("/api/sync/micro/", params={"last_timestamp": "2026-01-03T02:00:00+02:00"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "Micro-batch sync completed" and body["run_id"] == 2
    assert {t["table"]: (t["mode"], t["rows_read"]) for t in body["counts"]["tables"]} == {
        "shop.users": ("since", 2), "shop.products": ("since", 0), "shop.purchases": ("since", 3)}
    job = svc.get(f"/api/v1/syncs/{body['job_id']}").json()
    assert (job["mode"], job["since"]) == ("since", "2026-01-03T00:00:00")
    runs = svc.get("/api/v1/runs").json()["runs"]
    assert [(r["run_id"], r["kind"], r["outcome"]) for r in runs] == [(2, "since", "succeeded"),
                                                                      (1, "full", "succeeded")]


def test_v1_syncs_tables_runs_and_metrics(svc, shop, emulator):
    for body, message in (("[1]", "the body must be a JSON object"), ('{"mode": "all"}',
                          "mode must be full, incremental or since, got 'all'"),
                          ('{"mode": "since"}', 'mode since needs "since": an ISO 8601 date or date-time'),
                          ('{"mode": "full", "since": "2026-01-01"}', '"since" is only for mode since'),
                          ('{"mode": "full", "x": 1}', "unknown field 'x' (allowed: mode, since)")):
        r = svc.post("/api/v1/syncs", data=body, headers={"Content-Type": "application/json"})
        assert (r.status_code, r.json()) == (400, error("invalid_argument", message)), body

    tables = {t["table"]: t for t in svc.get("/api/v1/tables").json()["tables"]}
    assert {k: (t["checkpoint_snapshot_id"], t["current_snapshot_id"], t["snapshots_behind"], t["last_run"])
            for k, t in tables.items()} == {
        n: (None, shop.snapshot(n.split(".")[1]), 1, None) for n in ("shop.users", "shop.products", "shop.purchases")}

    r = svc.post("/api/v1/syncs", json={"mode": "incremental"})
    assert r.status_code == 202, r.text
    job = r.json()
    assert set(job) == {"id", "mode", "status", "created_ms", "started_ms", "finished_ms", "run_id", "error", "report"}
    assert job["mode"] == "incremental" and job["status"] in ("queued", "running")
    assert r.headers["Location"] == f"/api/v1/syncs/{job['id']}"
    done = svc.wait_job(job["id"])
    assert done["status"] == "succeeded" and done["run_id"] == 1

    # One more snapshot of users: the table is one snapshot behind until the next sync.
    shop.append("users", [user(50), user(51), user(52)])
    body = svc.get("/api/v1/tables").json()
    assert body["pipeline"] == "shop" and body["running_job"] is None
    tables = {t["table"]: t for t in body["tables"]}
    users = tables["shop.users"]
    assert users["snapshots_behind"] == 1 and users["current_snapshot_id"] == shop.snapshot("users")
    assert users["checkpoint_snapshot_id"] != users["current_snapshot_id"]
    assert users["last_run"]["run_id"] == 1 and users["last_run"]["rows_read"] == 23
    assert tables["shop.products"]["snapshots_behind"] == 0

    metrics = parse_metrics(svc)
    assert metrics[("icegraph_table_lag_snapshots", (("table", "shop.users"),))] == 1
    assert metrics[("icegraph_table_lag_snapshots", (("table", "shop.products"),))] == 0

    done = svc.wait_job(svc.post("/api/v1/syncs", json={}).json()["id"])
    assert done["status"] == "succeeded" and done["mode"] == "incremental"
    assert {t["table"]: (t["mode"], t["rows_read"]) for t in done["report"]["tables"]} == {
        "shop.users": ("incremental", 3), "shop.products": ("unchanged", 0), "shop.purchases": ("unchanged", 0)}
    tables = {t["table"]: t for t in svc.get("/api/v1/tables").json()["tables"]}
    assert all(t["snapshots_behind"] == 0 and t["seconds_behind"] == 0 and
               t["checkpoint_snapshot_id"] == t["current_snapshot_id"] for t in tables.values())
    assert tables["shop.users"]["last_run"]["run_id"] == 2 and tables["shop.users"]["last_run"]["rows_read"] == 3

    runs = svc.get("/api/v1/runs").json()["runs"]
    assert [(r["run_id"], r["kind"], r["outcome"]) for r in runs] == [(2, "incremental", "succeeded"),
                                                                      (1, "incremental", "succeeded")]
    assert runs[0]["counts"] == done["report"]
    assert svc.get("/api/v1/runs", params={"limit": 1}).json()["runs"] == runs[:1]
    r = svc.get("/api/v1/runs", params={"limit": "-1"})
    assert (r.status_code, r.json()) == (400, error("invalid_argument", "limit must be an integer from 1 to 50, got '-1'"))

    # Metrics: the sum of both runs' counts, exactly.
    m = parse_metrics(svc)
    assert m[("icegraph_rows_read_total", (("table", "shop.users"),))] == 26
    assert m[("icegraph_rows_read_total", (("table", "shop.products"),))] == 4
    assert m[("icegraph_rows_read_total", (("table", "shop.purchases"),))] == 42
    assert m[("icegraph_vertices_upserted_total", (("type", "User"),))] == 26
    assert m[("icegraph_vertices_upserted_total", (("type", "Product"),))] == 4
    assert m[("icegraph_edges_upserted_total", (("type", "PURCHASED"),))] == 42
    assert m[("icegraph_vertices_deleted_total", (("type", "User"),))] == 0
    assert m[("icegraph_edges_deleted_total", (("type", "PURCHASED"),))] == 0
    assert m[("icegraph_dead_letters_total", (("table", "shop.users"),))] == 0
    assert m[("icegraph_sync_runs_total", (("kind", "incremental"), ("outcome", "succeeded")))] == 2
    assert m[("icegraph_sync_run_seconds_count", (("kind", "incremental"),))] == 2
    assert m[("icegraph_sync_run_seconds_bucket", (("kind", "incremental"), ("le", "+Inf")))] == 2
    # Observed in run order, as the service added them.
    assert m[("icegraph_sync_run_seconds_sum", (("kind", "incremental"),))] == (
        0.0 + runs[1]["counts"]["seconds"] + runs[0]["counts"]["seconds"])
    assert m[("icegraph_table_lag_snapshots", (("table", "shop.users"),))] == 0
    assert m[("icegraph_table_lag_seconds", (("table", "shop.users"),))] == 0


def parse_metrics(svc):
    r = svc.get("/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    out, families = {}, {}
    for fam in text_string_to_metric_families(r.text):
        families[fam.name] = fam.type
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    # Every family the service promises is there with its type, even before its first sample.
    for name, kind in (("icegraph_rows_read", "counter"), ("icegraph_vertices_upserted", "counter"),
                       ("icegraph_edges_upserted", "counter"), ("icegraph_vertices_deleted", "counter"),
                       ("icegraph_edges_deleted", "counter"), ("icegraph_dead_letters", "counter"),
                       ("icegraph_sync_runs", "counter"), ("icegraph_sync_run_seconds", "histogram"),
                       ("icegraph_table_lag_seconds", "gauge"), ("icegraph_table_lag_snapshots", "gauge"),
                       ("icegraph_tigergraph_requests", "counter"), ("icegraph_tigergraph_retries", "counter"),
                       ("icegraph_tigergraph_request_seconds", "histogram")):
        assert families.get(name) == kind, (name, families.get(name))
    return out


def test_dead_letters_paged(make_service, shop):
    shop.fill()
    # Three users with a null id and two purchases with an empty product id: five dead letters.
    shop.append("users", [dict(user(90), user_id=None), dict(user(91), user_id=None), dict(user(92), user_id=None)])
    shop.append("purchases", [dict(purchase(90, 1, 1), product_id=""), dict(purchase(91, 1, 1), product_id="")])
    svc = make_service()
    assert svc.get("/api/sync/batch/").status_code == 200
    r = svc.get("/api/v1/dead-letters", params={"limit": 50})
    assert r.status_code == 200
    full = r.json()
    assert full["total"] == 5 and len(full["items"]) == 5 and full["next_cursor"] is None
    assert sorted(i["reason_code"] for i in full["items"]) == ["empty_id", "empty_id", "null_id", "null_id", "null_id"]
    assert set(full["items"][0]) == {"id", "run_id", "source_table", "snapshot_id", "mapping", "row_key",
                                     "reason_code", "message", "row_json", "created_ms"}
    items, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = svc.get("/api/v1/dead-letters", params=params).json()
        items += body["items"]
        pages += 1
        assert body["total"] == 5
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert items == full["items"] and pages == 3
    m = parse_metrics(svc)
    assert m[("icegraph_dead_letters_total", (("table", "shop.users"),))] == 3
    assert m[("icegraph_dead_letters_total", (("table", "shop.purchases"),))] == 2
    r = svc.get("/api/v1/dead-letters", params={"cursor": "eyJ"})
    assert (r.status_code, r.json()) == (400, error("invalid_argument", "cursor is not one this endpoint issued"))


def test_202_then_409_while_a_sync_runs(emulator_factory, make_service, shop):
    shop.fill()
    # Every emulator request takes 400 ms: the sync outlives the 0 s wait, so the answer is 202, and later calls
    # find it running.
    slow = emulator_factory("--username", "tigergraph", "--password", "tigergraph", "--faults", "latency_ms=400")
    svc = make_service(emu=slow, sync_wait_s=0)
    r = svc.get("/api/sync/batch/")
    assert r.status_code == 202, r.text
    body = r.json()
    assert set(body) == {"status", "job_id", "job"} and body["status"] == "Batch sync accepted"
    job_id = body["job_id"]
    assert body["job"]["id"] == job_id and body["job"]["status"] in ("queued", "running")
    assert r.headers["Location"] == f"/api/v1/syncs/{job_id}"
    conflict = error("conflict", f"a sync of pipeline shop is already running: job {job_id}", job_id=job_id)
    r = svc.post("/api/v1/syncs", json={"mode": "full"})
    assert (r.status_code, r.json()) == (409, conflict)
    r = svc.get("/api/sync/micro/", params={"last_timestamp": "2026-01-01"})
    assert (r.status_code, r.json()) == (409, conflict)
    r = svc.get("/api/sync/batch/")
    assert (r.status_code, r.json()) == (409, conflict)
    r = svc.post("/api/v1/validate")
    assert (r.status_code, r.json()) == (409, conflict)
    running = svc.get("/api/v1/tables").json()["running_job"]
    assert running["id"] == job_id
    done = svc.wait_job(job_id)
    assert done["status"] == "succeeded", done
    r = svc.post("/api/v1/syncs", json={"mode": "incremental"})
    assert r.status_code == 202
    assert svc.wait_job(r.json()["id"])["status"] == "succeeded"


def test_readyz_503_names_the_failed_peer(make_service, shop, emulator):
    shop.fill()
    svc = make_service()
    assert requests.get(svc.url + "/readyz").status_code == 200
    emulator.stop()
    r = requests.get(svc.url + "/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["state"] == {"ok": True} and body["checks"]["catalog"] == {"ok": True}
    assert body["checks"]["tigergraph"] == {"ok": False,
                                            "error": f"Unavailable: TigerGraph at {emulator.url} does not answer"}
    # A graph read with TigerGraph down is a 503 in the API's error shape.
    r = svc.get("/api/graph/users/")
    assert r.status_code == 503 and r.json()["error"]["code"] == "unavailable"
    assert requests.get(svc.url + "/healthz").status_code == 200


def test_cors_closed_by_default_and_open_to_listed_origins(make_service, shop, tmp_path):
    shop.fill()
    closed = make_service()
    r = closed.get("/api/v1/runs", headers={"Origin": "http://evil.example"})
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers
    r = requests.options(closed.url + "/api/v1/syncs", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert (r.status_code, r.json()) == (403, error("forbidden", "cross-origin requests from this origin are not allowed"))
    assert "Access-Control-Allow-Origin" not in r.headers

    opened = make_service(name="cors.yaml", cors=["https://dash.example"])
    r = opened.get("/api/v1/runs", headers={"Origin": "https://dash.example"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "https://dash.example" and r.headers["Vary"] == "Origin"
    r = opened.get("/api/v1/runs", headers={"Origin": "https://other.example"})
    assert "Access-Control-Allow-Origin" not in r.headers
    r = requests.options(opened.url + "/api/v1/syncs", headers={
        "Origin": "https://dash.example", "Access-Control-Request-Method": "POST"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "https://dash.example"
    assert r.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert r.headers["Access-Control-Allow-Headers"] == "Authorization, Content-Type"
    r = requests.options(opened.url + "/api/v1/syncs", headers={"Origin": "https://other.example"})
    assert r.status_code == 403 and "Access-Control-Allow-Origin" not in r.headers
    # A 401 to an allowed origin still carries the CORS header, so the page can read the error.
    r = requests.get(opened.url + "/api/v1/runs", headers={"Origin": "https://dash.example"})
    assert r.status_code == 401 and r.headers["Access-Control-Allow-Origin"] == "https://dash.example"


def test_no_token_refused_off_loopback_and_open_on_loopback(make_service, shop, tmp_path, emulator):
    shop.fill()
    config = write_config(tmp_path / "open.yaml", CONFIG.format(
        wh=shop.wh, url=emulator.url, state=tmp_path / "state.db", service=service_block(token=None)))
    out = subprocess.run([icegraph_bin(), "serve", "--config", str(config), "--host", "0.0.0.0", "--port", "0"],
                         capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert out.returncode == 2
    assert out.stderr == ("icegraph serve: Invalid: refusing to serve on 0.0.0.0 without a token: set service.token "
                          "(or $ICEGRAPH_SERVICE_TOKEN), listen on 127.0.0.1, or pass --insecure\n")
    insecure = Service(config, tmp_path, "--insecure", host="0.0.0.0", env={"ICEGRAPH_SERVICE_TOKEN": ""})
    try:
        assert requests.get(f"http://127.0.0.1:{insecure.port}/api/v1/runs").status_code == 200
    finally:
        insecure.stop()
    loopback = Service(config, tmp_path, env={"ICEGRAPH_SERVICE_TOKEN": ""})
    try:
        assert requests.get(loopback.url + "/api/v1/runs").json() == {"runs": []}
        assert requests.post(loopback.url + "/api/v1/syncs", json={"mode": "full"}).status_code == 202
    finally:
        loopback.stop()
    assert "event=service.no_token" in loopback.log_path.read_text()
    # The token may also come from the environment alone.
    env_token = Service(config, tmp_path, env={"ICEGRAPH_SERVICE_TOKEN": "from-env"})
    try:
        assert requests.get(env_token.url + "/api/v1/runs").status_code == 401
        r = requests.get(env_token.url + "/api/v1/runs", headers={"Authorization": "Bearer from-env"})
        assert r.status_code == 200
    finally:
        env_token.stop()


def test_validate_after_a_sync(svc):
    assert svc.get("/api/sync/batch/").status_code == 200
    r = svc.post("/api/v1/validate", json={"sample": 10, "seed": 3, "record": False})
    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True
    r = svc.post("/api/v1/validate", json={"sample": "many"})
    assert (r.status_code, r.json()) == (400, error(
        "invalid_argument", "invalid field 'sample' (allowed: sample: integer >= 0, seed: integer >= 0, record: bool)"))
