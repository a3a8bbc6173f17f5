// Names of the encapsulation kinds, and the direction-free form of a frame's layers.
#include "tcpvet/decode/encapsulation.hpp"

#include <algorithm>
#include <utility>

namespace tcpvet::decode {

std::string_view tunnel_kind_name(TunnelKind kind) noexcept {
    switch (kind) {
    case TunnelKind::none: return "none";
    case TunnelKind::gre: return "gre";
    case TunnelKind::pptp: return "pptp";
    case TunnelKind::erspan: return "erspan";
    case TunnelKind::wccp: return "wccp";
    case TunnelKind::ip_in_ip: return "ip_in_ip";
    case TunnelKind::mpls: return "mpls";
    case TunnelKind::pppoe: return "pppoe";
    case TunnelKind::vxlan: return "vxlan";
    case TunnelKind::geneve: return "geneve";
    case TunnelKind::gtp_u: return "gtp_u";
    case TunnelKind::gre_in_udp: return "gre_in_udp";
    case TunnelKind::teredo: return "teredo";
    case TunnelKind::ayiya: return "ayiya";
    }
    return "none";
}

std::string_view tunnel_id_name(TunnelKind kind) noexcept {
    switch (kind) {
    case TunnelKind::gre:
    case TunnelKind::gre_in_udp: return "key";
    case TunnelKind::pptp: return "call_id";
    case TunnelKind::erspan:
    case TunnelKind::pppoe: return "session";
    case TunnelKind::mpls: return "label";
    case TunnelKind::vxlan:
    case TunnelKind::geneve: return "vni";
    case TunnelKind::gtp_u: return "teid";
    case TunnelKind::none:
    case TunnelKind::wccp:
    case TunnelKind::ip_in_ip:
    case TunnelKind::teredo:
    case TunnelKind::ayiya: return {};
    }
    return {};
}

bool operator==(const Encapsulation& x, const Encapsulation& y) noexcept {
    return x.depth == y.depth && std::equal(x.layers.begin(), x.layers.begin() + x.depth, y.layers.begin());
}

Encapsulation canonical(const Encapsulation& layers) noexcept {
    Encapsulation out;
    out.depth = std::min<std::uint8_t>(layers.depth, k_max_encapsulation_depth);
    for (std::size_t i = 0; i < out.depth; ++i) {
        TunnelLayer layer = layers.layers[i];
        if (std::make_pair(layer.outer_dst.family, layer.outer_dst.bytes) <
            std::make_pair(layer.outer_src.family, layer.outer_src.bytes)) {
            std::swap(layer.outer_src, layer.outer_dst);
        }
        out.layers[i] = layer;
    }
    return out;
}

}  // namespace tcpvet::decode
