// Shared text formatters. Used only when rendering finished results, never per packet in analysis.
#include "tcpvet/report/format.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "tcpvet/decode/encapsulation.hpp"
#include "tcpvet/report/seconds_text.hpp"

namespace tcpvet::report {

static_assert(k_address_text_max >= INET6_ADDRSTRLEN);

constexpr std::int64_t k_ns_per_second = 1'000'000'000;

// IPv4 by hand: glibc's inet_ntop formats it with sprintf, a tenth of the time a `packets`
// record takes. IPv6 keeps inet_ntop for RFC 5952's zero compression.
char* write_address(char* out, const IpAddress& address) noexcept {
    if (address.family != 6) {
        for (std::size_t i = 0; i < 4; ++i) {
            if (i != 0) *out++ = '.';
            const unsigned octet = address.bytes[i];
            if (octet >= 100) *out++ = static_cast<char>('0' + octet / 100);
            if (octet >= 10) *out++ = static_cast<char>('0' + octet / 10 % 10);
            *out++ = static_cast<char>('0' + octet % 10);
        }
        return out;
    }
    if (inet_ntop(AF_INET6, address.bytes.data(), out, k_address_text_max) == nullptr) *out = '\0';
    return out + std::strlen(out);
}

std::string format_address(const IpAddress& address) {
    char text[k_address_text_max];
    return std::string(text, write_address(text, address));
}

char* write_endpoint(char* out, const flow::Endpoint& endpoint) noexcept {
    const bool bracketed = endpoint.addr.family == 6;
    if (bracketed) *out++ = '[';
    out = write_address(out, endpoint.addr);
    if (bracketed) *out++ = ']';
    *out++ = ':';
    return std::to_chars(out, out + 5, endpoint.port).ptr;
}

std::string format_endpoint(const flow::Endpoint& endpoint) {
    char text[k_endpoint_text_max];
    return std::string(text, write_endpoint(text, endpoint));
}

std::string format_encapsulation(const decode::Encapsulation* layers) {
    std::string text;
    const std::size_t depth = layers == nullptr ? 0 : layers->depth;
    for (std::size_t i = 0; i < depth; ++i) {
        const decode::TunnelLayer& layer = layers->layers[i];
        if (i != 0) text += " / ";
        text += decode::tunnel_kind_name(layer.kind);
        const std::string_view id_name = decode::tunnel_id_name(layer.kind);
        if (layer.has_id && !id_name.empty()) {
            text += ' ';
            text += id_name;
            text += '=';
            text += std::to_string(layer.id);
        }
        if (layer.outer_src.family != 0) {
            text += ' ' + format_address(layer.outer_src) + "<->" + format_address(layer.outer_dst);
        }
    }
    return text;
}

namespace {

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

}  // namespace

char* write_zero_padded(char* out, std::uint64_t value, int width) noexcept {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return out + width;
}

char* write_rfc3339(char* first, std::int64_t ts_ns) noexcept {
    std::int64_t seconds = ts_ns / k_ns_per_second;
    std::int64_t nanos = ts_ns % k_ns_per_second;
    if (nanos < 0) {
        nanos += k_ns_per_second;
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
    char* out = write_zero_padded(first, static_cast<std::uint64_t>(year), 4);
    *out++ = '-';
    out = write_zero_padded(out, month, 2);
    *out++ = '-';
    out = write_zero_padded(out, day, 2);
    *out++ = 'T';
    out = write_zero_padded(out, static_cast<std::uint64_t>(of_day / 3600), 2);
    *out++ = ':';
    out = write_zero_padded(out, static_cast<std::uint64_t>(of_day / 60 % 60), 2);
    *out++ = ':';
    out = write_zero_padded(out, static_cast<std::uint64_t>(of_day % 60), 2);
    *out++ = '.';
    out = write_zero_padded(out, static_cast<std::uint64_t>(nanos), 9);
    *out++ = 'Z';
    return out;
}

std::string format_rfc3339(std::int64_t ts_ns) {
    char text[k_rfc3339_text_max];
    return std::string(text, write_rfc3339(text, ts_ns));
}

double epoch_seconds(std::int64_t ts_ns) noexcept {
    return static_cast<double>(ts_ns / 1'000'000'000) + static_cast<double>(ts_ns % 1'000'000'000) / 1e9;
}

std::string format_seconds(std::int64_t duration_ns) {
    char text[k_seconds_text_max];
    return std::string(text, write_fixed_seconds(text, duration_ns));
}

std::string format_duration(std::int64_t duration_ns) {
    const double seconds = static_cast<double>(duration_ns) / 1e9;
    char text[48];
    if (seconds < 1.0) {
        std::snprintf(text, sizeof(text), "%.0f ms", seconds * 1000.0);
    } else if (seconds < 60.0) {
        std::snprintf(text, sizeof(text), "%.1f s", seconds);
    } else if (seconds < 3600.0) {
        const long long whole = static_cast<long long>(seconds);
        std::snprintf(text, sizeof(text), "%lld min %lld s", whole / 60, whole % 60);
    } else {
        const long long whole = static_cast<long long>(seconds);
        std::snprintf(text, sizeof(text), "%lld h %lld min", whole / 3600, (whole % 3600) / 60);
    }
    return text;
}

char* write_flags(char* out, std::uint16_t flags) noexcept {
    static constexpr struct {
        std::uint16_t bit;
        std::string_view name;
    } k_names[] = {{tcp_flag::fin, "FIN"}, {tcp_flag::syn, "SYN"}, {tcp_flag::rst, "RST"},
                   {tcp_flag::psh, "PSH"}, {tcp_flag::ack, "ACK"}, {tcp_flag::urg, "URG"},
                   {tcp_flag::ece, "ECE"}, {tcp_flag::cwr, "CWR"}, {tcp_flag::ae, "AE"}};
    // Wireshark's order: "[FIN, PSH, ACK]", "[SYN, ECE, CWR]".
    char* const first = out;
    for (const auto& entry : k_names) {
        if ((flags & entry.bit) == 0) continue;
        if (out != first) *out++ = ',';
        std::memcpy(out, entry.name.data(), entry.name.size());
        out += entry.name.size();
    }
    if (out != first) return out;
    std::memcpy(out, "none", 4);
    return out + 4;
}

std::string format_flags(std::uint16_t flags) {
    char text[k_flags_text_max];
    return std::string(text, write_flags(text, flags));
}

std::string format_bytes(std::uint64_t bytes) {
    char text[32];
    if (bytes < 1024) {
        std::snprintf(text, sizeof(text), "%llu B", static_cast<unsigned long long>(bytes));
    } else if (bytes < 1024ULL * 1024) {
        std::snprintf(text, sizeof(text), "%.1f KiB", static_cast<double>(bytes) / 1024.0);
    } else if (bytes < 1024ULL * 1024 * 1024) {
        std::snprintf(text, sizeof(text), "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    } else {
        std::snprintf(text, sizeof(text), "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
    }
    return text;
}

}  // namespace tcpvet::report
