// Config loading: shape, defaults, ${ENV} interpolation, and exact file:line: path: message errors.
#include "config/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace icegraph::config {
namespace {

using mapping::IsGsqlReservedWord;
using mapping::IsValidGsqlIdentifier;
using mapping::MappingSpec;

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
        attributes: {amount: amount, sold_on: "cast(ordered_at as datetime)", email: "lower(email)"}
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
  EXPECT_EQ(c.pipeline.catalog.type, "sql");
  EXPECT_EQ(c.pipeline.catalog.warehouse, "/tmp/wh");
  EXPECT_EQ(c.pipeline.tigergraph.urls, std::vector<std::string>{"http://127.0.0.1:14240"});
  EXPECT_EQ(c.pipeline.tigergraph.password, "s3cret");
  EXPECT_EQ(c.pipeline.tigergraph.request_timeout_ms, 600000);
  EXPECT_EQ(c.pipeline.tigergraph.concurrency, 4);
  EXPECT_TRUE(c.pipeline.tigergraph.verify_tls);
  EXPECT_EQ(c.pipeline.state_url, "sqlite:///etc/icegraph/.icegraph/state.db");
  EXPECT_EQ(c.pipeline.model.graph, "shop");
  EXPECT_EQ(c.pipeline.sink.mode, sink::SinkOptions::Mode::kBulk);
  EXPECT_EQ(c.pipeline.sink.bulk_threshold_rows, 10);
  EXPECT_EQ(c.pipeline.sink.chunk_bytes, int64_t{8} << 20);
  EXPECT_EQ(c.pipeline.sink.upsert_batch_bytes, int64_t{2} << 20);
  ASSERT_EQ(c.pipeline.model.mappings.size(), 1u);
  const MappingSpec& m = c.pipeline.model.mappings[0];
  EXPECT_EQ(m.table, "shop.purchases");
  EXPECT_EQ(m.where, "amount > 0");
  ASSERT_EQ(m.vertices.size(), 2u);
  EXPECT_EQ(m.vertices[0].id.columns, std::vector<std::string>{"order_id"});
  ASSERT_EQ(m.vertices[0].attributes.size(), 3u);
  EXPECT_EQ(m.vertices[0].attributes[1].name, "sold_on");
  EXPECT_EQ(m.vertices[0].attributes[1].expr, "cast(ordered_at as datetime)");
  EXPECT_EQ(m.vertices[0].attributes[1].loc.line, 9);
  EXPECT_EQ(m.vertices[0].attributes[1].loc.path, "mappings[0].vertices[0].attributes.sold_on");
  EXPECT_EQ(m.vertices[0].defaults.at("email"), "none");
  EXPECT_EQ(m.vertices[1].id.columns, (std::vector<std::string>{"country", "user_id"}));
  EXPECT_EQ(m.vertices[1].id.separator, ":");
  ASSERT_EQ(m.edges.size(), 1u);
  EXPECT_FALSE(m.edges[0].directed);
  EXPECT_EQ(m.edges[0].discriminator, std::vector<std::string>{"at"});
  EXPECT_EQ(m.edges[0].attributes[1].type, "STRING");
  EXPECT_EQ(c.pipeline.model.aliases.size(), 2u);
  EXPECT_EQ(c.pipeline.model.aliases[1], (std::pair<std::string, std::string>{"placed", "PLACED"}));
}

