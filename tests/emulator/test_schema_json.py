"""The JSON forms of the GSQL server's schema endpoints, through pyTigerGraph (pyTigerGraphSchema 2.0.5) and the
documented requests of gsql-endpoints (TigerGraph 4.1 server docs, "Schema" section): direct schema changes, schema
change jobs created from JSON and listed, global vertex and edge types created from JSON and added to a graph."""
import pytest
import requests
from pyTigerGraph.common.exception import TigerGraphException

from .conftest import connect

# gsql-endpoints "create vertices (create vertices in global level)": the documented request body.
USER5 = {"Config": {"STATS": "OUTDEGREE_BY_EDGETYPE"},
         "Attributes": [{"AttributeType": {"Name": "STRING"}, "AttributeName": "name"}],
         "PrimaryId": {"AttributeType": {"Name": "UINT"}, "AttributeName": "user_id"}, "Name": "User5"}


def _types(conn):
    schema = conn.getSchema(force=True)
    return ({v["Name"]: v for v in schema["VertexTypes"]}, {e["Name"]: e for e in schema["EdgeTypes"]})


def test_run_schema_change_json_local(shop):
    """gsql-endpoints "run the schema change job directly" (POST /gsql/v1/schema/change?graph=g, JSON body; answer
    {"error":false,"message":"Schema change job runs successfully"}); pyTigerGraph runSchemaChange(dict)."""
    change = {
        "addVertexTypes": [dict(USER5, Name="Shop"), {
            "Name": "Tag", "PrimaryId": {"AttributeName": "label", "AttributeType": {"Name": "STRING"},
                                         "IsPrimaryKey": True},
            "Attributes": [{"AttributeName": "label", "AttributeType": {"Name": "STRING"}, "IsPrimaryKey": True},
                           {"AttributeName": "weights", "AttributeType": {"Name": "LIST", "ValueTypeName": "INT"}}]}],
        "addEdgeTypes": [{"Name": "SELLS", "IsDirected": True, "FromVertexTypeName": "Shop",
                          "ToVertexTypeName": "Product", "Config": {"REVERSE_EDGE": "SOLD_BY"},
                          "Attributes": [{"AttributeName": "day", "AttributeType": {"Name": "DATETIME"},
                                          "IsDiscriminator": True},
                                         {"AttributeName": "qty", "AttributeType": {"Name": "UINT"}}]}],
        "alterVertexTypes": [{"name": "Product", "addAttributes": [
            {"AttributeName": "brand", "AttributeType": {"Name": "STRING"}, "DefaultValue": "none"}],
            "dropAttributes": ["price"]}],
        "dropEdgeTypes": ["FOLLOWS"],
    }
    shop.upsertVertex("Product", "p1", {"name": "pen"})
    assert shop.runSchemaChange(change) == {"error": False, "message": "Schema change job runs successfully"}
    vertices, edges = _types(shop)
    assert sorted(vertices) == ["Product", "Shop", "Tag", "User"]
    assert vertices["Shop"]["PrimaryId"]["AttributeType"] == {"Name": "UINT"}
    assert vertices["Shop"]["IsLocal"] is True
    assert [a["AttributeName"] for a in vertices["Tag"]["Attributes"]] == ["label", "weights"]
    assert [a["AttributeName"] for a in vertices["Product"]["Attributes"]] == ["name", "brand"]
    assert sorted(edges) == ["PURCHASED", "SELLS"]
    assert edges["SELLS"]["Config"] == {"REVERSE_EDGE": "SOLD_BY"}
    assert edges["SELLS"]["DiscriminatorCount"] == 1
    # The data kept its values; the new attribute took its default.
    assert shop.getVerticesById("Product", "p1")[0]["attributes"] == {"name": "pen", "brand": "none"}
    assert shop.upsertEdge("Shop", "1", "SELLS", "Product", "p1", {"day": "2026-01-02 00:00:00", "qty": 3}) == 1
    assert shop.getEdgeCount("SOLD_BY") == 1
    # No job is left behind.
    assert shop.getSchemaChangeJobs()["results"] == []


