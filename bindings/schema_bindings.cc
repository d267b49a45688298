// The module's own account of what crosses the boundary: each struct's wire field names and each
// enum's names, read from the core's tables. The package's tests compare it with the TypeScript
// types, so a field or code renamed or dropped on one side fails a test instead of reaching users.
#include <emscripten/bind.h>

#include <string>
#include <string_view>

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

// What the report names: each struct and enum with its TS name. Constant data: one loop below
// reads it (the descriptors are the ones the conversions walk).
struct Described {
  const char* name;
  const WireType* type;
};

constexpr Described kStructs[] = {
    {"StepRow", &WireTypeOf<StepRow>()},
    {"ShownRow", &WireTypeOf<ShownRow>()},
    {"StepsInfo", &WireTypeOf<StepsInfo>()},
    {"JobInfo", &WireTypeOf<JobInfo>()},
    {"StepsProgress", &WireTypeOf<StepsProgress>()},
    {"SnapshotError", &WireTypeOf<SnapshotError>()},
    {"SessionSnapshot", &WireTypeOf<SessionSnapshot>()},
    {"ErrorInfo", &WireTypeOf<Error>()},
    {"DocumentCacheStats", &WireTypeOf<DocumentCacheStats>()},
    {"ExplorerView", &WireTypeOf<ExplorerView>()},
    {"ExplorerFacets", &WireTypeOf<ExplorerFacets>()},
    {"FacetCount", &WireTypeOf<FacetCount>()},
    {"ExplorerTotals", &WireTypeOf<ExplorerTotals>()},
    {"ExplorerBreakdown", &WireTypeOf<ExplorerBreakdown>()},
    {"BreakdownRow", &WireTypeOf<BreakdownRow>()},
    {"StepMatch", &WireTypeOf<StepMatch>()},
    {"StepTimeline", &WireTypeOf<StepTimeline>()},
};

constexpr Described kEnums[] = {
    {"ErrorCode", &WireTypeOf<ErrorCode>()},     {"SessionStatus", &WireTypeOf<SessionStatus>()},
    {"StepsSource", &WireTypeOf<StepsSource>()}, {"StepOrigin", &WireTypeOf<StepOrigin>()},
    {"CostKind", &WireTypeOf<CostKind>()},       {"StatusPhase", &WireTypeOf<StatusPhase>()},
    {"StepSortKey", &WireTypeOf<StepSortKey>()}, {"SortDirection", &WireTypeOf<SortDirection>()},
    {"SearchField", &WireTypeOf<SearchField>()},
};

// A struct's wire names in table order, an inlined member's expanded in its place.
void PushFieldNames(val& names, const WireType& type) {
  for (const WireField& field : type.fields) {
    if (field.name.empty()) {
      PushFieldNames(names, *field.type);
    } else {
      names.set(names["length"], std::string(field.name));
    }
  }
}

// {structs: {StepRow: ['index', ...], ...}, enums: {ErrorCode: ['invalid_json', ...], ...}}
val Schema() {
  val structs = val::object();
  for (const Described& each : kStructs) {
    val names = val::array();
    PushFieldNames(names, *each.type);
    structs.set(each.name, names);
  }
  val enums = val::object();
  for (const Described& each : kEnums) {
    val names = val::array();
    for (std::string_view name : each.type->names) {
      names.set(names["length"], std::string(name));
    }
    enums.set(each.name, names);
  }
  val out = val::object();
  out.set("structs", structs);
  out.set("enums", enums);
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(job_detail_schema) { emscripten::function("schema", &Schema); }

}  // namespace job_detail::bindings
