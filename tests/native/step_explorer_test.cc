// The step explorer over a real Session: facets, exact sorting, totals and breakdowns, and the
// incremental search while the S3 list streams in arbitrary chunks.
#include "job_detail/step_explorer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace job_detail {
namespace {

constexpr std::int64_t kNow = 1'795'960'800'000;

struct StepSpec {
  int number;
  std::string status;
  std::string model;
  std::string cost;  // JSON text of cost_usd, "" for none
  std::string output;
  std::string started;  // JSON text, "" for none
  std::string duration;
  std::string tokens;  // JSON text of total_tokens
};

std::string StepJson(const StepSpec& s) {
  std::string json = "{\"step_number\":" + std::to_string(s.number) + ",\"step_name\":\"step " +
                     std::to_string(s.number) + "\",\"status\":\"" + s.status + "\"";
  if (!s.model.empty()) json += ",\"model\":\"" + s.model + "\"";
  if (!s.cost.empty()) json += ",\"cost_usd\":" + s.cost;
  if (!s.started.empty()) json += ",\"started_at\":" + s.started;
  if (!s.duration.empty()) json += ",\"duration_ms\":" + s.duration;
  if (!s.tokens.empty()) json += ",\"total_tokens\":" + s.tokens;
  return json + ",\"output\":\"" + s.output + "\"}";
}

const std::vector<StepSpec> kSteps = {
    {1, "completed", "gpt-4o", "0.10000000000000001", "all good", "\"2026-11-29T14:00:00Z\"",
     "1000", "300"},
    {2, "failed", "claude", "\"0.1\"", "request TIMEOUT", "\"2026-11-29T14:00:02Z\"", "500", "40"},
    {3, "completed", "gpt-4o", "", "<p>timeout</p> and timeout", "\"2026-11-29T14:00:01Z\"", "",
     "7000"},
    {4, "completed", "", "\"n/a\"", "caf\\u00e9 \\\"quoted\\\"", "", "2500", ""},
    {5, "failed", "claude", "2.5", "fine", "\"2026-11-29T13:59:59.5Z\"", "10", "20"},
};

std::string Document(const std::vector<StepSpec>& steps) {
  std::string json = "{\"execution_steps\":[";
  for (std::size_t i = 0; i < steps.size(); ++i) json += (i ? "," : "") + StepJson(steps[i]);
  return json + "]}";
}

// A session that loaded job j1 and is receiving its S3 list.
class Loaded {
 public:
  Loaded() : session_(Config()) {
    session_.Start("j1", kNow);
    const auto job = std::get<FetchJob>(*session_.PollEffect());
    session_.OnJobResponse(
        job.id, 200, {},
        R"({"id":"j1","status":"completed","execution_steps":[{"step_number":1}],)"
        R"("execution_steps_s3_key":"jobs/j1/steps.json",)"
        R"("execution_steps_s3_url":"https://bucket.s3.amazonaws.com/jobs/j1/steps.json"})",
        kNow);
    while (auto effect = session_.PollEffect()) {
      if (auto* steps = std::get_if<FetchSteps>(&*effect)) steps_id_ = steps->id;
    }
    session_.OnStepsResponseStart(steps_id_, 200, {}, kNow);
  }
  static SessionConfig Config() {
    SessionConfig config;
    config.api_base_url = "https://api.example/v1/";
    return config;
  }
  void Feed(std::string_view bytes) { session_.OnStepsChunk(steps_id_, bytes, kNow); }
  void End() { session_.OnStepsEnd(steps_id_, kNow); }
  void FeedAll(const std::string& document, std::size_t chunk) {
    for (std::size_t at = 0; at < document.size(); at += chunk) {
      Feed(std::string_view(document).substr(at, chunk));
    }
    End();
  }
  const Session& session() const { return session_; }

