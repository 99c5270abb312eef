#include "iceberg/avro_file.h"

#include <arrow/util/compression.h>
#include <gtest/gtest.h>

#include <fstream>

#include "iceberg/avro_test_writer.h"

namespace icegraph::iceberg {
namespace {

using testing::json;

constexpr const char* kSchema = R"({"type": "record", "name": "r", "fields": [
  {"name": "id", "type": "long"}, {"name": "tags", "type": {"type": "array", "items": "string"}}]})";

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<json> Records(int n) {
  std::vector<json> out;
  for (int i = 0; i < n; ++i) {
    json tags = json::array();
    for (int t = 0; t < i % 4; ++t) tags.push_back("tag" + std::to_string(t));
    out.push_back({{"id", i}, {"tags", tags}});
  }
  return out;
}

// Compresses with Arrow's streaming API: bz2 has no one-shot form.
std::string Compress(arrow::util::Codec& codec, const std::string& data) {
  auto compressor = *codec.MakeCompressor();
  std::string out(data.size() + 1024, '\0');
  auto* dst = reinterpret_cast<uint8_t*>(out.data());
  const auto r = *compressor->Compress(data.size(), reinterpret_cast<const uint8_t*>(data.data()), out.size(), dst);
  EXPECT_EQ(r.bytes_read, static_cast<int64_t>(data.size()));
  const auto end = *compressor->End(out.size() - r.bytes_written, dst + r.bytes_written);
  EXPECT_FALSE(end.should_retry);
  return out.substr(0, r.bytes_written + end.bytes_written);
}

// (id, number of tags) of every record, read back through AvroFileReader.
Result<std::vector<std::pair<int64_t, size_t>>> ReadBack(const std::string& bytes) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto reader, AvroFileReader::Open(bytes, "test.avro"));
  std::vector<std::pair<int64_t, size_t>> out;
  while (true) {
    ICEGRAPH_ASSIGN_OR_RAISE(avro_value_t * rec, reader->Next());
    if (rec == nullptr) break;
    avro_value_t id;
    avro_value_t tags;
    avro_value_get_by_name(rec, "id", &id, nullptr);
    avro_value_get_by_name(rec, "tags", &tags, nullptr);
    int64_t v = 0;
    size_t n = 0;
    avro_value_get_long(&id, &v);
    avro_value_get_size(&tags, &n);
    out.emplace_back(v, n);
  }
  return out;
}

TEST(AvroFileTest, HeaderMetadataRoundTrips) {
  testing::ScratchDir dir;
  const std::string path = dir.File("a.avro");
  testing::WriteAvroFile(path, kSchema, Records(3), {{"partition-spec-id", "7"}, {"content", "deletes"}});
  const std::string bytes = ReadBytes(path);
  size_t offset = 0;
  auto header = ReadAvroHeader(bytes, &offset);
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  EXPECT_EQ(header->metadata.at("partition-spec-id"), "7");
  EXPECT_EQ(header->metadata.at("avro.codec"), "null");
  EXPECT_NE(header->metadata.at("avro.schema").find("tags"), std::string::npos);
  EXPECT_EQ(header->sync.size(), 16u);
  auto container = ReadAvroContainer(bytes);
  ASSERT_TRUE(container.ok()) << container.status().ToString();
  EXPECT_EQ(container->blocks.size(), 1u);
  EXPECT_EQ(container->blocks[0].record_count, 3);
  EXPECT_EQ(WriteAvroContainer(*container), bytes);
}

TEST(AvroFileTest, ReadsRecordsAndResetsArraysBetweenThem) {
  testing::ScratchDir dir;
  const std::string path = dir.File("a.avro");
  for (const char* codec : {"null", "deflate", "snappy"}) {
    testing::WriteAvroFile(path, kSchema, Records(6), {}, codec);
    auto records = ReadBack(ReadBytes(path));
    ASSERT_TRUE(records.ok()) << codec << ": " << records.status().ToString();
    ASSERT_EQ(records->size(), 6u) << codec;
    for (size_t i = 0; i < records->size(); ++i) {
      EXPECT_EQ((*records)[i].first, static_cast<int64_t>(i));
      EXPECT_EQ((*records)[i].second, i % 4);
    }
  }
}

TEST(AvroFileTest, ReadsEveryBlockOfEveryCodec) {
  testing::ScratchDir dir;
  const std::string path = dir.File("a.avro");
  for (const char* codec : {"null", "deflate", "snappy"}) {
    testing::WriteAvroFile(path, kSchema, Records(12000), {}, codec);
    const std::string bytes = ReadBytes(path);
    ASSERT_GT(ReadAvroContainer(bytes)->blocks.size(), 1u) << codec;
    auto records = ReadBack(bytes);
    ASSERT_TRUE(records.ok()) << codec << ": " << records.status().ToString();
    ASSERT_EQ(records->size(), 12000u) << codec;
    EXPECT_EQ(records->back(), (std::pair<int64_t, size_t>{11999, 11999 % 4})) << codec;
  }
}

