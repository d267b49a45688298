// The document cache across jobs: the LRU alone (budget, eviction order, shared ownership), and
// sessions that take from it and give to it, driven with virtual time.
#include "job_detail/document_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "job_detail/session.h"

namespace job_detail {
namespace {

constexpr std::int64_t kT0 = 1'795'960'800'000;  // Sun, 29 Nov 2026 14:00:00 GMT

// The S3 document: `count` steps numbered from 1, each costing `cost`.
std::string StepsJson(int count, std::string_view cost = "0.5") {
  std::string json = "{\"execution_steps\":[";
  for (int i = 1; i <= count; ++i) {
    if (i > 1) json += ",";
    json += "{\"step_number\":" + std::to_string(i) + ",\"step_name\":\"s\",\"cost_usd\":\"" +
            std::string(cost) + "\"}";
  }
  return json + "]}";
}

std::shared_ptr<const CachedSteps> Document(int steps, std::string etag = "\"e\"") {
  auto index = std::make_shared<StepIndex>();
  index->Feed(StepsJson(steps));
  EXPECT_FALSE(index->Finish().has_value());
  auto document = std::make_shared<CachedSteps>();
  document->bytes = DocumentCache::CostOf(*index);
  document->index = std::move(index);
  document->etag = std::move(etag);
  return document;
}

TEST(DocumentCacheTest, CountsDocumentBytesPlusRecords) {
  auto index = std::make_shared<StepIndex>();
  const std::string text = StepsJson(10);
  index->Feed(text);
  ASSERT_FALSE(index->Finish().has_value());
  EXPECT_EQ(DocumentCache::CostOf(*index), text.size() + 10 * StepIndex::kStepRecordBytes);
}

TEST(DocumentCacheTest, EvictsLeastRecentlyUsedToStayWithinBudget) {
  const auto a = Document(10), b = Document(10), c = Document(10);
  DocumentCache cache(2 * a->bytes + a->bytes / 2);  // room for two
  cache.Put("a", a);
  cache.Put("b", b);
  ASSERT_NE(cache.Find("a"), nullptr);  // a is now the most recent
  cache.Put("c", c);
  EXPECT_EQ(cache.Keys(), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_EQ(cache.Stats().bytes, a->bytes + c->bytes);
  EXPECT_EQ(cache.Stats().entries, 2u);
  EXPECT_LE(cache.Stats().bytes, cache.Stats().budget_bytes);
}

TEST(DocumentCacheTest, ReplacingAKeyCountsOnlyTheNewDocument) {
  DocumentCache cache;
  const auto small = Document(2), big = Document(20, "\"f\"");
  cache.Put("k", small);
  cache.Put("k", big);
  EXPECT_EQ(cache.Stats().bytes, big->bytes);
  EXPECT_EQ(cache.Find("k")->etag, "\"f\"");
}

TEST(DocumentCacheTest, DocumentLargerThanTheBudgetIsNotKeptAndDropsTheOutdatedOne) {
  const auto small = Document(1), big = Document(100);
  DocumentCache cache(small->bytes);
  cache.Put("k", small);
  cache.Put("k", big);
  EXPECT_EQ(cache.Find("k"), nullptr);
  EXPECT_EQ(cache.Stats().bytes, 0u);
}

TEST(DocumentCacheTest, SmallerBudgetEvictsAtOnce) {
  DocumentCache cache;
  const auto a = Document(5), b = Document(5);
  cache.Put("a", a);
  cache.Put("b", b);
  cache.SetBudget(b->bytes);
  EXPECT_EQ(cache.Keys(), std::vector<std::string>{"b"});
  cache.SetBudget(0);
  EXPECT_EQ(cache.Stats(), (DocumentCacheStats{0, 0, 0}));
}

TEST(DocumentCacheTest, EvictionFreesOnlyWhenTheLastHolderLetsGo) {
  DocumentCache cache(1 << 20);
  std::weak_ptr<const StepIndex> watched;
  std::shared_ptr<const CachedSteps> held;
  {
    auto document = Document(3);
    watched = document->index;
    cache.Put("a", std::move(document));
  }
  held = cache.Find("a");             // a view showing it
  EXPECT_EQ(watched.use_count(), 1);  // one document, held by the cache and the view
  cache.Erase("a");
  EXPECT_FALSE(watched.expired());  // the view still shows it
  held.reset();
  EXPECT_TRUE(watched.expired());  // freed with the last holder
}

// Drives a Session like a host would (see session_test.cc for the full harness).
struct Host {
  explicit Host(std::shared_ptr<DocumentCache> cache) {
    SessionConfig config;
    config.api_base_url = "https://api.example/v1/";
    config.poll_interval_ms.reset();
    session = std::make_unique<Session>(std::move(config));
    session->SetDocumentCache(std::move(cache));
  }

  void Drain() {
    while (auto effect = session->PollEffect()) {
      if (auto* f = std::get_if<FetchJob>(&*effect)) job_fetches.push_back(*f);
      if (auto* s = std::get_if<FetchSteps>(&*effect)) steps_fetches.push_back(*s);
      if (auto* m = std::get_if<Metric>(&*effect)) metrics.push_back(*m);
    }
  }
  // Opens `job` whose S3 object is `object`, signed anew (a different query every time).
  void Open(const std::string& job, const std::string& object) {
    session->Start(job, now);
    Drain();
    const std::string url = "https://bucket.s3.amazonaws.com/" + object + "?X-Amz-Signature=sig" +
                            std::to_string(++signatures);
    const std::string body = "{\"id\":\"" + job +
                             "\",\"status\":\"completed\",\"execution_steps\":[],"
                             "\"execution_steps_s3_key\":\"" +
                             object + "\",\"execution_steps_s3_url\":\"" + url + "\"}";
    session->OnJobResponse(job_fetches.back().id, 200, {}, body, now);
    Drain();
  }
  void StepsRespond(int status, const std::string& body, const std::string& etag) {
    const std::uint64_t id = steps_fetches.back().id;
    session->OnStepsResponseStart(id, status, {{"ETag", etag}}, now);
    if (!body.empty()) session->OnStepsChunk(id, std::string_view(body), now);
    session->OnStepsEnd(id, now);
    Drain();
  }
  const Metric* LastMetric(std::string_view name) const {
    for (auto it = metrics.rbegin(); it != metrics.rend(); ++it) {
      if (it->name == name) return &*it;
    }
    return nullptr;
  }
  std::string LastFetchEndCache() const {
    const Metric* m = LastMetric("fetch_end");
    const MetricValue* v = m ? m->Find("cache") : nullptr;
    return v ? std::get<std::string>(*v) : "<missing>";
  }

  std::unique_ptr<Session> session;
  std::vector<FetchJob> job_fetches;
  std::vector<FetchSteps> steps_fetches;
  std::vector<Metric> metrics;
  std::int64_t now = kT0;
  int signatures = 0;
};

TEST(SessionDocumentCacheTest, ASecondVisitShowsTheCachedRowsAtOnceAndA304KeepsThem) {
  auto cache = std::make_shared<DocumentCache>();
  Host h(cache);
  h.Open("j1", "jobs/j1/steps.json");
  ASSERT_EQ(h.steps_fetches.size(), 1u);
  EXPECT_TRUE(h.steps_fetches[0].headers.empty());
  h.StepsRespond(200, StepsJson(40), "\"v1\"");
  EXPECT_EQ(h.LastFetchEndCache(), "none");
  EXPECT_EQ(cache->Stats().entries, 1u);
  const StepIndex* first = h.session->steps_index();

  h.Open("j2", "jobs/j2/steps.json");
  h.StepsRespond(200, StepsJson(3), "\"w1\"");
  EXPECT_EQ(h.session->Snapshot().steps->count, 3u);

  h.Open("j1", "jobs/j1/steps.json");  // a fresh URL for the same object
  const SessionSnapshot& shown = h.session->Snapshot();
  EXPECT_EQ(shown.status, SessionStatus::kReady);
  EXPECT_EQ(shown.steps->source, StepsSource::kS3);
  EXPECT_TRUE(shown.steps->complete);
  EXPECT_FALSE(shown.steps->streaming);
  EXPECT_TRUE(shown.steps->from_cache);
  EXPECT_EQ(shown.steps->count, 40u);
  EXPECT_EQ(shown.steps->total_cost_usd, "20");
  EXPECT_EQ(h.session->steps_index(), first);  // the same index, not a copy
  ASSERT_NE(h.LastMetric("cache_hit"), nullptr);
  // Revalidation: one conditional GET on the fresh URL.
  ASSERT_EQ(h.steps_fetches.size(), 3u);
  EXPECT_NE(h.steps_fetches[2].url.find("sig3"), std::string::npos);
  ASSERT_EQ(h.steps_fetches[2].headers.size(), 1u);
  EXPECT_EQ(h.steps_fetches[2].headers[0],
            (std::pair<std::string, std::string>{"If-None-Match", "\"v1\""}));
  EXPECT_TRUE(h.session->Snapshot().fetching);

  h.StepsRespond(304, "", "\"v1\"");
  EXPECT_EQ(h.LastFetchEndCache(), "revalidated");
  EXPECT_EQ(h.session->Snapshot().steps->count, 40u);
  EXPECT_TRUE(h.session->Snapshot().steps->from_cache);
  EXPECT_FALSE(h.session->Snapshot().fetching);
  EXPECT_EQ(h.session->steps_index(), first);
  EXPECT_EQ(h.session->Row(39).value().row.step_number, std::optional<std::string>("40"));
}

TEST(SessionDocumentCacheTest, A200WithAnotherETagReplacesTheIndexAndTheCacheEntry) {
  auto cache = std::make_shared<DocumentCache>();
  Host h(cache);
  h.Open("j1", "jobs/j1/steps.json");
  h.StepsRespond(200, StepsJson(5), "\"v1\"");
  h.Open("j1", "jobs/j1/steps.json");
  EXPECT_EQ(h.session->Snapshot().steps->count, 5u);
  ASSERT_EQ(h.steps_fetches.back().headers.size(), 1u);

  h.StepsRespond(200, StepsJson(8, "1"), "\"v2\"");
  EXPECT_EQ(h.LastFetchEndCache(), "replaced");
  const SessionSnapshot& shown = h.session->Snapshot();
  EXPECT_EQ(shown.steps->count, 8u);
  EXPECT_EQ(shown.steps->total_cost_usd, "8");
  EXPECT_FALSE(shown.steps->from_cache);
  const auto cached = cache->Find("https://bucket.s3.amazonaws.com/jobs/j1/steps.json");
  ASSERT_NE(cached, nullptr);
  EXPECT_EQ(cached->etag, "\"v2\"");
  EXPECT_EQ(cached->index.get(), h.session->steps_index());
  EXPECT_EQ(cache->Stats().entries, 1u);
}

TEST(SessionDocumentCacheTest, TwoSessionsShowingOneJobShareOneIndexAndLetGoInAnyOrder) {
  auto cache = std::make_shared<DocumentCache>();
  auto a = std::make_unique<Host>(cache);
  auto b = std::make_unique<Host>(cache);
  a->Open("j1", "jobs/j1/steps.json");
  a->StepsRespond(200, StepsJson(12), "\"v1\"");
  b->Open("j1", "jobs/j1/steps.json");
  b->StepsRespond(304, "", "\"v1\"");
  ASSERT_EQ(a->session->steps_index(), b->session->steps_index());
  std::weak_ptr<const StepIndex> watched =
      cache->Find("https://bucket.s3.amazonaws.com/jobs/j1/steps.json")->index;
  a.reset();            // the first view goes
  cache->SetBudget(0);  // and the cache lets go
  EXPECT_FALSE(watched.expired());
  EXPECT_EQ(b->session->Snapshot().steps->count, 12u);
  EXPECT_EQ(b->session->Row(11).value().row.step_number, std::optional<std::string>("12"));
  b.reset();
  EXPECT_TRUE(watched.expired());
}

TEST(SessionDocumentCacheTest, WithoutAnETagNothingIsCachedAndWithoutACacheNothingIsShared) {
  auto cache = std::make_shared<DocumentCache>();
  Host h(cache);
  h.Open("j1", "jobs/j1/steps.json");
  const std::uint64_t id = h.steps_fetches.back().id;
  h.session->OnStepsResponseStart(id, 200, {}, h.now);
  h.session->OnStepsChunk(id, std::string_view(StepsJson(2)), h.now);
  h.session->OnStepsEnd(id, h.now);
  h.Drain();
  EXPECT_EQ(cache->Stats().entries, 0u);

  Host alone(nullptr);
  alone.Open("j1", "jobs/j1/steps.json");
  alone.StepsRespond(200, StepsJson(2), "\"v1\"");
  alone.Open("j1", "jobs/j1/steps.json");
  EXPECT_EQ(alone.session->Snapshot().status, SessionStatus::kLoading);
  EXPECT_TRUE(alone.steps_fetches.back().headers.empty());
}

}  // namespace
}  // namespace job_detail
