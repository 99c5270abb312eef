#include "common/datetime.h"

#include <fmt/format.h>

namespace icegraph::datetime {
namespace {

// A cursor over the text; each step reports whether it matched.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool Digits(int count, int64_t* out) {
    if (pos_ + static_cast<size_t>(count) > s_.size()) return false;
    int64_t v = 0;
    for (int i = 0; i < count; ++i) {
      const char c = s_[pos_ + static_cast<size_t>(i)];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += static_cast<size_t>(count);
    *out = v;
    return true;
  }
  bool Char(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool IsDigit() const { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; }
  char Next() { return s_[pos_++]; }
  bool AtEnd() const { return pos_ == s_.size(); }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool ValidDate(int64_t y, int64_t m, int64_t d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
}

bool Date(Cursor& c, int64_t* days) {
  int64_t y = 0, m = 0, d = 0;
  if (!c.Digits(4, &y) || !c.Char('-') || !c.Digits(2, &m) || !c.Char('-') || !c.Digits(2, &d)) return false;
  if (!ValidDate(y, m, d)) return false;
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// hh:mm[:ss[(.|,)f+]] → seconds since midnight and the fraction as nanoseconds.
bool Time(Cursor& c, int64_t* seconds, Timestamp* fraction) {
  int64_t h = 0, mi = 0, s = 0;
  if (!c.Digits(2, &h) || !c.Char(':') || !c.Digits(2, &mi)) return false;
  if (c.Char(':')) {
    if (!c.Digits(2, &s)) return false;
    if (c.Char('.') || c.Char(',')) {
      int n = 0;
      while (c.IsDigit()) {
        const int digit = c.Next() - '0';
        if (n < 9) {
          fraction->nanos = fraction->nanos * 10 + digit;
        } else if (digit != 0) {
          fraction->sub_nanos = true;
        }
        ++n;
      }
      if (n == 0) return false;
      for (int k = n; k < 9; ++k) fraction->nanos *= 10;
      fraction->fraction_digits = n;
    }
  }
  if (h > 23 || mi > 59 || s > 59) return false;
  *seconds = (h * 60 + mi) * 60 + s;
  return true;
}

Status Bad(std::string_view what, std::string_view text) {
  return Status::Invalid("'" + std::string(text) + "' is not an ISO-8601 " + std::string(what));
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (static_cast<int64_t>(m) + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<int64_t>(d) - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  CivilDate out;
  out.day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  out.month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  out.year = yoe + era * 400 + (out.month <= 2 ? 1 : 0);
  return out;
}

Result<Timestamp> ParseTimestamp(std::string_view text) {
  Cursor c(text);
  Timestamp out;
  int64_t days = 0;
  int64_t in_day = 0;
  if (!Date(c, &days)) return Bad("timestamp", text);
  if (c.Char('T') || c.Char('t') || c.Char(' ')) {
    if (!Time(c, &in_day, &out)) return Bad("timestamp", text);
    int64_t offset_minutes = 0;
    if (c.Char('Z') || c.Char('z')) {
    } else if (c.Peek() == '+' || c.Peek() == '-') {
      const bool negative = c.Next() == '-';
      int64_t oh = 0, om = 0;
      if (!c.Digits(2, &oh)) return Bad("timestamp", text);
      if (c.Char(':') || !c.AtEnd()) {
        if (!c.Digits(2, &om)) return Bad("timestamp", text);
      }
      if (oh > 23 || om > 59) return Bad("timestamp", text);
      offset_minutes = (negative ? -1 : 1) * (oh * 60 + om);
    }
    in_day -= offset_minutes * 60;
  }
  if (!c.AtEnd()) return Bad("timestamp", text);
  out.seconds = days * 86'400 + in_day;
  return out;
}

Result<int64_t> ParseTimestampUnits(std::string_view text, int digits) {
  ICEGRAPH_ASSIGN_OR_RAISE(const Timestamp t, ParseTimestamp(text));
  int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const int64_t per_unit = 1'000'000'000 / scale;
  if (t.fraction_digits > 9 || t.nanos % per_unit != 0) return Bad("timestamp", text);
  return t.seconds * scale + t.nanos / per_unit;
}

Result<int32_t> ParseDate(std::string_view text) {
  Cursor c(text);
  int64_t days = 0;
  if (!Date(c, &days) || !c.AtEnd()) return Bad("date (YYYY-MM-DD)", text);
  return static_cast<int32_t>(days);
}

Result<int64_t> ParseTime(std::string_view text, int digits) {
  Cursor c(text);
  int64_t seconds = 0;
  Timestamp fraction;
  if (!Time(c, &seconds, &fraction) || !c.AtEnd()) return Bad("time (hh:mm:ss[.ffffff])", text);
  int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const int64_t per_unit = 1'000'000'000 / scale;
  if (fraction.sub_nanos || fraction.nanos % per_unit != 0) return Bad("time (hh:mm:ss[.ffffff])", text);
  return seconds * scale + fraction.nanos / per_unit;
}

std::string FormatSeconds(int64_t seconds, char separator) {
  const int64_t days = FloorDiv(seconds, 86'400);
  const int64_t sod = seconds - days * 86'400;
  const CivilDate d = CivilFromDays(days);
  return fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}", d.year, d.month, d.day, separator, sod / 3600,
                     sod / 60 % 60, sod % 60);
}

}  // namespace icegraph::datetime
