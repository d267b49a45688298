// session.h for JS: the session the facade's JobDetailClient drives, behind an integer handle
// (handle_table.h). Ids and times cross as JS numbers (ids stay far below 2^53; times are epoch
// milliseconds).
#include <emscripten/bind.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "convert.h"
#include "handle_table.h"
#include "job_detail/document_cache.h"
#include "job_detail/fetch_outcome.h"
#include "job_detail/merge.h"
#include "job_detail/session.h"
#include "job_detail/session_effect.h"
#include "job_detail/session_snapshot.h"
#include "job_detail/step_explorer.h"
#include "job_detail/step_query.h"
#include "step_convert.h"
#include "transfer_buffer.h"

namespace job_detail::bindings {
namespace {

using emscripten::val;
using ::job_detail::bindings::ToJs;

std::uint64_t IdFromJs(double id) { return IntegerFromJs<std::uint64_t>(id); }
std::int64_t MsFromJs(double ms) { return IntegerFromJs<std::int64_t>(ms); }

template <class T>
void ReadNumber(const val& object, const char* name, T* out) {
  const val member = object[name];
  if (member.isNumber()) *out = IntegerFromJs<T>(member.as<double>());
}

void ReadStrings(const val& object, const char* name, std::vector<std::string>* out) {
  const val list = object[name];
  if (!list.isArray()) return;
  const auto length = list["length"].as<unsigned>();
  for (unsigned i = 0; i < length; ++i) out->push_back(list[i].as<std::string>());
}

// {apiBaseUrl, retry?: {attempts?, baseMs?, capMs?}, pollIntervalMs?: number | false,
//  requestTimeoutMs?, allowedHosts?: string[], terminalStatuses?: string[],
//  runningStatuses?: string[], maxBytes?, maxDepth?, maxSteps?, strict?}: the options the facade
//  has; it checked the values. Absent: core defaults (the facade's own randomness feeds SetRandom
//  instead of a seed).
SessionConfig ConfigFromJs(const val& js) {
  SessionConfig config;
  if (js["apiBaseUrl"].isString()) config.api_base_url = js["apiBaseUrl"].as<std::string>();
  const val retry = js["retry"];
  if (!retry.isUndefined() && !retry.isNull()) {
    ReadNumber(retry, "attempts", &config.retry.max_attempts);
    ReadNumber(retry, "baseMs", &config.retry.base_ms);
    ReadNumber(retry, "capMs", &config.retry.cap_ms);
  }
  const val poll = js["pollIntervalMs"];
  if (poll.isNumber()) config.poll_interval_ms = MsFromJs(poll.as<double>());
  if (poll.isFalse()) config.poll_interval_ms.reset();
  ReadNumber(js, "requestTimeoutMs", &config.request_timeout_ms);
  config.steps_limits = StepIndexOptionsFromJs(js);
  ReadStrings(js, "allowedHosts", &config.allowed_hosts);
  ReadStrings(js, "terminalStatuses", &config.statuses.terminal);
  ReadStrings(js, "runningStatuses", &config.statuses.running);
  return config;
}

template <class E>
void ReadNames(const val& object, const char* name, std::vector<E>* out) {
  std::vector<std::string> names;
  ReadStrings(object, name, &names);
  for (const std::string& each : names) {
    if (const auto value = FromName<E>(each)) out->push_back(*value);
  }
}

// {text, status: string[], model: string[], origin: string[], costKind: string[], sort,
//  direction}: the facade checked the names.
StepQuery QueryFromJs(const val& js) {
  StepQuery query;
  if (js["text"].isString()) query.text = js["text"].as<std::string>();
  ReadStrings(js, "status", &query.status);
  ReadStrings(js, "model", &query.model);
  ReadNames(js, "origin", &query.origin);
  ReadNames(js, "costKind", &query.cost_kind);
  if (js["sort"].isString()) {
    query.sort = FromName<StepSortKey>(js["sort"].as<std::string>()).value_or(StepSortKey::kStep);
  }
  if (js["direction"].isString()) {
    query.direction =
        FromName<SortDirection>(js["direction"].as<std::string>()).value_or(SortDirection::kAsc);
  }
  return query;
}

// `headers`: [[name, value], ...] as `[...response.headers]` gives them.
HttpHeaders HeadersFromJs(const val& headers) {
  HttpHeaders out;
  if (!headers.isArray()) return out;
  const auto length = headers["length"].as<unsigned>();
  out.reserve(length);
  for (unsigned i = 0; i < length; ++i) {
    const val pair = headers[i];
    out.emplace_back(pair[0].as<std::string>(), pair[1].as<std::string>());
  }
  return out;
}

val HeadersToJs(const HttpHeaders& headers) {
  val out = val::array();
  unsigned i = 0;
  for (const auto& [name, value] : headers) {
    val pair = val::array();
    pair.set(0, name);
    pair.set(1, value);
    out.set(i++, pair);
  }
  return out;
}

val MetricValueToJs(const MetricValue& value) {
  if (const auto* number = std::get_if<std::int64_t>(&value)) {
    return val(static_cast<double>(*number));
  }
  if (const auto* flag = std::get_if<bool>(&value)) return val(*flag);
  return val(std::get<std::string>(value));
}

// {type: 'fetchJob' | 'fetchSteps' | 'cancel' | 'startTimer' | 'metric', ...}
struct EffectToJs {
  val operator()(const FetchJob& e) const {
    val out = Typed("fetchJob", e.id);
    out.set("url", e.url);
    return out;
  }
  val operator()(const FetchSteps& e) const {
    val out = Typed("fetchSteps", e.id);
    out.set("url", e.url);
    out.set("headers", HeadersToJs(e.headers));
    return out;
  }
  val operator()(const Cancel& e) const { return Typed("cancel", e.id); }
  val operator()(const StartTimer& e) const {
    val out = Typed("startTimer", e.id);
    out.set("at", static_cast<double>(e.at_ms));
    return out;
  }
  val operator()(const Metric& e) const {
    val out = val::object();
    out.set("type", std::string("metric"));
    out.set("name", e.name);
    val fields = val::object();
    for (const MetricField& field : e.fields) fields.set(field.name, MetricValueToJs(field.value));
    out.set("fields", fields);
    return out;
  }
  static val Typed(const char* type, std::uint64_t id) {
    val out = val::object();
    out.set("type", std::string(type));
    out.set("id", static_cast<double>(id));
    return out;
  }
};

val OutOfRange(const char* what) {
  val out = val::object();
  out.set("ok", false);
  out.set("error", ToJs(Error{ErrorCode::kInvalidArgument, std::nullopt, what}));
  return out;
}

// document_cache.h for JS: the module's one cache, held by the facade per module instance and
// shared with each session it is given to (a session keeps it alive past the handle's deletion).
class JsDocumentCache {
 public:
  explicit JsDocumentCache(double budget_bytes)
      : cache_(std::make_shared<DocumentCache>(IntegerFromJs<std::uint64_t>(budget_bytes))) {}

