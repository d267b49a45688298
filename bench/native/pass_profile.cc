// Where the step index's time goes, pass by pass, over the bench's own documents (written by
// bench/run.mjs to bench/out/): each pass timed on its own over the same bytes, runs interleaved,
// medians. Built for wasm (`-msimd128`, the scanner's own -O3) and run by node from bench/run.mjs,
// because wasm is where the module runs; a native build uses the SIMD backend the compiler enables.
//   pass_profile [--cpu-time] RUNS NAME=PATH...   prints one JSON object per document
// --cpu-time: each pass timed by the process's CPU time (user + system) instead of the wall clock,
// so that on a machine shared with other work the time spent waiting for a core is not counted
// (the figures then compare changes; they are not what a user waits).
// Passes:
//   copy     the bytes copied in 64 KB chunks into one buffer (what feeding costs before scanning)
//   utf8     the scanner's UTF-8 check (the lookup algorithm, ASCII windows skipped) over every
//   byte strings  the scanner's string-content skipping over every string and member name (UTF-8
//            validation fused in), escapes it stops at passed over one by one
//   scanner  the tokenizer alone over the whole document (strings, numbers, structure)
//   index    StepIndex fed 64 KB chunks to the exact total (copy, scanner, records, costs)
//   costs    ParseCostJsonText over every cost_usd value's text
//   ends     the floor of any scan that finds where strings end: over every byte, 64-byte windows
//            of quote-or-control and backslash bitmasks and the escapes' starts (simdjson's
//            subtraction), nothing validated (no escape codes, no UTF-8); copy + ends is the
//            fastest an index that reads every byte once could be
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#else
#include <ctime>
#endif

#include "job_detail/cost.h"
#include "job_detail/detail/json_scanner.h"
#include "job_detail/detail/json_string_simd.h"
#include "job_detail/detail/utf8_simd.h"
#include "job_detail/step_index.h"

namespace {

using job_detail::detail::JsonEvent;
using job_detail::detail::JsonEventKind;
using job_detail::detail::JsonScanner;
using job_detail::detail::JsonTextRules;
using job_detail::detail::NativeBytes16;

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::uint32_t kMaxDepth = 512;

struct Span {
  std::size_t begin;
  std::size_t end;
};

// String contents (quotes excluded) and the text of every cost_usd value.
struct Tokens {
  std::vector<Span> strings;
  std::vector<Span> costs;
};

std::string ReadFile(const char* path) {
  std::FILE* file = std::fopen(path, "rb");
  if (file == nullptr) std::abort();
  std::string bytes;
  char buffer[1 << 16];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;)
    bytes.append(buffer, n);
  std::fclose(file);
  return bytes;
}

std::span<const std::uint8_t> Bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Tokens Collect(const std::string& doc) {
  Tokens tokens;
  JsonScanner scanner(kMaxDepth, JsonTextRules::kLikeJsonParse);
  scanner.EndInput();
  bool cost_next = false;
  for (;;) {
    const JsonEvent event = scanner.Next(Bytes(doc));
    if (event.kind == JsonEventKind::kDone) break;
    if (event.kind == JsonEventKind::kError || event.kind == JsonEventKind::kNeedMore) std::abort();
    if (cost_next) tokens.costs.push_back({event.begin, event.end});
    cost_next =
        event.kind == JsonEventKind::kKey &&
        std::string_view(doc).substr(event.begin, event.end - event.begin) == "\"cost_usd\"";
    if (event.kind == JsonEventKind::kKey || event.kind == JsonEventKind::kString) {
      tokens.strings.push_back({event.begin + 1, event.end - 1});
    }
  }
  return tokens;
}

std::size_t Copy(const std::string& doc, std::vector<std::uint8_t>& into) {
  for (std::size_t at = 0; at < doc.size(); at += kChunk) {
    std::memcpy(into.data() + at, doc.data() + at, std::min(kChunk, doc.size() - at));
  }
  return into[doc.size() - 1];
}

std::size_t Utf8(const std::string& doc) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(doc.data());
  const auto* const end = p + doc.size() - doc.size() % 64;
  NativeBytes16::V previous = NativeBytes16::Zero();
  bool previous_non_ascii = false;
  std::size_t errors = 0;
  for (; p < end; p += 64) {
    NativeBytes16::V input[4];
    std::uint64_t non_ascii = 0;
    for (int k = 0; k < 4; ++k) {
      input[k] = NativeBytes16::Load(p + 16 * k);
      non_ascii |= static_cast<std::uint64_t>(NativeBytes16::HighMask(input[k])) << (16 * k);
    }
    if (non_ascii != 0 || previous_non_ascii) {
      errors += job_detail::detail::Utf8ErrorMask<NativeBytes16>(input[0], previous) != 0;
      for (int k = 1; k < 4; ++k) {
        errors += job_detail::detail::Utf8ErrorMask<NativeBytes16>(input[k], input[k - 1]) != 0;
      }
      previous_non_ascii = (non_ascii >> 48) != 0;
    }
    previous = input[3];
  }
  return errors;
}

