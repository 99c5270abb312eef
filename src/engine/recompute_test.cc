// The recompute rules on mapped batches: affected keys, the truth folded from current rows (config order, nulls,
// endpoints), and the lookups that find those rows by pruned scans.
#include "engine/recompute.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "engine/affected.h"
#include "mapping/mapping_test_util.h"

namespace icegraph::engine {
namespace {

using mapping::test::Fld;
using mapping::test::JsonArray;
using mapping::test::MakeBatch;

// shop.users(id long, name string, age int, region string); shop.people(pid string, nick string, age int);
// shop.knows(a long, b long, since long, kind string).
iceberg::Schema Users() {
  iceberg::Schema s;
  s.fields = {Fld(1, "id", "long"), Fld(2, "name", "string"), Fld(3, "age", "int"), Fld(4, "region", "string")};
  return s;
}
iceberg::Schema People() {
  iceberg::Schema s;
  s.fields = {Fld(1, "pid", "string"), Fld(2, "nick", "string"), Fld(3, "age", "int")};
  return s;
}
iceberg::Schema Knows() {
  iceberg::Schema s;
  s.fields = {Fld(1, "a", "long"), Fld(2, "b", "long"), Fld(3, "since", "long"), Fld(4, "kind", "string")};
  return s;
}

constexpr const char* kMappings = R"yaml(mappings:
  - table: shop.users
    vertices:
      - {type: User, id: id, attributes: {name: name, age: age}}
      - {type: Region, id: "lower(region)", owner: false}
    edges:
      - {type: IN_REGION, from: {type: User, id: id}, to: {type: Region, id: "lower(region)"}}
  - table: shop.people
    vertices:
      - {type: User, id: pid, attributes: {name: nick, age: age}}
  - table: shop.knows
    edges:
      - {type: KNOWS, from: {type: User, id: a}, to: {type: User, id: b}, attributes: {since: since, kind: kind},
         discriminator: [kind]}
)yaml";

class RecomputeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = mapping::test::ParseOk(kMappings);
    auto plan = mapping::MappingPlan::Make(
        model_, {{"shop.users", Users()}, {"shop.people", People()}, {"shop.knows", Knows()}});
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    plan_ = std::move(*plan);
  }

  mapping::MappedBatch Map(const std::string& table, const std::shared_ptr<arrow::RecordBatch>& batch) {
    auto r = plan_.ForTable(table)->Apply(*batch);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *r;
  }

  std::shared_ptr<arrow::RecordBatch> UsersBatch(const std::string& ids, const std::string& names,
                                                 const std::string& ages, const std::string& regions) {
    return MakeBatch(Users(), {JsonArray(arrow::int64(), ids), JsonArray(arrow::utf8(), names),
                               JsonArray(arrow::int32(), ages), JsonArray(arrow::utf8(), regions)});
  }
  std::shared_ptr<arrow::RecordBatch> PeopleBatch(const std::string& ids, const std::string& nicks,
                                                  const std::string& ages) {
    return MakeBatch(People(),
                     {JsonArray(arrow::utf8(), ids), JsonArray(arrow::utf8(), nicks), JsonArray(arrow::int32(), ages)});
  }
  std::shared_ptr<arrow::RecordBatch> KnowsBatch(const std::string& a, const std::string& b, const std::string& since,
                                                 const std::string& kind) {
    return MakeBatch(Knows(), {JsonArray(arrow::int64(), a), JsonArray(arrow::int64(), b),
                               JsonArray(arrow::int64(), since), JsonArray(arrow::utf8(), kind)});
  }

  // Attribute i of a vertex (or edge) of `type` as the folded truth holds it.
  static std::string Value(Truth& truth, const std::string& type, const ElementTruth& t, size_t i) {
    EXPECT_TRUE(truth.Finish().ok());
    const auto& stores = truth.vertex_values.count(type) ? truth.vertex_values[type] : truth.edge_values[type];
    const auto v = truth.Value(stores, t, i);
    return v ? v->ToString() : "<unset>";
  }

  mapping::Model model_;
  mapping::MappingPlan plan_;
};

