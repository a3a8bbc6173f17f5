// Literal values of the --select language. inet_pton for addresses, a hand parser for RFC 3339
// (no locale, no TZ environment: the offset is in the text).
#include "tcpvet/select/value_parsers.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <string>

namespace tcpvet::select {

std::optional<double> parse_number(std::string_view text) {
    if (text.empty() || text.size() > 64) return std::nullopt;
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
    return value;
}

std::optional<AddressPrefix> parse_address_prefix(std::string_view text) {
    if (text.empty() || text.size() > 64) return std::nullopt;
    const std::size_t slash = text.find('/');
    const std::string address(text.substr(0, slash));
    AddressPrefix result;
    if (inet_pton(AF_INET, address.c_str(), result.address.bytes.data()) == 1) {
        result.address.family = 4;
        result.prefix_bits = 32;
    } else if (inet_pton(AF_INET6, address.c_str(), result.address.bytes.data()) == 1) {
        result.address.family = 6;
        result.prefix_bits = 128;
    } else {
        return std::nullopt;
    }
    if (slash != std::string_view::npos) {
        const std::string_view bits = text.substr(slash + 1);
        unsigned value = 0;
        const auto [end, error] = std::from_chars(bits.data(), bits.data() + bits.size(), value);
        if (bits.empty() || error != std::errc{} || end != bits.data() + bits.size() || value > result.prefix_bits) {
            return std::nullopt;
        }
        result.prefix_bits = static_cast<std::uint8_t>(value);
    }
    for (unsigned bit = result.prefix_bits; bit < 128; ++bit) {
        result.address.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80U >> (bit % 8)));
    }
    return result;
}

namespace {

// Reads exactly `width` digits at `pos`.
bool digits(std::string_view text, std::size_t& pos, std::size_t width, int& out) {
    if (pos + width > text.size()) return false;
    out = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') return false;
        out = out * 10 + (c - '0');
    }
    pos += width;
    return true;
}

bool expect(std::string_view text, std::size_t& pos, std::string_view any_of) {
    if (pos >= text.size() || any_of.find(text[pos]) == std::string_view::npos) return false;
    ++pos;
    return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(int year, int month, int day) noexcept {
    year -= month <= 2 ? 1 : 0;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const int yoe = year - era * 400;
    const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

bool valid_date(int year, int month, int day) noexcept {
    static constexpr int k_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1) return false;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= k_days[month - 1] && !(month == 2 && day == 29 && !leap);
}

// ".123456789" after the seconds: up to 9 digits kept.
bool fraction(std::string_view text, std::size_t& pos, std::int64_t& nanos) {
    nanos = 0;
    if (pos >= text.size() || text[pos] != '.') return true;
    ++pos;
    std::size_t count = 0;
    std::int64_t scale = 100'000'000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (count < 9) nanos += (text[pos] - '0') * scale;
        scale /= 10;
        ++count;
        ++pos;
    }
    return count != 0;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view text) {
    std::size_t pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(text, pos, 4, year) || !expect(text, pos, "-") || !digits(text, pos, 2, month) ||
        !expect(text, pos, "-") || !digits(text, pos, 2, day) || !expect(text, pos, "Tt ") ||
        !digits(text, pos, 2, hour) || !expect(text, pos, ":") || !digits(text, pos, 2, minute) ||
        !expect(text, pos, ":") || !digits(text, pos, 2, second)) {
        return std::nullopt;
    }
    std::int64_t nanos = 0;
    if (!fraction(text, pos, nanos)) return std::nullopt;
    if (!valid_date(year, month, day) || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::int64_t offset_s = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int offset_hours = 0, offset_minutes = 0;
        if (!digits(text, pos, 2, offset_hours) || !expect(text, pos, ":") || !digits(text, pos, 2, offset_minutes) ||
            offset_hours > 23 || offset_minutes > 59) {
            return std::nullopt;
        }
        offset_s = sign * (offset_hours * 3600 + offset_minutes * 60);
    } else {
        return std::nullopt;  // RFC 3339 requires the offset
    }
    if (pos != text.size()) return std::nullopt;
    const std::int64_t seconds =
        days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
    return seconds * 1'000'000'000 + nanos;
}

}  // namespace tcpvet::select