  void SetBudget(double budget_bytes) {
    cache_->SetBudget(IntegerFromJs<std::uint64_t>(budget_bytes));
  }
  val Stats() const { return ToJs(cache_->Stats()); }
  const std::shared_ptr<DocumentCache>& cache() const { return cache_; }

 private:
  std::shared_ptr<DocumentCache> cache_;
};

class JsSession {
 public:
  explicit JsSession(const val& config) : session_(ConfigFromJs(config)) {}

  void Start(const std::string& job_id, double now) { session_.Start(job_id, MsFromJs(now)); }
  void Stop(double now) { session_.Stop(MsFromJs(now)); }
  // The body is the first `length` bytes the facade wrote through transferView(length).
  void OnJobResponseTransfer(double id, int status, const val& headers, std::size_t length,
                             double now) {
    const auto body = TransferBytes(length);
    session_.OnJobResponse(
        IdFromJs(id), status, HeadersFromJs(headers),
        std::string_view(reinterpret_cast<const char*>(body.data()), body.size()), MsFromJs(now));
  }
  void OnStepsResponseStart(double id, int status, const val& headers, double now) {
    session_.OnStepsResponseStart(IdFromJs(id), status, HeadersFromJs(headers), MsFromJs(now));
  }
  void OnStepsChunkTransfer(double id, std::size_t length, double now) {
    session_.OnStepsChunk(IdFromJs(id), TransferBytes(length), MsFromJs(now));
  }
  void OnStepsEnd(double id, double now) { session_.OnStepsEnd(IdFromJs(id), MsFromJs(now)); }
  // `kind`: network | timeout | aborted (the facade passes no other name).
  void OnTransportError(double id, const std::string& kind, double now) {
    session_.OnTransportError(
        IdFromJs(id), TransportErrorKindFromName(kind).value_or(TransportErrorKind::kNetwork),
        MsFromJs(now));
  }
  void OnTimer(double id, double now) { session_.OnTimer(IdFromJs(id), MsFromJs(now)); }
  void SetPageVisible(bool visible, double now) { session_.SetPageVisible(visible, MsFromJs(now)); }
  void SetOnline(bool online, double now) { session_.SetOnline(online, MsFromJs(now)); }
  void Refetch(double now) { session_.Refetch(MsFromJs(now)); }
  void SetRandom(double random) { session_.SetRandom(random); }
  void SetConfig(const val& config, double now) {
    session_.SetConfig(ConfigFromJs(config), MsFromJs(now));
  }
  // `code`: an ErrorCode name (the facade passes internal_error).
  void FailSteps(const std::string& code, const std::string& message, double now) {
    session_.FailSteps(
        SnapshotError{ErrorCodeFromName(code).value_or(ErrorCode::kInternalError), message},
        MsFromJs(now));
  }

