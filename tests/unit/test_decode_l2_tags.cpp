// Ethernet tags and MAC-in-MAC headers before the ethertype: IEEE 802.1ah PBB, Cisco VN-Tag,
// IEEE 802.1BR E-Tag and Cisco FabricPath, alone and stacked with VLAN tags. Each frame below
// (the headers shown, then v4_padded's IP packet) was written to a pcap and tshark 4.0
// dissected it as eth:ieee8021ah / vntag / etag / cfp:eth, then ip:tcp 40000 -> 80, raw seq
// 1005, ack 2000, one payload byte, good IP and TCP checksums (under cfp tshark leaves the
// TCP checksum unverified; it is the same segment as in the other four).
#include <doctest/doctest.h>

#include <cstddef>
#include <initializer_list>
#include <vector>

#include "test_decode_frames.hpp"
#include "test_decode_support.hpp"

using namespace tcpvet;
using namespace tcpvet::test_support;
namespace frames = tcpvet::test_frames;

namespace {

struct TaggedFrame {
    const char* name;
    std::vector<std::uint8_t> frame;
    std::size_t link_header;  // bytes before the IP header
};

std::vector<TaggedFrame> tagged_frames() {
    const auto make = [](const char* name, std::initializer_list<std::uint8_t> header) {
        return TaggedFrame{name, relink(header, frames::v4_padded), header.size()};
    };
    return {
        make("802.1ah PBB",
             {0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0xe7, 0x00, 0x00,
              0x12, 0x34, 0x02, 0x00, 0x00, 0x00, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x08, 0x00}),
        make("802.1ad, PBB, then 802.1Q inside",
             {0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0xa8,
              0x00, 0x0a, 0x88, 0xe7, 0x00, 0x00, 0x12, 0x34, 0x02, 0x00, 0x00, 0x00, 0x00, 0x04,
              0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00}),
        make("VN-Tag", {0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00,
                        0x00, 0x01, 0x89, 0x26, 0x80, 0x05, 0x00, 0x07, 0x08, 0x00}),
        make("E-Tag", {0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00,
                       0x01, 0x89, 0x3f, 0x00, 0x00, 0x10, 0x05, 0x00, 0x00, 0x08, 0x00}),
        make("FabricPath", {0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x89, 0x03, 0x04,
                            0x3f, 0x02, 0x00, 0x00, 0x00, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x08, 0x00}),
    };
}

}  // namespace

TEST_CASE("PBB, VN-Tag, E-Tag and FabricPath: the TCP segment inside, as tshark shows it") {
    for (const auto& tagged : tagged_frames()) {
        CAPTURE(tagged.name);
        const auto p = decode_bytes(DLT_EN10MB, tagged.frame);
        REQUIRE(p.cls == PacketClass::tcp);
        CHECK(p.ip_version == 4);
        CHECK(p.tcp.src_port == 40000);
        CHECK(p.tcp.dst_port == 80);
        CHECK(p.tcp.seq == 1005);
        CHECK(p.tcp.ack == 2000);
        CHECK(p.payload.size() == 1);
        CHECK(p.ip_checksum == ChecksumResult::ok);
        CHECK(p.tcp_checksum == ChecksumResult::ok);
    }
}

TEST_CASE("PBB, VN-Tag, E-Tag and FabricPath: every prefix is a truncation, never a misread") {
    for (const auto& tagged : tagged_frames()) {
        CAPTURE(tagged.name);
        for (std::size_t n = 0; n < tagged.frame.size(); ++n) {
            CAPTURE(n);
            const auto p = decode_bytes(DLT_EN10MB, tagged.frame, n, tagged.frame.size());
            if (n < tagged.link_header) {
                CHECK(p.cls == PacketClass::truncated);
                CHECK(p.truncated_at == Layer::link);
            } else if (p.cls == PacketClass::tcp) {
                // Only the Ethernet padding and the payload byte may be cut with the TCP header whole.
                CHECK(n >= tagged.link_header + 40);
                CHECK(p.tcp.src_port == 40000);
            } else {
                CHECK(p.cls == PacketClass::truncated);
                CHECK(p.truncated_at != Layer::link);
            }
        }
    }
}

TEST_CASE("an unknown ethertype after a tag is not IP") {
    // E-Tag followed by ARP (0x0806): decoded as far as the ethertype, then other.
    const std::vector<std::uint8_t> arp{0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00,
                                        0x00, 0x01, 0x89, 0x3f, 0x00, 0x00, 0x10, 0x05, 0x00, 0x00,
                                        0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04};
    const auto p = decode_bytes(DLT_EN10MB, arp);
    CHECK(p.cls == PacketClass::non_ip);
}
