#include "iceberg/avro_file.h"

#include <arrow/util/compression.h>
#include <arrow/util/crc32.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace icegraph::iceberg {
namespace {

constexpr std::string_view kMagic("Obj\x01", 4);
constexpr size_t kSyncSize = 16;

// Avro binary encoding: zig-zag varints for longs, long-prefixed bytes for strings and bytes.
class BinaryCursor {
 public:
  BinaryCursor(std::string_view bytes, size_t offset) : bytes_(bytes), pos_(offset) {}

  // A base-128 varint, least significant group first (also snappy's length preamble).
  bool ReadVarint(uint64_t* out) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= bytes_.size()) return false;
      const auto byte = static_cast<uint8_t>(bytes_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *out = value;
        return true;
      }
    }
    return false;
  }

  bool ReadLong(int64_t* out) {
    uint64_t value = 0;
    if (!ReadVarint(&value)) return false;
    *out = static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
    return true;
  }

  bool ReadFixed(size_t n, std::string* out) {
    if (bytes_.size() - pos_ < n) return false;
    out->assign(bytes_.substr(pos_, n));
    pos_ += n;
    return true;
  }

  bool ReadBytes(std::string* out) {
    int64_t n = 0;
    return ReadLong(&n) && n >= 0 && ReadFixed(static_cast<size_t>(n), out);
  }

  size_t pos() const { return pos_; }
  bool AtEnd() const { return pos_ >= bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t pos_;
};

void WriteLong(int64_t v, std::string* out) {
  uint64_t zz = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (zz >= 0x80) {
    out->push_back(static_cast<char>((zz & 0x7f) | 0x80));
    zz >>= 7;
  }
  out->push_back(static_cast<char>(zz));
}

void WriteBytes(std::string_view s, std::string* out) {
  WriteLong(static_cast<int64_t>(s.size()), out);
  out->append(s);
}

// Avro codec names mapped to Arrow's codecs (the pyarrow wheel ships them all): blocks are decoded here, so avro-c
// only ever parses records. Avro's "deflate" is raw deflate (RFC 1951) without a zlib header.
struct BlockCodec {
  arrow::Compression::type type;
  arrow::util::GZipFormat gzip_format = arrow::util::GZipFormat::ZLIB;
};
std::optional<BlockCodec> BlockCodecFor(const std::string& avro_codec) {
  if (avro_codec == "deflate") return BlockCodec{arrow::Compression::GZIP, arrow::util::GZipFormat::DEFLATE};
  if (avro_codec == "snappy") return BlockCodec{arrow::Compression::SNAPPY};
  if (avro_codec == "zstandard") return BlockCodec{arrow::Compression::ZSTD};
  if (avro_codec == "bzip2") return BlockCodec{arrow::Compression::BZ2};
  return std::nullopt;
}

// One codec of each kind per thread: creating Arrow's GZip codec also sets up a deflate compressor (a quarter megabyte
// allocated and zeroed, page faults included), which every manifest paid though only decompressors are used. Per
// thread, as Arrow does not promise a codec is safe to share.
Result<arrow::util::Codec*> CachedCodec(const BlockCodec& c) {
  thread_local std::map<std::pair<arrow::Compression::type, arrow::util::GZipFormat>,
                        std::unique_ptr<arrow::util::Codec>>
      codecs;
  std::unique_ptr<arrow::util::Codec>& codec = codecs[{c.type, c.gzip_format}];
  if (codec == nullptr) {
    arrow::util::GZipCodecOptions options;
    options.gzip_format = c.gzip_format;
    auto made = arrow::util::Codec::Create(c.type, options);
    if (!made.ok()) return Status::NotImplemented(made.status().ToString());
    codec = std::move(*made);
  }
  return codec.get();
}

Result<std::string> Decompress(arrow::util::Decompressor& d, const std::string& in, const std::string& name) {
  std::string out(std::max<size_t>(in.size() * 4, 4096), '\0');
  size_t read = 0;
  size_t written = 0;
  while (true) {
    auto r = d.Decompress(static_cast<int64_t>(in.size() - read), reinterpret_cast<const uint8_t*>(in.data() + read),
                          static_cast<int64_t>(out.size() - written), reinterpret_cast<uint8_t*>(out.data() + written));
    if (!r.ok()) return Status::Invalid(name + ": cannot decompress an Avro block: " + r.status().ToString());
    read += static_cast<size_t>(r->bytes_read);
    written += static_cast<size_t>(r->bytes_written);
    if (r->need_more_output || written == out.size()) {
      out.resize(out.size() * 2);
      continue;
    }
    if (read == in.size() || d.IsFinished()) break;
    if (r->bytes_read == 0 && r->bytes_written == 0) {
      return Status::Invalid(name + ": truncated compressed Avro block");
    }
  }
  out.resize(written);
  return out;
}