  // `cache`: a document cache's handle.
  void SetDocumentCache(std::uint32_t cache) {
    session_.SetDocumentCache(Object<JsDocumentCache>(cache).cache());
  }
  void ClearDocumentCache() { session_.SetDocumentCache(nullptr); }

  val PollEffect() {
    std::optional<SessionEffect> effect = session_.PollEffect();
    return effect ? std::visit(EffectToJs{}, *effect) : val::null();
  }
  val NextDeadline() const {
    const auto deadline = session_.NextDeadline();
    return deadline ? val(static_cast<double>(*deadline)) : val::null();
  }
  double Version() const { return static_cast<double>(session_.version()); }
  double ShownCount() const { return static_cast<double>(session_.shown_count()); }
  val Snapshot() const { return ToJs(session_.Snapshot()); }

  // The last parsed job as JSON text (JSON.parse'd by the facade), or null.
  val JobJson() const {
    const Job* job = session_.job();
    return job ? val(job->text) : val::null();
  }
  // {ok: true, value: {...row, origin}} | {ok: false, error}
  val Row(std::size_t i) const { return ResultToJs(session_.Row(i)); }
  // The step's JSON text as a view into the core's memory (the facade decodes it at once).
  val StepText(std::size_t i) const {
    const std::string_view text = session_.StepText(i);
    if (text.empty()) return OutOfRange("step index out of range");
    val out = val::object();
    out.set("ok", true);
    out.set("value", val(emscripten::typed_memory_view(
                         text.size(), reinterpret_cast<const std::uint8_t*>(text.data()))));
    return out;
  }

