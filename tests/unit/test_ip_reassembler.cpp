// IP fragment reassembly through decode_frame: IPv4 and IPv6, order, duplicates, overlaps, tiny
// first fragments, timeout, every cap, every prefix truncation, and a fragmented tunnel.
#include <doctest/doctest.h>
#include <pcap/dlt.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <vector>

#include "tcpvet/decode/checksum.hpp"
#include "tcpvet/decode/dispatch.hpp"
#include "tcpvet/decode/ip_reassembler.hpp"
#include "test_decode_support.hpp"

using namespace tcpvet;
using namespace tcpvet::test_support;

namespace {

using Frame = std::vector<std::uint8_t>;

constexpr std::uint8_t k_tcp = 6;
constexpr std::uint8_t k_ipip = 4;
constexpr std::int64_t k_second = 1'000'000'000;

void put16(Frame& out, std::size_t at, std::uint16_t value) {
    out[at] = static_cast<std::uint8_t>(value >> 8U);
    out[at + 1] = static_cast<std::uint8_t>(value & 0xffU);
}

std::uint16_t internet_checksum(const Frame& bytes, std::size_t from, std::size_t length, std::uint64_t sum = 0) {
    const auto view = to_bytes(std::span<const std::uint8_t>(bytes).subspan(from, length));
    return static_cast<std::uint16_t>(~decode::checksum_fold(decode::checksum_add(sum, view)));
}

const std::array<std::uint8_t, 4> k_src4{10, 0, 0, 1};
const std::array<std::uint8_t, 4> k_dst4{10, 0, 0, 2};

// A TCP segment (PSH+ACK, 20-byte header) from 10.0.0.1:1234 to 10.0.0.2:80 with a valid checksum.
Frame tcp_segment(std::uint32_t seq, std::size_t payload_length, std::uint8_t fill = 0x41) {
    Frame tcp(20 + payload_length, fill);
    put16(tcp, 0, 1234);
    put16(tcp, 2, 80);
    put16(tcp, 4, static_cast<std::uint16_t>(seq >> 16U));
    put16(tcp, 6, static_cast<std::uint16_t>(seq & 0xffffU));
    put16(tcp, 8, 0);
    put16(tcp, 10, 1);  // ack 1
    tcp[12] = 0x50;
    tcp[13] = 0x18;
    put16(tcp, 14, 65535);
    put16(tcp, 16, 0);
    put16(tcp, 18, 0);
    Frame pseudo{k_src4[0], k_src4[1], k_src4[2], k_src4[3], k_dst4[0], k_dst4[1],
                 k_dst4[2], k_dst4[3], 0,         k_tcp,     0,         0};
    put16(pseudo, 10, static_cast<std::uint16_t>(tcp.size()));
    const auto pseudo_bytes = to_bytes(pseudo);
    put16(tcp, 16, internet_checksum(tcp, 0, tcp.size(), decode::checksum_add(0, pseudo_bytes)));
    return tcp;
}

// The same segment from [::1]:1234 to [::1]:80, its checksum over the IPv6 pseudo-header (RFC 8200
// section 8.1: addresses, 32-bit upper-layer length, next header), as ipv6_fragment addresses it.
Frame tcp_segment_v6(std::uint32_t seq, std::size_t payload_length) {
    Frame tcp = tcp_segment(seq, payload_length);
    put16(tcp, 16, 0);
    Frame pseudo(40, 0);
    pseudo[15] = 1;  // source ::1
    pseudo[31] = 1;  // destination ::1
    put16(pseudo, 34, static_cast<std::uint16_t>(tcp.size()));
    pseudo[39] = k_tcp;
    const auto pseudo_bytes = to_bytes(pseudo);
    put16(tcp, 16, internet_checksum(tcp, 0, tcp.size(), decode::checksum_add(0, pseudo_bytes)));
    return tcp;
}

Frame slice(const Frame& bytes, std::size_t from, std::size_t length) {
    return Frame(bytes.begin() + static_cast<std::ptrdiff_t>(from),
                 bytes.begin() + static_cast<std::ptrdiff_t>(from + length));
}

// An Ethernet frame with an IPv4 fragment of `payload` at byte `offset`.
Frame ipv4_fragment(std::uint16_t id, std::uint8_t protocol, std::uint32_t offset, bool more, const Frame& payload) {
    Frame frame{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00};
    const std::size_t ip = frame.size();
    frame.resize(ip + 20);
    frame[ip] = 0x45;
    put16(frame, ip + 2, static_cast<std::uint16_t>(20 + payload.size()));
    put16(frame, ip + 4, id);
    put16(frame, ip + 6, static_cast<std::uint16_t>((more ? 0x2000U : 0U) | (offset / 8)));
    frame[ip + 8] = 64;
    frame[ip + 9] = protocol;
    for (std::size_t i = 0; i < 4; ++i) {
        frame[ip + 12 + i] = k_src4[i];
        frame[ip + 16 + i] = k_dst4[i];
    }
    put16(frame, ip + 10, internet_checksum(frame, ip, 20));
    frame.insert(frame.end(), payload.begin(), payload.end());
    return frame;
}

// An Ethernet frame with IPv6 (::1 -> ::1), a Fragment header and `payload` at byte `offset`.
Frame ipv6_fragment(std::uint32_t id, std::uint8_t next_header, std::uint32_t offset, bool more, const Frame& payload) {
    Frame frame{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x86, 0xdd};
    const std::size_t ip = frame.size();
    frame.resize(ip + 48);
    frame[ip] = 0x60;
    put16(frame, ip + 4, static_cast<std::uint16_t>(8 + payload.size()));
    frame[ip + 6] = 44;  // Fragment
    frame[ip + 7] = 64;
    frame[ip + 23] = 1;
    frame[ip + 39] = 1;
    frame[ip + 40] = next_header;
    put16(frame, ip + 42, static_cast<std::uint16_t>(offset | (more ? 1U : 0U)));
    put16(frame, ip + 44, static_cast<std::uint16_t>(id >> 16U));
    put16(frame, ip + 46, static_cast<std::uint16_t>(id & 0xffffU));
    frame.insert(frame.end(), payload.begin(), payload.end());
    return frame;
}

// Decodes frames in order, numbering them from 1, through one reassembler.
struct Reassembling {
    decode::IpReassembler reassembler;
    std::uint64_t frame = 0;
    OwnedPacket last;

