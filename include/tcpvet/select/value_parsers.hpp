// Parsing --select's literal values: numbers, addresses with an optional prefix, RFC 3339 times.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "tcpvet/packet.hpp"

namespace tcpvet::select {

// A finite decimal number (integer or fraction); nullopt on anything else.
[[nodiscard]] std::optional<double> parse_number(std::string_view text);

struct AddressPrefix {
    IpAddress address{};
    std::uint8_t prefix_bits = 0;  // 32 or 128 for a plain address
};
// "10.0.0.1", "10.0.0.0/8", "2001:db8::1", "2001:db8::/32"; host bits beyond the prefix cleared.
[[nodiscard]] std::optional<AddressPrefix> parse_address_prefix(std::string_view text);

// RFC 3339 date-time ("2026-12-04T10:02:00Z", "...T10:02:00.5+01:00"; 't', 'z' and a space for
// 'T' accepted) as nanoseconds since the epoch.
[[nodiscard]] std::optional<std::int64_t> parse_rfc3339(std::string_view text);

}  // namespace tcpvet::select
