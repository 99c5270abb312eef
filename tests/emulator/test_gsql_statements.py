"""GSQL statements as TigerGraph documents them, through pyTigerGraph where it exposes them (issue 13, deliverable 3).

Sources: gsql-ref 4.1 `basics/system-and-language-basics` (session parameters, exit_on_error example),
`ddl-and-loading/defining-a-graph-schema` (DROP GRAPH), `API/gsql-endpoints` ("drop one graph", the `ls` sample
response), server-docs `gsql-shell/index` and gsql-ref `tutorials/gsql-101/define-a-schema` (`ls` examples).
"""
import pytest
import pyTigerGraph as tg
import requests

from .conftest import connect

EMPTY_LS = ("---- Global vertices, edges, and all graphs\nVertex Types:\nEdge Types:\n\nGraphs:\nJobs:\n\n\n"
            "JSON API version: v2\nSyntax version: v2\n")

LOCAL = """
CREATE VERTEX G (PRIMARY_ID id STRING)
CREATE GRAPH g (G)
USE GRAPH g
CREATE SCHEMA_CHANGE JOB add_local FOR GRAPH g {
  ADD VERTEX L (PRIMARY_ID id STRING);
  ADD DIRECTED EDGE le (FROM G, TO L) WITH REVERSE_EDGE="le_rev";
}
RUN SCHEMA_CHANGE JOB add_local
CREATE LOADING JOB load_g FOR GRAPH g { DEFINE FILENAME f; LOAD f TO VERTEX G VALUES ($0); }
"""


def test_ls_empty_catalog_is_the_documented_text(emulator):
    """gsql-endpoints "run gsql statements": the sample response of `ls` on an empty catalog."""
    assert connect(emulator).gsql("ls") == EMPTY_LS.rstrip("\n")
    assert emulator.gsql("ls") == EMPTY_LS


def test_ls_in_graph_scope_and_pytigergraph_graph_check(shop):
    """gsql-101 "define a schema": `ls` in a graph lists its types, the graph, its jobs and Queries; pyTigerGraph's
    check_exist_graphs() looks for "Graph <name>" in it."""
    out = shop.gsql("USE GRAPH shop\nls")
    lines = out.splitlines()
    assert lines[0] == "Using graph 'shop'"
    assert lines[1] == "---- Graph shop"
    assert lines[2] == "Vertex Types:"
    assert lines[3] == ('  - VERTEX User(PRIMARY_ID id STRING, name STRING, age INT, score DOUBLE, active BOOL, '
                        'joined DATETIME, tags SET<STRING>) WITH STATS="OUTDEGREE_BY_EDGETYPE", '
                        'PRIMARY_ID_AS_ATTRIBUTE="true"')
    assert lines[4] == ('  - VERTEX Product(PRIMARY_ID id STRING, name STRING, price DOUBLE DEFAULT "1.5") '
                        'WITH STATS="OUTDEGREE_BY_EDGETYPE"')
    assert lines[5] == "Edge Types:"
    assert "  - Graph shop(User:v, Product:v, PURCHASED:e, FOLLOWS:e, FOLLOWED_BY:e)" in lines
    assert lines[-1] == "Queries:"
    assert shop.check_exist_graphs("shop") is True
    assert shop.check_exist_graphs("nope") is False


def test_drop_graph_cascade_drops_local_types_and_jobs(emulator):
    """defining-a-graph-schema "DROP GRAPH": local types go with the graph, shared types stay."""
    out = emulator.gsql(LOCAL)
    assert "Successfully created loading jobs: [load_g]." in out, out
    assert emulator.gsql("DROP GRAPH g CASCADE") == "The graph g is dropped.\n"
    out = emulator.gsql("ls")
    assert "VERTEX G(" in out and "VERTEX L(" not in out and "le_rev" not in out, out
    assert emulator.gsql("CREATE VERTEX L (PRIMARY_ID id INT)") == "Successfully created vertex types: [L].\n"


def test_pytigergraph_drop_graph_endpoint_with_and_without_cascade(emulator):
    """gsql-endpoints "drop one graph": DELETE /gsql/v1/schema/graphs/{g}, which pyTigerGraph's dropGraph() calls on
    4.1+; without cascade it fails while loading jobs exist."""
    emulator.gsql(LOCAL)
    conn = connect(emulator, graph="g")
    with pytest.raises(tg.TigerGraphException) as e:
        conn.dropGraph("g")
    assert "Failed to drop graph g: it has loading jobs [load_g]" in str(e.value)
    assert conn.dropGraph("g", cascade=True) == {"error": False, "message": "Successfully dropped graph: g."}
    assert "Graph g(" not in emulator.gsql("ls")
    r = requests.delete(emulator.url + "/gsql/v1/schema/graphs/g", auth=(emulator.user, emulator.password))
    assert r.status_code == 400 and r.json() == {"error": True, "message": "The graph g does not exist."}


