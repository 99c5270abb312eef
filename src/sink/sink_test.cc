#include "sink/sink.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <set>

#include "sink/csv_writer.h"
#include "sink/sink_test_util.h"

namespace icegraph::sink {
namespace {

using json = nlohmann::json;
using mapping::TgKind;
using namespace testing;  // NOLINT(google-build-using-namespace)

constexpr const char* kSchema = R"(
CREATE VERTEX Person (PRIMARY_ID id STRING, i INT, u UINT, d DOUBLE, b BOOL, s STRING, dt DATETIME,
                      li LIST<INT>, ss SET<STRING>, m MAP<STRING, INT>)
CREATE VERTEX Item (PRIMARY_ID id STRING, i INT, d DOUBLE, b BOOL, s STRING, dt DATETIME)
CREATE VERTEX Num (PRIMARY_ID id INT, s STRING)
CREATE DIRECTED EDGE Visit (FROM Person, TO Item, DISCRIMINATOR(day DATETIME), n INT, note STRING)
CREATE GRAPH g (Person, Item, Num, Visit)
)";

class SinkEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = MakeClient([](TigerGraphOptions& o) {
      o.username = "tigergraph";
      o.password = "tigergraph";
    });
    auto out = client_->RunGsql(kSchema);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    for (const auto& [job, load] : std::vector<std::pair<std::string, Result<std::string>>>{
             {"load_item", LoadingJobFor("g", "load_item", "f", false, "Item", {"i", "d", "b", "s", "dt"},
                                         {"i", "d", "b", "s", "dt"})},
             {"load_num", LoadingJobFor("g", "load_num", "f", false, "Num", {"s"}, {"s"})},
             {"load_visit",
              LoadingJobFor("g", "load_visit", "f", true, "Visit", {"day", "n", "note"}, {"day", "n", "note"})}}) {
      ASSERT_TRUE(load.ok());
      auto r = client_->RunGsql(*load);
      ASSERT_TRUE(r.ok()) << job << ": " << r.status().ToString();
    }
  }

  std::unique_ptr<TigerGraphClient> MakeClient(const std::function<void(TigerGraphOptions&)>& auth) {
    TigerGraphOptions o;
    o.urls = {emu_.url()};
    o.graph = "g";
    o.concurrency = 4;
    auth(o);
    auto c = TigerGraphClient::Make(o);
    EXPECT_TRUE(c.ok());
    return std::move(c).ValueOrDie();
  }

  static void Register(GraphSink& sink) {
    sink.RegisterLoadingJob("t/vertex:Item", false, "load_item", "f");
    sink.RegisterLoadingJob("t/vertex:Num", false, "load_num", "f");
    sink.RegisterLoadingJob("t/edge:Visit", true, "load_visit", "f");
  }

  std::map<std::string, json> Vertices(const std::string& type) {
    auto r = client_->GetVertices(type);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::map<std::string, json> out;
    for (const json& v : *r) out[v["v_id"].get<std::string>()] = v["attributes"];
    return out;
  }

  RunningEmulator emu_;
  std::unique_ptr<TigerGraphClient> client_;
};

const std::vector<std::string> kNasty = {"plain",         "a,b", "say \"hi\"",  "line1\nline2", "tab\there",
                                         "emoji 😀 and é", "",    "back\\slash", "ctl\001char"};

mapping::VertexBatch ItemBatch(int64_t n, int64_t offset = 0) {
  std::vector<std::optional<std::string>> ids, s;
  std::vector<std::optional<int64_t>> i, dt;
  std::vector<std::optional<double>> d;
  std::vector<std::optional<bool>> b;
  for (int64_t k = 0; k < n; ++k) {
    ids.emplace_back("item" + std::to_string(k + offset));
    s.emplace_back(kNasty[static_cast<size_t>(k) % kNasty.size()] + (k % kNasty.size() == 6 ? "" : std::to_string(k)));
    i.emplace_back(k * 7 - 3);
    dt.emplace_back(1700000000 + k);
    d.emplace_back(static_cast<double>(k) + 0.5);
    b.emplace_back(k % 2 == 0);
  }
  // The string of the "" entry stays empty, so those rows go through JSON.
  for (size_t k = 0; k < s.size(); ++k) {
    if (k % kNasty.size() == 6) s[k] = "";
  }
  mapping::VertexBatch batch;
  batch.type = "Item";
  batch.ids = Strs(ids);
  batch.attributes = {Col("i", TgKind::kInt, Ints(i)), Col("d", TgKind::kDouble, Doubles(d)),
                      Col("b", TgKind::kBool, Bools(b)), Col("s", TgKind::kString, Strs(s)),
                      Col("dt", TgKind::kDatetime, Times(dt))};
  return batch;
}

