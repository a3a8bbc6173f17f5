// IPv6 decoding: fixed header plus the extension-header walk to the upper layer.
#pragma once

#include <cstdint>

#include "tcpvet/decode/ipv4.hpp"  // IpResult, shared by both IP versions
#include "tcpvet/packet.hpp"

namespace tcpvet::decode {

// Decodes an IPv6 packet, walking Hop-by-Hop (0), Routing (43), Fragment (44), AH (51) and
// Destination Options (60) headers. A non-first fragment stops at its Fragment header;
// ESP, No Next Header and unknown headers stop the walk with `protocol` naming them.
// `reported_len` is the packet's wire length, used when the payload length field is 0.
[[nodiscard]] IpResult decode_ipv6(Bytes packet, std::uint32_t reported_len) noexcept;

// The upper layer of a reassembled IPv6 datagram: `fragmentable` (the whole fragmentable part,
// RFC 8200 §4.5) walked from `next_header`, with the fixed-header fields of `fixed`.
[[nodiscard]] IpResult decode_ipv6_fragmentable(const IpResult& fixed, Bytes fragmentable,
                                                std::uint8_t next_header) noexcept;

}  // namespace tcpvet::decode
