// Shortest round-trip text of times in seconds, worked out in integers from what the double is.
#include "tcpvet/report/seconds_text.hpp"

#include <bit>
#include <charconv>
#include <cstring>

#include "tcpvet/report/format.hpp"

namespace tcpvet::report {
namespace {

constexpr std::int64_t k_ns_per_s = 1'000'000'000;
// Below 2^23 s the spacing of doubles is under 1 ns (2^-30 s at most), so no decimal other than
// ns / 10^9 itself lies within half a spacing of it; 2^22 s keeps a margin.
constexpr std::int64_t k_exact_duration_ns = (std::int64_t{1} << 22) * k_ns_per_s;
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

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level
// Date Algorithms", civil_from_days).
void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day) noexcept {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto day_of_era = static_cast<unsigned>(days - era * 146097);
    const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned shifted_month = (5 * day_of_year + 2) / 153;
    day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
}

char* put_digits(char* out, std::uint64_t value, int width) noexcept {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return out + width;
}

}  // namespace

char* write_duration_seconds(char* first, std::int64_t ns) noexcept {
    if (ns <= -k_exact_duration_ns || ns >= k_exact_duration_ns) {
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

char* write_rfc3339(char* first, std::int64_t ts_ns) noexcept {
    std::int64_t seconds = ts_ns / k_ns_per_s;
    std::int64_t nanos = ts_ns % k_ns_per_s;
    if (nanos < 0) {
        nanos += k_ns_per_s;
        --seconds;
    }
    // int64 nanoseconds span 1677 to 2262: the year always has four digits.
    constexpr std::int64_t k_seconds_per_day = 86400;
    std::int64_t days = seconds / k_seconds_per_day;
    std::int64_t of_day = seconds % k_seconds_per_day;
    if (of_day < 0) {
        of_day += k_seconds_per_day;
        --days;
    }
    std::int64_t year = 0;
    unsigned month = 0;
    unsigned day = 0;
    civil_from_days(days, year, month, day);
    char* out = put_digits(first, static_cast<std::uint64_t>(year), 4);
    *out++ = '-';
    out = put_digits(out, month, 2);
    *out++ = '-';
    out = put_digits(out, day, 2);
    *out++ = 'T';
    out = put_digits(out, static_cast<std::uint64_t>(of_day / 3600), 2);
    *out++ = ':';
    out = put_digits(out, static_cast<std::uint64_t>(of_day / 60 % 60), 2);
    *out++ = ':';
    out = put_digits(out, static_cast<std::uint64_t>(of_day % 60), 2);
    *out++ = '.';
    out = put_digits(out, static_cast<std::uint64_t>(nanos), 9);
    *out++ = 'Z';
    return out;
}

}  // namespace tcpvet::report
