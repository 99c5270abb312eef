"""The operator's views over HTTP after a sync with a delete and bad rows: dead letters by reason
(GET /api/v1/dead-letters/reasons and the reason filter of /api/v1/dead-letters), the chart data of
GET /api/v1/history (runs and each table's lag, checked against the table's snapshot log and the runs) and a vertex's
neighbourhood (GET /api/v1/neighbourhood, checked against the emulator's REST++ and the source rows)."""
from ..sync.conftest import GraphReader
from .conftest import PURCHASES_ROWS, sync_with_delete_and_bad_row


def error(code, message):
    return {"error": {"code": code, "message": message}}


def test_dead_letters_by_reason(svc, shop):
    sync_with_delete_and_bad_row(svc, shop)
    r = svc.get("/api/v1/dead-letters/reasons")
    assert r.status_code == 200
    assert r.json() == {"total": 2, "reasons": [
        {"reason_code": "empty_id", "count": 1, "by_mapping": [
            {"source_table": "shop.purchases", "mapping": "shop.purchases/edge:PURCHASED", "count": 1}]},
        {"reason_code": "null_id", "count": 1, "by_mapping": [
            {"source_table": "shop.users", "mapping": "shop.users/vertex:User", "count": 1}]}]}
    body = svc.get("/api/v1/dead-letters", params={"reason": "null_id"}).json()
    assert body["total"] == 1 and body["next_cursor"] is None
    [item] = body["items"]
    assert (item["run_id"], item["source_table"], item["snapshot_id"], item["mapping"], item["reason_code"]) == (
        2, "shop.users", shop.snapshot("users"), "shop.users/vertex:User", "null_id")
    assert '"name":"User 95"' in item["row_json"] and '"user_id":null' in item["row_json"]
    assert svc.get("/api/v1/dead-letters", params={"reason": "tg_rejected"}).json() == {
        "items": [], "next_cursor": None, "total": 0}
    body = svc.get("/api/v1/dead-letters", params={"mapping": "shop.purchases/edge:PURCHASED"}).json()
    assert [(i["reason_code"], i["row_key"]) for i in body["items"]] == [("empty_id", item_key(body))]
    assert svc.get("/api/v1/dead-letters/reasons", params={"run_id": 1}).json() == {"total": 0, "reasons": []}
    assert svc.get("/api/v1/dead-letters/reasons", params={"table": "shop.users"}).json()["total"] == 1
    r = svc.get("/api/v1/dead-letters/reasons", params={"run_id": "x"})
    assert (r.status_code, r.json()) == (400, error("invalid_argument",
                                                    "run_id must be an integer from 0 to 9223372036854775807, got 'x'"))


def item_key(body):
    return body["items"][0]["row_key"]


