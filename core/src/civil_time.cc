#include "job_detail/detail/civil_time.h"

#include <array>
#include <cstddef>

#include "job_detail/detail/ascii.h"

namespace job_detail::detail {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kShortDays = {"Mon", "Tue", "Wed", "Thu",
                                                        "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

bool IsLeap(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned DaysInMonth(std::int64_t year, unsigned month) {
  constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// A forward-only reader over fixed-layout date text; every method fails rather than skip input.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool Literal(std::string_view expected) {
    if (text_.substr(pos_, expected.size()) != expected) return false;
    pos_ += expected.size();
    return true;
  }

  // Exactly `width` ASCII digits.
  bool Digits(std::size_t width, unsigned* out) {
    if (pos_ + width > text_.size()) return false;
    unsigned value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      const char c = text_[pos_ + i];
      if (!IsAsciiDigit(c)) return false;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    pos_ += width;
    *out = value;
    return true;
  }

  // One of `names`; returns its 1-based position.
  template <std::size_t N>
  bool OneOf(const std::array<std::string_view, N>& names, unsigned* out) {
    for (std::size_t i = 0; i < N; ++i) {
      if (Literal(names[i])) {
        *out = static_cast<unsigned>(i + 1);
        return true;
      }
    }
    return false;
  }

  // `hh:mm:ss`.
  bool Clock(unsigned* hour, unsigned* minute, unsigned* second) {
    return Digits(2, hour) && Literal(":") && Digits(2, minute) && Literal(":") &&
           Digits(2, second);
  }

  bool AtEnd() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<std::int64_t> ParseImfFixdate(std::string_view text) {
  Cursor in(text);
  unsigned weekday = 0, day = 0, month = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!in.OneOf(kShortDays, &weekday) || !in.Literal(", ") || !in.Digits(2, &day) ||
      !in.Literal(" ") || !in.OneOf(kMonths, &month) || !in.Literal(" ") || !in.Digits(4, &year) ||
      !in.Literal(" ") || !in.Clock(&hour, &minute, &second) || !in.Literal(" GMT") ||
      !in.AtEnd()) {
    return std::nullopt;
  }
  return CivilToEpochMs(year, month, day, hour, minute, second);
}

std::optional<std::int64_t> ParseRfc850(std::string_view text) {
  Cursor in(text);
  unsigned weekday = 0, day = 0, month = 0, year2 = 0, hour = 0, minute = 0, second = 0;
  if (!in.OneOf(kLongDays, &weekday) || !in.Literal(", ") || !in.Digits(2, &day) ||
      !in.Literal("-") || !in.OneOf(kMonths, &month) || !in.Literal("-") || !in.Digits(2, &year2) ||
      !in.Literal(" ") || !in.Clock(&hour, &minute, &second) || !in.Literal(" GMT") ||
      !in.AtEnd()) {
    return std::nullopt;
  }
  // RFC 7231: a two-digit year that looks more than 50 years in the future is in the past. Without
  // a clock, pivot at 1970 like most HTTP stacks: 70-99 are 19xx, 00-69 are 20xx.
  const unsigned year = year2 >= 70 ? 1900 + year2 : 2000 + year2;
  return CivilToEpochMs(year, month, day, hour, minute, second);
}

std::optional<std::int64_t> ParseAsctime(std::string_view text) {
  Cursor in(text);
  unsigned weekday = 0, day = 0, month = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!in.OneOf(kShortDays, &weekday) || !in.Literal(" ") || !in.OneOf(kMonths, &month) ||
      !in.Literal(" ")) {
    return std::nullopt;
  }
  // The day is two characters: a space-padded or two-digit number.
  if (!(in.Literal(" ") ? in.Digits(1, &day) : in.Digits(2, &day))) return std::nullopt;
  if (!in.Literal(" ") || !in.Clock(&hour, &minute, &second) || !in.Literal(" ") ||
      !in.Digits(4, &year) || !in.AtEnd()) {
    return std::nullopt;
  }
  return CivilToEpochMs(year, month, day, hour, minute, second);
}

}  // namespace

