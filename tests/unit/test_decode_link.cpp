// Link layers: VLAN/QinQ, Linux SLL/SLL2, BSD NULL (both byte orders) and LOOP, raw IP.
// The SLL/SLL2/NULL/LOOP/raw frames below were written to pcaps with those link types and
// tshark dissected each as the same TCP SYN with a good checksum.
#include <doctest/doctest.h>

#include <cstddef>
#include <vector>

#include "tcpvet/decode/link.hpp"
#include "test_decode_frames.hpp"
#include "test_decode_support.hpp"

using namespace tcpvet;
using namespace tcpvet::test_support;
namespace frames = tcpvet::test_frames;

namespace {

// The SYN checks shared by every encapsulation of the two real SYNs.
void check_v4_syn(const DecodedPacket& p) {
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.ip_version == 4);
    CHECK(p.tcp.src_port == 33396);
    CHECK(p.tcp.options.mss == 65495);
    CHECK(p.tcp_checksum == ChecksumResult::ok);
    CHECK(p.ip_checksum == ChecksumResult::ok);
}

void check_v6_syn(const DecodedPacket& p) {
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.ip_version == 6);
    CHECK(p.tcp.src_port == 54374);
    CHECK(p.tcp.options.mss == 65476);
    CHECK(p.tcp_checksum == ChecksumResult::ok);
}

OwnedPacket decode_vector(int link_type, const std::vector<std::uint8_t>& frame) {
    return decode_bytes(link_type, std::span<const std::uint8_t>{frame});
}

}  // namespace

TEST_CASE("QinQ: 802.1ad then 802.1Q tag") {
    const auto p = decode_ethernet(frames::v4_qinq);
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.tcp.src_port == 40001);
    CHECK(p.tcp.dst_port == 443);
    CHECK(p.tcp.options.mss == 1460);
    CHECK(p.tcp.options.window_scale == 7);
    CHECK(p.tcp.options.sack_permitted);
    CHECK(p.tcp.options.ts_val == 16909060U);
    CHECK(p.tcp.checksum == 0xb9ba);
    CHECK(p.tcp_checksum == ChecksumResult::ok);

    const auto bytes = to_bytes(frames::v4_qinq);
    const decode::LinkResult link = decode::decode_link(DLT_EN10MB, bytes);
    CHECK(link.network == decode::Network::ipv4);
    CHECK(link.vlan_tags == 2);
    CHECK(link.payload.size() == frames::v4_qinq.size() - 22);
}

TEST_CASE("VLAN tags: 0x8100, 0x88a8 and 0x9100, single and stacked") {
    for (const std::uint8_t tpid_high : {std::uint8_t{0x81}, std::uint8_t{0x88}, std::uint8_t{0x91}}) {
        CAPTURE(tpid_high);
        const std::uint8_t tpid_low = tpid_high == 0x88 ? 0xa8 : 0x00;
        // Ethernet header with one tag inserted before the IPv4 ethertype.
        std::vector<std::uint8_t> frame(frames::real_v4_syn.begin(), frames::real_v4_syn.begin() + 12);
        frame.insert(frame.end(), {tpid_high, tpid_low, 0x00, 0x64});
        frame.insert(frame.end(), frames::real_v4_syn.begin() + 12, frames::real_v4_syn.end());
        check_v4_syn(decode_vector(DLT_EN10MB, frame));

        // Three stacked tags, then every prefix that cuts inside the tags is a link truncation.
        std::vector<std::uint8_t> stacked(frames::real_v4_syn.begin(), frames::real_v4_syn.begin() + 12);
        for (int i = 0; i < 3; ++i) {
            stacked.insert(stacked.end(), {tpid_high, tpid_low, 0x00, 0x64});
        }
        stacked.insert(stacked.end(), frames::real_v4_syn.begin() + 12, frames::real_v4_syn.end());
        check_v4_syn(decode_vector(DLT_EN10MB, stacked));
        for (std::size_t n = 0; n < 12 + 12 + 2; ++n) {
            CAPTURE(n);
            const auto p = decode_bytes(DLT_EN10MB, stacked, n, stacked.size());
            CHECK(p.cls == PacketClass::truncated);
            CHECK(p.truncated_at == Layer::link);
        }
    }
}

