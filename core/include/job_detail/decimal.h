// Decimal: an exact signed decimal with 12 fractional digits, for money (`cost_usd`) and its sums.
// Costs are never held in a double: 0.1 + 0.2 must total exactly 0.3.
#ifndef JOB_DETAIL_DECIMAL_H_
#define JOB_DETAIL_DECIMAL_H_

#include <cstdint>
#include <string>

namespace job_detail {

// A 128-bit integer: both g++ and clang (Emscripten) have it; `__extension__` keeps -Wpedantic
// quiet.
__extension__ typedef __int128 Int128;

class Decimal {
 public:
  // Units are 10^-12: 1 unit = 0.000000000001.
  static constexpr int kFractionDigits = 12;
  static constexpr std::int64_t kUnitsPerOne = 1'000'000'000'000;

  constexpr Decimal() = default;
  static constexpr Decimal FromUnits(Int128 units) { return Decimal(units); }
  static constexpr Decimal FromInteger(std::int64_t value) {
    return Decimal(static_cast<Int128>(value) * kUnitsPerOne);
  }

  constexpr Int128 units() const { return units_; }
  constexpr bool is_zero() const { return units_ == 0; }
  constexpr bool is_negative() const { return units_ < 0; }
  constexpr Decimal Abs() const { return Decimal(units_ < 0 ? -units_ : units_); }

  // Exact. Sums of costs (each below 1e12 in magnitude) stay exact for more than 10^14 terms,
  // far beyond any job's step count.
  constexpr Decimal& operator+=(Decimal other) {
    units_ += other.units_;
    return *this;
  }
  friend constexpr Decimal operator+(Decimal a, Decimal b) { return a += b; }
  friend constexpr Decimal operator-(Decimal a) { return Decimal(-a.units_); }

  friend constexpr bool operator==(Decimal a, Decimal b) { return a.units_ == b.units_; }
  friend constexpr bool operator<(Decimal a, Decimal b) { return a.units_ < b.units_; }
  friend constexpr bool operator>(Decimal a, Decimal b) { return b < a; }
  friend constexpr bool operator<=(Decimal a, Decimal b) { return !(b < a); }
  friend constexpr bool operator>=(Decimal a, Decimal b) { return !(a < b); }

  // Canonical text: no exponent, no trailing fractional zeros, no `+`, `0` for zero
  // (`1537.19`, `0.000123`, `-2`).
  std::string ToCanonicalString() const;

 private:
  constexpr explicit Decimal(Int128 units) : units_(units) {}
  Int128 units_ = 0;
};

// Decimal digits of a non-negative 128-bit integer (`0` for zero); shared by the formatters.
std::string Int128ToDigits(Int128 non_negative);

// `non_negative / divisor` (divisor > 0), the remainder in `*remainder` when given. Values that
// fit in 64 bits (every cost below $18M) divide in 64-bit arithmetic, larger ones bit by bit, so
// that the module carries none of compiler-rt's 128-bit division helpers (~1 KB of wasm).
Int128 DivideInt128(Int128 non_negative, Int128 divisor, Int128* remainder = nullptr);

// The nearest double (ties to even), as static_cast<double> gives it, without compiler-rt's
// 128-bit conversion helper.
double Int128ToDouble(Int128 value);

}  // namespace job_detail

#endif  // JOB_DETAIL_DECIMAL_H_