TEST_F(RecomputeTest, AffectedKeysNameVerticesEdgesAndEndpoints) {
  AffectedKeys keys;
  keys.Add(*plan_.ForTable("shop.users"),
           Map("shop.users", UsersBatch("[1, 2]", R"(["a", "b"])", "[30, 40]", R"(["EU", null])")));
  keys.Add(*plan_.ForTable("shop.knows"),
           Map("shop.knows", KnowsBatch("[1, 1, 5]", "[2, 2, 1]", "[10, 11, 12]", R"(["x", "y", "x"])")));
  EXPECT_EQ(keys.vertices["User"], (KeySet{"1", "2", "5"}));
  EXPECT_EQ(keys.vertices["Region"], (KeySet{"eu"}));  // user 2's null region is a dead letter, no key
  EXPECT_EQ(keys.edges["IN_REGION"].size(), 1u);
  ASSERT_EQ(keys.edges["KNOWS"].size(), 3u);  // (1,2,x), (1,2,y), (5,1,x): the discriminator tells them apart
  EXPECT_EQ(keys.size(), 3u + 1u + 1u + 3u);
}

TEST_F(RecomputeTest, AffectedKeysHoldEveryIdWhateverTheOrderOfRows) {
  // Ascending runs (a table clustered on its key), descending stretches, repeats and jumps, over enough rows to split
  // B-tree nodes; KNOWS has both ends in one set.
  std::vector<int64_t> a;
  std::vector<int64_t> b;
  uint64_t x = 7;
  for (int i = 0; i < 3000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto r = static_cast<int64_t>(x >> 33);
    a.push_back(i % 500 < 250 ? i : (i % 7 == 0 ? a.back() : 100000 - i + r % 5));
    b.push_back(i % 3 == 0 ? r % 4000 : 5000 + (i / 2));
  }
  const auto json = [](const std::vector<int64_t>& v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
    return out + "]";
  };
  const std::string since = json(std::vector<int64_t>(a.size(), 1));
  std::string kinds = "[";
  for (size_t i = 0; i < a.size(); ++i) kinds += i ? R"(,"k")" : R"("k")";
  kinds += "]";
  AffectedKeys keys;
  keys.Add(*plan_.ForTable("shop.knows"), Map("shop.knows", KnowsBatch(json(a), json(b), since, kinds)));
  std::set<std::string> want;
  for (size_t i = 0; i < a.size(); ++i) {
    want.insert(std::to_string(a[i]));
    want.insert(std::to_string(b[i]));
  }
  EXPECT_EQ(std::set<std::string>(keys.vertices["User"].begin(), keys.vertices["User"].end()), want);
  EXPECT_EQ(keys.vertices["User"].size(), want.size());
}

TEST_F(RecomputeTest, EdgeKeyTextIsExactAndUndirectedKeysAreOrdered) {
  EXPECT_NE(EdgeKeyText("a:1", "b", {}, 0, true), EdgeKeyText("a", "1:b", {}, 0, true));
  EXPECT_NE(EdgeKeyText("a", "b", {}, 0, true), EdgeKeyText("b", "a", {}, 0, true));
  EXPECT_EQ(EdgeKeyText("a", "b", {}, 0, false), EdgeKeyText("b", "a", {}, 0, false));
}

// The truth of `id`, or a failure and a blank one.
const ElementTruth& At(const VertexTruth& v, std::string_view id) {
  static const ElementTruth kMissing;
  const ElementTruth* t = v.Find(id);
  if (t == nullptr) ADD_FAILURE() << "no truth for vertex " << id;
  return t != nullptr ? *t : kMissing;
}

