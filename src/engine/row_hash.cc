#include "engine/row_hash.h"

#include <absl/container/flat_hash_map.h>
#include <arrow/compute/api.h>
#include <arrow/util/bit_util.h>
#include <arrow/util/hashing.h>  // defines XXH_INLINE_ALL and includes Arrow's xxHash

#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

namespace icegraph::engine {
namespace {

constexpr uint64_t kNullHash = 0x9e3779b97f4a7c15ULL;

uint64_t Mix(uint64_t h) {  // splitmix64 finaliser: spreads every input bit
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

uint64_t Combine(uint64_t seed, uint64_t v) { return Mix(seed ^ (v + 0x9e3779b97f4a7c15ULL + (seed << 6))); }

// XXH3 (Arrow's inlined copy of xxHash): a few multiplies for the short values rows are made of, where
// std::hash's murmur loop cost 45 instructions a value. Hashes live only within a run: nothing stores them.
uint64_t HashBytes(const uint8_t* data, size_t n) { return XXH3_64bits(data, n); }

bool IsBookkeeping(const std::string& name) { return name == "_pos" || name == "_file"; }

// Appends the hash of every slot of `a` to `out` (sized a.length()).
Status HashArray(const arrow::Array& a, std::vector<uint64_t>* out);

template <typename OffsetT>
Status HashBinary(const arrow::Array& a, std::vector<uint64_t>* out) {
  const auto* offsets = a.data()->GetValues<OffsetT>(1);
  const uint8_t* data = a.data()->buffers[2] ? a.data()->buffers[2]->data() : nullptr;
  for (int64_t i = 0; i < a.length(); ++i) {
    (*out)[i] =
        a.IsNull(i) ? kNullHash : HashBytes(data + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i]));
  }
  return Status::OK();
}

template <typename OffsetT>
Status HashList(const arrow::Array& a, const arrow::Array& child, std::vector<uint64_t>* out) {
  std::vector<uint64_t> child_hashes(static_cast<size_t>(child.length()));
  ICEGRAPH_RETURN_NOT_OK(HashArray(child, &child_hashes));
  const auto* offsets = a.data()->GetValues<OffsetT>(1);
  for (int64_t i = 0; i < a.length(); ++i) {
    if (a.IsNull(i)) {
      (*out)[i] = kNullHash;
      continue;
    }
    uint64_t h = Mix(static_cast<uint64_t>(offsets[i + 1] - offsets[i]));
    for (OffsetT j = offsets[i]; j < offsets[i + 1]; ++j) h = Combine(h, child_hashes[static_cast<size_t>(j)]);
    (*out)[i] = h;
  }
  return Status::OK();
}

template <typename Word>
Status HashWords(const arrow::Array& a, const uint8_t* data, std::vector<uint64_t>* out) {
  const uint8_t* validity = a.null_bitmap_data();
  const int64_t offset = a.offset();
  // Without a bitmap every slot is valid, unless all are null (as Array::IsNull reads it).
  const bool all_null = validity == nullptr && a.length() > 0 && a.null_count() == a.length();
  for (int64_t i = 0; i < a.length(); ++i) {
    Word v;
    std::memcpy(&v, data + i * static_cast<int64_t>(sizeof(Word)), sizeof(Word));
    const bool valid = validity == nullptr ? !all_null : arrow::bit_util::GetBit(validity, offset + i);
    (*out)[static_cast<size_t>(i)] = valid ? Mix(static_cast<uint64_t>(v)) : kNullHash;
  }
  return Status::OK();
}

Status HashArray(const arrow::Array& a, std::vector<uint64_t>* out) {
  out->resize(static_cast<size_t>(a.length()));
  const arrow::DataType& type = *a.type();
  switch (type.id()) {
    case arrow::Type::NA: std::fill(out->begin(), out->end(), kNullHash); return Status::OK();
    case arrow::Type::BOOL: {
      const auto& b = static_cast<const arrow::BooleanArray&>(a);
      for (int64_t i = 0; i < a.length(); ++i) (*out)[i] = b.IsNull(i) ? kNullHash : Mix(b.Value(i) ? 2 : 1);
      return Status::OK();
    }
    case arrow::Type::STRING:
    case arrow::Type::BINARY: return HashBinary<int32_t>(a, out);
    case arrow::Type::LARGE_STRING:
    case arrow::Type::LARGE_BINARY: return HashBinary<int64_t>(a, out);
    case arrow::Type::LIST:
    case arrow::Type::MAP: return HashList<int32_t>(a, *static_cast<const arrow::ListArray&>(a).values(), out);
    case arrow::Type::LARGE_LIST:
      return HashList<int64_t>(a, *static_cast<const arrow::LargeListArray&>(a).values(), out);
    case arrow::Type::STRUCT: {
      const auto& s = static_cast<const arrow::StructArray&>(a);
      std::fill(out->begin(), out->end(), Mix(static_cast<uint64_t>(s.num_fields())));
      std::vector<uint64_t> field_hashes;
      for (int f = 0; f < s.num_fields(); ++f) {
        auto field = s.GetFlattenedField(f);
        if (!field.ok()) return Status::Internal("hashing a struct column: " + field.status().ToString());
        ICEGRAPH_RETURN_NOT_OK(HashArray(**field, &field_hashes));
        for (int64_t i = 0; i < a.length(); ++i) (*out)[i] = Combine((*out)[i], field_hashes[i]);
      }
      for (int64_t i = 0; i < a.length(); ++i) {
        if (s.IsNull(i)) (*out)[i] = kNullHash;
      }
      return Status::OK();
    }
    case arrow::Type::DICTIONARY: {  // by value: two batches' dictionaries may order the same values differently
      const auto& d = static_cast<const arrow::DictionaryArray&>(a);
      std::vector<uint64_t> dict_hashes;
      ICEGRAPH_RETURN_NOT_OK(HashArray(*d.dictionary(), &dict_hashes));
      for (int64_t i = 0; i < a.length(); ++i) {
        (*out)[i] = a.IsNull(i) ? kNullHash : dict_hashes[static_cast<size_t>(d.GetValueIndex(i))];
      }
      return Status::OK();
    }
    default: break;
  }
  if (arrow::is_fixed_width(type.id()) && type.byte_width() > 0) {
    // Integers, floats, dates, times, timestamps, decimals, fixed-size binary: their bytes are their value.
    const int width = type.byte_width();
    const uint8_t* data = a.data()->buffers[1]->data() + a.offset() * width;
    // One value is one word: splitmix64 of it (a bijection), without XXH3's length dispatch.
    if (width == 8) return HashWords<uint64_t>(a, data, out);
    if (width == 4) return HashWords<uint32_t>(a, data, out);
    for (int64_t i = 0; i < a.length(); ++i) {
      (*out)[i] = a.IsNull(i) ? kNullHash : HashBytes(data + i * width, static_cast<size_t>(width));
    }
    return Status::OK();
  }
  // Rare types (dictionary, views, unions): hash their printed scalar; RowsEqual still compares exactly.
  for (int64_t i = 0; i < a.length(); ++i) {
    if (a.IsNull(i)) {
      (*out)[i] = kNullHash;
      continue;
    }
    auto s = a.GetScalar(i);
    if (!s.ok()) return Status::Internal("hashing column of type " + type.ToString() + ": " + s.status().ToString());
    const std::string text = (*s)->ToString();
    (*out)[i] = HashBytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<uint64_t>> HashRows(const arrow::RecordBatch& batch) {
  std::vector<uint64_t> rows(static_cast<size_t>(batch.num_rows()), Mix(0));
  std::vector<uint64_t> col;
  for (int c = 0; c < batch.num_columns(); ++c) {
    if (IsBookkeeping(batch.schema()->field(c)->name())) continue;
    ICEGRAPH_RETURN_NOT_OK(HashArray(*batch.column(c), &col));
    // Column hashes are mixed already: a multiply folds each in (order matters), one Mix per row finishes.
    for (size_t r = 0; r < rows.size(); ++r) rows[r] = (rows[r] ^ col[r]) * 0x9e3779b97f4a7c15ULL;
  }
  for (auto& h : rows) h = Mix(h);
  return rows;
}

const arrow::EqualOptions kSameBits = arrow::EqualOptions::Defaults().nans_equal(true);

namespace {

// Compares rows of two batches of one layout: the column pairing and a typed comparison per column are chosen once
// per pair of batches, so a row costs a few loads and one memcmp per column, not a generic Arrow visitor.
class RowComparator {
 public:
  RowComparator(const arrow::RecordBatch& a, const arrow::RecordBatch& b) {
    int cb = 0;
    for (int ca = 0; ca < a.num_columns(); ++ca) {
      if (IsBookkeeping(a.schema()->field(ca)->name())) continue;
      while (cb < b.num_columns() && IsBookkeeping(b.schema()->field(cb)->name())) ++cb;
      if (cb >= b.num_columns()) return;
      const arrow::Field& fa = *a.schema()->field(ca);
      const arrow::Field& fb = *b.schema()->field(cb);
      if (fa.name() != fb.name() || !fa.type()->Equals(*fb.type())) return;
      columns_.push_back(Column::Of(*a.column(ca), *b.column(cb)));
      ++cb;
    }
    while (cb < b.num_columns() && IsBookkeeping(b.schema()->field(cb)->name())) ++cb;
    comparable_ = cb == b.num_columns();
  }

  bool Equal(int64_t ra, int64_t rb) const {
    if (!comparable_) return false;
    for (const Column& c : columns_) {
      if (!c.Equal(ra, rb)) return false;
    }
    return true;
  }

 private:
  struct Column {
    enum class Kind { kFixed, kBinary32, kBinary64, kDictionary, kOther } kind = Kind::kOther;
    const arrow::Array* a = nullptr;
    const arrow::Array* b = nullptr;
    int width = 0;
    // Spans of the two arrays, resolved once: a row's comparison reads their buffers without a pointer chase.
    arrow::ArraySpan sa;
    arrow::ArraySpan sb;

    static Column Of(const arrow::Array& a, const arrow::Array& b) {
      Column c{Kind::kOther, &a, &b, 0, arrow::ArraySpan(*a.data()), arrow::ArraySpan(*b.data())};
      const arrow::DataType& t = *a.type();
      switch (t.id()) {
        case arrow::Type::STRING:
        case arrow::Type::BINARY: c.kind = Kind::kBinary32; break;
        case arrow::Type::LARGE_STRING:
        case arrow::Type::LARGE_BINARY: c.kind = Kind::kBinary64; break;
        case arrow::Type::BOOL: break;
        case arrow::Type::DICTIONARY: c.kind = Kind::kDictionary; break;
        default:
          if (arrow::is_fixed_width(t.id()) && t.byte_width() > 0) {
            c.kind = Kind::kFixed;
            c.width = t.byte_width();
          }
      }
      return c;
    }

    template <typename OffsetT>
    static std::string_view View(const arrow::ArraySpan& x, int64_t r) {
      const auto* offsets = x.GetValues<OffsetT>(1);
      const uint8_t* data = x.buffers[2].data;
      if (data == nullptr) return {};
      return {reinterpret_cast<const char*>(data) + offsets[r], static_cast<size_t>(offsets[r + 1] - offsets[r])};
    }

    bool Equal(int64_t ra, int64_t rb) const {
      const bool na = sa.IsNull(ra);
      if (na != sb.IsNull(rb)) return false;
      if (na) return true;
      switch (kind) {
        case Kind::kFixed: {
          // Same bits, so a NaN carried over equals itself (as RowsEqual's nans_equal does).
          const uint8_t* x = sa.buffers[1].data + (sa.offset + ra) * width;
          const uint8_t* y = sb.buffers[1].data + (sb.offset + rb) * width;
          if (width == 8) return std::memcmp(x, y, 8) == 0;  // a constant size: one load each
          return std::memcmp(x, y, static_cast<size_t>(width)) == 0;
        }
        case Kind::kBinary32: return View<int32_t>(sa, ra) == View<int32_t>(sb, rb);
        case Kind::kBinary64: return View<int64_t>(sa, ra) == View<int64_t>(sb, rb);
        case Kind::kDictionary: {  // the values the indices name, in each batch's own dictionary
          const auto& da = static_cast<const arrow::DictionaryArray&>(*a);
          const auto& db = static_cast<const arrow::DictionaryArray&>(*b);
          const int64_t ia = da.GetValueIndex(ra);
          return da.dictionary()->RangeEquals(ia, ia + 1, db.GetValueIndex(rb), *db.dictionary(), kSameBits);
        }
        case Kind::kOther: return a->RangeEquals(ra, ra + 1, rb, *b, kSameBits);
      }
      return false;
    }
  };

  std::vector<Column> columns_;
  bool comparable_ = false;
};

}  // namespace

bool RowsEqual(const arrow::RecordBatch& a, int64_t ra, const arrow::RecordBatch& b, int64_t rb) {
  return RowComparator(a, b).Equal(ra, rb);
}

Status RowChanges::AddRemoved(std::shared_ptr<arrow::RecordBatch> batch) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto hashes, HashRows(*batch));
  Add(true, std::move(batch), std::move(hashes));
  return Status::OK();
}

Status RowChanges::AddAdded(std::shared_ptr<arrow::RecordBatch> batch) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto hashes, HashRows(*batch));
  Add(false, std::move(batch), std::move(hashes));
  return Status::OK();
}