def lag_polyline(ancestry, applied, from_ms, now_ms):
    """The lag polyline as docs/service.md defines it, from (snapshot_id, timestamp_ms) oldest first and
    (ended_ms, snapshot_id) of the successful runs."""
    def checkpoint_at(t):
        done = [s for e, s in sorted(applied) if e <= t]
        return done[-1] if done else None

    def value(cp, t, seconds_at):
        ids = [s for s, _ in ancestry]
        if cp is not None and cp not in ids:
            return (None, 0)
        start = ids.index(cp) + 1 if cp is not None else 0
        pending = [ts for _, ts in ancestry[start:] if ts <= t]
        return (len(pending), max(0, (seconds_at - pending[0]) // 1000) if pending else 0)

    out = [(from_ms, *value(checkpoint_at(from_ms), from_ms, from_ms))]
    events = sorted({ts for _, ts in ancestry if from_ms < ts < now_ms} | {e for e, _ in applied if from_ms < e < now_ms})
    for t in events:
        before = (t, *value(checkpoint_at(t - 1), t - 1, t))
        after = (t, *value(checkpoint_at(t), t, t))
        if before != after:
            out.append(before)
        out.append(after)
    out.append((now_ms, *value(checkpoint_at(now_ms), now_ms, now_ms)))
    return out


def test_history_has_the_runs_and_each_tables_lag(svc, shop):
    runs = sync_with_delete_and_bad_row(svc, shop)
    r = svc.get("/api/v1/history", params={"runs": 10})
    assert r.status_code == 200
    h = r.json()
    assert h["from_ms"] == runs[0]["started_ms"]
    got = [{k: run[k] for k in ("run_id", "kind", "outcome", "rows_read", "vertices_upserted", "edges_upserted",
                                "deleted", "dead_letters_by_reason")} for run in h["runs"]]

    def sums(run, section, key, kind=None):
        items = run["counts"][section]
        items = items if isinstance(items, list) else [v for v in items.values() if kind in (None, v["kind"])]
        return sum(i[key] for i in items)

    assert got == [{"run_id": run["run_id"], "kind": run["kind"], "outcome": "succeeded",
                    "rows_read": sums(run, "tables", "rows_read"),
                    "vertices_upserted": sums(run, "types", "accepted", "vertex"),
                    "edges_upserted": sums(run, "types", "accepted", "edge"),
                    "deleted": sums(run, "types", "deleted"),
                    "dead_letters_by_reason": {} if run["run_id"] == 1 else {"empty_id": 1, "null_id": 1}}
                   for run in runs]
    assert [x["kind"] for x in h["runs"]] == ["full", "incremental"]
    assert h["runs"][0]["rows_read"] == 69 and h["runs"][1]["deleted"] == 1
    for run, want in zip(h["runs"], runs):
        assert run["seconds"] == (want["ended_ms"] - want["started_ms"]) / 1000
    assert [lag["table"] for lag in h["lag"]] == ["shop.users", "shop.products", "shop.purchases"]
    for lag in h["lag"]:
        table = shop.t(lag["table"].split(".")[1])
        by_id = {s.snapshot_id: s for s in table.metadata.snapshots}
        ancestry, sid = [], table.current_snapshot().snapshot_id
        while sid is not None:
            ancestry.append((sid, by_id[sid].timestamp_ms))
            sid = by_id[sid].parent_snapshot_id
        ancestry.reverse()
        applied = [(run["ended_ms"], t["snapshot_id"]) for run in runs for t in run["counts"]["tables"]
                   if t["table"] == lag["table"]]
        want = lag_polyline(ancestry, applied, h["from_ms"], h["now_ms"])
        assert [(p["t_ms"], p["snapshots"], p["seconds"]) for p in lag["points"]] == want, lag["table"]
        # Caught up at the end; one snapshot behind between each commit after run 1 and the end of run 2.
        assert lag["points"][-1]["snapshots"] == 0
    purchases = h["lag"][2]["points"]
    assert max(p["snapshots"] for p in purchases) == 2  # the delete and the bad row's append
    r = svc.get("/api/v1/history", params={"runs": 0})
    assert r.status_code == 400


def emulator_edges(emu, vtype, vid):
    """The PURCHASED edges touching (vtype, vid) as REST++ lists them from every user."""
    out = []
    for e in GraphReader(emu, "shop").edges("User", "PURCHASED"):
        if (vtype == "User" and e["from_id"] == vid) or (vtype == "Product" and e["to_id"] == vid):
            out.append((e["from_id"], e["to_id"], e["attributes"]["purchase_id"]))
    return sorted(out)


def test_neighbourhood_of_a_user_and_a_product(svc, shop, emulator):
    sync_with_delete_and_bad_row(svc, shop)
    r = svc.get("/api/v1/neighbourhood", params={"type": "User", "id": "u03"})
    assert r.status_code == 200, r.text
    n = r.json()
    # u03 bought x020 (p0), x037 (p1), x040 and x041 (p3); x003 was deleted.
    from_rows = sorted((p["user_id"], p["product_id"], p["purchase_id"]) for p in PURCHASES_ROWS
                       if p["user_id"] == "u03" and p["purchase_id"] != "x003")
    assert from_rows == [("u03", "p0", "x020"), ("u03", "p1", "x037"), ("u03", "p3", "x040"), ("u03", "p3", "x041")]
    got = sorted((e["from_id"], e["to_id"], e["attributes"]["purchase_id"]) for e in n["edges"])
    assert got == from_rows == emulator_edges(emulator, "User", "u03")
    produced = [{"mapping": "shop.purchases/edge:PURCHASED", "table": "shop.purchases"}]
    assert all(e["produced_by"] == produced and e["e_type"] == "PURCHASED" and e["directed"] for e in n["edges"])
    assert n["vertex"] == {"v_type": "User", "v_id": "u03", "hop": 0,
                           "attributes": {"name": "User 3", "age": 23, "updated_at": "2026-01-01 03:00:00"},
                           "produced_by": [{"mapping": "shop.users/vertex:User", "table": "shop.users"}]}
    assert [(v["hop"], v["v_type"], v["v_id"]) for v in n["vertices"]] == [
        (0, "User", "u03"), (1, "Product", "p0"), (1, "Product", "p1"), (1, "Product", "p3")]
    assert n["vertices"][3]["attributes"] == {"title": "Product 3", "price": 6.0, "updated_at": "2026-01-01 00:00:00"}
    assert (n["hops"], n["limit"], n["truncated"], n["incomplete"]) == (1, 50, False, [])

    # Into a product: REST++ lists outgoing edges only, so the users are walked (23 of them, under the cap).
    n = svc.get("/api/v1/neighbourhood", params={"type": "Product", "id": "p3"}).json()
    got = sorted((e["from_id"], e["to_id"], e["attributes"]["purchase_id"]) for e in n["edges"])
    assert got == sorted((p["user_id"], p["product_id"], p["purchase_id"]) for p in PURCHASES_ROWS
                         if p["product_id"] == "p3" and p["purchase_id"] != "x003")
    assert got == emulator_edges(emulator, "Product", "p3")

    # Two hops from u03: its products, then every user who bought one of them; cut at 6 vertices.
    n = svc.get("/api/v1/neighbourhood", params={"type": "User", "id": "u03", "hops": 2, "limit": 6}).json()
    assert [(v["hop"], v["v_id"]) for v in n["vertices"]][:4] == [(0, "u03"), (1, "p0"), (1, "p1"), (1, "p3")]
    assert len(n["vertices"]) == 6 and n["truncated"] is True
    ids = {(v["v_type"], v["v_id"]) for v in n["vertices"]}
    assert all(("User", e["from_id"]) in ids and ("Product", e["to_id"]) in ids for e in n["edges"])

    assert svc.get("/api/v1/neighbourhood", params={"type": "User", "id": "nobody"}).json() == error(
        "not_found", "TigerGraph holds no User vertex 'nobody'")
    r = svc.get("/api/v1/neighbourhood", params={"type": "Shop", "id": "s1"})
    assert (r.status_code, r.json()) == (404, error("not_found",
                                                    "no vertex type 'Shop' in the mapping (types: Product, User)"))
    r = svc.get("/api/v1/neighbourhood", params={"type": "User"})
    assert (r.status_code, r.json()) == (400, error("invalid_argument",
                                                    "type and id are required, e.g. ?type=User&id=u01"))
    r = svc.get("/api/v1/neighbourhood", params={"type": "User", "id": "u03", "hops": 3})
    assert (r.status_code, r.json()) == (400, error("invalid_argument", "hops must be an integer from 1 to 2, got '3'"))