// Two tables feed User: the truth takes every row in config order, a null sets nothing, and an id no vertex row
// maps but an edge names is referenced only.
TEST_F(RecomputeTest, FoldTakesLastNonNullValueInConfigOrder) {
  AffectedKeys keys;
  for (const char* id : {"1", "2", "3", "9"}) keys.AddVertex("User", id);
  auto seeded = SeedTruth(plan_, keys);
  ASSERT_TRUE(seeded.ok());
  Truth& truth = *seeded;
  FoldBatch(
      plan_, *plan_.ForTable("shop.users"),
      Map("shop.users", UsersBatch("[1, 2, 7]", R"(["ann", "bob", "x"])", "[30, null, 1]", R"(["EU", "EU", "EU"])")),
      false, &truth);
  FoldBatch(plan_, *plan_.ForTable("shop.people"), Map("shop.people", PeopleBatch(R"(["2"])", R"([null])", "[41]")),
            false, &truth);
  FoldBatch(plan_, *plan_.ForTable("shop.knows"), Map("shop.knows", KnowsBatch("[7]", "[3]", "[10]", R"(["x"])")),
            false, &truth);
  const auto& users = truth.vertices["User"];
  ASSERT_EQ(users.size(), 4u);  // only affected keys: 7 is not one
  const mapping::VertexTypeDef* def = plan_.FindVertexType("User");
  ASSERT_EQ(def->attributes.size(), 2u);
  ASSERT_EQ(def->attributes[0].name, "name");
  const ElementTruth& u1 = At(users, "1");
  EXPECT_TRUE(u1.produced);
  EXPECT_TRUE(u1.referenced);  // by its own IN_REGION edge
  EXPECT_EQ(Value(truth, "User", u1, 0), "ann");
  EXPECT_EQ(Value(truth, "User", u1, 1), "30");
  const ElementTruth& u2 = At(users, "2");
  EXPECT_EQ(Value(truth, "User", u2, 0), "bob");  // people's null nick leaves users' name
  EXPECT_EQ(Value(truth, "User", u2, 1), "41");   // users' null age is set by people
  const ElementTruth& u3 = At(users, "3");
  EXPECT_FALSE(u3.produced);
  EXPECT_TRUE(u3.referenced);
  EXPECT_EQ(Value(truth, "User", u3, 0), "<unset>");
  const ElementTruth& u9 = At(users, "9");
  EXPECT_FALSE(u9.produced || u9.referenced);  // deleted by the apply
}

TEST_F(RecomputeTest, FoldEdgesByKeyWithDiscriminator) {
  AffectedKeys keys;
  keys.Add(*plan_.ForTable("shop.knows"),
           Map("shop.knows", KnowsBatch("[1, 1]", "[2, 2]", "[10, 11]", R"(["x", "y"])")));
  auto seeded = SeedTruth(plan_, keys);
  ASSERT_TRUE(seeded.ok());
  Truth& truth = *seeded;
  // Now: (1,2,x) with since 20, (1,2,y) gone, and an unrelated edge (3,4,x).
  FoldBatch(plan_, *plan_.ForTable("shop.knows"),
            Map("shop.knows", KnowsBatch("[1, 3]", "[2, 4]", "[20, 5]", R"(["x", "x"])")), false, &truth);
  const auto& knows = truth.edges["KNOWS"];
  ASSERT_EQ(knows.size(), 2u);
  int produced = 0;
  for (const auto& [text, t] : knows) {
    if (!t.produced) {
      EXPECT_EQ(t.key->disc[0]->ToString(), "y");
      continue;
    }
    ++produced;
    EXPECT_EQ(t.key->disc[0]->ToString(), "x");
    const mapping::EdgeTypeDef* def = plan_.FindEdgeType("KNOWS");
    for (size_t i = 0; i < def->attributes.size(); ++i) {
      if (def->attributes[i].name == "since") {
        EXPECT_EQ(Value(truth, "KNOWS", t, i), "20");
      }
    }
  }
  EXPECT_EQ(produced, 1);
  // Endpoints 1 and 2 are affected vertices (the edges named them): both referenced by the current (1,2,x).
  EXPECT_TRUE(At(truth.vertices["User"], "1").referenced);
  EXPECT_TRUE(At(truth.vertices["User"], "2").referenced);
}

// vertex_must_exist: an edge row naming an affected vertex becomes an affected edge (sent again after the vertex).
TEST_F(RecomputeTest, MustExistMakesEdgesOfAffectedVerticesAffected) {
  AffectedKeys keys;
  keys.AddVertex("User", "3");
  auto seeded = SeedTruth(plan_, keys);
  ASSERT_TRUE(seeded.ok());
  Truth& truth = *seeded;
  FoldBatch(plan_, *plan_.ForTable("shop.knows"),
            Map("shop.knows", KnowsBatch("[7, 8]", "[3, 9]", "[1, 2]", R"(["x", "x"])")), true, &truth);
  ASSERT_EQ(truth.edges["KNOWS"].size(), 1u);
  EXPECT_TRUE(truth.edges["KNOWS"].begin()->second.produced);
  EXPECT_EQ(truth.edges["KNOWS"].begin()->second.key->from, "7");
}

SourceTable Table(const std::string& name, const iceberg::Schema& schema, const mapping::MappingPlan& plan) {
  SourceTable t;
  t.name = name;
  t.metadata.schemas = {schema};
  t.metadata.current_schema_id = schema.schema_id;
  t.plan = plan.ForTable(name);
  return t;
}

