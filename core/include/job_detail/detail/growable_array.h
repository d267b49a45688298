// GrowableArray: a vector of trivially copyable records whose growth can fail without ending the
// process. With exceptions off, std::vector's growth aborts when memory runs out (in wasm: the
// module instance dies); a document of millions of tiny steps must instead end in a typed
// `too_large`. Growth goes through realloc, which returns null when memory cannot grow.
#ifndef JOB_DETAIL_DETAIL_GROWABLE_ARRAY_H_
#define JOB_DETAIL_DETAIL_GROWABLE_ARRAY_H_

#include <cstddef>
#include <cstdlib>
#include <limits>
#include <type_traits>
#include <utility>

namespace job_detail::detail {

template <typename T>
class GrowableArray {
  static_assert(std::is_trivially_copyable_v<T>, "records are moved by realloc");

 public:
  GrowableArray() = default;
  GrowableArray(const GrowableArray&) = delete;
  GrowableArray& operator=(const GrowableArray&) = delete;
  GrowableArray(GrowableArray&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  GrowableArray& operator=(GrowableArray&& other) noexcept {
    if (this != &other) {
      std::free(data_);
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
  }
  ~GrowableArray() { std::free(data_); }

  // Appends `value`; false (and nothing changed) when memory for it cannot be had.
  [[nodiscard]] bool PushBack(const T& value) {
    if (size_ == capacity_ && !Grow()) return false;
    data_[size_++] = value;
    return true;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T& operator[](std::size_t i) { return data_[i]; }
  // Keeps the memory for the next records.
  void clear() { size_ = 0; }

 private:
  bool Grow() {
    constexpr std::size_t kMaxCount = std::numeric_limits<std::size_t>::max() / sizeof(T);
    if (capacity_ == kMaxCount) return false;
    // 1.5x keeps the peak of a realloc that must move (old + new block) lower than doubling.
    const std::size_t wanted = capacity_ < 16 ? 16 : capacity_ + capacity_ / 2;
    const std::size_t count = wanted > kMaxCount ? kMaxCount : wanted;
    void* grown = std::realloc(data_, count * sizeof(T));
    if (grown == nullptr) return false;
    data_ = static_cast<T*>(grown);
    capacity_ = count;
    return true;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_GROWABLE_ARRAY_H_
