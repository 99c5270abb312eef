#include "iceberg/deletion_vector.h"

#include <arrow/buffer.h>
#include <arrow/io/interfaces.h>

#include <array>
#include <string>

#include "iceberg/arrow_conform.h"

namespace icegraph::iceberg {
namespace {

constexpr uint8_t kMagic[4] = {0xD1, 0xD3, 0x39, 0x64};
constexpr uint32_t kCookieNoRuns = 12346;  // Roaring "portable" format cookies
constexpr uint32_t kCookieRuns = 12347;
constexpr uint32_t kNoOffsetThreshold = 4;
constexpr uint32_t kMaxArrayCardinality = 4096;

// CRC-32 (IEEE, as java.util.zip.CRC32 computes it).
uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (const char ch : data) crc = table[(crc ^ static_cast<uint8_t>(ch)) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

// Bounds-checked little-endian reads over the blob.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool Has(size_t n) const { return pos_ + n <= s_.size(); }
  uint64_t Le(size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(s_[pos_ + i])) << (8 * i);
    pos_ += n;
    return v;
  }
  size_t pos() const { return pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Status Corrupt(const std::string& what) { return Status::Invalid("deletion vector: " + what); }

// One 32-bit Roaring bitmap in portable format; appends (high << 32 | low) for each member.
Status ReadRoaring32(Reader& r, uint64_t high, std::vector<int64_t>* out) {
  if (!r.Has(4)) return Corrupt("truncated bitmap header");
  const auto cookie = static_cast<uint32_t>(r.Le(4));
  uint32_t containers = 0;
  std::vector<uint8_t> run_flags;
  const bool has_runs = (cookie & 0xFFFF) == kCookieRuns;
  if (has_runs) {
    containers = (cookie >> 16) + 1;
    const size_t bytes = (containers + 7) / 8;
    if (!r.Has(bytes)) return Corrupt("truncated run flags");
    for (size_t i = 0; i < bytes; ++i) run_flags.push_back(static_cast<uint8_t>(r.Le(1)));
  } else if (cookie == kCookieNoRuns) {
    if (!r.Has(4)) return Corrupt("truncated container count");
    containers = static_cast<uint32_t>(r.Le(4));
  } else {
    return Corrupt("unknown Roaring cookie " + std::to_string(cookie));
  }
  if (!r.Has(size_t{4} * containers)) return Corrupt("truncated container headers");
  std::vector<uint16_t> keys(containers);
  std::vector<uint32_t> cardinalities(containers);
  for (uint32_t i = 0; i < containers; ++i) {
    keys[i] = static_cast<uint16_t>(r.Le(2));
    cardinalities[i] = static_cast<uint32_t>(r.Le(2)) + 1;
  }
  if (!has_runs || containers >= kNoOffsetThreshold) {
    if (!r.Has(size_t{4} * containers)) return Corrupt("truncated offsets");
    r.Le(size_t{4} * containers);  // offsets: containers follow in order, so they are not needed
  }
  for (uint32_t i = 0; i < containers; ++i) {
    const uint64_t base = high << 32 | static_cast<uint64_t>(keys[i]) << 16;
    const bool is_run = has_runs && (run_flags[i / 8] >> (i % 8) & 1) != 0;
    if (is_run) {
      if (!r.Has(2)) return Corrupt("truncated run container");
      const auto runs = static_cast<uint32_t>(r.Le(2));
      if (!r.Has(size_t{4} * runs)) return Corrupt("truncated run container");
      for (uint32_t k = 0; k < runs; ++k) {
        const auto start = static_cast<uint32_t>(r.Le(2));
        const auto length = static_cast<uint32_t>(r.Le(2));
        if (start + length > 0xFFFF) return Corrupt("run past the container");
        for (uint32_t v = start; v <= start + length; ++v) out->push_back(static_cast<int64_t>(base | v));
      }
    } else if (cardinalities[i] <= kMaxArrayCardinality) {
      if (!r.Has(size_t{2} * cardinalities[i])) return Corrupt("truncated array container");
      for (uint32_t k = 0; k < cardinalities[i]; ++k) out->push_back(static_cast<int64_t>(base | r.Le(2)));
    } else {
      if (!r.Has(8192)) return Corrupt("truncated bitmap container");
      for (uint32_t w = 0; w < 1024; ++w) {
        uint64_t word = r.Le(8);
        while (word != 0) {
          const int bit = __builtin_ctzll(word);
          out->push_back(static_cast<int64_t>(base | (w * 64 + static_cast<uint32_t>(bit))));
          word &= word - 1;
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<int64_t>> DecodeDeletionVector(std::string_view blob) {
  if (blob.size() < 12) return Corrupt("blob of " + std::to_string(blob.size()) + " bytes is too short");
  const auto be32 = [](std::string_view s) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(s[static_cast<size_t>(i)]);
    return v;
  };
  const uint32_t length = be32(blob.substr(0, 4));
  if (length + size_t{8} != blob.size())
    return Corrupt("length field " + std::to_string(length) + " does not match blob size " +
                   std::to_string(blob.size()));
  const std::string_view body = blob.substr(4, length);  // magic + bitmap
  for (int i = 0; i < 4; ++i) {
    if (static_cast<uint8_t>(body[static_cast<size_t>(i)]) != kMagic[i]) return Corrupt("bad magic bytes");
  }
  if (Crc32(body) != be32(blob.substr(4 + length))) return Corrupt("CRC-32 mismatch");
  Reader r(body.substr(4));
  if (!r.Has(8)) return Corrupt("truncated bitmap count");
  const uint64_t bitmaps = r.Le(8);
  std::vector<int64_t> positions;
  for (uint64_t b = 0; b < bitmaps; ++b) {
    if (!r.Has(4)) return Corrupt("truncated bitmap key");
    const uint64_t key = r.Le(4);
    if ((key & 0x80000000u) != 0) return Corrupt("negative position key");
    ICEGRAPH_RETURN_NOT_OK(ReadRoaring32(r, key, &positions));
  }
  // Keys ascend and containers within a bitmap ascend, so positions come out sorted.
  return positions;
}

Result<std::vector<int64_t>> ReadDeletionVector(FileIO& io, const DataFile& dv) {
  if (!dv.content_offset || !dv.content_size_in_bytes) {
    return Status::Invalid("deletion vector " + dv.file_path + " has no content_offset/content_size_in_bytes");
  }
  ICEGRAPH_ASSIGN_OR_RAISE(auto input, io.OpenInput(dv.file_path));
  auto buffer = input->ReadAt(*dv.content_offset, *dv.content_size_in_bytes);
  if (!buffer.ok()) return FromArrowStatus(buffer.status(), "reading deletion vector in " + dv.file_path);
  if ((*buffer)->size() != *dv.content_size_in_bytes) return Status::IOError(dv.file_path + ": short read");
  auto positions = DecodeDeletionVector(
      std::string_view(reinterpret_cast<const char*>((*buffer)->data()), static_cast<size_t>((*buffer)->size())));
  if (!positions.ok()) {
    return positions.status().WithContext(dv.file_path + " at offset " + std::to_string(*dv.content_offset));
  }
  return positions;
}

}  // namespace icegraph::iceberg
