// step_index.h for JS: the index behind the facade's createStepIndex/indexSteps, behind an integer
// handle (handle_table.h).
#include <emscripten/bind.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "convert.h"
#include "handle_table.h"
#include "job_detail/step_index.h"
#include "step_convert.h"
#include "transfer_buffer.h"

namespace job_detail::bindings {
namespace {

// {count, bytes, totalCostUsd, totalCostDisplay, noCost, invalidCost, repairedStrings, error}
emscripten::val ProgressToJs(const StepIndex& index) {
  emscripten::val out = emscripten::val::object();
  out.set("count", static_cast<double>(index.count()));
  out.set("bytes", static_cast<double>(index.bytes_fed()));
  SetTotals(out, index.cost_total());
  out.set("repairedStrings", static_cast<double>(index.repaired_strings()));
  out.set("error", ToJs(index.error()));
  return out;
}

class JsStepIndex {
 public:
  explicit JsStepIndex(const emscripten::val& options) : index_(StepIndexOptionsFromJs(options)) {}

  void Reserve(double bytes) { index_.Reserve(IntegerFromJs<std::size_t>(bytes)); }
  // Zero-copy feeding: a Uint8Array over the room at the end of the index's own document buffer
  // (shorter than `length` when maxBytes allows less, empty after an error or finish). The facade
  // writes into it at once (any call into the module may grow memory and detach it), then calls
  // commitFeed(view.length); the scanner reads the bytes where they are.
  emscripten::val PrepareFeed(double length) {
    const std::span<std::uint8_t> room = index_.PrepareFeed(IntegerFromJs<std::size_t>(length));
    return emscripten::val(emscripten::typed_memory_view(room.size(), room.data()));
  }
  void CommitFeed(double written) { index_.CommitFeed(IntegerFromJs<std::size_t>(written)); }

  // {ok: true, count, totals...} | {ok: false, error, count, totals...}: totals of what was
  // indexed.
  emscripten::val Finish() {
    const std::optional<Error>& error = index_.Finish();
    emscripten::val out = emscripten::val::object();
    out.set("ok", !error.has_value());
    if (error) out.set("error", ToJs(*error));
    out.set("count", static_cast<double>(index_.count()));
    SetTotals(out, index_.cost_total());
    out.set("repairedStrings", static_cast<double>(index_.repaired_strings()));
    return out;
  }

  std::size_t Count() const { return index_.count(); }
  bool Finished() const { return index_.finished(); }
  emscripten::val Progress() const { return ProgressToJs(index_); }
  emscripten::val Summary(std::size_t i) const { return ResultToJs(index_.Summary(i)); }
  emscripten::val StepText(std::size_t i) const { return StepTextToJs(index_, i); }

 private:
  StepIndex index_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(job_detail_step_index) {
  using emscripten::function;
  function("transferView", &TransferView);
  emscripten::constant("transferChunkBytes", kTransferChunkBytes);
  function("stepIndexNew", &New<JsStepIndex, const emscripten::val&>);
  function("stepIndexDelete", &Delete<JsStepIndex>);
  function("stepIndexReserve", &Call<&JsStepIndex::Reserve>::On);
  function("stepIndexPrepareFeed", &Call<&JsStepIndex::PrepareFeed>::On);
  function("stepIndexCommitFeed", &Call<&JsStepIndex::CommitFeed>::On);
  function("stepIndexFinish", &Call<&JsStepIndex::Finish>::On);
  function("stepIndexCount", &Call<&JsStepIndex::Count>::On);
  function("stepIndexFinished", &Call<&JsStepIndex::Finished>::On);
  function("stepIndexProgress", &Call<&JsStepIndex::Progress>::On);
  function("stepIndexSummary", &Call<&JsStepIndex::Summary>::On);
  function("stepIndexStepText", &Call<&JsStepIndex::StepText>::On);
}

}  // namespace job_detail::bindings