 private:
  Session session_;
  std::uint64_t steps_id_ = 0;
};

ExplorerView Explore(const Session& session, StepExplorer& explorer, StepQuery query) {
  explorer.SetQuery(std::move(query));
  while (!explorer.Advance(session, 1)) {
  }
  return explorer.View(session);
}

std::vector<std::uint32_t> Rows(const ExplorerView& view) { return view.rows; }
std::uint64_t CountOf(const std::vector<FacetCount>& facets, std::string_view value) {
  for (const FacetCount& facet : facets) {
    if (facet.value == value) return facet.count;
  }
  return 999;  // absent
}

TEST(StepExplorerTest, NoQueryShowsEveryRowWithExactTotals) {
  Loaded job;
  job.FeedAll(Document(kSteps), 13);
  StepExplorer explorer;
  const ExplorerView view = Explore(job.session(), explorer, {});
  EXPECT_FALSE(view.searching);
  EXPECT_EQ(view.total, 5u);
  EXPECT_EQ(Rows(view), (std::vector<std::uint32_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(view.totals.cost_usd, "2.7");  // 0.1 (to the decimal's unit) + 0.1 + 2.5
  EXPECT_EQ(view.totals.no_cost, 1u);
  EXPECT_EQ(view.totals.invalid_cost, 1u);
  EXPECT_EQ(view.totals.total_tokens, 7360u);
  // Durations: given, or from the timestamps; step 3 has neither an end nor a duration.
  EXPECT_EQ(view.totals.duration_ms, 1000u + 500u + 2500u + 10u);
}

TEST(StepExplorerTest, FacetsCombineAndCountOverTheOtherFacets) {
  Loaded job;
  job.FeedAll(Document(kSteps), 64);
  StepExplorer explorer;
  StepQuery query;
  query.status = {"failed"};
  query.model = {"claude", "gpt-4o"};
  const ExplorerView view = Explore(job.session(), explorer, query);
  EXPECT_EQ(Rows(view), (std::vector<std::uint32_t>{1, 4}));
  // Status counts ignore the status facet but keep the model one: 2 failed, 2 completed (gpt-4o).
  EXPECT_EQ(CountOf(view.facets.status, "failed"), 2u);
  EXPECT_EQ(CountOf(view.facets.status, "completed"), 2u);
  // Model counts keep the status facet: among failed steps, claude 2, gpt-4o 0, none ("") 0.
  EXPECT_EQ(CountOf(view.facets.model, "claude"), 2u);
  EXPECT_EQ(CountOf(view.facets.model, "gpt-4o"), 0u);
  EXPECT_EQ(CountOf(view.facets.model, ""), 0u);
  EXPECT_EQ(CountOf(view.facets.cost_kind, "valid"), 2u);
  EXPECT_EQ(CountOf(view.facets.origin, "s3"), 2u);

  query = {};
  query.cost_kind = {CostKind::kNone, CostKind::kInvalid};
  EXPECT_EQ(Rows(Explore(job.session(), explorer, query)), (std::vector<std::uint32_t>{2, 3}));
  query.model = {""};  // "no model"
  EXPECT_EQ(Rows(Explore(job.session(), explorer, query)), (std::vector<std::uint32_t>{3}));
}

TEST(StepExplorerTest, SortsByExactValuesWithMissingOnesLastBothWays) {
  Loaded job;
  job.FeedAll(Document(kSteps), 5);
  StepExplorer explorer;
  StepQuery query;
  query.sort = StepSortKey::kCost;
  // 0.10000000000000001 has more digits than the decimal keeps: it is 0.1 to the unit, a tie
  // with step 2's "0.1" (list order), below 2.5; none and invalid last.
  EXPECT_EQ(Rows(Explore(job.session(), explorer, query)),
            (std::vector<std::uint32_t>{0, 1, 4, 2, 3}));
  query.direction = SortDirection::kDesc;
  EXPECT_EQ(Rows(Explore(job.session(), explorer, query)),
            (std::vector<std::uint32_t>{4, 0, 1, 2, 3}));
  query.sort = StepSortKey::kStartedAt;
  query.direction = SortDirection::kAsc;
  EXPECT_EQ(Rows(Explore(job.session(), explorer, query)),
            (std::vector<std::uint32_t>{4, 0, 2, 1, 3}));
  query.sort = StepSortKey::kDuration;
  EXPECT_EQ(Rows(Explore(job.session(), explorer, query)),
            (std::vector<std::uint32_t>{4, 1, 0, 3, 2}));
  query.sort = StepSortKey::kTokens;
  query.direction = SortDirection::kDesc;
  EXPECT_EQ(Rows(Explore(job.session(), explorer, query)),
            (std::vector<std::uint32_t>{2, 0, 1, 4, 3}));
  query.sort = StepSortKey::kStep;
  EXPECT_EQ(Rows(Explore(job.session(), explorer, query)),
            (std::vector<std::uint32_t>{4, 3, 2, 1, 0}));
}

TEST(StepExplorerTest, TextSearchOnDecodedTextWithFacetsAndSnippets) {
  Loaded job;
  job.FeedAll(Document(kSteps), 3);
  StepExplorer explorer;
  StepQuery query;
  query.text = "timeout";
  ExplorerView view = Explore(job.session(), explorer, query);
  EXPECT_EQ(Rows(view), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(CountOf(view.facets.status, "failed"), 1u);
  const auto match = explorer.Match(job.session(), 2);
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->count, 2u);
  EXPECT_EQ(match->field, SearchField::kOutput);
  EXPECT_EQ(match->snippet, "<p>timeout</p> and timeout");
  EXPECT_EQ(match->match_start, 3u);
  EXPECT_EQ(explorer.OutputMatches(job.session(), 2), (std::vector<std::uint32_t>{3, 19}));
  EXPECT_FALSE(explorer.Match(job.session(), 0).has_value());

  query.text = "café \"QUOTED\"";
  EXPECT_EQ(Rows(Explore(job.session(), explorer, query)), (std::vector<std::uint32_t>{3}));
  query.text = "step 5";  // the name
  query.status = {"completed"};
  view = Explore(job.session(), explorer, query);
  EXPECT_EQ(view.matched, 0u);
  EXPECT_EQ(CountOf(view.facets.status, "failed"), 1u);
}

TEST(StepExplorerTest, SearchRunsInSlicesAndFollowsTheStreamingList) {
  std::vector<StepSpec> many;
  for (int i = 1; i <= 40; ++i) {
    many.push_back({i, "completed", "m", "0.01", i % 7 == 0 ? "needle" : "hay", "", "", ""});
  }
  const std::string document = Document(many);
  Loaded job;
  StepExplorer explorer;
  StepQuery query;
  query.text = "NEEDLE";
  explorer.SetQuery(query);
  std::size_t slices = 0;
  // Arbitrary chunks; after each, a slice of at most one step: results grow as rows arrive.
  std::uint64_t last_matched = 0;
  for (std::size_t at = 0; at < document.size(); at += 97) {
    job.Feed(std::string_view(document).substr(at, 97));
    explorer.Advance(job.session(), 1);
    ++slices;
    const ExplorerView view = explorer.View(job.session());
    EXPECT_GE(view.matched, last_matched);
    last_matched = view.matched;
  }
  job.End();
  while (!explorer.Advance(job.session(), 1)) ++slices;
  const ExplorerView view = explorer.View(job.session());
  EXPECT_FALSE(view.searching);
  EXPECT_EQ(Rows(view), (std::vector<std::uint32_t>{6, 13, 20, 27, 34}));
  EXPECT_GT(slices, 40u);
  // A budget of one byte still searches one row per slice; a new text starts over.
  query.text = "hay";
  explorer.SetQuery(query);
  EXPECT_FALSE(explorer.Advance(job.session(), 1));
  EXPECT_TRUE(explorer.View(job.session()).searching);
  EXPECT_TRUE(explorer.Advance(job.session(), 1 << 20));
  EXPECT_EQ(explorer.View(job.session()).matched, 35u);
}

TEST(StepExplorerTest, BreakdownByModelAndStatusWithExactShares) {
  Loaded job;
  job.FeedAll(Document(kSteps), 1000);
  StepExplorer explorer;
  const ExplorerView view = Explore(job.session(), explorer, {});
  ASSERT_EQ(view.breakdown.by_model.size(), 3u);
  EXPECT_EQ(view.breakdown.by_model[0].value, "claude");  // 2.6 of 2.7
  EXPECT_EQ(view.breakdown.by_model[0].cost_usd, "2.6");
  EXPECT_EQ(view.breakdown.by_model[0].steps, 2u);
  EXPECT_NEAR(view.breakdown.by_model[0].share, 2.6 / 2.7, 1e-12);
  EXPECT_EQ(view.breakdown.by_model[1].value, "gpt-4o");
  EXPECT_EQ(view.breakdown.by_model[2].value, "");
  ASSERT_EQ(view.breakdown.by_status.size(), 2u);
  EXPECT_EQ(view.breakdown.by_status[0].value, "failed");
  EXPECT_EQ(view.breakdown.by_status[1].steps, 3u);
}

TEST(StepExplorerTest, TimelineIsRelativeToTheEarliestStart) {
  Loaded job;
  job.FeedAll(Document(kSteps), 1000);
  StepExplorer explorer;
  const StepTimeline timeline = explorer.Timeline(job.session());
  EXPECT_EQ(timeline.origin_ms, 1'795'960'799'500.0);
  ASSERT_EQ(timeline.start_ms.size(), 5u);
  EXPECT_EQ(timeline.start_ms[0], 500.0);
  EXPECT_EQ(timeline.end_ms[0], 1500.0);
  EXPECT_EQ(timeline.start_ms[2], 1500.0);
  EXPECT_TRUE(std::isnan(timeline.end_ms[2]));  // no duration, no end
  EXPECT_TRUE(std::isnan(timeline.start_ms[3]));
  EXPECT_EQ(timeline.end_ms[4], 10.0);
}

TEST(StepExplorerTest, DynamoDbRowsAreSearchedAndFilteredToo) {
  Loaded job;
  job.Feed("{\"execution_steps\":[");  // then the download fails: the job's own step is shown
  job.End();
  StepExplorer explorer;
  StepQuery query;
  query.origin = {StepOrigin::kDynamoDb};
  ExplorerView view = Explore(job.session(), explorer, query);
  ASSERT_EQ(view.total, 1u);
  EXPECT_EQ(Rows(view), (std::vector<std::uint32_t>{0}));
  query.text = "nothing like it";
  EXPECT_EQ(Explore(job.session(), explorer, query).matched, 0u);
}

}  // namespace
}  // namespace job_detail
