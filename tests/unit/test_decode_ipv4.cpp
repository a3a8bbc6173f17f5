// TCP/IPv4 decoding: a real SYN field by field, IPv4 options, padding, fragments, checksums,
// every truncation point, and the non-TCP classes.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstring>

#include "tcpvet/decode/ipv4.hpp"
#include "test_decode_frames.hpp"
#include "test_decode_support.hpp"

using namespace tcpvet;
using namespace tcpvet::test_support;
namespace frames = tcpvet::test_frames;

TEST_CASE("real TCP/IPv4 SYN: every field as tshark shows it") {
    const auto p = decode_ethernet(frames::real_v4_syn);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.truncated_at == Layer::none);
    CHECK(p.caplen == 74);
    CHECK(p.wire_len == 74);
    CHECK(p.link_type == DLT_EN10MB);
    CHECK(p.ip_version == 4);
    CHECK(p.ttl == 64);
    CHECK(p.ip_protocol == 6);
    CHECK(p.src == ipv4(127, 0, 0, 1));
    CHECK(p.dst == ipv4(127, 0, 0, 1));
    CHECK(p.ip_checksum == ChecksumResult::ok);
    CHECK_FALSE(p.fragment_first);

    const TcpHeader& t = p.tcp;
    CHECK(t.src_port == 33396);
    CHECK(t.dst_port == 9);
    CHECK(t.seq == 112191253U);
    CHECK(t.ack == 0);
    CHECK(t.data_offset == 10);  // tcp.hdr_len 40
    CHECK(t.reserved == 0);
    CHECK(t.flags == tcp_flag::syn);
    CHECK(t.has(tcp_flag::syn));
    CHECK_FALSE(t.has(tcp_flag::ack));
    CHECK(t.window == 65495);
    CHECK(t.checksum == 0xe305);
    CHECK(t.urgent_pointer == 0);
    CHECK(p.tcp_checksum == ChecksumResult::ok);

    const TcpOptions& o = t.options;
    CHECK_FALSE(o.malformed);
    CHECK(o.has_mss);
    CHECK(o.mss == 65495);
    CHECK(o.sack_permitted);
    CHECK(o.has_timestamps);
    CHECK(o.ts_val == 3571656659U);
    CHECK(o.ts_ecr == 0);
    CHECK(o.has_window_scale);
    CHECK(o.window_scale == 10);  // tshark WS=1024
    CHECK(o.sack_count == 0);
    CHECK(o.other_count == 0);

    CHECK(p.payload_len == 0);
    CHECK(p.payload.empty());
}

TEST_CASE("decode_frame keeps frame and ts_ns and resets everything else") {
    DecodedPacket p;
    p.frame = 42;
    p.ts_ns = 1234;
    const auto syn = to_bytes(frames::real_v4_syn);
    decode::decode_frame(DLT_EN10MB, syn, 74, p);
    REQUIRE(p.cls == PacketClass::tcp);
    const auto arp = to_bytes(frames::arp);
    decode::decode_frame(DLT_EN10MB, arp, 60, p);
    CHECK(p.frame == 42);
    CHECK(p.ts_ns == 1234);
    CHECK(p.cls == PacketClass::non_ip);
    CHECK(p.tcp.src_port == 0);
    CHECK(p.ip_version == 0);
    CHECK(p.caplen == 60);
}

TEST_CASE("checksums: offloaded (partial) TCP checksum is bad, a real RST is ok") {
    const auto bad = decode_ethernet(frames::real_v4_syn_offloaded);
    REQUIRE(bad.cls == PacketClass::tcp);
    CHECK(bad.tcp.checksum == 0xfe30);
    CHECK(bad.tcp_checksum == ChecksumResult::bad);
    CHECK(bad.ip_checksum == ChecksumResult::ok);

    const auto rst = decode_ethernet(frames::real_v4_rst);
    REQUIRE(rst.cls == PacketClass::tcp);
    CHECK(rst.tcp.flags == (tcp_flag::rst | tcp_flag::ack));
    CHECK(rst.tcp.ack == 112191254U);
    CHECK(rst.tcp.data_offset == 5);
    CHECK(rst.tcp_checksum == ChecksumResult::ok);
}

