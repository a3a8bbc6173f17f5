// Frame layout for tcpvet_gen: link header, IPv4/IPv6 header, TCP header, options, pattern payload.
#include "frame_builder.hpp"

#include <algorithm>
#include <cstring>

namespace tcpvet::gen {
namespace {

constexpr std::size_t k_pattern_period = 65536;
constexpr std::uint16_t k_ethertype_ipv4 = 0x0800;
constexpr std::uint16_t k_ethertype_ipv6 = 0x86DD;
constexpr std::uint16_t k_ethertype_vlan = 0x8100;        // IEEE 802.1Q
constexpr std::uint16_t k_ethertype_qinq = 0x88A8;        // IEEE 802.1ad service tag
constexpr std::uint16_t k_ethertype_pbb = 0x88E7;         // IEEE 802.1ah backbone service instance tag
constexpr std::uint16_t k_ethertype_vntag = 0x8926;       // Cisco VN-Tag
constexpr std::uint16_t k_ethertype_etag = 0x893F;        // IEEE 802.1BR E-Tag
constexpr std::uint16_t k_ethertype_fabricpath = 0x8903;  // Cisco FabricPath FP tag
constexpr std::uint8_t k_ip_proto_tcp = 6;
constexpr std::size_t k_min_ethernet_frame = 60;  // without FCS
constexpr std::size_t k_fcs = 4;

void put16_le(std::uint8_t* p, std::uint16_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v & 0xFF);
    p[1] = static_cast<std::uint8_t>(v >> 8);
}

// RFC 1042 LLC/SNAP: DSAP, SSAP, UI control, OUI 00-00-00, then the ethertype. 8 bytes.
std::size_t put_snap(std::uint8_t* p, std::uint16_t ethertype) noexcept {
    p[0] = 0xAA;
    p[1] = 0xAA;
    p[2] = 0x03;
    p[3] = p[4] = p[5] = 0;
    p[6] = static_cast<std::uint8_t>(ethertype >> 8);
    p[7] = static_cast<std::uint8_t>(ethertype & 0xFF);
    return 8;
}

// IEEE 802.11 QoS data frame (from DS: BSSID = router, source = the other host), then LLC/SNAP. 34 bytes.
std::size_t put_wifi(std::uint8_t* p, const std::array<std::uint8_t, 6>& dst, const std::array<std::uint8_t, 6>& src,
                     std::uint16_t ethertype) noexcept {
    p[0] = 0x88;  // type data, subtype QoS data
    p[1] = 0x02;  // from DS
    p[2] = 0x2C;  // duration
    p[3] = 0x00;
    std::copy(dst.begin(), dst.end(), p + 4);
    std::copy(src.begin(), src.end(), p + 10);  // BSSID
    std::copy(src.begin(), src.end(), p + 16);  // source address
    p[22] = 0x10;                               // sequence control
    p[23] = 0x00;
    p[24] = 0x00;  // QoS control: TID 0
    p[25] = 0x00;
    return 26 + put_snap(p + 26, ethertype);
}

// Locally administered MACs: 02:00:00:00:00:01 is the client host (the capture point), :02 its router.
constexpr std::array<std::uint8_t, 6> k_client_mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
constexpr std::array<std::uint8_t, 6> k_server_mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

// Payload bytes are text so that a hex dump of a capture is readable; byte k of the sequence space
// is always the same, so a retransmission carries the same bytes as the original.
const std::vector<std::uint8_t>& payload_pattern() {
    static const std::vector<std::uint8_t> pattern = [] {
        static constexpr char k_text[] = "tcpvet_gen: the quick brown fox jumps over the lazy dog 0123456789\n";
        constexpr std::size_t text_len = sizeof(k_text) - 1;
        std::vector<std::uint8_t> out(k_pattern_period + FrameBuilder::k_max_payload);
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = static_cast<std::uint8_t>(k_text[(i % k_pattern_period) % text_len]);
        }
        return out;
    }();
    return pattern;
}

