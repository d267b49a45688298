// cost.h for JS: parse/format one cost_usd given as JSON text, and total a list of them.
#include <emscripten/bind.h>

#include <string>

#include "convert.h"
#include "job_detail/cost.h"

namespace job_detail::bindings {
namespace {

emscripten::val ParseCost(const std::string& json_text) {
  return ToJs(ParseCostJsonText(json_text));
}

std::string FormatCost(const std::string& json_text) {
  return FormatCostDisplay(ParseCostJsonText(json_text));
}

// `json_texts`: a JS array of JSON value texts.
emscripten::val TotalCost(const emscripten::val& json_texts) {
  CostTotal total;
  const auto length = json_texts["length"].as<unsigned>();
  for (unsigned i = 0; i < length; ++i) {
    total.Add(ParseCostJsonText(json_texts[i].as<std::string>()));
  }
  emscripten::val out = emscripten::val::object();
  SetTotals(out, total);
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(job_detail_cost) {
  emscripten::function("parseCostJson", &ParseCost);
  emscripten::function("formatCostJson", &FormatCost);
  emscripten::function("totalCostJson", &TotalCost);
}

}  // namespace job_detail::bindings
