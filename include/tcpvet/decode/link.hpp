// Link-layer decoding: find the network-layer bytes inside a frame of a given DLT.
#pragma once

#include <cstdint>

#include "tcpvet/packet.hpp"

namespace tcpvet::decode {

// What the link header says is inside it.
enum class Network : std::uint8_t {
    ipv4,         // bytes are an IPv4 packet (per ethertype / AF value / DLT)
    ipv6,         // bytes are an IPv6 packet
    raw_ip,       // DLT_RAW: the version nibble decides
    other,        // decoded, not IP (ARP, LLDP, 802.3 LLC, unknown AF, ...)
    truncated,    // the frame ends inside the link header (or a VLAN tag)
    unsupported,  // not a link type we decode
};

struct LinkResult {
    Network network = Network::unsupported;
    std::uint16_t ethertype = 0;  // the final ethertype / protocol, when the link type has one
    std::uint8_t vlan_tags = 0;   // 802.1Q / 802.1ad tags skipped (QinQ stacks several)
    Bytes payload{};              // the bytes after the link header(s)
};

// Decodes the link header of `frame` for `link_type` (a DLT_ value).
[[nodiscard]] LinkResult decode_link(int link_type, Bytes frame) noexcept;

}  // namespace tcpvet::decode
