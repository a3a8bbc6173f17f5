// Shortest round-trip text of times in seconds, worked out in integers from what the double is.
#include "tcpvet/report/seconds_text.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "tcpvet/report/format.hpp"

namespace tcpvet::report {
namespace {

// Epoch doubles searched in 64-bit integers: [1, 2^33) s, to 2242 (see write_shortest_above_one).
constexpr double k_epoch_search_end = 8589934592.0;

char* write_general(char* first, double seconds) noexcept {
    return std::to_chars(first, first + k_seconds_text_max, seconds).ptr;
}

// Lays out value × 10^-fraction_digits as std::to_chars' plain form does: the shortest digits
// (trailing zeros dropped), in fixed notation unless scientific is shorter (a tie goes to fixed).
char* lay_out(char* out, bool negative, std::uint64_t value, int fraction_digits) noexcept {
    char text[20];
    int count = static_cast<int>(std::to_chars(text, text + sizeof(text), value).ptr - text);
    const int exponent = count - 1 - fraction_digits;  // of the first digit
    while (count > 1 && text[count - 1] == '0') --count;
    if (negative) *out++ = '-';
    const int magnitude = exponent < 0 ? -exponent : exponent;
    const int exponent_width = magnitude >= 100 ? 3 : 2;
    const int scientific_length = count + (count > 1 ? 1 : 0) + 2 + exponent_width;
    int fixed_length = 0;
    if (exponent < 0) {
        fixed_length = 2 + (-exponent - 1) + count;
    } else {
        fixed_length = count > exponent + 1 ? count + 1 : exponent + 1;
    }
    if (fixed_length <= scientific_length) {
        if (exponent < 0) {
            *out++ = '0';
            *out++ = '.';
            for (int i = 0; i < -exponent - 1; ++i) *out++ = '0';
            std::memcpy(out, text, static_cast<std::size_t>(count));
            return out + count;
        }
        const int whole = exponent + 1;
        if (count <= whole) {
            std::memcpy(out, text, static_cast<std::size_t>(count));
            out += count;
            for (int i = count; i < whole; ++i) *out++ = '0';
            return out;
        }
        std::memcpy(out, text, static_cast<std::size_t>(whole));
        out += whole;
        *out++ = '.';
        std::memcpy(out, text + whole, static_cast<std::size_t>(count - whole));
        return out + (count - whole);
    }
    *out++ = text[0];
    if (count > 1) {
        *out++ = '.';
        std::memcpy(out, text + 1, static_cast<std::size_t>(count - 1));
        out += count - 1;
    }
    *out++ = 'e';
    *out++ = exponent < 0 ? '-' : '+';
    if (exponent_width == 3) *out++ = static_cast<char>('0' + magnitude / 100);
    *out++ = static_cast<char>('0' + magnitude / 10 % 10);
    *out++ = static_cast<char>('0' + magnitude % 10);
    return out;
}

// The shortest decimal that reads back as `seconds`, for 1 <= seconds < 2^33, picked the way
// std::to_chars (Ryu) picks it: fewest digits, then nearest to the double, then an even last digit.
// The double times 10^digits is kept as whole + fraction / 2^shift, in which units the spacing of
// doubles is 10^digits (`reach`): a decimal with that many fraction digits reads back as the
// double when twice its distance is under `reach`. Two cases general algorithms handle cannot arise:
// - a decimal exactly half a spacing away (whose rounding then depends on the mantissa's parity):
//   that point's denominator is 2^(53 - power) >= 2^21, a decimal of at most 17 fraction digits
//   has at most 2^17;
// - the nearer lower neighbour of an exact power of two: such a double here is a whole number,
//   found with no fraction digits.
char* write_shortest_above_one(char* out, double seconds) noexcept {
    const auto bits = std::bit_cast<std::uint64_t>(seconds);
    const int power = static_cast<int>((bits >> 52U) & 0x7FFU) - 1023;  // 0..32
    constexpr std::uint64_t k_hidden_bit = std::uint64_t{1} << 52U;
    const std::uint64_t mantissa = (bits & (k_hidden_bit - 1)) | k_hidden_bit;
    const auto shift = static_cast<unsigned>(52 - power);  // seconds = mantissa / 2^shift; 20..52
    const std::uint64_t one = std::uint64_t{1} << shift;
    const std::uint64_t half = one >> 1U;
    std::uint64_t whole = mantissa >> shift;
    std::uint64_t fraction = mantissa & (one - 1);
    std::uint64_t reach = 1;
    for (int fraction_digits = 0; fraction_digits <= 17; ++fraction_digits) {
        // Below (whole) or above (whole + 1): `fraction` of a unit away, or one - fraction.
        const bool below_fits = 2 * fraction < reach;
        const bool above_fits = 2 * (one - fraction) < reach;
        if (below_fits || above_fits) {
            // Nearest of the two, a tie to the even one; within reach whenever either is.
            const bool up = fraction > half || (fraction == half && (whole & 1U) != 0);
            return lay_out(out, false, whole + (up ? 1U : 0U), fraction_digits);
        }
        fraction *= 10;  // < 10 * 2^52, no overflow
        whole = whole * 10 + (fraction >> shift);
        fraction &= one - 1;
        reach *= 10;
    }
    return write_general(out, seconds);
}

}  // namespace

char* write_duration_seconds(char* first, std::int64_t ns) noexcept {
    if (ns <= -k_exact_duration_limit_ns || ns >= k_exact_duration_limit_ns) {
        return write_general(first, static_cast<double>(ns) / 1e9);
    }
    if (ns == 0) {
        *first = '0';
        return first + 1;
    }
    const bool negative = ns < 0;
    return lay_out(first, negative, static_cast<std::uint64_t>(negative ? -ns : ns), 9);
}

char* write_epoch_seconds(char* first, std::int64_t ts_ns) noexcept {
    const double seconds = epoch_seconds(ts_ns);
    if (seconds >= 1.0 && seconds < k_epoch_search_end) return write_shortest_above_one(first, seconds);
    return write_general(first, seconds);
}

// Below k_exact_duration_limit_ns the double is within a quarter nanosecond of ns / 10^9, so both
// round to the same microsecond unless ns lies exactly halfway (500 ns past a microsecond), where
// printf's rounding of the binary value decides.
char* write_fixed_seconds(char* out, std::int64_t ns) noexcept {
    if (ns < 0 || ns >= k_exact_duration_limit_ns || ns % 1000 == 500) {
        const int length = std::snprintf(out, k_seconds_text_max, "%.6f", static_cast<double>(ns) / 1e9);
        return out + std::clamp(length, 0, static_cast<int>(k_seconds_text_max) - 1);
    }
    const std::int64_t micros = (ns + 500) / 1000;
    out = std::to_chars(out, out + 12, micros / 1'000'000).ptr;
    *out++ = '.';
    return write_zero_padded(out, static_cast<std::uint64_t>(micros % 1'000'000), 6);
}

}  // namespace tcpvet::report
