// What the step explorer asks of the shown list and what it answers: a query (text, facet filters,
// sort) and the view it selects (ordered rows, facet counts, exact totals, breakdowns), plus a
// row's first match and the list's timeline. Plain values with field tables: they cross to JS as
// they are. StepExplorer (step_explorer.h) computes them.
#ifndef JOB_DETAIL_STEP_QUERY_H_
#define JOB_DETAIL_STEP_QUERY_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "job_detail/cost.h"
#include "job_detail/field_table.h"
#include "job_detail/merge.h"

namespace job_detail {

enum class StepSortKey : std::uint8_t { kStep, kCost, kDuration, kTokens, kStartedAt };
inline constexpr std::array<std::string_view, 5> kStepSortKeyNames = {"step", "cost", "duration",
                                                                      "tokens", "startedAt"};
constexpr std::span<const std::string_view> NamesOf(Tag<StepSortKey>) { return kStepSortKeyNames; }

enum class SortDirection : std::uint8_t { kAsc, kDesc };
inline constexpr std::array<std::string_view, 2> kSortDirectionNames = {"asc", "desc"};
constexpr std::span<const std::string_view> NamesOf(Tag<SortDirection>) {
  return kSortDirectionNames;
}

// Where a row's text matched first.
enum class SearchField : std::uint8_t { kName, kModel, kInput, kOutput };
inline constexpr std::array<std::string_view, 4> kSearchFieldNames = {"name", "model", "input",
                                                                      "output"};
constexpr std::span<const std::string_view> NamesOf(Tag<SearchField>) { return kSearchFieldNames; }

// An empty facet list allows every value; a non-empty one allows the values it lists. A row's
// status and model are compared exactly as written; a row without one has the value "".
struct StepQuery {
  // Matched in the decoded text of each step's name (`step_name`, `name`), `model`, input
  // (`input`, `inputs`, `prompt`, `messages`) and `output` members: every string value inside
  // them, never across two strings. ASCII letters match whatever their case, anything else
  // exactly. Empty: no text condition.
  std::string text;
  std::vector<std::string> status;
  std::vector<std::string> model;
  std::vector<StepOrigin> origin;
  std::vector<CostKind> cost_kind;
  // kStep keeps the list's order. Others order by the value (exact decimals for cost; tokens are
  // total_tokens, else input + output); rows without the value (no cost or an invalid one, no
  // duration, ...) come last in both directions, in list order.
  StepSortKey sort = StepSortKey::kStep;
  SortDirection direction = SortDirection::kAsc;
};

struct FacetCount {
  std::string value;
  std::uint64_t count = 0;
};
constexpr auto FieldsOf(Tag<FacetCount>) {
  return std::make_tuple(Member("value", &FacetCount::value), Member("count", &FacetCount::count));
}

// Each facet's values with how many rows would match if that facet allowed it: the rows that pass
// the text and every other facet (so choosing a second value adds exactly its count).
struct ExplorerFacets {
  std::vector<FacetCount> status;
  std::vector<FacetCount> model;
  std::vector<FacetCount> origin;
  std::vector<FacetCount> cost_kind;
};
constexpr auto FieldsOf(Tag<ExplorerFacets>) {
  return std::make_tuple(
      Member("status", &ExplorerFacets::status), Member("model", &ExplorerFacets::model),
      Member("origin", &ExplorerFacets::origin), Member("costKind", &ExplorerFacets::cost_kind));
}

// Exact totals of the matching rows.
struct ExplorerTotals {
  std::uint64_t steps = 0;
  std::string cost_usd = "0";  // canonical decimal
  std::string cost_display = "$0.00";
  std::uint64_t no_cost = 0;
  std::uint64_t invalid_cost = 0;
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
  std::uint64_t total_tokens = 0;
  std::uint64_t duration_ms = 0;  // over the rows whose duration is known
};
constexpr auto FieldsOf(Tag<ExplorerTotals>) {
  return std::make_tuple(Member("steps", &ExplorerTotals::steps),
                         Member("costUsd", &ExplorerTotals::cost_usd),
                         Member("costDisplay", &ExplorerTotals::cost_display),
                         Member("noCost", &ExplorerTotals::no_cost),
                         Member("invalidCost", &ExplorerTotals::invalid_cost),
                         Member("inputTokens", &ExplorerTotals::input_tokens),
                         Member("outputTokens", &ExplorerTotals::output_tokens),
                         Member("totalTokens", &ExplorerTotals::total_tokens),
                         Member("durationMs", &ExplorerTotals::duration_ms));
}

// One model's or status's part of the matching rows; rows ordered by cost, then steps, then value.
struct BreakdownRow {
  std::string value;
  std::uint64_t steps = 0;
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
  std::string cost_usd = "0";
  std::string cost_display = "$0.00";
  double share = 0;  // of the matching rows' cost, 0..1 (0 when that cost is 0)
};
constexpr auto FieldsOf(Tag<BreakdownRow>) {
  return std::make_tuple(
      Member("value", &BreakdownRow::value), Member("steps", &BreakdownRow::steps),
      Member("inputTokens", &BreakdownRow::input_tokens),
      Member("outputTokens", &BreakdownRow::output_tokens),
      Member("costUsd", &BreakdownRow::cost_usd),
      Member("costDisplay", &BreakdownRow::cost_display), Member("share", &BreakdownRow::share));
}

struct ExplorerBreakdown {
  std::vector<BreakdownRow> by_model;
  std::vector<BreakdownRow> by_status;
};
constexpr auto FieldsOf(Tag<ExplorerBreakdown>) {
  return std::make_tuple(Member("byModel", &ExplorerBreakdown::by_model),
                         Member("byStatus", &ExplorerBreakdown::by_status));
}

struct ExplorerView {
  // The text search has not covered every row yet: `rows` and the counts grow as it goes on.
  bool searching = false;
  std::uint64_t total = 0;  // rows in the shown list
  std::uint64_t matched = 0;
  std::vector<std::uint32_t> rows;  // shown-list indices of the matching rows, in query order
  ExplorerFacets facets;
  ExplorerTotals totals;
  ExplorerBreakdown breakdown;
};
constexpr auto FieldsOf(Tag<ExplorerView>) {
  return std::make_tuple(
      Member("searching", &ExplorerView::searching), Member("total", &ExplorerView::total),
      Member("matched", &ExplorerView::matched), Member("rows", &ExplorerView::rows),
      Member("facets", &ExplorerView::facets), Member("totals", &ExplorerView::totals),
      Member("breakdown", &ExplorerView::breakdown));
}

// The query text's first match in a row.
struct StepMatch {
  std::uint64_t count = 0;  // matches in the whole step
  SearchField field = SearchField::kName;
  std::string snippet;  // about 40 characters either side of the first match, decoded
  // UTF-16 offsets of the match in `snippet` (what a JS string's slice takes).
  std::uint64_t match_start = 0;
  std::uint64_t match_end = 0;
};
constexpr auto FieldsOf(Tag<StepMatch>) {
  return std::make_tuple(Member("count", &StepMatch::count), Member("field", &StepMatch::field),
                         Member("snippet", &StepMatch::snippet),
                         Member("matchStart", &StepMatch::match_start),
                         Member("matchEnd", &StepMatch::match_end));
}

// Each shown row's start and end, in milliseconds from the earliest start (NaN: unknown). A row's
// end is `completed_at`, else its start plus `duration_ms`.
struct StepTimeline {
  double origin_ms = 0;  // epoch milliseconds of the earliest start; NaN when no row has one
  std::vector<double> start_ms;
  std::vector<double> end_ms;
};
constexpr auto FieldsOf(Tag<StepTimeline>) {
  return std::make_tuple(Member("originMs", &StepTimeline::origin_ms),
                         Member("startMs", &StepTimeline::start_ms),
                         Member("endMs", &StepTimeline::end_ms));
}

}  // namespace job_detail

#endif  // JOB_DETAIL_STEP_QUERY_H_
