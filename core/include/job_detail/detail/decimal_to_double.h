// A decimal number's text to the nearest double (ties to even), as a correctly rounding strtod
// gives it and therefore as JSON.parse gives it. The wasm build's libc strtod works in 128-bit long
// double, which wasm emulates in software (~16 KB of code); this reader needs only doubles and a
// small exact integer type for the rare texts the double fast path cannot take, so the module gets
// the same values for a fraction of the code (bindings/libc_strtod.cc puts it in libc's place).
#ifndef JOB_DETAIL_DETAIL_DECIMAL_TO_DOUBLE_H_
#define JOB_DETAIL_DETAIL_DECIMAL_TO_DOUBLE_H_

#include <cstddef>

namespace job_detail::detail {

// Reads `[+-]digits[.digits][(e|E)[+-]digits]` (digits on at least one side of the point) from
// `text` up to its first NUL and returns its value: ±HUGE_VAL past the double range, ±0 below it.
// *used is the count of characters read, 0 when the text does not start with such a number (then
// the result is 0). Hexadecimal, `inf` and `nan` forms are not read.
double DecimalToDouble(const char* text, std::size_t* used);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_DECIMAL_TO_DOUBLE_H_