TEST(ConfigTest, SecondsAndMegabytesBecomeTheStagesUnits) {
  const std::string v = "mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n";
  const auto r = ParseConfig(
      "catalog: {type: sql, uri: u}\ntigergraph: {urls: http://h, graph: g, timeout_s: 30, connect_timeout_s: 2, "
      "retry: {request_budget_s: 40, breaker_after_s: 50, max_backoff_ms: 900}}\nsink: {chunk_mb: 0.5}\n" +
          v,
      "cfg.yaml", "/", &FakeEnv);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const sink::TigerGraphOptions& t = r->pipeline.tigergraph;
  EXPECT_EQ(t.request_timeout_ms, 30000);
  EXPECT_EQ(t.connect_timeout_ms, 2000);
  EXPECT_EQ(t.retry.request_budget_ms, 40000);
  EXPECT_EQ(t.retry.breaker_after_ms, 50000);
  EXPECT_EQ(t.retry.max_backoff_ms, 900);
  EXPECT_EQ(t.retry.initial_backoff_ms, 250);
  // A chunk below the upsert request size lowers that too.
  EXPECT_EQ(r->pipeline.sink.chunk_bytes, int64_t{512} << 10);
  EXPECT_EQ(r->pipeline.sink.upsert_batch_bytes, int64_t{512} << 10);
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

TEST(ConfigTest, UnknownKeysAtEveryLevelSuggestTheNearestOne) {
  const std::string v = "mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n";
  ExpectError("sinc: {}\n" + v,
              "icegraph.yaml:3: sinc: unknown key (did you mean 'sink'? allowed: catalog, tigergraph, state, sink, "
              "sync, service, mappings, aliases)");
  const auto r = ParseConfig(
      "catalog: {type: sql, uri: u, warehous: w}\ntigergraph: {urls: http://h, graph: g}\nmappings:\n  - table: t\n    "
      "vertices: [{type: A, id: a}]\n",
      "cfg.yaml", "/", &FakeEnv);
  EXPECT_EQ(r.status().message(),
            "cfg.yaml:1: catalog.warehous: unknown key (did you mean 'warehouse'? allowed: "
            "type, uri, warehouse, name, properties)");
  const auto t = ParseConfig(
      "catalog: {type: sql, uri: u}\ntigergraph: {urls: http://h, graph: g, pasword: x}\nmappings:\n  - table: t\n    "
      "vertices: [{type: A, id: a}]\n",
      "cfg.yaml", "/", &FakeEnv);
  EXPECT_EQ(t.status().message(),
            "cfg.yaml:2: tigergraph.pasword: unknown key (did you mean 'password'? allowed: urls, graph, username, "
            "password, secret, token, verify_tls, ca_bundle, timeout_s, connect_timeout_s, concurrency, retry)");
  ExpectError("state: {uri: x}\n" + v, "icegraph.yaml:3: state.uri: unknown key (did you mean 'url'? allowed: url)");
  ExpectError("sink: {mod: bulk}\n" + v,
              "icegraph.yaml:3: sink.mod: unknown key (did you mean 'mode'? allowed: mode, bulk_threshold_rows, "
              "chunk_mb, vertex_must_exist)");
  ExpectError("sync: {validat: after_sync}\n" + v,
              "icegraph.yaml:3: sync.validat: unknown key (did you mean 'validate'? allowed: on_gap, verify_deletes, "
              "updated_at_column, validate)");
  ExpectError("mappings:\n  - tabel: t\n",
              "icegraph.yaml:4: mappings[0].tabel: unknown key (did you mean 'table'? allowed: table, where, "
              "vertices, edges)");
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: A, id: a, attribute: {}}]\n",
              "icegraph.yaml:5: mappings[0].vertices[0].attribute: unknown key (did you mean 'attributes'? allowed: "
              "type, id, attributes, defaults, owner)");
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: A, id: {column: [a]}}]\n",
              "icegraph.yaml:5: mappings[0].vertices[0].id.column: unknown key (did you mean 'columns'? allowed: "
              "columns, separator)");
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: A, id: a, attributes: {n: {exp: x}}}]\n",
              "icegraph.yaml:5: mappings[0].vertices[0].attributes.n.exp: unknown key (did you mean 'expr'? allowed: "
              "expr, type)");
  ExpectError(
      "mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n    edges:\n"
      "      - {type: E, form: {type: A, id: a}, to: {type: A, id: b}}\n",
      "icegraph.yaml:7: mappings[0].edges[0].form: unknown key (did you mean 'from'? allowed: type, from, to, "
      "attributes, defaults, discriminator, directed, owner)");
  ExpectError(
      "mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n    edges:\n"
      "      - {type: E, from: {typ: A, id: a}, to: {type: A, id: b}}\n",
      "icegraph.yaml:7: mappings[0].edges[0].from.typ: unknown key (did you mean 'type'? allowed: type, id)");
}

