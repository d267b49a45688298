// Ported from musl's src/internal/floatscan.c (decfloat and scanexp, MIT licence, Copyright ©
// 2005-2020 Rich Felker, et al.) for a 53-bit floating type: its LDBL_MANT_DIG == 53 configuration
// with `double` in place of `long double`, reading a NUL-terminated string instead of a FILE.
#include "job_detail/detail/decimal_to_double.h"

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>

namespace job_detail::detail {
namespace {

constexpr int kMantissaBits = DBL_MANT_DIG;  // 53
// The base-1e9 digits of 2^53 - 1: the mantissa's largest value.
constexpr int kBillionDigits = 2;
constexpr std::uint32_t kMantissaMax[kBillionDigits] = {9007199, 254740991};
// The ring of base-1e9 digits: 128 of them hold every digit that can decide a double's rounding;
// digits beyond only set a sticky bit.
constexpr int kMaxWords = 128;
constexpr int kMask = kMaxWords - 1;
constexpr std::uint32_t kBillion = 1000000000;

bool IsDigit(char c) { return static_cast<unsigned>(c - '0') < 10U; }

// The exponent's digits after `e` (and its sign), saturated far beyond any double's range;
// LLONG_MIN when no digit follows (the `e` is then not part of the number).
long long ScanExponent(const char*& p) {
  const char* at = p;
  bool negative = false;
  if (*at == '+' || *at == '-') negative = *at++ == '-';
  if (!IsDigit(*at)) return LLONG_MIN;
  long long y = 0;
  for (; IsDigit(*at) && y < LLONG_MAX / 100; ++at) y = 10 * y + (*at - '0');
  for (; IsDigit(*at); ++at) {
  }
  p = at;
  return negative ? -y : y;
}

}  // namespace

double DecimalToDouble(const char* text, std::size_t* used) {
  const char* p = text;
  *used = 0;
  int sign = 1;
  if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;

  constexpr int kBits = kMantissaBits;
  constexpr int kEmin = DBL_MIN_EXP - kBits;  // -1074
  constexpr int kEmax = -kEmin - kBits + 3;
  std::uint32_t x[kMaxWords];
  static constexpr int kPowersOf10[] = {10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  int i = 0;
  int j = 0;
  int k = 0;
  long long lrp = 0;
  long long dc = 0;
  int lnz = 0;
  bool gotdig = false;
  bool gotrad = false;
  int bits = kBits;
  double frac = 0;
  double bias = 0;

  // Leading zeros take no buffer space.
  for (; *p == '0'; ++p) gotdig = true;
  if (*p == '.' && (gotdig || IsDigit(p[1]))) {
    gotrad = true;
    for (++p; *p == '0'; ++p) gotdig = true, lrp--;
  }

  x[0] = 0;
  for (; IsDigit(*p) || *p == '.'; ++p) {
    if (*p == '.') {
      if (gotrad) break;
      gotrad = true;
      lrp = dc;
    } else if (k < kMaxWords - 3) {
      dc++;
      if (*p != '0') lnz = static_cast<int>(dc);
      x[k] = j ? x[k] * 10 + static_cast<std::uint32_t>(*p - '0')
               : static_cast<std::uint32_t>(*p - '0');
      if (++j == 9) {
        k++;
        j = 0;
      }
      gotdig = true;
    } else {
      dc++;
      if (*p != '0') {
        lnz = (kMaxWords - 4) * 9;
        x[kMaxWords - 4] |= 1;
      }
    }
  }
  if (!gotdig) return 0;
  if (!gotrad) lrp = dc;
  if (*p == 'e' || *p == 'E') {
    const char* after = p + 1;
    const long long e10 = ScanExponent(after);
    if (e10 != LLONG_MIN) {
      lrp += e10;
      p = after;
    }
  }
  *used = static_cast<std::size_t>(p - text);

  // Zero is special, to avoid nasty special cases later.
  if (!x[0]) return sign * 0.0;

  // Small integers without an exponent, and overflow and underflow.
  if (lrp == dc && dc < 10) return sign * static_cast<double>(x[0]);
  if (lrp > -kEmin / 2) return sign * DBL_MAX * DBL_MAX;
  if (lrp < kEmin - 2 * kMantissaBits) return sign * DBL_MIN * DBL_MIN;

  // Align an incomplete final base-1e9 digit.
  if (j) {
    for (; j < 9; j++) x[k] *= 10;
    k++;
    j = 0;
  }

  int a = 0;
  int z = k;
  int e2 = 0;
  int rp = static_cast<int>(lrp);

  // Small to mid-size integers, even in exponent notation.
  if (lnz < 9 && lnz <= rp && rp < 18) {
    if (rp == 9) return sign * static_cast<double>(x[0]);
    if (rp < 9) return sign * static_cast<double>(x[0]) / kPowersOf10[8 - rp];
    const int bitlim = kBits - 3 * (rp - 9);
    if (bitlim > 30 || x[0] >> bitlim == 0) {
      return sign * static_cast<double>(x[0]) * kPowersOf10[rp - 10];
    }
  }

  // Drop trailing zeros.
  for (; !x[z - 1]; z--) {
  }

  // Align the radix point to a base-1e9 digit boundary.
  if (rp % 9) {
    const int rpm9 = rp >= 0 ? rp % 9 : rp % 9 + 9;
    const auto p10 = static_cast<std::uint32_t>(kPowersOf10[8 - rpm9]);
    std::uint32_t carry = 0;
    for (k = a; k != z; k++) {
      const std::uint32_t tmp = x[k] % p10;
      x[k] = x[k] / p10 + carry;
      carry = kBillion / p10 * tmp;
      if (k == a && !x[k]) {
        a = (a + 1) & kMask;
        rp -= 9;
      }
    }
    if (carry) x[z++] = carry;
    rp += 9 - rpm9;
  }

  // Upscale until the wanted number of bits is left of the radix point.
  while (rp < 9 * kBillionDigits || (rp == 9 * kBillionDigits && x[a] < kMantissaMax[0])) {
    std::uint32_t carry = 0;
    e2 -= 29;
    for (k = (z - 1) & kMask;; k = (k - 1) & kMask) {
      const std::uint64_t tmp = (static_cast<std::uint64_t>(x[k]) << 29) + carry;
      if (tmp > kBillion) {
        carry = static_cast<std::uint32_t>(tmp / kBillion);
        x[k] = static_cast<std::uint32_t>(tmp % kBillion);
      } else {
        carry = 0;
        x[k] = static_cast<std::uint32_t>(tmp);
      }
      if (k == ((z - 1) & kMask) && k != a && !x[k]) z = k;
      if (k == a) break;
    }
    if (carry) {
      rp += 9;
      a = (a - 1) & kMask;
      if (a == z) {
        z = (z - 1) & kMask;
        x[(z - 1) & kMask] |= x[z];
      }
      x[a] = carry;
    }
  }

  // Downscale until exactly the wanted number of bits is left of the radix point.
  for (;;) {
    std::uint32_t carry = 0;
    int sh = 1;
    for (i = 0; i < kBillionDigits; i++) {
      k = (a + i) & kMask;
      if (k == z || x[k] < kMantissaMax[i]) {
        i = kBillionDigits;
        break;
      }
      if (x[(a + i) & kMask] > kMantissaMax[i]) break;
    }
    if (i == kBillionDigits && rp == 9 * kBillionDigits) break;
    if (rp > 9 + 9 * kBillionDigits) sh = 9;
    e2 += sh;
    for (k = a; k != z; k = (k + 1) & kMask) {
      const std::uint32_t tmp = x[k] & ((1U << sh) - 1);
      x[k] = (x[k] >> sh) + carry;
      carry = (kBillion >> sh) * tmp;
      if (k == a && !x[k]) {
        a = (a + 1) & kMask;
        i--;
        rp -= 9;
      }
    }
    if (carry) {
      if (((z + 1) & kMask) != a) {
        x[z] = carry;
        z = (z + 1) & kMask;
      } else {
        x[(z - 1) & kMask] |= 1;
      }
    }
  }

  // Assemble the wanted bits into a double.
  double y = 0;
  for (i = 0; i < kBillionDigits; i++) {
    if (((a + i) & kMask) == z) {
      z = (z + 1) & kMask;
      x[(z - 1) & kMask] = 0;
    }
    y = 1000000000.0 * y + x[(a + i) & kMask];
  }
  y *= sign;

  // Limit the precision of subnormal results.
  if (bits > kMantissaBits + e2 - kEmin) {
    bits = kMantissaBits + e2 - kEmin;
    if (bits < 0) bits = 0;
  }

  // A bias term forces the rounding; the lower bits move out.
  if (bits < kMantissaBits) {
    bias = std::copysign(std::scalbn(1.0, 2 * kMantissaBits - bits - 1), y);
    frac = std::fmod(y, std::scalbn(1.0, kMantissaBits - bits));
    y -= frac;
    y += bias;
  }

  // The rest of the decimal input decides the rounding.
  if (((a + i) & kMask) != z) {
    const std::uint32_t t = x[(a + i) & kMask];
    if (t < 500000000 && (t || ((a + i + 1) & kMask) != z)) {
      frac += 0.25 * sign;
    } else if (t > 500000000) {
      frac += 0.75 * sign;
    } else if (t == 500000000) {
      frac += (((a + i + 1) & kMask) == z ? 0.5 : 0.75) * sign;
    }
    if (kMantissaBits - bits >= 2 && std::fmod(frac, 1) == 0) frac++;
  }

  y += frac;
  y -= bias;

  if (((e2 + kMantissaBits) & INT_MAX) > kEmax - 5) {
    if (std::fabs(y) >= 2 / DBL_EPSILON) {
      y *= 0.5;
      e2++;
    }
  }
  return std::scalbn(y, e2);
}

}  // namespace job_detail::detail
