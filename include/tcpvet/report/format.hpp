// Small text formatters shared by every reporter (addresses, times, flags, durations).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tcpvet/flow/flow_key.hpp"
#include "tcpvet/packet.hpp"

namespace tcpvet::report {

// The text a write_* function below put at `first`, given the end it returned.
[[nodiscard]] inline std::string_view written(const char* first, const char* end) noexcept {
    return {first, static_cast<std::size_t>(end - first)};
}

// The last `width` decimal digits of `value` at `out`, zero-padded ("007"); returns the end.
char* write_zero_padded(char* out, std::uint64_t value, int width) noexcept;

// "192.0.2.1" or "2001:db8::1".
[[nodiscard]] std::string format_address(const IpAddress& address);
// The same text written at `out`, which has k_address_text_max bytes (INET6_ADDRSTRLEN); returns
// the end. For records written per segment, with no string made.
inline constexpr std::size_t k_address_text_max = 46;
char* write_address(char* out, const IpAddress& address) noexcept;
// "192.0.2.1:80" or "[2001:db8::1]:80".
[[nodiscard]] std::string format_endpoint(const flow::Endpoint& endpoint);
// The same text written at `out`, which has k_endpoint_text_max bytes; returns the end.
inline constexpr std::size_t k_endpoint_text_max = k_address_text_max + 8;  // "[", "]:" and 5 digits
char* write_endpoint(char* out, const flow::Endpoint& endpoint) noexcept;
// "vxlan vni=5001 10.0.0.1<->10.0.0.2 / mpls label=16": the tunnels a conversation came through,
// outermost first; empty when it came through none.
[[nodiscard]] std::string format_encapsulation(const decode::Encapsulation* layers);
// RFC 3339 UTC with nanoseconds: "2026-01-01T00:00:00.123456789Z".
[[nodiscard]] std::string format_rfc3339(std::int64_t ts_ns);
// The same text written at `out`, which has k_rfc3339_text_max bytes; returns the end. Integer
// arithmetic only (no gmtime, no printf): JSON records write two or more per conversation.
inline constexpr std::size_t k_rfc3339_text_max = 32;  // int64 nanoseconds: years 1677-2262, 30 characters
char* write_rfc3339(char* out, std::int64_t ts_ns) noexcept;
// Epoch seconds as a JSON-friendly double (microsecond-exact for current dates).
[[nodiscard]] double epoch_seconds(std::int64_t ts_ns) noexcept;
// "0.001234" seconds with 6 decimals.
[[nodiscard]] std::string format_seconds(std::int64_t duration_ns);
// Human duration: "850 ms", "12.3 s", "5 min 3 s", "2 h 5 min".
[[nodiscard]] std::string format_duration(std::int64_t duration_ns);
// "SYN,ACK" (tcp_flag bits in wire order, CWR..FIN plus AE).
[[nodiscard]] std::string format_flags(std::uint16_t flags);
// The same text written at `out`, which has k_flags_text_max bytes; returns the end.
inline constexpr std::size_t k_flags_text_max = 40;
char* write_flags(char* out, std::uint16_t flags) noexcept;
// "1.5 KiB"-style byte counts.
[[nodiscard]] std::string format_bytes(std::uint64_t bytes);

}  // namespace tcpvet::report
