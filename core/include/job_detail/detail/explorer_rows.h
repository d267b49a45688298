// What the step explorer keeps and reads per row: the facts a query filters, sorts and sums (read
// once from the row), and the text search of one step's JSON text.
#ifndef JOB_DETAIL_DETAIL_EXPLORER_ROWS_H_
#define JOB_DETAIL_DETAIL_EXPLORER_ROWS_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/cost.h"
#include "job_detail/detail/text_search.h"
#include "job_detail/merge.h"
#include "job_detail/session.h"
#include "job_detail/step_index.h"
#include "job_detail/step_query.h"

namespace job_detail::detail {

struct RowFacts {
  std::string status;  // "" when the step has none
  std::string model;   // "" when the step has none
  StepOrigin origin = StepOrigin::kS3;
  Cost cost;
  std::optional<std::uint64_t> input_tokens;
  std::optional<std::uint64_t> output_tokens;
  std::optional<std::uint64_t> tokens;  // total_tokens, else input + output when either is known
  std::optional<std::int64_t> started_ms;
  std::optional<std::int64_t> ended_ms;     // completed_at, else started + duration
  std::optional<std::int64_t> duration_ms;  // duration_ms, else ended - started
};
RowFacts FactsOfRow(const ShownRow& row);

// A JSON number (or a numeric string) of milliseconds, the fraction dropped; nullopt for anything
// else or a negative value.
std::optional<std::int64_t> ParseMilliseconds(std::string_view text);
// A timestamp: ISO 8601 text, or epoch seconds / milliseconds as a number (values from 1e11 up
// are milliseconds).
std::optional<std::int64_t> ParseTimestampMs(std::string_view text);

// Decoding for the search when the needle holds U+FFFD: exactly as rows decode (ill-formed UTF-8
// as U+FFFD); otherwise raw bytes are searched as they are, which finds the same matches faster.
bool NeedsExactDecoding(const TextNeedle& needle);

struct StepSearchResult {
  std::uint32_t count = 0;
  SearchField first_field = SearchField::kName;
};
StepSearchResult SearchStep(std::string_view step_json, const TextNeedle& needle,
                            std::string* scratch);
// The first match with its snippet (about 40 characters either side), or nullopt.
std::optional<StepMatch> FirstMatch(std::string_view step_json, const TextNeedle& needle);
// UTF-16 offsets of the matches in the step's top-level `output` string (the last one, as a
// parsed object keeps the last of repeated members).
std::vector<std::uint32_t> OutputMatchOffsets(std::string_view step_json, const TextNeedle& needle);

// Search results and facts of an S3 document's steps, by position in the document.
class S3RowCache {
 public:
  struct Entry {
    std::uint64_t offset = std::numeric_limits<std::uint64_t>::max();  // the step's first byte
    bool searched = false;
    StepSearchResult search;
    std::optional<RowFacts> facts;
  };

  // The entry of step `slot` of `index`, emptied when it held another document's or another
  // step's results.
  Entry& At(const StepIndex& index, std::size_t slot);
  // Forgets every search result (the text changed); facts stay.
  void ForgetSearches();

 private:
  std::uint64_t serial_ = 0;
  std::vector<Entry> entries_;
};

// The explorer's state behind its pointer: the needle, the S3 cache, a decoding buffer.
struct ExplorerRows {
  TextNeedle needle{std::string_view()};
  S3RowCache s3;
  std::string scratch;
};
}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_EXPLORER_ROWS_H_