TEST_CASE("an 802.3 length field (<= 1500) is not IP") {
    auto frame = to_bytes(frames::real_v4_syn);
    frame[12] = std::byte{0x00};
    frame[13] = std::byte{0x3c};
    DecodedPacket p;
    decode::decode_frame(DLT_EN10MB, frame, 74, p);
    CHECK(p.cls == PacketClass::non_ip);
}

TEST_CASE("Linux cooked capture SLL (113)") {
    const std::initializer_list<std::uint8_t> v4_header{0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0x02, 0x00,
                                                        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x08, 0x00};
    check_v4_syn(decode_vector(DLT_LINUX_SLL, relink(v4_header, frames::real_v4_syn)));
    const std::initializer_list<std::uint8_t> v6_header{0x00, 0x00, 0x03, 0x04, 0x00, 0x06, 0x02, 0x00,
                                                        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x86, 0xdd};
    const auto v6 = relink(v6_header, frames::real_v6_syn);
    check_v6_syn(decode_vector(DLT_LINUX_SLL, v6));
    for (std::size_t n = 0; n < 16; ++n) {
        CHECK(decode_bytes(DLT_LINUX_SLL, v6, n, v6.size()).truncated_at == Layer::link);
    }
    CHECK(decode_bytes(DLT_LINUX_SLL, v6, 16, v6.size()).truncated_at == Layer::ip);
}

TEST_CASE("Linux cooked capture SLL2 (276)") {
    const std::initializer_list<std::uint8_t> v4_header{0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04,
                                                        0x00, 0x06, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};
    const auto v4 = relink(v4_header, frames::real_v4_syn);
    check_v4_syn(decode_vector(DLT_LINUX_SLL2, v4));
    const std::initializer_list<std::uint8_t> v6_header{0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04,
                                                        0x00, 0x06, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};
    check_v6_syn(decode_vector(DLT_LINUX_SLL2, relink(v6_header, frames::real_v6_syn)));
    for (std::size_t n = 0; n < 20; ++n) {
        CHECK(decode_bytes(DLT_LINUX_SLL2, v4, n, v4.size()).truncated_at == Layer::link);
    }
    // ARP in SLL2
    auto arp = v4;
    arp[0] = 0x08;
    arp[1] = 0x06;
    CHECK(decode_vector(DLT_LINUX_SLL2, arp).cls == PacketClass::non_ip);
}

TEST_CASE("BSD loopback DLT_NULL: AF value in either byte order") {
    check_v4_syn(decode_vector(DLT_NULL, relink({0x02, 0x00, 0x00, 0x00}, frames::real_v4_syn)));  // little-endian host
    check_v4_syn(decode_vector(DLT_NULL, relink({0x00, 0x00, 0x00, 0x02}, frames::real_v4_syn)));  // big-endian host
    check_v6_syn(decode_vector(DLT_NULL, relink({0x1e, 0x00, 0x00, 0x00}, frames::real_v6_syn)));  // macOS 30
    check_v6_syn(decode_vector(DLT_NULL, relink({0x00, 0x00, 0x00, 0x18}, frames::real_v6_syn)));  // BSD 24
    check_v6_syn(decode_vector(DLT_NULL, relink({0x1c, 0x00, 0x00, 0x00}, frames::real_v6_syn)));  // FreeBSD 28
    check_v6_syn(decode_vector(DLT_NULL, relink({0x00, 0x00, 0x00, 0x1c}, frames::real_v6_syn)));
    CHECK(decode_vector(DLT_NULL, relink({0x07, 0x00, 0x00, 0x00}, frames::real_v4_syn)).cls == PacketClass::non_ip);
    const auto v4 = relink({0x02, 0x00, 0x00, 0x00}, frames::real_v4_syn);
    for (std::size_t n = 0; n < 4; ++n) {
        CHECK(decode_bytes(DLT_NULL, v4, n, v4.size()).truncated_at == Layer::link);
    }
}