def test_set_exit_on_error_false_runs_the_rest_of_the_file(emulator):
    """system-and-language-basics "Session parameters": the documented exit_on_error = FALSE example file."""
    out = emulator.gsql(
        "SET exit_on_error = FALSE\n"
        "CREATE VERTEX v(PRIMARY_ID id INT, name STRING)\n"
        "CREATE VERTEX v(PRIMARY_ID id INT, weight FLOAT) // error 1: can't define VERTEX v\n"
        "CREATE UNDIRECTED EDGE e2 (FROM u, TO v) // error 2: vertex type u doesn't exist\n"
        "CREATE UNDIRECTED EDGE e1 (FROM v, TO v)\n"
        "CREATE GRAPH g2(*)\n")
    assert out == ("Successfully created vertex types: [v].\n"
                   "The vertex name v is used by another object! Please use a different name.\n"
                   "Failed to create vertex types: [v].\n"
                   "The vertex type u in edge e2 does not exist.\n"
                   "Failed to create edge types: [e2].\n"
                   "Successfully created edge types: [e1].\n"
                   "The graph g2 is created.\n")
    # Default (true): the file stops at the first failing statement.
    out = emulator.gsql("USE GRAPH nope\nCREATE VERTEX w(PRIMARY_ID id INT)")
    assert out == "Graph nope does not exist.\n"
    assert "VERTEX w(" not in emulator.gsql("ls")


def test_exit_on_error_partial_file_survives_a_restart(emulator_factory, tmp_path):
    """A file that failed part-way under exit_on_error = FALSE changed the catalog: the journal replays it."""
    data = tmp_path / "data"
    emu = emulator_factory("--no-auth", "--data-dir", str(data))
    emu.gsql("SET exit_on_error = FALSE\nUSE GRAPH nope\nCREATE VERTEX w(PRIMARY_ID id INT)")
    before = emu.gsql("ls")
    assert "VERTEX w(" in before
    emu.stop()
    again = emulator_factory("--no-auth", "--data-dir", str(data))
    assert again.gsql("ls") == before


def test_typedef_tuple_is_listed_by_the_udt_endpoints_and_pytigergraph(emulator):
    """attribute-data-types "User-defined tuples" (the documented example) and gsql-endpoints "list all tuples" /
    "list one tuple"; pyTigerGraph's getUDTs() and getSchema() read the list."""
    out = emulator.gsql("TYPEDEF TUPLE <field1 INT(1), field2 UINT, field3 STRING(10), field4 DOUBLE> My_Tuple\n"
                        "CREATE VERTEX P (PRIMARY_ID id STRING)\nCREATE GRAPH tg1 (P)")
    assert out.startswith("Successfully created tuple types: [My_Tuple].\n"), out
    expected = {"name": "My_Tuple", "fields": [
        {"fieldName": "field1", "length": 1, "fieldType": "INT"},
        {"fieldName": "field2", "length": 8, "fieldType": "UINT"},
        {"fieldName": "field3", "length": 10, "fieldType": "STRING"},
        {"fieldName": "field4", "length": 8, "fieldType": "DOUBLE"}]}
    conn = connect(emulator, graph="tg1")
    assert conn.getUDTs() == ["My_Tuple"]
    assert conn.getSchema(udts=True, force=True)["UDTs"] == [expected]
    r = requests.get(emulator.url + "/gsql/v1/udt/tuples/My_Tuple", auth=(emulator.user, emulator.password))
    assert r.json() == {"error": False, "message": "", "results": [expected]}
    r = requests.get(emulator.url + "/gsql/v1/udt/tuples/Nope", auth=(emulator.user, emulator.password))
    assert r.status_code == 400 and r.json() == {"error": True, "message": "The tuple Nope does not exist."}


def test_fixed_binary_attribute_is_refused_by_name(emulator):
    """FIXED_BINARY(n) is a documented attribute type, but REST++'s JSON form of it is not: refused, not guessed.
    (pyTigerGraph's gsql() raises only on "Failed to create ..." texts, so the refusal comes back as text.)"""
    out = connect(emulator).gsql("CREATE VERTEX B (PRIMARY_ID id STRING, b FIXED_BINARY(16))")
    assert out == ("Line 1: the emulator does not support the attribute type FIXED_BINARY(n) (REST++'s JSON form "
                   "of its bytes is not documented)")
    assert "VERTEX B(" not in emulator.gsql("ls")