// One snappy block as Avro writes it: the raw snappy data (its uncompressed length a varint up front), then the
// big-endian CRC-32 of the uncompressed bytes.
Result<std::string> DecodeSnappy(arrow::util::Codec& codec, std::string_view in, const std::string& name) {
  if (in.size() < 4) return Status::Invalid(name + ": truncated snappy Avro block");
  const std::string_view data = in.substr(0, in.size() - 4);
  uint64_t length = 0;
  if (!BinaryCursor(data, 0).ReadVarint(&length)) return Status::Invalid(name + ": truncated snappy Avro block");
  if (length > (uint64_t{1} << 31))
    return Status::Invalid(name + ": snappy Avro block claims " + std::to_string(length) + " bytes");
  std::string out(length, '\0');
  auto n = codec.Decompress(static_cast<int64_t>(data.size()), reinterpret_cast<const uint8_t*>(data.data()),
                            static_cast<int64_t>(out.size()), reinterpret_cast<uint8_t*>(out.data()));
  if (!n.ok() || static_cast<uint64_t>(*n) != length) {
    return Status::Invalid(name + ": cannot decompress a snappy Avro block" +
                           (n.ok() ? std::string() : ": " + n.status().ToString()));
  }
  const auto* c = reinterpret_cast<const uint8_t*>(in.data() + data.size());
  const uint32_t want = (uint32_t{c[0]} << 24) | (uint32_t{c[1]} << 16) | (uint32_t{c[2]} << 8) | uint32_t{c[3]};
  if (arrow::internal::crc32(0, out.data(), out.size()) != want) {
    return Status::Invalid(name + ": snappy Avro block fails its CRC-32");
  }
  return out;
}

// Parsed writer schemas by their JSON text, as avro-c generic classes: every manifest of a table carries the same
// schema, and parsing it (jansson, then avro-c's schema build) cost more than reading the manifest's records.
class SchemaCache {
 public:
  static SchemaCache& Get() {
    static SchemaCache cache;
    return cache;
  }
  /// A new reference to the class of `json` (the caller decrefs it), or nullptr with avro_strerror() set.
  avro_value_iface_t* ClassOf(const std::string& json) {
    const std::lock_guard lock(mu_);
    if (const auto it = classes_.find(json); it != classes_.end()) return avro_value_iface_incref(it->second);
    avro_schema_t schema = nullptr;
    if (avro_schema_from_json_length(json.data(), json.size(), &schema) != 0) return nullptr;
    avro_value_iface_t* iface = avro_generic_class_from_schema(schema);
    avro_schema_decref(schema);
    if (iface == nullptr) return nullptr;
    if (classes_.size() >= kMaxSchemas) Clear();  // a long-running service meets new schemas as tables evolve
    classes_.emplace(json, iface);
    return avro_value_iface_incref(iface);
  }
  ~SchemaCache() { Clear(); }

 private:
  static constexpr size_t kMaxSchemas = 64;
  void Clear() {
    for (auto& [json, iface] : classes_) avro_value_iface_decref(iface);
    classes_.clear();
  }
  std::mutex mu_;
  std::map<std::string, avro_value_iface_t*, std::less<>> classes_;
};

}  // namespace

Result<AvroContainer> ReadAvroHeader(std::string_view bytes, size_t* data_offset) {
  if (bytes.substr(0, kMagic.size()) != kMagic) return Status::Invalid("not an Avro object container file");
  AvroContainer c;
  BinaryCursor in(bytes, kMagic.size());
  // The metadata is an Avro map<bytes>: blocks of entries, a negative count followed by the block's size.
  while (true) {
    int64_t count = 0;
    if (!in.ReadLong(&count)) return Status::Invalid("truncated Avro header");
    if (count == 0) break;
    if (count < 0) {
      int64_t block_size = 0;
      if (!in.ReadLong(&block_size)) return Status::Invalid("truncated Avro header");
      count = -count;
    }
    for (int64_t i = 0; i < count; ++i) {
      std::string key;
      std::string value;
      if (!in.ReadBytes(&key) || !in.ReadBytes(&value)) return Status::Invalid("truncated Avro header metadata");
      c.metadata[key] = std::move(value);
    }
  }
  if (!in.ReadFixed(kSyncSize, &c.sync)) return Status::Invalid("truncated Avro header sync marker");
  *data_offset = in.pos();
  return c;
}