TEST(ConfigTest, KeysGivenTwiceAreRefused) {
  const std::string v = "mappings:\n  - table: t\n    vertices: [{type: A, id: a, attributes: {n: x}}]\n";
  ExpectError("sink: {mode: bulk}\nsink: {mode: upsert}\n" + v, "icegraph.yaml:4: sink: given twice (first at line 3)");
  ExpectError(v + "aliases: {as: A, as: A}\n", "icegraph.yaml:6: aliases.as: given twice (first at line 6)");
  ExpectError("mappings:\n  - table: t\n    vertices:\n      - {type: A, id: a, id: b}\n",
              "icegraph.yaml:6: mappings[0].vertices[0].id: given twice (first at line 6)");
  ExpectError(
      "mappings:\n  - table: t\n    vertices:\n      - {type: A, id: a, attributes: {n: x}, defaults: {n: 1, "
      "n: 2}}\n",
      "icegraph.yaml:6: mappings[0].vertices[0].defaults.n: given twice (first at line 6)");
  const auto r = ParseConfig(
      "catalog: {type: rest, uri: u, properties: {a: 1, a: 2}}\ntigergraph: {urls: http://h, graph: g}\nmappings:\n  - "
      "table: t\n    vertices: [{type: A, id: a}]\n",
      "cfg.yaml", "/", &FakeEnv);
  EXPECT_EQ(r.status().message(), "cfg.yaml:1: catalog.properties.a: given twice (first at line 1)");
}

TEST(ConfigTest, InvalidAndMaliciousIdentifiersAreRefusedEverywhere) {
  const auto graph = ParseConfig(
      "catalog: {type: sql, uri: u}\ntigergraph: {urls: http://h, graph: \"x; DROP ALL\"}\nmappings:\n  - table: t\n   "
      " vertices: [{type: A, id: a}]\n",
      "cfg.yaml", "/", &FakeEnv);
  EXPECT_EQ(graph.status().message(),
            "cfg.yaml:2: tigergraph.graph: 'x; DROP ALL' is not a valid identifier ([A-Za-z_][A-Za-z0-9_]*)");
  const std::string bad = "'x; DROP ALL' is not a valid identifier ([A-Za-z_][A-Za-z0-9_]*)";
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: \"x; DROP ALL\", id: a}]\n",
              "icegraph.yaml:5: mappings[0].vertices[0].type: " + bad);
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: A, id: a, attributes: {\"x; DROP ALL\": a}}]\n",
              "icegraph.yaml:5: mappings[0].vertices[0].attributes.x; DROP ALL: " + bad);
  ExpectError(
      "mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n    edges:\n"
      "      - {type: \"x; DROP ALL\", from: {type: A, id: a}, to: {type: A, id: b}}\n",
      "icegraph.yaml:7: mappings[0].edges[0].type: " + bad);
  ExpectError(
      "mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n    edges:\n"
      "      - {type: E, from: {type: \"x; DROP ALL\", id: a}, to: {type: A, id: b}}\n",
      "icegraph.yaml:7: mappings[0].edges[0].from.type: " + bad);
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\naliases: {\"x; DROP ALL\": A}\n",
              "icegraph.yaml:6: aliases.x; DROP ALL: 'x; DROP ALL' is not a valid alias ([A-Za-z0-9_-]+)");
  // Reserved words in any case, and the reserved prefix gsql_sys_.
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: Vertex, id: a}]\n",
              "icegraph.yaml:5: mappings[0].vertices[0].type: 'Vertex' is a GSQL reserved word");
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: gsql_sys_x, id: a}]\n",
              "icegraph.yaml:5: mappings[0].vertices[0].type: 'gsql_sys_x' is a GSQL reserved word");
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: A, id: a, attributes: {day: a}}]\n",
              "icegraph.yaml:5: mappings[0].vertices[0].attributes.day: 'day' is a GSQL reserved word");
}

TEST(ConfigTest, DuplicateNamesAreRefused) {
  ExpectError("mappings:\n  - table: t\n    vertices: [{type: A, id: a}, {type: B, id: b}]\naliases: {A: B}\n",
              "icegraph.yaml:6: aliases.A: 'A' is the name of a mapped type; it cannot be an alias of 'B'");
  ExpectError(
      "mappings:\n  - table: s.a_b\n    vertices: [{type: A, id: a}]\n  - table: s_a.b\n"
      "    vertices: [{type: B, id: b}]\n",
      "icegraph.yaml:6: mappings[1].table: tables 's.a_b' (line 4) and 's_a.b' both get the loading job name "
      "icegraph_s_a_b");
}

TEST(ConfigTest, SyncValidate) {
  const std::string v = "mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n";
  EXPECT_FALSE(Parse(v)->pipeline.sync.validate_after_sync);
  EXPECT_TRUE(Parse("sync: {validate: after_sync}\n" + v)->pipeline.sync.validate_after_sync);
  EXPECT_FALSE(Parse("sync: {validate: \"off\"}\n" + v)->pipeline.sync.validate_after_sync);
  ExpectError("sync: {validate: always}\n" + v,
              "icegraph.yaml:3: sync.validate: must be after_sync or off, got 'always'");
}

