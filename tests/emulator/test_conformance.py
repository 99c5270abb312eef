"""Behaviours pyTigerGraph relies on, each citing its source (pyTigerGraph = the installed 1.x/2.x package source
in .venv; server-docs = tigergraph/server-docs modules/API/pages/built-in-endpoints.adoc)."""
import pytest
import requests

from .conftest import connect


@pytest.mark.parametrize("where,expected", [
    ("age>=35", ["u2", "u3"]), ("age<=31", ["u1"]), ("age!=31", ["u2", "u3"]), ("age==40", ["u2"]),
    ("age>=31,age<=40", ["u1", "u2"]),
])
def test_unencoded_filter_operators(shop, where, expected):
    """pyTigerGraph common/vertex.py puts `filter=<where>` in the URL unencoded; REST++ splits each `&` parameter
    at its first `=` only and evaluates `>=`, `<=`, `!=`, `==` (server-docs: `filter` of GET /graph/.../vertices)."""
    shop.upsertVertices("User", [("u1", {"age": 31}), ("u2", {"age": 40}), ("u3", {"age": 50})])
    got = sorted(v["v_id"] for v in shop.getVertices("User", where=where))
    assert got == expected
    assert shop.getVertexCount("User", where=where) == len(expected)


def test_del_vertices_with_unencoded_filter(shop):
    """pyTigerGraph pyTigerGraphVertex.delVertices(where=...) sends DELETE ...?filter=age>=40 unencoded."""
    shop.upsertVertices("User", [("u1", {"age": 31}), ("u2", {"age": 40}), ("u3", {"age": 50})])
    assert shop.delVertices("User", where="age>=40") == 2
    assert sorted(v["v_id"] for v in shop.getVertices("User")) == ["u1"]


def test_echo_trailing_slash_get_and_post(shop):
    """pyTigerGraph pyTigerGraphUtils.echo() calls GET and POST {restppUrl}/echo/ (trailing slash)."""
    assert shop.echo() == "Hello GSQL"
    assert shop.echo(usePost=True) == "Hello GSQL"


def test_get_endpoints_builtin_without_envelope(shop, emulator):
    """pyTigerGraph common/schema.py _prep_get_endpoints: GET /endpoints/{graph}?builtin=true answers a bare map
    of "METHOD /path" keys (server-docs "List all endpoints"); dynamic=true lists installed queries (none)."""
    eps = shop.getEndpoints(builtin=True)
    # pyTigerGraph keeps "/graph/" endpoints only when they continue past {graph_name}/.
    assert "GET /echo" in eps and "POST /ddl/{graph_name}" in eps and "POST /graph/{graph_name}" not in eps
    assert "GET /graph/{graph_name}/vertices/{vertex_type}" in eps
    raw = requests.get(emulator.url + "/restpp/endpoints/shop?builtin=true",
                       auth=(emulator.user, emulator.password)).json()
    assert "version" not in raw and "results" not in raw and raw["GET /echo"] == {}
    assert raw["POST /graph/{graph_name}"] == {}
    assert shop.getEndpoints(dynamic=True) == {}


def test_filter_value_keeps_percent_encoding_semantics(shop, emulator):
    """An encoded filter (`age%3E%3D35`, as a browser sends it) and the raw one give the same answer."""
    shop.upsertVertices("User", [("u1", {"age": 31}), ("u2", {"age": 40})])
    auth = (emulator.user, emulator.password)
    enc = requests.get(emulator.url + "/restpp/graph/shop/vertices/User?filter=age%3E%3D35", auth=auth).json()
    raw = requests.get(emulator.url + "/restpp/graph/shop/vertices/User?filter=age>=35", auth=auth).json()
    assert [v["v_id"] for v in enc["results"]] == ["u2"] == [v["v_id"] for v in raw["results"]]