void ExpectItems(const std::map<std::string, json>& got, const mapping::VertexBatch& batch) {
  ASSERT_EQ(got.size(), static_cast<size_t>(batch.length()));
  const auto& ids = static_cast<const arrow::StringArray&>(*batch.ids);
  const auto& i = static_cast<const arrow::Int64Array&>(*batch.attributes[0].values);
  const auto& d = static_cast<const arrow::DoubleArray&>(*batch.attributes[1].values);
  const auto& b = static_cast<const arrow::BooleanArray&>(*batch.attributes[2].values);
  const auto& s = static_cast<const arrow::StringArray&>(*batch.attributes[3].values);
  const auto& dt = static_cast<const arrow::TimestampArray&>(*batch.attributes[4].values);
  for (int64_t k = 0; k < batch.length(); ++k) {
    const auto it = got.find(std::string(ids.GetView(k)));
    ASSERT_NE(it, got.end()) << ids.GetView(k);
    const json& a = it->second;
    EXPECT_EQ(a["i"].get<int64_t>(), i.Value(k));
    EXPECT_DOUBLE_EQ(a["d"].get<double>(), d.Value(k));
    EXPECT_EQ(a["b"].get<bool>(), b.Value(k));
    EXPECT_EQ(a["s"].get<std::string>(), std::string(s.GetView(k))) << k;
    std::string when;
    AppendDatetime(dt.Value(k), &when);
    EXPECT_EQ(a["dt"].get<std::string>(), when);
  }
}

TEST_F(SinkEmulatorTest, BulkAndUpsertPathsStoreExactlyTheSameValues) {
  for (const auto mode : {SinkOptions::Mode::kBulk, SinkOptions::Mode::kUpsert}) {
    SinkOptions opts;
    opts.mode = mode;
    GraphSink sink(*client_, opts);
    Register(sink);
    const mapping::VertexBatch batch = ItemBatch(900, mode == SinkOptions::Mode::kBulk ? 0 : 10000);
    ASSERT_TRUE(sink.WriteVertices(batch, "t/vertex:Item").ok());
    auto report = sink.Flush();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->vertices["Item"].sent, 900);
    EXPECT_EQ(report->vertices["Item"].accepted, 900);
    EXPECT_TRUE(report->dead_letters.empty());
    if (mode == SinkOptions::Mode::kBulk) {
      EXPECT_EQ(report->upsert_rows, 100);  // the 1 in 9 rows with an empty string
      EXPECT_EQ(report->bulk_rows, 800);
    } else {
      EXPECT_EQ(report->upsert_rows, 900);
    }
    std::map<std::string, json> got;
    for (auto& [id, a] : Vertices("Item")) {
      if ((mode == SinkOptions::Mode::kBulk) == (id.size() < 9)) got[id] = a;  // ids of this round
    }
    ExpectItems(got, batch);
  }
}