Result<AvroContainer> ReadAvroContainer(std::string_view bytes) {
  size_t offset = 0;
  ICEGRAPH_ASSIGN_OR_RAISE(AvroContainer c, ReadAvroHeader(bytes, &offset));
  BinaryCursor in(bytes, offset);
  while (!in.AtEnd()) {
    AvroContainer::Block b;
    std::string sync;
    if (!in.ReadLong(&b.record_count) || !in.ReadBytes(&b.data) || !in.ReadFixed(kSyncSize, &sync)) {
      return Status::Invalid("truncated Avro block at byte " + std::to_string(in.pos()));
    }
    if (sync != c.sync) return Status::Invalid("Avro block without the file's sync marker");
    c.blocks.push_back(std::move(b));
  }
  return c;
}

std::string WriteAvroContainer(const AvroContainer& c) {
  std::string out(kMagic);
  if (!c.metadata.empty()) {
    WriteLong(static_cast<int64_t>(c.metadata.size()), &out);
    for (const auto& [k, v] : c.metadata) {
      WriteBytes(k, &out);
      WriteBytes(v, &out);
    }
  }
  WriteLong(0, &out);
  out += c.sync;
  for (const AvroContainer::Block& b : c.blocks) {
    WriteLong(b.record_count, &out);
    WriteBytes(b.data, &out);
    out += c.sync;
  }
  return out;
}

Result<std::unique_ptr<AvroFileReader>> AvroFileReader::Open(std::string_view bytes, std::string name) {
  auto container = ReadAvroContainer(bytes);
  if (!container.ok()) return container.status().WithContext(name);
  std::unique_ptr<AvroFileReader> r(new AvroFileReader());
  r->name_ = std::move(name);
  r->metadata_ = std::move(container->metadata);
  const auto codec_it = r->metadata_.find("avro.codec");
  const std::string codec_name = codec_it == r->metadata_.end() ? "null" : codec_it->second;
  const auto codec = BlockCodecFor(codec_name);
  if (!codec && codec_name != "null") {
    return Status::NotImplemented(r->name_ + ": Avro codec '" + codec_name + "' is not supported");
  }
  arrow::util::Codec* decoder = nullptr;
  if (codec) {
    auto cached = CachedCodec(*codec);
    if (!cached.ok()) return cached.status().WithContext(r->name_);
    decoder = *cached;
  }
  // The records of every block, decoded, back to back: a record never spans blocks.
  for (AvroContainer::Block& b : container->blocks) {
    if (b.record_count < 0) return Status::Invalid(r->name_ + ": an Avro block with a negative record count");
    r->remaining_ += b.record_count;
    if (!codec) {
      r->records_ += b.data;
    } else if (codec->type == arrow::Compression::SNAPPY) {
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string data, DecodeSnappy(*decoder, b.data, r->name_));
      r->records_ += data;
    } else {
      auto decompressor = decoder->MakeDecompressor();
      if (!decompressor.ok()) return Status::NotImplemented(r->name_ + ": " + decompressor.status().ToString());
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string data, Decompress(**decompressor, b.data, r->name_));
      r->records_ += data;
    }
  }
  const auto schema = r->metadata_.find("avro.schema");
  if (schema == r->metadata_.end()) return Status::Invalid(r->name_ + ": an Avro file without a schema");
  r->iface_ = SchemaCache::Get().ClassOf(schema->second);
  if (r->iface_ == nullptr || avro_generic_value_new(r->iface_, &r->value_) != 0) {
    return Status::Invalid(r->name_ + ": unsupported Avro schema: " + avro_strerror());
  }
  r->has_value_ = true;
  r->reader_ = avro_reader_memory(r->records_.data(), static_cast<int64_t>(r->records_.size()));
  if (r->reader_ == nullptr) return Status::Internal(r->name_ + ": cannot read the Avro records");
  return r;
}

AvroFileReader::~AvroFileReader() {
  if (has_value_) avro_value_decref(&value_);
  if (iface_ != nullptr) avro_value_iface_decref(iface_);
  if (reader_ != nullptr) avro_reader_free(reader_);
}

Result<avro_value_t*> AvroFileReader::Next() {
  if (remaining_ == 0) return static_cast<avro_value_t*>(nullptr);
  if (avro_value_read(reader_, &value_) != 0) return Status::Invalid(name_ + ": corrupt Avro data: " + avro_strerror());
  --remaining_;
  return &value_;
}

}  // namespace icegraph::iceberg
