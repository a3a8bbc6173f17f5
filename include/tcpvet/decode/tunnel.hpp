// Tunnel and overlay headers: each decoder finds what a tunnel header carries, for the dispatcher.
#pragma once

#include <cstdint>

#include "tcpvet/decode/encapsulation.hpp"
#include "tcpvet/packet.hpp"

namespace tcpvet::decode {

// What follows a tunnel header; the dispatcher decodes it as the next, inner layer.
enum class InnerKind : std::uint8_t {
    ethernet,   // an Ethernet frame (VXLAN, Geneve, TEB, ERSPAN, MPLS pseudowire)
    ethertype,  // bytes named by `ethertype` (IPv4, IPv6, MPLS, ...)
    ip,         // an IP packet whose version nibble decides (GTP-U, MPLS, WCCP)
    wifi,       // an IEEE 802.11 frame (Aruba's GRE)
    other,      // a tunnel message that carries no packet (GTP-U signalling, PPP control)
    truncated,  // the capture ends inside the tunnel header
    malformed,  // a header that contradicts itself or a version we do not know
};

struct Inner {
    InnerKind kind = InnerKind::malformed;
    std::uint16_t ethertype = 0;  // for InnerKind::ethertype
    Bytes payload{};
    // What was opened, for the conversation's encapsulation record (none: the caller names it).
    TunnelKind tunnel = TunnelKind::none;
    bool has_id = false;
    std::uint32_t id = 0;
};

// The Ethernet ethertypes that name tunnels and label stacks.
namespace ethertype {
inline constexpr std::uint16_t ipv4 = 0x0800;
inline constexpr std::uint16_t ipv6 = 0x86dd;
inline constexpr std::uint16_t mpls_unicast = 0x8847;
inline constexpr std::uint16_t mpls_multicast = 0x8848;
inline constexpr std::uint16_t pppoe_session = 0x8864;
inline constexpr std::uint16_t transparent_ethernet = 0x6558;  // TEB: an Ethernet frame follows
}  // namespace ethertype

// GRE (RFC 2784, RFC 2890 key and sequence; version 1 is PPTP's enhanced GRE, RFC 2637) with
// ERSPAN types I, II, III and WCCP redirection inside.
[[nodiscard]] Inner decode_gre(Bytes gre) noexcept;

// An MPLS label stack (RFC 3032): labels up to the bottom of stack, then IP by its version nibble
// or an Ethernet pseudowire (RFC 4448) with or without its control word.
[[nodiscard]] Inner decode_mpls(Bytes labels) noexcept;

// A PPPoE session header (RFC 2516) and the PPP protocol field after it.
[[nodiscard]] Inner decode_pppoe_session(Bytes session) noexcept;

// A PPP protocol number (RFC 1661) as the ethertype of the same payload; 0 when it carries no packet.
[[nodiscard]] std::uint16_t ppp_protocol_ethertype(std::uint16_t protocol) noexcept;

// UDP-carried tunnels, by their registered ports (as Wireshark's and Zeek's defaults).
enum class UdpTunnel : std::uint8_t { none, vxlan, geneve, gtp_u, gre_in_udp, teredo, ayiya };

// The tunnel a UDP datagram between these ports is taken for (destination port first).
[[nodiscard]] UdpTunnel udp_tunnel_for(std::uint16_t src_port, std::uint16_t dst_port) noexcept;

[[nodiscard]] Inner decode_vxlan(Bytes vxlan) noexcept;    // RFC 7348
[[nodiscard]] Inner decode_geneve(Bytes geneve) noexcept;  // RFC 8926
[[nodiscard]] Inner decode_gtp_u(Bytes gtp) noexcept;      // 3GPP TS 29.281
[[nodiscard]] Inner decode_teredo(Bytes teredo) noexcept;  // RFC 4380
[[nodiscard]] Inner decode_ayiya(Bytes ayiya) noexcept;    // draft-massar-v6ops-ayiya
[[nodiscard]] Inner decode_udp_tunnel(UdpTunnel tunnel, Bytes payload) noexcept;

}  // namespace tcpvet::decode
