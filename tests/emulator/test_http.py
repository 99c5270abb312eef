"""Raw HTTP checks of the emulator's wire shapes; each test names the TigerGraph fact it checks and its source
(server-docs = tigergraph/server-docs `modules/API/pages/*.adoc`; pyTigerGraph = its 2.0.5 source)."""
import base64
import json

import pytest
import requests

SCHEMA = """
CREATE VERTEX Person (PRIMARY_ID id STRING, name STRING, age INT, born DATETIME)
CREATE VERTEX Account (PRIMARY_ID no UINT, balance DOUBLE)
CREATE DIRECTED EDGE OWNS (FROM Person, TO Account, since DATETIME)
CREATE DIRECTED EDGE PAID (FROM Account, TO Account, DISCRIMINATOR(day DATETIME), amount DOUBLE)
CREATE GRAPH bank (*)
CREATE LOADING JOB load_people FOR GRAPH bank {
  DEFINE FILENAME people;
  LOAD people TO VERTEX Person VALUES ($0, $1, $2, $3) WHERE $2 IS NUMERIC USING SEPARATOR=",", QUOTE="double";
}
CREATE LOADING JOB drop_paid FOR GRAPH bank {
  DEFINE FILENAME f;
  DELETE EDGE PAID (FROM $0, TO $1, DISCRIMINATOR($2)) FROM f;
}
"""


@pytest.fixture
def bank(emulator):
    out = emulator.gsql(SCHEMA)
    assert "The graph bank is created." in out, out
    return emulator


def basic(emu):
    return {"Authorization": "Basic " + base64.b64encode(f"{emu.user}:{emu.password}".encode()).decode()}


def token(emu):
    r = requests.post(emu.url + "/gsql/v1/tokens", json={"graph": "bank"}, headers=basic(emu))
    assert r.status_code == 200
    return {"Authorization": "Bearer " + r.json()["token"]}


def test_envelope_and_echo(bank):
    """REST++ answers `{"version": {...}, "error": false, "message": "", "results": ...}` (server-docs built-in-endpoints)."""
    h = token(bank)
    r = requests.post(bank.url + "/restpp/graph/bank", headers=h,
                      json={"vertices": {"Person": {"p1": {"name": {"value": "Ann"}}}}})
    body = r.json()
    assert r.status_code == 200
    assert set(body) == {"version", "error", "message", "results"}
    assert body["error"] is False and body["message"] == ""
    assert body["results"] == [{"accepted_vertices": 1, "accepted_edges": 0}]
    assert requests.get(bank.url + "/restpp/echo", headers=h).json() == {"error": False, "message": "Hello GSQL"}


def test_version_text_parses_like_pytigergraph(bank):
    """pyTigerGraph's getVer() reads `message` of GET /restpp/version: line 3+ are `component version hash date`."""
    msg = requests.get(bank.url + "/restpp/version", headers=token(bank)).json()["message"]
    lines = msg.split("\n")
    assert lines[2] == "TigerGraph version: 4.1.0"
    assert lines[3].split()[0] == "product" and "_4.1.0_" in lines[3].split()[1]


def test_auth_required_and_token_lifecycle(bank):
    """REST++ needs `Authorization: Bearer <token>` when auth is on; POST /gsql/v1/tokens answers token and
    expiration (server-docs authentication, gsql-endpoints)."""
    r = requests.get(bank.url + "/restpp/graph/bank/vertices/Person")
    assert r.status_code == 401 and r.json()["error"] is True and r.json()["code"] == "REST-10016"
    r = requests.post(bank.url + "/gsql/v1/tokens", json={}, auth=("tigergraph", "wrong"))
    assert r.status_code == 401 and r.json()["error"] is True
    r = requests.post(bank.url + "/gsql/v1/tokens", json={"graph": "bank", "lifetime": "100"}, headers=basic(bank))
    body = r.json()
    assert body["error"] is False and len(body["token"]) == 32
    assert isinstance(body["expiration"], int)
    check = requests.post(bank.url + "/gsql/v1/tokens/check", json={"token": body["token"]}).json()
    assert check["error"] is False and check["results"]["expiration"] == body["expiration"]
    # 3.x form, with a secret.
    sec = requests.post(bank.url + "/gsql/v1/secrets?alias=etl", headers=basic(bank)).json()
    assert sec["results"]["alias"] == "etl"
    r = requests.post(bank.url + "/restpp/requesttoken", json={"secret": sec["results"]["value"], "lifetime": "60"})
    assert r.json()["error"] is False and r.json()["code"] == "REST-0000" and len(r.json()["token"]) == 32
    r = requests.post(bank.url + "/restpp/requesttoken", json={"secret": "not-a-secret"})
    assert r.status_code == 401 and r.json()["error"] is True


