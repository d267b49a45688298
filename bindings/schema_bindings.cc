// The module's own account of what crosses the boundary: each struct's wire field names and each
// enum's names, read from the core's tables. The package's tests compare it with the TypeScript
// types, so a field or code renamed or dropped on one side fails a test instead of reaching users.
#include <emscripten/bind.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/cost.h"
#include "job_detail/document_cache.h"
#include "job_detail/error.h"
#include "job_detail/field_table.h"
#include "job_detail/merge.h"
#include "job_detail/session.h"
#include "job_detail/session_snapshot.h"
#include "job_detail/status_phase.h"
#include "job_detail/step_query.h"
#include "job_detail/step_row.h"

namespace job_detail::bindings {
namespace {

using emscripten::val;

val NamesToJs(std::span<const std::string_view> names) {
  val out = val::array();
  for (std::string_view name : names) out.call<void>("push", std::string(name));
  return out;
}

template <class T>
void AddStruct(val& structs, const char* name) {
  structs.set(name, NamesToJs(FieldNames<T>()));
}

template <class E>
void AddEnum(val& enums, const char* name) {
  enums.set(name, NamesToJs(NamesOf(Tag<E>{})));
}

// {structs: {StepRow: ['index', ...], ...}, enums: {ErrorCode: ['invalid_json', ...], ...}}
val Schema() {
  val structs = val::object();
  AddStruct<StepRow>(structs, "StepRow");
  AddStruct<ShownRow>(structs, "ShownRow");
  AddStruct<StepsInfo>(structs, "StepsInfo");
  AddStruct<JobInfo>(structs, "JobInfo");
  AddStruct<StepsProgress>(structs, "StepsProgress");
  AddStruct<SnapshotError>(structs, "SnapshotError");
  AddStruct<SessionSnapshot>(structs, "SessionSnapshot");
  AddStruct<Error>(structs, "ErrorInfo");
  AddStruct<DocumentCacheStats>(structs, "DocumentCacheStats");
  AddStruct<ExplorerView>(structs, "ExplorerView");
  AddStruct<ExplorerFacets>(structs, "ExplorerFacets");
  AddStruct<FacetCount>(structs, "FacetCount");
  AddStruct<ExplorerTotals>(structs, "ExplorerTotals");
  AddStruct<ExplorerBreakdown>(structs, "ExplorerBreakdown");
  AddStruct<BreakdownRow>(structs, "BreakdownRow");
  AddStruct<StepMatch>(structs, "StepMatch");
  AddStruct<StepTimeline>(structs, "StepTimeline");
  val enums = val::object();
  AddEnum<ErrorCode>(enums, "ErrorCode");
  AddEnum<SessionStatus>(enums, "SessionStatus");
  AddEnum<StepsSource>(enums, "StepsSource");
  AddEnum<StepOrigin>(enums, "StepOrigin");
  AddEnum<CostKind>(enums, "CostKind");
  AddEnum<StatusPhase>(enums, "StatusPhase");
  AddEnum<StepSortKey>(enums, "StepSortKey");
  AddEnum<SortDirection>(enums, "SortDirection");
  AddEnum<SearchField>(enums, "SearchField");
  val out = val::object();
  out.set("structs", structs);
  out.set("enums", enums);
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(job_detail_schema) { emscripten::function("schema", &Schema); }

}  // namespace job_detail::bindings
