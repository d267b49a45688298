// StepExplorer: search, filter, sort and aggregate the list a Session shows, in both origins, from
// the bytes the session already holds (no DOM, no decoded copies of the outputs kept).
//
// The text search is incremental: Advance() searches the rows not searched yet for about a byte
// budget of step text and says whether every row is done, so a host can run it in slices between
// frames. Results are kept per S3 step (keyed by the document and the step's byte offset), so rows
// that arrive while the list streams are searched when they come, and a row the document no longer
// holds is searched again. DynamoDB rows (a few, from the job item) are searched when read.
// Until a row has been searched it is not among the matches (View says `searching`).
#ifndef JOB_DETAIL_STEP_EXPLORER_H_
#define JOB_DETAIL_STEP_EXPLORER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "job_detail/session.h"
#include "job_detail/step_query.h"

namespace job_detail {

namespace detail {
struct ExplorerRows;
}  // namespace detail

class StepExplorer {
 public:
  StepExplorer();
  ~StepExplorer();
  StepExplorer(StepExplorer&&) noexcept;
  StepExplorer& operator=(StepExplorer&&) noexcept;

  // A new text forgets every search result; filters and sort apply from the next View().
  void SetQuery(StepQuery query);
  const StepQuery& query() const { return query_; }

  // Searches rows of `session`'s shown list not searched yet, until about `byte_budget` bytes of
  // step text were read (at least one row). True when every row has been searched (at once when
  // the query has no text).
  bool Advance(const Session& session, std::size_t byte_budget);
  // The rows matching the query so far, ordered, with facet counts, totals and breakdowns.
  ExplorerView View(const Session& session);
  // The query text's first match in row i of the shown list, with the step's match count;
  // nullopt when the query has no text, i is out of range or the row does not match.
  std::optional<StepMatch> Match(const Session& session, std::size_t i) const;
  // UTF-16 offsets of every match in row i's `output` string as decoded (what a JS string holds).
  std::vector<std::uint32_t> OutputMatches(const Session& session, std::size_t i) const;
  // Each shown row's start and end (the query does not apply: the caller draws what it selects).
  StepTimeline Timeline(const Session& session);

 private:
  StepQuery query_;
  std::unique_ptr<detail::ExplorerRows> rows_;
};

}  // namespace job_detail

#endif  // JOB_DETAIL_STEP_EXPLORER_H_
