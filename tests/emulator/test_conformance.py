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
