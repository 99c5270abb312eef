#include "iceberg/iso_datetime.h"

#include <chrono>
#include <string>

namespace icegraph::iceberg {
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
  // Fraction after a '.', scaled to `digits` digits (extra digits beyond nanoseconds are an error).
  bool Fraction(int digits, int64_t* out) {
    *out = 0;
    if (!Char('.')) return true;
    int n = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      if (n == 9) return false;
      *out = *out * 10 + (s_[pos_++] - '0');
      ++n;
    }
    if (n == 0) return false;
    for (; n < digits; ++n) *out *= 10;
    for (; n > digits; --n) {
      if (*out % 10 != 0) return false;  // sub-microsecond digits that would be lost
      *out /= 10;
    }
    return true;
  }
  bool AtEnd() const { return pos_ == s_.size(); }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Status Bad(std::string_view what, std::string_view text) {
  return Status::Invalid("'" + std::string(text) + "' is not an ISO-8601 " + std::string(what));
}

bool ParseDate(Cursor& c, int32_t* days) {
  int64_t y = 0, m = 0, d = 0;
  if (!c.Digits(4, &y) || !c.Char('-') || !c.Digits(2, &m) || !c.Char('-') || !c.Digits(2, &d)) return false;
  const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(y)),
                                        std::chrono::month(static_cast<unsigned>(m)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return false;
  *days = static_cast<int32_t>(std::chrono::sys_days(ymd).time_since_epoch().count());
  return true;
}

// hh:mm[:ss[.f]] → units of 10^-digits seconds since midnight.
bool ParseTime(Cursor& c, int digits, int64_t* out) {
  int64_t h = 0, mi = 0, s = 0, frac = 0;
  if (!c.Digits(2, &h) || !c.Char(':') || !c.Digits(2, &mi)) return false;
  if (c.Char(':')) {
    if (!c.Digits(2, &s) || !c.Fraction(digits, &frac)) return false;
  }
  if (h > 23 || mi > 59 || s > 59) return false;
  int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  *out = ((h * 60 + mi) * 60 + s) * scale + frac;
  return true;
}

}  // namespace

Result<int32_t> ParseIsoDate(std::string_view text) {
  Cursor c(text);
  int32_t days = 0;
  if (!ParseDate(c, &days) || !c.AtEnd()) return Bad("date (YYYY-MM-DD)", text);
  return days;
}

Result<int64_t> ParseIsoTime(std::string_view text) {
  Cursor c(text);
  int64_t micros = 0;
  if (!ParseTime(c, 6, &micros) || !c.AtEnd()) return Bad("time (hh:mm:ss[.ffffff])", text);
  return micros;
}

Result<int64_t> ParseIsoTimestamp(std::string_view text, bool nanos) {
  Cursor c(text);
  const int digits = nanos ? 9 : 6;
  const int64_t per_second = nanos ? 1'000'000'000 : 1'000'000;
  int32_t days = 0;
  int64_t in_day = 0;
  if (!ParseDate(c, &days)) return Bad("timestamp", text);
  if (c.Char('T') || c.Char(' ')) {
    if (!ParseTime(c, digits, &in_day)) return Bad("timestamp", text);
  }
  int64_t offset_minutes = 0;
  if (c.Char('Z')) {
  } else if (c.Peek() == '+' || c.Peek() == '-') {
    const bool negative = c.Peek() == '-';
    c.Char(c.Peek());
    int64_t oh = 0, om = 0;
    if (!c.Digits(2, &oh)) return Bad("timestamp", text);
    if (c.Char(':') || c.Peek() != '\0') {
      if (!c.Digits(2, &om)) return Bad("timestamp", text);
    }
    offset_minutes = (negative ? -1 : 1) * (oh * 60 + om);
  }
  if (!c.AtEnd()) return Bad("timestamp", text);
  return static_cast<int64_t>(days) * 86'400 * per_second + in_day - offset_minutes * 60 * per_second;
}

}  // namespace icegraph::iceberg
