// Tunnels carried in UDP: VXLAN, Geneve, GTP-U, GRE-in-UDP, Teredo and AYIYA, by their ports.
#include "tcpvet/byte_reader.hpp"
#include "tcpvet/decode/tunnel.hpp"

namespace tcpvet::decode {

namespace {

// IANA-registered ports, plus Linux's historical VXLAN port; Wireshark and Zeek use the same.
constexpr std::uint16_t k_port_vxlan = 4789;
constexpr std::uint16_t k_port_vxlan_linux = 8472;
constexpr std::uint16_t k_port_geneve = 6081;
constexpr std::uint16_t k_port_gtp_u = 2152;
constexpr std::uint16_t k_port_gre_in_udp = 4754;  // RFC 8086
constexpr std::uint16_t k_port_teredo = 3544;
constexpr std::uint16_t k_port_ayiya = 5072;

constexpr std::uint8_t k_vxlan_flag_vni = 0x08;
constexpr std::size_t k_vxlan_header = 8;
constexpr std::size_t k_geneve_header = 8;
constexpr std::uint8_t k_gtp_version_1 = 1;
constexpr std::uint8_t k_gtp_protocol_type = 0x10;
constexpr std::uint8_t k_gtp_optional_fields = 0x07;  // E, S and PN: any one adds 4 bytes
constexpr std::uint8_t k_gtp_extension_flag = 0x04;
constexpr std::uint8_t k_gtp_g_pdu = 0xff;
constexpr std::uint8_t k_ip_proto_ipv4 = 4;
constexpr std::uint8_t k_ip_proto_ipv6 = 41;

Inner truncated() noexcept { return Inner{.kind = InnerKind::truncated}; }
Inner malformed() noexcept { return Inner{.kind = InnerKind::malformed}; }

UdpTunnel by_port(std::uint16_t port) noexcept {
    switch (port) {
    case k_port_vxlan:
    case k_port_vxlan_linux: return UdpTunnel::vxlan;
    case k_port_geneve: return UdpTunnel::geneve;
    case k_port_gtp_u: return UdpTunnel::gtp_u;
    case k_port_gre_in_udp: return UdpTunnel::gre_in_udp;
    case k_port_teredo: return UdpTunnel::teredo;
    case k_port_ayiya: return UdpTunnel::ayiya;
    default: return UdpTunnel::none;
    }
}

// The 24-bit VNI that VXLAN and Geneve both keep at bytes 4..6 of their header.
std::uint32_t vni_at(Bytes header, std::size_t offset) noexcept {
    return (std::to_integer<std::uint32_t>(header[offset]) << 16U) |
           (std::to_integer<std::uint32_t>(header[offset + 1]) << 8U) |
           std::to_integer<std::uint32_t>(header[offset + 2]);
}

bool ip_version_is(Bytes bytes, unsigned version) noexcept {
    return !bytes.empty() && (std::to_integer<unsigned>(bytes[0]) >> 4U) == version;
}

}  // namespace

UdpTunnel udp_tunnel_for(std::uint16_t src_port, std::uint16_t dst_port) noexcept {
    const UdpTunnel by_destination = by_port(dst_port);
    return by_destination != UdpTunnel::none ? by_destination : by_port(src_port);
}

Inner decode_vxlan(Bytes vxlan) noexcept {
    ByteReader reader{vxlan};
    const std::uint8_t flags = reader.u8();
    reader.skip(k_vxlan_header - 1);  // reserved, VNI, reserved
    if (reader.failed()) {
        return truncated();
    }
    if ((flags & k_vxlan_flag_vni) == 0) {
        return malformed();  // RFC 7348: the I flag must be set
    }
    return Inner{.kind = InnerKind::ethernet,
                 .payload = reader.rest(),
                 .tunnel = TunnelKind::vxlan,
                 .has_id = true,
                 .id = vni_at(vxlan, 4)};
}

Inner decode_geneve(Bytes geneve) noexcept {
    ByteReader reader{geneve};
    const std::uint8_t version_options = reader.u8();
    reader.skip(1);  // O and C flags
    const std::uint16_t protocol = reader.be16();
    reader.skip(k_geneve_header - 4);  // VNI, reserved
    if (reader.failed()) {
        return truncated();
    }
    if ((version_options >> 6U) != 0) {
        return malformed();
    }
    reader.skip(std::size_t{version_options & 0x3fU} * 4);  // options, skipped by their length
    if (reader.failed()) {
        return truncated();
    }
    Inner inner{.kind = InnerKind::ethertype, .ethertype = protocol, .payload = reader.rest()};
    if (protocol == ethertype::transparent_ethernet) {
        inner.kind = InnerKind::ethernet;
    }
    inner.tunnel = TunnelKind::geneve;
    inner.has_id = true;
    inner.id = vni_at(geneve, 4);
    return inner;
}

Inner decode_gtp_u(Bytes gtp) noexcept {
    ByteReader reader{gtp};
    const std::uint8_t flags = reader.u8();
    const std::uint8_t message_type = reader.u8();
    const std::uint16_t length = reader.be16();  // bytes after the 8-byte mandatory header
    const std::uint32_t teid = reader.be32();
    if (reader.failed()) {
        return truncated();
    }
    if ((flags >> 5U) != k_gtp_version_1 || (flags & k_gtp_protocol_type) == 0) {
        return malformed();  // GTP' or GTPv2-C: no user packet inside
    }
    const std::size_t body_start = reader.offset();
    if ((flags & k_gtp_optional_fields) != 0) {
        reader.skip(3);  // sequence number, N-PDU number
        std::uint8_t next_extension = reader.u8();
        if ((flags & k_gtp_extension_flag) == 0) {
            next_extension = 0;
        }
        // Each extension header gives its own length in 4-byte units, its last byte the next type.
        while (next_extension != 0 && reader.ok()) {
            const std::uint8_t units = reader.u8();
            if (units == 0) {
                return malformed();
            }
            reader.skip(std::size_t{units} * 4 - 2);
            next_extension = reader.u8();
        }
    }
    if (reader.failed()) {
        return truncated();
    }
    if (message_type != k_gtp_g_pdu) {
        return Inner{.kind = InnerKind::other};  // echo, error indication, end marker
    }
    Bytes payload = reader.rest();
    const std::size_t used = reader.offset() - body_start;
    if (length < used) {
        return malformed();
    }
    if (payload.size() > length - used) {
        payload = payload.first(length - used);
    }
    return Inner{.kind = InnerKind::ip, .payload = payload, .tunnel = TunnelKind::gtp_u, .has_id = true, .id = teid};
}

Inner decode_teredo(Bytes teredo) noexcept {
    ByteReader reader{teredo};
    // Optional authentication (0x0001) and origin indication (0x0000) headers, in that order.
    for (int header = 0; header < 2 && reader.remaining() >= 2 && !ip_version_is(reader.rest(), 6); ++header) {
        const std::uint16_t indicator = reader.be16();
        if (indicator == 0x0001) {
            const std::uint8_t id_length = reader.u8();
            const std::uint8_t auth_length = reader.u8();
            reader.skip(std::size_t{id_length} + auth_length + 8 + 1);  // ids, nonce, confirmation
        } else if (indicator == 0x0000) {
            reader.skip(6);  // obfuscated origin port and address
        } else {
            return Inner{.kind = InnerKind::other};
        }
    }
    if (reader.failed()) {
        return truncated();
    }
    if (!ip_version_is(reader.rest(), 6)) {
        return Inner{.kind = InnerKind::other};  // Teredo bubbles and qualification traffic
    }
    return Inner{.kind = InnerKind::ethertype, .ethertype = ethertype::ipv6, .payload = reader.rest()};
}

Inner decode_ayiya(Bytes ayiya) noexcept {
    ByteReader reader{ayiya};
    const std::uint8_t id = reader.u8();         // identity length (log2) and type
    const std::uint8_t signature = reader.u8();  // signature length (4-byte units) and hash
    const std::uint8_t opcode = reader.u8();     // authentication method and opcode
    const std::uint8_t next_header = reader.u8();
    reader.skip(4);  // epoch time
    reader.skip(std::size_t{1} << (std::size_t{id} >> 4U));
    reader.skip((std::size_t{signature} >> 4U) * 4);
    if (reader.failed()) {
        return truncated();
    }
    if ((opcode & 0x0fU) != 1) {
        return Inner{.kind = InnerKind::other};  // not a forwarded packet (heartbeat, echo)
    }
    if (next_header == k_ip_proto_ipv6) {
        return Inner{.kind = InnerKind::ethertype, .ethertype = ethertype::ipv6, .payload = reader.rest()};
    }
    if (next_header == k_ip_proto_ipv4) {
        return Inner{.kind = InnerKind::ethertype, .ethertype = ethertype::ipv4, .payload = reader.rest()};
    }
    return Inner{.kind = InnerKind::other};
}

// Teredo and AYIYA carry no identifier; GRE in UDP is GRE's record under its own name.
Inner named(Inner inner, TunnelKind kind) noexcept {
    if (inner.tunnel == TunnelKind::none || inner.tunnel == TunnelKind::gre) {
        inner.tunnel = kind;
    }
    return inner;
}

Inner decode_udp_tunnel(UdpTunnel tunnel, Bytes payload) noexcept {
    switch (tunnel) {
    case UdpTunnel::vxlan: return decode_vxlan(payload);
    case UdpTunnel::geneve: return decode_geneve(payload);
    case UdpTunnel::gtp_u: return decode_gtp_u(payload);
    case UdpTunnel::gre_in_udp: return named(decode_gre(payload), TunnelKind::gre_in_udp);
    case UdpTunnel::teredo: return named(decode_teredo(payload), TunnelKind::teredo);
    case UdpTunnel::ayiya: return named(decode_ayiya(payload), TunnelKind::ayiya);
    case UdpTunnel::none: break;
    }
    return Inner{.kind = InnerKind::other};
}

}  // namespace tcpvet::decode