TEST_CASE("a corrupted IPv4 header checksum is bad, the TCP segment is still decoded") {
    auto frame = to_bytes(frames::real_v4_syn);
    frame[14 + 10] ^= std::byte{0x01};  // header checksum
    DecodedPacket p;
    decode::decode_frame(DLT_EN10MB, frame, 74, p);
    CHECK(p.cls == PacketClass::tcp);
    CHECK(p.ip_checksum == ChecksumResult::bad);
    CHECK(p.tcp_checksum == ChecksumResult::ok);

    auto payload_flip = to_bytes(frames::v4_ipopts);
    payload_flip[60] ^= std::byte{0x20};  // "hello" -> "heLlo"
    decode::decode_frame(DLT_EN10MB, payload_flip, 63, p);
    CHECK(p.ip_checksum == ChecksumResult::ok);
    CHECK(p.tcp_checksum == ChecksumResult::bad);
}

TEST_CASE("IPv4 with options (IHL 6): TCP found after them, checksums ok") {
    const auto p = decode_ethernet(frames::v4_ipopts);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.ip_checksum == ChecksumResult::ok);
    CHECK(p.src == ipv4(192, 0, 2, 1));
    CHECK(p.dst == ipv4(198, 51, 100, 7));
    CHECK(p.tcp.src_port == 40000);
    CHECK(p.tcp.dst_port == 80);
    CHECK(p.tcp.seq == 1000);
    CHECK(p.tcp.ack == 2000);
    CHECK(p.tcp.flags == (tcp_flag::psh | tcp_flag::ack));
    CHECK(p.tcp.window == 501);
    CHECK(p.tcp.checksum == 0xd57b);
    CHECK(p.tcp_checksum == ChecksumResult::ok);
    CHECK(p.payload_len == 5);
    REQUIRE(p.payload.size() == 5);
    CHECK(std::memcmp(p.payload.data(), "hello", 5) == 0);
}

TEST_CASE("Ethernet padding is trimmed by the IPv4 total length") {
    const auto p = decode_ethernet(frames::v4_padded);
    REQUIRE(frames::v4_padded.size() == 60);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.truncated_at == Layer::none);
    CHECK(p.payload_len == 1);  // tshark tcp.len 1, not 7
    REQUIRE(p.payload.size() == 1);
    CHECK(std::to_integer<char>(p.payload[0]) == 'x');
    CHECK(p.tcp_checksum == ChecksumResult::ok);  // summed without the padding
}

TEST_CASE("SACK blocks") {
    const auto p = decode_ethernet(frames::v4_sack);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.tcp_checksum == ChecksumResult::ok);
    const TcpOptions& o = p.tcp.options;
    CHECK_FALSE(o.malformed);
    REQUIRE(o.sack_count == 2);
    CHECK(o.sack[0].left == 5000);
    CHECK(o.sack[0].right == 6000);
    CHECK(o.sack[1].left == 7000);
    CHECK(o.sack[1].right == 8000);
}

TEST_CASE("reserved bits, AE and the urgent pointer") {
    const auto p = decode_ethernet(frames::v4_ae_urg);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.tcp_checksum == ChecksumResult::ok);
    CHECK(p.tcp.reserved == 5);  // tshark tcp.flags 0x0be9 = reserved 101 + 0x1e9
    CHECK(p.tcp.flags == 0x1e9);
    CHECK(p.tcp.has(tcp_flag::ae));
    CHECK(p.tcp.has(tcp_flag::cwr));
    CHECK(p.tcp.has(tcp_flag::ece));
    CHECK(p.tcp.has(tcp_flag::urg));
    CHECK_FALSE(p.tcp.has(tcp_flag::ack));
    CHECK(p.tcp.has(tcp_flag::psh));
    CHECK_FALSE(p.tcp.has(tcp_flag::rst));
    CHECK_FALSE(p.tcp.has(tcp_flag::syn));
    CHECK(p.tcp.has(tcp_flag::fin));
    CHECK(p.tcp.urgent_pointer == 1);
    CHECK(p.payload_len == 1);
}

