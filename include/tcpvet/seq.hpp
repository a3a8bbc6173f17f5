// TCP sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): compare by signed difference, never by `<`.
#pragma once

#include <cstdint>

namespace tcpvet::seq {

// a - b as a signed distance; correct while the two are within 2^31 of each other.
[[nodiscard]] constexpr std::int32_t diff(std::uint32_t a, std::uint32_t b) noexcept {
    return static_cast<std::int32_t>(a - b);
}
[[nodiscard]] constexpr bool lt(std::uint32_t a, std::uint32_t b) noexcept { return diff(a, b) < 0; }
[[nodiscard]] constexpr bool le(std::uint32_t a, std::uint32_t b) noexcept { return diff(a, b) <= 0; }
[[nodiscard]] constexpr bool gt(std::uint32_t a, std::uint32_t b) noexcept { return diff(a, b) > 0; }
[[nodiscard]] constexpr bool ge(std::uint32_t a, std::uint32_t b) noexcept { return diff(a, b) >= 0; }
[[nodiscard]] constexpr std::uint32_t max(std::uint32_t a, std::uint32_t b) noexcept { return gt(a, b) ? a : b; }

// Offset of `value` from `base` modulo 2^32, as Wireshark's relative numbers (always 0..2^32-1).
[[nodiscard]] constexpr std::uint32_t relative(std::uint32_t value, std::uint32_t base) noexcept {
    return value - base;
}

// The sequence space a segment occupies: payload plus one for SYN and one for FIN.
[[nodiscard]] constexpr std::uint32_t segment_length(std::uint32_t payload_len, bool syn, bool fin) noexcept {
    return payload_len + (syn ? 1U : 0U) + (fin ? 1U : 0U);
}

}  // namespace tcpvet::seq
