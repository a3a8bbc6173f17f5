// The encapsulations a frame's TCP was found inside: each tunnel, label stack or session opened on
// the way in, with the outer addresses and the identifier that tells its tenants apart.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "tcpvet/packet.hpp"

namespace tcpvet::decode {

// How many encapsulations (tunnels, label stacks, PPPoE) one frame may nest; deeper ones are
// counted as Undecoded::depth_exceeded.
inline constexpr unsigned k_max_encapsulation_depth = 8;

enum class TunnelKind : std::uint8_t {
    none,
    gre,         // RFC 2784/2890; id: the key, when the K bit is set
    pptp,        // PPTP's enhanced GRE (version 1); id: the call id
    erspan,      // ERSPAN in GRE; id: the session id (types II and III)
    wccp,        // WCCP redirection in GRE
    ip_in_ip,    // IPv4/IPv6 in IPv4/IPv6 (RFC 2003, RFC 4213)
    mpls,        // an MPLS label stack; id: the bottom (service) label
    pppoe,       // a PPPoE session; id: the session id
    vxlan,       // id: the VNI
    geneve,      // id: the VNI
    gtp_u,       // id: the TEID
    gre_in_udp,  // RFC 8086; id: the GRE key, when present
    teredo,
    ayiya,
};

// One word per kind, as the text and JSON reports write it.
[[nodiscard]] std::string_view tunnel_kind_name(TunnelKind kind) noexcept;
// What the kind's identifier is called ("vni", "key", "label", "teid", "session", "call_id"), or
// empty for kinds that carry none.
[[nodiscard]] std::string_view tunnel_id_name(TunnelKind kind) noexcept;

// One opened encapsulation. The outer addresses are those of the IP header that carried it (none
// for a label stack or PPPoE on the link), as the frame had them.
struct TunnelLayer {
    TunnelKind kind = TunnelKind::none;
    bool has_id = false;
    std::uint32_t id = 0;
    IpAddress outer_src{};
    IpAddress outer_dst{};

    friend bool operator==(const TunnelLayer&, const TunnelLayer&) = default;
};

// The layers of one frame, outermost first.
struct Encapsulation {
    std::uint8_t depth = 0;
    std::array<TunnelLayer, k_max_encapsulation_depth> layers{};

    friend bool operator==(const Encapsulation& x, const Encapsulation& y) noexcept;
};

// The same layers seen from either direction: each layer's outer addresses in a fixed order, so
// that both directions of a conversation share one encapsulation.
[[nodiscard]] Encapsulation canonical(const Encapsulation& layers) noexcept;

}  // namespace tcpvet::decode
