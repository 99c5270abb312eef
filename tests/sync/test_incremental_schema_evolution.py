"""Schema evolution under incremental sync: a mapped column renamed in Iceberg keeps syncing (the mapping follows
the field id), an added column is harmless, and a dropped mapped column stops the sync with the config's file, line
and field named, before anything is written."""
import json

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import IntegerType, NestedField, StringType

from .conftest import GraphReader, run_icegraph

CONFIG = """catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["{url}"], graph: evo, username: tigergraph, password: tigergraph}}
state: {{url: "sqlite:///{wh}/state.db"}}
mappings:
  - table: evo.users
    vertices:
      - type: User
        id: user_id
        attributes:
          name: name
          age: age
"""


def users(rows, name_col="name"):
    return pa.table({"user_id": pa.array([r[0] for r in rows], pa.string()),
                     name_col: pa.array([r[1] for r in rows], pa.string()),
                     "age": pa.array([r[2] for r in rows], pa.int32())})


def graph(emu):
    return {k: {"name": v["name"], "age": v["age"]} for k, v in GraphReader(emu, "evo").vertices("User").items()}


def test_renamed_column_keeps_syncing_and_dropped_column_stops_with_the_field_named(emulator, tmp_path):
    wh = tmp_path
    catalog = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
    catalog.create_namespace("evo")
    t = catalog.create_table("evo.users", schema=Schema(
        NestedField(1, "user_id", StringType()), NestedField(2, "name", StringType()),
        NestedField(3, "age", IntegerType())))
    t.append(users([("u1", "Ann", 30), ("u2", "Bob", 40)]))
    config = wh / "icegraph.yaml"
    config.write_text(CONFIG.format(wh=wh, url=emulator.url))
    run_icegraph("schema", "--apply", config=config)
    run_icegraph("sync", config=config)
    assert graph(emulator) == {"u1": {"name": "Ann", "age": 30}, "u2": {"name": "Bob", "age": 40}}

    with t.update_schema() as u:
        u.rename_column("name", "full_name")
    t = catalog.load_table("evo.users")
    t.append(users([("u3", "Cy", 50)], name_col="full_name"))
    out = json.loads(run_icegraph("sync", "--json", config=config).stdout)
    assert out["outcome"] == "succeeded" and out["tables"][0]["mode"] == "incremental", out
    assert graph(emulator)["u3"] == {"name": "Cy", "age": 50}
    # And on the next run too: the checkpoint remembers the names the mapping was bound with.
    t.append(users([("u4", "Di", 60)], name_col="full_name"))
    out = json.loads(run_icegraph("sync", "--json", config=config).stdout)
    assert out["outcome"] == "succeeded", out
    assert graph(emulator) == {"u1": {"name": "Ann", "age": 30}, "u2": {"name": "Bob", "age": 40},
                               "u3": {"name": "Cy", "age": 50}, "u4": {"name": "Di", "age": 60}}

    with t.update_schema() as u:
        u.add_column("email", StringType())
    t = catalog.load_table("evo.users")
    t.append(pa.table({"user_id": ["u5"], "full_name": ["Ed"], "age": pa.array([70], pa.int32()),
                       "email": ["ed@x"]}))
    run_icegraph("sync", config=config)
    assert graph(emulator)["u5"] == {"name": "Ed", "age": 70}

    with t.update_schema() as u:
        u.delete_column("age")
    t = catalog.load_table("evo.users")
    t.append(pa.table({"user_id": ["u6"], "full_name": ["Flo"], "email": ["f@x"]}))
    before = graph(emulator)
    out = run_icegraph("sync", config=config, check=False)
    assert out.returncode == 2, out
    assert "icegraph.yaml:" in out.stderr and "age" in out.stderr, out.stderr
    assert graph(emulator) == before
