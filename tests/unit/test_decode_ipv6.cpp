// TCP/IPv6 decoding: a real SYN field by field, extension headers, fragments, truncation.
#include <doctest/doctest.h>

#include <cstddef>

#include "tcpvet/decode/ipv6.hpp"
#include "test_decode_frames.hpp"
#include "test_decode_support.hpp"

using namespace tcpvet;
using namespace tcpvet::test_support;
namespace frames = tcpvet::test_frames;

namespace {

IpAddress documentation_address(std::uint8_t last) {
    IpAddress address;
    address.family = 6;
    address.bytes[0] = 0x20;
    address.bytes[1] = 0x01;
    address.bytes[2] = 0x0d;
    address.bytes[3] = 0xb8;
    address.bytes[15] = last;
    return address;
}

}  // namespace

TEST_CASE("real TCP/IPv6 SYN: every field as tshark shows it") {
    const auto p = decode_ethernet(frames::real_v6_syn);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.truncated_at == Layer::none);
    CHECK(p.ip_version == 6);
    CHECK(p.ttl == 64);  // hop limit
    CHECK(p.ip_protocol == 6);
    CHECK(p.src == ipv6_loopback());
    CHECK(p.dst == ipv6_loopback());
    CHECK(p.ip_checksum == ChecksumResult::unverified);  // IPv6 has none

    const TcpHeader& t = p.tcp;
    CHECK(t.src_port == 54374);
    CHECK(t.dst_port == 9);
    CHECK(t.seq == 920528367U);
    CHECK(t.ack == 0);
    CHECK(t.data_offset == 10);
    CHECK(t.reserved == 0);
    CHECK(t.flags == tcp_flag::syn);
    CHECK(t.window == 65476);
    CHECK(t.checksum == 0xe335);
    CHECK(t.urgent_pointer == 0);
    CHECK(p.tcp_checksum == ChecksumResult::ok);

    const TcpOptions& o = t.options;
    CHECK_FALSE(o.malformed);
    CHECK(o.has_mss);
    CHECK(o.mss == 65476);
    CHECK(o.sack_permitted);
    CHECK(o.has_timestamps);
    CHECK(o.ts_val == 2848428011U);
    CHECK(o.ts_ecr == 0);
    CHECK(o.has_window_scale);
    CHECK(o.window_scale == 10);
    CHECK(p.payload_len == 0);
}

TEST_CASE("IPv6 checksum as captured on loopback (partial) is bad") {
    const auto p = decode_ethernet(frames::real_v6_syn_offloaded);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.tcp.checksum == 0x0030);
    CHECK(p.tcp_checksum == ChecksumResult::bad);
}

TEST_CASE("IPv6 Hop-by-Hop + Destination Options + first Fragment: TCP reached") {
    const auto p = decode_ethernet(frames::v6_ext_frag_first);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.fragment_first);
    CHECK(p.ip_protocol == 6);
    CHECK(p.src == documentation_address(1));
    CHECK(p.dst == documentation_address(2));
    CHECK(p.tcp.src_port == 50000);
    CHECK(p.tcp.dst_port == 22);
    CHECK(p.tcp.seq == 99);
    CHECK(p.tcp.window == 64800);
    CHECK(p.tcp.checksum == 0x279b);
    CHECK(p.tcp.options.mss == 1460);
    CHECK(p.tcp.options.window_scale == 7);
    CHECK(p.tcp.options.ts_val == 16909060U);
    CHECK(p.tcp_checksum == ChecksumResult::unverified);  // tshark: unverified for a fragment
    CHECK(p.payload_len == 0);
}

TEST_CASE("IPv6 non-first fragment is ip_fragment") {
    const auto p = decode_ethernet(frames::v6_frag_next);
    CHECK(p.cls == PacketClass::ip_fragment);
    CHECK(p.ip_protocol == 6);
    CHECK_FALSE(p.fragment_first);
}

TEST_CASE("IPv6 without fragmentation: the same SYN with the Fragment header's M bit cleared") {
    // Offset 0, M 0 is an atomic fragment (RFC 6946): a whole datagram, checksum verifiable.
    auto frame = to_bytes(frames::v6_ext_frag_first);
    frame[14 + 40 + 16 + 3] = std::byte{0};
    DecodedPacket p;
    decode::decode_frame(DLT_EN10MB, frame, static_cast<std::uint32_t>(frame.size()), p);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK_FALSE(p.fragment_first);
    CHECK(p.tcp_checksum == ChecksumResult::ok);
}

