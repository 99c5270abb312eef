"""Schema change jobs followed by writes and reads (server-docs gsql-ref ddl-and-loading/modifying-a-graph-schema:
`ADD DIRECTED EDGE ... WITH REVERSE_EDGE` in a local job creates the edge and its reverse in that graph)."""
import base64

import requests

BASE = """
CREATE VERTEX Person (PRIMARY_ID id STRING, name STRING)
CREATE GRAPH g (*)
USE GRAPH g
CREATE SCHEMA_CHANGE JOB add_knows FOR GRAPH g {
  ADD VERTEX City (PRIMARY_ID id STRING, pop INT);
  ADD DIRECTED EDGE KNOWS (FROM Person, TO Person, since INT DEFAULT "7") WITH REVERSE_EDGE="KNOWN_BY";
  ADD UNDIRECTED EDGE LIVES_IN (FROM Person, TO City);
}
RUN SCHEMA_CHANGE JOB add_knows
"""


def auth(emu):
    return {"Authorization": "Basic " + base64.b64encode(f"{emu.user}:{emu.password}".encode()).decode()}


def test_upsert_into_reverse_edge_added_by_local_job(emulator):
    """The write that killed the emulator with SIGSEGV (issue 13): the reverse twin was never created."""
    out = emulator.gsql(BASE)
    assert "Local schema change succeeded." in out, out
    h = auth(emulator)
    r = requests.post(emulator.url + "/restpp/graph/g", headers=h, json={
        "vertices": {"Person": {"a": {"name": {"value": "A"}}, "b": {"name": {"value": "B"}}}},
        "edges": {"Person": {"a": {"KNOWS": {"Person": {"b": {}}}}}}})
    assert r.status_code == 200, r.text
    assert r.json()["results"] == [{"accepted_vertices": 2, "accepted_edges": 1}]
    fwd = requests.get(emulator.url + "/restpp/graph/g/edges/Person/a/KNOWS", headers=h).json()["results"]
    assert fwd == [{"e_type": "KNOWS", "directed": True, "from_id": "a", "from_type": "Person", "to_id": "b",
                    "to_type": "Person", "attributes": {"since": 7}}]
    rev = requests.get(emulator.url + "/restpp/graph/g/edges/Person/b/KNOWN_BY", headers=h).json()["results"]
    assert rev == [{"e_type": "KNOWN_BY", "directed": True, "from_id": "b", "from_type": "Person", "to_id": "a",
                    "to_type": "Person", "attributes": {"since": 7}}]
    # The server is still up and counts both.
    r = requests.post(emulator.url + "/restpp/builtins/g", headers=h,
                      json={"function": "stat_edge_number", "type": "*"})
    counts = {x["e_type"]: x["count"] for x in r.json()["results"]}
    assert counts["KNOWS"] == 1 and counts["KNOWN_BY"] == 1 and counts["LIVES_IN"] == 0


def test_ddl_load_into_reverse_edge_added_by_local_job(emulator):
    """The `/restpp/ddl` path `icegraph sync` uses, into the same edge."""
    out = emulator.gsql(BASE + """
CREATE LOADING JOB lk FOR GRAPH g {
  DEFINE FILENAME f;
  LOAD f TO EDGE KNOWS VALUES ($0, $1, $2);
}
""")
    assert "Successfully created loading jobs: [lk]." in out, out
    h = auth(emulator)
    r = requests.post(emulator.url + "/restpp/ddl/g", params={"tag": "lk", "filename": "f", "sep": ",", "eol": "\n"},
                      headers=h, data=b"a,b,3\nb,c,4\n")
    assert r.status_code == 200, r.text
    edge = r.json()["results"][0]["statistics"]["edge"]
    assert [(e["typeName"], e["validObject"], e["invalidAttribute"]) for e in edge] == [("KNOWS", 2, 0)]
    rev = requests.get(emulator.url + "/restpp/graph/g/edges/Person/c/KNOWN_BY", headers=h).json()["results"]
    assert [(e["to_id"], e["attributes"]) for e in rev] == [("b", {"since": 4})]


