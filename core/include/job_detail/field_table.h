// Field and name tables: each plain struct that crosses to JS (a row, the list's info, the job's
// info, the snapshot, an error) lists its members once, with their wire names, right beside its
// declaration; each enum that crosses lists its names once, in enumerator order. The conversion to
// JS (the bindings) and the schema report the TS types are checked against both walk the constant
// descriptors made from these tables (WireTypeOf below), so a field added to a struct and its table
// reaches JS with no other C++ change.
//
// A struct T is described by `constexpr auto FieldsOf(Tag<T>)` returning a tuple of
// `Member("wireName", &T::member)` and `Inlined(&T::member)` (the member's own fields appear at
// this level: a shown row is a step row plus its origin). An enum E by
// `constexpr std::span<const std::string_view> NamesOf(Tag<E>)`. Both are found by ADL.
#ifndef JOB_DETAIL_FIELD_TABLE_H_
#define JOB_DETAIL_FIELD_TABLE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace job_detail {

template <class T>
struct Tag {};

template <class Struct, class Value>
struct MemberField {
  std::string_view name;
  Value Struct::*member;
};

template <class Struct, class Value>
struct InlinedField {
  Value Struct::*member;
};

template <class Struct, class Value>
constexpr MemberField<Struct, Value> Member(std::string_view name, Value Struct::*member) {
  return {name, member};
}

template <class Struct, class Value>
constexpr InlinedField<Struct, Value> Inlined(Value Struct::*member) {
  return {member};
}

template <class T>
concept HasFieldTable = requires {
  FieldsOf(Tag<T>{});
};

template <class E>
concept HasNameTable = std::is_enum_v<E> && requires {
  NamesOf(Tag<E>{});
};

// The wire name of an enumerator ("unknown" for a value outside the enum, which only a cast makes).
template <HasNameTable E>
constexpr std::string_view NameOf(E value) {
  const std::span<const std::string_view> names = NamesOf(Tag<E>{});
  const auto i = static_cast<std::size_t>(value);
  return i < names.size() ? names[i] : std::string_view("unknown");
}