TEST_CASE("ICMPv6, No Next Header, ESP and IPv6 inconsistencies") {
    CHECK(decode_ethernet(frames::v6_icmp).cls == PacketClass::icmp);
    DecodedPacket p;
    SUBCASE("next header 59 -> other_ip") {
        auto frame = to_bytes(frames::v6_icmp);
        frame[14 + 6] = std::byte{59};
        decode::decode_frame(DLT_EN10MB, frame, static_cast<std::uint32_t>(frame.size()), p);
        CHECK(p.cls == PacketClass::other_ip);
        CHECK(p.ip_protocol == 59);
    }
    SUBCASE("ESP after Hop-by-Hop -> other_ip, protocol 50") {
        auto frame = to_bytes(frames::v6_ext_frag_first);
        frame[14 + 40] = std::byte{50};
        decode::decode_frame(DLT_EN10MB, frame, static_cast<std::uint32_t>(frame.size()), p);
        CHECK(p.cls == PacketClass::other_ip);
        CHECK(p.ip_protocol == 50);
    }
    SUBCASE("an extension header longer than the payload length is malformed") {
        auto frame = to_bytes(frames::v6_ext_frag_first);
        frame[14 + 40 + 1] = std::byte{200};  // Hop-by-Hop claims 1608 bytes
        decode::decode_frame(DLT_EN10MB, frame, static_cast<std::uint32_t>(frame.size()), p);
        CHECK(p.cls == PacketClass::malformed);
    }
    SUBCASE("version 4 in an IPv6 ethertype") {
        auto frame = to_bytes(frames::real_v6_syn);
        frame[14] = std::byte{0x40};
        decode::decode_frame(DLT_EN10MB, frame, static_cast<std::uint32_t>(frame.size()), p);
        CHECK(p.cls == PacketClass::malformed);
    }
    SUBCASE("a routing header with segments left: TCP decoded, checksum not judged") {
        auto frame = to_bytes(frames::v6_ext_frag_first);
        frame[14 + 6] = std::byte{43};      // fixed header: next is Routing (was Hop-by-Hop)
        frame[14 + 40 + 2] = std::byte{0};  // routing type 0
        frame[14 + 40 + 3] = std::byte{1};  // segments left 1
        frame[14 + 56 + 3] = std::byte{0};  // fragment header: clear M
        decode::decode_frame(DLT_EN10MB, frame, static_cast<std::uint32_t>(frame.size()), p);
        REQUIRE(p.cls == PacketClass::tcp);
        CHECK(p.tcp_checksum == ChecksumResult::unverified);
    }
}

TEST_CASE("every prefix of a TCP/IPv6 SYN: right class and truncated_at") {
    const auto& frame = frames::real_v6_syn;  // Ethernet 14 + IPv6 40 + TCP 40
    for (std::size_t n = 0; n <= frame.size(); ++n) {
        CAPTURE(n);
        const auto p = decode_bytes(DLT_EN10MB, frame, n, frame.size());
        if (n < 14) {
            CHECK(p.cls == PacketClass::truncated);
            CHECK(p.truncated_at == Layer::link);
        } else if (n < 54) {
            CHECK(p.cls == PacketClass::truncated);
            CHECK(p.truncated_at == Layer::ip);
        } else if (n < 74) {
            CHECK(p.cls == PacketClass::truncated);
            CHECK(p.truncated_at == Layer::tcp);
            CHECK(p.src == ipv6_loopback());
        } else if (n < 94) {
            CHECK(p.cls == PacketClass::tcp);
            CHECK(p.truncated_at == Layer::tcp_options);
            CHECK(p.tcp.options.malformed);
            CHECK(p.tcp.seq == 920528367U);
            CHECK(p.tcp_checksum == ChecksumResult::unverified);
        } else {
            CHECK(p.cls == PacketClass::tcp);
            CHECK(p.truncated_at == Layer::none);
            CHECK(p.tcp_checksum == ChecksumResult::ok);
        }
    }
}

TEST_CASE("every prefix of IPv6 with extension headers and a first fragment") {
    const auto& frame = frames::v6_ext_frag_first;  // 14 + 40 + 8 + 8 + 8, TCP 40
    for (std::size_t n = 0; n <= frame.size(); ++n) {
        CAPTURE(n);
        const auto p = decode_bytes(DLT_EN10MB, frame, n, frame.size());
        if (n < 14) {
            CHECK(p.truncated_at == Layer::link);
        } else if (n < 78) {
            CHECK(p.cls == PacketClass::truncated);
            CHECK(p.truncated_at == Layer::ip);
        } else if (n < 98) {
            CHECK(p.cls == PacketClass::truncated);
            CHECK(p.truncated_at == Layer::tcp);
            CHECK(p.fragment_first);
        } else if (n < 118) {
            CHECK(p.cls == PacketClass::tcp);
            CHECK(p.truncated_at == Layer::tcp_options);
            CHECK(p.fragment_first);
        } else {
            CHECK(p.cls == PacketClass::tcp);
            CHECK(p.truncated_at == Layer::none);
        }
    }
}

TEST_CASE("decode_ipv6 on its own reports the extension walk") {
    const auto bytes = to_bytes(frames::v6_ext_frag_first);
    const auto packet = std::span<const std::byte>{bytes}.subspan(14);
    const decode::IpResult ip = decode::decode_ipv6(packet, static_cast<std::uint32_t>(packet.size()));
    REQUIRE(ip.status == decode::IpStatus::ok);
    CHECK(ip.protocol == 6);
    CHECK(ip.fragment);
    CHECK(ip.first_fragment);
    CHECK(ip.upper_claimed == 40);
    CHECK(ip.upper.size() == 40);
}