    explicit Reassembling(decode::ReassemblyLimits limits = {}) : reassembler(limits) {}

    const OwnedPacket& decode(const Frame& bytes, std::int64_t ts_ns = 0, std::size_t caplen = SIZE_MAX) {
        last = OwnedPacket{};
        last.bytes = copy_prefix(bytes, std::min(caplen, bytes.size()));
        last.frame = ++frame;
        last.ts_ns = ts_ns;
        decode::decode_frame(DLT_EN10MB, last.bytes, static_cast<std::uint32_t>(bytes.size()), last, nullptr,
                             &reassembler);
        return last;
    }
    [[nodiscard]] const decode::ReassemblyStats& stats() const { return reassembler.stats(); }
};

// Checks `p` is the whole 1020-byte segment of tcp_segment(1000, 1000).
void check_whole_segment(const DecodedPacket& p) {
    REQUIRE(p.cls == PacketClass::tcp);
    CHECK(p.reassembled);
    CHECK(p.ip_fragment);
    CHECK(p.tcp.seq == 1000);
    CHECK(p.tcp.src_port == 1234);
    CHECK(p.payload_len == 1000);
    CHECK(p.payload_captured == 1000);
    CHECK(p.tcp_checksum == ChecksumResult::ok);
    CHECK_FALSE(p.fragment_first);
}

}  // namespace

TEST_CASE("IPv4 fragments in order: the last frame carries the whole segment") {
    const Frame segment = tcp_segment(1000, 1000);
    Reassembling r;
    CHECK(r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400))).cls == PacketClass::ip_fragment);
    CHECK(r.decode(ipv4_fragment(7, k_tcp, 400, true, slice(segment, 400, 400))).cls == PacketClass::ip_fragment);
    const auto& p = r.decode(ipv4_fragment(7, k_tcp, 800, false, slice(segment, 800, 220)));
    check_whole_segment(p);
    CHECK(p.frame == 3);
    CHECK(p.payload[0] == std::byte{0x41});
    CHECK(r.stats().reassembled == 1);
    r.reassembler.finish();
    CHECK(r.stats().incomplete == 0);
}

TEST_CASE("IPv4 fragments out of order complete on the frame that fills the last hole") {
    const Frame segment = tcp_segment(1000, 1000);
    Reassembling r;
    CHECK(r.decode(ipv4_fragment(7, k_tcp, 800, false, slice(segment, 800, 220))).cls == PacketClass::ip_fragment);
    CHECK(r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400))).cls == PacketClass::ip_fragment);
    check_whole_segment(r.decode(ipv4_fragment(7, k_tcp, 400, true, slice(segment, 400, 400))));
}

