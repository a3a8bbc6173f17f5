// CaptureStats::count over decoded frames.
#include <doctest/doctest.h>

#include <cstddef>

#include "tcpvet/capture/capture_stats.hpp"
#include "test_decode_frames.hpp"
#include "test_decode_support.hpp"

using namespace tcpvet;
using namespace tcpvet::test_support;
namespace frames = tcpvet::test_frames;

namespace {

DecodedPacket at(DecodedPacket packet, std::int64_t ts_ns) {
    packet.ts_ns = ts_ns;
    return packet;
}

}  // namespace

TEST_CASE("CaptureStats counts classes, fragments, truncation and checksums") {
    capture::CaptureStats stats;
    CHECK(stats.empty());
    stats.count(at(decode_ethernet(frames::real_v4_syn), 300));            // tcp, ok
    stats.count(at(decode_ethernet(frames::real_v4_syn_offloaded), 100));  // tcp, bad checksum
    stats.count(at(decode_ethernet(frames::v4_frag_first), 200));          // tcp + fragment, unverified
    stats.count(at(decode_ethernet(frames::v4_frag_next), 250));           // fragment
    stats.count(at(decode_ethernet(frames::v6_frag_next), 250));           // fragment
    stats.count(at(decode_ethernet(frames::v4_udp), 250));
    stats.count(at(decode_ethernet(frames::v4_icmp), 250));
    stats.count(at(decode_ethernet(frames::v6_icmp), 250));
    stats.count(at(decode_ethernet(frames::arp), 250));
    stats.count(at(decode_bytes(DLT_EN10MB, frames::real_v4_syn, 60, 74), 250));  // options cut
    stats.count(at(decode_bytes(DLT_EN10MB, frames::real_v4_syn, 40, 74), 250));  // tcp header cut
    stats.count(at(decode_bytes(DLT_EN10MB, frames::real_v4_syn, 10, 74), 250));  // link cut
    stats.count(at(decode_bytes(DLT_EN10MB, frames::v4_ipopts, 60, 63), 250));    // payload cut, still tcp
    stats.count(at(decode_bytes(DLT_RAW, frames::real_v4_syn), 250));             // Ethernet bytes as raw IP: version 0

    CHECK_FALSE(stats.empty());
    CHECK(stats.packets == 14);
    CHECK(stats.tcp == 5);
    CHECK(stats.udp == 1);
    CHECK(stats.icmp == 2);
    CHECK(stats.non_ip == 1);
    CHECK(stats.other_ip == 0);
    CHECK(stats.malformed == 1);
    CHECK(stats.fragments == 3);
    CHECK(stats.truncated == 4);
    CHECK(stats.truncated_at[static_cast<std::size_t>(Layer::link)] == 1);
    CHECK(stats.truncated_at[static_cast<std::size_t>(Layer::ip)] == 0);
    CHECK(stats.truncated_at[static_cast<std::size_t>(Layer::tcp)] == 2);
    CHECK(stats.truncated_at[static_cast<std::size_t>(Layer::tcp_options)] == 1);
    CHECK(stats.bad_tcp_checksum == 1);
    CHECK(stats.unverified_tcp_checksum == 3);  // first fragment, options cut, payload cut
    CHECK(stats.malformed_tcp_options == 1);
    CHECK(stats.bad_ip_checksum == 0);
    CHECK(stats.first_ts_ns == 100);
    CHECK(stats.last_ts_ns == 300);
    CHECK(stats.bytes == 74 * 5 + 78 + 60 + 78 + 60 + 60 + 62 + 60 + 63 + 74);
    CHECK(stats.captured_bytes == 74 * 3 + 78 + 60 + 78 + 60 + 60 + 62 + 60 + 60 + 40 + 10 + 60);
    CHECK(stats.link_types[0].link_type == DLT_EN10MB);
    CHECK(stats.link_types[0].packets == 13);
    CHECK(stats.link_types[1].link_type == DLT_RAW);
    CHECK(stats.link_types[1].packets == 1);
    CHECK(stats.link_types[2].link_type == -1);
}

TEST_CASE("CaptureStats keeps the first 8 distinct link types") {
    capture::CaptureStats stats;
    DecodedPacket packet;
    for (int link_type = 0; link_type < 10; ++link_type) {
        packet.link_type = link_type;
        stats.count(packet);
        stats.count(packet);
    }
    CHECK(stats.packets == 20);
    for (std::size_t i = 0; i < capture::CaptureStats::k_max_link_types; ++i) {
        CHECK(stats.link_types[i].link_type == static_cast<int>(i));
        CHECK(stats.link_types[i].packets == 2);
    }
}

TEST_CASE("CaptureStats counts a bad IPv4 header checksum") {
    auto frame = to_bytes(frames::v4_udp);
    frame[14 + 11] ^= std::byte{0xff};
    DecodedPacket packet;
    decode::decode_frame(DLT_EN10MB, frame, 60, packet);
    capture::CaptureStats stats;
    stats.count(packet);
    CHECK(stats.bad_ip_checksum == 1);
    CHECK(stats.udp == 1);
}