def test_schema_change_json_errors_name_the_field_and_change_nothing(shop):
    """A bad body is refused with the field named (400, error true); a change that fails midway changes nothing."""
    with pytest.raises(TigerGraphException, match=r"addVertexTypes\[0\]\.PrimaryId: expected an object"):
        shop.runSchemaChange({"addVertexTypes": [{"Name": "X", "Attributes": []}]})
    with pytest.raises(TigerGraphException, match='unknown field "addVertex"'):
        shop.runSchemaChange({"addVertex": []})
    with pytest.raises(TigerGraphException, match=r'addVertexTypes\[0\]\.Name: "X;DROP ALL" is not a valid name'):
        shop.runSchemaChange({"addVertexTypes": [dict(USER5, Name="X;DROP ALL")]})
    with pytest.raises(TigerGraphException, match="The vertex type Nope does not exist"):
        shop.runSchemaChange({"addVertexTypes": [dict(USER5, Name="Fresh")], "dropVertexTypes": ["Nope"]})
    assert "Fresh" not in shop.getVertexTypes(force=True)
    reply = requests.post(f"{shop.gsUrl}/gsql/v1/schema/change?graph=shop", data="not json",
                          auth=(shop.username, shop.password))
    assert (reply.status_code, reply.json()) == (400, {"error": True,
                                                       "message": "the request body must be a JSON object"})


def test_schema_change_job_from_json_listed_run_and_dropped(shop):
    """gsql-endpoints "create local schema change job using json" ({"error":false,"message":"Successfully created
    schema change job: [test5]."}), "get schema change jobs" ({"results": [{job: GSQL text}]}), "get a specific
    local/global schema change job" (json=true: {"results": {job: {addVertexTypes, ..., "graph", "name"}}}),
    "run an existing schema change job" (POST, no body) and "drop local/global schema change jobs"; pyTigerGraph
    createSchemaChangeJob(dict), getSchemaChangeJobs, runSchemaChangeJob, dropSchemaChangeJobs."""
    body = {"addVertexTypes": [USER5],
            "alterVertexTypes": [{"name": "User", "addAttributes": [
                {"AttributeName": "nick", "AttributeType": {"Name": "STRING"}, "DefaultValue": "n/a"}]}]}
    assert shop.createSchemaChangeJob("test5", body) == {
        "error": False, "message": "Successfully created schema change job: [test5]."}
    listed = shop.getSchemaChangeJobs(jsonFormat=False)
    assert listed["results"] == [{"test5": (
        "CREATE SCHEMA_CHANGE JOB test5 FOR GRAPH shop {\n"
        "  ADD VERTEX User5 (PRIMARY_ID user_id UINT, name STRING) WITH STATS=\"OUTDEGREE_BY_EDGETYPE\";\n"
        "  ALTER VERTEX User ADD ATTRIBUTE (nick STRING DEFAULT \"n/a\");\n"
        "}\n")}]
    one = shop.getSchemaChangeJobs("test5")["results"]["test5"]
    assert (one["name"], one["graph"]) == ("test5", "shop")
    assert [v["Name"] for v in one["addVertexTypes"]] == ["User5"]
    assert one["addVertexTypes"][0]["PrimaryId"] == {"AttributeName": "user_id", "AttributeType": {"Name": "UINT"}}
    assert one["alterVertexTypes"] == [{"name": "User", "dropAttributes": [], "addAttributes": [
        {"AttributeName": "nick", "AttributeType": {"Name": "STRING"}, "DefaultValue": "n/a"}]}]
    assert (one["dropVertexTypes"], one["addEdgeTypes"], one["dropEdgeTypes"], one["alterEdgeTypes"]) == ([], [], [], [])
    # The job has not run: nothing changed yet.
    assert "User5" not in shop.getVertexTypes(force=True)
    reply = requests.post(f"{shop.gsUrl}/gsql/v1/schema/jobs/test5?graph=shop", auth=(shop.username, shop.password))
    assert (reply.status_code, reply.json()) == (200, {"error": False, "message": "Schema change job run successfully!"})
    assert "User5" in shop.getVertexTypes(force=True)
    assert shop.dropSchemaChangeJobs("test5") == {
        "error": False, "message": "Successfully dropped schema change jobs: [test5]."}
    assert shop.getSchemaChangeJobs()["results"] == []


