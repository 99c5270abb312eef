#include "sink/value_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>

namespace icegraph::sink {
namespace {

using mapping::TgKind;

arrow::Type::type ExpectedTypeId(TgKind kind) {
  switch (kind) {
    case TgKind::kInt: return arrow::Type::INT64;
    case TgKind::kUint: return arrow::Type::UINT64;
    case TgKind::kFloat: return arrow::Type::FLOAT;
    case TgKind::kDouble: return arrow::Type::DOUBLE;
    case TgKind::kBool: return arrow::Type::BOOL;
    case TgKind::kString: return arrow::Type::STRING;
    case TgKind::kDatetime: return arrow::Type::TIMESTAMP;
    case TgKind::kList:
    case TgKind::kSet: return arrow::Type::LIST;
    case TgKind::kMap: return arrow::Type::MAP;
  }
  return arrow::Type::NA;
}

Result<std::unique_ptr<ColumnView>> ScalarView(TgKind kind, const arrow::Array* array, std::string_view name) {
  auto view = std::make_unique<ColumnView>();
  view->kind = kind;
  view->array = array;
  if (array == nullptr || array->type_id() != ExpectedTypeId(kind)) {
    return Status::TypeError(fmt::format("column '{}': expected the canonical Arrow type of {}, got {}", name,
                                         mapping::TgType{kind}.ToGsql(),
                                         array == nullptr ? "no array" : array->type()->ToString()));
  }
  if (kind == TgKind::kDatetime &&
      static_cast<const arrow::TimestampType&>(*array->type()).unit() != arrow::TimeUnit::SECOND) {
    return Status::TypeError(fmt::format("column '{}': DATETIME must be timestamp(second)", name));
  }
  return view;
}

}  // namespace

bool IsCollection(TgKind kind) { return kind == TgKind::kList || kind == TgKind::kSet || kind == TgKind::kMap; }

Result<ColumnView> MakeColumnView(const mapping::TgType& type, const arrow::Array* array, std::string_view name) {
  ColumnView view;
  view.kind = type.kind;
  view.array = array;
  if (array == nullptr || array->type_id() != ExpectedTypeId(type.kind)) {
    return Status::TypeError(fmt::format("column '{}': expected {} ({}), got {}", name,
                                         mapping::CanonicalArrowType(type)->ToString(), type.ToGsql(),
                                         array == nullptr ? "no array" : array->type()->ToString()));
  }
  if (type.kind == TgKind::kList || type.kind == TgKind::kSet) {
    const auto* list = static_cast<const arrow::ListArray*>(array);
    ICEGRAPH_ASSIGN_OR_RAISE(view.elem, ScalarView(type.elem, list->values().get(), name));
  } else if (type.kind == TgKind::kMap) {
    const auto* map = static_cast<const arrow::MapArray*>(array);
    ICEGRAPH_ASSIGN_OR_RAISE(view.key, ScalarView(type.key, map->keys().get(), name));
    ICEGRAPH_ASSIGN_OR_RAISE(view.elem, ScalarView(type.value, map->items().get(), name));
  } else {
    ICEGRAPH_ASSIGN_OR_RAISE(auto scalar, ScalarView(type.kind, array, name));
    (void)scalar;
  }
  return view;
}

Result<ColumnView> MakeIdView(const arrow::Array* array, std::string_view name) {
  return MakeColumnView(mapping::TgType{TgKind::kString}, array, name);
}

namespace {

// Shortest round-trip text of a number, appended without a temporary string.
template <typename T>
void AppendChars(T v, std::string* out) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(r.ptr - buf));  // (pointer, length): not the iterator overload's replace
}

}  // namespace

void AppendInt(int64_t v, std::string* out) { AppendChars(v, out); }
void AppendUint(uint64_t v, std::string* out) { AppendChars(v, out); }
void AppendDouble(double v, std::string* out) {
  char buf[kMaxDoubleChars];
  const char* end = WriteDouble(v, buf);
  out->append(buf, static_cast<size_t>(end - buf));
}

