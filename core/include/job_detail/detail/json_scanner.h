// JsonScanner: an incremental, validating RFC 8259 tokenizer (a pull parser) over a growing,
// retained byte buffer. It never builds values; it reports where each token lies, so the caller
// (the step index) records spans and decodes lazily.
//
// Why a retained buffer: the caller keeps every byte anyway (steps are decoded later from their
// spans), so a token cut by a chunk boundary (escape, UTF-8 sequence, literal) is simply re-read
// from its start when more bytes arrive. Long tokens (strings, numbers) resume where they stopped,
// so scanning stays linear whatever the chunking.
//
// What it accepts is chosen per scanner (JsonTextRules):
// - kLikeJsonParse (the default of the step index): exactly what
//   `JSON.parse(new TextDecoder().decode(bytes))` accepts, the contract of `res.json()` that the
//   index replaces. Inside strings, ill-formed UTF-8 (which the decoder turns into U+FFFD) and lone
//   surrogate escapes (which JSON.parse keeps as a lone UTF-16 unit) are accepted and the string is
//   marked `needs_repair`; numbers of any magnitude are accepted (JSON.parse gives Infinity).
// - kStrict: RFC 8259 as nlohmann/json decodes it: UTF-8 per Unicode Table 3-7 inside strings, a
//   high surrogate escape followed by a low one and no lone low one, numbers finite as a double.
// Both: any byte >= 0x80 outside strings is an error (U+FFFD is not JSON whitespace); a UTF-8 BOM
// is accepted at offset 0 only (the decoder strips one); NUL is an error everywhere (nlohmann would
// stop reading at a NUL and accept `1\0junk`; a truncated-looking document must not pass); nesting
// deeper than `max_depth` containers is kTooDeep.
// Error offsets: the offset of the offending byte (see the .cc for the two exceptions: a number out
// of range points at its first byte; a high surrogate not followed by a low one points at the byte
// right after the high escape). Input ending early is kTruncated at the input's length.
#ifndef JOB_DETAIL_DETAIL_JSON_SCANNER_H_
#define JOB_DETAIL_DETAIL_JSON_SCANNER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "job_detail/error.h"

namespace job_detail::detail {

enum class JsonTextRules : std::uint8_t {
  kLikeJsonParse,  // what JSON.parse accepts after a non-fatal UTF-8 decode
  kStrict,         // RFC 8259, well-formed UTF-8, paired surrogates, finite numbers
};

enum class JsonEventKind : std::uint8_t {
  kNeedMore,  // every available byte is consumed; give more bytes or end the input
  kDone,      // the input ended after exactly one top-level value (and whitespace)
  kError,     // see JsonScanner::error(); sticky
  kBeginObject,
  kEndObject,
  kBeginArray,
  kEndArray,
  kKey,  // an object member name
  kString,
  kNumber,
  kTrue,
  kFalse,
  kNull,
};

struct JsonEvent {
  JsonEventKind kind = JsonEventKind::kNeedMore;
  // Containers enclosing the token: 0 for the top-level value. A Begin and its End share a depth;
  // keys and member values of an object at depth d have depth d + 1.
  std::uint32_t depth = 0;
  bool has_escapes = false;  // kKey / kString: the text contains a backslash escape
  // Byte range of the token in the document: the quotes are included for strings and keys, a
  // bracket is one byte.
  std::size_t begin = 0;
  std::size_t end = 0;
  // kKey / kString under kLikeJsonParse: the text holds ill-formed UTF-8 or a lone surrogate
  // escape, so its decoded form needs U+FFFD in UTF-8.
  bool needs_repair = false;
};

class JsonScanner {
 public:
  JsonScanner(std::uint32_t max_depth, JsonTextRules rules)
      : max_depth_(max_depth), rules_(rules) {}

  // `document` holds every byte of the input seen so far; between calls it may only grow (its
  // address may change). Returns the next token, or kNeedMore when the bytes run out.
  JsonEvent Next(std::span<const std::uint8_t> document);
  // No more bytes will come: from now on Next reports the last tokens then kDone or an error
  // (kTruncated when the document is incomplete).
  void EndInput() { input_ended_ = true; }

  // Valid after Next returned kError.
  const Error& error() const { return error_; }
  // The first byte not yet consumed.
  std::size_t position() const { return pos_; }
  // The first byte the scanner may still read: the start of a token in progress, else position().
  std::size_t earliest_needed() const;
  // The caller dropped the first `n` bytes of the document (n <= earliest_needed()): from now on
  // every offset (positions, events, errors) counts from the first byte kept.
  void DropPrefix(std::size_t n);

 private:
  enum class Mode : std::uint8_t;
  enum class NumberState : std::uint8_t;

  JsonEvent Fail(ErrorCode code, std::size_t offset, const char* message);
  JsonEvent Truncated(std::size_t size);
  JsonEvent BeginContainer(std::uint8_t bracket, std::size_t offset);
  JsonEvent EndContainer(std::size_t offset);
  JsonEvent StartValue(const std::uint8_t* data, std::size_t size);
  JsonEvent ScanString(const std::uint8_t* data, std::size_t size);
  JsonEvent ScanNumber(const std::uint8_t* data, std::size_t size);
  JsonEvent ScanLiteral(const std::uint8_t* data, std::size_t size);
  JsonEvent FinishNumber(const std::uint8_t* data, std::size_t end);
  // After a complete value: what the enclosing container (or the top level) expects next.
  void AfterValue();

  std::uint32_t max_depth_;
  JsonTextRules rules_;
  std::vector<std::uint8_t> stack_;  // '{' or '[' per open container
  std::size_t pos_ = 0;
  Mode mode_{};
  NumberState number_state_{};
  bool input_ended_ = false;
  bool token_is_key_ = false;
  bool token_has_escapes_ = false;
  bool token_needs_repair_ = false;
  std::size_t token_begin_ = 0;
  Error error_;
};

// Checks that `text` is exactly one JSON value by `rules` within `max_depth` (whitespace around
// it allowed; a leading BOM too): nullopt, or the scanner's error with its offset.
std::optional<Error> CheckJsonValue(std::string_view text, std::uint32_t max_depth,
                                    JsonTextRules rules);

// What nlohmann/json can decode without refusing or aborting: one value by kStrict's rules.
inline bool IsStrictJsonValue(std::string_view text, std::uint32_t max_depth) {
  return !CheckJsonValue(text, max_depth, JsonTextRules::kStrict).has_value();
}

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_JSON_SCANNER_H_
