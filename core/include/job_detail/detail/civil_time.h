// Calendar timestamps in the formats the session meets, as milliseconds since the Unix epoch (UTC).
// The core reads no clock and uses no locale or time zone database, so conversion is done by hand
// (Howard Hinnant's days-from-civil) and every parser returns nullopt instead of guessing.
#ifndef JOB_DETAIL_DETAIL_CIVIL_TIME_H_
#define JOB_DETAIL_DETAIL_CIVIL_TIME_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace job_detail::detail {

// Days since 1970-01-01 of a proleptic Gregorian date. No validation: callers check ranges.
std::int64_t DaysFromCivil(std::int64_t year, unsigned month, unsigned day);

// Validated UTC date-time to epoch milliseconds; nullopt for an impossible date or time.
std::optional<std::int64_t> CivilToEpochMs(std::int64_t year, unsigned month, unsigned day,
                                           unsigned hour, unsigned minute, unsigned second);

// `20261129T140000Z`, the ISO 8601 basic form of SigV4's `X-Amz-Date`.
std::optional<std::int64_t> ParseIsoBasicUtc(std::string_view text);

// `2026-11-29T14:00:00Z` or `2026-11-29T14:00:00.123Z`, as in S3's `<ServerTime>`.
std::optional<std::int64_t> ParseIsoExtendedUtc(std::string_view text);

// A step's timestamp as workers write it (ISO 8601 / RFC 3339): `2026-11-29T14:00:00Z`, a space for
// the `T`, any number of fraction digits (milliseconds kept), `Z`, `+01:00`, `+0100` or no zone
// (read as UTC, as Python's naive `isoformat()` of a UTC time).
std::optional<std::int64_t> ParseIso8601Timestamp(std::string_view text);

// An HTTP-date (RFC 7231 section 7.1.1.1): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, and the two
// obsolete forms a recipient must still accept (RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`, asctime
// `Sun Nov  6 08:49:37 1994`).
std::optional<std::int64_t> ParseHttpDate(std::string_view text);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_CIVIL_TIME_H_