def test_upsert_flags_and_response_counts(bank):
    """`new_vertex_only` adds skipped_vertices/vertices_already_exist; `vertex_must_exist` adds skipped_edges/
    edge_vertices_not_exist (the docs' example and 4.x; their prose says miss_vertices); missing endpoints are
    otherwise created with defaults (server-docs upsert-rest)."""
    h = token(bank)
    url = bank.url + "/restpp/graph/bank"
    requests.post(url, headers=h, json={"vertices": {"Person": {"p1": {"age": {"value": 30}}}}})
    r = requests.post(url, params={"new_vertex_only": "true"}, headers=h,
                      json={"vertices": {"Person": {"p1": {"age": {"value": 99}}, "p2": {}}}}).json()["results"][0]
    assert r == {"accepted_vertices": 1, "accepted_edges": 0, "skipped_vertices": 1,
                 "vertices_already_exist": [{"v_type": "Person", "v_id": "p1"}]}
    edge = {"edges": {"Person": {"p1": {"OWNS": {"Account": {"7": {"since": {"value": "2026-01-01"}}}}}}}}
    r = requests.post(url, params={"vertex_must_exist": "true"}, headers=h, json=edge).json()["results"][0]
    assert r == {"accepted_vertices": 0, "accepted_edges": 0, "skipped_edges": 1,
                 "edge_vertices_not_exist": [{"v_type": "Account", "v_id": "7"}]}
    r = requests.post(url, headers=h, json=edge).json()["results"][0]
    assert r == {"accepted_vertices": 0, "accepted_edges": 1}
    acct = requests.get(bank.url + "/restpp/graph/bank/vertices/Account/7", headers=h).json()["results"]
    assert acct == [{"v_id": "7", "v_type": "Account", "attributes": {"balance": 0}}]
    age = requests.get(bank.url + "/restpp/graph/bank/vertices/Person/p1", headers=h).json()["results"][0]
    assert age["attributes"]["age"] == 30


def test_attribute_ops(bank):
    """Upsert attributes may carry an `op` such as add/max/min (server-docs upsert-rest)."""
    h = token(bank)
    url = bank.url + "/restpp/graph/bank"
    requests.post(url, headers=h, json={"vertices": {"Account": {"1": {"balance": {"value": 10}}}}})
    requests.post(url, headers=h, json={"vertices": {"Account": {"1": {"balance": {"value": 5, "op": "add"}}}}})
    requests.post(url, headers=h, json={"vertices": {"Account": {"1": {"balance": {"value": 12, "op": "min"}}}}})
    got = requests.get(bank.url + "/restpp/graph/bank/vertices/Account/1", headers=h).json()["results"][0]
    assert got["attributes"]["balance"] == 12