  // The step explorer (step_explorer.h) over this session's shown list.
  void SetQuery(const val& query) { explorer_.SetQuery(QueryFromJs(query)); }
  bool AdvanceSearch(double byte_budget) {
    return explorer_.Advance(session_, IntegerFromJs<std::size_t>(byte_budget));
  }
  val View() { return ToJs(explorer_.View(session_)); }
  val Match(std::size_t i) const { return ToJs(explorer_.Match(session_, i)); }
  val OutputMatches(std::size_t i) const { return ToJs(explorer_.OutputMatches(session_, i)); }
  val Timeline() { return ToJs(explorer_.Timeline(session_)); }
  // The shown complete document's bytes as views into the core's memory, in order (the facade
  // copies them out at once), or null.
  val StepsDocumentParts() const {
    const StepIndex* index = session_.shown_document();
    if (index == nullptr) return val::null();
    val out = val::array();
    unsigned i = 0;
    for (const auto part : index->DocumentParts()) {
      out.set(i++, val(emscripten::typed_memory_view(part.size(), part.data())));
    }
    return out;
  }

 private:
  Session session_;
  StepExplorer explorer_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(job_detail_session) {
  using emscripten::function;
  function("documentCacheNew", &New<JsDocumentCache, double>);
  function("documentCacheDelete", &Delete<JsDocumentCache>);
  function("documentCacheSetBudget", &Call<&JsDocumentCache::SetBudget>::On);
  function("documentCacheStats", &Call<&JsDocumentCache::Stats>::On);
  function("sessionNew", &New<JsSession, const val&>);
  function("sessionDelete", &Delete<JsSession>);
  function("sessionStart", &Call<&JsSession::Start>::On);
  function("sessionStop", &Call<&JsSession::Stop>::On);
  function("sessionOnJobResponseTransfer", &Call<&JsSession::OnJobResponseTransfer>::On);
  function("sessionOnStepsResponseStart", &Call<&JsSession::OnStepsResponseStart>::On);
  function("sessionOnStepsChunkTransfer", &Call<&JsSession::OnStepsChunkTransfer>::On);
  function("sessionOnStepsEnd", &Call<&JsSession::OnStepsEnd>::On);
  function("sessionOnTransportError", &Call<&JsSession::OnTransportError>::On);
  function("sessionOnTimer", &Call<&JsSession::OnTimer>::On);
  function("sessionSetPageVisible", &Call<&JsSession::SetPageVisible>::On);
  function("sessionSetOnline", &Call<&JsSession::SetOnline>::On);
  function("sessionRefetch", &Call<&JsSession::Refetch>::On);
  function("sessionSetRandom", &Call<&JsSession::SetRandom>::On);
  function("sessionSetConfig", &Call<&JsSession::SetConfig>::On);
  function("sessionFailSteps", &Call<&JsSession::FailSteps>::On);
  function("sessionSetDocumentCache", &Call<&JsSession::SetDocumentCache>::On);
  function("sessionClearDocumentCache", &Call<&JsSession::ClearDocumentCache>::On);
  function("sessionPollEffect", &Call<&JsSession::PollEffect>::On);
  function("sessionNextDeadline", &Call<&JsSession::NextDeadline>::On);
  function("sessionVersion", &Call<&JsSession::Version>::On);
  function("sessionShownCount", &Call<&JsSession::ShownCount>::On);
  function("sessionSnapshot", &Call<&JsSession::Snapshot>::On);
  function("sessionJobJson", &Call<&JsSession::JobJson>::On);
  function("sessionRow", &Call<&JsSession::Row>::On);
  function("sessionStepText", &Call<&JsSession::StepText>::On);
  function("sessionSetQuery", &Call<&JsSession::SetQuery>::On);
  function("sessionAdvanceSearch", &Call<&JsSession::AdvanceSearch>::On);
  function("sessionExplorerView", &Call<&JsSession::View>::On);
  function("sessionStepMatch", &Call<&JsSession::Match>::On);
  function("sessionOutputMatches", &Call<&JsSession::OutputMatches>::On);
  function("sessionTimeline", &Call<&JsSession::Timeline>::On);
  function("sessionStepsDocumentParts", &Call<&JsSession::StepsDocumentParts>::On);
}

}  // namespace job_detail::bindings
