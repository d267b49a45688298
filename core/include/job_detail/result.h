// Result<T>: a value or an Error, returned instead of throwing (the core builds with
// -fno-exceptions, and libc++ 14 under Emscripten has no std::expected).
#ifndef JOB_DETAIL_RESULT_H_
#define JOB_DETAIL_RESULT_H_

#include <utility>
#include <variant>

#include "job_detail/error.h"

namespace job_detail {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Precondition: ok(). Checked by the caller, as with std::optional::operator*.
  const T& value() const& { return *std::get_if<0>(&state_); }
  T& value() & { return *std::get_if<0>(&state_); }
  T&& value() && { return std::move(*std::get_if<0>(&state_)); }
  // Precondition: !ok().
  const Error& error() const { return *std::get_if<1>(&state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace job_detail

#endif  // JOB_DETAIL_RESULT_H_