// The enumerator with this wire name, or nullopt.
template <HasNameTable E>
constexpr std::optional<E> FromName(std::string_view name) {
  const std::span<const std::string_view> names = NamesOf(Tag<E>{});
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

struct StepKey;
struct Cost;

// The tables as data, for code that walks any described value (the bindings' one conversion, the
// schema report): `WireTypeOf<T>()` describes T with no code of T's own besides a few tiny
// accessors, so a struct costs a constant table rather than a copy of the walker.
enum class WireKind : std::uint8_t {
  kBool,          // number(): 0 or 1
  kNumber,        // number(): the value (integers stay far below 2^53: counts, offsets, ms)
  kEnum,          // number(): the enumerator's index into `names`
  kString,        // std::string
  kOptional,      // contained(): the value (of `element`) or nullptr
  kList,          // elements(): the items, `stride` bytes apart, each an `element`
  kUint32Array,   // elements(): std::uint32_t numbers, crossing in bulk
  kFloat64Array,  // elements(): doubles, crossing in bulk
  kStruct,        // `fields`, in table order
  kStepKey,       // value types with a text form of their own
  kCost,
};

struct WireType;

struct WireField {
  std::string_view name;  // empty for an Inlined member: its own fields appear at this level
  const WireType* type;
  const void* (*address)(const void* object);  // the member within an object of the struct
};

struct WireSpan {
  const void* data;
  std::size_t size;
};

struct WireType {
  WireKind kind;
  double (*number)(const void* value) = nullptr;
  std::span<const std::string_view> names = {};
  std::span<const WireField> fields = {};
  const WireType* element = nullptr;
  const void* (*contained)(const void* value) = nullptr;
  WireSpan (*elements)(const void* value) = nullptr;
  std::size_t stride = 0;
};

template <class T>
constexpr const WireType& WireTypeOf();

// The wire name of an enum's index (as WireType::number gives it).
constexpr std::string_view WireEnumName(const WireType& type, double index) {
  const auto i = static_cast<std::size_t>(index);
  return i < type.names.size() ? type.names[i] : std::string_view("unknown");
}

namespace detail {

template <class T>
inline constexpr bool kIsOptional = false;
template <class T>
inline constexpr bool kIsOptional<std::optional<T>> = true;
template <class T>
inline constexpr bool kIsVector = false;
template <class T>
inline constexpr bool kIsVector<std::vector<T>> = true;
template <class T>
inline constexpr bool kUndescribed = false;

template <class T>
double NumberOf(const void* value) {
  if constexpr (std::is_enum_v<T>) {
    return static_cast<double>(static_cast<std::size_t>(*static_cast<const T*>(value)));
  } else {
    return static_cast<double>(*static_cast<const T*>(value));
  }
}

template <class T>
const void* Contained(const void* value) {
  const auto& optional = *static_cast<const std::optional<T>*>(value);
  return optional ? &*optional : nullptr;
}

template <class T>
WireSpan Elements(const void* value) {
  const auto& list = *static_cast<const std::vector<T>*>(value);
  return {list.data(), list.size()};
}

template <class T, std::size_t kIndex>
const void* FieldAddress(const void* object) {
  constexpr auto field = std::get<kIndex>(FieldsOf(Tag<T>{}));
  return &(static_cast<const T*>(object)->*field.member);
}

template <class Struct, class Value>
constexpr WireField WireFieldOf(const MemberField<Struct, Value>& field,
                                const void* (*address)(const void*)) {
  return {field.name, &WireTypeOf<Value>(), address};
}

template <class Struct, class Value>
constexpr WireField WireFieldOf(const InlinedField<Struct, Value>&,
                                const void* (*address)(const void*)) {
  return {std::string_view(), &WireTypeOf<Value>(), address};
}

template <class T, std::size_t... kIndex>
constexpr auto MakeWireFields(std::index_sequence<kIndex...>) {
  constexpr auto table = FieldsOf(Tag<T>{});
  return std::array<WireField, sizeof...(kIndex)>{
      WireFieldOf(std::get<kIndex>(table), &FieldAddress<T, kIndex>)...};
}

template <class T>
inline constexpr auto kWireFields =
    MakeWireFields<T>(std::make_index_sequence<std::tuple_size_v<decltype(FieldsOf(Tag<T>{}))>>{});

template <class T>
constexpr WireType MakeWireType() {
  if constexpr (std::is_same_v<T, bool>) {
    return {.kind = WireKind::kBool, .number = &NumberOf<T>};
  } else if constexpr (std::is_arithmetic_v<T>) {
    return {.kind = WireKind::kNumber, .number = &NumberOf<T>};
  } else if constexpr (HasNameTable<T>) {
    return {.kind = WireKind::kEnum, .number = &NumberOf<T>, .names = NamesOf(Tag<T>{})};
  } else if constexpr (std::is_same_v<T, std::string>) {
    return {.kind = WireKind::kString};
  } else if constexpr (kIsOptional<T>) {
    using Value = typename T::value_type;
    return {.kind = WireKind::kOptional,
            .element = &WireTypeOf<Value>(),
            .contained = &Contained<Value>};
  } else if constexpr (std::is_same_v<T, std::vector<std::uint32_t>>) {
    return {.kind = WireKind::kUint32Array, .elements = &Elements<std::uint32_t>};
  } else if constexpr (std::is_same_v<T, std::vector<double>>) {
    return {.kind = WireKind::kFloat64Array, .elements = &Elements<double>};
  } else if constexpr (kIsVector<T>) {
    using Value = typename T::value_type;
    return {.kind = WireKind::kList,
            .element = &WireTypeOf<Value>(),
            .elements = &Elements<Value>,
            .stride = sizeof(Value)};
  } else if constexpr (HasFieldTable<T>) {
    return {.kind = WireKind::kStruct, .fields = kWireFields<T>};
  } else if constexpr (std::is_same_v<T, StepKey>) {
    return {.kind = WireKind::kStepKey};
  } else if constexpr (std::is_same_v<T, Cost>) {
    return {.kind = WireKind::kCost};
  } else {
    static_assert(kUndescribed<T>, "a type that crosses to JS needs a field or name table");
  }
}

template <class T>
inline constexpr WireType kWireType = MakeWireType<T>();

}  // namespace detail

// T's description: the same constant for every use.
template <class T>
constexpr const WireType& WireTypeOf() {
  return detail::kWireType<std::remove_cv_t<T>>;
}

}  // namespace job_detail

#endif  // JOB_DETAIL_FIELD_TABLE_H_
