"""The emulator as pyTigerGraph (TigerGraph's own client) sees it: every call asserts the exact data returned."""
import time

import pandas as pd
import pytest
import requests
from pyTigerGraph.common.exception import TigerGraphException

from .conftest import SHOP_SCHEMA, connect


def test_schema_listing(shop):
    assert sorted(shop.getVertexTypes()) == ["Product", "User"]
    assert sorted(shop.getEdgeTypes()) == ["FOLLOWED_BY", "FOLLOWS", "PURCHASED"] or \
        sorted(shop.getEdgeTypes()) == ["FOLLOWS", "PURCHASED"]
    schema = shop.getSchema()
    assert schema["GraphName"] == "shop"
    user = next(v for v in schema["VertexTypes"] if v["Name"] == "User")
    assert user["PrimaryId"]["AttributeName"] == "id"
    assert user["PrimaryId"]["AttributeType"]["Name"] == "STRING"
    assert [(a["AttributeName"], a["AttributeType"]["Name"]) for a in user["Attributes"]] == [
        ("name", "STRING"), ("age", "INT"), ("score", "DOUBLE"), ("active", "BOOL"), ("joined", "DATETIME"),
        ("tags", "SET")]
    assert user["Attributes"][-1]["AttributeType"]["ValueTypeName"] == "STRING"
    purchased = shop.getEdgeType("PURCHASED")
    assert purchased["IsDirected"] is False
    assert purchased["FromVertexTypeName"] == "User" and purchased["ToVertexTypeName"] == "Product"
    follows = shop.getEdgeType("FOLLOWS")
    assert follows["IsDirected"] is True
    assert follows["Config"]["REVERSE_EDGE"] == "FOLLOWED_BY"


