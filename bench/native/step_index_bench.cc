// Native micro-benchmark: the step index against nlohmann::json::parse (+ summing cost_usd) on a
// generated ~30 MB steps document (5,000 steps, every 10th with a 50 KB HTML output), in a
// non-ASCII and an ASCII-only variant, and the non-ASCII one as Python's json.dumps writes it
// (every non-ASCII character a \uXXXX escape, emoji as surrogate pairs). Runs are interleaved;
// medians are printed.
//   build/<dir>/bench/native/step_index_bench [runs]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "job_detail/cost.h"
#include "job_detail/step_index.h"

namespace {

// Deterministic: the same bytes on every run and machine.
std::string MakeDocument(bool non_ascii) {
  const std::string text_piece =
      non_ascii
          ? "<p>Résumé of the café: naïve coöperation — “quoted” 日本語のテキスト 😀</p>\\n"
          : "<p>Resume of the cafe: naive cooperation - \\\"quoted\\\" plain text here</p>\\n";
  std::string html;
  while (html.size() < 50'000) html += text_piece;
  std::string doc = "{\"job_id\": \"job-1\", \"execution_steps\": [\n";
  for (int i = 0; i < 5000; ++i) {
    if (i > 0) doc += ",\n";
    doc += "  {\"step_number\": " + std::to_string(i + 1) + ", \"step_name\": \"step " +
           std::to_string(i + 1) +
           "\", \"status\": \"completed\", \"started_at\": \"2026-01-01T00:00:00Z\", "
           "\"completed_at\": \"2026-01-01T00:00:02Z\", \"duration_ms\": 2000, \"model\": "
           "\"gpt-4o\", \"input_tokens\": 1200, \"output_tokens\": 800, \"total_tokens\": 2000, "
           "\"cost_usd\": " +
           (i % 3 == 0 ? "\"0.0" + std::to_string(1000 + i) + "\"" : "0.00" + std::to_string(i)) +
           ", \"input\": {\"prompt\": \"Summarise the page\", \"temperature\": 0.2, \"tags\": "
           "[\"a\", \"b\", \"c\"]}, \"output\": \"";
    if (i % 10 == 0) {
      doc += html;
    } else {
      for (int k = 0; k < 6; ++k) doc += text_piece;
    }
    doc += "\"}";
  }
  doc += "\n]}\n";
  return doc;
}

// `doc` (valid UTF-8) with every non-ASCII character written as `\uXXXX` (UTF-16 units).
std::string PythonEscaped(const std::string& doc) {
  std::string out;
  char unit[16];
  const auto append_unit = [&](unsigned u) {
    std::snprintf(unit, sizeof unit, "\\u%04x", u);
    out += unit;
  };
  for (std::size_t i = 0; i < doc.size();) {
    const auto lead = static_cast<unsigned char>(doc[i]);
    if (lead < 0x80) {
      out += doc[i++];
      continue;
    }
    const int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    unsigned code_point = lead & (0x7F >> length);
    for (int k = 1; k < length; ++k) code_point = code_point << 6 | (doc[i + k] & 0x3F);
    i += static_cast<std::size_t>(length);
    if (code_point < 0x10000) {
      append_unit(code_point);
    } else {
      append_unit(0xD800 + ((code_point - 0x10000) >> 10));
      append_unit(0xDC00 + ((code_point - 0x10000) & 0x3FF));
    }
  }
  return out;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

double RunIndex(const std::string& doc, std::size_t chunk, std::string* total) {
  const auto start = std::chrono::steady_clock::now();
  job_detail::StepIndex index;
  index.Reserve(doc.size());
  for (std::size_t at = 0; at < doc.size(); at += chunk) {
    index.Feed(std::string_view(doc).substr(at, chunk));
  }
  const bool ok = !index.Finish().has_value();
  *total = index.cost_total().canonical();
  const double seconds = Seconds(std::chrono::steady_clock::now() - start);
  if (!ok || index.count() != 5000) std::abort();
  return seconds;
}

double RunNlohmann(const std::string& doc, std::string* total) {
  const auto start = std::chrono::steady_clock::now();
  const nlohmann::json parsed = nlohmann::json::parse(doc, nullptr, false);
  job_detail::CostTotal sum;
  const auto& steps = parsed["execution_steps"];
  for (const auto& step : steps) {
    const auto it = step.find("cost_usd");
    sum.Add(it == step.end() ? job_detail::Cost::None()
                             : job_detail::ParseCostJsonText(it->dump()));
  }
  *total = sum.canonical();
  return Seconds(std::chrono::steady_clock::now() - start);
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 7;
  std::printf("step record: %zu bytes per step\n", job_detail::StepIndex::kStepRecordBytes);
  for (const char* kind : {"non-ASCII", "ASCII-only", "Python-escaped"}) {
    const bool non_ascii = kind[0] != 'A';
    const std::string doc =
        kind[0] == 'P' ? PythonEscaped(MakeDocument(true)) : MakeDocument(non_ascii);
    const double mb = static_cast<double>(doc.size()) / 1e6;
    std::vector<double> whole, chunked, dom;
    std::string total_index, total_dom;
    for (int r = 0; r < runs; ++r) {
      whole.push_back(RunIndex(doc, doc.size(), &total_index));
      chunked.push_back(RunIndex(doc, 64 * 1024, &total_index));
      dom.push_back(RunNlohmann(doc, &total_dom));
    }
    const double t_whole = Median(whole), t_chunked = Median(chunked), t_dom = Median(dom);
    std::printf("%s document: %.1f MB, 5000 steps, total cost %s (nlohmann sum %s)\n", kind, mb,
                total_index.c_str(), total_dom.c_str());
    std::printf("  step index, one feed:     %8.2f ms  %8.0f MB/s\n", t_whole * 1e3, mb / t_whole);
    std::printf("  step index, 64 KB chunks: %8.2f ms  %8.0f MB/s\n", t_chunked * 1e3,
                mb / t_chunked);
    std::printf(
        "  nlohmann parse + sum:     %8.2f ms  %8.0f MB/s   index/nlohmann time ratio %.3f\n",
        t_dom * 1e3, mb / t_dom, t_chunked / t_dom);
  }
  return 0;
}
