#include "job_detail/detail/explorer_rows.h"

#include <algorithm>

#include "job_detail/detail/civil_time.h"
#include "job_detail/detail/json_text.h"
#include "job_detail/detail/searchable_strings.h"

namespace job_detail::detail {
namespace {

constexpr std::size_t kSnippetCharacters = 40;

bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// UTF-16 units of valid UTF-8 text: one per character, two for those beyond U+FFFF.
std::uint64_t Utf16Length(std::string_view text) {
  std::uint64_t units = 0;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (!IsContinuation(byte)) units += byte >= 0xF0 ? 2 : 1;
  }
  return units;
}

// `count` characters back from `at` (stopping at 0), on a character boundary.
std::size_t CharactersBack(std::string_view text, std::size_t at, std::size_t count) {
  while (at > 0 && count > 0) {
    --at;
    while (at > 0 && IsContinuation(static_cast<unsigned char>(text[at]))) --at;
    --count;
  }
  return at;
}

std::size_t CharactersForward(std::string_view text, std::size_t at, std::size_t count) {
  while (at < text.size() && count > 0) {
    ++at;
    while (at < text.size() && IsContinuation(static_cast<unsigned char>(text[at]))) ++at;
    --count;
  }
  return at;
}

// A found string's text as the search reads it.
std::string_view SearchTextOf(const SearchableStrings::Found& found, bool exact,
                              std::string* scratch) {
  if (!exact) return DecodeForSearch(found.content, found.has_escape, scratch);
  std::string quoted;
  quoted.reserve(found.content.size() + 2);
  quoted.push_back('"');
  quoted.append(found.content);
  quoted.push_back('"');
  *scratch = DecodeJsonString(quoted).value_or(std::string(found.content));
  return *scratch;
}

// Count() of a found string's decoded text, decoding it only when no raw reading applies: none
// without escapes, none whose escapes are all two-byte ones when the needle holds nothing such an
// escape produces, none when the needle's leading characters can be found as written.
std::size_t CountDecodedMatches(const SearchableStrings::Found& found, const TextNeedle& needle,
                                bool raw_when_simple, std::string* scratch) {
  if (!found.has_escape) return needle.Count(found.content);
  if (raw_when_simple && !found.has_unicode_escape) return needle.CountInRawContent(found.content);
  if (const auto count = needle.CountInEscapedContent(found.content, found.has_unicode_escape)) {
    return *count;
  }
  return needle.Count(DecodeForSearch(found.content, found.has_escape, scratch));
}

// Digits as an integer; false when `text` is not all digits or overflows.
bool ParseDigits(std::string_view text, std::int64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

// A non-negative decimal `123`, `123.45`; the integer part and the first three fraction digits.
bool ParseNonNegativeDecimal(std::string_view text, std::int64_t* whole, std::int64_t* millis) {
  text = TrimJsonWhitespace(text);
  const std::size_t dot = text.find('.');
  if (!ParseDigits(text.substr(0, dot), whole)) return false;
  *millis = 0;
  if (dot == std::string_view::npos) return true;
  std::string_view fraction = text.substr(dot + 1);
  std::int64_t ignored = 0;
  if (!ParseDigits(fraction.substr(0, 18), &ignored)) return false;
  for (std::size_t i = 0; i < 3; ++i) {
    *millis = *millis * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  return true;
}

}  // namespace

std::optional<std::int64_t> ParseMilliseconds(std::string_view text) {
  std::int64_t whole = 0;
  std::int64_t fraction = 0;
  if (!ParseNonNegativeDecimal(text, &whole, &fraction)) return std::nullopt;
  return whole;
}

std::optional<std::int64_t> ParseTimestampMs(std::string_view text) {
  if (auto ms = ParseIso8601Timestamp(text)) return ms;
  std::int64_t whole = 0;
  std::int64_t millis = 0;
  if (!ParseNonNegativeDecimal(text, &whole, &millis)) return std::nullopt;
  constexpr std::int64_t kMillisecondsFrom = 100'000'000'000;  // 1973 in ms, 5138 in seconds
  if (whole >= kMillisecondsFrom) return whole;
  return whole * 1000 + millis;
}

RowFacts FactsOfRow(const ShownRow& shown) {
  const StepRow& row = shown.row;
  RowFacts facts;
  facts.status = row.status.value_or("");
  facts.model = row.model.value_or("");
  facts.origin = shown.origin;
  facts.cost = row.cost;
  facts.input_tokens = row.input_tokens;
  facts.output_tokens = row.output_tokens;
  if (row.total_tokens) {
    facts.tokens = row.total_tokens;
  } else if (row.input_tokens || row.output_tokens) {
    facts.tokens = row.input_tokens.value_or(0) + row.output_tokens.value_or(0);
  }
  if (row.started_at) facts.started_ms = ParseTimestampMs(*row.started_at);
  if (row.completed_at) facts.ended_ms = ParseTimestampMs(*row.completed_at);
  if (row.duration_ms) facts.duration_ms = ParseMilliseconds(*row.duration_ms);
  if (!facts.duration_ms && facts.started_ms && facts.ended_ms &&
      *facts.ended_ms >= *facts.started_ms) {
    facts.duration_ms = *facts.ended_ms - *facts.started_ms;
  }
  if (!facts.ended_ms && facts.started_ms && facts.duration_ms) {
    facts.ended_ms = *facts.started_ms + *facts.duration_ms;
  }
  return facts;
}

bool NeedsExactDecoding(const TextNeedle& needle) {
  return needle.folded().find("\xEF\xBF\xBD") != std::string::npos;
}

StepSearchResult SearchStep(std::string_view step_json, const TextNeedle& needle,
                            std::string* scratch) {
  StepSearchResult result;
  if (needle.empty()) return result;
  const bool exact = NeedsExactDecoding(needle);
  const bool raw_when_simple = !exact && needle.SurvivesSimpleEscapes();
  if (!needle.MayMatchIn(step_json)) return result;  // one pass instead of the walk
  SearchableStrings strings(step_json);
  while (const auto found = strings.Next()) {
    const auto count = exact ? needle.Count(SearchTextOf(*found, exact, scratch))
                             : CountDecodedMatches(*found, needle, raw_when_simple, scratch);
    if (count == 0) continue;
    if (result.count == 0) result.first_field = found->field;
    result.count += static_cast<std::uint32_t>(count);
  }
  return result;
}

std::optional<StepMatch> FirstMatch(std::string_view step_json, const TextNeedle& needle) {
  if (needle.empty()) return std::nullopt;
  std::optional<StepMatch> match;
  std::string scratch;
  SearchableStrings strings(step_json);
  while (const auto found = strings.Next()) {
    const std::string_view text = SearchTextOf(*found, /*exact=*/true, &scratch);
    const std::size_t count = needle.Count(text);
    if (count == 0) continue;
    if (!match) {
      const std::size_t at = needle.Find(text);
      const std::size_t begin = CharactersBack(text, at, kSnippetCharacters);
      const std::size_t end = CharactersForward(text, at + needle.size(), kSnippetCharacters);
      match.emplace();
      match->field = found->field;
      match->snippet = std::string(text.substr(begin, end - begin));
      match->match_start = Utf16Length(text.substr(begin, at - begin));
      match->match_end = match->match_start + Utf16Length(text.substr(at, needle.size()));
    }
    match->count += count;
  }
  return match;
}

std::vector<std::uint32_t> OutputMatchOffsets(std::string_view step_json,
                                              const TextNeedle& needle) {
  std::vector<std::uint32_t> offsets;
  if (needle.empty()) return offsets;
  std::string scratch;
  SearchableStrings strings(step_json);
  while (const auto found = strings.Next()) {
    if (found->field != SearchField::kOutput || !found->top_level) continue;
    offsets.clear();  // a repeated `output` member: the last one is the step's
    const std::string_view text = SearchTextOf(*found, /*exact=*/true, &scratch);
    std::size_t counted = 0;  // bytes of `text` already converted to UTF-16 units
    std::uint64_t units = 0;
    for (std::size_t at = needle.Find(text); at != std::string_view::npos;
         at = needle.Find(text, at + needle.size())) {
      units += Utf16Length(text.substr(counted, at - counted));
      counted = at;
      offsets.push_back(static_cast<std::uint32_t>(units));
    }
  }
  return offsets;
}

void S3RowCache::Prepare(const StepIndex& index) {
  if (index.serial() != serial_) {
    serial_ = index.serial();
    entries_.clear();
  }
  // A streaming document grows between passes: the entries move here, never during a pass.
  if (entries_.size() < index.count()) entries_.resize(index.count());
}

S3RowCache::Entry& S3RowCache::At(const StepIndex& index, std::size_t slot) {
  if (index.serial() != serial_ || slot >= entries_.size()) {
    Prepare(index);
    if (slot >= entries_.size()) entries_.resize(slot + 1);
  }
  Entry& entry = entries_[slot];
  const std::uint64_t offset = index.StepOffset(slot);
  if (entry.offset != offset) {
    entry = Entry{};
    entry.offset = offset;
  }
  return entry;
}

void S3RowCache::ForgetSearches() {
  for (Entry& entry : entries_) entry.searched = false;
}

}  // namespace job_detail::detail