void put16(std::uint8_t* p, std::uint16_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v & 0xFF);
}

void put32(std::uint8_t* p, std::uint32_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>((v >> 16) & 0xFF);
    p[2] = static_cast<std::uint8_t>((v >> 8) & 0xFF);
    p[3] = static_cast<std::uint8_t>(v & 0xFF);
}

void put32_le(std::uint8_t* p, std::uint32_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v & 0xFF);
    p[1] = static_cast<std::uint8_t>((v >> 8) & 0xFF);
    p[2] = static_cast<std::uint8_t>((v >> 16) & 0xFF);
    p[3] = static_cast<std::uint8_t>(v >> 24);
}

// RFC 1071 one's complement sum of big-endian 16-bit words, not yet folded.
std::uint64_t sum16(const std::uint8_t* p, std::size_t n, std::uint64_t acc) noexcept {
    std::size_t i = 0;
    for (; i + 1 < n; i += 2) {
        acc += static_cast<std::uint64_t>((static_cast<std::uint32_t>(p[i]) << 8) | p[i + 1]);
    }
    if (i < n) {
        acc += static_cast<std::uint64_t>(static_cast<std::uint32_t>(p[i]) << 8);
    }
    return acc;
}

std::uint16_t fold(std::uint64_t acc) noexcept {
    while ((acc >> 16) != 0) {
        acc = (acc & 0xFFFF) + (acc >> 16);
    }
    return static_cast<std::uint16_t>(~acc & 0xFFFF);
}

}  // namespace

std::uint16_t link_type_value(LinkKind kind) noexcept {
    switch (kind) {
    case LinkKind::en10mb:
    case LinkKind::vlan:
    case LinkKind::qinq:
    case LinkKind::pbb:
    case LinkKind::vntag:
    case LinkKind::etag:
    case LinkKind::fabricpath: return 1;  // LINKTYPE_ETHERNET
    case LinkKind::sll: return 113;       // LINKTYPE_LINUX_SLL
    case LinkKind::sll2: return 276;      // LINKTYPE_LINUX_SLL2
    case LinkKind::raw: return 101;       // LINKTYPE_RAW (DLT_RAW is 12 or 14 depending on the OS; files use 101)
    case LinkKind::null: return 0;        // LINKTYPE_NULL: 4-byte address family in the writer's byte order
    case LinkKind::loop: return 108;      // LINKTYPE_LOOP: 4-byte address family, network byte order (OpenBSD)
    case LinkKind::snap: return 1;        // IEEE 802.3 with an LLC/SNAP header, on LINKTYPE_ETHERNET
    case LinkKind::ppp: return 9;         // LINKTYPE_PPP
    case LinkKind::chdlc: return 104;     // LINKTYPE_C_HDLC
    case LinkKind::frelay: return 107;    // LINKTYPE_FRELAY
    case LinkKind::fddi: return 10;       // LINKTYPE_FDDI
    case LinkKind::wifi: return 105;      // LINKTYPE_IEEE802_11
    case LinkKind::radiotap: return 127;  // LINKTYPE_IEEE802_11_RADIOTAP
    case LinkKind::ppi: return 192;       // LINKTYPE_PPI
    case LinkKind::nflog: return 239;     // LINKTYPE_NFLOG
    case LinkKind::pflog: return 117;     // LINKTYPE_PFLOG
    case LinkKind::ipoib: return 242;     // LINKTYPE_IPOIB
    case LinkKind::arcnet: return 129;    // LINKTYPE_ARCNET_LINUX
    case LinkKind::juniper: return 178;   // LINKTYPE_JUNIPER_ETHER
    }
    return 1;
}

Address ipv4(std::uint32_t value) noexcept {
    Address a;
    put32(a.bytes.data(), value);
    return a;
}

