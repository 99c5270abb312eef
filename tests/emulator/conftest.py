"""Fixtures for the emulator conformance suite: a graph created through pyTigerGraph's own gsql()."""
import pytest
import pyTigerGraph as tg

SHOP_SCHEMA = """
CREATE VERTEX User (PRIMARY_ID id STRING, name STRING, age INT, score DOUBLE, active BOOL, joined DATETIME, tags SET<STRING>) WITH primary_id_as_attribute="true"
CREATE VERTEX Product (PRIMARY_ID id STRING, name STRING, price DOUBLE DEFAULT 1.5)
CREATE UNDIRECTED EDGE PURCHASED (FROM User, TO Product, amount DOUBLE, ordered_at DATETIME)
CREATE DIRECTED EDGE FOLLOWS (FROM User, TO User, since DATETIME) WITH REVERSE_EDGE="FOLLOWED_BY"
CREATE GRAPH shop (User, Product, PURCHASED, FOLLOWS)
CREATE LOADING JOB load_users FOR GRAPH shop {
  DEFINE FILENAME f;
  LOAD f TO VERTEX User VALUES ($"id", $"name", $"age", $"score", $"active", $"joined", _) USING SEPARATOR=",", HEADER="true", QUOTE="double";
}
CREATE LOADING JOB load_purchases FOR GRAPH shop {
  DEFINE FILENAME f;
  LOAD f TO EDGE PURCHASED VALUES ($0, $1, $2, $3) USING SEPARATOR="|";
}
CREATE LOADING JOB load_purchases_df FOR GRAPH shop {
  DEFINE FILENAME f;
  LOAD f TO EDGE PURCHASED VALUES ($1, $2, $3, $4) USING SEPARATOR=",";
}
CREATE LOADING JOB delete_users FOR GRAPH shop {
  DEFINE FILENAME f;
  DELETE VERTEX User (PRIMARY_ID $0) FROM f;
}
"""


def connect(emu, graph="shop", **kw) -> tg.TigerGraphConnection:
    return tg.TigerGraphConnection(host="http://127.0.0.1", graphname=graph, username=emu.user,
                                   password=emu.password, restppPort=emu.port, gsPort=emu.port, **kw)


@pytest.fixture
def shop(emulator):
    """An emulator with the shop schema created through pyTigerGraph's gsql(), and a connection to it."""
    conn = connect(emulator)
    out = conn.gsql(SHOP_SCHEMA)
    assert "Successfully created vertex types: [User]." in out, out
    assert "The graph shop is created." in out, out
    assert "Successfully created loading jobs: [load_users]." in out, out
    return conn
