// Ethernet tags and MAC-in-MAC headers stepped over on the way to a frame's ethertype (private to
// src/decode): IEEE 802.1ah PBB, Cisco VN-Tag, IEEE 802.1BR E-Tag and Cisco FabricPath.
#pragma once

#include <cstdint>

#include "tcpvet/byte_reader.hpp"

namespace tcpvet::decode::link_detail {

inline constexpr std::uint16_t k_ethertype_pbb = 0x88e7;         // IEEE 802.1ah backbone I-TAG
inline constexpr std::uint16_t k_ethertype_vntag = 0x8926;       // Cisco VN-Tag
inline constexpr std::uint16_t k_ethertype_etag = 0x893f;        // IEEE 802.1BR E-Tag
inline constexpr std::uint16_t k_ethertype_fabricpath = 0x8903;  // Cisco FabricPath FP tag

// A cheap test before the call: all four sit above IPv4's, IPv6's and 802.1Q's ethertypes.
[[nodiscard]] constexpr bool may_be_l2_tag(std::uint16_t ethertype) noexcept { return ethertype >= k_ethertype_pbb; }

// When `ethertype` names one of these headers, steps `reader` over it (and, for PBB and
// FabricPath, over the inner frame's MAC addresses), reads the ethertype that follows into
// `ethertype` and returns true; otherwise returns false and leaves both untouched. Every step
// consumes bytes, so a walk over stacked headers is bounded by the frame; the caller checks
// reader.failed() for truncation.
[[nodiscard]] bool step_l2_tag(std::uint16_t& ethertype, ByteReader& reader) noexcept;

}  // namespace tcpvet::decode::link_detail