TEST_F(SinkEmulatorTest, NullsKeepStoredValuesAndCollectionsRoundTrip) {
  GraphSink sink(*client_, {});
  mapping::VertexBatch p;
  p.type = "Person";
  p.ids = Strs({"p1", "p2"});
  p.attributes = {Col("i", TgKind::kInt, Ints({-5, 6})),
                  Col("u", TgKind::kUint, Uints({18446744073709551615ULL, 1})),
                  Col("d", TgKind::kDouble, Doubles({0.1, 2.5})),
                  Col("b", TgKind::kBool, Bools({true, false})),
                  Col("s", TgKind::kString, Strs({"a,\"b\"\n\t😀", ""})),
                  Col("dt", TgKind::kDatetime, Times({86400, 0})),
                  Col("li", TgKind::kList, IntLists({{{3, 1, 3}}, {{}}}), TgKind::kInt),
                  Col("ss", TgKind::kSet, StrLists({{{"x", "y"}}, std::nullopt})),
                  Col("m", TgKind::kMap, StrIntMaps({{{{"k", 1}}}, std::nullopt}), TgKind::kString, TgKind::kInt)};
  ASSERT_TRUE(sink.WriteVertices(p, "t/vertex:Person").ok());
  ASSERT_TRUE(sink.Flush().ok());
  // All nulls: nothing may change.
  mapping::VertexBatch nulls;
  nulls.type = "Person";
  nulls.ids = Strs({"p1"});
  nulls.attributes = {Col("i", TgKind::kInt, Ints({std::nullopt})), Col("s", TgKind::kString, Strs({std::nullopt})),
                      Col("li", TgKind::kList, IntLists({std::nullopt}), TgKind::kInt)};
  ASSERT_TRUE(sink.WriteVertices(nulls, "t/vertex:Person").ok());
  auto report = sink.Flush();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto got = Vertices("Person");
  ASSERT_EQ(got.size(), 2u);
  const json& a = got["p1"];
  EXPECT_EQ(a["i"], -5);
  EXPECT_EQ(a["u"].get<uint64_t>(), 18446744073709551615ULL);
  EXPECT_DOUBLE_EQ(a["d"].get<double>(), 0.1);
  EXPECT_EQ(a["b"], true);
  EXPECT_EQ(a["s"], "a,\"b\"\n\t😀");
  EXPECT_EQ(a["dt"], "1970-01-02 00:00:00");
  EXPECT_EQ(a["li"], json::parse("[3,1,3]"));
  EXPECT_EQ(a["ss"], json::parse(R"(["x","y"])"));
  EXPECT_EQ(a["m"], json::parse(R"({"k":1})"));
  EXPECT_EQ(got["p2"]["s"], "");
  EXPECT_EQ(got["p2"]["ss"], json::array());
}

TEST_F(SinkEmulatorTest, DiscriminatedMultiEdgesBothPaths) {
  for (const auto mode : {SinkOptions::Mode::kUpsert, SinkOptions::Mode::kBulk}) {
    SinkOptions opts;
    opts.mode = mode;
    GraphSink sink(*client_, opts);
    Register(sink);
    const std::string p = mode == SinkOptions::Mode::kBulk ? "pb" : "pu";
    mapping::EdgeBatch e;
    e.type = "Visit";
    e.from_type = "Person";
    e.to_type = "Item";
    e.from_ids = Strs({p, p, p, p});
    e.to_ids = Strs({"c1", "c1", "c2", "c1"});
    e.attributes = {Col("day", TgKind::kDatetime, Times({0, 86400, 0, 0})), Col("n", TgKind::kInt, Ints({1, 2, 3, 4})),
                    Col("note", TgKind::kString, Strs({"x,y", "two\nlines", "z", "again"}))};
    e.discriminator = {"day"};
    ASSERT_TRUE(sink.WriteEdges(e, "t/edge:Visit").ok());
    auto report = sink.Flush();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->edges["Visit"].accepted, 4);
    auto edges = client_->GetEdges("Person", p, "Visit");
    ASSERT_TRUE(edges.ok()) << edges.status().ToString();
    std::set<std::string> got;
    for (const json& x : *edges) {
      got.insert(x["to_id"].get<std::string>() + "|" + x["attributes"]["day"].get<std::string>() + "|" +
                 std::to_string(x["attributes"]["n"].get<int64_t>()) + "|" +
                 x["attributes"]["note"].get<std::string>());
    }
    // Row 3 repeats row 0's edge (same pair and day) later, so its values win.
    EXPECT_EQ(got, (std::set<std::string>{"c1|1970-01-01 00:00:00|4|again", "c1|1970-01-02 00:00:00|2|two\nlines",
                                          "c2|1970-01-01 00:00:00|3|z"}));
  }
}

