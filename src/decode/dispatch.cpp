// The one dispatch switch: link -> IPv4/IPv6 -> TCP, classifying every frame exactly once.
#include "tcpvet/decode/dispatch.hpp"

#include <algorithm>
#include <cstddef>

#include "tcpvet/decode/checksum.hpp"
#include "tcpvet/decode/ipv4.hpp"
#include "tcpvet/decode/ipv6.hpp"
#include "tcpvet/decode/link.hpp"
#include "tcpvet/decode/tcp.hpp"

namespace tcpvet::decode {

namespace {

constexpr std::uint8_t k_ip_proto_icmp = 1;
constexpr std::uint8_t k_ip_proto_tcp = 6;
constexpr std::uint8_t k_ip_proto_udp = 17;
constexpr std::uint8_t k_ip_proto_icmpv6 = 58;

void set_class(DecodedPacket& out, PacketClass cls, Layer truncated_at = Layer::none) noexcept {
    out.cls = cls;
    out.truncated_at = truncated_at;
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
        case TcpStatus::ok:
            break;
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

void decode_ip(const IpResult& ip, DecodedPacket& out) noexcept {
    copy_ip(ip, out);
    switch (ip.status) {
        case IpStatus::truncated:
            set_class(out, PacketClass::truncated, Layer::ip);
            return;
        case IpStatus::malformed:
            set_class(out, PacketClass::malformed);
            return;
        case IpStatus::ok:
            break;
    }
    if (ip.fragment && !ip.first_fragment) {
        set_class(out, PacketClass::ip_fragment);
        return;
    }
    if (ip.protocol == k_ip_proto_tcp) {
        decode_tcp_layer(ip, out);
        return;
    }
    if (ip.fragment) {
        set_class(out, PacketClass::ip_fragment);  // first fragment of a non-TCP datagram
    } else if (ip.protocol == k_ip_proto_udp) {
        set_class(out, PacketClass::udp);
    } else if (ip.protocol == k_ip_proto_icmp || ip.protocol == k_ip_proto_icmpv6) {
        set_class(out, PacketClass::icmp);
    } else {
        set_class(out, PacketClass::other_ip);
    }
}

}  // namespace

bool is_supported_link_type(int link_type) noexcept {
    // One list of link types, in decode_link's switch: anything it does not call unsupported.
    return decode_link(link_type, Bytes{}).network != Network::unsupported;
}

void decode_frame(int link_type, Bytes captured, std::uint32_t wire_len, DecodedPacket& out) noexcept {
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

    const LinkResult link = decode_link(link_type, captured);
    // The IP packet's length on the wire: the frame's wire length minus the link header.
    const std::size_t link_header = captured.size() - link.payload.size();
    const auto ip_reported = static_cast<std::uint32_t>(
        std::max<std::size_t>(wire_len > link_header ? wire_len - link_header : 0, link.payload.size()));

    switch (link.network) {
        case Network::ipv4:
            decode_ip(decode_ipv4(link.payload, ip_reported), out);
            return;
        case Network::ipv6:
            decode_ip(decode_ipv6(link.payload, ip_reported), out);
            return;
        case Network::raw_ip:
            if (link.payload.empty()) {
                set_class(out, PacketClass::truncated, Layer::ip);
            } else if ((std::to_integer<unsigned>(link.payload[0]) >> 4U) == 6) {
                decode_ip(decode_ipv6(link.payload, ip_reported), out);
            } else {
                decode_ip(decode_ipv4(link.payload, ip_reported), out);  // version != 4 -> malformed
            }
            return;
        case Network::other:
            set_class(out, PacketClass::non_ip);
            return;
        case Network::truncated:
            set_class(out, PacketClass::truncated, Layer::link);
            return;
        case Network::unsupported:
            // The capture layer refuses these; if one arrives anyway it carries no IP we know.
            set_class(out, PacketClass::non_ip);
            return;
    }
}

}  // namespace tcpvet::decode
