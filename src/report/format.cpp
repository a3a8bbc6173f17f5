// Shared text formatters. Used only when rendering finished results, never per packet in analysis.
#include "tcpvet/report/format.hpp"

#include "tcpvet/report/seconds_text.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>
#include <string_view>

namespace tcpvet::report {

static_assert(k_address_text_max >= INET6_ADDRSTRLEN);

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

std::string format_endpoint(const flow::Endpoint& endpoint) {
    if (endpoint.addr.family == 6) return std::string("[").append(format_address(endpoint.addr)).append("]:").append(std::to_string(endpoint.port));
    return format_address(endpoint.addr) + ":" + std::to_string(endpoint.port);
}

std::string format_rfc3339(std::int64_t ts_ns) {
    char text[k_seconds_text_max];
    return std::string(text, write_rfc3339(text, ts_ns));
}

double epoch_seconds(std::int64_t ts_ns) noexcept {
    return static_cast<double>(ts_ns / 1'000'000'000) + static_cast<double>(ts_ns % 1'000'000'000) / 1e9;
}

std::string format_seconds(std::int64_t duration_ns) {
    char text[48];
    std::snprintf(text, sizeof(text), "%.6f", static_cast<double>(duration_ns) / 1e9);
    return text;
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
