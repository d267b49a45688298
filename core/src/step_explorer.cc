#include "job_detail/step_explorer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "job_detail/detail/explorer_rows.h"
#include "job_detail/detail/index_table.h"
#include "job_detail/detail/stable_sort.h"

namespace job_detail {

using detail::ExplorerRows;
using detail::RowFacts;

namespace {

template <class T>
bool Allows(const std::vector<T>& allowed, const T& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// A row as the query sees it: its facts and whether its text matched (nullopt: not searched yet).
struct QueryRow {
  std::uint32_t index;
  const RowFacts* facts;
  std::optional<bool> text;
};

// Facts cost a partial read of the row (string members decoded, the cost parsed): Advance()
// counts each row's as this many bytes of its budget, so a first view of a long list is sliced too.
constexpr std::size_t kFactsCostBytes = 2048;

RowFacts ReadFacts(const Session& session, std::size_t i) {
  const Result<ShownRow> shown = session.Row(i, RowDetail::kWithoutOutputFacts);
  return shown.ok() ? detail::FactsOfRow(shown.value()) : RowFacts{};
}

// The facts and text verdict of every shown row; DynamoDB rows' facts live in `dynamodb`. S3 rows
// whose facts Advance() has not read yet are left out (facts null) unless `read_missing`.
std::vector<QueryRow> ReadRows(const Session& session, ExplorerRows& rows, bool has_text,
                               bool read_missing, std::vector<RowFacts>& dynamodb) {
  std::vector<QueryRow> out;
  const MergedList* list = session.merged();
  if (list == nullptr) return out;
  const StepIndex* index = session.merged_steps_index();
  if (index != nullptr) rows.s3.Prepare(*index);  // `out` points into the entries
  const auto from_index = [&](const MergedEntry& entry) {
    return entry.origin == StepOrigin::kS3 && index != nullptr;
  };
  // `out` points into `dynamodb` too: reserved whole, it never reallocates.
  dynamodb.reserve(static_cast<std::size_t>(
      std::count_if(list->entries.begin(), list->entries.end(),
                    [&](const MergedEntry& entry) { return !from_index(entry); })));
  out.reserve(list->entries.size());
  for (std::size_t i = 0; i < list->entries.size(); ++i) {
    const MergedEntry& entry = list->entries[i];
    QueryRow row{static_cast<std::uint32_t>(i), nullptr, std::nullopt};
    if (from_index(entry)) {
      detail::S3RowCache::Entry& cached = rows.s3.At(*index, entry.index);
      if (!cached.facts && read_missing) cached.facts = ReadFacts(session, i);
      if (!cached.facts) {
        out.push_back(row);  // not read yet: pending
        continue;
      }
      row.facts = &*cached.facts;
      if (!has_text) {
        row.text = true;
      } else if (cached.searched) {
        row.text = cached.search.count > 0;
      }
    } else {
      row.facts = &dynamodb.emplace_back(ReadFacts(session, i));
      row.text = !has_text ||
                 detail::SearchStep(session.StepText(i), rows.needle, &rows.scratch).count > 0;
    }
    out.push_back(row);
  }
  return out;
}

// Which of the query's facets a row passes.
struct FacetVerdict {
  bool status;
  bool model;
  bool origin;
  bool cost;
  bool All() const { return status && model && origin && cost; }
};

FacetVerdict Judge(const StepQuery& query, const RowFacts& facts) {
  return {Allows(query.status, facts.status), Allows(query.model, facts.model),
          Allows(query.origin, facts.origin), Allows(query.cost_kind, facts.cost.kind)};
}

// Something kept per distinct text value (a status, a model, ...): a view reads every row, and an
// ordered map's string comparisons per row were most of its time. A few values (the usual case)
// are compared in a row, more are found by hashing. The values are views of strings that outlive
// the table (the rows' facts, the query, static names).
template <class T>
class ValueTable {
 public:
  // The slot of `value`, added (with T{}) when new.
  std::size_t SlotOf(std::string_view value) {
    if (entries_.size() <= kScanned) {
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].first == value) return i;
      }
    } else {
      const Sought sought{this, value};
      const std::uint32_t at = at_.Find(detail::HashBytes(value), Same, &sought);
      if (at != detail::IndexTable::kNone) return at;
    }
    entries_.emplace_back(value, T{});
    if (entries_.size() > kScanned) {
      if (at_.empty()) {
        for (std::size_t i = 0; i < entries_.size(); ++i) Index(i);
      } else {
        Index(entries_.size() - 1);
      }
    }
    return entries_.size() - 1;
  }
  T& At(std::size_t slot) { return entries_[slot].second; }
  T& operator[](std::string_view value) { return At(SlotOf(value)); }
  // The entries ordered by value, as std::map orders strings.
  std::vector<std::pair<std::string_view, T>> ByValue() const {
    std::vector<std::pair<std::string_view, T>> out = entries_;
    detail::StableSort(out, [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
  }

 private:
  struct Sought {
    const ValueTable* table;
    std::string_view value;
  };
  static bool Same(const void* context, std::uint32_t slot) {
    const auto* sought = static_cast<const Sought*>(context);
    return sought->table->entries_[slot].first == sought->value;
  }
  void Index(std::size_t slot) {
    at_.Add(detail::HashBytes(entries_[slot].first), static_cast<std::uint32_t>(slot));
  }

  static constexpr std::size_t kScanned = 8;
  std::vector<std::pair<std::string_view, T>> entries_;
  detail::IndexTable at_;  // once there are more than kScanned
};

// Counts per value; every value seen is listed (0 when no row would match), and so is every
// value the query selects, so a selected chip never disappears.
class FacetCounter {
 public:
  // Lists `value`; its slot, for Add().
  std::size_t See(std::string_view value) { return counts_.SlotOf(value); }
  void Add(std::size_t slot) { ++counts_.At(slot); }
  std::vector<FacetCount> Sorted() const {
    std::vector<FacetCount> out;
    for (const auto& [value, count] : counts_.ByValue()) out.push_back({std::string(value), count});
    detail::StableSort(out,
                       [](const FacetCount& a, const FacetCount& b) { return a.count > b.count; });
    return out;
  }

 private:
  ValueTable<std::uint64_t> counts_;
};

std::string_view OriginName(StepOrigin origin) { return NameOf(origin); }
std::string_view CostKindName(CostKind kind) { return NameOf(kind); }

ExplorerFacets CountFacets(const StepQuery& query, const std::vector<QueryRow>& rows) {
  FacetCounter status, model, origin, cost;
  for (const std::string& value : query.status) status.See(value);
  for (const std::string& value : query.model) model.See(value);
  for (const StepOrigin value : query.origin) origin.See(OriginName(value));
  for (const CostKind value : query.cost_kind) cost.See(CostKindName(value));
  for (const QueryRow& row : rows) {
    if (row.facts == nullptr) continue;  // pending
    const RowFacts& f = *row.facts;
    const std::size_t status_slot = status.See(f.status);
    const std::size_t model_slot = model.See(f.model);
    const std::size_t origin_slot = origin.See(OriginName(f.origin));
    const std::size_t cost_slot = cost.See(CostKindName(f.cost.kind));
    if (row.text != true) continue;
    const FacetVerdict v = Judge(query, f);
    if (v.model && v.origin && v.cost) status.Add(status_slot);
    if (v.status && v.origin && v.cost) model.Add(model_slot);
    if (v.status && v.model && v.cost) origin.Add(origin_slot);
    if (v.status && v.model && v.origin) cost.Add(cost_slot);
  }
  return {status.Sorted(), model.Sorted(), origin.Sorted(), cost.Sorted()};
}

// The value a row is sorted by; nullopt sorts last whatever the direction.
std::optional<Int128> SortValue(StepSortKey key, const RowFacts& f) {
  switch (key) {
    case StepSortKey::kStep:
      return std::nullopt;
    case StepSortKey::kCost:
      if (f.cost.kind != CostKind::kValid) return std::nullopt;
      return f.cost.value.units();
    case StepSortKey::kDuration:
      return f.duration_ms;
    case StepSortKey::kTokens:
      if (!f.tokens) return std::nullopt;
      return static_cast<Int128>(*f.tokens);
    case StepSortKey::kStartedAt:
      return f.started_ms;
  }
  return std::nullopt;
}

void SortRows(const StepQuery& query, std::vector<const QueryRow*>& matched) {
  const bool descending = query.direction == SortDirection::kDesc;
  if (query.sort == StepSortKey::kStep) {
    if (descending) std::reverse(matched.begin(), matched.end());
    return;
  }
  std::vector<std::pair<std::optional<Int128>, const QueryRow*>> keyed;
  keyed.reserve(matched.size());
  for (const QueryRow* row : matched) keyed.emplace_back(SortValue(query.sort, *row->facts), row);
  detail::StableSort(keyed, [descending](const auto& a, const auto& b) {
    if (!a.first) return false;
    if (!b.first) return true;
    return descending ? *b.first < *a.first : *a.first < *b.first;
  });
  for (std::size_t i = 0; i < keyed.size(); ++i) matched[i] = keyed[i].second;
}

struct Part {
  std::uint64_t steps = 0;
  std::uint64_t input_tokens = 0;
  std::uint64_t output_tokens = 0;
  CostTotal cost;
};

double ShareOf(const CostTotal& part, const CostTotal& whole) {
  const Int128 total = whole.sum().units();
  if (total == 0) return 0;
  return Int128ToDouble(part.sum().units()) / Int128ToDouble(total);
}

std::vector<BreakdownRow> BreakdownOf(const ValueTable<Part>& table, const CostTotal& whole) {
  const std::vector<std::pair<std::string_view, Part>> parts = table.ByValue();
  std::vector<BreakdownRow> out;
  out.reserve(parts.size());
  for (const auto& [value, part] : parts) {
    out.push_back({std::string(value), part.steps, part.input_tokens, part.output_tokens,
                   part.cost.canonical(), part.cost.display(), ShareOf(part.cost, whole)});
  }
  std::vector<std::pair<Int128, std::size_t>> order;
  std::size_t i = 0;
  for (const auto& [value, part] : parts) order.emplace_back(part.cost.sum().units(), i++);
  detail::StableSort(order, [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return out[a.second].steps > out[b.second].steps;
  });
  std::vector<BreakdownRow> sorted;
  sorted.reserve(out.size());
  for (const auto& [units, at] : order) sorted.push_back(std::move(out[at]));
  return sorted;
}

void Sum(const std::vector<const QueryRow*>& matched, ExplorerView& view) {
  CostTotal cost;
  ValueTable<Part> by_model, by_status;
  ExplorerTotals& totals = view.totals;
  for (const QueryRow* row : matched) {
    const RowFacts& f = *row->facts;
    cost.Add(f.cost);
    totals.input_tokens += f.input_tokens.value_or(0);
    totals.output_tokens += f.output_tokens.value_or(0);
    totals.total_tokens += f.tokens.value_or(0);
    totals.duration_ms += static_cast<std::uint64_t>(f.duration_ms.value_or(0));
    for (Part* part : {&by_model[f.model], &by_status[f.status]}) {
      ++part->steps;
      part->input_tokens += f.input_tokens.value_or(0);
      part->output_tokens += f.output_tokens.value_or(0);
      part->cost.Add(f.cost);
    }
  }
  totals.steps = matched.size();
  totals.cost_usd = cost.canonical();
  totals.cost_display = cost.display();
  totals.no_cost = cost.no_cost();
  totals.invalid_cost = cost.invalid_cost();
  view.breakdown.by_model = BreakdownOf(by_model, cost);
  view.breakdown.by_status = BreakdownOf(by_status, cost);
}

}  // namespace

StepExplorer::StepExplorer() : rows_(std::make_unique<ExplorerRows>()) {}
StepExplorer::~StepExplorer() = default;
StepExplorer::StepExplorer(StepExplorer&&) noexcept = default;
StepExplorer& StepExplorer::operator=(StepExplorer&&) noexcept = default;

void StepExplorer::SetQuery(StepQuery query) {
  if (query.text != query_.text) {
    rows_->needle = detail::TextNeedle(query.text);
    rows_->s3.ForgetSearches();
  }
  query_ = std::move(query);
}

bool StepExplorer::Advance(const Session& session, std::size_t byte_budget) {
  const MergedList* list = session.merged();
  const StepIndex* index = session.merged_steps_index();
  if (list == nullptr || index == nullptr) return true;
  const bool has_text = !rows_->needle.empty();
  rows_->s3.Prepare(*index);
  std::size_t read = 0;
  for (std::size_t i = 0; i < list->entries.size(); ++i) {
    const MergedEntry& entry = list->entries[i];
    if (entry.origin != StepOrigin::kS3) continue;
    detail::S3RowCache::Entry& cached = rows_->s3.At(*index, entry.index);
    const bool needs_search = has_text && !cached.searched;
    if (cached.facts && !needs_search) continue;
    if (read >= byte_budget && read > 0) return false;
    if (!cached.facts) {
      cached.facts = ReadFacts(session, i);
      read += kFactsCostBytes;
    }
    if (needs_search) {
      const std::string_view text = index->StepJsonText(entry.index);
      cached.search = detail::SearchStep(text, rows_->needle, &rows_->scratch);
      cached.searched = true;
      read += text.size();
    }
  }
  return true;
}

ExplorerView StepExplorer::View(const Session& session) {
  ExplorerView view;
  const bool has_text = !rows_->needle.empty();
  std::vector<RowFacts> dynamodb;
  const std::vector<QueryRow> rows =
      ReadRows(session, *rows_, has_text, /*read_missing=*/false, dynamodb);
  view.total = rows.size();
  std::vector<const QueryRow*> matched;
  for (const QueryRow& row : rows) {
    if (row.facts == nullptr || !row.text.has_value()) {
      view.searching = true;
      continue;
    }
    if (row.text == true && Judge(query_, *row.facts).All()) matched.push_back(&row);
  }
  view.facets = CountFacets(query_, rows);
  SortRows(query_, matched);
  view.matched = matched.size();
  view.rows.reserve(matched.size());
  for (const QueryRow* row : matched) view.rows.push_back(row->index);
  Sum(matched, view);
  return view;
}

std::optional<StepMatch> StepExplorer::Match(const Session& session, std::size_t i) const {
  return detail::FirstMatch(session.StepText(i), rows_->needle);
}

std::vector<std::uint32_t> StepExplorer::OutputMatches(const Session& session,
                                                       std::size_t i) const {
  return detail::OutputMatchOffsets(session.StepText(i), rows_->needle);
}

StepTimeline StepExplorer::Timeline(const Session& session) {
  StepTimeline timeline;
  std::vector<RowFacts> dynamodb;
  const std::vector<QueryRow> rows =
      ReadRows(session, *rows_, /*has_text=*/false, /*read_missing=*/true, dynamodb);
  std::optional<std::int64_t> origin;
  for (const QueryRow& row : rows) {
    if (row.facts->started_ms && (!origin || *row.facts->started_ms < *origin)) {
      origin = row.facts->started_ms;
    }
  }
  constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();
  timeline.origin_ms = origin ? static_cast<double>(*origin) : kUnknown;
  timeline.start_ms.reserve(rows.size());
  timeline.end_ms.reserve(rows.size());
  const auto relative = [&](const std::optional<std::int64_t>& ms) {
    return ms && origin ? static_cast<double>(*ms - *origin) : kUnknown;
  };
  for (const QueryRow& row : rows) {
    timeline.start_ms.push_back(relative(row.facts->started_ms));
    timeline.end_ms.push_back(relative(row.facts->ended_ms));
  }
  return timeline;
}

}  // namespace job_detail
