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

}  // namespace tcpvet::decode
