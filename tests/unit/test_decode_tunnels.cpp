// Tunnels and overlays: one TCP segment inside each encapsulation (test_tunnel_frames.hpp, every
// frame checked with tshark but the pseudowire one), decoded whole and under every prefix.
#include <doctest/doctest.h>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "tcpvet/byte_reader.hpp"
#include "tcpvet/capture/capture_stats.hpp"
#include "tcpvet/decode/tunnel.hpp"
#include "test_decode_support.hpp"
#include "test_tunnel_frames.hpp"

using namespace tcpvet;
using namespace tcpvet::test_support;
namespace frames = tcpvet::test_frames;

namespace {

struct TunnelCase {
    const char* name;
    std::span<const std::uint8_t> frame;
    unsigned depth;
    bool inner_v6;
};

// The inner segments: v4_ipopts (PSH/ACK 40000 -> 80, seq 1000, "hello") or real_v6_syn.
void check_inner(const DecodedPacket& p, const TunnelCase& c) {
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.tunnel_depth == c.depth);
    CHECK(p.undecoded == Undecoded::none);
    CHECK(p.tcp_checksum == ChecksumResult::ok);
    if (c.inner_v6) {
        CHECK(p.ip_version == 6);
        CHECK(p.tcp.src_port == 54374);
        CHECK(p.tcp.dst_port == 9);
        CHECK(p.tcp.seq == 0x36de25efU);
        CHECK(p.payload_len == 0);
    } else {
        CHECK(p.ip_version == 4);
        CHECK(p.src.bytes[0] == 192);  // 192.0.2.1, not the tunnel's 10.0.0.1
        CHECK(p.tcp.src_port == 40000);
        CHECK(p.tcp.dst_port == 80);
        CHECK(p.tcp.seq == 1000);
        CHECK(p.tcp.ack == 2000);
        CHECK(p.payload_len == 5);
        CHECK(p.ip_checksum == ChecksumResult::ok);
    }
}

const std::vector<TunnelCase>& cases() {
    static const std::vector<TunnelCase> all{
        {"gre_ipv4", frames::tunnel_gre_ipv4, 1, false}, {"gre_teb", frames::tunnel_gre_teb, 1, false},
        {"erspan_2", frames::tunnel_erspan_2, 1, false}, {"erspan_3", frames::tunnel_erspan_3, 1, false},
        {"vxlan", frames::tunnel_vxlan, 1, false},       {"geneve", frames::tunnel_geneve, 1, false},
        {"gtp_u", frames::tunnel_gtp_u, 1, false},       {"mpls", frames::tunnel_mpls, 1, false},
        {"mpls_pw", frames::tunnel_mpls_pw, 1, false},   {"pppoe", frames::tunnel_pppoe, 1, false},
        {"ipip", frames::tunnel_ipip, 1, false},         {"ip6in4", frames::tunnel_ip6in4, 1, true},
        {"ip4in6", frames::tunnel_ip4in6, 1, false},     {"ip6in6", frames::tunnel_ip6in6, 1, true},
        {"teredo", frames::tunnel_teredo, 1, true},      {"nested", frames::tunnel_nested, 3, false},
    };
    return all;
}

}  // namespace

TEST_CASE("every encapsulation is opened to the innermost TCP segment") {
    for (const TunnelCase& c : cases()) {
        CAPTURE(std::string{c.name});
        check_inner(decode_ethernet(c.frame), c);
    }
}

TEST_CASE("every prefix of every tunnelled frame decodes without reading past it") {
    for (const TunnelCase& c : cases()) {
        CAPTURE(std::string{c.name});
        const OwnedPacket whole = decode_ethernet(c.frame);
        REQUIRE(whole.cls == PacketClass::tcp);
        const std::size_t tcp_header_end = c.frame.size() - whole.payload_len;
        for (std::size_t n = 0; n < c.frame.size(); ++n) {
            CAPTURE(n);
            const OwnedPacket cut = decode_bytes(DLT_EN10MB, c.frame, n, c.frame.size());
            if (n < tcp_header_end) {
                // Cut before the end of the TCP header (options included): never a whole segment.
                CHECK((cut.cls != PacketClass::tcp || cut.truncated_at != Layer::none));
            } else {
                REQUIRE(cut.cls == PacketClass::tcp);
                CHECK(cut.tcp.seq == whole.tcp.seq);
                CHECK(cut.payload_len == whole.payload_len);  // tshark's tcp.len: as the IP header claims
                CHECK(cut.payload_captured == n - tcp_header_end);
            }
        }
    }
}

TEST_CASE("a frame cut inside a tunnel header is truncated, and counted as such") {
    // VXLAN: 14 Ethernet + 20 IPv4 + 8 UDP, then 4 of the 8 VXLAN bytes.
    const OwnedPacket cut = decode_bytes(DLT_EN10MB, frames::tunnel_vxlan, 46, frames::tunnel_vxlan.size());
    CHECK(cut.cls == PacketClass::truncated);
    CHECK(cut.undecoded == Undecoded::tunnel_truncated);
    capture::CaptureStats stats;
    stats.count(cut);
    CHECK(stats.undecoded_total() == 1);
    CHECK(stats.undecoded[static_cast<std::size_t>(Undecoded::tunnel_truncated)] == 1);
    CHECK(std::string{capture::undecoded_name(Undecoded::tunnel_truncated)} == "tunnel_truncated");
}