def test_alter_and_drop_edge_with_reverse_in_a_job(emulator):
    """ALTER EDGE ADD ATTRIBUTE reaches the reverse twin; DROP EDGE drops it too (siblings of the crash)."""
    emulator.gsql(BASE)
    h = auth(emulator)
    requests.post(emulator.url + "/restpp/graph/g", headers=h,
                  json={"edges": {"Person": {"a": {"KNOWS": {"Person": {"b": {"since": {"value": 1}}}}}}}})
    out = emulator.gsql("""USE GRAPH g
CREATE SCHEMA_CHANGE JOB alt FOR GRAPH g { ALTER EDGE KNOWS ADD ATTRIBUTE (w DOUBLE DEFAULT "0.5"); }
RUN SCHEMA_CHANGE JOB alt""")
    assert "Local schema change succeeded." in out, out
    rev = requests.get(emulator.url + "/restpp/graph/g/edges/Person/b/KNOWN_BY", headers=h).json()["results"]
    assert rev[0]["attributes"] == {"since": 1, "w": 0.5}
    r = requests.post(emulator.url + "/restpp/graph/g", headers=h,
                      json={"edges": {"Person": {"b": {"KNOWS": {"Person": {"c": {"w": {"value": 2.0}}}}}}}})
    assert r.json()["results"] == [{"accepted_vertices": 0, "accepted_edges": 1}]
    out = emulator.gsql("""USE GRAPH g
CREATE SCHEMA_CHANGE JOB dr FOR GRAPH g { DROP EDGE KNOWS; }
RUN SCHEMA_CHANGE JOB dr""")
    assert "Local schema change succeeded." in out, out
    schema = requests.get(emulator.url + "/gsql/v1/schema/graphs/g", headers=h).json()["results"]
    assert sorted(e["Name"] for e in schema["EdgeTypes"]) == ["LIVES_IN"]
    r = requests.get(emulator.url + "/restpp/graph/g/edges/Person/b/KNOWN_BY", headers=h)
    assert r.json()["error"] is True


def test_schema_json_is_local_and_edge_pairs(emulator):
    """Schema JSON as a 4.x server emits it (pyTigerGraph getSchema; reference tigergraph-protocol.md §getSchema,
    from pyTigerGraph's live tests): types added by a local schema change job have "IsLocal": true, global ones
    false; single-pair edge types carry no "EdgePairs" key, multi-pair ones list them with From/To "*"."""
    emulator.gsql(BASE)
    emulator.gsql("CREATE DIRECTED EDGE MULTI (FROM Person, TO Person | FROM Person, TO City)\n"
                  "USE GRAPH g\nCREATE SCHEMA_CHANGE JOB m FOR GRAPH g { ADD VERTEX Z (PRIMARY_ID id INT); }\n"
                  "RUN SCHEMA_CHANGE JOB m")
    schema = requests.get(emulator.url + "/gsql/v1/schema/graphs/g", headers=auth(emulator)).json()["results"]
    local = {v["Name"]: v["IsLocal"] for v in schema["VertexTypes"]}
    assert local == {"Person": False, "City": True, "Z": True}
    edges = {e["Name"]: e for e in schema["EdgeTypes"]}
    assert sorted(edges) == ["KNOWS", "LIVES_IN"]  # reverse types are not listed
    assert edges["KNOWS"]["IsLocal"] is True and "EdgePairs" not in edges["KNOWS"]
    assert edges["KNOWS"]["Config"] == {"REVERSE_EDGE": "KNOWN_BY"}
    assert "The graph h is created." in emulator.gsql("CREATE GRAPH h (Person, City, MULTI)")
    h = requests.get(emulator.url + "/gsql/v1/schema/graphs/h", headers=auth(emulator)).json()["results"]
    multi = next(e for e in h["EdgeTypes"] if e["Name"] == "MULTI")
    assert multi["FromVertexTypeName"] == "*" and multi["ToVertexTypeName"] == "*"
    assert multi["EdgePairs"] == [{"From": "Person", "To": "Person"}, {"From": "Person", "To": "City"}]
    assert multi["IsLocal"] is False


def test_begin_end_block_runs_its_statements(emulator):
    """The GSQL shell's BEGIN ... END groups a multi-line command (gsql-ref "GSQL shell": multi-line mode)."""
    out = emulator.gsql("BEGIN\nCREATE VERTEX A (PRIMARY_ID id INT,\n  name STRING)\nEND\nCREATE GRAPH ga (*)")
    assert "Successfully created vertex types: [A]." in out and "The graph ga is created." in out, out
