#include "iceberg/avro_file.h"

#include <arrow/util/compression.h>

#include <cstdio>
#include <cstring>

namespace icegraph::iceberg {
namespace {

constexpr std::string_view kMagic("Obj\x01", 4);
constexpr size_t kSyncSize = 16;

// Avro binary encoding: zig-zag varints for longs, long-prefixed bytes for strings and bytes.
class BinaryCursor {
 public:
  BinaryCursor(std::string_view bytes, size_t offset) : bytes_(bytes), pos_(offset) {}

  bool ReadLong(int64_t* out) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= bytes_.size()) return false;
      const auto byte = static_cast<uint8_t>(bytes_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *out = static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
        return true;
      }
    }
    return false;
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

// Codecs avro-c 1.11 cannot decode, mapped to Arrow's (the pyarrow wheel ships both).
std::optional<arrow::Compression::type> ArrowCodecFor(const std::string& avro_codec) {
  if (avro_codec == "zstandard") return arrow::Compression::ZSTD;
  if (avro_codec == "bzip2") return arrow::Compression::BZ2;
  return std::nullopt;
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

// The same container with its blocks decompressed and the codec set to "null".
Result<std::string> DecodeBlocks(std::string_view bytes, arrow::Compression::type type, const std::string& name) {
  ICEGRAPH_ASSIGN_OR_RAISE(AvroContainer c, ReadAvroContainer(bytes));
  auto codec = arrow::util::Codec::Create(type);
  if (!codec.ok()) return Status::NotImplemented(name + ": " + codec.status().ToString());
  for (AvroContainer::Block& b : c.blocks) {
    auto decompressor = (*codec)->MakeDecompressor();
    if (!decompressor.ok()) return Status::NotImplemented(name + ": " + decompressor.status().ToString());
    ICEGRAPH_ASSIGN_OR_RAISE(b.data, Decompress(**decompressor, b.data, name));
  }
  c.metadata["avro.codec"] = "null";
  return WriteAvroContainer(c);
}

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

Result<std::unique_ptr<AvroFileReader>> AvroFileReader::Open(std::string bytes, std::string name) {
  size_t data_offset = 0;
  auto header = ReadAvroHeader(bytes, &data_offset);
  if (!header.ok()) return header.status().WithContext(name);
  std::unique_ptr<AvroFileReader> r(new AvroFileReader());
  r->name_ = std::move(name);
  r->metadata_ = std::move(header->metadata);
  const auto codec = r->metadata_.find("avro.codec");
  const std::string codec_name = codec == r->metadata_.end() ? "null" : codec->second;
  if (const auto type = ArrowCodecFor(codec_name)) {
    ICEGRAPH_ASSIGN_OR_RAISE(bytes, DecodeBlocks(bytes, *type, r->name_));
  } else if (codec_name != "null" && codec_name != "deflate" && codec_name != "snappy") {
    // Refused here rather than by avro-c, which leaks on that path.
    return Status::NotImplemented(r->name_ + ": Avro codec '" + codec_name + "' is not supported");
  }
  r->bytes_ = std::move(bytes);
  FILE* fp = fmemopen(r->bytes_.data(), r->bytes_.size(), "rb");
  if (fp == nullptr) return Status::IOError(r->name_ + ": cannot read the file's bytes as a stream");
  // avro-c owns (and closes) the stream from here, also when it fails.
  if (avro_file_reader_fp(fp, r->name_.c_str(), /*should_close=*/1, &r->reader_) != 0) {
    r->reader_ = nullptr;
    return Status::Invalid(r->name_ + ": cannot read the Avro file (codec '" + codec_name + "'): " + avro_strerror());
  }
  avro_schema_t schema = avro_file_reader_get_writer_schema(r->reader_);
  r->iface_ = avro_generic_class_from_schema(schema);
  avro_schema_decref(schema);
  if (r->iface_ == nullptr || avro_generic_value_new(r->iface_, &r->value_) != 0) {
    return Status::Invalid(r->name_ + ": unsupported Avro schema: " + avro_strerror());
  }
  r->has_value_ = true;
  return r;
}

AvroFileReader::~AvroFileReader() {
  if (has_value_) avro_value_decref(&value_);
  if (iface_ != nullptr) avro_value_iface_decref(iface_);
  if (reader_ != nullptr) avro_file_reader_close(reader_);
}

Result<avro_value_t*> AvroFileReader::Next() {
  const int rc = avro_file_reader_read_value(reader_, &value_);
  if (rc == EOF) return static_cast<avro_value_t*>(nullptr);
  if (rc != 0) return Status::Invalid(name_ + ": corrupt Avro data: " + avro_strerror());
  return &value_;
}

}  // namespace icegraph::iceberg