Address ipv6_twin(const Address& v4) noexcept {
    Address a;
    a.v6 = true;
    a.bytes[0] = 0x20;
    a.bytes[1] = 0x01;
    a.bytes[2] = 0x0d;
    a.bytes[3] = 0xb8;
    std::copy_n(v4.bytes.begin(), 4, a.bytes.begin() + 12);
    return a;
}

TcpOptionBytes syn_options() noexcept {
    TcpOptionBytes o;
    constexpr std::array<std::uint8_t, 12> k_bytes{2, 4, 0x05, 0xB4,  // MSS 1460
                                                   1, 1, 4,    2,     // NOP NOP SACK-permitted
                                                   1, 3, 3,    7};    // NOP window scale 7
    std::copy(k_bytes.begin(), k_bytes.end(), o.bytes.begin());
    o.length = static_cast<std::uint8_t>(k_bytes.size());
    return o;
}

TcpOptionBytes sack_option(std::uint32_t left, std::uint32_t right) noexcept {
    TcpOptionBytes o;
    o.bytes[0] = 1;
    o.bytes[1] = 1;
    o.bytes[2] = 5;   // SACK
    o.bytes[3] = 10;  // kind + length + one block
    put32(o.bytes.data() + 4, left);
    put32(o.bytes.data() + 8, right);
    o.length = 12;
    return o;
}

FrameBuilder::FrameBuilder(LinkKind kind) : m_kind(kind), m_buffer(64 + 40 + 60 + k_max_payload + 64, 0) {
    (void)payload_pattern();  // build the pattern once, before the hot loop
}