def test_global_types_from_json_added_to_a_graph_and_dropped(shop, emulator):
    """gsql-endpoints "create vertices" ({"createVertices": [...]}: "Successfully create vertices: [User5, User4]"),
    "add global vertices to a local graph" ({"addVertices": [...]}?graph=: "Successfully add vertices: [UserA, UserB]
    on graph financialGraph"), "create global edges using json format", "add global edges to graph using json format"
    ("Successfully added edges [has_account] to graph financialGraph."), "update a vertex attribute", "drop edges
    from graph" / "drop vertices"; pyTigerGraph createGlobalVerticesJson, addGlobalVerticesToGraph, dropVertices."""
    assert shop.createGlobalVerticesJson([USER5, dict(USER5, Name="User4")]) == {
        "error": False, "message": "Successfully create vertices: [User5, User4]"}
    assert shop.addGlobalVerticesToGraph(["User5", "User4"]) == {
        "error": False, "message": "Successfully add vertices: [User5, User4] on graph shop"}
    auth = (shop.username, shop.password)
    edge = {"IsDirected": True, "ToVertexTypeName": "User4", "Config": {}, "Attributes": [],
            "FromVertexTypeName": "User5", "Name": "knows45"}
    reply = requests.post(f"{shop.gsUrl}/gsql/v1/schema/edges", json={"createEdges": [edge]}, auth=auth)
    assert reply.json() == {"error": False, "message": "Successfully create edges: [knows45]"}
    reply = requests.post(f"{shop.gsUrl}/gsql/v1/schema/edges?graph=shop", json={"addEdges": ["knows45"]}, auth=auth)
    assert reply.json() == {"error": False, "message": "Successfully added edges [knows45] to graph shop."}
    vertices, edges = _types(shop)
    assert vertices["User5"]["IsLocal"] is False and "knows45" in edges
    assert shop.upsertEdge("User5", "1", "knows45", "User4", "2") == 1
    # The global listing and one type, as getSchema() renders them.
    listed = requests.get(f"{shop.gsUrl}/gsql/v1/schema/vertices", auth=auth).json()["results"]
    assert [v["Name"] for v in listed] == ["Product", "User", "User4", "User5"]
    one = requests.get(f"{shop.gsUrl}/gsql/v1/schema/edges/knows45?graph=shop", auth=auth).json()
    assert one["results"]["FromVertexTypeName"] == "User5"
    # Attributes of a global type change through PUT; its data takes the default.
    reply = requests.put(f"{shop.gsUrl}/gsql/v1/schema/vertices/User5", auth=auth, json={
        "dropAttributes": ["name"], "addAttributes": [{"AttributeType": {"Name": "INT"}, "AttributeName": "rank"}]})
    assert reply.json() == {"error": False, "message": "Successfully update vertex: User5"}
    assert shop.getVerticesById("User5", "1")[0]["attributes"] == {"rank": 0}
    # A vertex type an edge of the graph uses cannot go first; edges then vertices can.
    with pytest.raises(TigerGraphException, match="is used by the edge type knows45"):
        shop.dropVertices("User5")  # from the graph shop: knows45 in shop ends at it
    # With ?graph= a global type leaves the graph and stays global; without, it is dropped (once no graph uses it).
    reply = requests.delete(f"{shop.gsUrl}/gsql/v1/schema/edges?edge=knows45", auth=auth)
    assert reply.status_code == 400 and "the edge type knows45 is used by graph shop" in reply.json()["message"]
    reply = requests.delete(f"{shop.gsUrl}/gsql/v1/schema/edges?edge=knows45&graph=shop", auth=auth)
    assert reply.json() == {"error": False, "message": "Edges [knows45] deleted successfully."}
    assert shop.dropVertices(["User5", "User4"]) == {
        "error": False, "message": "Vertices [User5, User4] deleted successfully."}
    assert sorted(shop.getVertexTypes(force=True)) == ["Product", "User"]
    glob = connect(emulator, graph="")
    with pytest.raises(TigerGraphException, match="Failed to drop vertex types: the edge type knows45 uses User5"):
        glob.dropVertices(["User5", "User4"])
    reply = requests.delete(f"{shop.gsUrl}/gsql/v1/schema/edges/knows45", auth=auth)
    assert reply.json() == {"error": False, "message": "Edges [knows45] deleted successfully."}
    assert glob.dropVertices(["User5", "User4"]) == {
        "error": False, "message": "Vertices [User5, User4] deleted successfully."}
    listed = requests.get(f"{shop.gsUrl}/gsql/v1/schema/vertices", auth=auth).json()["results"]
    assert [v["Name"] for v in listed] == ["Product", "User"]