void RowChanges::Add(bool removed, std::shared_ptr<arrow::RecordBatch> batch, std::vector<uint64_t> hashes) {
  (removed ? removed_hashes_ : added_hashes_).push_back(std::move(hashes));
  (removed ? removed_ : added_).push_back(std::move(batch));
}

namespace {

// Keeps the rows of `batches` whose mask entry is false: as zero-copy slices when they form a few runs (a rewrite
// keeps or changes rows in stretches), else through Arrow's filter.
Status DropMasked(std::vector<std::shared_ptr<arrow::RecordBatch>>* batches,
                  const std::vector<std::vector<bool>>& masked) {
  std::vector<std::shared_ptr<arrow::RecordBatch>> kept;
  for (size_t i = 0; i < batches->size(); ++i) {
    const auto& m = masked[i];
    const int64_t n = std::count(m.begin(), m.end(), false);
    if (n == 0) continue;
    if (n == static_cast<int64_t>(m.size())) {
      kept.push_back((*batches)[i]);
      continue;
    }
    std::vector<std::pair<int64_t, int64_t>> runs;  // [begin, end) of kept rows
    for (size_t r = 0; r < m.size();) {
      if (m[r]) {
        ++r;
        continue;
      }
      const size_t begin = r;
      while (r < m.size() && !m[r]) ++r;
      runs.emplace_back(static_cast<int64_t>(begin), static_cast<int64_t>(r));
    }
    if (runs.size() <= std::max<size_t>(8, m.size() / 4096)) {
      for (const auto& [begin, end] : runs) kept.push_back((*batches)[i]->Slice(begin, end - begin));
      continue;
    }
    arrow::BooleanBuilder keep;
    if (!keep.Reserve(static_cast<int64_t>(m.size())).ok()) return Status::Internal("carry-over mask");
    for (const bool x : m) keep.UnsafeAppend(!x);
    std::shared_ptr<arrow::Array> mask;
    if (!keep.Finish(&mask).ok()) return Status::Internal("carry-over mask");
    auto filtered = arrow::compute::Filter((*batches)[i], mask);
    if (!filtered.ok()) return Status::Internal("dropping carried-over rows: " + filtered.status().ToString());
    kept.push_back(filtered->record_batch());
  }
  *batches = std::move(kept);
  return Status::OK();
}

}  // namespace