namespace {

constexpr uint64_t kPow10u[] = {1ULL,
                                10ULL,
                                100ULL,
                                1000ULL,
                                10000ULL,
                                100000ULL,
                                1000000ULL,
                                10000000ULL,
                                100000000ULL,
                                1000000000ULL,
                                10000000000ULL,
                                100000000000ULL,
                                1000000000000ULL,
                                10000000000000ULL,
                                100000000000000ULL,
                                1000000000000000ULL,
                                10000000000000000ULL,
                                100000000000000000ULL,
                                1000000000000000000ULL,
                                10000000000000000000ULL};

// Digits of v > 0 without a division per digit: log10 estimated from the bit width, corrected by one comparison.
int DecimalDigits(uint64_t v) {
  const int t = (std::bit_width(v) * 1233) >> 12;  // 1233 / 4096 ~ log10(2): t or t + 1 digits
  return t + 1 - (v < kPow10u[t] ? 1 : 0);
}

// "00".."99": two digits per table read instead of a divide and a remainder per digit.
constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> t{};
  for (size_t i = 0; i < 100; ++i) {
    t[2 * i] = static_cast<char>('0' + i / 10);
    t[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

// Writes the `width` low decimal digits of *v (leading zeros included) ending at `end`, drops them from *v, and
// returns where they start.
char* WriteDigitsBack(uint64_t* v, int width, char* end) {
  while (width >= 2) {
    end -= 2;
    std::memcpy(end, &kDigitPairs[static_cast<size_t>(2 * (*v % 100))], 2);
    *v /= 100;
    width -= 2;
  }
  if (width == 1) {
    *--end = static_cast<char>('0' + *v % 10);
    *v /= 10;
  }
  return end;
}

}  // namespace

char* WriteDouble(double v, char* p) {
  // Most values in tables are decimals with a few fractional digits (prices, amounts, scores): for those, the
  // shortest round-trip text is the decimal itself, found with a multiply and a divide instead of std::to_chars's
  // general search, which took a sixth of a full sync's CPU. Below 2^30, doubles are closer together than 1e-6, so
  // at most one decimal of six fractional digits reads back as v, and v * 1e6 is within 0.2 of it: when that rounded
  // multiple divides back to v exactly, it is that decimal, and its trailing zeros give the fewest digits, which
  // std::to_chars would choose.
  const double a = std::fabs(v);
  if (a < 1073741824.0 && a != 0) {
    // Cents first (amounts and prices): below 2^30 a decimal of one or two fractional digits that reads back as v is
    // the only one, so its digits are the shortest text, and fixed notation is the shorter for it.
    const auto c = static_cast<uint64_t>(a * 100 + 0.5);  // NOLINT(bugprone-incorrect-roundings): checked next
    if (c % 100 != 0 && static_cast<double>(c) / 100 == a) {
      if (std::signbit(v)) *p++ = '-';
      uint64_t whole = c / 100;
      const uint64_t cents = c % 100;
      const int whole_digits = whole == 0 ? 1 : DecimalDigits(whole);
      char* const dot = p + whole_digits;
      WriteDigitsBack(&whole, whole_digits, dot);
      *dot = '.';
      if (cents % 10 == 0) {
        dot[1] = static_cast<char>('0' + cents / 10);
        return dot + 2;
      }
      std::memcpy(dot + 1, &kDigitPairs[static_cast<size_t>(2 * cents)], 2);
      return dot + 3;
    }
    // Rounded by truncating x + 0.5 (std::nearbyint and std::llround are library calls here); where the sum itself
    // rounds, the result is off and the exact check below sends v to std::to_chars.
    uint64_t r = static_cast<uint64_t>(a * 1e6 + 0.5);  // NOLINT(bugprone-incorrect-roundings): checked just below
    if (r != 0 && static_cast<double>(r) / 1e6 == a) {
      // Strips up to six trailing zeros in at most three steps (four, two, one) instead of one division each.
      int k = 6;
      const auto strip = [&r, &k](int step) {
        if (k >= step && r % kPow10u[step] == 0) {
          r /= kPow10u[step];
          k -= step;
        }
      };
      strip(4);
      strip(2);
      strip(1);
      const int digits = DecimalDigits(r);
      // std::to_chars picks fixed or scientific notation, whichever is shorter (fixed on a tie). Trailing zeros are
      // left only in a whole number (k == 0): the steps above stripped them otherwise.
      int trailing = 0;
      if (k == 0) {
        for (uint64_t significant = r; significant % 10 == 0; significant /= 10) ++trailing;
      }
      const int s_digits = digits - trailing;
      const int exponent = digits - 1 - k;
      const int exp_digits = std::abs(exponent) >= 100 ? 3 : 2;
      const int scientific = s_digits + (s_digits > 1 ? 1 : 0) + 2 + exp_digits;
      const int fixed = k == 0 ? digits : std::max(digits, k + 1) + 1;
      if (fixed <= scientific) {
        if (std::signbit(v)) *p++ = '-';
        if (k == 0) return std::to_chars(p, p + 20, r).ptr;
        // Fractional digits, the point and the whole digits, written backwards in place ("0" below 1).
        const int whole = std::max(digits - k, 1);
        char* const end = p + whole + 1 + k;
        char* q = WriteDigitsBack(&r, k, end);
        *--q = '.';
        WriteDigitsBack(&r, whole, q);
        return end;
      }
    }
  }
  return std::to_chars(p, p + kMaxDoubleChars, v).ptr;
}

void AppendFloat(float v, std::string* out) { AppendChars(v, out); }

namespace {

// "YYYY-MM-DD" of a day number (days since 1970-01-01): Hinnant's civil_from_days.
void FormatDate(int64_t days, char* buf, char** end) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char* p = buf;
  if (y >= 0 && y <= 9999) {
    *p++ = static_cast<char>('0' + y / 1000);
    *p++ = static_cast<char>('0' + y / 100 % 10);
    *p++ = static_cast<char>('0' + y / 10 % 10);
    *p++ = static_cast<char>('0' + y % 10);
  } else {
    p = std::to_chars(p, buf + 16, y).ptr;  // outside TigerGraph's range; the mapping stage rejects these
  }
  *p++ = '-';
  *p++ = static_cast<char>('0' + m / 10);
  *p++ = static_cast<char>('0' + m % 10);
  *p++ = '-';
  *p++ = static_cast<char>('0' + d / 10);
  *p++ = static_cast<char>('0' + d % 10);
  *end = p;
}

// Recently formatted dates by day number, per thread: timestamps of one table mostly fall on a few hundred days, so
// the civil-calendar arithmetic runs once per day instead of once per value. Trivial (all zeros, length 0 = empty),
// so the thread_local needs no guard on each access.
struct DateCache {
  static constexpr size_t kSlots = 1024;
  struct Slot {
    int64_t days;
    uint8_t length;
    char text[23];
  };
  std::array<Slot, kSlots> slots;
};
static_assert(std::is_trivial_v<DateCache>);

}  // namespace

char* WriteDatetime(int64_t t, char* p) {
  // Days and seconds of day with floor division.
  int64_t days = t / 86400;
  int64_t secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  thread_local DateCache cache;
  DateCache::Slot& slot = cache.slots[static_cast<uint64_t>(days) % DateCache::kSlots];
  if (slot.days != days || slot.length == 0) {
    char* end = nullptr;
    FormatDate(days, slot.text, &end);
    slot.length = static_cast<uint8_t>(end - slot.text);
    slot.days = days;
  }
  // A fixed 16-byte copy (kMaxDatetimeChars leaves room) instead of a library call for the variable length.
  if (slot.length <= 16) {
    std::memcpy(p, slot.text, 16);
  } else {
    std::memcpy(p, slot.text, slot.length);
  }
  p += slot.length;
  const auto two = [&p](char sep, int64_t v) {
    *p++ = sep;
    std::memcpy(p, &kDigitPairs[static_cast<size_t>(2 * v)], 2);
    p += 2;
  };
  two(' ', secs / 3600);
  two(':', secs % 3600 / 60);
  two(':', secs % 60);
  return p;
}

void AppendDatetime(int64_t t, std::string* out) {
  char buf[kMaxDatetimeChars];
  const char* end = WriteDatetime(t, buf);
  out->append(buf, static_cast<size_t>(end - buf));
}

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied verbatim
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out->append(esc, sizeof(esc));
      }
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