TEST_CASE("IPv4 fragments") {
    SUBCASE("first fragment holding the whole TCP header is analysed as TCP, checksum unverified") {
        const auto p = decode_ethernet(frames::v4_frag_first);
        REQUIRE(p.cls == PacketClass::tcp);
        CHECK(p.fragment_first);
        CHECK(p.tcp.src_port == 40002);
        CHECK(p.tcp.flags == (tcp_flag::psh | tcp_flag::ack));
        CHECK(p.payload_len == 24);  // of this fragment
        CHECK(p.tcp_checksum == ChecksumResult::unverified);
        CHECK(p.ip_checksum == ChecksumResult::ok);
    }
    SUBCASE("a non-first fragment is ip_fragment") {
        const auto p = decode_ethernet(frames::v4_frag_next);
        CHECK(p.cls == PacketClass::ip_fragment);
        CHECK(p.ip_protocol == 6);
        CHECK(p.ip_checksum == ChecksumResult::ok);
        CHECK_FALSE(p.fragment_first);
    }
    SUBCASE("a first fragment too short for the TCP header is ip_fragment") {
        // Cut the first fragment's total length to 20 + 12: the header continues elsewhere.
        auto frame = to_bytes(frames::v4_frag_first);
        frame[14 + 2] = std::byte{0};
        frame[14 + 3] = std::byte{32};
        DecodedPacket p;
        decode::decode_frame(DLT_EN10MB, frame, static_cast<std::uint32_t>(frame.size()), p);
        CHECK(p.cls == PacketClass::ip_fragment);
        CHECK(p.ip_checksum == ChecksumResult::bad);  // we changed the length, not the checksum
    }
    SUBCASE("a first fragment whose options reach into the next fragment is ip_fragment") {
        auto frame = to_bytes(frames::v4_frag_first);
        frame[14 + 20 + 12] = std::byte{0xf0};  // data offset 15 = 60 bytes > 44 in this fragment
        DecodedPacket p;
        decode::decode_frame(DLT_EN10MB, frame, static_cast<std::uint32_t>(frame.size()), p);
        CHECK(p.cls == PacketClass::ip_fragment);
    }
}

TEST_CASE("UDP, ICMP and ARP are classified, not decoded further") {
    const auto udp = decode_ethernet(frames::v4_udp);
    CHECK(udp.cls == PacketClass::udp);
    CHECK(udp.ip_protocol == 17);
    CHECK(udp.ip_checksum == ChecksumResult::ok);
    CHECK(udp.src == ipv4(192, 0, 2, 1));
    CHECK(udp.truncated_at == Layer::none);
    CHECK(decode_ethernet(frames::v4_icmp).cls == PacketClass::icmp);
    CHECK(decode_ethernet(frames::arp).cls == PacketClass::non_ip);
}

TEST_CASE("inconsistent IPv4 headers are malformed") {
    DecodedPacket p;
    SUBCASE("version 5 in an IPv4 ethertype") {
        auto frame = to_bytes(frames::real_v4_syn);
        frame[14] = std::byte{0x55};
        decode::decode_frame(DLT_EN10MB, frame, 74, p);
        CHECK(p.cls == PacketClass::malformed);
    }
    SUBCASE("IHL < 5") {
        auto frame = to_bytes(frames::real_v4_syn);
        frame[14] = std::byte{0x44};
        decode::decode_frame(DLT_EN10MB, frame, 74, p);
        CHECK(p.cls == PacketClass::malformed);
    }
    SUBCASE("total length shorter than the header") {
        auto frame = to_bytes(frames::real_v4_syn);
        frame[14 + 3] = std::byte{19};
        decode::decode_frame(DLT_EN10MB, frame, 74, p);
        CHECK(p.cls == PacketClass::malformed);
    }
    SUBCASE("total length leaves less than 20 bytes for TCP") {
        auto frame = to_bytes(frames::real_v4_syn);
        frame[14 + 3] = std::byte{39};
        decode::decode_frame(DLT_EN10MB, frame, 74, p);
        CHECK(p.cls == PacketClass::malformed);
    }
    SUBCASE("TCP data offset < 5") {
        auto frame = to_bytes(frames::real_v4_syn);
        frame[14 + 20 + 12] = std::byte{0x40};
        decode::decode_frame(DLT_EN10MB, frame, 74, p);
        CHECK(p.cls == PacketClass::malformed);
    }
    SUBCASE("TCP header longer than the IP length claims (tcp.len < 0)") {
        auto frame = to_bytes(frames::real_v4_syn);
        frame[14 + 20 + 12] = std::byte{0xf0};  // 60 bytes > 40
        decode::decode_frame(DLT_EN10MB, frame, 74, p);
        CHECK(p.cls == PacketClass::malformed);
        CHECK(p.payload_len == 0);
    }
}

