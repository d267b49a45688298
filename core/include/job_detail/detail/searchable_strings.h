// The strings the explorer's text search looks into, walked straight over a step's JSON text (as
// the index holds it: already validated, never parsed into a DOM): every string value inside the
// step's name, model, input and output members, nested ones included, member names excluded.
#ifndef JOB_DETAIL_DETAIL_SEARCHABLE_STRINGS_H_
#define JOB_DETAIL_DETAIL_SEARCHABLE_STRINGS_H_

#include <optional>
#include <string>
#include <string_view>

#include "job_detail/step_query.h"

namespace job_detail::detail {

// Which searchable field a top-level member name is, or nullopt.
std::optional<SearchField> SearchFieldOfMember(std::string_view name);

// The content of a JSON string (between its quotes) decoded for searching: escapes resolved as
// DecodeJsonString resolves them (a lone surrogate as U+FFFD), other bytes copied as they are.
// Content without a backslash is returned as it is, without copying; otherwise it is decoded
// into `*scratch`.
std::string_view DecodeForSearch(std::string_view content, bool has_escape, std::string* scratch);

class SearchableStrings {
 public:
  // `step_json`: one step's JSON text. A step that is not an object has no searchable strings.
  explicit SearchableStrings(std::string_view step_json);

  struct Found {
    SearchField field;
    std::string_view content;  // between the quotes, raw
    bool has_escape;           // the content holds a backslash
    // Directly the value of a top-level member (not nested in an array or object inside it).
    bool top_level;
  };
  // The next searchable string in document order, or nullopt at the end.
  std::optional<Found> Next();

 private:
  // Reads the string starting at the quote `pos_` points at; leaves pos_ after its closing quote.
  std::string_view ReadString(bool* has_escape);
  void SkipScalar();

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;                      // 1 inside the step object
  std::optional<SearchField> member_;  // the searchable member whose value is being walked
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_SEARCHABLE_STRINGS_H_