def test_secret_alias_in_use_is_refused(shop, emulator):
    """Creating a secret under an alias that exists is refused; the first secret keeps working (server-docs
    user-access/managing-credentials "Create a secret": aliases are unique per user; pyTigerGraph
    pyTigerGraphAuth.createSecret posts /gsql/v1/secrets?alias=...)."""
    auth = (emulator.user, emulator.password)
    first = requests.post(emulator.url + "/gsql/v1/secrets?alias=ci", auth=auth)
    assert first.status_code == 201 and first.json()["alias"] == "ci"
    again = requests.post(emulator.url + "/gsql/v1/secrets?alias=ci", auth=auth)
    assert again.status_code == 409 and again.json()["error"] is True
    assert "ci already exists" in again.json()["message"]
    tok = requests.post(emulator.url + "/restpp/requesttoken", json={"secret": first.json()["secret"]})
    assert tok.status_code == 200 and tok.json()["error"] is False


def test_upsert_unknown_type_or_attribute_is_rest_30200(shop, emulator):
    """Unknown vertex types and attributes in an upsert fail the whole request with REST-30200 (REST++ error
    catalogue "invalid upsert data"; pyTigerGraph tests test_04_upsertVertex accept REST-30200/REST-10004)."""
    auth = (emulator.user, emulator.password)
    for body in ({"vertices": {"Nope": {"x": {}}}}, {"vertices": {"User": {"u9": {"nope": {"value": 1}}}}},
                 {"edges": {"User": {"u1": {"NOPE": {"User": {"u2": {}}}}}}}):
        r = requests.post(emulator.url + "/restpp/graph/shop", json=body, auth=auth)
        assert r.status_code == 400 and r.json()["code"] == "REST-30200", (body, r.text)
    assert shop.getVertexCount("User") == 0


def test_count_of_unknown_vertex_type_is_gsql_7004(shop, emulator):
    """POST /builtins stat_vertex_number for an unknown type answers GSQL-7004 on 4.x (pyTigerGraph
    tests/test_pyTigerGraphVertex.py; older servers said REST-30000)."""
    r = requests.post(emulator.url + "/restpp/builtins/shop", auth=(emulator.user, emulator.password),
                      json={"function": "stat_vertex_number", "type": "Nope"})
    assert r.status_code == 400 and r.json()["error"] is True and r.json()["code"] == "GSQL-7004"


def test_update_vertex_only_lists_vertices_not_exist(shop, emulator):
    """`update_vertex_only=true` skips vertices that do not exist and lists them as vertices_not_exist
    (server-docs upsert-data-to-graph example; pyTigerGraph common/vertex.py sends updateVertexOnly)."""
    shop.upsertVertices("User", [("u1", {"age": 1})])
    r = requests.post(emulator.url + "/restpp/graph/shop?update_vertex_only=true", auth=(emulator.user, emulator.password),
                      json={"vertices": {"User": {"u1": {"age": {"value": 2}}, "u9": {}}}}).json()["results"][0]
    assert r == {"accepted_vertices": 1, "accepted_edges": 0, "skipped_vertices": 1,
                 "vertices_not_exist": [{"v_type": "User", "v_id": "u9"}]}


def test_count_only_edges_from_a_vertex_lists_zero_counts(shop, emulator):
    """GET /graph/{g}/edges/{type}/{id}?count_only=true counts every edge type that can leave the vertex type,
    including those with 0 edges (server-docs built-in-endpoints "List edges of a vertex", count_only; pyTigerGraph
    getEdgeCountFrom reads the list)."""
    shop.upsertVertices("User", [("u1", {}), ("u2", {})])
    shop.upsertEdge("User", "u1", "FOLLOWS", "User", "u2")
    r = requests.get(emulator.url + "/restpp/graph/shop/edges/User/u1?count_only=true",
                     auth=(emulator.user, emulator.password)).json()["results"]
    assert sorted((x["e_type"], x["count"]) for x in r) == [("FOLLOWED_BY", 0), ("FOLLOWS", 1), ("PURCHASED", 0)]
