// Embind's built-in types, only those the bindings pass. The module links embind's JS runtime
// without its C++ part (bindings/CMakeLists.txt), whose bind.cpp registers every integer, string
// and typed-array type (their names, type_info and JS converters); this file stands in for it.
// A binding whose signature has a type not registered here stays embind's placeholder, which
// throws UnboundTypeError (wasm/test/bindings_types.test.mjs calls every binding of both modules);
// a val made from one (a typed_memory_view) throws BindingError where it is made, which the
// tests of the values that cross as typed arrays reach.
// The module is built without RTTI (no type_info, no libc++abi's dynamic_cast machinery), so a
// type's identity is embind's LightTypeID and an unbound type has no name to report.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/wire.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

namespace {

using emscripten::internal::TypeID;

template <class T>
void RegisterInteger(const char* name) {
  emscripten::internal::_embind_register_integer(TypeID<T>::get(), name, sizeof(T),
                                                 std::numeric_limits<T>::min(),
                                                 std::numeric_limits<T>::max());
}

// Embind's typed-array kinds (its TypedArrayIndex order): Uint8Array, Uint32Array, Float64Array.
constexpr unsigned kUint8Array = 1;
constexpr unsigned kUint32Array = 5;
constexpr unsigned kFloat64Array = 7;

template <class T>
void RegisterMemoryView(unsigned typed_array, const char* name) {
  emscripten::internal::_embind_register_memory_view(TypeID<emscripten::memory_view<T>>::get(),
                                                     typed_array, name);
}

}  // namespace

extern "C" {

// Embind's JS asks for a type's name only to report a type nothing registered.
EMSCRIPTEN_KEEPALIVE const char* __getTypeName(const void*) {
  return strdup("a type bindings/builtin_types.cc does not register");
}

__attribute__((constructor)) void JobDetailRegisterBuiltinTypes() {
  using namespace emscripten::internal;
  _embind_register_void(TypeID<void>::get(), "void");
  _embind_register_bool(TypeID<bool>::get(), "bool", sizeof(bool), true, false);
  RegisterInteger<int>("int");
  RegisterInteger<unsigned int>("unsigned int");
  RegisterInteger<long>("long");
  RegisterInteger<unsigned long>("unsigned long");
  _embind_register_float(TypeID<double>::get(), "double", sizeof(double));
  _embind_register_std_string(TypeID<std::string>::get(), "std::string");
  _embind_register_emval(TypeID<emscripten::val>::get(), "emscripten::val");
  RegisterMemoryView<std::uint8_t>(kUint8Array, "emscripten::memory_view<uint8_t>");
  RegisterMemoryView<std::uint32_t>(kUint32Array, "emscripten::memory_view<uint32_t>");
  RegisterMemoryView<double>(kFloat64Array, "emscripten::memory_view<double>");
}

}  // extern "C"