def test_global_schema_change_json_with_graphs(shop, emulator):
    """gsql-endpoints "create global schema change job using json" ({"graphs": [{"graphName", "addVertexTypes":
    [names]}]}) and "run global schema change job directly" (POST /gsql/v1/schema/change, no graph:
    {"error":false,"message":"Global schema change runs successfully"})."""
    auth = (shop.username, shop.password)
    reply = requests.post(f"{shop.gsUrl}/gsql/v1/schema/change", json={"addVertexTypes": [USER5]}, auth=auth)
    assert reply.json() == {"error": False, "message": "Global schema change runs successfully"}
    reply = requests.post(f"{shop.gsUrl}/gsql/v1/schema/jobs/test4", auth=auth, json={
        "graphs": [{"graphName": "shop", "addVertexTypes": ["User5"], "dropVertexTypes": [], "dropEdgeTypes": [],
                    "addEdgeTypes": []}]})
    assert reply.json() == {"error": False, "message": "Successfully created global schema change job: [test4]."}
    glob = connect(emulator, graph="")
    job = glob.getSchemaChangeJobs("test4")["results"]["test4"]
    assert job["graphs"] == [{"graphName": "shop", "addVertexTypes": ["User5"], "addEdgeTypes": [],
                              "dropVertexTypes": [], "dropEdgeTypes": []}]
    assert "graph" not in job
    assert "User5" not in shop.getVertexTypes(force=True)
    ran = glob.runSchemaChangeJob("test4")
    assert ran["error"] is False and "Global schema change succeeded." in ran["message"]
    assert "User5" in shop.getVertexTypes(force=True)
    # A graph's local types are named with ?graph=; "graphs" belongs to a global change only.
    reply = requests.post(f"{shop.gsUrl}/gsql/v1/schema/change?graph=shop", auth=auth,
                          json={"graphs": [{"graphName": "shop", "addVertexTypes": ["User5"]}]})
    assert (reply.status_code, reply.json()["message"]) == (
        400, "graphs: only a global schema change names graphs (leave out ?graph=)")