std::size_t Strings(const std::string& doc, const Tokens& tokens) {
  const auto* base = reinterpret_cast<const std::uint8_t*>(doc.data());
  std::size_t stops = 0;
  for (const Span& span : tokens.strings) {
    const std::uint8_t* p = base + span.begin;
    const std::uint8_t* const end = base + span.end;
    while (p < end) {
      p = job_detail::detail::SkipJsonStringContent<NativeBytes16>(p, end).stop;
      if (p >= end) break;
      ++stops;
      p += *p != '\\' ? 1 : p + 1 < end && p[1] == 'u' ? 6 : 2;  // what the scalar path passes
    }
  }
  return stops;
}

std::size_t StringEnds(const std::string& doc) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(doc.data());
  const auto* const end = p + doc.size() - doc.size() % 64;
  constexpr std::uint64_t kOddBits = 0xAAAAAAAAAAAAAAAAULL;
  std::size_t stops = 0;
  for (; p < end; p += 64) {
    std::uint64_t quote_or_control = 0;
    std::uint64_t backslash = 0;
    for (int k = 0; k < 4; ++k) {
      const NativeBytes16::V v = NativeBytes16::Load(p + 16 * k);
      quote_or_control |= std::uint64_t{NativeBytes16::QuoteControlOrHighMask(v)} << (16 * k);
      backslash |= std::uint64_t{NativeBytes16::EqualMask(v, '\\')} << (16 * k);
    }
    const std::uint64_t escape_starts =
        ((((backslash << 1) | kOddBits) - backslash) ^ kOddBits) & backslash;
    stops +=
        static_cast<std::size_t>(__builtin_popcountll(quote_or_control & ~(escape_starts << 1)));
  }
  return stops;
}

std::size_t Scanner(const std::string& doc) {
  JsonScanner scanner(kMaxDepth, JsonTextRules::kLikeJsonParse);
  scanner.EndInput();
  std::size_t events = 0;
  for (JsonEvent event = scanner.Next(Bytes(doc)); event.kind != JsonEventKind::kDone;
       event = scanner.Next(Bytes(doc))) {
    if (event.kind == JsonEventKind::kError) std::abort();
    ++events;
  }
  return events;
}

std::size_t Index(const std::string& doc) {
  job_detail::StepIndex index;
  for (std::size_t at = 0; at < doc.size(); at += kChunk) {
    index.Feed(std::string_view(doc).substr(at, kChunk));
  }
  if (index.Finish().has_value()) std::abort();
  return index.count() + index.cost_total().canonical().size();
}

std::size_t Costs(const std::string& doc, const Tokens& tokens) {
  job_detail::CostTotal total;
  for (const Span& span : tokens.costs) {
    total.Add(job_detail::ParseCostJsonText(
        std::string_view(doc).substr(span.begin, span.end - span.begin)));
  }
  return total.canonical().size();
}

bool use_cpu_time = false;

#if defined(__EMSCRIPTEN__)
// The node process's CPU time: the program runs under node (-sENVIRONMENT=node).
EM_JS(double, ProcessCpuMilliseconds, (), {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
});
#else
double ProcessCpuMilliseconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}
#endif

template <class F>
double Milliseconds(F&& pass, std::size_t& sink) {
  if (use_cpu_time) {
    const double start = ProcessCpuMilliseconds();
    sink += pass();
    return ProcessCpuMilliseconds() - start;
  }
  const auto start = std::chrono::steady_clock::now();
  sink += pass();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int first_arg = 1;
  if (argc > 1 && std::string_view(argv[1]) == "--cpu-time") {
    use_cpu_time = true;
    first_arg = 2;
  }
  if (argc < first_arg + 2) {
    std::fprintf(stderr, "usage: pass_profile [--cpu-time] RUNS NAME=PATH...\n");
    return 2;
  }
  const int runs = std::max(1, std::atoi(argv[first_arg]));
  std::size_t sink = 0;
  for (int a = first_arg + 1; a < argc; ++a) {
    const std::string_view arg = argv[a];
    const std::size_t equals = arg.find('=');
    const std::string name(arg.substr(0, equals));
    const std::string doc = ReadFile(argv[a] + equals + 1);
    const Tokens tokens = Collect(doc);
    std::vector<std::uint8_t> into(doc.size());
    const char* const names[] = {"copy", "utf8", "strings", "scanner", "index", "costs", "ends"};
    constexpr int kPasses = 7;
    std::vector<double> times[kPasses];
    for (int r = -1; r < runs; ++r) {  // run -1 warms up (memory growth, caches)
      const double t[kPasses] = {
          Milliseconds([&] { return Copy(doc, into); }, sink),
          Milliseconds([&] { return Utf8(doc); }, sink),
          Milliseconds([&] { return Strings(doc, tokens); }, sink),
          Milliseconds([&] { return Scanner(doc); }, sink),
          Milliseconds([&] { return Index(doc); }, sink),
          Milliseconds([&] { return Costs(doc, tokens); }, sink),
          Milliseconds([&] { return StringEnds(doc); }, sink),
      };
      if (r >= 0) {
        for (int k = 0; k < kPasses; ++k) times[k].push_back(t[k]);
      }
    }
    std::printf("{\"name\": \"%s\", \"bytes\": %zu, \"strings\": %zu, \"costs\": %zu", name.c_str(),
                doc.size(), tokens.strings.size(), tokens.costs.size());
    for (int k = 0; k < kPasses; ++k) std::printf(", \"%sMs\": %.3f", names[k], Median(times[k]));
    std::printf("}\n");
  }
  std::fprintf(stderr, "(%zu)\n", sink);
  return 0;
}