@pytest.mark.parametrize("body,fragment", [
    ({"vertices": {"Person": {"p1": {"age": {"value": "x"}}}}}, "INT"),
    ({"vertices": {"Person": {"p1": {"height": {"value": 1}}}}}, "unknown attribute 'height'"),
    ({"vertices": {"Robot": {"r1": {}}}}, "Robot"),
    ({"vertices": {"Person": {"p1": {"born": {"value": "2026-02-30"}}}}}, "DATETIME"),
    ({"vertices": {"Account": {"-5": {}}}}, "Invalid vertex id '-5'"),
    ({"vertices": {"Account": {"abc": {}}}}, "Invalid vertex id 'abc'"),
    ({"edges": {"Person": {"p1": {"OWNS": {"Person": {"p2": {}}}}}}}, "does not connect Person to Person"),
])
def test_rejected_upserts_write_nothing(bank, body, fragment):
    """A value of the wrong type, an unknown attribute or type, a bad DATETIME or id is refused with error=true;
    nothing of the request is written (TigerGraph validates the payload; the emulator is strict about it)."""
    h = token(bank)
    r = requests.post(bank.url + "/restpp/graph/bank", headers=h, json=body)
    assert r.json()["error"] is True
    assert fragment in r.json()["message"]
    counts = requests.post(bank.url + "/restpp/builtins/bank", headers=h,
                           json={"function": "stat_vertex_number", "type": "*"}).json()["results"]
    assert {c["v_type"]: c["count"] for c in counts} == {"Person": 0, "Account": 0}


def test_invalid_json_payload(bank):
    r = requests.post(bank.url + "/restpp/graph/bank", headers=token(bank), data="{not json")
    assert r.json()["error"] is True and "not a valid JSON" in r.json()["message"]


def test_list_filter_sort_limit_count(bank):
    """GET /graph/{g}/vertices/{type} takes select, filter, sort, limit and count_only (server-docs built-in-endpoints)."""
    h = token(bank)
    people = {f"p{i}": {"name": {"value": f"N{i}"}, "age": {"value": i * 10}} for i in range(1, 6)}
    requests.post(bank.url + "/restpp/graph/bank", headers=h, json={"vertices": {"Person": people}})
    base = bank.url + "/restpp/graph/bank/vertices/Person"
    r = requests.get(base, headers=h, params={"filter": "age>=30", "select": "age", "sort": "-age", "limit": "2"})
    assert r.json()["results"] == [
        {"v_id": "p5", "v_type": "Person", "attributes": {"age": 50}},
        {"v_id": "p4", "v_type": "Person", "attributes": {"age": 40}},
    ]
    r = requests.get(base, headers=h, params={"filter": 'name="N2"', "count_only": "true"})
    assert r.json()["results"] == [{"v_type": "Person", "count": 1}]
    r = requests.get(base, headers=h, params={"filter": "height>1"})
    assert r.json()["error"] is True


def test_missing_vertex_message(bank):
    """A GET of an absent id is an error naming it (REST++ "is not a valid vertex id")."""
    r = requests.get(bank.url + "/restpp/graph/bank/vertices/Person/ghost", headers=token(bank))
    assert r.json()["error"] is True
    assert "'ghost' is not a valid vertex id for vertex type = Person" in r.json()["message"]