TEST_CASE("IPv4 total length 0 (TSO on the capturing host): wire length used, checksum unverified") {
    auto frame = to_bytes(frames::v4_ipopts);
    frame[14 + 2] = std::byte{0};
    frame[14 + 3] = std::byte{0};
    DecodedPacket p;
    decode::decode_frame(DLT_EN10MB, frame, 63, p);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.payload_len == 5);
    CHECK(p.tcp_checksum == ChecksumResult::unverified);
}

TEST_CASE("every prefix of a TCP/IPv4 SYN: right class and truncated_at, no out-of-bounds read") {
    const auto& frame = frames::real_v4_syn;  // Ethernet 14 + IPv4 20 + TCP 40 (options 20)
    for (std::size_t n = 0; n <= frame.size(); ++n) {
        CAPTURE(n);
        const auto p = decode_bytes(DLT_EN10MB, frame, n, frame.size());
        CHECK(p.caplen == n);
        if (n < 14) {
            CHECK(p.cls == PacketClass::truncated);
            CHECK(p.truncated_at == Layer::link);
        } else if (n < 34) {
            CHECK(p.cls == PacketClass::truncated);
            CHECK(p.truncated_at == Layer::ip);
        } else if (n < 54) {
            CHECK(p.cls == PacketClass::truncated);
            CHECK(p.truncated_at == Layer::tcp);
            CHECK(p.ip_checksum == ChecksumResult::ok);
            CHECK(p.src == ipv4(127, 0, 0, 1));
        } else if (n < 74) {
            CHECK(p.cls == PacketClass::tcp);
            CHECK(p.truncated_at == Layer::tcp_options);
            CHECK(p.tcp.options.malformed);
            CHECK(p.tcp.src_port == 33396);
            CHECK(p.tcp_checksum == ChecksumResult::unverified);
            CHECK(p.payload.empty());
            CHECK(p.tcp.options.has_mss == (n >= 58));
            CHECK(p.tcp.options.sack_permitted == (n >= 60));
            CHECK(p.tcp.options.has_timestamps == (n >= 70));
        } else {
            CHECK(p.cls == PacketClass::tcp);
            CHECK(p.truncated_at == Layer::none);
            CHECK_FALSE(p.tcp.options.malformed);
            CHECK(p.tcp_checksum == ChecksumResult::ok);
        }
    }
}

TEST_CASE("every prefix of a TCP/IPv4 segment with payload: payload cut is tcp with truncated_at tcp") {
    const auto& frame = frames::v4_ipopts;  // Ethernet 14 + IPv4 24 + TCP 20 + 5 payload
    for (std::size_t n = 0; n <= frame.size(); ++n) {
        CAPTURE(n);
        const auto p = decode_bytes(DLT_EN10MB, frame, n, frame.size());
        if (n < 14) {
            CHECK(p.truncated_at == Layer::link);
        } else if (n < 38) {
            CHECK(p.cls == PacketClass::truncated);
            CHECK(p.truncated_at == Layer::ip);
            CHECK(p.ip_checksum == ChecksumResult::unverified);  // options cut: header incomplete
        } else if (n < 58) {
            CHECK(p.cls == PacketClass::truncated);
            CHECK(p.truncated_at == Layer::tcp);
        } else if (n < 63) {
            CHECK(p.cls == PacketClass::tcp);
            CHECK(p.truncated_at == Layer::tcp);
            CHECK(p.payload_len == 5);
            CHECK(p.payload.size() == n - 58);
            CHECK_FALSE(p.tcp.options.malformed);
            CHECK(p.tcp_checksum == ChecksumResult::unverified);
        } else {
            CHECK(p.cls == PacketClass::tcp);
            CHECK(p.truncated_at == Layer::none);
            CHECK(p.tcp_checksum == ChecksumResult::ok);
        }
    }
}

TEST_CASE("decode_ipv4 on its own: claimed vs captured") {
    const auto bytes = to_bytes(frames::v4_padded);
    const auto packet = std::span<const std::byte>{bytes}.subspan(14);
    const decode::IpResult ip = decode::decode_ipv4(packet, static_cast<std::uint32_t>(packet.size()));
    REQUIRE(ip.status == decode::IpStatus::ok);
    CHECK(ip.upper_claimed == 21);
    CHECK(ip.upper.size() == 21);  // 46 bytes after Ethernet, 41 claimed, 20 of IP header
    CHECK_FALSE(ip.fragment);
}
