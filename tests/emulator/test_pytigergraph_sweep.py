"""Every public method of pyTigerGraph 2.0.5's vertex, edge, schema, loading, auth, utils and GSQL modules run once
against the emulator, in one session, with its outcome asserted: what works answers as documented, what does not
fails in the way docs/emulator.md lists (a client bug, a 4.2 feature, an endpoint left out). A new client release
that changes an outcome shows here first."""
import pandas as pd
import pytest
import requests
from pyTigerGraph.common.exception import TigerGraphException

from .conftest import connect

USERS = "id,name,age,score,active,joined\nu7,G,1,1.5,true,2024-01-01\n"


def test_every_public_method_of_the_client(shop, emulator, tmp_path):
    c = shop
    # Vertices.
    assert c.getVertexTypes() == ["User", "Product"]
    assert c.getVertexAttrs("Product") == [("name", "STRING"), ("price", "DOUBLE")]
    assert c.getVertexType("Product")["PrimaryId"]["AttributeName"] == "id"
    assert c.upsertVertex("User", "u1", {"name": "A", "age": 3}) == 1
    assert c.upsertVertices("User", [("u2", {"name": "B"}), ("u3", {"name": "C"})]) == 2
    assert c.upsertVertexDataFrame(pd.DataFrame({"id": ["u4"], "name": ["D"]}), "User", v_id="id",
                                   attributes={"name": "name"}) == 1
    assert c.getVertexCount("User", where="age>=3") == 1
    assert c.getVertices("User", select="name", where="age>=3") == [
        {"v_id": "u1", "v_type": "User", "attributes": {"name": "A"}}]
    assert list(c.getVertexDataFrame("User", select="name")["v_id"]) == ["u1", "u2", "u3", "u4"]
    assert [v["v_id"] for v in c.getVerticesById("User", ["u1", "u2"])] == ["u1", "u2"]
    assert list(c.getVertexDataFrameById("User", ["u2"])["name"]) == ["B"]
    assert c.getVertexStats("User")["User"]["age"] == {"MAX": 3, "MIN": 0, "AVG": 0.75}
    with pytest.raises(KeyError, match="EmbeddingAttributes"):
        c.getVertexVectors("User")  # vector attributes are 4.2; the emulator is 4.1
    # Edges.
    assert c.getEdgeTypes() == ["PURCHASED", "FOLLOWS"]
    assert c.getEdgeType("FOLLOWS")["Config"] == {"REVERSE_EDGE": "FOLLOWED_BY"}
    assert c.getEdgeAttrs("PURCHASED") == [("amount", "DOUBLE"), ("ordered_at", "DATETIME")]
    assert (c.getEdgeSourceVertexType("FOLLOWS"), c.getEdgeTargetVertexType("PURCHASED")) == ("User", "Product")
    assert (c.isDirected("FOLLOWS"), c.isDirected("PURCHASED")) == (True, False)
    assert c.getReverseEdge("FOLLOWS") == "FOLLOWED_BY"
    assert (c.isMultiEdge("FOLLOWS"), c.getDiscriminators("FOLLOWS")) == (False, [])
    assert c.upsertEdge("User", "u1", "FOLLOWS", "User", "u2", {"since": "2024-01-01 00:00:00"}) == 1
    assert c.upsertEdges("User", "PURCHASED", "Product", [("u1", "p1", {"amount": 2.5})]) == 1
    assert c.upsertEdgeDataFrame(pd.DataFrame({"f": ["u2"], "t": ["p1"], "a": [1.0]}), "User", "PURCHASED", "Product",
                                 from_id="f", to_id="t", attributes={"amount": "a"}) == 1
    assert c.getEdgeCountFrom("User", "u1") == {"FOLLOWS": 1, "FOLLOWED_BY": 0, "PURCHASED": 1}
    assert c.getEdgeCount("PURCHASED") == 2
    assert [(e["e_type"], e["to_id"]) for e in c.getEdges("User", "u1")] == [("FOLLOWS", "u2"), ("PURCHASED", "p1")]
    assert len(c.getEdgesDataFrame("User", "u1")) == 2
    assert c.getEdgeStats("PURCHASED") == {"PURCHASED": {"amount": {"MAX": 2.5, "MIN": 1.0, "AVG": 1.75}}}
    assert [e["from_id"] for e in c.getEdgesByType("FOLLOWS")] == ["u1"]
    assert c.delEdges("User", "u2", "PURCHASED") == {"PURCHASED": 1}
    # Schema.
    assert sorted(c.getSchema(force=True)) == ["EdgeTypes", "GraphName", "UDTs", "VertexTypes"]
    assert c.getSchemaVer() == 0
    assert c.upsertData({"vertices": {"User": {"u9": {"name": {"value": "Z"}}}}}) == {
        "accepted_vertices": 1, "accepted_edges": 0}
    assert "DELETE /graph/{graph_name}/vertices/{vertex_type}/{vertex_id}" in c.getEndpoints(builtin=True)
    assert c.validateGraphSchema() == {"error": False, "message": "Schema Check succeeded."}
    assert c.listGraphs() == [{"graphName": "shop", "vertices": ["User", "Product"],
                               "edges": ["PURCHASED", "FOLLOWS", "FOLLOWED_BY"]}]
    assert c.createGraph("g2", vertexTypes=["User"])["message"] == "Successfully created graph: [g2]."
    assert c.dropGraph("g2")["message"] == "Successfully dropped graph: g2."
    assert c.getUDTs() == []
    # Loading.
    assert c.getLoadingJobs() == ["delete_users", "load_purchases", "load_purchases_df", "load_users"]
    assert c.getLoadingJobInfo("load_users")["GraphName"] == "shop"
    assert c.runLoadingJobWithData(USERS, "f", "load_users")[0]["statistics"]["validLine"] == 1
    (tmp_path / "u.csv").write_text(USERS.replace("u7", "u8"))
    assert c.runLoadingJobWithFile(str(tmp_path / "u.csv"), "f", "load_users")[0]["statistics"]["validLine"] == 1
    df = pd.DataFrame({"a": ["u8"], "b": ["p8"], "c": [1.0], "d": ["2024-01-01"]})
    assert c.runLoadingJobWithDataFrame(df, "f", "load_purchases", sep="|")[0]["statistics"]["validLine"] == 1
    job = "CREATE LOADING JOB lj2 FOR GRAPH shop { DEFINE FILENAME f; LOAD f TO VERTEX Product VALUES ($0, $1, _); }"
    assert c.createLoadingJob(job)["message"] == "Successfully created loading job: lj2"
    assert c.updateLoadingJob(job.replace("_)", "2)"))["message"] == "Successfully created loading job: lj2"
    assert c.dropLoadingJob("lj2") == {"error": False, "message": "Successfully drop loading job 'lj2'."}
    with pytest.raises(TigerGraphException, match="must be a JSON object"):
        c.runLoadingJob("load_users", {"filename": "f", "name": "file", "path": "u.csv"})  # form-encoded by the client
    with pytest.raises(TigerGraphException, match="does not exist"):
        c.getLoadingJobStatus("shop.load_users.file.m1.1")
    assert c.createDataSource("s1", {"type": "s3", "secret.key": "x"})["message"] == "Data source s1 is created"
    assert c.getDataSource("s1")["content"] == {"type": "s3", "secret.key": ""}
    assert [d["name"] for d in c.getDataSources()] == ["s1"]
    assert c.dropAllDataSources()["message"] == "All data sources is dropped successfully."
    # Auth and secrets.
    secret = c.createSecret("a1")
    assert c.getSecrets() == {"a1": secret}
    token, expires = c.getToken(secret)
    assert isinstance(token, str) and expires > 0
    assert c.checkJwtToken()["error"] is False
    with pytest.raises(TigerGraphException, match="only supported on versions of TigerGraph <= 4.0.0"):
        c.refreshToken(secret)  # the client's own refusal on 4.x
    assert c.deleteToken(secret, token) is True
    assert c.dropSecret("a1")["error"] is False
    c = connect(emulator)  # a fresh connection: the old one's token is gone
    # Utilities and GSQL.
    assert c.echo() == "Hello GSQL"
    assert c.ping()["message"] == "pong"
    assert c.getVer() == "4.1.0"
    assert c.getVersion()[0]["name"] == "product"
    assert c.rebuildGraph()["error"] is False
    assert c.getServiceStatus({"ServiceDescriptors": [{"ServiceName": "GSQL"}]})["error"] is False
    assert c.isReservedKeyword("SELECT") and "CREATE" in c.getReservedKeywords()
    assert c.recoverCatalog() == {"error": False, "message": "Recover schema succeed!"}
    assert "Successfully created vertex types: [T]." in c.gsql("CREATE VERTEX T (PRIMARY_ID id STRING)")
    with pytest.raises(TigerGraphException, match="Cannot parse json"):
        c.getGSQLVersion()  # the documented answer is text
    for left_out, call in (("/restpp/showlicenseinfo", c.getLicenseInfo),
                           ("/restpp/statistics/shop", c.getQueryPerformance),
                           ("/gsql/v1/db-export", lambda: c.exportDatabase(str(tmp_path / "export"))),
                           ("/gsql/v1/statements/x", lambda: c.getAsyncRequestStatus("x"))):
        with pytest.raises(requests.exceptions.HTTPError, match=left_out):
            call()
    # Deletes, then the store cleared (schema kept).
    assert c.delVerticesById("User", ["u3"]) == 1
    assert c.delVertices("User", where="age>=3") == 1
    assert c.delVerticesByType("Product") >= 1
    assert c.clearGraphStore()["message"] == "Successfully cleared graph store."
    assert c.getVertexCount("*") == {"User": 0, "Product": 0}
