// The session's decisions about the module's DocumentCache: when a job's document is taken from
// it, what a revalidation did to it, and which documents are given to it.
#include <memory>
#include <utility>

#include "job_detail/document_cache.h"
#include "job_detail/presigned_url.h"
#include "session_state.h"

namespace job_detail {

void Session::SetDocumentCache(std::shared_ptr<DocumentCache> cache) {
  state_->cache = std::move(cache);
}

bool Session::State::TakeFromCache(detail::JobState& s, std::int64_t now_ms) {
  if (!cache) return false;
  const std::shared_ptr<const CachedSteps> cached = cache->Find(s.steps_url.key);
  if (!cached) return false;
  CancelStepsWork(s);
  s.partial = detail::ReceivedSteps{};
  s.loaded = detail::LoadedSteps{cached->index, cached->keys, s.steps_url.key, cached->etag,
                                 /*from_cache=*/true};
  StepsAnswered(s);
  host.Emit(Metric{"cache_hit",
                   {{"url", RedactUrl(s.steps_url.url)},
                    {"count", static_cast<std::int64_t>(cached->index->count())},
                    {"bytes", static_cast<std::int64_t>(cached->bytes)},
                    {"at_ms", now_ms}}});
  return true;
}

void Session::State::GiveToCache(const detail::JobState& s) {
  // Without an ETag a cached document could not be revalidated cheaply: it is not kept.
  if (!cache || !s.loaded.index || !s.loaded.etag) return;
  auto document = std::make_shared<CachedSteps>();
  document->index = s.loaded.index;
  document->keys = s.loaded.keys;
  document->etag = *s.loaded.etag;
  document->bytes = DocumentCache::CostOf(*s.loaded.index);
  cache->Put(s.loaded.key, std::move(document));
}

const char* Session::State::CacheVerdict(const detail::JobState& s, const FetchOutcome& outcome,
                                         bool keeps_loaded) {
  if (!keeps_loaded || !s.loaded.from_cache) return "none";
  switch (outcome.verdict) {
    case FetchVerdict::kNotModified:
      return "revalidated";
    case FetchVerdict::kSuccess:
      return "replaced";
    default:
      return "kept";  // the revalidation failed: the cached rows stay shown
  }
}

}  // namespace job_detail