TEST(AvroFileTest, ASnappyBlockFailingItsCrcIsRefused) {
  testing::ScratchDir dir;
  const std::string path = dir.File("a.avro");
  testing::WriteAvroFile(path, kSchema, Records(6), {}, "snappy");
  auto container = ReadAvroContainer(ReadBytes(path));
  ASSERT_TRUE(container.ok());
  container->blocks[0].data.back() ^= 1;  // the last byte of the big-endian CRC-32
  auto reader = AvroFileReader::Open(WriteAvroContainer(*container), "crc.avro");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().message(), "crc.avro: snappy Avro block fails its CRC-32");
}

TEST(AvroFileTest, FilesOfDifferentSchemasReadInTurnKeepTheirOwn) {
  constexpr const char* kOther = R"({"type": "record", "name": "r", "fields": [
    {"name": "name", "type": "string"}, {"name": "id", "type": "long"}]})";
  testing::ScratchDir dir;
  testing::WriteAvroFile(dir.File("a.avro"), kSchema, Records(4));
  testing::WriteAvroFile(dir.File("b.avro"), kOther, {{{"name", "x"}, {"id", 40}}, {{"name", "y"}, {"id", 41}}});
  for (int round = 0; round < 2; ++round) {  // the second round reads both schemas from the cache
    auto a = AvroFileReader::Open(ReadBytes(dir.File("a.avro")), "a.avro");
    auto b = AvroFileReader::Open(ReadBytes(dir.File("b.avro")), "b.avro");
    ASSERT_TRUE(a.ok() && b.ok());
    for (int64_t i = 0; i < 2; ++i) {
      avro_value_t* ra = *(*a)->Next();
      avro_value_t* rb = *(*b)->Next();
      ASSERT_NE(ra, nullptr);
      ASSERT_NE(rb, nullptr);
      avro_value_t field;
      int64_t id = 0;
      ASSERT_EQ(avro_value_get_by_name(ra, "id", &field, nullptr), 0);
      avro_value_get_long(&field, &id);
      EXPECT_EQ(id, i);
      ASSERT_EQ(avro_value_get_by_name(rb, "id", &field, nullptr), 0);
      avro_value_get_long(&field, &id);
      EXPECT_EQ(id, 40 + i);
      const char* name = nullptr;
      size_t size = 0;
      ASSERT_EQ(avro_value_get_by_name(rb, "name", &field, nullptr), 0);
      avro_value_get_string(&field, &name, &size);
      EXPECT_EQ(std::string(name, size - 1), i == 0 ? "x" : "y");
    }
    EXPECT_EQ(*(*b)->Next(), nullptr);
  }
}

TEST(AvroFileTest, DecodesCodecsAvroCLacks) {
  testing::ScratchDir dir;
  const std::string path = dir.File("a.avro");
  testing::WriteAvroFile(path, kSchema, Records(5));
  for (const auto& [avro_name, arrow_type] :
       {std::pair{"zstandard", arrow::Compression::ZSTD}, std::pair{"bzip2", arrow::Compression::BZ2}}) {
    // Recompress the null-codec blocks the way Java and pyiceberg write them.
    auto container = ReadAvroContainer(ReadBytes(path));
    ASSERT_TRUE(container.ok());
    auto codec = *arrow::util::Codec::Create(arrow_type);
    for (auto& block : container->blocks) block.data = Compress(*codec, block.data);
    container->metadata["avro.codec"] = avro_name;
    auto records = ReadBack(WriteAvroContainer(*container));
    ASSERT_TRUE(records.ok()) << avro_name << ": " << records.status().ToString();
    ASSERT_EQ(records->size(), 5u) << avro_name;
    EXPECT_EQ((*records)[4].first, 4);
  }
}

TEST(AvroFileTest, RejectsGarbageAndTruncation) {
  EXPECT_FALSE(AvroFileReader::Open("", "empty.avro").ok());
  auto garbage = AvroFileReader::Open("not avro at all", "garbage.avro");
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.status().message().find("garbage.avro"), std::string::npos);
  testing::ScratchDir dir;
  const std::string path = dir.File("a.avro");
  testing::WriteAvroFile(path, kSchema, Records(5));
  const std::string bytes = ReadBytes(path);
  EXPECT_FALSE(ReadAvroContainer(bytes.substr(0, bytes.size() - 3)).ok());
  size_t offset = 0;
  EXPECT_FALSE(ReadAvroHeader(bytes.substr(0, 20), &offset).ok());
  auto unknown = ReadAvroContainer(bytes);
  unknown->metadata["avro.codec"] = "brotli9000";
  auto reader = AvroFileReader::Open(WriteAvroContainer(*unknown), "odd.avro");
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("brotli9000"), std::string::npos) << reader.status().message();
}

}  // namespace
}  // namespace icegraph::iceberg
