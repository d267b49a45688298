// Field and name tables: each plain struct that crosses to JS (a row, the list's info, the job's
// info, the snapshot, an error) lists its members once, with their wire names, right beside its
// declaration; each enum that crosses lists its names once, in enumerator order. Every conversion
// (the Embind bindings, the schema report the TS types are checked against) walks these tables, so
// a field added to a struct and its table reaches JS with no other C++ change.
//
// A struct T is described by `constexpr auto FieldsOf(Tag<T>)` returning a tuple of
// `Member("wireName", &T::member)` and `Inlined(&T::member)` (the member's own fields appear at
// this level: a shown row is a step row plus its origin). An enum E by
// `constexpr std::span<const std::string_view> NamesOf(Tag<E>)`. Both are found by ADL.
#ifndef JOB_DETAIL_FIELD_TABLE_H_
#define JOB_DETAIL_FIELD_TABLE_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
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

template <HasFieldTable T, class Visitor>
void ForEachField(const T& value, Visitor&& visit);

namespace detail {

template <class Struct, class Value, class Visitor>
void VisitField(const Struct& value, const MemberField<Struct, Value>& field, Visitor& visit) {
  visit(field.name, value.*field.member);
}

template <class Struct, class Value, class Visitor>
void VisitField(const Struct& value, const InlinedField<Struct, Value>& field, Visitor& visit) {
  ForEachField(value.*field.member, visit);
}

template <class Struct, class Value>
void AppendName(const MemberField<Struct, Value>& field, std::vector<std::string_view>* out) {
  out->push_back(field.name);
}

template <class T>
void AppendFieldNames(std::vector<std::string_view>* out);

template <class Struct, class Value>
void AppendName(const InlinedField<Struct, Value>&, std::vector<std::string_view>* out) {
  AppendFieldNames<Value>(out);
}

template <class T>
void AppendFieldNames(std::vector<std::string_view>* out) {
  std::apply([&](const auto&... field) { (AppendName(field, out), ...); }, FieldsOf(Tag<T>{}));
}

}  // namespace detail

// Calls visit(wireName, memberValue) for each field in table order, inlined members expanded.
template <HasFieldTable T, class Visitor>
void ForEachField(const T& value, Visitor&& visit) {
  std::apply([&](const auto&... field) { (detail::VisitField(value, field, visit), ...); },
             FieldsOf(Tag<T>{}));
}

// The wire names of T's fields in table order, inlined members expanded.
template <HasFieldTable T>
std::vector<std::string_view> FieldNames() {
  std::vector<std::string_view> names;
  detail::AppendFieldNames<T>(&names);
  return names;
}

}  // namespace job_detail

#endif  // JOB_DETAIL_FIELD_TABLE_H_