TEST_CASE("UDP on a tunnel port that does not hold the tunnel stays UDP") {
    std::vector<std::uint8_t> frame(frames::tunnel_vxlan.begin(), frames::tunnel_vxlan.end());
    frame[42] = 0x00;  // VXLAN flags without the I bit (RFC 7348 requires it)
    const OwnedPacket p = decode_ethernet(frame);
    CHECK(p.cls == PacketClass::udp);
    CHECK(p.tunnel_depth == 0);
    CHECK(p.undecoded == Undecoded::none);
}

TEST_CASE("ESP is counted as encrypted, IPComp as compressed") {
    std::vector<std::uint8_t> frame(frames::tunnel_ipip.begin(), frames::tunnel_ipip.end());
    frame[23] = 50;  // the outer IPv4 protocol: ESP
    OwnedPacket p = decode_ethernet(frame);
    CHECK(p.cls == PacketClass::other_ip);
    CHECK(p.undecoded == Undecoded::encrypted);
    frame[23] = 108;
    p = decode_ethernet(frame);
    CHECK(p.undecoded == Undecoded::compressed);
}

TEST_CASE("IPv4 AH is walked to the TCP header it protects") {
    // Outer IPv4 protocol 51, then AH (next header 6, length 4 => 24 bytes), then the TCP header.
    std::vector<std::uint8_t> frame(frames::tunnel_ipip.begin(), frames::tunnel_ipip.begin() + 14);
    const std::span<const std::uint8_t> inner{frames::tunnel_ipip.begin() + 34, frames::tunnel_ipip.end()};
    const std::size_t ihl = (inner[0] & 0x0fU) * 4U;  // v4_ipopts carries a Router Alert option
    std::vector<std::uint8_t> ip(inner.begin(), inner.begin() + static_cast<std::ptrdiff_t>(ihl));
    ip[9] = 51;
    const std::vector<std::uint8_t> ah{6, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    const auto total = static_cast<unsigned>(ip.size() + ah.size() + inner.size() - ihl);
    ip[2] = static_cast<std::uint8_t>(total >> 8U);
    ip[3] = static_cast<std::uint8_t>(total & 0xffU);
    frame.insert(frame.end(), ip.begin(), ip.end());
    frame.insert(frame.end(), ah.begin(), ah.end());
    frame.insert(frame.end(), inner.begin() + static_cast<std::ptrdiff_t>(ihl), inner.end());
    const OwnedPacket p = decode_ethernet(frame);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.tcp.seq == 1000);
    CHECK(p.payload_len == 5);
    CHECK(p.tcp_checksum == ChecksumResult::ok);  // the pseudo-header is the outer one's, unchanged
    CHECK(p.tunnel_depth == 0);                   // AH protects, it does not encapsulate
}

TEST_CASE("nesting deeper than the cap stops, counted") {
    // IPv4-in-IPv4 nine times around the inner IPv4 segment.
    std::vector<std::uint8_t> packet(frames::tunnel_ipip.begin() + 34, frames::tunnel_ipip.end());
    for (unsigned level = 0; level <= decode::k_max_encapsulation_depth; ++level) {
        std::vector<std::uint8_t> outer(frames::tunnel_ipip.begin() + 14, frames::tunnel_ipip.begin() + 34);
        const auto total = static_cast<unsigned>(outer.size() + packet.size());
        outer[2] = static_cast<std::uint8_t>(total >> 8U);
        outer[3] = static_cast<std::uint8_t>(total & 0xffU);
        outer[10] = outer[11] = 0;  // header checksum: not needed to decode
        outer.insert(outer.end(), packet.begin(), packet.end());
        packet = std::move(outer);
    }
    std::vector<std::uint8_t> frame(frames::tunnel_ipip.begin(), frames::tunnel_ipip.begin() + 14);
    frame.insert(frame.end(), packet.begin(), packet.end());
    const OwnedPacket p = decode_ethernet(frame);
    CHECK(p.cls == PacketClass::other_ip);
    CHECK(p.undecoded == Undecoded::depth_exceeded);
    CHECK(p.tunnel_depth == decode::k_max_encapsulation_depth);
}

TEST_CASE("GRE: versions above 1 are malformed; unknown protocols are named, not guessed") {
    const std::array<std::byte, 4> version_2{std::byte{0}, std::byte{2}, std::byte{0x08}, std::byte{0}};
    CHECK(decode::decode_gre(version_2).kind == decode::InnerKind::malformed);
    const std::array<std::byte, 4> unknown{std::byte{0}, std::byte{0}, std::byte{0x12}, std::byte{0x34}};
    const decode::Inner inner = decode::decode_gre(unknown);
    CHECK(inner.kind == decode::InnerKind::ethertype);
    CHECK(inner.ethertype == 0x1234);
    const std::array<std::byte, 4> aruba{std::byte{0}, std::byte{0}, std::byte{0x82}, std::byte{0x00}};
    CHECK(decode::decode_gre(aruba).kind == decode::InnerKind::wifi);
}