def test_token_then_bearer_requests(shop, emulator):
    token = shop.getToken()
    value = token[0] if isinstance(token, tuple) else token
    assert len(value) >= 16
    r = requests.get(f"{emulator.url}/restpp/graph/shop/vertices/User", headers={"Authorization": f"Bearer {value}"})
    assert r.status_code == 200 and r.json()["error"] is False and r.json()["results"] == []
    bad = requests.get(f"{emulator.url}/restpp/graph/shop/vertices/User", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["error"] is True


def test_upsert_and_read_vertices(shop):
    assert shop.upsertVertex("User", "u1", {"name": "Ann", "age": 31, "score": 2.5, "active": True,
                                            "joined": "2026-01-20 10:00:00", "tags": ["a", "b", "a"]}) == 1
    assert shop.upsertVertices("User", [("u2", {"name": "Bob", "age": 40}), ("u3", {"name": "Cy"})]) == 2
    got = shop.getVerticesById("User", "u1")
    assert got == [{"v_id": "u1", "v_type": "User", "attributes": {
        "id": "u1", "name": "Ann", "age": 31, "score": 2.5, "active": True, "joined": "2026-01-20 10:00:00",
        "tags": ["a", "b"]}}]
    # Attributes never written hold their type's default: TigerGraph stores no NULL.
    bob = shop.getVerticesById("User", "u2")[0]["attributes"]
    assert bob == {"id": "u2", "name": "Bob", "age": 40, "score": 0, "active": False,
                   "joined": "1970-01-01 00:00:00", "tags": []}
    assert shop.getVertexCount("User") == 3
    assert shop.getVertexCount("*") == {"User": 3, "Product": 0}
    older = shop.getVertices("User", select="name,age", where="age>35")
    assert older == [{"v_id": "u2", "v_type": "User", "attributes": {"name": "Bob", "age": 40}}]
    assert len(shop.getVertices("User", limit=2)) == 2
    assert shop.getVertexCount("User", where="age>30") == 2
    # An upsert of some attributes keeps the others.
    shop.upsertVertex("User", "u1", {"age": 32})
    assert shop.getVerticesById("User", "u1")[0]["attributes"]["name"] == "Ann"
    assert shop.getVerticesById("User", "u1")[0]["attributes"]["age"] == 32


def test_filter_sort_and_limit_on_a_primary_id_kept_as_attribute(shop, emulator):
    # With primary_id_as_attribute="true" the id is an attribute like the others: REST++ filters and sorts on it,
    # which is how icegraph's graph pages read one keyed page.
    shop.upsertVertices("User", [(f"u{i}", {"name": f"N{i}", "age": i}) for i in (5, 1, 4, 2, 3)])
    page = shop.getVertices("User", select="name", where='id>"u2"', sort="id", limit=2)
    assert page == [{"v_id": "u3", "v_type": "User", "attributes": {"name": "N3"}},
                    {"v_id": "u4", "v_type": "User", "attributes": {"name": "N4"}}]
    assert [v["v_id"] for v in shop.getVertices("User", select="id", sort="-id", limit=3)] == ["u5", "u4", "u3"]
    assert shop.getVertexCount("User", where='id>="u4"') == 2
    # A type that does not keep its id as an attribute has no attribute `id` to filter or sort on.
    shop.upsertVertex("Product", "p1", {"name": "Lamp"})
    with pytest.raises(TigerGraphException):
        shop.getVertices("Product", sort="id", limit=1)
    with pytest.raises(TigerGraphException):
        shop.getVertices("Product", where='id>"p0"')


def test_upsert_vertex_dataframe(shop):
    df = pd.DataFrame({"id": ["p1", "p2"], "name": ["Lamp", "Desk"], "price": [25.0, 199.5]})
    assert shop.upsertVertexDataFrame(df, "Product", v_id="id", attributes={"name": "name", "price": "price"}) == 2
    got = sorted(shop.getVertices("Product"), key=lambda v: v["v_id"])
    assert got == [
        {"v_id": "p1", "v_type": "Product", "attributes": {"name": "Lamp", "price": 25}},
        {"v_id": "p2", "v_type": "Product", "attributes": {"name": "Desk", "price": 199.5}},
    ]


def test_edges_upsert_read_count(shop):
    shop.upsertVertices("Product", [("p1", {"name": "Lamp"})])
    assert shop.upsertEdge("User", "u1", "PURCHASED", "Product", "p1",
                           {"amount": 25.0, "ordered_at": "2026-01-20 11:00:00"}) == 1
    assert shop.upsertEdges("User", "PURCHASED", "Product",
                            [("u2", "p1", {"amount": 5.5}), ("u2", "p2", {"amount": 7.0})]) == 2
    # Missing endpoints were created with default attributes (vertex_must_exist=false).
    assert shop.getVertexCount("*") == {"User": 2, "Product": 2}
    assert shop.getVerticesById("Product", "p2")[0]["attributes"] == {"name": "", "price": 1.5}
    edges = sorted(shop.getEdges("User", "u2"), key=lambda e: e["to_id"])
    assert edges == [
        {"e_type": "PURCHASED", "directed": False, "from_id": "u2", "from_type": "User", "to_id": "p1",
         "to_type": "Product", "attributes": {"amount": 5.5, "ordered_at": "1970-01-01 00:00:00"}},
        {"e_type": "PURCHASED", "directed": False, "from_id": "u2", "from_type": "User", "to_id": "p2",
         "to_type": "Product", "attributes": {"amount": 7, "ordered_at": "1970-01-01 00:00:00"}},
    ]
    # An undirected edge is seen from its other end too.
    from_p1 = sorted((e["to_id"], e["attributes"]["amount"]) for e in shop.getEdges("Product", "p1"))
    assert from_p1 == [("u1", 25), ("u2", 5.5)]
    assert shop.getEdgeCount("PURCHASED") == 3
    assert shop.getEdgeCountFrom("User", "u2", "PURCHASED") == 2


def test_directed_edge_with_reverse(shop):
    shop.upsertEdge("User", "a", "FOLLOWS", "User", "b", {"since": "2026-02-01 00:00:00"})
    assert [e["to_id"] for e in shop.getEdges("User", "a", "FOLLOWS")] == ["b"]
    assert shop.getEdges("User", "b", "FOLLOWS") == []
    rev = shop.getEdges("User", "b", "FOLLOWED_BY")
    assert [(e["from_id"], e["to_id"], e["directed"]) for e in rev] == [("b", "a", True)]


def test_loading_job_with_data_file_and_dataframe(shop, tmp_path):
    data = 'id,name,age,score,active,joined\nu1,"Doe, Jane",30,1.5,true,2026-01-20 10:00:00\n' \
           'u2,"Say" hi,41,2,false,2026-01-21\nu3,Bad,notanint,1,true,2026-01-21\n'
    res = shop.runLoadingJobWithData(data, "f", "load_users")
    stats = res[0]["statistics"]
    assert stats["validLine"] == 3
    assert stats["rejectLine"] == 0
    user_stats = next(v for v in stats["vertex"] if v["typeName"] == "User")
    assert user_stats["validObject"] == 2
    assert user_stats["invalidAttribute"] == 1
    assert shop.getVerticesById("User", "u1")[0]["attributes"]["name"] == "Doe, Jane"
    # QUOTE has no escape character: a field's token is the text inside its first pair of quotes (gsql-ref USING).
    assert shop.getVerticesById("User", "u2")[0]["attributes"]["name"] == "Say"
    assert shop.getVerticesById("User", "u2")[0]["attributes"]["joined"] == "2026-01-21 00:00:00"
    assert shop.getVertexCount("User") == 2

    path = tmp_path / "purchases.psv"
    path.write_text("u1|p1|10.5|2026-01-22 08:00:00\nu2|p9|3|2026-01-23 09:30:00\nu3|p1\n")
    res = shop.runLoadingJobWithFile(str(path), "f", "load_purchases")
    stats = res[0]["statistics"]
    assert (stats["validLine"], stats["rejectLine"], stats["notEnoughToken"]) == (2, 1, 1)
    assert shop.getEdgeCount("PURCHASED") == 2

    # pyTigerGraph writes the DataFrame without a header and with its index as the first column ($0).
    df = pd.DataFrame({"user": ["u9", "u1"], "product": ["p7", "p7"], "amount": [9.25, 1.0],
                       "ordered_at": ["2026-03-01 00:00:00", "2026-03-02"]})
    res = shop.runLoadingJobWithDataFrame(df, "f", "load_purchases_df", sep=",")
    assert res[0]["statistics"]["validLine"] == 2
    edges = sorted((e["from_id"], e["attributes"]["amount"], e["attributes"]["ordered_at"])
                   for e in shop.getEdges("Product", "p7"))
    assert edges == [("p7", 1, "2026-03-02 00:00:00"), ("p7", 9.25, "2026-03-01 00:00:00")]
    assert sorted(e["to_id"] for e in shop.getEdges("Product", "p7")) == ["u1", "u9"]


def test_loading_job_deletes(shop):
    shop.upsertVertices("User", [("u1", {}), ("u2", {}), ("u3", {})])
    shop.upsertEdge("User", "u1", "PURCHASED", "Product", "p1")
    res = shop.runLoadingJobWithData("u1\nu3\nnobody\n", "f", "delete_users")
    assert res[0]["statistics"]["validLine"] == 3
    assert sorted(v["v_id"] for v in shop.getVertices("User")) == ["u2"]
    assert shop.getEdgeCount("PURCHASED") == 0


def test_delete_vertices(shop):
    shop.upsertVertices("User", [("u1", {"age": 10}), ("u2", {"age": 20}), ("u3", {"age": 30}), ("u4", {"age": 40})])
    shop.upsertEdge("User", "u4", "PURCHASED", "Product", "p1")
    assert shop.delVertices("User", where="age>25") == 2
    assert shop.delVerticesById("User", ["u1", "nobody"]) == 1
    assert [v["v_id"] for v in shop.getVertices("User")] == ["u2"]
    # Deleting a vertex removed its edges.
    assert shop.getEdgeCount("PURCHASED") == 0


def test_errors_are_raised_like_tigergraph(shop):
    with pytest.raises(TigerGraphException):
        shop.upsertVertex("User", "u1", {"age": "not a number"})
    with pytest.raises(TigerGraphException):
        shop.upsertVertex("User", "u1", {"no_such_attribute": 1})
    with pytest.raises(TigerGraphException):
        shop.upsertVertex("Nope", "x", {})
    with pytest.raises(TigerGraphException):
        shop.upsertVertex("User", "u1", {"joined": "2026-13-45 99:00:00"})
    with pytest.raises(TigerGraphException):
        shop.getVerticesById("User", "missing")
    assert shop.getVertexCount("User") == 0  # nothing was written by the rejected requests


def test_gsql_errors_are_reported(shop):
    with pytest.raises(TigerGraphException):
        shop.gsql("CREATE VERTEX User (PRIMARY_ID id STRING)")
    with pytest.raises(TigerGraphException):
        shop.gsql("CREATE GRAPH other (NoSuchType)")
    out = shop.gsql("CREATE QUERY q() FOR GRAPH shop { PRINT 1; }")
    assert "not support" in out


def test_token_expiry_and_refresh_with_secret(emulator_factory):
    emu = emulator_factory("--token-ttl", "2")
    conn = connect(emu, graph="shop")
    conn.gsql(SHOP_SCHEMA)
    secret = conn.createSecret("sync")
    token = conn.getToken(secret)
    value = token[0] if isinstance(token, tuple) else token
    assert conn.upsertVertex("User", "u1", {"name": "Ann"}) == 1
    time.sleep(2.2)
    r = requests.get(f"{emu.url}/restpp/graph/shop/vertices/User", headers={"Authorization": f"Bearer {value}"})
    assert r.status_code == 401
    assert r.json()["error"] is True and r.json()["code"] == "REST-10016"
    # A client holding the secret refreshes its token and carries on.
    fresh = conn.getToken(secret, lifetime=3600)  # the server's 1 s default would expire again mid-test
    assert (fresh[0] if isinstance(fresh, tuple) else fresh) != value
    assert conn.upsertVertex("User", "u2", {"name": "Bob"}) == 1
    assert conn.getVertexCount("User") == 2


def test_vertex_and_edge_attribute_statistics(shop):
    """POST /restpp/builtins/{g} stat_vertex_attr / stat_edge_attr (built-in-endpoints.adoc; shape as pyTigerGraph's
    getVertexStats/getEdgeStats read it: results[].v_type|e_type and attributes, MAX/MIN/AVG of numeric attributes;
    a type without one answers error "stat_..._attr is skipped", which the client maps to {})."""
    shop.upsertVertex("User", "u1", {"name": "Ann", "age": 30, "score": 1.5})
    shop.upsertVertex("User", "u2", {"name": "Bob", "age": 41, "score": 2.5})
    shop.upsertEdge("User", "u1", "PURCHASED", "Product", "p1", {"amount": 2.0})
    shop.upsertEdge("User", "u2", "PURCHASED", "Product", "p1", {"amount": 5.0})
    shop.upsertEdge("User", "u1", "FOLLOWS", "User", "u2", {})
    assert shop.getVertexStats("User") == {"User": {"age": {"MAX": 41, "MIN": 30, "AVG": 35.5},
                                                    "score": {"MAX": 2.5, "MIN": 1.5, "AVG": 2.0}}}
    assert shop.getVertexStats("*") == {"User": {"age": {"MAX": 41, "MIN": 30, "AVG": 35.5},
                                                 "score": {"MAX": 2.5, "MIN": 1.5, "AVG": 2.0}},
                                        "Product": {"price": {"MAX": 1.5, "MIN": 1.5, "AVG": 1.5}}}
    assert shop.getEdgeStats("PURCHASED") == {"PURCHASED": {"amount": {"MAX": 5.0, "MIN": 2.0, "AVG": 3.5}}}
    assert shop.getEdgeStats("FOLLOWS") == {"FOLLOWS": {}}  # no numeric attribute: skipped
    assert shop.getEdgeStats("FOLLOWS", skipNA=True) == {}
    with pytest.raises(TigerGraphException, match="Nope"):
        shop.getVertexStats("Nope")


def test_loading_jobs_over_the_gsql_endpoints(shop):
    """gsql-endpoints.adoc (4.1+): GET/POST /gsql/v1/loading-jobs?graph=g (jobNames; create from GSQL text),
    GET and DELETE /gsql/v1/loading-jobs/{job}; pyTigerGraph getLoadingJobs, createLoadingJob, getLoadingJobInfo,
    dropLoadingJob."""
    assert sorted(shop.getLoadingJobs()) == ["delete_users", "load_purchases", "load_purchases_df", "load_users"]
    created = shop.createLoadingJob("CREATE LOADING JOB load_products FOR GRAPH shop {\n  DEFINE FILENAME f;\n"
                                    "  LOAD f TO VERTEX Product VALUES ($0, $1, $2) USING SEPARATOR=\"|\";\n}")
    assert created == {"error": False, "message": "Successfully created loading job: load_products"}
    assert "load_products" in shop.getLoadingJobs()
    info = shop.getLoadingJobInfo("load_products")
    assert info["Name"] == "load_products" and info["GraphName"] == "shop"
    assert info["FileNames"] == {"f": ""}
    [st] = info["LoadingStatements"]
    assert (st["Type"], st["TargetName"], st["DataSource"]) == ("LoadVertex", "Product",
                                                                {"Type": "FileVar", "Value": "f"})
    assert st["UsingClauses"] == {"SEPARATOR": "|", "HEADER": "false", "EOL": "\n"}
    assert shop.runLoadingJobWithData("p7|Pen|2.5\n", "f", "load_products")[0]["statistics"]["validLine"] == 1
    # gsql-endpoints "Drop a loading job" sample answer (the GSQL console's DROP JOB line differs).
    assert shop.dropLoadingJob("load_products") == {
        "error": False, "message": "Successfully drop loading job 'load_products'."}
    assert "load_products" not in shop.getLoadingJobs()
    with pytest.raises(Exception, match="404"):
        shop.getLoadingJobInfo("load_products")
    with pytest.raises(TigerGraphException, match="filename variable nowhere is not defined"):
        shop.createLoadingJob("CREATE LOADING JOB broken FOR GRAPH shop { LOAD nowhere TO VERTEX Nope VALUES ($0); }")


def test_list_graphs_includes_reverse_edges(shop):
    """GET /gsql/v1/schema/graphs (gsql-endpoints.adoc; pyTigerGraph listGraphs() reads `graphs`): the summary lists
    reverse edge types too."""
    assert shop.listGraphs() == [{"graphName": "shop", "vertices": ["User", "Product"],
                                  "edges": ["PURCHASED", "FOLLOWS", "FOLLOWED_BY"]}]


def test_secrets_are_listed_in_plain_text_and_dropped(shop):
    """TigerGraph 4.x GET /gsql/v1/secrets[/{alias}] answers values in plain text (pyTigerGraph getSecrets docs);
    DELETE /gsql/v1/secrets/{alias} and DELETE /gsql/v1/secrets {"secrets": [...]} drop them (dropSecret)."""
    a = shop.createSecret("a1")
    b = shop.createSecret("b1")
    assert shop.getSecrets() == {"a1": a, "b1": b}
    assert shop.getSecrets(alias="b1") == {"b1": b}
    assert shop.dropSecret("a1") == {"error": False, "message": "Successfully dropped secrets: [a1]."}
    assert shop.dropSecret(["b1"]) == {"error": False, "message": "Successfully dropped secrets: [b1]."}
    assert shop.getSecrets() == {}
    with pytest.raises(Exception, match="404"):
        shop.dropSecret("a1", ignoreErrors=False)
    # A dropped secret no longer gets a token.
    with pytest.raises(TigerGraphException):
        shop.getToken(a)


def test_schema_change_jobs_and_global_vertices_over_rest(shop, emulator):
    """gsql-endpoints.adoc (4.1+) schema change jobs and global vertices, GSQL form: pyTigerGraph
    createSchemaChangeJob (POST /gsql/v1/schema/jobs/{job}?gsql=true), runSchemaChangeJob (PUT),
    dropSchemaChangeJobs (DELETE ?jobName=), createGlobalVertices and dropVertices (/gsql/v1/schema/vertices)."""
    assert shop.createSchemaChangeJob("add_tag", "ADD VERTEX Tag (PRIMARY_ID id STRING, label STRING);") == {
        "error": False, "message": "Successfully created schema change job: [add_tag]."}
    ran = shop.runSchemaChangeJob("add_tag")
    assert ran["error"] is False and "Local schema change succeeded." in ran["message"]
    assert "Tag" in shop.getVertexTypes(force=True)
    assert shop.upsertVertex("Tag", "t1", {"label": "new"}) == 1
    assert shop.dropSchemaChangeJobs("add_tag") == {
        "error": False, "message": "Successfully dropped schema change jobs: [add_tag]."}
    with pytest.raises(Exception, match="404"):
        shop.runSchemaChangeJob("add_tag")
    created = shop.createGlobalVertices(["CREATE VERTEX Region (PRIMARY_ID id STRING, name STRING)"])
    assert created == {"error": False, "message": "Successfully create vertices: [Region]"}
    # From the connection's graph (pyTigerGraph sends its graph): Region is not in shop; without a graph it is
    # dropped as a global type.
    with pytest.raises(TigerGraphException, match="The vertex type Region is not in the graph shop"):
        shop.dropVertices("Region")
    glob = connect(emulator, graph="")
    assert glob.dropVertices("Region") == {"error": False, "message": "Vertices [Region] deleted successfully."}
    with pytest.raises(TigerGraphException, match="does not exist"):
        glob.dropVertices("Region")


def test_clear_store_rebuild_status_and_drop_all(shop, emulator):
    """GET /gsql/v1/clear-store empties every graph and keeps the schema (pyTigerGraph clearGraphStore; its restart
    is in test_durability_faults.py); GET /restpp/rebuildnow/{g} (rebuildGraph); POST
    /informant/current-service-status (getServiceStatus); GET /gsql/v1/drop-all (dropAll)."""
    shop.upsertVertex("User", "u1", {"name": "Ann"})
    assert shop.getVertexCount("User") == 1
    assert shop.clearGraphStore() == {"error": False, "message": "Successfully cleared graph store."}
    assert shop.getVertexCount("*") == {"User": 0, "Product": 0}
    assert sorted(shop.getVertexTypes(force=True)) == ["Product", "User"]
    assert shop.rebuildGraph()["error"] is False
    status = shop.getServiceStatus({"ServiceDescriptors": [{"ServiceName": "GSQL"}, {"ServiceName": "RESTPP"}]})
    events = status["results"]["ServiceStatusEvents"]
    assert [(e["ServiceDescriptor"]["ServiceName"], e["ServiceStatus"], e["ProcessState"]) for e in events] == [
        ("GSQL", "Online", "Running"), ("RESTPP", "Online", "Running")]
    dropped = shop.dropAll()
    assert dropped["error"] is False and "Everything is dropped." in dropped["message"]
    assert connect(emulator).check_exist_graphs("shop") is False


def test_delete_token(shop):
    """DELETE /gsql/v1/tokens {"tokens": ...} (gsql-endpoints "drop tokens"; pyTigerGraph deleteToken, whose code
    names REST-3300 as "no such token"): a deleted token no longer authenticates; deleting it again is REST-3300
    (pyTigerGraph 2.0.5 raises it from its response check before its skipNA test is reached)."""
    secret = shop.createSecret("deleter")
    token, _ = shop.getToken(secret, setToken=False)
    url = f"{shop.restppUrl}/graph/shop/vertices/User"
    assert requests.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert shop.deleteToken(secret, token) is True
    assert requests.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    with pytest.raises(TigerGraphException) as e:
        shop.deleteToken(secret, token)
    assert e.value.code == "REST-3300"
