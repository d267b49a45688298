// The module's libc strtod: the core's double-only decimal reader in place of musl's, whose 128-bit
// long double arithmetic wasm emulates in software (strtod and its soft-float helpers were ~16 KB
// of code). Callers (nlohmann's number lexer, the core's JSON number decoding) pass JSON number
// text, which DecimalToDouble reads with the same correctly rounded result. Leading white space is
// skipped as C's strtod does; hexadecimal, `inf` and `nan` forms are not read (nothing here
// passes them). The linker takes this definition and leaves libc's out.
#include <cstddef>
#include <cstdlib>

#include "job_detail/detail/decimal_to_double.h"

namespace {

bool IsCSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

extern "C" double __wrap_strtod(const char* text, char** end) {
  const char* start = text;
  while (IsCSpace(*start)) ++start;
  std::size_t used = 0;
  const double value = job_detail::detail::DecimalToDouble(start, &used);
  // C's strtod: *end is the text itself when no number was read.
  if (end != nullptr) *end = const_cast<char*>(used == 0 ? text : start + used);
  return value;
}