TEST_F(RecomputeTest, LookupsPruneByIdRangeOrScanWhole) {
  const std::vector<SourceTable> tables = {Table("shop.users", Users(), plan_), Table("shop.people", People(), plan_),
                                           Table("shop.knows", Knows(), plan_)};
  AffectedKeys keys;
  for (const char* id : {"12", "3", "40", "x"}) keys.AddVertex("User", id);
  const auto filters = LookupFilters(tables, keys);
  ASSERT_EQ(filters.size(), 3u);
  // users: id is a long column, keys 3..40 numerically ("x" cannot be a long).
  ASSERT_EQ(filters[0].size(), 1u);
  EXPECT_EQ(iceberg::FilterToString(filters[0][0].filter), "#1 >= 3 AND #1 <= 40");
  // people: pid is a string column, keys "12".."x" by bytes.
  ASSERT_EQ(filters[1].size(), 1u);
  EXPECT_EQ(iceberg::FilterToString(filters[1][0].filter), "#1 >= '12' AND #1 <= 'x'");
  // knows: both endpoint columns name User.
  ASSERT_EQ(filters[2].size(), 2u);
  // Region's id is an expression: a Region key makes users scanned whole.
  keys.AddVertex("Region", "eu");
  const auto with_region = LookupFilters(tables, keys);
  ASSERT_EQ(with_region[0].size(), 1u);
  EXPECT_TRUE(with_region[0][0].filter.empty());
  // A key of no type a table feeds: nothing to read there.
  AffectedKeys only_region;
  only_region.AddVertex("Region", "eu");
  const auto r = LookupFilters(tables, only_region);
  EXPECT_EQ(r[0].size(), 1u);
  EXPECT_TRUE(r[1].empty());
  EXPECT_TRUE(r[2].empty());
}

TEST_F(RecomputeTest, ALookupSkipsFilesBetweenItsKeys) {
  const std::vector<SourceTable> tables = {Table("shop.users", Users(), plan_), Table("shop.people", People(), plan_),
                                           Table("shop.knows", Knows(), plan_)};
  AffectedKeys keys;
  for (const char* id : {"3", "40"}) keys.AddVertex("User", id);
  const auto lookups = LookupFilters(tables, keys);
  auto long_bytes = [](int64_t v) {
    std::string b(8, '\0');
    for (int i = 0; i < 8; ++i)
      b[static_cast<size_t>(i)] = static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
    return b;
  };
  auto file = [&](int32_t field, std::string lo, std::string hi) {
    iceberg::DataFile f;
    f.lower_bounds[field] = std::move(lo);
    f.upper_bounds[field] = std::move(hi);
    return f;
  };
  // users.id is a long: [3, 40] is the range, and a file of ids 10..20 holds neither key.
  const KeyLookup& users = lookups[0][0];
  EXPECT_FALSE(users.MayHold(file(1, long_bytes(10), long_bytes(20))));
  EXPECT_TRUE(users.MayHold(file(1, long_bytes(0), long_bytes(3))));
  EXPECT_TRUE(users.MayHold(file(1, long_bytes(40), long_bytes(90))));
  EXPECT_TRUE(users.MayHold(iceberg::DataFile{}));  // no statistics: read it
  // people.pid is a string, ordered by bytes: "3" < "35" < "39" < "40".
  const KeyLookup& people = lookups[1][0];
  EXPECT_FALSE(people.MayHold(file(1, "35", "39")));
  EXPECT_TRUE(people.MayHold(file(1, "35", "40")));
  EXPECT_TRUE(people.MayHold(file(1, "", "3")));
}

