// Times in seconds as text (JSON numbers, six-decimal columns), written straight into a char buffer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tcpvet::report {

// Room every writer below needs (its longest, "-2.2250738585072014e-308", is 24).
inline constexpr std::size_t k_seconds_text_max = 32;

// Durations of fewer nanoseconds than this take the exact path below: under 2^23 s the spacing of
// doubles is under 1 ns (2^-30 s at most); 2^22 s keeps a margin.
inline constexpr std::int64_t k_exact_duration_limit_ns = (std::int64_t{1} << 22) * 1'000'000'000;

// The text std::to_chars(first, last, static_cast<double>(ns) / 1e9) writes: the shortest form
// that reads back as that double. A conversation record has dozens of these, and the general
// shortest-form algorithm cost ~600 instructions each; a duration under 48 days needs none of it,
// because its double is the correctly rounded ns / 10^9 and that decimal is then the only shortest
// (see k_exact_duration_limit_ns).
char* write_duration_seconds(char* first, std::int64_t ns) noexcept;

// The text std::to_chars writes for epoch_seconds(ts_ns) (report/format.hpp). Dates from 1970 to
// 2242 take an exact integer search for the shortest decimal; others go to std::to_chars.
char* write_epoch_seconds(char* first, std::int64_t ts_ns) noexcept;

// What printf("%.6f", static_cast<double>(ns) / 1e9) writes ("0.001234"), from the integer
// wherever that gives the same digits: a `packets` line and a ladder row each have one.
char* write_fixed_seconds(char* first, std::int64_t ns) noexcept;

}  // namespace tcpvet::report
