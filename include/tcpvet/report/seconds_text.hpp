// Times in seconds as JSON numbers, and RFC 3339 stamps, written straight into a char buffer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tcpvet::report {

// Room every writer below needs ("-2.2250738585072014e-308" is 24; RFC 3339 with a 5-digit year, 36).
inline constexpr std::size_t k_seconds_text_max = 40;

// The text std::to_chars(first, last, static_cast<double>(ns) / 1e9) writes: the shortest form
// that reads back as that double. A conversation record has dozens of these, and the general
// shortest-form algorithm cost ~600 instructions each; a duration under 48 days needs none of it,
// because its double is the correctly rounded ns / 10^9 and that decimal is then the only shortest.
char* write_duration_seconds(char* first, std::int64_t ns) noexcept;

// The text std::to_chars writes for epoch_seconds(ts_ns) (report/format.hpp). Dates from 1970 to
// 2242 take an exact integer search for the shortest decimal; others go to std::to_chars.
char* write_epoch_seconds(char* first, std::int64_t ts_ns) noexcept;

// What format_rfc3339 returns ("2026-01-01T00:00:00.000040000Z"), without a string or printf.
char* write_rfc3339(char* first, std::int64_t ts_ns) noexcept;

}  // namespace tcpvet::report
