// A non-throwing, depth-limited JSON DOM parser that also hands out each number's source text.
// nlohmann's own DOM parser keeps only the double of `0.1`, while costs must be read from the text;
// its SAX interface gives both. The parse is iterative, so deep documents cannot overflow the stack
// here; the depth limit protects the callers that later walk the DOM.
#ifndef JOB_DETAIL_DETAIL_JSON_DOM_H_
#define JOB_DETAIL_DETAIL_JSON_DOM_H_

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/result.h"

namespace job_detail::detail {

inline constexpr std::size_t kDefaultMaxJsonDepth = 512;

// One open container on the way down to a value.
struct JsonPathFrame {
  bool is_object = false;
  std::string key;        // object: the member being read
  std::size_t count = 0;  // array: elements started so far (the current element is count - 1)
};

// Receives every number with its containers (outermost first) and its text as written (integers
// that nlohmann reports without text are rewritten exactly in decimal).
using NumberTextHook = std::function<void(const std::vector<JsonPathFrame>&, std::string_view)>;

// Errors: kInvalidJson (with the byte offset; also for a NUL byte, which nlohmann would take as
// the end of input, and for numbers beyond double range, which nlohmann refuses), kTooDeep (more
// than `max_depth` nested arrays/objects; offset of the bracket that passes the limit).
Result<nlohmann::json> ParseJsonDom(std::string_view text, std::size_t max_depth,
                                    const NumberTextHook& on_number);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_JSON_DOM_H_
