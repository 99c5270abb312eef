// Config loading: shape, defaults, ${ENV} interpolation, and exact file:line: path: message errors.
#include "mapping/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace icegraph::mapping {
namespace {

std::optional<std::string> FakeEnv(const std::string& name) {
  if (name == "TG_PASSWORD") return std::string("s3cret");
  if (name == "EMPTY") return std::string();
  return std::nullopt;
}

constexpr const char* kHead = R"(catalog: {type: sql, uri: "sqlite:///tmp/cat.db", warehouse: /tmp/wh}
tigergraph: {urls: [http://127.0.0.1:14240], graph: shop, password: "${TG_PASSWORD}"}
)";

Result<Config> Parse(const std::string& body) {
  return ParseConfig(std::string(kHead) + body, "icegraph.yaml", "/etc/icegraph", &FakeEnv);
}

void ExpectError(const std::string& body, const std::string& message) {
  const auto r = Parse(body);
  ASSERT_FALSE(r.ok()) << body;
  EXPECT_EQ(r.status().message(), message);
}

constexpr const char* kShop = R"yaml(mappings:
  - table: shop.purchases
    where: "amount > 0"
    vertices:
      - type: Sale
        id: order_id
        attributes: {amount: amount, day: "cast(ordered_at as datetime)", email: "lower(email)"}
        defaults: {email: "none"}
      - type: User
        id: {columns: [country, user_id], separator: ":"}
    edges:
      - type: PLACED
        from: {type: User, id: user_id}
        to: {type: Sale, id: order_id}
        attributes: {at: ordered_at, price: {expr: amount, type: string}}
        discriminator: [at]
        directed: false
aliases: {orders: Sale, placed: PLACED}
)yaml";

TEST(ConfigTest, ParsesAFullConfig) {
  const auto r = Parse(std::string(kShop) + "sink: {mode: bulk, bulk_threshold_rows: 10, chunk_mb: 8}\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Config& c = *r;
  EXPECT_EQ(c.catalog.type, "sql");
  EXPECT_EQ(c.catalog.warehouse, "/tmp/wh");
  EXPECT_EQ(c.tigergraph.urls, std::vector<std::string>{"http://127.0.0.1:14240"});
  EXPECT_EQ(c.tigergraph.password, "s3cret");
  EXPECT_EQ(c.tigergraph.timeout_s, 600);
  EXPECT_EQ(c.tigergraph.concurrency, 4);
  EXPECT_TRUE(c.tigergraph.verify_tls);
  EXPECT_EQ(c.state.url, "sqlite:///etc/icegraph/.icegraph/state.db");
  EXPECT_EQ(c.sink.mode, SinkMode::kBulk);
  EXPECT_EQ(c.sink.bulk_threshold_rows, 10);
  EXPECT_EQ(c.sink.chunk_mb, 8);
  ASSERT_EQ(c.mappings.size(), 1u);
  const MappingSpec& m = c.mappings[0];
  EXPECT_EQ(m.table, "shop.purchases");
  EXPECT_EQ(m.where, "amount > 0");
  ASSERT_EQ(m.vertices.size(), 2u);
  EXPECT_EQ(m.vertices[0].id.columns, std::vector<std::string>{"order_id"});
  ASSERT_EQ(m.vertices[0].attributes.size(), 3u);
  EXPECT_EQ(m.vertices[0].attributes[1].name, "day");
  EXPECT_EQ(m.vertices[0].attributes[1].expr, "cast(ordered_at as datetime)");
  EXPECT_EQ(m.vertices[0].attributes[1].loc.line, 9);
  EXPECT_EQ(m.vertices[0].attributes[1].loc.path, "mappings[0].vertices[0].attributes.day");
  EXPECT_EQ(m.vertices[0].defaults.at("email"), "none");
  EXPECT_EQ(m.vertices[1].id.columns, (std::vector<std::string>{"country", "user_id"}));
  EXPECT_EQ(m.vertices[1].id.separator, ":");
  ASSERT_EQ(m.edges.size(), 1u);
  EXPECT_FALSE(m.edges[0].directed);
  EXPECT_EQ(m.edges[0].discriminator, std::vector<std::string>{"at"});
  EXPECT_EQ(m.edges[0].attributes[1].type, "STRING");
  EXPECT_EQ(c.aliases.size(), 2u);
  EXPECT_EQ(c.aliases[1], (std::pair<std::string, std::string>{"placed", "PLACED"}));
}

TEST(ConfigTest, EnvInterpolation) {
  EXPECT_EQ(*InterpolateEnv("a${TG_PASSWORD}b", &FakeEnv), "as3cretb");
  EXPECT_EQ(*InterpolateEnv("${NOPE:-fallback}", &FakeEnv), "fallback");
  EXPECT_EQ(*InterpolateEnv("${EMPTY:-x}", &FakeEnv), "x");
  EXPECT_EQ(*InterpolateEnv("${EMPTY}", &FakeEnv), "");
  EXPECT_EQ(*InterpolateEnv("$${literal}", &FakeEnv), "${literal}");
  EXPECT_EQ(InterpolateEnv("${NOPE}", &FakeEnv).status().message(),
            "environment variable NOPE is not set (write ${NOPE:-default} for a default)");
  EXPECT_EQ(InterpolateEnv("${OPEN", &FakeEnv).status().message(), "unterminated ${...} in '${OPEN'");
}

TEST(ConfigTest, ErrorsNameFileLineAndPath) {
  ExpectError(
      "mappings:\n  - table: t\n    vertices:\n      - {type: User, id: u, colour: red}\n",
      "icegraph.yaml:6: mappings[0].vertices[0].colour: unknown key (allowed: type, id, attributes, defaults, owner)");
  ExpectError("mappings:\n  - table: t\n    vertices:\n      - {type: User}\n",
              "icegraph.yaml:6: mappings[0].vertices[0].id: required");
  ExpectError("mappings:\n  - table: t\n    vertices:\n      - {type: SELECT, id: u}\n",
              "icegraph.yaml:6: mappings[0].vertices[0].type: 'SELECT' is a GSQL reserved word");
  ExpectError("mappings:\n  - table: t\n    vertices:\n      - {type: \"Us er\", id: u}\n",
              "icegraph.yaml:6: mappings[0].vertices[0].type: 'Us er' is not a valid identifier "
              "([A-Za-z_][A-Za-z0-9_]*)");
  ExpectError(
      "mappings:\n  - table: t\n    vertices:\n      - type: User\n        id: u\n        attributes: "
      "{\"x);DROP\": a}\n",
      "icegraph.yaml:8: mappings[0].vertices[0].attributes.x);DROP: 'x);DROP' is not a valid identifier "
      "([A-Za-z_][A-Za-z0-9_]*)");
  ExpectError("mappings:\n  - table: t\n    vertices:\n      - {type: User, id: u, attributes: {n: \"${NOPE}\"}}\n",
              "icegraph.yaml:6: mappings[0].vertices[0].attributes.n: environment variable NOPE is not set (write "
              "${NOPE:-default} for a default)");
  ExpectError(
      "mappings:\n  - table: t\n    edges:\n      - type: E\n        from: {type: A, id: a}\n"
      "        to: {type: B, id: b}\n",
      "icegraph.yaml:7: mappings[0].edges[0].from.type: vertex type 'A' is not mapped by any table");
  ExpectError(
      "mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n    edges:\n      - type: A\n"
      "        from: {type: A, id: a}\n        to: {type: A, id: b}\n",
      "icegraph.yaml:7: mappings[0].edges[0]: 'A' is mapped as a vertex type (line 5) and as an edge type");
  ExpectError(
      "mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n    edges:\n"
      "      - {type: E, from: {type: A, id: a}, to: {type: A, id: b}}\n"
      "  - table: u\n    edges:\n      - {type: E, from: {type: A, id: a}, to: {type: A, id: b}, directed: "
      "false}\n",
      "icegraph.yaml:10: mappings[1].edges[0]: edge type 'E' is defined differently at line 7 (from/to, "
      "directed, attributes and discriminator must match)");
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\naliases: {as: Nope}\n",
              "icegraph.yaml:6: aliases.as: 'Nope' is not a mapped vertex or edge type");
  ExpectError(
      "mappings:\n  - table: t\n    vertices:\n      - {type: A, id: a, attributes: {n: {expr: x, type: "
      "TEXT}}}\n",
      "icegraph.yaml:6: mappings[0].vertices[0].attributes.n.type: unknown TigerGraph type 'TEXT' (INT, UINT, "
      "FLOAT, DOUBLE, BOOL, STRING, DATETIME, LIST<e>, SET<e>, MAP<k, v>)");
  ExpectError(
      "mappings:\n  - table: t\n    edges:\n"
      "      - {type: E, from: {type: A, id: a}, to: {type: A, id: b}, discriminator: [x]}\n",
      "icegraph.yaml:6: mappings[0].edges[0].discriminator[0]: 'x' is not an attribute of this edge");
  ExpectError("mappings: []\n", "icegraph.yaml:3: mappings: expected a non-empty list of table mappings");
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: A, id: a, attributes: {id: a}}]\n",
              "icegraph.yaml:5: mappings[0].vertices[0].attributes.id: 'id' is the primary id attribute; choose "
              "another name");
  ExpectError("sink: {mode: fast}\nmappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n",
              "icegraph.yaml:3: sink.mode: must be auto, bulk or upsert, got 'fast'");
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: A, id: a}\n",
              "icegraph.yaml:6: end of sequence flow not found");
}

