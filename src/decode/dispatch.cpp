// The one dispatch: link -> (tunnels ->) IPv4/IPv6 -> TCP, classifying every frame exactly once.
#include "tcpvet/decode/dispatch.hpp"

#include <pcap/dlt.h>

#include <algorithm>
#include <cstddef>

#include "tcpvet/byte_reader.hpp"
#include "tcpvet/decode/checksum.hpp"
#include "tcpvet/decode/ip_reassembler.hpp"
#include "tcpvet/decode/ipv4.hpp"
#include "tcpvet/decode/ipv6.hpp"
#include "tcpvet/decode/link.hpp"
#include "tcpvet/decode/tcp.hpp"
#include "tcpvet/decode/tunnel.hpp"

namespace tcpvet::decode {

namespace {

constexpr std::uint8_t k_ip_proto_icmp = 1;
constexpr std::uint8_t k_ip_proto_ipv4 = 4;  // IP-in-IP (RFC 2003)
constexpr std::uint8_t k_ip_proto_tcp = 6;
constexpr std::uint8_t k_ip_proto_udp = 17;
constexpr std::uint8_t k_ip_proto_ipv6 = 41;  // IPv6 in IP (RFC 4213)
constexpr std::uint8_t k_ip_proto_gre = 47;
constexpr std::uint8_t k_ip_proto_esp = 50;
constexpr std::uint8_t k_ip_proto_ah = 51;
constexpr std::uint8_t k_ip_proto_icmpv6 = 58;
constexpr std::uint8_t k_ip_proto_ipcomp = 108;
constexpr std::size_t k_udp_header = 8;

// One decoding walk from the outermost header to the innermost: the packet being filled and how
// many encapsulations have been opened on the way.
struct Walk {
    DecodedPacket& out;
    Encapsulation* layers = nullptr;       // where the opened encapsulations go, when someone asked
    IpReassembler* reassembler = nullptr;  // null: fragments decoded alone
    unsigned depth = 0;
};

// A span of bytes and the length the enclosing header claims for it (at least what was captured).
struct Span {
    Bytes bytes;
    std::uint32_t reported = 0;

