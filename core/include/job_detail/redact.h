// The one redactor that every string leaving the core passes (error messages, metric fields, the
// snapshot, the CLI): the values of credential-bearing URL parameters become `REDACTED`.
//
// Parameters: S3 SigV4 `X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`; CloudFront
// `Signature`, `Policy`, `Key-Pair-Id`; SigV2 `AWSAccessKeyId` (and its `Signature`). Names match
// in any ASCII case, at a parameter boundary: not right after a letter, digit, `-` or `_`, so
// `Signature` is found after `?`, `&`, a space or the start of the text, never inside
// `X-Amz-Signature` or a word such as `MySignature`.
//
// A URL that leaves the core may arrive encoded, and a credential must not survive any encoding:
// the text is read through percent escapes (`%3D`, `%26`, `X%2DAmz%2D...`), JSON escapes (any
// `\uXXXX` of an ASCII character in either hex case, `\/`, `\\`, as Go's `encoding/json` and
// .NET's `System.Text.Json` write `&`, `=`, `+`), and HTML character references (`&amp;`,
// `&#38;`, `&#x26;`, `&equals;`, ...), each up to three layers deep (a URL percent-encoded
// inside JSON inside HTML). Only the value's bytes are replaced: the rest of the text is kept as
// written, encodings included.
#ifndef JOB_DETAIL_REDACT_H_
#define JOB_DETAIL_REDACT_H_

#include <string>
#include <string_view>

namespace job_detail {

std::string RedactSecrets(std::string_view text);

}  // namespace job_detail

#endif  // JOB_DETAIL_REDACT_H_
