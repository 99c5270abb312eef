#include "engine/row_hash.h"

#include <absl/container/flat_hash_map.h>
#include <arrow/compute/api.h>
#include <arrow/util/bit_util.h>
#include <arrow/util/hashing.h>  // defines XXH_INLINE_ALL and includes Arrow's xxHash

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <limits>
#include <span>
#include <string_view>
#include <thread>

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
  // One array's buffers, resolved once so a row's comparison is a few loads: no type dispatch, no pointer chase.
  struct Side {
    const uint8_t* validity = nullptr;
    bool all_null = false;  // no bitmap, every slot null (Array::IsNull's rule, which the hashes follow)
    int64_t offset = 0;
    const uint8_t* values = nullptr;  // fixed-width values, or binary offsets
    const uint8_t* data = nullptr;    // binary bytes

    explicit Side(const arrow::Array& x)
        : validity(x.null_bitmap_data()),
          all_null(validity == nullptr && x.length() > 0 && x.null_count() == x.length()),
          offset(x.offset()),
          values(x.data()->buffers.size() > 1 && x.data()->buffers[1] ? x.data()->buffers[1]->data() : nullptr),
          data(x.data()->buffers.size() > 2 && x.data()->buffers[2] ? x.data()->buffers[2]->data() : nullptr) {}

    bool IsNull(int64_t r) const {
      return validity == nullptr ? all_null : !arrow::bit_util::GetBit(validity, offset + r);
    }
    template <typename OffsetT>
    std::string_view View(int64_t r) const {
      if (data == nullptr) return {};
      const auto* o = reinterpret_cast<const OffsetT*>(values) + offset + r;
      return {reinterpret_cast<const char*>(data) + o[0], static_cast<size_t>(o[1] - o[0])};
    }
  };

  struct Column {
    enum class Kind { kFixed, kBinary32, kBinary64, kDictionary, kOther } kind = Kind::kOther;
    const arrow::Array* a = nullptr;
    const arrow::Array* b = nullptr;
    int width = 0;
    Side sa;
    Side sb;

    static Column Of(const arrow::Array& a, const arrow::Array& b) {
      Column c{Kind::kOther, &a, &b, 0, Side(a), Side(b)};
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

    bool Equal(int64_t ra, int64_t rb) const {
      switch (kind) {
        case Kind::kFixed: {
          const bool na = sa.IsNull(ra);
          if (na != sb.IsNull(rb)) return false;
          if (na) return true;
          // Same bits, so a NaN carried over equals itself (as RowsEqual's nans_equal does).
          const uint8_t* x = sa.values + (sa.offset + ra) * width;
          const uint8_t* y = sb.values + (sb.offset + rb) * width;
          if (width == 8) return std::memcmp(x, y, 8) == 0;  // a constant size: one load each
          return std::memcmp(x, y, static_cast<size_t>(width)) == 0;
        }
        case Kind::kBinary32:
        case Kind::kBinary64: {
          const bool na = sa.IsNull(ra);
          if (na != sb.IsNull(rb)) return false;
          if (na) return true;
          return kind == Kind::kBinary32 ? sa.View<int32_t>(ra) == sb.View<int32_t>(rb)
                                         : sa.View<int64_t>(ra) == sb.View<int64_t>(rb);
        }
        case Kind::kDictionary: {  // the values the indices name, in each batch's own dictionary
          if (a->IsNull(ra) != b->IsNull(rb)) return false;
          if (a->IsNull(ra)) return true;
          const auto& da = static_cast<const arrow::DictionaryArray&>(*a);
          const auto& db = static_cast<const arrow::DictionaryArray&>(*b);
          const int64_t ia = da.GetValueIndex(ra);
          return da.dictionary()->RangeEquals(ia, ia + 1, db.GetValueIndex(rb), *db.dictionary(), kSameBits);
        }
        case Kind::kOther: return a->RangeEquals(ra, ra + 1, rb, *b, kSameBits);  // nulls included
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
                  const std::vector<std::vector<uint8_t>>& masked) {
  std::vector<std::shared_ptr<arrow::RecordBatch>> kept;
  for (size_t i = 0; i < batches->size(); ++i) {
    const auto& m = masked[i];
    const int64_t n = std::count(m.begin(), m.end(), uint8_t{0});
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
    for (const uint8_t x : m) keep.UnsafeAppend(x == 0);
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

namespace {

// One row of the change set: its hash and where it sits.
struct Slot {
  uint64_t hash;
  uint32_t batch;
  uint32_t row;
};

// The rows of `hashes` grouped by the top `bits` of their hash (partition p holds slots [begin[p], begin[p+1])), in
// (batch, row) order within each group: a group's hash table then fits in a core's cache, where one table of every
// removed row missed it on each insert and probe.
struct Partitioned {
  std::vector<uint32_t> begin;
  std::vector<Slot> slots;
};

Partitioned PartitionRows(const std::vector<std::vector<uint64_t>>& hashes, int bits, size_t total) {
  const size_t parts = size_t{1} << bits;
  const int shift = 64 - bits;
  Partitioned out;
  out.begin.assign(parts + 1, 0);
  for (const auto& h : hashes) {
    for (const uint64_t x : h) ++out.begin[(x >> shift) + 1];
  }
  for (size_t p = 0; p < parts; ++p) out.begin[p + 1] += out.begin[p];
  std::vector<uint32_t> fill(out.begin.begin(), out.begin.end() - 1);
  out.slots.resize(total);
  for (size_t b = 0; b < hashes.size(); ++b) {
    for (size_t r = 0; r < hashes[b].size(); ++r) {
      const uint64_t x = hashes[b][r];
      out.slots[fill[x >> shift]++] = {x, static_cast<uint32_t>(b), static_cast<uint32_t>(r)};
    }
  }
  return out;
}

// Joins the removed and added rows of some partitions; masks are bytes, so two joiners never share a written word.
class Joiner {
 public:
  Joiner(const std::vector<std::shared_ptr<arrow::RecordBatch>>& removed,
         const std::vector<std::shared_ptr<arrow::RecordBatch>>& added, std::vector<std::vector<uint8_t>>* removed_mask,
         std::vector<std::vector<uint8_t>>* added_mask)
      : removed_(removed), added_(added), removed_mask_(removed_mask), added_mask_(added_mask) {}

  // Each added row cancels the last unused equal removed row of its hash, as one table of all rows did.
  void Join(std::span<const Slot> removed, std::span<const Slot> added) {
    if (removed.empty() || added.empty()) return;
    const size_t cap = std::bit_ceil(removed.size() * 2);
    heads_.assign(cap, {0, kFree});
    next_.resize(removed.size());
    for (size_t i = 0; i < removed.size(); ++i) {
      Head& h = Find(removed[i].hash, cap);
      if (h.first == kFree) h = {removed[i].hash, -1};
      next_[i] = h.first;
      h.first = static_cast<int32_t>(i);
    }
    for (const Slot& a : added) {
      Head& h = Find(a.hash, cap);
      for (int32_t* link = &h.first; *link >= 0; link = &next_[static_cast<size_t>(*link)]) {
        const Slot& e = removed[static_cast<size_t>(*link)];
        if (!Comparator(a.batch, e.batch).Equal(a.row, e.row)) continue;  // a hash collision
        (*added_mask_)[a.batch][a.row] = 1;
        (*removed_mask_)[e.batch][e.row] = 1;
        *link = next_[static_cast<size_t>(*link)];  // used: unlinked from its chain
        ++cancelled_;
        break;
      }
    }
  }

  int64_t cancelled() const { return cancelled_; }

 private:
  // A slot no hash took; a hash whose rows were all used keeps its slot (-1), so probes pass it.
  static constexpr int32_t kFree = -2;
  struct Head {
    uint64_t hash;
    int32_t first;  // the newest unused removed row of this hash, -1 when none is left
  };

  // The slot of `hash`: where it is, or the free one where it goes (linear probing; the table is never full).
  Head& Find(uint64_t hash, size_t cap) {
    for (size_t i = hash & (cap - 1);; i = (i + 1) & (cap - 1)) {
      Head& h = heads_[i];
      if (h.first == kFree || h.hash == hash) return h;
    }
  }

  // The comparator of an (added, removed) pair of batches, built once: its column pairing is per pair.
  const RowComparator& Comparator(uint32_t added, uint32_t removed) {
    const uint64_t key = (uint64_t{added} << 32) | removed;
    if (last_ != nullptr && last_key_ == key) return *last_;
    auto it = comparators_.find(key);
    if (it == comparators_.end()) it = comparators_.try_emplace(key, *added_[added], *removed_[removed]).first;
    last_key_ = key;
    last_ = &it->second;
    return *last_;
  }

  const std::vector<std::shared_ptr<arrow::RecordBatch>>& removed_;
  const std::vector<std::shared_ptr<arrow::RecordBatch>>& added_;
  std::vector<std::vector<uint8_t>>* removed_mask_;
  std::vector<std::vector<uint8_t>>* added_mask_;
  std::vector<Head> heads_;
  std::vector<int32_t> next_;
  absl::flat_hash_map<uint64_t, RowComparator> comparators_;
  uint64_t last_key_ = 0;
  const RowComparator* last_ = nullptr;  // set after each insert, which may move the map's values
  int64_t cancelled_ = 0;
};

}  // namespace

Status RowChanges::Cancel(int threads) {
  size_t removed_rows = 0;
  size_t added_rows = 0;
  for (const auto& h : removed_hashes_) removed_rows += h.size();
  for (const auto& h : added_hashes_) added_rows += h.size();
  constexpr auto kMaxRows = static_cast<size_t>(std::numeric_limits<int32_t>::max());
  if (removed_rows > kMaxRows || added_rows > kMaxRows) {
    return Status::Invalid("carry-over detection: more than 2^31 removed or added rows in one run");
  }
  std::vector<std::vector<uint8_t>> removed_mask(removed_.size());
  std::vector<std::vector<uint8_t>> added_mask(added_.size());
  for (size_t b = 0; b < removed_.size(); ++b) removed_mask[b].assign(removed_hashes_[b].size(), 0);
  for (size_t b = 0; b < added_.size(); ++b) added_mask[b].assign(added_hashes_[b].size(), 0);
  if (removed_rows > 0 && added_rows > 0) {
    // About a thousand removed rows a partition: its table (32 KB) stays in the first-level cache.
    const int bits = std::clamp(static_cast<int>(std::bit_width(removed_rows / 1024)), 1, 12);
    const bool parallel = threads > 1 && removed_rows + added_rows >= 65536;
    Partitioned rp;
    Partitioned ap;
    if (parallel) {
      std::jthread other([&] { ap = PartitionRows(added_hashes_, bits, added_rows); });
      rp = PartitionRows(removed_hashes_, bits, removed_rows);
    } else {
      rp = PartitionRows(removed_hashes_, bits, removed_rows);
      ap = PartitionRows(added_hashes_, bits, added_rows);
    }
    const size_t parts = size_t{1} << bits;
    std::atomic<size_t> next{0};
    constexpr size_t kChunk = 16;  // partitions a joiner takes at a time
    const auto join = [&](Joiner& j) {
      for (size_t p = next.fetch_add(kChunk); p < parts; p = next.fetch_add(kChunk)) {
        for (size_t q = p; q < std::min(parts, p + kChunk); ++q) {
          j.Join(std::span(rp.slots).subspan(rp.begin[q], rp.begin[q + 1] - rp.begin[q]),
                 std::span(ap.slots).subspan(ap.begin[q], ap.begin[q + 1] - ap.begin[q]));
        }
      }
    };
    const size_t n = parallel ? static_cast<size_t>(std::min(threads, 8)) : 1;
    std::vector<Joiner> joiners(n, Joiner(removed_, added_, &removed_mask, &added_mask));
    {
      std::vector<std::jthread> pool;
      for (size_t i = 1; i < n; ++i) pool.emplace_back([&, i] { join(joiners[i]); });
      join(joiners[0]);
    }
    for (const Joiner& j : joiners) cancelled_ += j.cancelled();
  }
  ICEGRAPH_RETURN_NOT_OK(DropMasked(&removed_, removed_mask));
  ICEGRAPH_RETURN_NOT_OK(DropMasked(&added_, added_mask));
  removed_hashes_.clear();
  added_hashes_.clear();
  return Status::OK();
}

}  // namespace icegraph::engine