bool HasValue(const ColumnView& col, int64_t row) {
  if (col.IsNull(row)) return false;
  if (col.kind == TgKind::kDouble) return std::isfinite(static_cast<const arrow::DoubleArray*>(col.array)->Value(row));
  if (col.kind == TgKind::kFloat) return std::isfinite(static_cast<const arrow::FloatArray*>(col.array)->Value(row));
  return true;
}

void AppendScalarText(const ColumnView& col, int64_t row, std::string* out) {
  switch (col.kind) {
    case TgKind::kInt: AppendInt(static_cast<const arrow::Int64Array*>(col.array)->Value(row), out); break;
    case TgKind::kUint: AppendUint(static_cast<const arrow::UInt64Array*>(col.array)->Value(row), out); break;
    case TgKind::kFloat: AppendFloat(static_cast<const arrow::FloatArray*>(col.array)->Value(row), out); break;
    case TgKind::kDouble: AppendDouble(static_cast<const arrow::DoubleArray*>(col.array)->Value(row), out); break;
    case TgKind::kBool:
      out->append(static_cast<const arrow::BooleanArray*>(col.array)->Value(row) ? "true" : "false");
      break;
    case TgKind::kString: out->append(col.StringAt(row)); break;
    case TgKind::kDatetime:
      AppendDatetime(static_cast<const arrow::TimestampArray*>(col.array)->Value(row), out);
      break;
    case TgKind::kList:
    case TgKind::kSet:
    case TgKind::kMap: break;  // never written as one token
  }
}