TEST_CASE("a duplicate fragment is an overlap with identical bytes") {
    const Frame segment = tcp_segment(1000, 1000);
    Reassembling r;
    r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400)));
    r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400)));
    r.decode(ipv4_fragment(7, k_tcp, 400, true, slice(segment, 400, 400)));
    check_whole_segment(r.decode(ipv4_fragment(7, k_tcp, 800, false, slice(segment, 800, 220))));
    CHECK(r.stats().overlaps == 1);
    CHECK(r.stats().conflicting_overlaps == 0);
}

TEST_CASE("overlapping fragments: same bytes counted, different bytes conflicting, first bytes kept") {
    const Frame segment = tcp_segment(1000, 1000);
    SUBCASE("partial overlap, same bytes") {
        Reassembling r;
        r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400)));
        r.decode(ipv4_fragment(7, k_tcp, 200, true, slice(segment, 200, 600)));
        check_whole_segment(r.decode(ipv4_fragment(7, k_tcp, 800, false, slice(segment, 800, 220))));
        CHECK(r.stats().overlaps == 1);
        CHECK(r.stats().conflicting_overlaps == 0);
    }
    SUBCASE("different bytes (teardrop family)") {
        Reassembling r;
        r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400)));
        Frame other = slice(segment, 200, 600);
        for (std::size_t i = 0; i < 200; ++i) other[i] = 0x5a;  // differs where it overlaps
        r.decode(ipv4_fragment(7, k_tcp, 200, true, other));
        const auto& p = r.decode(ipv4_fragment(7, k_tcp, 800, false, slice(segment, 800, 220)));
        check_whole_segment(p);  // the first bytes were kept, so the checksum still holds
        CHECK(r.stats().overlaps == 0);
        CHECK(r.stats().conflicting_overlaps == 1);
    }
    SUBCASE("a last fragment contradicting the known end is refused") {
        Reassembling r;
        r.decode(ipv4_fragment(7, k_tcp, 800, false, slice(segment, 800, 220)));
        CHECK(r.decode(ipv4_fragment(7, k_tcp, 800, false, slice(segment, 800, 100))).cls == PacketClass::ip_fragment);
        CHECK(r.stats().conflicting_overlaps == 1);
        r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 800)));
        CHECK(r.stats().reassembled == 1);
    }
}

TEST_CASE("a tiny first fragment (RFC 1858) is counted and still reassembled") {
    const Frame segment = tcp_segment(1000, 1000);
    Reassembling r;
    r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 8)));
    CHECK(r.stats().tiny_first_fragments == 1);
    check_whole_segment(r.decode(ipv4_fragment(7, k_tcp, 8, false, slice(segment, 8, 1012))));
}

TEST_CASE("fragments of different ids, protocols or addresses are different datagrams") {
    const Frame segment = tcp_segment(1000, 1000);
    Reassembling r;
    r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400)));
    CHECK(r.decode(ipv4_fragment(8, k_tcp, 400, false, slice(segment, 400, 620))).cls == PacketClass::ip_fragment);
    CHECK(r.decode(ipv4_fragment(7, 17, 400, false, slice(segment, 400, 620))).cls == PacketClass::ip_fragment);
    check_whole_segment(r.decode(ipv4_fragment(7, k_tcp, 400, false, slice(segment, 400, 620))));
    r.reassembler.finish();
    CHECK(r.stats().incomplete == 2);
    CHECK(r.stats().incomplete_fragments == 2);
}

TEST_CASE("IPv6 Fragment header: reassembled, also with a header in the fragmentable part") {
    SUBCASE("TCP right after the Fragment header") {
        const Frame segment = tcp_segment_v6(1000, 1000);
        Reassembling r;
        CHECK(r.decode(ipv6_fragment(0xdeadbeef, k_tcp, 0, true, slice(segment, 0, 504))).cls ==
              PacketClass::ip_fragment);
        const auto& p = r.decode(ipv6_fragment(0xdeadbeef, k_tcp, 504, false, slice(segment, 504, 516)));
        REQUIRE(p.cls == PacketClass::tcp);
        CHECK(p.reassembled);
        CHECK(p.ip_version == 6);
        CHECK(p.payload_len == 1000);
        CHECK(p.tcp.seq == 1000);
        CHECK(p.tcp_checksum == ChecksumResult::ok);  // over the reassembled length and the IPv6 addresses
    }
    SUBCASE("Destination Options, then TCP") {
        Frame part{k_tcp, 0, 1, 4, 0, 0, 0, 0};  // next header TCP, 8 bytes, PadN
        const Frame segment = tcp_segment(5, 40);
        part.insert(part.end(), segment.begin(), segment.end());
        Reassembling r;
        r.decode(ipv6_fragment(1, 60, 0, true, slice(part, 0, 16)));
        const auto& p = r.decode(ipv6_fragment(1, 60, 16, false, slice(part, 16, part.size() - 16)));
        REQUIRE(p.cls == PacketClass::tcp);
        CHECK(p.ip_protocol == k_tcp);
        CHECK(p.payload_len == 40);
        CHECK(p.tcp.seq == 5);
    }
    SUBCASE("IPv4 and IPv6 ids never meet") {
        const Frame segment = tcp_segment(1000, 1000);
        Reassembling r;
        r.decode(ipv6_fragment(7, k_tcp, 0, true, slice(segment, 0, 504)));
        CHECK(r.decode(ipv4_fragment(7, k_tcp, 504, false, slice(segment, 504, 516))).cls == PacketClass::ip_fragment);
    }
}