def test_loading_job_run_over_rest_and_its_status(shop, tmp_path):
    """gsql-endpoints "Run a loading job" (POST /gsql/v1/loading-jobs/run?graph=g, {"name", "sys.data_root",
    "dataSources": [{"filename", "name", "path"}]}: {"error": false, "message": "Successfully ran loading job(s):
    [name]", "jobIds": [...]}) and "Get loading job run status" ({"results": [{"overall": {..., "statistics":
    {"fileLevel", "objectLevel"}}, "workers": [{"tasks": [{"filename"}]}]}]}); pyTigerGraph getLoadingJobStatus,
    getLoadingJobsStatus, abortLoadingJob(s), resumeLoadingJob."""
    (tmp_path / "users.csv").write_text(
        "id,name,age,score,active,joined\nu1,Ann,31,2.5,true,2024-01-02 03:04:05\nu2,Bob,notanint,1,false,2024-01-01\n")
    auth = (shop.username, shop.password)
    reply = requests.post(f"{shop.gsUrl}/gsql/v1/loading-jobs/run?graph=shop", auth=auth, json=[{
        "name": "load_users", "sys.data_root": str(tmp_path),
        "dataSources": [{"filename": "f", "name": "file", "path": "users.csv"}]}])
    body = reply.json()
    assert (reply.status_code, body["error"], body["message"]) == (
        200, False, "Successfully ran loading job(s): [load_users]")
    [job_id] = body["jobIds"]
    assert job_id.startswith("shop.load_users.file.m1.")
    assert shop.getVertexCount("User") == 1  # u2's age is not an INT: the line is rejected
    status = shop.getLoadingJobStatus(job_id)
    [result] = status if isinstance(status, list) else status["results"]
    overall = result["overall"]
    assert overall["id"] == job_id and overall["progress"] == 1
    assert overall["endTime"] >= overall["startTime"] and overall["size"] == (tmp_path / "users.csv").stat().st_size
    # Both lines parse (validLine); u2's object is invalid (invalidAttribute), not its line (load-from-spark-dataframe
    # counter meanings).
    assert overall["statistics"]["fileLevel"] == {"validLine": 2, "notEnoughToken": 0, "tokenExceedsBuffer": 0,
                                                  "rejectLine": 0}
    assert overall["statistics"]["objectLevel"] == {"vertex": [{"typeName": "User", "validObject": 1,
                                                                 "invalidAttribute": 1}]}
    assert result["workers"] == [{"tasks": [{"filename": "f"}]}]
    many = shop.getLoadingJobsStatus([job_id])
    assert (many if isinstance(many, list) else many["results"]) == [result]
    # The run ended inside its request: there is nothing to abort, pause or resume, and the error says so.
    for call in (lambda: shop.abortLoadingJob(job_id), lambda: shop.abortLoadingJobs([job_id], pauseJob=True),
                 lambda: shop.resumeLoadingJob(job_id)):
        with pytest.raises(TigerGraphException, match="have finished"):
            call()
    with pytest.raises(TigerGraphException, match="The loading job id nope does not exist."):
        shop.getLoadingJobStatus("nope")
    # pyTigerGraph 2.0.5's runLoadingJob sends its dict form-encoded (requests' data=, no jsonData): the body is not
    # the JSON the endpoint reads, and the answer says so.
    with pytest.raises(TigerGraphException, match="must be a JSON object"):
        shop.runLoadingJob("load_users", {"filename": "f", "name": "file", "path": "users.csv"},
                           sys_data_root=str(tmp_path))
    reply = requests.post(f"{shop.gsUrl}/gsql/v1/loading-jobs/run?graph=shop", auth=auth, json={
        "name": "load_users", "dataSources": [{"filename": "f", "name": "k1", "config": {"topic": "t"}}]})
    assert (reply.status_code, reply.json()["message"]) == (
        400, "[0].dataSources[0]: the emulator loads local files only (\"path\"), not Kafka or cloud data sources")


def test_data_sources_kept_listed_masked_and_dropped(shop):
    """gsql-endpoints "Data source" section: create ({"error":false,"message":"Data source s4 is created"}), update
    (documented with the same sentence), get one ({"name","type","content"}), get all ({"name","belongTo","type",
    "content","isLocal"}, "secret.key" shown empty), drop one ("Data source k1 is dropped."), drop all ("All data
    sources is dropped successfully."); pyTigerGraph createDataSource, updateDataSource, getDataSource,
    getDataSources, dropDataSource, dropAllDataSources."""
    s3 = {"type": "s3", "access.key": "AKIAEXAMPLE", "secret.key": "very-secret"}
    assert shop.createDataSource("s4", s3) == {"error": False, "message": "Data source s4 is created"}
    with pytest.raises(TigerGraphException, match="Data source s4 already exists."):
        shop.createDataSource("s4", s3)
    glob = {"name": "k1", "config": {"type": "kafka", "broker": "kafka-0:9092"}}
    auth = (shop.username, shop.password)
    assert requests.post(f"{shop.gsUrl}/gsql/v1/data-sources", json=glob, auth=auth).json()["error"] is False
    assert shop.getDataSources() == [
        {"name": "k1", "type": "KAFKA", "content": {"type": "kafka", "broker": "kafka-0:9092"}, "isLocal": False},
        {"name": "s4", "type": "S3", "content": {"type": "s3", "access.key": "AKIAEXAMPLE", "secret.key": ""},
         "isLocal": True, "belongTo": "shop"}]
    assert shop.updateDataSource("s4", dict(s3, **{"access.key": "AKIANEW"})) == {
        "error": False, "message": "Data source s4 is created"}
    assert shop.getDataSource("s4") == {"name": "s4", "type": "S3",
                                        "content": {"type": "s3", "access.key": "AKIANEW", "secret.key": ""}}
    with pytest.raises(TigerGraphException, match="Data source nope does not exist."):
        shop.updateDataSource("nope", s3)
    with pytest.raises(TigerGraphException, match=r"config: expected an object with a \"type\""):
        shop.createDataSource("bad", {"broker": "x"})
    assert shop.dropDataSource("s4") == {"error": False, "message": "Data source s4 is dropped."}
    with pytest.raises(TigerGraphException, match="Data source s4 does not exist."):
        shop.getDataSource("s4")
    # dropAll without a graph drops the global ones; pyTigerGraph sends its graph, so go around it.
    reply = requests.delete(f"{shop.gsUrl}/gsql/v1/data-sources/dropAll", auth=auth)
    assert reply.json() == {"error": False, "message": "All data sources is dropped successfully."}
    assert shop.getDataSources() == []