TEST_CASE("UDP tunnel ports: the destination port decides first") {
    CHECK(decode::udp_tunnel_for(50000, 4789) == decode::UdpTunnel::vxlan);
    CHECK(decode::udp_tunnel_for(50000, 8472) == decode::UdpTunnel::vxlan);
    CHECK(decode::udp_tunnel_for(2152, 6081) == decode::UdpTunnel::geneve);
    CHECK(decode::udp_tunnel_for(3544, 40000) == decode::UdpTunnel::teredo);
    CHECK(decode::udp_tunnel_for(53, 40000) == decode::UdpTunnel::none);
}

namespace {

struct RecordedLayer {
    decode::TunnelKind kind;
    bool has_id;
    std::uint32_t id;
    bool has_outer;
};

struct RecordCase {
    const char* name;
    std::span<const std::uint8_t> frame;
    std::vector<RecordedLayer> layers;  // outermost first
};

}  // namespace

// The identifiers are tshark's: gre.key, erspan.spanid, vxlan.vni, geneve.vni, gtp.teid, the last
// mpls.label, pppoe.session_id of each frame.
TEST_CASE("each opened encapsulation is recorded with its identifier and outer addresses") {
    using decode::TunnelKind;
    const std::vector<RecordCase> all{
        {"gre_ipv4", frames::tunnel_gre_ipv4, {{TunnelKind::gre, true, 7, true}}},
        {"gre_teb", frames::tunnel_gre_teb, {{TunnelKind::gre, true, 42, true}}},
        {"erspan_2", frames::tunnel_erspan_2, {{TunnelKind::erspan, true, 1, true}}},
        {"erspan_3", frames::tunnel_erspan_3, {{TunnelKind::erspan, true, 1, true}}},
        {"vxlan", frames::tunnel_vxlan, {{TunnelKind::vxlan, true, 42, true}}},
        {"geneve", frames::tunnel_geneve, {{TunnelKind::geneve, true, 42, true}}},
        {"gtp_u", frames::tunnel_gtp_u, {{TunnelKind::gtp_u, true, 0x1234, true}}},
        {"mpls", frames::tunnel_mpls, {{TunnelKind::mpls, true, 200, false}}},
        {"mpls_pw", frames::tunnel_mpls_pw, {{TunnelKind::mpls, true, 300, false}}},
        {"pppoe", frames::tunnel_pppoe, {{TunnelKind::pppoe, true, 1, false}}},
        {"ipip", frames::tunnel_ipip, {{TunnelKind::ip_in_ip, false, 0, true}}},
        {"ip6in6", frames::tunnel_ip6in6, {{TunnelKind::ip_in_ip, false, 0, true}}},
        {"teredo", frames::tunnel_teredo, {{TunnelKind::teredo, false, 0, true}}},
        {"nested",
         frames::tunnel_nested,
         {{TunnelKind::mpls, true, 16, false}, {TunnelKind::gre, false, 0, true}, {TunnelKind::vxlan, true, 7, true}}},
    };
    for (const RecordCase& c : all) {
        CAPTURE(std::string{c.name});
        DecodedPacket p;
        decode::Encapsulation layers;
        decode::decode_frame(DLT_EN10MB, std::as_bytes(c.frame), static_cast<std::uint32_t>(c.frame.size()), p,
                             &layers);
        REQUIRE(p.cls == PacketClass::tcp);
        REQUIRE(layers.depth == c.layers.size());
        for (std::size_t i = 0; i < c.layers.size(); ++i) {
            CAPTURE(i);
            CHECK(layers.layers[i].kind == c.layers[i].kind);
            CHECK(layers.layers[i].has_id == c.layers[i].has_id);
            CHECK(layers.layers[i].id == c.layers[i].id);
            CHECK((layers.layers[i].outer_src.family != 0) == c.layers[i].has_outer);
        }
    }
}

TEST_CASE("the outer addresses are the carrying IP header's, and canonical() orders them") {
    DecodedPacket p;
    decode::Encapsulation layers;
    decode::decode_frame(DLT_EN10MB, std::as_bytes(std::span{frames::tunnel_vxlan}),
                         static_cast<std::uint32_t>(frames::tunnel_vxlan.size()), p, &layers);
    REQUIRE(layers.depth == 1);
    CHECK(layers.layers[0].outer_src == ipv4(10, 0, 0, 1));  // tshark: ip.src 10.0.0.1 -> 10.0.0.2
    CHECK(layers.layers[0].outer_dst == ipv4(10, 0, 0, 2));
    decode::Encapsulation reversed = layers;
    std::swap(reversed.layers[0].outer_src, reversed.layers[0].outer_dst);
    CHECK_FALSE(reversed == layers);
    CHECK(decode::canonical(reversed) == decode::canonical(layers));
}