TEST_CASE("a datagram is given up after the timeout in capture time") {
    const Frame segment = tcp_segment(1000, 1000);
    Reassembling r;
    r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400)), 0);
    r.decode(ipv4_fragment(7, k_tcp, 400, true, slice(segment, 400, 400)), 30 * k_second);  // at the limit
    CHECK(r.decode(ipv4_fragment(7, k_tcp, 800, false, slice(segment, 800, 220)), 31 * k_second).cls ==
          PacketClass::ip_fragment);
    CHECK(r.stats().timed_out == 1);
    CHECK(r.stats().reassembled == 0);
    r.reassembler.finish();
    CHECK(r.stats().incomplete == 1);  // the last fragment started a new datagram
}

TEST_CASE("every limit, when hit, is counted") {
    const Frame segment = tcp_segment(1000, 1000);
    SUBCASE("max_fragments drops the datagram") {
        decode::ReassemblyLimits limits;
        limits.max_fragments = 2;
        Reassembling r(limits);
        r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400)));
        r.decode(ipv4_fragment(7, k_tcp, 400, true, slice(segment, 400, 400)));
        CHECK(r.decode(ipv4_fragment(7, k_tcp, 800, false, slice(segment, 800, 220))).cls == PacketClass::ip_fragment);
        CHECK(r.stats().too_many_fragments == 1);
        CHECK(r.stats().reassembled == 0);
    }
    SUBCASE("max_datagrams evicts the oldest") {
        decode::ReassemblyLimits limits;
        limits.max_datagrams = 1;
        Reassembling r(limits);
        r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400)));
        r.decode(ipv4_fragment(8, k_tcp, 0, true, slice(segment, 0, 400)));
        CHECK(r.stats().evicted_datagram_cap == 1);
        CHECK(r.decode(ipv4_fragment(7, k_tcp, 400, false, slice(segment, 400, 620))).cls == PacketClass::ip_fragment);
        CHECK(r.stats().evicted_datagram_cap == 2);  // 7 came back and evicted 8
    }
    SUBCASE("max_bytes evicts the oldest") {
        decode::ReassemblyLimits limits;
        limits.max_bytes = 1100;  // one whole 1,020-byte datagram fits, two first fragments do not
        Reassembling r(limits);
        r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 600)));
        r.decode(ipv4_fragment(8, k_tcp, 0, true, slice(segment, 0, 600)));
        CHECK(r.stats().evicted_memory_cap == 1);
        check_whole_segment(r.decode(ipv4_fragment(8, k_tcp, 600, false, slice(segment, 600, 420))));
    }
    SUBCASE("a datagram larger than max_bytes alone is dropped, counted, never held past the cap") {
        decode::ReassemblyLimits limits;
        limits.max_bytes = 1000;
        Reassembling r(limits);
        r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 600)));
        CHECK(r.decode(ipv4_fragment(7, k_tcp, 600, false, slice(segment, 600, 420))).cls == PacketClass::ip_fragment);
        CHECK(r.stats().evicted_memory_cap == 1);
        CHECK(r.stats().reassembled == 0);
        CHECK(r.stats().peak_bytes <= 1000);
        r.reassembler.finish();
        CHECK(r.stats().incomplete == 0);  // released when dropped, not left to time out
    }
    SUBCASE("a fragment ending past 65535 bytes (ping of death)") {
        Reassembling r;
        CHECK(r.decode(ipv4_fragment(7, k_tcp, 65528, false, slice(segment, 0, 16))).cls == PacketClass::ip_fragment);
        CHECK(r.stats().too_large == 1);
        r.reassembler.finish();
        CHECK(r.stats().incomplete == 0);
    }
    SUBCASE("a fragment cut by the snap length is not added") {
        Reassembling r;
        // As in Wireshark, a first fragment that cannot be added is dissected alone.
        const auto& p = r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400)), 0, 14 + 20 + 100);
        CHECK(r.stats().truncated_fragments == 1);
        CHECK(p.cls == PacketClass::tcp);
        CHECK(p.fragment_first);
        CHECK_FALSE(p.reassembled);
        CHECK(p.tcp_checksum == ChecksumResult::unverified);
        CHECK(r.decode(ipv4_fragment(7, k_tcp, 400, false, slice(segment, 400, 620))).cls == PacketClass::ip_fragment);
        CHECK(r.stats().reassembled == 0);
        r.reassembler.finish();
        CHECK(r.stats().incomplete == 1);  // the second fragment alone, held to the end
        CHECK(r.stats().incomplete_fragments == 1);
    }
    SUBCASE("no datagram may be held") {
        decode::ReassemblyLimits limits;
        limits.max_datagrams = 0;
        Reassembling r(limits);
        CHECK(r.decode(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400))).cls == PacketClass::ip_fragment);
    }
}

