#include "job_detail/detail/steps_download.h"

#include <algorithm>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/s3_error.h"
#include "job_detail/retry_policy.h"

namespace job_detail::detail {
namespace {

// What a Content-Length may reserve before any byte arrives. The header is untrusted and wasm
// memory never shrinks, so a lying 256 MB must not take 256 MB for good; past this the buffer
// grows in segments as bytes really arrive, which keeps the peak near the document's size anyway.
constexpr std::uint64_t kMaxReserveBytes = 4u * 1024 * 1024;

}  // namespace

bool ReceivedSteps::CatchUp(const std::vector<StepKey>& dynamodb_keys) {
  if (!index) return false;
  const std::size_t merged = count();
  // The index restarts when a later `execution_steps` (or a repeated key) replaces the list.
  // Offsets only: this runs for every chunk, and a row would scan the last step's whole output.
  const bool restarted =
      merged > index->count() || (merged > 0 && index->StepOffset(merged - 1) != last_begin);
  if (merge && !restarted && merged == index->count()) return false;
  if (!merge || restarted) Rebind(dynamodb_keys);
  // Keys only: decoding whole rows here would cost a pass over every step's fields and output.
  for (std::size_t i = merge->s3_count(); i < index->count(); ++i) {
    merge->Append(index->Key(i).value());  // i < count(): always a key
  }
  if (index->count() > 0) last_begin = index->StepOffset(index->count() - 1);
  return true;
}

void ReceivedSteps::Rebind(const std::vector<StepKey>& dynamodb_keys) {
  merge = std::make_unique<StreamingMerge>(dynamodb_keys);
  last_begin = 0;
}

void StepsDownload::Start(int status, const HttpHeaders& headers, std::int64_t now_ms,
                          std::int64_t skew_ms, const std::string& key,
                          const StepIndexOptions& limits) {
  started_ = true;
  status_ = status;
  if (auto etag = HttpHeaderValue(headers, "ETag")) etag_ = std::string(*etag);
  if (auto length = HttpHeaderValue(headers, "Content-Length")) {
    content_length_ = ParseDecimalDigits(*length);
  }
  if (auto value = HttpHeaderValue(headers, "Retry-After")) {
    retry_after_ms_ = ParseRetryAfterMs(*value, now_ms, skew_ms);
  }
  if (status >= 200 && status <= 299) {
    steps_.index = std::make_unique<StepIndex>(limits);
    steps_.key = key;
    if (content_length_) {
      steps_.index->Reserve(static_cast<std::size_t>(
          std::min({*content_length_, kMaxReserveBytes, limits.max_bytes})));
    }
  }
}

bool StepsDownload::Append(std::span<const std::uint8_t> bytes,
                           const std::vector<StepKey>& dynamodb_keys) {
  bytes_ += bytes.size();
  if (steps_.index) {
    steps_.index->Feed(bytes);
    return steps_.CatchUp(dynamodb_keys);
  }
  if (error_body_.size() < kMaxS3ErrorBodyBytes) {
    const std::size_t take = std::min(kMaxS3ErrorBodyBytes - error_body_.size(), bytes.size());
    error_body_.append(reinterpret_cast<const char*>(bytes.data()), take);
  }
  return false;
}

std::optional<Error> StepsDownload::FatalError() const {
  if (!steps_.index) return std::nullopt;
  const auto& error = steps_.index->error();
  if (error && error->code != ErrorCode::kTruncated) return error;
  return std::nullopt;
}

FetchOutcome StepsDownload::Finish() {
  if (!steps_.index) return ClassifyS3Response(status_, error_body_);
  const auto& error = steps_.index->Finish();
  return error ? ClassifyDocumentError(*error) : FetchOutcome{};
}

bool StepsDownload::EndedShort() const {
  if (!steps_.index) return false;  // not a 2xx body
  if (content_length_) return bytes_ < *content_length_;
  return bytes_ > 0;
}

}  // namespace job_detail::detail
