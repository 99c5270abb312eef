"""A small people/knows warehouse written by pyiceberg and its icegraph.yaml, shared by the validate, bad-config and
security tests."""
import datetime
from pathlib import Path

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import (DoubleType, FloatType, IntegerType, ListType, LongType, MapType, NestedField, StringType,
                             TimestamptzType)

UTC = datetime.timezone.utc

PEOPLE = Schema(
    NestedField(1, "id", StringType()), NestedField(2, "name", StringType()), NestedField(3, "age", IntegerType()),
    NestedField(4, "score", DoubleType()), NestedField(5, "ratio", FloatType()),
    NestedField(6, "born", TimestamptzType()),
    NestedField(7, "tags", ListType(20, StringType(), element_required=False)),
    NestedField(8, "nums", ListType(21, LongType(), element_required=False)),
    NestedField(9, "attrs", MapType(22, StringType(), 23, IntegerType(), value_required=False)))
KNOWS = Schema(NestedField(1, "src", StringType()), NestedField(2, "dst", StringType()),
               NestedField(3, "since", TimestamptzType()), NestedField(4, "weight", DoubleType()))


def person(pid, **kw):
    row = {f.name: None for f in PEOPLE.fields}
    row["id"] = pid
    row.update(kw)
    return row


PEOPLE_ROWS = [
    person("p1", name="Ann", age=30, score=1 / 3, ratio=0.1,
           born=datetime.datetime(2020, 1, 2, 3, 4, 5, 678000, tzinfo=UTC), tags=["a", "b,c"], nums=[3, 1, 3],
           attrs=[("k", 1), ("l", 2)]),
    person("p2", name="first", age=1),
    person("p2", name="second", age=2),  # one key, two rows: TigerGraph keeps one of them
    person("p3", name="Cy", score=2.5),
    person("p4", name='Dé, "q"\nx\ttab', age=-7),
    person("p5"),  # every attribute null: nothing to compare
    person(None, name="no id"),  # a dead letter of the mapping (null_id): no key
]


def knows(src, dst, day, weight):
    return {"src": src, "dst": dst, "since": datetime.datetime(2025, day, day, tzinfo=UTC), "weight": weight}


KNOWS_ROWS = [
    knows("p1", "p2", 1, 0.5),
    knows("p1", "p2", 6, 1.5),  # a second, discriminated edge between p1 and p2
    knows("p2", "p3", 2, None),
    knows("p3", "p4", 3, 2.0),
    knows("p1", "nobody", 4, 1.0),  # a vertex no table maps
]


def make_warehouse(wh: Path):
    catalog = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
    catalog.create_namespace("lab")
    people = catalog.create_table("lab.people", schema=PEOPLE)
    people.append(pa.Table.from_pylist(PEOPLE_ROWS, schema=people.schema().as_arrow()))
    edges = catalog.create_table("lab.knows", schema=KNOWS)
    edges.append(pa.Table.from_pylist(KNOWS_ROWS, schema=edges.schema().as_arrow()))
    return {"wh": wh, "people": people, "knows": edges}


CONFIG = """\
catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["{url}"], graph: {graph}, username: tigergraph, password: "${{VAL_TG_PASSWORD}}"}}
state: {{url: "{state}"}}
sink: {{bulk_threshold_rows: 1, vertex_must_exist: {must_exist}}}
sync: {{validate: {validate}}}
mappings:
  - table: lab.people
    vertices:
      - type: Person
        id: id
        attributes:
          name: name
          age: age
          score: score
          ratio: ratio
          born: born
          tags: tags
          nums: {{expr: nums, type: "SET<INT>"}}
          attrs: attrs
  - table: lab.knows
    edges:
      - type: KNOWS
        from: {{type: Person, id: src}}
        to: {{type: Person, id: dst}}
        attributes: {{since: since, weight: weight}}
        discriminator: [since]
"""


def write_config(path: Path, wh, url, state, graph="vg", must_exist="false", validate="off") -> Path:
    path.write_text(CONFIG.format(wh=wh, url=url, graph=graph, state=state, must_exist=must_exist,
                                  validate=validate))
    return path