TEST_F(SinkEmulatorTest, RefusedRowsBecomeExactDeadLetters) {
  for (const auto mode : {SinkOptions::Mode::kBulk, SinkOptions::Mode::kUpsert}) {
    SinkOptions opts;
    opts.mode = mode;
    GraphSink sink(*client_, opts);
    Register(sink);
    std::vector<std::optional<std::string>> ids, s;
    for (int k = 0; k < 200; ++k) {
      ids.emplace_back(k == 17 ? "abc" : (k == 150 ? "9x" : std::to_string(k)));
      s.emplace_back("s" + std::to_string(k));
    }
    mapping::VertexBatch b;
    b.type = "Num";
    b.ids = Strs(ids);
    b.attributes = {Col("s", TgKind::kString, Strs(s))};
    ASSERT_TRUE(sink.WriteVertices(b, "t/vertex:Num").ok());
    auto report = sink.Flush();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_EQ(report->dead_letters.size(), 2u);
    std::set<std::string> keys;
    for (const mapping::DeadLetter& d : report->dead_letters) {
      keys.insert(d.row_key);
      EXPECT_EQ(d.mapping, "t/vertex:Num");
      EXPECT_EQ(d.reason_code, "tg_rejected");
      if (mode == SinkOptions::Mode::kBulk) {
        EXPECT_NE(d.message.find("invalidPrimaryId"), std::string::npos) << d.message;
      }
      EXPECT_NE(d.row_json.find("\"id\":\"" + d.row_key + "\""), std::string::npos);
    }
    EXPECT_EQ(keys, (std::set<std::string>{"abc", "9x"}));
    EXPECT_EQ(report->vertices["Num"].accepted, 198);
    auto count = client_->CountVertices("Num");
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(*count, 198);
  }
}

TEST_F(SinkEmulatorTest, VertexMustExistSkipsBecomeDeadLetters) {
  SinkOptions opts;
  opts.vertex_must_exist = true;
  GraphSink sink(*client_, opts);
  mapping::VertexBatch v;
  v.type = "Person";
  v.ids = Strs({"here"});
  ASSERT_TRUE(sink.WriteVertices(v, "t/vertex:Person").ok());
  mapping::VertexBatch items = ItemBatch(3);
  ASSERT_TRUE(sink.WriteVertices(items, "t/vertex:Item").ok());
  ASSERT_TRUE(sink.Flush().ok());
  mapping::EdgeBatch e;
  e.type = "Visit";
  e.from_type = "Person";
  e.to_type = "Item";
  e.from_ids = Strs({"here", "ghost", "here", "here"});
  e.to_ids = Strs({"item0", "item1", "nowhere", "item2"});
  e.attributes = {Col("day", TgKind::kDatetime, Times({0, 0, 0, 0}))};
  e.discriminator = {"day"};
  ASSERT_TRUE(sink.WriteEdges(e, "t/edge:Visit").ok());
  auto report = sink.Flush();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::set<std::string> keys;
  for (const auto& d : report->dead_letters) {
    keys.insert(d.row_key);
    EXPECT_EQ(d.reason_code, "tg_missing_vertex");
  }
  EXPECT_EQ(keys, (std::set<std::string>{"ghost->item1", "here->nowhere"}));
  auto n = client_->CountEdges("Visit");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
}