    // The part starting at `inner`, a view into `bytes`, with the claimed length that is left.
    [[nodiscard]] Span tail(Bytes inner) const noexcept {
        const auto consumed = static_cast<std::uint32_t>(bytes.size() - inner.size());
        const std::uint32_t left = reported > consumed ? reported - consumed : 0;
        return Span{inner, std::max(left, static_cast<std::uint32_t>(inner.size()))};
    }
};

void set_class(DecodedPacket& out, PacketClass cls, Layer truncated_at = Layer::none) noexcept {
    out.cls = cls;
    out.truncated_at = truncated_at;
}

void stop_undecoded(DecodedPacket& out, PacketClass cls, Undecoded why, Layer truncated_at = Layer::none) noexcept {
    set_class(out, cls, truncated_at);
    out.undecoded = why;
}

void copy_ip(const IpResult& ip, DecodedPacket& out) noexcept {
    out.ip_version = ip.version;
    out.ttl = ip.ttl;
    out.ip_protocol = ip.protocol;
    out.src = ip.src;
    out.dst = ip.dst;
    out.ip_checksum = ip.header_checksum;
}

void decode_tcp_layer(const IpResult& ip, DecodedPacket& out) noexcept {
    // A first fragment is analysed only if its own claimed length holds the whole header.
    const TcpResult tcp = decode_tcp(ip.upper, ip.upper_claimed, out.tcp);
    switch (tcp.status) {
    case TcpStatus::truncated:
        out.fragment_first = ip.first_fragment;
        set_class(out, PacketClass::truncated, Layer::tcp);
        return;
    case TcpStatus::malformed:
        // For a first fragment, a header longer than this fragment is not an error: the
        // rest is in the next fragment, which we do not reassemble.
        set_class(out, ip.first_fragment ? PacketClass::ip_fragment : PacketClass::malformed);
        return;
    case TcpStatus::ok: break;
    }
    set_class(out, PacketClass::tcp, tcp.truncated_at);
    out.fragment_first = ip.first_fragment;
    out.payload_len = tcp.payload_len;
    out.payload = tcp.payload;
    out.payload_captured = static_cast<std::uint32_t>(tcp.payload.size());
    // Only a whole, unfragmented segment can be summed; a cut or partial one stays unverified
    // rather than "bad" (tcpdump and Wireshark do the same).
    const bool whole = ip.upper.size() == ip.upper_claimed;
    if (whole && !ip.fragment && ip.checksum_verifiable) {
        out.tcp_checksum = verify_tcp(ip.src, ip.dst, ip.upper);
    }
}

void decode_inner(const Inner& inner, const Span& outer, Walk& walk) noexcept;
void decode_ip_version(Span packet, Walk& walk) noexcept;
void decode_ethertype(std::uint16_t type, Span payload, Walk& walk) noexcept;

// The record of one encapsulation: what its decoder named (or `kind`), carried by `ip` if any.
TunnelLayer layer_of(const Inner& inner, TunnelKind kind, const IpResult* ip = nullptr) noexcept {
    TunnelLayer layer{
        .kind = inner.tunnel != TunnelKind::none ? inner.tunnel : kind, .has_id = inner.has_id, .id = inner.id};
    if (ip != nullptr) {
        layer.outer_src = ip->src;
        layer.outer_dst = ip->dst;
    }
    return layer;
}

// Opens one more encapsulation, or stops when the walk is already k_max_encapsulation_depth deep.
bool enter_tunnel(Walk& walk, const TunnelLayer& layer) noexcept {
    if (walk.depth >= k_max_encapsulation_depth) {
        stop_undecoded(walk.out, PacketClass::other_ip, Undecoded::depth_exceeded);
        return false;
    }
    if (walk.layers != nullptr) {
        walk.layers->layers[walk.depth] = layer;
        walk.layers->depth = static_cast<std::uint8_t>(walk.depth + 1);
    }
    ++walk.depth;
    walk.out.tunnel_depth = static_cast<std::uint8_t>(walk.depth);
    return true;
}

// A UDP datagram: a tunnel on its registered port, or plain UDP (also when the tunnel header is
// not what the port promised: the datagram is then reported as the UDP it certainly is).
void decode_udp(const IpResult& ip, Walk& walk) noexcept {
    ByteReader reader{ip.upper};
    const std::uint16_t src_port = reader.be16();
    const std::uint16_t dst_port = reader.be16();
    const std::uint16_t length = reader.be16();
    reader.skip(2);  // checksum
    set_class(walk.out, PacketClass::udp);
    const UdpTunnel tunnel = udp_tunnel_for(src_port, dst_port);
    if (reader.failed() || tunnel == UdpTunnel::none || length < k_udp_header) {
        return;
    }
    Bytes payload = reader.rest();
    if (payload.size() > length - k_udp_header) {
        payload = payload.first(length - k_udp_header);
    }
    const Inner inner = decode_udp_tunnel(tunnel, payload);
    if (inner.kind == InnerKind::malformed || inner.kind == InnerKind::other) {
        return;
    }
    const Span outer = Span{ip.upper, ip.upper_claimed}.tail(payload);
    if (enter_tunnel(walk, layer_of(inner, TunnelKind::none, &ip))) {
        decode_inner(inner, outer, walk);
    }
}

// The upper layer of an IP packet: TCP, a protocol carrying another packet, or one counted only.
void decode_ip_payload(IpResult ip, Walk& walk) noexcept {
    DecodedPacket& out = walk.out;
    // IPv4's AH (RFC 4302) is walked here; IPv6's AH is an extension header its decoder walks.
    while (ip.protocol == k_ip_proto_ah && ip.version == 4) {
        ByteReader reader{ip.upper};
        const std::uint8_t next_header = reader.u8();
        const std::size_t length = (std::size_t{reader.u8()} + 2) * 4;
        if (!reader.skip(length - 2)) {
            set_class(out, PacketClass::truncated, Layer::ip);
            return;
        }
        const auto consumed = static_cast<std::uint32_t>(length);
        ip.upper = reader.rest();
        ip.upper_claimed = ip.upper_claimed > consumed ? ip.upper_claimed - consumed : 0;
        ip.protocol = next_header;
        out.ip_protocol = next_header;
    }
    switch (ip.protocol) {
    case k_ip_proto_tcp: decode_tcp_layer(ip, out); return;
    case k_ip_proto_udp: decode_udp(ip, walk); return;
    case k_ip_proto_icmp:
    case k_ip_proto_icmpv6: set_class(out, PacketClass::icmp); return;
    case k_ip_proto_ipv4:
    case k_ip_proto_ipv6:
        if (enter_tunnel(walk, layer_of(Inner{}, TunnelKind::ip_in_ip, &ip))) {
            decode_ip_version(Span{ip.upper, ip.upper_claimed}, walk);
        }
        return;
    case k_ip_proto_gre: {
        const Inner inner = decode_gre(ip.upper);
        if (enter_tunnel(walk, layer_of(inner, TunnelKind::gre, &ip))) {
            decode_inner(inner, Span{ip.upper, ip.upper_claimed}, walk);
        }
        return;
    }
    case k_ip_proto_esp: stop_undecoded(out, PacketClass::other_ip, Undecoded::encrypted); return;
    case k_ip_proto_ipcomp: stop_undecoded(out, PacketClass::other_ip, Undecoded::compressed); return;
    default: set_class(out, PacketClass::other_ip); return;
    }
}

// A fragment decoded alone (no reassembly): a first fragment shows its TCP header, if whole.
void decode_lone_fragment(const IpResult& ip, Walk& walk) noexcept {
    if (ip.first_fragment && ip.protocol == k_ip_proto_tcp) {
        decode_tcp_layer(ip, walk.out);
        return;
    }
    set_class(walk.out, PacketClass::ip_fragment);
}

// A fragment handed to the reassembler; the one that completes its datagram decodes all of it,
// here, before any tunnel it carries is opened (so outer and inner fragments are both rebuilt).
void decode_fragment(const IpResult& ip, Walk& walk) noexcept {
    DecodedPacket& out = walk.out;
    out.ip_fragment = true;
    if (walk.reassembler == nullptr) {
        decode_lone_fragment(ip, walk);
        return;
    }
    const IpFragment fragment{ip.src,
                              ip.dst,
                              ip.fragment_id,
                              ip.fragment_protocol,
                              ip.version,
                              ip.fragment_offset,
                              ip.more_fragments,
                              ip.fragment_data,
                              ip.fragment_claimed};
    Bytes datagram;
    switch (walk.reassembler->add(fragment, out.frame, out.ts_ns, datagram)) {
    case FragmentOutcome::completed: break;
    case FragmentOutcome::not_whole:
        // Wireshark's packet-ip.c adds only fragments captured whole; one cut by the snap
        // length is dissected alone, so a cut first fragment still shows its TCP header.
        decode_lone_fragment(ip, walk);
        return;
    case FragmentOutcome::held:
    case FragmentOutcome::dropped: set_class(out, PacketClass::ip_fragment); return;
    }
    out.reassembled = true;
    IpResult whole = ip;
    if (ip.version == 6) {
        whole = decode_ipv6_fragmentable(ip, datagram, ip.fragment_protocol);
    } else {
        whole.protocol = ip.fragment_protocol;
        whole.upper = datagram;
        whole.upper_claimed = static_cast<std::uint32_t>(datagram.size());
    }
    whole.fragment = false;
    whole.first_fragment = false;
    switch (whole.status) {
    case IpStatus::truncated: set_class(out, PacketClass::truncated, Layer::ip); return;
    case IpStatus::malformed: set_class(out, PacketClass::malformed); return;
    case IpStatus::ok: break;
    }
    if (whole.fragment) {  // a Fragment header inside the fragmentable part: not opened again
        set_class(out, PacketClass::ip_fragment);
        return;
    }
    out.ip_protocol = whole.protocol;
    decode_ip_payload(whole, walk);
}

// Every IP header, outermost or inside any tunnel, goes through here.
void decode_ip(const IpResult& ip, Walk& walk) noexcept {
    DecodedPacket& out = walk.out;
    copy_ip(ip, out);
    switch (ip.status) {
    case IpStatus::truncated: set_class(out, PacketClass::truncated, Layer::ip); return;
    case IpStatus::malformed: set_class(out, PacketClass::malformed); return;
    case IpStatus::ok: break;
    }
    if (ip.fragment) {
        decode_fragment(ip, walk);
        return;
    }
    if (ip.protocol == k_ip_proto_tcp) {
        decode_tcp_layer(ip, out);
        return;
    }
    decode_ip_payload(ip, walk);
}

void decode_ipv4_span(Span packet, Walk& walk) noexcept { decode_ip(decode_ipv4(packet.bytes, packet.reported), walk); }
void decode_ipv6_span(Span packet, Walk& walk) noexcept { decode_ip(decode_ipv6(packet.bytes, packet.reported), walk); }

// An IP packet with no protocol field in front of it: its version nibble decides.
void decode_ip_version(Span packet, Walk& walk) noexcept {
    if (packet.bytes.empty()) {
        set_class(walk.out, PacketClass::truncated, Layer::ip);
    } else if ((std::to_integer<unsigned>(packet.bytes[0]) >> 4U) == 6) {
        decode_ipv6_span(packet, walk);
    } else {
        decode_ipv4_span(packet, walk);  // version != 4 -> malformed
    }
}

// What a link header names its payload: IP, a label stack, a PPPoE session, or something else.
void decode_network(const LinkResult& link, Span frame, Walk& walk) noexcept {
    DecodedPacket& out = walk.out;
    const Span payload = frame.tail(link.payload);
    switch (link.network) {
    case Network::ipv4: decode_ipv4_span(payload, walk); return;
    case Network::ipv6: decode_ipv6_span(payload, walk); return;
    case Network::raw_ip: decode_ip_version(payload, walk); return;
    case Network::other: decode_ethertype(link.ethertype, payload, walk); return;
    case Network::truncated:
        set_class(out, PacketClass::truncated, Layer::link);
        if (walk.depth > 0) {
            out.undecoded = Undecoded::tunnel_truncated;
        }
        return;
    case Network::unsupported:
        // The capture layer refuses these; if one arrives anyway it carries no IP we know.
        set_class(out, PacketClass::non_ip);
        return;
    }
}

// The ethertypes that name an encapsulation rather than a network protocol.
void decode_ethertype(std::uint16_t type, Span payload, Walk& walk) noexcept {
    switch (type) {
    case ethertype::ipv4: decode_ipv4_span(payload, walk); return;
    case ethertype::ipv6: decode_ipv6_span(payload, walk); return;
    case ethertype::mpls_unicast:
    case ethertype::mpls_multicast: {
        const Inner inner = decode_mpls(payload.bytes);
        if (enter_tunnel(walk, layer_of(inner, TunnelKind::mpls))) {
            decode_inner(inner, payload, walk);
        }
        return;
    }
    case ethertype::pppoe_session: {
        const Inner inner = decode_pppoe_session(payload.bytes);
        if (enter_tunnel(walk, layer_of(inner, TunnelKind::pppoe))) {
            decode_inner(inner, payload, walk);
        }
        return;
    }
    default:
        set_class(walk.out, PacketClass::non_ip);
        if (walk.depth > 0) {
            walk.out.undecoded = Undecoded::tunnel_protocol;
        }
        return;
    }
}

// The packet a tunnel header led to, decoded as the next layer of the walk.
void decode_inner(const Inner& inner, const Span& outer, Walk& walk) noexcept {
    DecodedPacket& out = walk.out;
    const Span payload = outer.tail(inner.payload.empty() ? outer.bytes.last(0) : inner.payload);
    switch (inner.kind) {
    case InnerKind::ethernet: decode_network(decode_link(DLT_EN10MB, payload.bytes), payload, walk); return;
    case InnerKind::ethertype: decode_ethertype(inner.ethertype, payload, walk); return;
    case InnerKind::ip: decode_ip_version(payload, walk); return;
    case InnerKind::wifi: decode_network(decode_link(DLT_IEEE802_11, payload.bytes), payload, walk); return;
    case InnerKind::other: stop_undecoded(out, PacketClass::other_ip, Undecoded::tunnel_protocol); return;
    case InnerKind::truncated:
        stop_undecoded(out, PacketClass::truncated, Undecoded::tunnel_truncated, Layer::ip);
        return;
    case InnerKind::malformed: stop_undecoded(out, PacketClass::malformed, Undecoded::tunnel_malformed); return;
    }
}

}  // namespace

bool is_supported_link_type(int link_type) noexcept {
    // One list of link types, in decode_link's switch: anything it does not call unsupported.
    return decode_link(link_type, Bytes{}).network != Network::unsupported;
}

void decode_frame(int link_type, Bytes captured, std::uint32_t wire_len, DecodedPacket& out, Encapsulation* layers,
                  IpReassembler* reassembler) {
    const std::uint64_t frame = out.frame;
    const std::int64_t ts_ns = out.ts_ns;
    // Copied from a constant rather than value-initialised: `DecodedPacket{}` has non-zero
    // defaults (cls) among ~200 bytes, which the compiler builds field by field each packet.
    static constexpr DecodedPacket k_blank{};
    out = k_blank;
    out.frame = frame;
    out.ts_ns = ts_ns;
    out.caplen = static_cast<std::uint32_t>(captured.size());
    out.wire_len = wire_len;
    out.link_type = link_type;

    if (layers != nullptr) {
        layers->depth = 0;
    }
    Walk walk{.out = out, .layers = layers, .reassembler = reassembler};
    const LinkResult link = decode_link(link_type, captured);
    decode_network(link, Span{captured, std::max(wire_len, static_cast<std::uint32_t>(captured.size()))}, walk);
}

}  // namespace tcpvet::decode