def test_data_sources_survive_a_restart_and_go_with_their_graph(emulator_factory, tmp_path):
    """Data sources are journaled like every acknowledged change (--data-dir); DROP GRAPH drops the graph's own."""
    emu = emulator_factory("--no-auth", "--data-dir", str(tmp_path / "data"))
    assert "The graph g is created." in emu.gsql("CREATE VERTEX V (PRIMARY_ID id STRING)\nCREATE GRAPH g (V)")
    for name, graph in (("local1", "g"), ("global1", None)):
        reply = requests.post(emu.url + "/gsql/v1/data-sources", params={"graph": graph} if graph else {},
                              json={"name": name, "config": {"type": "gcs", "file.reader.settings.fs.gs.auth": "x"}})
        assert reply.json() == {"error": False, "message": f"Data source {name} is created"}
    assert requests.delete(emu.url + "/gsql/v1/data-sources/global1").json()["error"] is False
    emu.restart(kill=True)
    listed = requests.get(emu.url + "/gsql/v1/data-sources").json()["results"]
    assert [(d["name"], d.get("belongTo")) for d in listed] == [("local1", "g")]
    assert "is dropped" in emu.gsql("DROP GRAPH g")
    assert requests.get(emu.url + "/gsql/v1/data-sources").json()["results"] == []


def test_graphs_over_rest_loading_job_update_schema_check_and_version(shop, emulator):
    """gsql-endpoints "create one graph using gsql command" / "using JSON format" ("Successfully created graph:
    [g]."), "drop graphs with given names" ("Successfully dropped graphs: [a, b]."), "Update a loading job",
    "validate graph schema" ("Schema Check succeeded."), "recover gdict catalog" ("Recover schema succeed!"), "get gsql
    version" (plain text); pyTigerGraph createGraph, updateLoadingJob, validateGraphSchema, recoverCatalog."""
    assert shop.createGraph("g2", vertexTypes=["User", "Product"], edgeTypes=["PURCHASED"]) == {
        "error": False, "message": "Successfully created graph: [g2]."}
    auth = (shop.username, shop.password)
    reply = requests.post(f"{shop.gsUrl}/gsql/v1/schema/graphs", params={"graphName": "g3", "gsql": "false"},
                          json={"VertexTypes": ["User"], "EdgeTypes": ["FOLLOWS"]}, auth=auth)
    assert reply.json() == {"error": False, "message": "Successfully created graph: [g3]."}
    assert sorted(connect(emulator, graph="g3").getEdgeTypes(force=True)) == ["FOLLOWS"]
    with pytest.raises(TigerGraphException, match="needs vertex type Product"):
        shop.createGraph("g4", vertexTypes=["User"], edgeTypes=["PURCHASED"])
    reply = requests.delete(f"{shop.gsUrl}/gsql/v1/schema/graphs?graphNames=g2,g3", auth=auth)
    assert reply.json() == {"error": False, "message": "Successfully dropped graphs: [g2, g3]."}
    assert [g["graphName"] for g in shop.listGraphs()] == ["shop"]

    job = ('CREATE LOADING JOB load_users FOR GRAPH shop { DEFINE FILENAME f; '
           'LOAD f TO VERTEX User VALUES ($0, $1, _, _, _, _, _) USING SEPARATOR="|"; }')
    assert shop.updateLoadingJob(job) == {"error": False, "message": "Successfully created loading job: load_users"}
    shop.runLoadingJobWithData("u1|Ann\n", "f", "load_users")
    assert shop.getVerticesById("User", "u1")[0]["attributes"]["name"] == "Ann"
    # A definition that does not check out is refused and the job stays as it was.
    with pytest.raises(TigerGraphException, match="Nope"):
        shop.updateLoadingJob(job.replace("VERTEX User", "VERTEX Nope"))
    assert "load_users" in shop.getLoadingJobs()
    with pytest.raises(TigerGraphException, match="The job missing_job does not exist!"):
        shop.updateLoadingJob(job.replace("load_users", "missing_job"))

    assert shop.validateGraphSchema() == {"error": False, "message": "Schema Check succeeded."}
    assert shop.recoverCatalog() == {"error": False, "message": "Recover schema succeed!"}
    reply = requests.get(f"{shop.gsUrl}/gsql/v1/version", auth=auth)
    assert (reply.status_code, reply.headers["Content-Type"], reply.text) == (200, "text/plain", "GSQL version: 4.1.0\n")
    # pyTigerGraph 2.0.5 parses the answer as JSON; the documented answer is text (see the disagreements table).
    with pytest.raises(TigerGraphException, match="Cannot parse json: GSQL version: 4.1.0"):
        shop.getGSQLVersion()