def test_discriminated_edges_and_deletes(bank):
    """Edges with a DISCRIMINATOR may repeat between two vertices; DELETE of edges is discriminator-aware
    (server-docs built-in-endpoints, defining-a-graph-schema)."""
    h = token(bank)
    pay = {"edges": {"Account": {"1": {"PAID": {"Account": {"2": [
        {"day": {"value": "2026-01-01"}, "amount": {"value": 5}},
        {"day": {"value": "2026-01-02"}, "amount": {"value": 7}},
        {"day": {"value": "2026-01-02"}, "amount": {"value": 8}},
    ]}}}}}}
    assert requests.post(bank.url + "/restpp/graph/bank", headers=h, json=pay).json()["results"][0]["accepted_edges"] == 3
    edges = requests.get(bank.url + "/restpp/graph/bank/edges/Account/1/PAID", headers=h).json()["results"]
    assert sorted((e["attributes"]["day"], e["attributes"]["amount"]) for e in edges) == [
        ("2026-01-01 00:00:00", 5), ("2026-01-02 00:00:00", 8)]
    # Directed: not listed from the target.
    assert requests.get(bank.url + "/restpp/graph/bank/edges/Account/2/PAID", headers=h).json()["results"] == []
    r = requests.post(bank.url + "/restpp/ddl/bank", headers=h, params={"tag": "drop_paid", "filename": "f"},
                      data="1,2,2026-01-02 00:00:00\n")
    assert r.json()["results"][0]["statistics"]["deleteEdge"] == [{"typeName": "PAID", "validObject": 1}]
    left = requests.get(bank.url + "/restpp/graph/bank/edges/Account/1/PAID", headers=h).json()["results"]
    assert [e["attributes"]["day"] for e in left] == ["2026-01-01 00:00:00"]
    r = requests.delete(bank.url + "/restpp/graph/bank/edges/Account/1/PAID/Account/2", headers=h)
    assert r.json()["results"] == [{"e_type": "PAID", "deleted_edges": 1}]
    stats = requests.post(bank.url + "/restpp/builtins/bank", headers=h,
                          json={"function": "stat_edge_number", "type": "PAID"}).json()["results"]
    assert stats == [{"e_type": "PAID", "count": 0}]


def test_delete_vertex_removes_edges(bank):
    """Deleting a vertex removes its edges (gsql-ref data modification)."""
    h = token(bank)
    requests.post(bank.url + "/restpp/graph/bank", headers=h, json={"edges": {"Person": {"p1": {"OWNS": {
        "Account": {"1": {}, "2": {}}}}}}})
    r = requests.delete(bank.url + "/restpp/graph/bank/vertices/Person/p1", headers=h)
    assert r.json()["results"] == {"v_type": "Person", "deleted_vertices": 1}
    stats = requests.post(bank.url + "/restpp/builtins/bank", headers=h,
                          json={"function": "stat_edge_number", "type": "*"}).json()["results"]
    assert {s["e_type"]: s["count"] for s in stats} == {"OWNS": 0, "PAID": 0}


def test_loading_job_statistics_object(bank):
    """POST /ddl/{g}?tag=JOB&filename=VAR answers results[0].statistics with validLine, rejectLine,
    failedConditionLine, notEnoughToken, invalidJson, oversizeToken and per-type counters (server-docs built-in-endpoints)."""
    h = token(bank)
    data = 'p1,"Lee, Ann",30,2026-01-01\np2,Bo,x,2026-01-01\np3,Cy,40\np4,Di,41,not-a-date\n\n'
    r = requests.post(bank.url + "/restpp/ddl/bank", headers=h, params={"tag": "load_people", "filename": "people"},
                      data=data.encode())
    body = r.json()
    assert body["error"] is False
    stats = body["results"][0]["statistics"]
    assert {k: stats[k] for k in ("validLine", "rejectLine", "failedConditionLine", "notEnoughToken", "invalidJson",
                                  "oversizeToken")} == {
        "validLine": 2, "rejectLine": 1, "failedConditionLine": 1, "notEnoughToken": 1, "invalidJson": 0,
        "oversizeToken": 0}
    person = stats["vertex"][0]
    assert person["typeName"] == "Person"
    assert (person["validObject"], person["invalidAttribute"]) == (1, 1)
    r = requests.post(bank.url + "/restpp/ddl/bank", headers=h, params={"tag": "nope", "filename": "people"}, data="x")
    assert r.json()["error"] is True


def test_payload_over_limit_is_413(emulator_factory):
    """Bodies over Nginx.ClientMaxBodySize are refused with HTTP 413 (server-docs built-in-endpoints)."""
    emu = emulator_factory("--no-auth", "--max-body-mb", "1")
    emu.gsql("CREATE VERTEX V (PRIMARY_ID id STRING, s STRING)\nCREATE GRAPH g (V)")
    big = json.dumps({"vertices": {"V": {"a": {"s": {"value": "x" * (2 * 1024 * 1024)}}}}})
    r = requests.post(emu.url + "/restpp/graph/g", data=big)
    assert r.status_code == 413
    small = requests.post(emu.url + "/restpp/graph/g", json={"vertices": {"V": {"a": {}}}})
    assert small.json()["results"][0]["accepted_vertices"] == 1