TEST_CASE("OpenBSD loopback DLT_LOOP: AF value in network order") {
    check_v4_syn(decode_vector(DLT_LOOP, relink({0x00, 0x00, 0x00, 0x02}, frames::real_v4_syn)));
    check_v6_syn(decode_vector(DLT_LOOP, relink({0x00, 0x00, 0x00, 0x18}, frames::real_v6_syn)));
    // Network order only: a little-endian 2 is AF 0x02000000, unknown.
    CHECK(decode_vector(DLT_LOOP, relink({0x02, 0x00, 0x00, 0x00}, frames::real_v4_syn)).cls == PacketClass::non_ip);
}

TEST_CASE("raw IP: the version nibble decides for DLT_RAW (12, 14, 101), 228/229 are fixed") {
    const auto v4 = relink({}, frames::real_v4_syn);
    const auto v6 = relink({}, frames::real_v6_syn);
    for (const int link_type : {DLT_RAW, 12, 14, 101}) {
        CAPTURE(link_type);
        check_v4_syn(decode_vector(link_type, v4));
        check_v6_syn(decode_vector(link_type, v6));
        const auto empty = decode_bytes(link_type, v4, 0, v4.size());
        CHECK(empty.cls == PacketClass::truncated);
        CHECK(empty.truncated_at == Layer::ip);
        std::vector<std::uint8_t> bogus = v4;
        bogus[0] = 0x55;
        CHECK(decode_vector(link_type, bogus).cls == PacketClass::malformed);
    }
    check_v4_syn(decode_vector(DLT_IPV4, v4));
    check_v6_syn(decode_vector(DLT_IPV6, v6));
    CHECK(decode_vector(DLT_IPV4, v6).cls == PacketClass::malformed);
    CHECK(decode_vector(DLT_IPV6, v4).cls == PacketClass::malformed);
    CHECK(decode_bytes(DLT_IPV4, v4, 0, v4.size()).truncated_at == Layer::ip);
}

TEST_CASE("is_supported_link_type names exactly the decoded link types") {
    for (const int link_type : {DLT_NULL, DLT_EN10MB, DLT_RAW, 12,  14,  101, DLT_LOOP, DLT_LINUX_SLL, DLT_LINUX_SLL2,
                                DLT_IPV4, DLT_IPV6,   7,       9,   10,  50,  51,       104,           105,
                                107,      117,        127,     129, 178, 192, 226,      239,           242}) {
        CAPTURE(link_type);
        CHECK(decode::is_supported_link_type(link_type));
    }
    for (const int link_type : {-1, 6, 119, 147, 163, 220, 1000}) {
        CAPTURE(link_type);
        CHECK_FALSE(decode::is_supported_link_type(link_type));
    }
    // An unsupported link type is never decoded as IP.
    const auto p = decode_bytes(147, frames::real_v4_syn);
    CHECK(p.cls == PacketClass::non_ip);
    CHECK(p.link_type == 147);
}

TEST_CASE("the Ethernet, IPv4 and IPv6 frames decode under every prefix and every link type") {
    // No expectations beyond staying in bounds (ASan) and landing in a class.
    const std::span<const std::uint8_t> all[] = {
        frames::real_v4_syn, frames::real_v6_syn,   frames::v4_qinq,      frames::v6_ext_frag_first,
        frames::v4_sack,     frames::v4_frag_first, frames::v6_frag_next, frames::v4_ae_urg,
    };
    for (const auto frame : all) {
        for (const int link_type : {DLT_EN10MB, DLT_RAW, DLT_NULL, DLT_LOOP, DLT_LINUX_SLL, DLT_LINUX_SLL2}) {
            for (std::size_t n = 0; n <= frame.size(); ++n) {
                const auto p = decode_bytes(link_type, frame, n, frame.size());
                CHECK(p.caplen == n);
                if (p.cls == PacketClass::truncated) {
                    CHECK(p.truncated_at != Layer::none);
                }
                CHECK(p.payload.size() <= p.payload_len);
            }
        }
    }
}