Status RowChanges::Cancel() {
  // Removed rows chained by hash (several per hash: duplicates or collisions), each used at most once.
  struct Entry {
    uint32_t batch;
    int32_t next;  // the next removed row of the same hash, -1 at the end
    int64_t row;
  };
  std::vector<Entry> entries;
  absl::flat_hash_map<uint64_t, int32_t> head;
  size_t total = 0;
  for (const auto& h : removed_hashes_) total += h.size();
  if (total > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::Invalid("carry-over detection: more than 2^31 removed rows in one run");
  }
  entries.reserve(total);
  head.reserve(total);
  for (size_t b = 0; b < removed_hashes_.size(); ++b) {
    for (size_t r = 0; r < removed_hashes_[b].size(); ++r) {
      auto [it, fresh] = head.try_emplace(removed_hashes_[b][r], static_cast<int32_t>(entries.size()));
      entries.push_back({static_cast<uint32_t>(b), fresh ? -1 : it->second, static_cast<int64_t>(r)});
      if (!fresh) it->second = static_cast<int32_t>(entries.size() - 1);
    }
  }
  std::vector<std::vector<bool>> removed_mask(removed_.size());
  std::vector<std::vector<bool>> added_mask(added_.size());
  for (size_t b = 0; b < removed_.size(); ++b) removed_mask[b].assign(removed_hashes_[b].size(), false);
  std::vector<std::optional<RowComparator>> compare(removed_.size());
  for (size_t b = 0; b < added_.size(); ++b) {
    added_mask[b].assign(added_hashes_[b].size(), false);
    if (head.empty()) continue;
    for (auto& c : compare) c.reset();  // comparators pair this added batch with each removed one
    for (size_t r = 0; r < added_hashes_[b].size(); ++r) {
      const auto h = head.find(added_hashes_[b][r]);
      if (h == head.end()) continue;
      for (int32_t* link = &h->second; *link >= 0; link = &entries[static_cast<size_t>(*link)].next) {
        const Entry& e = entries[static_cast<size_t>(*link)];
        auto& cmp = compare[e.batch];
        if (!cmp) cmp.emplace(*added_[b], *removed_[e.batch]);
        if (!cmp->Equal(static_cast<int64_t>(r), e.row)) continue;  // a hash collision
        added_mask[b][r] = true;
        removed_mask[e.batch][static_cast<size_t>(e.row)] = true;
        *link = e.next;  // used: unlinked from its chain
        ++cancelled_;
        break;
      }
    }
  }
  ICEGRAPH_RETURN_NOT_OK(DropMasked(&removed_, removed_mask));
  ICEGRAPH_RETURN_NOT_OK(DropMasked(&added_, added_mask));
  removed_hashes_.clear();
  added_hashes_.clear();
  return Status::OK();
}

}  // namespace icegraph::engine