// sync.verify_deletes has no effect (every delete is checked against the table's other rows): older files that set
// it still load, and a value of the wrong type is still refused by name.
TEST(ConfigTest, VerifyDeletesIsAcceptedAndIgnored) {
  const std::string v = "mappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n";
  EXPECT_TRUE(Parse("sync: {verify_deletes: false}\n" + v).ok());
  ExpectError("sync: {verify_deletes: sometimes}\n" + v,
              "icegraph.yaml:3: sync.verify_deletes: expected true or false, got 'sometimes'");
}

TEST(ConfigTest, SecretsAreNeverQuotedInErrors) {
  const auto pw = ParseConfig(
      "catalog: {type: sql, uri: u}\ntigergraph: {urls: http://h, graph: g, password: "
      "\"hunter2${oops\"}\nmappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n",
      "cfg.yaml", "/", &FakeEnv);
  EXPECT_EQ(pw.status().message(),
            "cfg.yaml:2: tigergraph.password: invalid ${...} in the value (not shown: it is a secret)");
  const auto state =
      Parse("state: {url: \"mysql://u:hunter2@h/db\"}\nmappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n");
  EXPECT_EQ(state.status().message(),
            "icegraph.yaml:3: state.url: must start with sqlite://, postgresql:// or postgres://");
  const auto missing = ParseConfig(
      "catalog: {type: sql, uri: u}\ntigergraph: {urls: http://h, graph: g, token: \"${NOPE}\"}\nmappings:\n  - table: "
      "t\n    vertices: [{type: A, id: a}]\n",
      "cfg.yaml", "/", &FakeEnv);
  EXPECT_EQ(missing.status().message(),
            "cfg.yaml:2: tigergraph.token: environment variable NOPE is not set (write ${NOPE:-default} for a "
            "default)");
}

TEST(ConfigTest, CaBundleIsRelativeToTheConfigAndMustBeReadable) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "icegraph_config_test_ca";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ca.pem") << "-----BEGIN CERTIFICATE-----\n";
  const std::string body = "catalog: {type: sql, uri: u}\ntigergraph: {urls: https://h, graph: g, ca_bundle: ";
  const std::string tail = "}\nmappings:\n  - table: t\n    vertices: [{type: A, id: a}]\n";
  const auto ok = ParseConfig(body + "ca.pem" + tail, "cfg.yaml", dir.string(), &FakeEnv);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->pipeline.tigergraph.ca_bundle, (dir / "ca.pem").string());
  EXPECT_TRUE(ok->pipeline.tigergraph.verify_tls);
  const auto missing = ParseConfig(body + "nope.pem" + tail, "cfg.yaml", dir.string(), &FakeEnv);
  EXPECT_EQ(missing.status().message(),
            "cfg.yaml:2: tigergraph.ca_bundle: cannot read '" + (dir / "nope.pem").string() + "'");
  std::filesystem::remove_all(dir);
}

TEST(ConfigTest, TopLevelErrors) {
  const auto r = ParseConfig("catalog: {type: glue}\ntigergraph: {urls: http://h, graph: g}\nmappings: []\n",
                             "cfg.yaml", "/", &FakeEnv);
  EXPECT_EQ(r.status().message(), "cfg.yaml:1: catalog.type: must be sql, rest or hadoop, got 'glue'");
  const auto r2 = ParseConfig("extra: 1\n", "cfg.yaml", "/", &FakeEnv);
  EXPECT_EQ(
      r2.status().message(),
      "cfg.yaml:1: extra: unknown key (allowed: catalog, tigergraph, state, sink, sync, service, mappings, aliases)");
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
  EXPECT_FALSE(IsValidGsqlIdentifier("x; DROP ALL"));
  EXPECT_FALSE(IsValidGsqlIdentifier("GSQL_SYS_x"));
  EXPECT_FALSE(IsValidGsqlIdentifier("Hour"));
  EXPECT_TRUE(IsGsqlReservedWord("token"));
  EXPECT_FALSE(IsGsqlReservedWord("Person"));
}

TEST(ConfigTest, LoadsTheEcommerceExample) {
  const std::filesystem::path example = std::filesystem::path(ICEGRAPH_SOURCE_DIR) / "examples/ecommerce/icegraph.yaml";
  const auto r = LoadConfig(example.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pipeline.model.mappings.size(), 3u);
  EXPECT_EQ(r->pipeline.model.aliases.size(), 3u);
}

}  // namespace
}  // namespace icegraph::config
