// The native objects the facade holds (a session, a step index, the document cache) cross to JS as
// plain integer handles, and each method as a free function taking the handle first: Embind's
// class handles would bring their JS machinery (class registration, pointer wrappers, upcasts,
// delete/clone/isDeleted) into the glue and its support code into the module. The facade gives
// each handle its methods back (wasm/src/handle.ts) and owns its lifetime.
#ifndef JOB_DETAIL_BINDINGS_HANDLE_TABLE_H_
#define JOB_DETAIL_BINDINGS_HANDLE_TABLE_H_

#include <cstdint>

namespace job_detail::bindings {

// Every live object with its type's tag; handle h is slot h - 1 (0 is never a handle) and freed
// slots are reused. A handle that is not live, or of another type, aborts the module: the facade
// never passes one (its objects throw once disposed, before any call). Not templates, so the
// lookup is one function for all the methods.
std::uint32_t AddHandle(void* object, const void* type);
void* HandleObject(std::uint32_t handle, const void* type);
// Frees the slot; returns the object for the caller to destroy.
void* RemoveHandle(std::uint32_t handle, const void* type);

template <class T>
inline constexpr char kHandleType = 0;

// Free functions for Embind: New<T, Args...> makes a T and returns its handle, Delete<T> destroys
// it, and Call<&T::Method>::On calls the method on a handle's object.
template <class T, class... Args>
std::uint32_t New(Args... args) {
  return AddHandle(new T(args...), &kHandleType<T>);
}

template <class T>
void Delete(std::uint32_t handle) {
  delete static_cast<T*>(RemoveHandle(handle, &kHandleType<T>));
}

template <class T>
T& Object(std::uint32_t handle) {
  return *static_cast<T*>(HandleObject(handle, &kHandleType<T>));
}

template <auto kMethod>
struct Call;

template <class T, class R, class... Args, R (T::*kMethod)(Args...)>
struct Call<kMethod> {
  static R On(std::uint32_t handle, Args... args) { return (Object<T>(handle).*kMethod)(args...); }
};

template <class T, class R, class... Args, R (T::*kMethod)(Args...) const>
struct Call<kMethod> {
  static R On(std::uint32_t handle, Args... args) { return (Object<T>(handle).*kMethod)(args...); }
};

}  // namespace job_detail::bindings

#endif  // JOB_DETAIL_BINDINGS_HANDLE_TABLE_H_
