#include "iceberg/equality_delete_set.h"

#include <arrow/api.h>
#include <arrow/util/bit_util.h>

#include <cstring>
#include <limits>

namespace icegraph::iceberg {
namespace {

// Each value is a tag byte (0 null, 1 value) then, for values, fixed-width bytes or a 4-byte length and the bytes.
constexpr char kNullTag = 0;
constexpr char kValueTag = 1;

enum class Layout { kNull, kBool, kFixed, kBinary, kLargeBinary, kUnsupported };

Layout LayoutOf(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::NA: return Layout::kNull;
    case arrow::Type::BOOL: return Layout::kBool;
    case arrow::Type::STRING:
    case arrow::Type::BINARY: return Layout::kBinary;
    case arrow::Type::LARGE_STRING:
    case arrow::Type::LARGE_BINARY: return Layout::kLargeBinary;
    default:
      return arrow::is_fixed_width(type.id()) && !arrow::is_nested(type.id()) ? Layout::kFixed : Layout::kUnsupported;
  }
}

size_t ByteWidth(const arrow::DataType& type) {
  return static_cast<size_t>(static_cast<const arrow::FixedWidthType&>(type).bit_width() / 8);
}

template <typename Offset>
size_t BinaryLength(const arrow::ArrayData& d, int64_t i) {
  const Offset* offsets = d.GetValues<Offset>(1);
  return static_cast<size_t>(offsets[i + 1] - offsets[i]);
}

// Pass 1: bytes each row's value of this column takes.
void AddSizes(const arrow::Array& a, Layout layout, int64_t n, size_t* sizes) {
  const arrow::ArrayData& d = *a.data();
  const size_t width = layout == Layout::kFixed ? ByteWidth(*a.type()) : (layout == Layout::kBool ? 1 : 0);
  for (int64_t i = 0; i < n; ++i) {
    size_t s = 1;
    if (a.IsValid(i)) {
      if (layout == Layout::kBinary)
        s += 4 + BinaryLength<int32_t>(d, i);
      else if (layout == Layout::kLargeBinary)
        s += 4 + BinaryLength<int64_t>(d, i);
      else
        s += width;
    }
    sizes[i] += s;
  }
}

template <typename Offset>
void WriteBinary(const arrow::Array& a, int64_t n, char* out, size_t* cursor) {
  const arrow::ArrayData& d = *a.data();
  const Offset* offsets = d.GetValues<Offset>(1);
  const char* bytes = reinterpret_cast<const char*>(d.buffers[2] ? d.buffers[2]->data() : nullptr);
  for (int64_t i = 0; i < n; ++i) {
    char* p = out + cursor[i];
    if (!a.IsValid(i)) {
      *p = kNullTag;
      cursor[i] += 1;
      continue;
    }
    const auto len = static_cast<uint32_t>(offsets[i + 1] - offsets[i]);
    *p++ = kValueTag;
    std::memcpy(p, &len, 4);
    if (len > 0) std::memcpy(p + 4, bytes + offsets[i], len);
    cursor[i] += 5 + len;
  }
}

// Pass 2: write this column's bytes at each row's cursor.
void WriteValues(const arrow::Array& a, Layout layout, int64_t n, char* out, size_t* cursor) {
  const arrow::ArrayData& d = *a.data();
  switch (layout) {
    case Layout::kNull:
      for (int64_t i = 0; i < n; ++i) out[cursor[i]++] = kNullTag;
      return;
    case Layout::kBool: {
      const uint8_t* bits = d.buffers[1]->data();
      for (int64_t i = 0; i < n; ++i) {
        char* p = out + cursor[i];
        const bool valid = a.IsValid(i);
        p[0] = valid ? kValueTag : kNullTag;
        if (valid) p[1] = static_cast<char>(arrow::bit_util::GetBit(bits, d.offset + i));
        cursor[i] += valid ? 2 : 1;
      }
      return;
    }
    case Layout::kFixed: {
      const size_t width = ByteWidth(*a.type());
      const char* values = reinterpret_cast<const char*>(d.buffers[1]->data()) + static_cast<size_t>(d.offset) * width;
      for (int64_t i = 0; i < n; ++i) {
        char* p = out + cursor[i];
        const bool valid = a.IsValid(i);
        p[0] = valid ? kValueTag : kNullTag;
        if (valid) std::memcpy(p + 1, values + static_cast<size_t>(i) * width, width);
        cursor[i] += valid ? 1 + width : 1;
      }
      return;
    }
    case Layout::kBinary: WriteBinary<int32_t>(a, n, out, cursor); return;
    case Layout::kLargeBinary: WriteBinary<int64_t>(a, n, out, cursor); return;
    case Layout::kUnsupported: return;
  }
}

// 64-bit hash of a short byte string, 8 bytes at a time (murmur3's finaliser as the mixer).
uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

uint64_t HashBytes(std::string_view key) {
  const char* p = key.data();
  size_t n = key.size();
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t v = 0;
    std::memcpy(&v, p, 8);
    h = Mix(h ^ v);
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  return Mix(h ^ tail);
}

}  // namespace