// Probes in key order (with runs of absent ids), in reverse and at random find exactly the ids held, whatever the
// hint they carry from the previous probe.
TEST(VertexTruthTest, FindWithHintsAgreesWithASet) {
  std::mt19937 rng(11);
  std::set<std::string> held;
  std::vector<std::string> universe;
  for (int i = 0; i < 3000; ++i) {
    std::string id = "v" + std::to_string(rng() % 100000);
    universe.push_back(id);
    if (rng() % 3 == 0) held.insert(id);
  }
  universe.emplace_back("");
  universe.emplace_back("zzz");
  VertexTruth truth;
  ElementTruth blank;
  for (const auto& id : held) truth.Append(id, blank);
  ASSERT_EQ(truth.size(), held.size());
  std::vector<std::string> sorted = universe;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> reversed(sorted.rbegin(), sorted.rend());
  for (const auto* probes : {&sorted, &reversed, &universe}) {
    size_t hint = truth.size();
    for (const auto& id : *probes) {
      const ElementTruth* found = truth.Find(id, &hint);
      ASSERT_EQ(found != nullptr, held.count(id) == 1) << id;
      ASSERT_EQ(static_cast<const VertexTruth&>(truth).Find(id) != nullptr, held.count(id) == 1) << id;
    }
  }
  // Each id finds its own entry: mark one through a probe and read it back through another.
  size_t hint = 0;
  ElementTruth* e = truth.Find(*held.rbegin(), &hint);
  ASSERT_NE(e, nullptr);
  e->produced = true;
  EXPECT_TRUE(static_cast<const VertexTruth&>(truth).Find(*held.rbegin())->produced);
  EXPECT_FALSE(static_cast<const VertexTruth&>(truth).Find(*held.begin())->produced);
}

// A lookup takes a file's rows from the change phase only when reading the file now yields the same live rows.
TEST(SameLiveRowsTest, AnyDifferenceInDeletesProjectionOrSchemaRereads) {
  iceberg::ScanTask read;
  read.data_file.file_path = "s3://w/t/data/a.parquet";
  read.data_sequence_number = 4;
  read.projected_field_ids = {1, 2};
  read.schema.schema_id = 1;
  iceberg::DataFile pos;
  pos.file_path = "s3://w/t/data/del-1.parquet";
  iceberg::DataFile dv;
  dv.file_path = "s3://w/t/data/dv.puffin";
  dv.content_offset = 4;
  read.position_deletes = {pos, dv};
  iceberg::ScanTask now = read;
  now.residual.predicates.push_back({"", 1, iceberg::CompareOp::kGtEq, iceberg::Literal{std::string("k")}});
  std::swap(now.position_deletes[0], now.position_deletes[1]);  // the order deletes are listed in does not matter
  EXPECT_TRUE(SameLiveRows(read, now));                         // a narrower residual (the key range) reads a subset

  auto differs = [&](auto&& change) {
    iceberg::ScanTask t = read;
    change(t);
    return !SameLiveRows(read, t);
  };
  EXPECT_TRUE(differs([](iceberg::ScanTask& t) { t.data_file.file_path = "s3://w/t/data/b.parquet"; }));
  EXPECT_TRUE(differs([](iceberg::ScanTask& t) { t.data_sequence_number = 5; }));
  EXPECT_TRUE(differs([](iceberg::ScanTask& t) { t.projected_field_ids = {1, 2, 3}; }));
  EXPECT_TRUE(differs([](iceberg::ScanTask& t) { t.schema.schema_id = 2; }));
  EXPECT_TRUE(differs([](iceberg::ScanTask& t) { t.name_mapping_json = "[]"; }));
  EXPECT_TRUE(differs([&](iceberg::ScanTask& t) { t.position_deletes.push_back(pos); }));         // a later delete file
  EXPECT_TRUE(differs([](iceberg::ScanTask& t) { t.position_deletes[1].content_offset = 90; }));  // another vector
  EXPECT_TRUE(differs([](iceberg::ScanTask& t) { t.position_deletes.pop_back(); }));
  EXPECT_TRUE(differs([&](iceberg::ScanTask& t) { t.equality_deletes.push_back(pos); }));
}

TEST(TypeDefaultTest, EveryKindHasTigerGraphsDefault) {
  using mapping::TgKind;
  auto d = [](TgKind k, TgKind elem = TgKind::kString) {
    mapping::TgType t;
    t.kind = k;
    t.elem = elem;
    auto s = TypeDefault(t);
    return s ? s->ToString() : "<null>";
  };
  EXPECT_EQ(d(TgKind::kInt), "0");
  EXPECT_EQ(d(TgKind::kUint), "0");
  EXPECT_EQ(d(TgKind::kDouble), "0");
  EXPECT_EQ(d(TgKind::kBool), "false");
  EXPECT_EQ(d(TgKind::kString), "");
  EXPECT_EQ(d(TgKind::kDatetime), "1970-01-01 00:00:00Z");
  EXPECT_EQ(d(TgKind::kList, TgKind::kInt), "list<item: int64>[]");  // an empty list
}

}  // namespace
}  // namespace icegraph::engine