def test_unknown_endpoint(bank):
    r = requests.get(bank.url + "/restpp/nothing/here", headers=token(bank))
    assert r.status_code == 404 and r.json()["error"] is True and r.json()["code"] == "REST-1000"


def test_gsql_statement_errors(bank):
    """GSQL answers text; failures carry the phrases pyTigerGraph looks for (pyTigerGraph common/gsql.py)."""
    assert "Syntax Error" in bank.gsql("CREATE VERTEX (")
    assert "Failed to create vertex types: [Person]." in bank.gsql("CREATE VERTEX Person (PRIMARY_ID id STRING)")
    out = bank.gsql("CREATE LOADING JOB j FOR GRAPH bank { DEFINE FILENAME f; LOAD f TO VERTEX Person VALUES ($0); }")
    assert "Failed to create loading jobs: [j]." in out and "VALUES" in out
    out = bank.gsql("CREATE VERTEX X (PRIMARY_ID id STRING, a DOUBLE, a INT)")
    assert "declared twice" in out
    out = bank.gsql("INSTALL QUERY ALL")
    assert "does not support" in out


def test_schema_change_job(bank):
    """A schema change job adds and drops attributes; stored vertices get the new attribute's default."""
    h = token(bank)
    requests.post(bank.url + "/restpp/graph/bank", headers=h, json={"vertices": {"Person": {"p1": {"age": {"value": 3}}}}})
    out = bank.gsql("USE GRAPH bank\nCREATE SCHEMA_CHANGE JOB sc FOR GRAPH bank {\n"
                    "  ALTER VERTEX Person ADD ATTRIBUTE (email STRING DEFAULT \"none\", score DOUBLE);\n"
                    "  ALTER VERTEX Person DROP ATTRIBUTE (born);\n}\nRUN SCHEMA_CHANGE JOB sc")
    assert "Local schema change succeeded." in out, out
    got = requests.get(bank.url + "/restpp/graph/bank/vertices/Person/p1", headers=h).json()["results"][0]
    assert got["attributes"] == {"name": "", "age": 3, "email": "none", "score": 0}
    schema = requests.get(bank.url + "/gsql/v1/schema/graphs/bank", headers=basic(bank)).json()["results"]
    person = next(v for v in schema["VertexTypes"] if v["Name"] == "Person")
    assert [a["AttributeName"] for a in person["Attributes"]] == ["name", "age", "email", "score"]


def test_loading_job_empty_token_keeps_the_value(bank):
    """An empty token is a missing value for non-string attributes: an existing vertex keeps it, a new one gets
    the default; an empty STRING token is the empty string (gsql-ref creating-a-loading-job)."""
    h = token(bank)
    requests.post(bank.url + "/restpp/graph/bank", headers=h,
                  json={"vertices": {"Person": {"p1": {"name": {"value": "Ann"}, "born": {"value": "2026-01-01"}}}}})
    r = requests.post(bank.url + "/restpp/ddl/bank", headers=h, params={"tag": "load_people", "filename": "people"},
                      data=b"p1,,5,\np2,Bo,7,\n")
    assert r.json()["results"][0]["statistics"]["validLine"] == 2
    p1 = requests.get(bank.url + "/restpp/graph/bank/vertices/Person/p1", headers=h).json()["results"][0]
    assert p1["attributes"] == {"name": "", "age": 5, "born": "2026-01-01 00:00:00"}
    p2 = requests.get(bank.url + "/restpp/graph/bank/vertices/Person/p2", headers=h).json()["results"][0]
    assert p2["attributes"] == {"name": "Bo", "age": 7, "born": "1970-01-01 00:00:00"}