TEST_CASE("an outer fragmented IP-in-IP packet is reassembled, then the tunnel opened") {
    const Frame segment = tcp_segment(1000, 1000);
    // The inner packet: the Ethernet-less IPv4 frame of the whole segment.
    const Frame inner_frame = ipv4_fragment(99, k_tcp, 0, false, segment);
    const Frame inner = slice(inner_frame, 14, inner_frame.size() - 14);
    Reassembling r;
    r.decode(ipv4_fragment(3, k_ipip, 0, true, slice(inner, 0, 512)));
    const auto& p = r.decode(ipv4_fragment(3, k_ipip, 512, false, slice(inner, 512, inner.size() - 512)));
    check_whole_segment(p);
    CHECK(p.tunnel_depth == 1);
}

TEST_CASE("inner fragments inside a tunnel are reassembled too") {
    const Frame segment = tcp_segment(1000, 1000);
    Reassembling r;
    for (const auto& [offset, length, more] : {std::tuple{0U, 512U, true}, std::tuple{512U, 508U, false}}) {
        const Frame inner_frame = ipv4_fragment(99, k_tcp, offset, more, slice(segment, offset, length));
        const Frame inner = slice(inner_frame, 14, inner_frame.size() - 14);
        const auto& p = r.decode(ipv4_fragment(static_cast<std::uint16_t>(offset), k_ipip, 0, false, inner));
        if (more) {
            CHECK(p.cls == PacketClass::ip_fragment);
        } else {
            check_whole_segment(p);
        }
    }
}

TEST_CASE("without a reassembler each fragment is decoded alone (ip.defragment:FALSE)") {
    const Frame segment = tcp_segment(1000, 1000);
    const auto first = decode_ethernet(ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 400)));
    CHECK(first.cls == PacketClass::tcp);
    CHECK(first.fragment_first);
    CHECK(first.ip_fragment);
    CHECK(first.payload_len == 380);
    const auto next = decode_ethernet(ipv4_fragment(7, k_tcp, 400, false, slice(segment, 400, 620)));
    CHECK(next.cls == PacketClass::ip_fragment);
    CHECK_FALSE(next.reassembled);
}

TEST_CASE("every prefix truncation of IPv4 and IPv6 fragment frames") {
    const Frame segment = tcp_segment(1000, 1000);
    for (const Frame& frame : {ipv4_fragment(7, k_tcp, 0, true, slice(segment, 0, 64)),
                               ipv4_fragment(7, k_tcp, 64, true, slice(segment, 64, 64)),
                               ipv6_fragment(7, k_tcp, 0, true, slice(segment, 0, 64)),
                               ipv6_fragment(7, k_tcp, 64, true, slice(segment, 64, 64))}) {
        for (std::size_t caplen = 0; caplen < frame.size(); ++caplen) {
            CAPTURE(caplen);
            Reassembling r;
            const auto& p = r.decode(frame, 0, caplen);
            // Only a cut first fragment whose TCP header was captured shows TCP (decoded alone).
            CHECK((p.cls != PacketClass::tcp || p.fragment_first));
            CHECK(r.stats().reassembled == 0);
            r.reassembler.finish();
            CHECK(r.stats().incomplete == 0);  // a cut fragment is never held
        }
    }
}
