// The step index against nlohmann/json as the oracle, with the document fed in random chunkings.
// Input: byte 0 picks the depth limit, byte 1 seeds the chunking, the rest is the document.
// Checked: the same accept/reject decision as nlohmann (errors typed, offsets inside the input),
// the same decoded steps and row fields, and an outcome independent of where chunks are cut.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "job_detail/cost.h"
#include "job_detail/detail/step_dom.h"
#include "job_detail/detail/step_key_dom.h"
#include "job_detail/step_index.h"
#include "job_detail/step_key.h"
#include "steps_oracle.h"

namespace job_detail::fuzz {
namespace {

using nlohmann::json;

// Feeds `doc` cut into pieces whose sizes come from a small LCG seeded by `seed`.
void FeedChunked(StepIndex& index, std::string_view doc, std::uint8_t seed) {
  std::uint32_t state = seed * 2654435761u + 1;
  std::size_t at = 0;
  while (at < doc.size()) {
    state = state * 1664525u + 1013904223u;
    const std::size_t piece = 1 + (state >> 24) % (seed % 4 == 0 ? 4 : 97);
    index.Feed(doc.substr(at, piece));
    at += piece;
  }
}

bool SameError(const std::optional<Error>& a, const std::optional<Error>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->code == b->code && a->offset == b->offset);
}

std::optional<std::string> OracleText(const json& step, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const auto it = step.find(name);
    if (it == step.end()) continue;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number())
      return std::nullopt;  // number text is the document's spelling: not
                            // comparable with dump(); checked as present below
    return std::nullopt;
  }
  return std::nullopt;
}

bool OracleHasNumber(const json& step, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const auto it = step.find(name);
    if (it != step.end()) return it->is_number();
  }
  return false;
}

void CheckField(const std::optional<std::string>& indexed, const json& step,
                std::initializer_list<const char*> names) {
  if (OracleHasNumber(step, names)) {
    JD_FUZZ_CHECK(indexed.has_value() && !indexed->empty());
  } else {
    JD_FUZZ_CHECK(indexed == OracleText(step, names));
  }
}