Status EncodeKeyTuples(const std::vector<std::shared_ptr<arrow::Array>>& columns, int64_t num_rows, std::string* arena,
                       std::vector<size_t>* offsets) {
  std::vector<Layout> layouts;
  for (const auto& c : columns) {
    if (c->length() < num_rows) return Status::Internal("equality key column shorter than the batch");
    const Layout layout = LayoutOf(*c->type());
    if (layout == Layout::kUnsupported || (layout == Layout::kFixed && c->type()->bit_width() % 8 != 0)) {
      return Status::NotImplemented("equality deletes on " + c->type()->ToString() + " columns are not supported");
    }
    layouts.push_back(layout);
  }
  const auto n = static_cast<size_t>(num_rows);
  // offsets[i + 1] first collects row i's size; a prefix sum turns sizes into starts.
  offsets->assign(n + 1, 0);
  size_t* o = offsets->data();
  for (size_t c = 0; c < columns.size(); ++c) AddSizes(*columns[c], layouts[c], num_rows, o + 1);
  for (size_t i = 0; i < n; ++i) o[i + 1] += o[i];
  arena->resize(o[n]);
  // Write column by column, using offsets[i] as row i's cursor; afterwards it points at row i's end.
  for (size_t c = 0; c < columns.size(); ++c) WriteValues(*columns[c], layouts[c], num_rows, arena->data(), o);
  for (size_t i = n; i > 0; --i) o[i] = o[i - 1];
  o[0] = 0;
  return Status::OK();
}

uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 32) | 1; }

bool EqualityDeleteSet::Contains(uint64_t hash, std::string_view key) const {
  if (slots_.empty()) return false;
  const size_t mask = slots_.size() - 1;
  const uint32_t tag = Tag(hash);
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot s = slots_[i];
    if (s.tag == 0) return false;
    if (s.tag != tag) continue;
    uint32_t length = 0;
    std::memcpy(&length, keys_.data() + s.offset, 4);
    if (length == key.size() && std::memcmp(keys_.data() + s.offset + 4, key.data(), key.size()) == 0) return true;
  }
}

Status EqualityDeleteSet::Insert(uint64_t hash, std::string_view key) {
  if (Contains(hash, key)) return Status::OK();  // duplicate tuple
  if (keys_.size() + 4 + key.size() > std::numeric_limits<uint32_t>::max()) {
    return Status::NotImplemented("equality delete keys beyond 4 GiB for one data file");
  }
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i].tag != 0) i = (i + 1) & mask;
  slots_[i] = {Tag(hash), static_cast<uint32_t>(keys_.size())};
  const auto length = static_cast<uint32_t>(key.size());
  keys_.append(reinterpret_cast<const char*>(&length), 4);
  keys_.append(key);
  ++size_;
  return Status::OK();
}

void EqualityDeleteSet::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.tag == 0) continue;
    uint32_t length = 0;
    std::memcpy(&length, keys_.data() + s.offset, 4);
    size_t i = HashBytes(std::string_view(keys_.data() + s.offset + 4, length)) & mask;
    while (slots_[i].tag != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

Status EqualityDeleteSet::Add(const std::vector<std::shared_ptr<arrow::Array>>& columns, int64_t num_rows) {
  if (columns.size() != field_ids_.size()) return Status::Internal("equality delete columns do not match field ids");
  ICEGRAPH_RETURN_NOT_OK(EncodeKeyTuples(columns, num_rows, &scratch_arena_, &scratch_offsets_));
  for (size_t i = 0; i + 1 < scratch_offsets_.size(); ++i) {
    const std::string_view key(scratch_arena_.data() + scratch_offsets_[i],
                               scratch_offsets_[i + 1] - scratch_offsets_[i]);
    ICEGRAPH_RETURN_NOT_OK(Insert(HashBytes(key), key));
  }
  return Status::OK();
}

Status EqualityDeleteSet::Mark(const std::vector<std::shared_ptr<arrow::Array>>& columns, int64_t num_rows,
                               uint8_t* deleted) {
  if (size_ == 0) return Status::OK();
  if (columns.size() != field_ids_.size()) return Status::Internal("equality key columns do not match field ids");
  ICEGRAPH_RETURN_NOT_OK(EncodeKeyTuples(columns, num_rows, &scratch_arena_, &scratch_offsets_));
  const auto n = static_cast<size_t>(num_rows);
  const char* arena = scratch_arena_.data();
  const size_t* offsets = scratch_offsets_.data();
  scratch_hashes_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    scratch_hashes_[i] = HashBytes(std::string_view(arena + offsets[i], offsets[i + 1] - offsets[i]));
  }
  // Probes miss the cache on large sets: fetch the slot a few rows ahead.
  constexpr size_t kAhead = 16;
  const size_t mask = slots_.size() - 1;
  for (size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) __builtin_prefetch(&slots_[scratch_hashes_[i + kAhead] & mask]);
    const std::string_view key(arena + offsets[i], offsets[i + 1] - offsets[i]);
    if (Contains(scratch_hashes_[i], key)) deleted[i] = 1;
  }
  return Status::OK();
}

}  // namespace icegraph::iceberg