TEST_F(SinkEmulatorTest, ManyChunksFromSeveralThreads) {
  SinkOptions opts;
  opts.mode = SinkOptions::Mode::kAuto;
  opts.bulk_threshold_rows = 1000;
  opts.chunk_bytes = 32 << 10;
  opts.upsert_batch_bytes = 16 << 10;
  GraphSink sink(*client_, opts);
  Register(sink);
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::vector<mapping::VertexBatch> batches;
  batches.reserve(4);
  for (int t = 0; t < 4; ++t) batches.push_back(ItemBatch(t % 2 == 0 ? 5000 : 500, int64_t{t} * 100000));
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back(
        [&, t] { EXPECT_TRUE(sink.WriteVertices(batches[static_cast<size_t>(t)], "t/vertex:Item").ok()); });
  }
  for (std::thread& th : threads) th.join();
  auto report = sink.Flush();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->vertices["Item"].accepted, 11000);
  EXPECT_GT(report->bulk_requests, 8);
  EXPECT_GT(report->upsert_requests, 4);
  auto n = client_->CountVertices("Item");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 11000);
  std::map<std::string, json> all = Vertices("Item");
  for (const auto& b : batches) {
    std::map<std::string, json> mine;
    const auto& ids = static_cast<const arrow::StringArray&>(*b.ids);
    for (int64_t k = 0; k < b.length(); ++k) mine[std::string(ids.GetView(k))] = all[std::string(ids.GetView(k))];
    ExpectItems(mine, b);
  }
}

TEST_F(SinkEmulatorTest, TigerGraphAuthBySecretPasswordAndToken) {
  httplib::Client http(emu_.url());
  http.set_basic_auth("tigergraph", "tigergraph");
  auto sec = http.Post("/gsql/v1/secrets?alias=test", "", "text/plain");
  ASSERT_TRUE(sec);
  const std::string secret = json::parse(sec->body)["secret"].get<std::string>();
  auto tok = http.Post("/gsql/v1/tokens", R"({"graph":"g"})", "application/json");
  ASSERT_TRUE(tok);
  const std::string token = json::parse(tok->body)["token"].get<std::string>();

  auto by_secret = MakeClient([&](TigerGraphOptions& o) { o.secret = secret; });
  auto by_token = MakeClient([&](TigerGraphOptions& o) { o.token = token; });
  auto by_password = MakeClient([&](TigerGraphOptions& o) {
    o.username = "tigergraph";
    o.password = "tigergraph";
  });
  for (TigerGraphClient* c : {by_secret.get(), by_token.get(), by_password.get()}) {
    auto n = c->CountVertices("Item");
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    auto schema = c->GetSchema();
    ASSERT_TRUE(schema.ok());
    EXPECT_EQ((*schema)["GraphName"], "g");
  }
  auto wrong = MakeClient([&](TigerGraphOptions& o) {
    o.username = "tigergraph";
    o.password = "nope";
  });
  const Status st = wrong->CountVertices("Item").status();
  EXPECT_EQ(st.code(), StatusCode::kUnauthorized) << st.ToString();
  EXPECT_EQ(st.message().find("nope"), std::string::npos);
  auto bad_secret = MakeClient([&](TigerGraphOptions& o) { o.secret = "not-a-secret-value"; });
  const Status st2 = bad_secret->CountVertices("Item").status();
  EXPECT_EQ(st2.code(), StatusCode::kUnauthorized);
  EXPECT_EQ(st2.message().find("not-a-secret-value"), std::string::npos);
  auto none = MakeClient([](TigerGraphOptions&) {});
  EXPECT_EQ(none->CountVertices("Item").status().code(), StatusCode::kUnauthorized);
}

TEST_F(SinkEmulatorTest, TigerGraphGsqlErrorsAndLoadingStatistics) {
  auto bad = client_->RunGsql("CREATE VERTEX Item (PRIMARY_ID id STRING)");
  EXPECT_FALSE(bad.ok());
  auto syntax = client_->RunGsql("CREATE VERTEXX");
  EXPECT_FALSE(syntax.ok());
  const std::string data = std::string("1\x1F") + "a,b\x1E" + "x\x1F" + "c\x1E";
  auto stats = client_->PostLoadingJob("load_num", "f", data, "\x1F", "\x1E");
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->valid_line, 2);  // the line parsed; its vertex was refused
  EXPECT_EQ(stats->rejected(), 1);
  EXPECT_NE(stats->RejectReasons().find("Num.invalidPrimaryId=1"), std::string::npos) << stats->RejectReasons();
  auto missing = client_->PostLoadingJob("no_such_job", "f", data, "\x1F", "\x1E");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("REST-30000"), std::string::npos) << missing.status().ToString();
}

}  // namespace
}  // namespace icegraph::sink
