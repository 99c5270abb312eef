"""The small warehouse of scripts/check_wheel_fresh_debian.sh: DIR/warehouse (SQL catalog on SQLite, written by
pyiceberg) with social.users and social.follows, and DIR/icegraph.yaml (the README's quick-start mapping) pointing at
an emulator on PORT. `create` makes both; `append` adds one follows row (a new snapshot for the incremental sync)."""
import sys

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import NestedField, StringType

USERS = Schema(NestedField(1, "user_id", StringType()), NestedField(2, "name", StringType()),
               NestedField(3, "country", StringType()))
FOLLOWS = Schema(NestedField(1, "follower_id", StringType()), NestedField(2, "followee_id", StringType()))
CONFIG = """catalog: {{type: sql, uri: "sqlite:///{wh}/catalog.db", warehouse: "file://{wh}"}}
tigergraph: {{urls: ["http://127.0.0.1:{port}"], graph: social, username: tigergraph, password: "${{TG_PASSWORD}}"}}
mappings:
  - table: social.users
    vertices:
      - {{type: User, id: user_id, attributes: {{name: name, country: "coalesce(country, 'unknown')"}}}}
  - table: social.follows
    edges:
      - {{type: FOLLOWS, from: {{type: User, id: follower_id}}, to: {{type: User, id: followee_id}}}}
"""


def main(directory: str, port: str, action: str) -> None:
    wh = f"{directory}/warehouse"
    if action == "create":
        import os
        os.makedirs(wh, exist_ok=True)
        with open(f"{directory}/icegraph.yaml", "w") as f:
            f.write(CONFIG.format(wh=wh, port=port))
    catalog = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
    if action == "create":
        catalog.create_namespace("social")
        users = [{"user_id": f"u{i}", "name": f"User {i}", "country": None if i % 4 == 0 else "FR"} for i in range(100)]
        catalog.create_table("social.users", USERS).append(pa.Table.from_pylist(users, schema=USERS.as_arrow()))
        follows = [{"follower_id": f"u{i}", "followee_id": f"u{(i * 7 + 1) % 100}"} for i in range(100)]
        catalog.create_table("social.follows", FOLLOWS).append(pa.Table.from_pylist(follows, schema=FOLLOWS.as_arrow()))
    else:
        catalog.load_table("social.follows").append(
            pa.Table.from_pylist([{"follower_id": "u1", "followee_id": "u99"}], schema=FOLLOWS.as_arrow()))


if __name__ == "__main__":
    main(*sys.argv[1:4])