std::size_t FrameBuilder::write_link(const Segment& seg) noexcept {
    std::uint8_t* p = m_buffer.data();
    const std::uint16_t ethertype = seg.src.v6 ? k_ethertype_ipv6 : k_ethertype_ipv4;
    const auto& src_mac = seg.outgoing ? k_client_mac : k_server_mac;
    const auto& dst_mac = seg.outgoing ? k_server_mac : k_client_mac;

    switch (m_kind) {
    case LinkKind::en10mb:
    case LinkKind::vlan:
    case LinkKind::qinq: {
        std::copy(dst_mac.begin(), dst_mac.end(), p);
        std::copy(src_mac.begin(), src_mac.end(), p + 6);
        std::size_t off = 12;
        if (m_kind == LinkKind::qinq) {
            put16(p + off, k_ethertype_qinq);
            put16(p + off + 2, 200);  // S-VID 200
            off += 4;
        }
        if (m_kind == LinkKind::vlan || m_kind == LinkKind::qinq) {
            put16(p + off, k_ethertype_vlan);
            put16(p + off + 2, 100);  // C-VID 100, PCP 0
            off += 4;
        }
        put16(p + off, ethertype);
        return off + 2;
    }
    case LinkKind::pbb:
    case LinkKind::fabricpath: {
        // Backbone (or FabricPath outer) MACs, the tag, then the customer frame's own MACs.
        std::copy(dst_mac.begin(), dst_mac.end(), p);
        std::copy(src_mac.begin(), src_mac.end(), p + 6);
        std::size_t off = 12;
        if (m_kind == LinkKind::pbb) {
            put16(p + off, k_ethertype_pbb);
            put16(p + off + 2, 0x0000);  // I-PCP 0, I-DEI 0, UCA 0, I-SID high byte 0
            put16(p + off + 4, 0x1234);  // I-SID 0x001234
            off += 6;
        } else {
            put16(p + off, k_ethertype_fabricpath);
            put16(p + off + 2, 0x043F);  // FTAG 1, TTL 63
            off += 4;
        }
        std::copy(dst_mac.begin(), dst_mac.end(), p + off);
        std::copy(src_mac.begin(), src_mac.end(), p + off + 6);
        put16(p + off + 12, ethertype);
        return off + 14;
    }
    case LinkKind::vntag:
    case LinkKind::etag: {
        std::copy(dst_mac.begin(), dst_mac.end(), p);
        std::copy(src_mac.begin(), src_mac.end(), p + 6);
        std::size_t off = 12;
        if (m_kind == LinkKind::vntag) {
            put16(p + off, k_ethertype_vntag);
            put16(p + off + 2, 0x8005);  // direction 1, pointer 0, destination VIF 5
            put16(p + off + 4, 0x0007);  // source VIF 7
            off += 6;
        } else {
            put16(p + off, k_ethertype_etag);
            put16(p + off + 2, 0x0000);  // E-PCP 0, DEI 0, ingress E-CID base 0
            put16(p + off + 4, 0x1005);  // GRP 1, E-CID base 5
            put16(p + off + 6, 0x0000);  // extensions
            off += 8;
        }
        put16(p + off, ethertype);
        return off + 2;
    }
    case LinkKind::sll: {
        // https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
        put16(p, seg.outgoing ? 4 : 0);  // PACKET_OUTGOING / PACKET_HOST
        put16(p + 2, 1);                 // ARPHRD_ETHER
        put16(p + 4, 6);
        std::copy(src_mac.begin(), src_mac.end(), p + 6);
        p[12] = 0;
        p[13] = 0;
        put16(p + 14, ethertype);
        return 16;
    }
    case LinkKind::sll2: {
        // https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
        put16(p, ethertype);
        put16(p + 2, 0);
        put32(p + 4, 2);  // interface index
        put16(p + 8, 1);  // ARPHRD_ETHER
        p[10] = seg.outgoing ? 4 : 0;
        p[11] = 6;
        std::copy(src_mac.begin(), src_mac.end(), p + 12);
        p[18] = 0;
        p[19] = 0;
        return 20;
    }
    case LinkKind::raw: return 0;
    case LinkKind::null:
        // Little-endian host order, as a little-endian BSD/macOS writer leaves it; AF_INET6 is 30 on macOS.
        put32_le(p, seg.src.v6 ? 30U : 2U);
        return 4;
    case LinkKind::loop:
        put32(p, seg.src.v6 ? 24U : 2U);  // OpenBSD AF_INET6 is 24
        return 4;
    case LinkKind::snap:
        // IEEE 802.3: the length field (patched in build()) instead of an ethertype, then LLC/SNAP.
        std::copy(dst_mac.begin(), dst_mac.end(), p);
        std::copy(src_mac.begin(), src_mac.end(), p + 6);
        return 14 + put_snap(p + 14, ethertype);
    case LinkKind::ppp:
        // RFC 1662 framing: all-stations address, UI control, then the PPP protocol (IPv4 0x0021, IPv6 0x0057).
        p[0] = 0xFF;
        p[1] = 0x03;
        put16(p + 2, seg.src.v6 ? 0x0057 : 0x0021);
        return 4;
    case LinkKind::chdlc:
        p[0] = 0x0F;  // unicast
        p[1] = 0x00;
        put16(p + 2, ethertype);
        return 4;
    case LinkKind::frelay:
        // RFC 2427: Q.922 address of DLCI 100 (EA set on its second byte), UI control, NLPID.
        p[0] = 0x18;
        p[1] = 0x41;
        p[2] = 0x03;
        p[3] = seg.src.v6 ? 0x8E : 0xCC;
        return 4;
    case LinkKind::fddi:
        p[0] = 0x50;  // frame control: LLC, asynchronous, priority 0
        std::copy(dst_mac.begin(), dst_mac.end(), p + 1);
        std::copy(src_mac.begin(), src_mac.end(), p + 7);
        return 13 + put_snap(p + 13, ethertype);
    case LinkKind::wifi: return put_wifi(p, dst_mac, src_mac, ethertype);
    case LinkKind::radiotap:
        // radiotap.org: version 0, pad, length 12 (LE), present = Flags | Rate, flags 0, rate 2 (1 Mb/s), pad 2.
        std::fill(p, p + 12, std::uint8_t{0});
        put16_le(p + 2, 12);
        p[4] = 0x06;
        p[9] = 0x02;
        return 12 + put_wifi(p + 12, dst_mac, src_mac, ethertype);
    case LinkKind::ppi:
        // PPI 1.0: version 0, flags 0, header length 8 (LE), DLT 105 (LE), no fields.
        std::fill(p, p + 8, std::uint8_t{0});
        put16_le(p + 2, 8);
        p[4] = 105;
        return 8 + put_wifi(p + 8, dst_mac, src_mac, ethertype);
    case LinkKind::nflog:
        // LINKTYPE_NFLOG: family, version 0, resource id 42; NFULA_PACKET_HDR (hw protocol, hook 1),
        // NFULA_PREFIX "gen", then NFULA_PAYLOAD whose length build() patches. TLV headers are in the
        // writer's byte order; files written on little-endian Linux hold little-endian ones.
        std::fill(p, p + 24, std::uint8_t{0});
        p[0] = seg.src.v6 ? 10 : 2;
        put16(p + 2, 42);
        put16_le(p + 4, 8);
        put16_le(p + 6, 1);
        put16(p + 8, ethertype);
        p[10] = 1;
        put16_le(p + 12, 8);
        put16_le(p + 14, 10);
        p[16] = 'g';
        p[17] = 'e';
        p[18] = 'n';
        put16_le(p + 22, 9);
        return 24;
    case LinkKind::pflog:
        // OpenBSD pfloghdr: length 61 (rounded up to 64), AF, action pass, ifname "em0", the rest zero.
        std::fill(p, p + 64, std::uint8_t{0});
        p[0] = 61;
        p[1] = seg.src.v6 ? 24 : 2;
        p[4] = 'e';
        p[5] = 'm';
        p[6] = '0';
        p[60] = seg.outgoing ? 2 : 1;  // direction out / in
        return 64;
    case LinkKind::ipoib:
        // As Linux captures IPoIB: 20-byte destination and source hardware addresses, ethertype, reserved.
        std::fill(p, p + 44, std::uint8_t{0});
        p[19] = dst_mac[5];
        p[20] = 0x80;
        p[39] = src_mac[5];
        put16(p + 40, ethertype);
        return 44;
    case LinkKind::arcnet:
        // ARCNET_LINUX, RFC 1201: source, destination, offset, protocol (IP 212, IPv6 0xC4), split 0, sequence.
        p[0] = src_mac[5];
        p[1] = dst_mac[5];
        p[2] = 0;
        p[3] = 0;
        p[4] = seg.src.v6 ? 0xC4 : 212;
        p[5] = 0;
        put16(p + 6, static_cast<std::uint16_t>(seg.ip_id));
        return 8;
    case LinkKind::juniper:
        // Juniper: "MGC", flags (extension TLVs present; bit 0 = inbound), 4 bytes of TLVs, then Ethernet.
        p[0] = 0x4D;
        p[1] = 0x47;
        p[2] = 0x43;
        p[3] = seg.outgoing ? 0x80 : 0x81;
        put16(p + 4, 4);
        p[6] = 0x01;  // TLV: interface index, length 2
        p[7] = 0x02;
        put16(p + 8, 7);
        std::copy(dst_mac.begin(), dst_mac.end(), p + 10);
        std::copy(src_mac.begin(), src_mac.end(), p + 16);
        put16(p + 22, ethertype);
        return 24;
    }
    return 0;
}