def test_interpreted_queries_of_pytigergraph(shop):
    """gsql-endpoints "interpret query" (POST /gsql/v1/queries/interpret, the query text as the body, parameters in
    the URL; answer {"error":false,"message":"","version":{"schema":N,...},"results":[...]}); pyTigerGraph
    getSchemaVer (a PRINT "OK" query read for version.schema), getEdgesByType and runInterpretedQuery."""
    assert shop.getSchemaVer() == 0
    assert shop.runSchemaChange({"alterVertexTypes": [{"name": "Product", "addAttributes": [
        {"AttributeName": "brand", "AttributeType": {"Name": "STRING"}}]}]})["error"] is False
    assert shop.getSchemaVer() == 1  # a schema change job gives the graph a new version
    shop.upsertEdge("User", "u1", "FOLLOWS", "User", "u2", {"since": "2024-01-01 00:00:00"})
    shop.upsertEdge("User", "u3", "FOLLOWS", "User", "u1", {"since": "2024-02-01 00:00:00"})
    shop.upsertEdge("User", "u1", "PURCHASED", "Product", "p1", {"amount": 2.5})
    edges = sorted(shop.getEdgesByType("FOLLOWS"), key=lambda e: e["from_id"])
    assert edges == [
        {"e_type": "FOLLOWS", "directed": True, "from_id": "u1", "from_type": "User", "to_id": "u2",
         "to_type": "User", "attributes": {"since": "2024-01-01 00:00:00"}},
        {"e_type": "FOLLOWS", "directed": True, "from_id": "u3", "from_type": "User", "to_id": "u1",
         "to_type": "User", "attributes": {"since": "2024-02-01 00:00:00"}}]
    assert len(shop.getEdgesByType("FOLLOWS", limit=1)) == 1
    # PURCHASED is undirected: getEdgesByType's -(:e)-> pattern (GSQL V2 syntax) walks directed edges only.
    assert shop.getEdgesByType("PURCHASED") == []
    out = shop.runInterpretedQuery(
        "INTERPRET QUERY (STRING who, SET<INT> n) FOR GRAPH shop { SumAccum<DOUBLE> @@spent; "
        "buyers = SELECT s FROM User:s-(PURCHASED:e)-Product:t WHERE s.id == who ACCUM @@spent += e.amount; "
        "PRINT buyers, @@spent AS spent, n; }", params={"who": "u1", "n": [1, 2]})
    assert out == [{"buyers": [{"v_id": "u1", "v_type": "User", "attributes": {
        "id": "u1", "name": "", "age": 0, "score": 0, "active": False, "joined": "1970-01-01 00:00:00", "tags": []}}],
        "spent": 2.5, "n": [1, 2]}]
    with pytest.raises(TigerGraphException, match="the query statement \"DELETE\""):
        shop.runInterpretedQuery("INTERPRET QUERY () FOR GRAPH shop { DELETE s FROM User:s; }")