std::int64_t DaysFromCivil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

std::optional<std::int64_t> CivilToEpochMs(std::int64_t year, unsigned month, unsigned day,
                                           unsigned hour, unsigned minute, unsigned second) {
  // Second 60 is a leap second: valid text, counted as the next second like POSIX time does.
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  const std::int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                               static_cast<std::int64_t>(second);
  return seconds * 1000;
}

std::optional<std::int64_t> ParseIsoBasicUtc(std::string_view text) {
  Cursor in(text);
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!in.Digits(4, &year) || !in.Digits(2, &month) || !in.Digits(2, &day) || !in.Literal("T") ||
      !in.Digits(2, &hour) || !in.Digits(2, &minute) || !in.Digits(2, &second) ||
      !in.Literal("Z") || !in.AtEnd()) {
    return std::nullopt;
  }
  return CivilToEpochMs(year, month, day, hour, minute, second);
}

std::optional<std::int64_t> ParseIsoExtendedUtc(std::string_view text) {
  Cursor in(TrimAscii(text, kSpaceTab));
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!in.Digits(4, &year) || !in.Literal("-") || !in.Digits(2, &month) || !in.Literal("-") ||
      !in.Digits(2, &day) || !in.Literal("T") || !in.Clock(&hour, &minute, &second)) {
    return std::nullopt;
  }
  if (in.Literal(".") && !in.Digits(3, &millis)) return std::nullopt;
  if (!in.Literal("Z") || !in.AtEnd()) return std::nullopt;
  const auto base = CivilToEpochMs(year, month, day, hour, minute, second);
  if (!base) return std::nullopt;
  return *base + millis;
}

std::optional<std::int64_t> ParseIso8601Timestamp(std::string_view text) {
  Cursor in(TrimAscii(text, kSpaceTab));
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!in.Digits(4, &year) || !in.Literal("-") || !in.Digits(2, &month) || !in.Literal("-") ||
      !in.Digits(2, &day) || !(in.Literal("T") || in.Literal("t") || in.Literal(" ")) ||
      !in.Clock(&hour, &minute, &second)) {
    return std::nullopt;
  }
  // Any number of fraction digits; the first three are the milliseconds.
  unsigned millis = 0;
  if (in.Literal(".") || in.Literal(",")) {
    unsigned digit = 0;
    std::size_t count = 0;
    while (in.Digits(1, &digit)) {
      if (count < 3) millis = millis * 10 + digit;
      ++count;
    }
    if (count == 0) return std::nullopt;
    for (; count < 3; ++count) millis *= 10;
  }
  std::int64_t offset_minutes = 0;
  // No zone reads as UTC: what Python's naive utcnow().isoformat() means.
  const bool utc = in.Literal("Z") || in.Literal("z") || in.AtEnd();
  if (!utc) {
    const bool plus = in.Literal("+");
    if (!plus && !in.Literal("-")) return std::nullopt;
    unsigned zone_hours = 0, zone_minutes = 0;
    if (!in.Digits(2, &zone_hours)) return std::nullopt;
    in.Literal(":");
    if (!in.Digits(2, &zone_minutes) || zone_hours > 23 || zone_minutes > 59) return std::nullopt;
    offset_minutes = (plus ? 1 : -1) * static_cast<std::int64_t>(zone_hours * 60 + zone_minutes);
  }
  if (!in.AtEnd()) return std::nullopt;
  const auto base = CivilToEpochMs(year, month, day, hour, minute, second);
  if (!base) return std::nullopt;
  return *base + millis - offset_minutes * 60'000;
}

std::optional<std::int64_t> ParseHttpDate(std::string_view text) {
  text = TrimAscii(text, kSpaceTab);
  if (auto ms = ParseImfFixdate(text)) return ms;
  if (auto ms = ParseRfc850(text)) return ms;
  return ParseAsctime(text);
}

}  // namespace job_detail::detail