std::span<const std::uint8_t> FrameBuilder::build(const Segment& seg) noexcept {
    const std::uint32_t payload_len = std::min(seg.payload_len, k_max_payload);
    const std::size_t link_len = write_link(seg);
    std::uint8_t* ip = m_buffer.data() + link_len;
    const std::size_t ip_len = seg.src.v6 ? 40 : 20;
    const std::size_t tcp_len = 20 + seg.options.length;
    std::uint8_t* tcp = ip + ip_len;
    const std::size_t segment_len = tcp_len + payload_len;

    if (seg.src.v6) {
        put32(ip, 0x60000000);  // version 6, traffic class 0, flow label 0
        put16(ip + 4, static_cast<std::uint16_t>(segment_len));
        ip[6] = k_ip_proto_tcp;
        ip[7] = 64;  // hop limit
        std::copy_n(seg.src.bytes.begin(), 16, ip + 8);
        std::copy_n(seg.dst.bytes.begin(), 16, ip + 24);
    } else {
        ip[0] = 0x45;
        ip[1] = 0;
        put16(ip + 2, static_cast<std::uint16_t>(ip_len + segment_len));
        put16(ip + 4, seg.ip_id);
        put16(ip + 6, 0x4000);  // DF
        ip[8] = 64;             // TTL
        ip[9] = k_ip_proto_tcp;
        put16(ip + 10, 0);
        std::copy_n(seg.src.bytes.begin(), 4, ip + 12);
        std::copy_n(seg.dst.bytes.begin(), 4, ip + 16);
        put16(ip + 10, fold(sum16(ip, 20, 0)));
    }

    put16(tcp, seg.src_port);
    put16(tcp + 2, seg.dst_port);
    put32(tcp + 4, seg.seq);
    put32(tcp + 8, seg.ack);
    tcp[12] = static_cast<std::uint8_t>(((tcp_len / 4) << 4) | ((seg.flags >> 8) & 0x1));
    tcp[13] = static_cast<std::uint8_t>(seg.flags & 0xFF);
    put16(tcp + 14, seg.window);
    put16(tcp + 16, 0);
    put16(tcp + 18, seg.urgent);
    std::copy_n(seg.options.bytes.begin(), seg.options.length, tcp + 20);
    const std::uint8_t* pattern = payload_pattern().data() + (seg.seq % k_pattern_period);
    std::memcpy(tcp + tcp_len, pattern, payload_len);

    // Pseudo-header: RFC 9293 §3.1 (IPv4), RFC 8200 §8.1 (IPv6).
    std::uint64_t acc = 0;
    if (seg.src.v6) {
        acc = sum16(ip + 8, 32, acc);
    } else {
        acc = sum16(ip + 12, 8, acc);
    }
    acc += k_ip_proto_tcp;
    acc += segment_len;
    acc = sum16(tcp, segment_len, acc);
    put16(tcp + 16, fold(acc));

    std::size_t frame_len = link_len + ip_len + segment_len;
    // Link headers that hold the length of what follows them.
    if (m_kind == LinkKind::snap) {
        put16(m_buffer.data() + 12, static_cast<std::uint16_t>(frame_len - 14));
    } else if (m_kind == LinkKind::nflog) {
        put16_le(m_buffer.data() + 20, static_cast<std::uint16_t>(4 + ip_len + segment_len));
    }
    const bool ethernet = m_kind == LinkKind::en10mb || m_kind == LinkKind::vlan || m_kind == LinkKind::qinq ||
                          m_kind == LinkKind::pbb || m_kind == LinkKind::vntag || m_kind == LinkKind::etag ||
                          m_kind == LinkKind::fabricpath;
    if (ethernet && !seg.outgoing && frame_len < k_min_ethernet_frame) {
        // Frames that arrived over Ethernet carry padding up to the 60-byte minimum; a decoder
        // must trim the payload to the IP length (tcpdump/Wireshark show it as a trailer).
        std::fill(m_buffer.data() + frame_len, m_buffer.data() + k_min_ethernet_frame, std::uint8_t{0});
        frame_len = k_min_ethernet_frame;
    }
    if (m_kind == LinkKind::fabricpath) {
        // FabricPath frames keep their FCS, and Wireshark's cfp dissector takes the last 4 bytes
        // for it (unchecked by default, so it is left zero here).
        std::fill_n(m_buffer.data() + frame_len, k_fcs, std::uint8_t{0});
        frame_len += k_fcs;
    }
    return {m_buffer.data(), frame_len};
}

}  // namespace tcpvet::gen