std::optional<std::uint64_t> OracleTokens(const json& step, const char* name) {
  const auto it = step.find(name);
  if (it == step.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}

void CheckAgainstOracle(const StepIndex& index, std::string_view doc, std::uint32_t max_depth) {
  const std::optional<Error>& error = index.error();
  if (error) {
    JD_FUZZ_CHECK(error->offset.has_value() && *error->offset <= doc.size());
    JD_FUZZ_CHECK(error->code == ErrorCode::kInvalidJson || error->code == ErrorCode::kTruncated ||
                  error->code == ErrorCode::kUnexpectedShape || error->code == ErrorCode::kTooDeep);
    JD_FUZZ_CHECK(error->code != ErrorCode::kTruncated || *error->offset == doc.size());
  }
  // Every step indexed before an error stays readable.
  for (std::size_t i = 0; i < index.count(); ++i) {
    JD_FUZZ_CHECK(index.Summary(i).ok());
  }
  JD_FUZZ_CHECK(!index.Summary(index.count()).ok());
  JD_FUZZ_CHECK(index.Summary(index.count()).error().code == ErrorCode::kInvalidArgument);

  if (HasNul(doc)) {
    JD_FUZZ_CHECK(error.has_value());
    return;
  }
  const std::size_t depth = MaxNesting(doc);
  const json oracle = json::parse(doc.begin(), doc.end(), nullptr, /*allow_exceptions=*/false);
  if (oracle.is_discarded()) {
    JD_FUZZ_CHECK(error.has_value());
    return;
  }
  if (depth > max_depth) {
    JD_FUZZ_CHECK(error.has_value());
    JD_FUZZ_CHECK(error->code == ErrorCode::kTooDeep || error->code == ErrorCode::kUnexpectedShape);
    return;
  }
  JD_FUZZ_CHECK(!error || error->code != ErrorCode::kTooDeep);
  const json* steps = testing::OracleSteps(oracle);
  if (steps == nullptr) {
    JD_FUZZ_CHECK(error.has_value() && error->code == ErrorCode::kUnexpectedShape);
    return;
  }
  if (error && error->code == ErrorCode::kUnexpectedShape && oracle.is_object() &&
      oracle.contains("steps") && oracle.contains("execution_steps")) {
    return;  // a non-array `steps` before `execution_steps` is rejected as soon as it is seen
  }
  JD_FUZZ_CHECK(!error.has_value());
  JD_FUZZ_CHECK(index.count() == steps->size());
  CostTotal total;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const json& expected = (*steps)[i];
    const Result<json> step = detail::DecodeStep(index, i);
    JD_FUZZ_CHECK(step.ok());
    JD_FUZZ_CHECK(step.value() == expected);  // depth bounded by max_depth above
    const StepRow summary = index.Summary(i).value();
    JD_FUZZ_CHECK(summary.index == i);
    JD_FUZZ_CHECK(summary.begin < summary.end && summary.end <= doc.size());
    JD_FUZZ_CHECK(summary.is_object == expected.is_object());
    JD_FUZZ_CHECK(summary.is_object == !summary.problem.has_value());
    JD_FUZZ_CHECK(summary.key == detail::StepKeyOf(expected, i));
    const json reparsed = json::parse(index.StepJsonText(i), nullptr, false);
    JD_FUZZ_CHECK(!reparsed.is_discarded() && reparsed == expected);
    Cost cost = Cost::Invalid();
    bool from_float_text = false;
    if (expected.is_object()) {
      const auto it = expected.find("cost_usd");
      cost = it == expected.end() ? Cost::None() : ParseCostJsonText(it->dump());
      from_float_text = it != expected.end() && it->is_number_float();
    }
    // A float is read from its source text, which may hold more digits than dump() keeps (or
    // overflow a double, which dump() writes as null): then only "present" is comparable.
    if (from_float_text) {
      JD_FUZZ_CHECK(summary.cost.kind != CostKind::kNone);
    } else {
      JD_FUZZ_CHECK(summary.cost == cost);
    }
    total.Add(summary.cost);
    if (!expected.is_object()) continue;
    CheckField(summary.name, expected, {"step_name", "name"});
    CheckField(summary.status, expected, {"status"});
    CheckField(summary.started_at, expected, {"started_at", "start_time"});
    CheckField(summary.completed_at, expected, {"completed_at", "ended_at", "end_time"});
    CheckField(summary.model, expected, {"model"});
    JD_FUZZ_CHECK(summary.input_tokens == OracleTokens(expected, "input_tokens"));
    JD_FUZZ_CHECK(summary.output_tokens == OracleTokens(expected, "output_tokens"));
    JD_FUZZ_CHECK(summary.total_tokens == OracleTokens(expected, "total_tokens"));
  }
  JD_FUZZ_CHECK(index.cost_total().sum() == total.sum());
  JD_FUZZ_CHECK(index.cost_total().no_cost() == total.no_cost());
  JD_FUZZ_CHECK(index.cost_total().invalid_cost() == total.invalid_cost());
}

}  // namespace
}  // namespace job_detail::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace job_detail;
  if (size < 2) return 0;
  const std::uint32_t max_depth = data[0] & 0x80 ? 1 + data[0] % 24 : 512;
  const std::string_view doc(reinterpret_cast<const char*>(data + 2), size - 2);

  StepIndexOptions options;
  options.max_depth = max_depth;
  options.strict = true;  // nlohmann's decisions, the oracle's
  StepIndex whole(options);
  whole.Feed(doc);
  whole.Finish();
  fuzz::CheckAgainstOracle(whole, doc, max_depth);

  // The default rules (what JSON.parse accepts after a non-fatal UTF-8 decode) only widen the
  // strict ones: everything strict accepts is accepted with the same steps, and a document they
  // refuse is refused by strict too.
  StepIndexOptions tolerant_options = options;
  tolerant_options.strict = false;
  StepIndex tolerant(tolerant_options);
  fuzz::FeedChunked(tolerant, doc, data[1]);
  tolerant.Finish();
  if (!whole.error()) {
    JD_FUZZ_CHECK(!tolerant.error());
    JD_FUZZ_CHECK(tolerant.count() == whole.count());
    for (std::size_t i = 0; i < whole.count(); ++i) {
      JD_FUZZ_CHECK(whole.StepJsonText(i) == tolerant.StepJsonText(i));
    }
  }
  if (tolerant.error()) {
    JD_FUZZ_CHECK(whole.error().has_value());
    // A shape error points back at its value's first byte, which may come before the byte where
    // strict stopped inside that value; other errors are where they were met.
    if (tolerant.error()->code != ErrorCode::kUnexpectedShape) {
      JD_FUZZ_CHECK(whole.error()->offset <= tolerant.error()->offset);
    }
  }

  StepIndex chunked(options);
  fuzz::FeedChunked(chunked, doc, data[1]);
  chunked.Finish();
  JD_FUZZ_CHECK(fuzz::SameError(whole.error(), chunked.error()));
  JD_FUZZ_CHECK(whole.count() == chunked.count());
  JD_FUZZ_CHECK(whole.cost_total().sum() == chunked.cost_total().sum());
  for (std::size_t i = 0; i < whole.count(); ++i) {
    JD_FUZZ_CHECK(whole.StepJsonText(i) == chunked.StepJsonText(i));
  }

  // A size cap inside the document: kTooLarge at the first byte over it, unless an error came
  // first.
  if (!doc.empty()) {
    options.max_bytes = doc.size() - 1;
    StepIndex capped(options);
    fuzz::FeedChunked(capped, doc, data[1]);
    const auto& error = capped.Finish();
    JD_FUZZ_CHECK(error.has_value());
    if (error->code == ErrorCode::kTooLarge) {
      JD_FUZZ_CHECK(error->offset == doc.size() - 1);
    } else {
      JD_FUZZ_CHECK(whole.error().has_value() && whole.error()->code == error->code &&
                    whole.error()->offset == error->offset);
    }
  }
  return 0;
}