TEST(ConfigTest, TopLevelErrors) {
  const auto r = ParseConfig("catalog: {type: glue}\ntigergraph: {urls: http://h, graph: g}\nmappings: []\n",
                             "cfg.yaml", "/", &FakeEnv);
  EXPECT_EQ(r.status().message(), "cfg.yaml:1: catalog.type: must be sql, rest or hadoop, got 'glue'");
  const auto r2 = ParseConfig("extra: 1\n", "cfg.yaml", "/", &FakeEnv);
  EXPECT_EQ(r2.status().message(),
            "cfg.yaml:1: extra: unknown key (allowed: catalog, tigergraph, state, sink, sync, mappings, aliases)");
  const auto r3 = ParseConfig(std::string(kHead), "cfg.yaml", "/", &FakeEnv);
  EXPECT_EQ(r3.status().message(), "cfg.yaml:1: mappings: required");
}

TEST(ConfigTest, IdentifierRules) {
  EXPECT_TRUE(IsValidGsqlIdentifier("User_1"));
  EXPECT_TRUE(IsValidGsqlIdentifier("_x"));
  EXPECT_FALSE(IsValidGsqlIdentifier("1x"));
  EXPECT_FALSE(IsValidGsqlIdentifier("vertex"));
  EXPECT_FALSE(IsValidGsqlIdentifier("a-b"));
  EXPECT_FALSE(IsValidGsqlIdentifier(""));
  EXPECT_FALSE(IsValidGsqlIdentifier("caf\xc3\xa9"));
}

TEST(ConfigTest, LoadsTheEcommerceExample) {
  const std::filesystem::path example =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "examples/ecommerce/icegraph.yaml";
  const auto r = LoadConfig(example.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->mappings.size(), 3u);
  EXPECT_EQ(r->aliases.size(), 3u);
}

}  // namespace
}  // namespace icegraph::mapping
