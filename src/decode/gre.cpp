// GRE (RFC 2784/2890, PPTP's version 1) and what it carries: IP, MPLS, Ethernet, ERSPAN, WCCP, PPP.
#include "tcpvet/byte_reader.hpp"
#include "tcpvet/decode/tunnel.hpp"

namespace tcpvet::decode {

namespace {

constexpr std::uint8_t k_flag_checksum = 0x80;
constexpr std::uint8_t k_flag_routing = 0x40;
constexpr std::uint8_t k_flag_key = 0x20;
constexpr std::uint8_t k_flag_sequence = 0x10;
constexpr std::uint8_t k_flag_ack = 0x80;  // second byte, version 1 only
constexpr std::uint8_t k_version_mask = 0x07;

constexpr std::uint16_t k_proto_erspan_1_2 = 0x88be;
constexpr std::uint16_t k_proto_erspan_3 = 0x22eb;
constexpr std::uint16_t k_proto_wccp = 0x883e;
constexpr std::uint16_t k_proto_ppp = 0x880b;
// Aruba's controllers tunnel 802.11 frames from their access points under these protocol
// types (Wireshark's packet-aruba-erm and Zeek's GRE analyzer take 0x8200-0x8300).
constexpr std::uint16_t k_proto_aruba_first = 0x8200;
constexpr std::uint16_t k_proto_aruba_last = 0x8300;

constexpr std::size_t k_erspan_2_header = 8;
constexpr std::size_t k_erspan_3_header = 12;
constexpr std::size_t k_erspan_3_subheader = 8;  // present when the header's O bit is set

Inner truncated() noexcept { return Inner{.kind = InnerKind::truncated}; }

// RFC 1701 source routing entries, up to the null entry (address family 0, length 0).
bool skip_source_routes(ByteReader& reader) noexcept {
    while (reader.ok()) {
        const std::uint16_t family = reader.be16();
        reader.skip(1);  // SRE offset
        const std::uint8_t length = reader.u8();
        if (family == 0 && length == 0) {
            return reader.ok();
        }
        reader.skip(length);
    }
    return false;
}

// ERSPAN types II and III carry a 10-bit session id in the third and fourth bytes of their header.
Inner with_session(Inner inner, Bytes header) noexcept {
    if (header.size() >= 4) {
        inner.has_id = true;
        inner.id =
            ((std::to_integer<std::uint32_t>(header[2]) << 8U) | std::to_integer<std::uint32_t>(header[3])) & 0x3ffU;
    }
    return inner;
}

// ERSPAN type III: 12 bytes, then an 8-byte platform subheader when the O flag is set.
Inner erspan_3(Bytes payload) noexcept {
    ByteReader reader{payload};
    const Bytes header = reader.bytes(k_erspan_3_header);
    if (reader.failed()) {
        return truncated();
    }
    if ((std::to_integer<unsigned>(header[k_erspan_3_header - 1]) & 0x01U) != 0) {
        reader.skip(k_erspan_3_subheader);
    }
    if (reader.failed()) {
        return truncated();
    }
    return with_session(Inner{.kind = InnerKind::ethernet, .payload = reader.rest()}, header);
}

// WCCP redirection: a 4-byte redirect header, except where the IP packet follows directly
// (Wireshark's heuristic: an IPv4 version nibble right after the GRE header).
Inner wccp(Bytes payload) noexcept {
    if (!payload.empty() && (std::to_integer<unsigned>(payload[0]) >> 4U) == 4) {
        return Inner{.kind = InnerKind::ip, .payload = payload};
    }
    ByteReader reader{payload};
    if (!reader.skip(4)) {
        return truncated();
    }
    return Inner{.kind = InnerKind::ip, .payload = reader.rest()};
}

// PPP in PPTP's GRE: optional address/control (0xff 0x03), a 1- or 2-byte protocol (RFC 1661 PFC).
Inner ppp(Bytes payload) noexcept {
    ByteReader reader{payload};
    if (payload.size() >= 2 && std::to_integer<unsigned>(payload[0]) == 0xff &&
        std::to_integer<unsigned>(payload[1]) == 0x03) {
        reader.skip(2);
    }
    std::uint16_t protocol = reader.u8();
    if ((protocol & 0x01U) == 0) {
        protocol = static_cast<std::uint16_t>((protocol << 8U) | reader.u8());
    }
    if (reader.failed()) {
        return truncated();
    }
    const std::uint16_t type = ppp_protocol_ethertype(protocol);
    if (type == 0) {
        return Inner{.kind = InnerKind::other};
    }
    return Inner{.kind = InnerKind::ethertype, .ethertype = type, .payload = reader.rest()};
}

Inner by_protocol(std::uint16_t protocol, bool sequenced, Bytes payload) noexcept {
    switch (protocol) {
    case ethertype::transparent_ethernet: return Inner{.kind = InnerKind::ethernet, .payload = payload};
    case k_proto_erspan_1_2: {
        // Type I has no ERSPAN header and no GRE sequence number; type II has both.
        if (!sequenced) {
            return Inner{.kind = InnerKind::ethernet, .payload = payload};
        }
        ByteReader reader{payload};
        if (!reader.skip(k_erspan_2_header)) {
            return truncated();
        }
        return with_session(Inner{.kind = InnerKind::ethernet, .payload = reader.rest()}, payload);
    }
    case k_proto_erspan_3: return erspan_3(payload);
    case k_proto_wccp: return wccp(payload);
    case k_proto_ppp: return ppp(payload);
    default: break;
    }
    if (protocol >= k_proto_aruba_first && protocol <= k_proto_aruba_last) {
        return Inner{.kind = InnerKind::wifi, .payload = payload};
    }
    return Inner{.kind = InnerKind::ethertype, .ethertype = protocol, .payload = payload};
}

// Which GRE use this is, and the identifier its record carries (the key, PPTP's call id, or
// ERSPAN's session id).
void name_tunnel(Inner& inner, unsigned version, std::uint16_t protocol, bool has_key, std::uint32_t key) noexcept {
    if (version == 1) {
        inner.tunnel = TunnelKind::pptp;
        inner.has_id = has_key;
        inner.id = key & 0xffffU;
        return;
    }
    if (protocol == k_proto_erspan_1_2 || protocol == k_proto_erspan_3) {
        inner.tunnel = TunnelKind::erspan;  // by_protocol set the session id
        return;
    }
    inner.tunnel = protocol == k_proto_wccp ? TunnelKind::wccp : TunnelKind::gre;
    inner.has_id = has_key;
    inner.id = key;
}

}  // namespace

Inner decode_gre(Bytes gre) noexcept {
    ByteReader reader{gre};
    const std::uint8_t flags = reader.u8();
    const std::uint8_t flags_version = reader.u8();
    const std::uint16_t protocol = reader.be16();
    if (reader.failed()) {
        return truncated();
    }
    const unsigned version = flags_version & k_version_mask;
    if (version > 1) {
        return Inner{.kind = InnerKind::malformed};
    }
    if ((flags & (k_flag_checksum | k_flag_routing)) != 0) {
        reader.skip(4);  // checksum and offset: present together when either bit is set
    }
    bool has_key = false;
    std::uint32_t key = 0;
    if ((flags & k_flag_key) != 0) {
        key = reader.be32();  // version 1: payload length, then the call id
        has_key = reader.ok();
    }
    if ((flags & k_flag_sequence) != 0) {
        reader.skip(4);
    }
    if (version == 1 && (flags_version & k_flag_ack) != 0) {
        reader.skip(4);
    }
    if ((flags & k_flag_routing) != 0 && !skip_source_routes(reader)) {
        return truncated();
    }
    if (reader.failed()) {
        return truncated();
    }
    Inner inner = by_protocol(protocol, (flags & k_flag_sequence) != 0, reader.rest());
    name_tunnel(inner, version, protocol, has_key, key);
    return inner;
}

}  // namespace tcpvet::decode