void AppendJsonValue(const ColumnView& col, int64_t row, std::string* out) {
  switch (col.kind) {
    case TgKind::kString: AppendJsonString(col.StringAt(row), out); return;
    case TgKind::kDatetime:
      out->push_back('"');
      AppendDatetime(static_cast<const arrow::TimestampArray*>(col.array)->Value(row), out);
      out->push_back('"');
      return;
    case TgKind::kList:
    case TgKind::kSet: {
      const auto* list = static_cast<const arrow::ListArray*>(col.array);
      const int64_t begin = list->value_offset(row);
      const int64_t end = begin + list->value_length(row);
      out->push_back('[');
      bool first = true;
      for (int64_t i = begin; i < end; ++i) {
        if (!HasValue(*col.elem, i)) continue;  // TigerGraph collections hold no nulls
        if (!first) out->push_back(',');
        first = false;
        AppendJsonValue(*col.elem, i, out);
      }
      out->push_back(']');
      return;
    }
    case TgKind::kMap: {
      const auto* map = static_cast<const arrow::MapArray*>(col.array);
      const int64_t begin = map->value_offset(row);
      const int64_t end = begin + map->value_length(row);
      for (int pass = 0; pass < 2; ++pass) {
        out->append(pass == 0 ? "{\"keylist\":[" : "],\"valuelist\":[");
        bool first = true;
        for (int64_t i = begin; i < end; ++i) {
          if (!HasValue(*col.key, i) || !HasValue(*col.elem, i)) continue;  // keep the two lists aligned
          if (!first) out->push_back(',');
          first = false;
          AppendJsonValue(pass == 0 ? *col.key : *col.elem, i, out);
        }
      }
      out->append("]}");
      return;
    }
    default: AppendScalarText(col, row, out); return;
  }
}

}  // namespace icegraph::sink
