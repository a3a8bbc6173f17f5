// SequenceAnalyzer against Wireshark's rules: relative numbers and one scenario per tcp.analysis flag.
//
// Every scenario below was also written as a pcap and run through TShark 4.0.17 (default
// preferences); the expected seq/ack/flags are what it printed (tcp.seq, tcp.ack, tcp.analysis.*).
#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "tcpvet/analysis/sequence_analyzer.hpp"

namespace {

using tcpvet::DecodedPacket;
using tcpvet::PacketClass;
using tcpvet::analysis::SegmentAnalysis;
using tcpvet::analysis::SegmentFlag;
using tcpvet::analysis::SegmentFlags;
using tcpvet::analysis::SequenceAnalyzer;
namespace tf = tcpvet::tcp_flag;

constexpr std::uint16_t k_syn = tf::syn;
constexpr std::uint16_t k_synack = tf::syn | tf::ack;
constexpr std::uint16_t k_ack = tf::ack;
constexpr std::uint16_t k_pshack = tf::psh | tf::ack;

struct Seg {
    double t_ms = 0;
    unsigned dir = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint16_t flags = 0;
    std::uint16_t window = 0;
    std::uint32_t len = 0;
    int wscale = -1;  // window-scale option shift, -1 when absent
};

DecodedPacket make_packet(std::uint64_t frame, const Seg& s) {
    DecodedPacket p{};
    p.frame = frame;
    p.ts_ns = 1'700'000'000'000'000'000LL + static_cast<std::int64_t>(s.t_ms * 1'000'000.0);
    p.cls = PacketClass::tcp;
    p.tcp.seq = s.seq;
    p.tcp.ack = s.ack;
    p.tcp.flags = s.flags;
    p.tcp.window = s.window;
    p.payload_len = s.len;
    if (s.wscale >= 0) {
        p.tcp.options.has_window_scale = true;
        p.tcp.options.window_scale = static_cast<std::uint8_t>(s.wscale);
    }
    return p;
}

// Feeds the segments in order and returns each result.
std::vector<SegmentAnalysis> run(SequenceAnalyzer& an, std::initializer_list<Seg> segs) {
    std::vector<SegmentAnalysis> out;
    std::uint64_t frame = 1;
    for (const Seg& s : segs) {
        out.push_back(an.analyze(s.dir, make_packet(frame++, s)));
    }
    return out;
}

SegmentFlags flags_of(std::initializer_list<SegmentFlag> list) {
    SegmentFlags f = 0;
    for (SegmentFlag x : list) {
        f |= tcpvet::analysis::bit(x);
    }
    return f;
}

// The handshake used by most scenarios: client ISN 1000, server ISN 5000, initial RTT 20 ms.
constexpr Seg k_hs_syn{0, 0, 1000, 0, k_syn, 64240, 0};
constexpr Seg k_hs_synack{10, 1, 5000, 1001, k_synack, 65535, 0};
constexpr Seg k_hs_ack{20, 0, 1001, 5001, k_ack, 64240, 0};

}  // namespace

TEST_CASE("relative numbers start at 0 on the SYN and 1 for the first data byte") {
    SequenceAnalyzer an;
    const auto r = run(an, {k_hs_syn,
                            k_hs_synack,
                            k_hs_ack,
                            {21, 0, 1001, 5001, k_pshack, 64240, 100},
                            {31, 1, 5001, 1101, k_ack, 65535, 0}});
    CHECK(r[0].rel_seq == 0);
    CHECK(r[0].rel_ack == 0);  // ACK bit clear: the raw field, as tshark shows it
    CHECK(r[1].rel_seq == 0);
    CHECK(r[1].rel_ack == 1);
    CHECK(r[2].rel_seq == 1);
    CHECK(r[2].rel_ack == 1);
    CHECK(r[3].rel_seq == 1);
    CHECK(r[4].rel_ack == 101);
    for (const auto& x : r) {
        CHECK(x.flags == 0);
    }
    CHECK(an.initial_rtt_ns() == 20'000'000);
    // tcp.analysis.ack_rtt: the SYN-ACK acks the SYN after 10 ms, the last ACK the data after 10 ms.
    CHECK(r[1].ack_rtt_ns == 10'000'000);
    CHECK(r[4].ack_rtt_ns == 10'000'000);
    CHECK(r[3].has_bytes_in_flight);
    CHECK(r[3].bytes_in_flight == 100);
    // Karn-safe RTT sample for the client's data, counted on the client's side.
    CHECK(an.direction(0).figures.rtt_samples == 1);
    CHECK(an.direction(0).figures.rtt_min_ns == 10'000'000);
    CHECK(an.direction(0).figures.bytes_in_flight_max == 100);
}

TEST_CASE("a SYN without ACK keeps its raw ack field") {
    SequenceAnalyzer an;
    const auto r = run(an, {{0, 0, 1000, 77, k_syn, 64240, 0}});
    CHECK(r[0].rel_seq == 0);
    CHECK(r[0].rel_ack == 77);
}

TEST_CASE("midstream: base is seq-1, and the reverse base comes from the first ACK field") {
    SequenceAnalyzer an;
    const auto r = run(an, {{0, 0, 7000, 9000, k_pshack, 500, 10},
                            {5, 1, 9000, 7010, k_ack, 600, 0},
                            {6, 1, 9000, 7010, k_pshack, 600, 20}});
    CHECK(r[0].rel_seq == 1);
    CHECK(r[0].rel_ack == 1);  // server base = 9000 - 1 from this very ACK
    CHECK(r[1].rel_seq == 1);
    CHECK(r[1].rel_ack == 11);
    CHECK(r[2].rel_seq == 1);
    CHECK(r[2].flags == 0);
}

TEST_CASE("32-bit wraparound: ISN 2^32-3 with data across the wrap") {
    SequenceAnalyzer an;
    const auto r = run(an, {{0, 0, 0xFFFFFFFDU, 0, k_syn, 64240, 0},
                            {10, 1, 5000, 0xFFFFFFFEU, k_synack, 65535, 0},
                            {20, 0, 0xFFFFFFFEU, 5001, k_ack, 64240, 0},
                            {21, 0, 0xFFFFFFFEU, 5001, k_pshack, 64240, 100},  // bytes 2^32-2 .. 97
                            {22, 0, 0x62, 5001, k_pshack, 64240, 100},         // continues after the wrap
                            {40, 1, 5001, 0xC6, k_ack, 65535, 0}});
    CHECK(r[3].rel_seq == 1);
    CHECK(r[4].rel_seq == 101);
    CHECK(r[5].rel_ack == 201);
    for (const auto& x : r) {
        CHECK(x.flags == 0);  // no lost segment, retransmission or unseen ACK at the wrap
    }
    CHECK(r[4].bytes_in_flight == 200);
    CHECK(r[5].ack_rtt_ns == 18'000'000);
}

TEST_CASE("retransmission: data resent after the out-of-order threshold") {
    SequenceAnalyzer an;
    const auto r = run(an, {k_hs_syn,
                            k_hs_synack,
                            k_hs_ack,
                            {21, 0, 1001, 5001, k_pshack, 64240, 100},
                            {300, 0, 1001, 5001, k_pshack, 64240, 100}});
    CHECK(r[4].flags == flags_of({SegmentFlag::retransmission}));
    CHECK(an.direction(0).figures.flag_counts[0] == 1);
}

TEST_CASE("lost segment, then out-of-order within the initial RTT") {
    SequenceAnalyzer an;
    const auto r = run(an, {k_hs_syn,
                            k_hs_synack,
                            k_hs_ack,
                            {21, 0, 1001, 5001, k_pshack, 64240, 100},
                            {22, 0, 1201, 5001, k_pshack, 64240, 100},
                            {23, 0, 1101, 5001, k_pshack, 64240, 100}});
    CHECK(r[4].flags == flags_of({SegmentFlag::lost_segment}));
    CHECK(!r[4].has_bytes_in_flight);  // bytes in flight off after a hole
    CHECK(r[5].flags == flags_of({SegmentFlag::out_of_order}));
}

TEST_CASE("duplicate ACKs and a fast retransmission") {
    SequenceAnalyzer an;
    const auto r = run(an, {k_hs_syn,
                            k_hs_synack,
                            k_hs_ack,
                            {21, 0, 1001, 5001, k_pshack, 64240, 100},
                            {22, 0, 1101, 5001, k_pshack, 64240, 100},
                            {23, 0, 1201, 5001, k_pshack, 64240, 100},
                            {30, 1, 5001, 1101, k_ack, 65535, 0},
                            {31, 1, 5001, 1101, k_ack, 65535, 0},
                            {32, 1, 5001, 1101, k_ack, 65535, 0},
                            {33, 0, 1101, 5001, k_pshack, 64240, 100}});
    CHECK(r[5].bytes_in_flight == 300);
    CHECK(r[6].flags == 0);
    CHECK(r[6].ack_rtt_ns == 9'000'000);
    CHECK(r[7].flags == flags_of({SegmentFlag::duplicate_ack}));
    CHECK(r[7].dup_ack_num == 1);
    CHECK(r[8].dup_ack_num == 2);
    // tshark shows tcp.analysis.retransmission with every fast retransmission.
    CHECK(r[9].flags == flags_of({SegmentFlag::fast_retransmission, SegmentFlag::retransmission}));
    CHECK(r[9].bytes_in_flight == 200);
    CHECK(an.direction(1).figures.flag_counts[static_cast<int>(SegmentFlag::duplicate_ack)] == 2);
}

TEST_CASE("spurious retransmission: data the receiver already acknowledged") {
    SequenceAnalyzer an;
    const auto r = run(an, {k_hs_syn,
                            k_hs_synack,
                            k_hs_ack,
                            {21, 0, 1001, 5001, k_pshack, 64240, 100},
                            {30, 1, 5001, 1101, k_ack, 65535, 0},
                            {300, 0, 1001, 5001, k_pshack, 64240, 100}});
    CHECK(r[5].flags == flags_of({SegmentFlag::spurious_retransmission, SegmentFlag::retransmission}));
}

TEST_CASE("spurious is tested before out-of-order") {
    SequenceAnalyzer an;
    const auto r = run(an, {k_hs_syn,
                            k_hs_synack,
                            k_hs_ack,
                            {100, 0, 1001, 5001, k_pshack, 64240, 100},
                            {101, 0, 1101, 5001, k_pshack, 64240, 100},
                            {101.5, 1, 5001, 1201, k_ack, 65535, 0},
                            {102, 0, 1001, 5001, k_pshack, 64240, 100}});
    CHECK(r[6].flags == flags_of({SegmentFlag::spurious_retransmission, SegmentFlag::retransmission}));
}

TEST_CASE("a FIN resent soon is a retransmission, not out-of-order (its end counts the FIN)") {
    SequenceAnalyzer an;
    const auto r = run(an, {k_hs_syn,
                            k_hs_synack,
                            k_hs_ack,
                            {100, 0, 1001, 5001, static_cast<std::uint16_t>(k_pshack | tf::fin), 64240, 100},
                            {101, 0, 1101, 5001, static_cast<std::uint16_t>(k_ack | tf::fin), 64240, 0}});
    CHECK(r[4].flags == flags_of({SegmentFlag::retransmission}));
}

TEST_CASE("zero window, zero window probe and its ACK") {
    SequenceAnalyzer an;
    const auto r = run(an, {k_hs_syn,
                            k_hs_synack,
                            k_hs_ack,
                            {21, 0, 1001, 5001, k_pshack, 64240, 100},
                            {30, 1, 5001, 1101, k_ack, 0, 0},
                            {40, 0, 1101, 5001, k_pshack, 64240, 1},
                            {50, 1, 5001, 1101, k_ack, 0, 0}});
    CHECK(r[4].flags == flags_of({SegmentFlag::zero_window}));
    CHECK(r[5].flags == flags_of({SegmentFlag::zero_window_probe}));
    CHECK(r[6].flags == flags_of({SegmentFlag::zero_window, SegmentFlag::zero_window_probe_ack}));
}

TEST_CASE("window update") {
    SequenceAnalyzer an;
    const auto r = run(an, {k_hs_syn,
                            k_hs_synack,
                            k_hs_ack,
                            {21, 0, 1001, 5001, k_pshack, 64240, 100},
                            {30, 1, 5001, 1101, k_ack, 65535, 0},
                            {40, 1, 5001, 1101, k_ack, 32768, 0}});
    CHECK(r[5].flags == flags_of({SegmentFlag::window_update}));
}

TEST_CASE("keep-alive and keep-alive ACK") {
    SequenceAnalyzer an;
    const auto r = run(an, {k_hs_syn,
                            k_hs_synack,
                            k_hs_ack,
                            {21, 0, 1001, 5001, k_pshack, 64240, 100},
                            {30, 1, 5001, 1101, k_ack, 65535, 0},
                            {1000, 0, 1100, 5001, k_ack, 64240, 0},
                            {1010, 1, 5001, 1101, k_ack, 65535, 0}});
    CHECK(r[5].rel_seq == 100);
    CHECK(r[5].flags == flags_of({SegmentFlag::keep_alive}));
    CHECK(r[6].flags == flags_of({SegmentFlag::keep_alive_ack}));
}

TEST_CASE("window full, scaling unknown until both SYNs, unscaled before the peer's first ACK") {
    SUBCASE("no window scale options: raw windows") {
        SequenceAnalyzer an;
        const auto r = run(an, {k_hs_syn,
                                k_hs_synack,
                                k_hs_ack,
                                {15, 1, 5001, 1001, k_ack, 200, 0},
                                {21, 0, 1001, 5001, k_pshack, 64240, 200}});
        CHECK(r[3].flags == flags_of({SegmentFlag::window_update}));
        CHECK(r[4].flags == flags_of({SegmentFlag::window_full}));
    }
    SUBCASE("scaled: the SYN-ACK's window is used as is (issue 14690)") {
        SequenceAnalyzer an;
        const auto r = run(an, {{0, 0, 1000, 0, k_syn, 64240, 0, 7},
                                {10, 1, 5000, 1001, k_synack, 50, 0, 2},
                                {20, 0, 1001, 5001, k_pshack, 64240, 50}});
        CHECK(r[2].flags == flags_of({SegmentFlag::window_full}));
        CHECK(an.direction(0).window_scale == 7);
        CHECK(an.direction(1).window_scale == 2);
    }
    SUBCASE("scaled: 200 bytes do not fill 50 << 0") {
        SequenceAnalyzer an;
        const auto r = run(an, {{0, 0, 1000, 0, k_syn, 64240, 0, 7},
                                {10, 1, 5000, 1001, k_synack, 50, 0, 2},
                                {20, 0, 1001, 5001, k_pshack, 64240, 200}});
        CHECK(r[2].flags == 0);
    }
    SUBCASE("midstream: scaling unknown, never window full") {
        SequenceAnalyzer an;
        const auto r = run(an, {{0, 1, 5001, 1001, k_ack, 200, 0}, {1, 0, 1001, 5001, k_pshack, 64240, 200}});
        CHECK(an.direction(1).window_scale == -1);
        CHECK(r[1].flags == 0);
    }
}

TEST_CASE("ACKed unseen segment: reported once per hole") {
    SUBCASE("contiguous sender: the first ACK beyond it only") {
        SequenceAnalyzer an;
        const auto r = run(an, {k_hs_syn,
                                k_hs_synack,
                                k_hs_ack,
                                {21, 0, 1001, 5001, k_pshack, 64240, 100},
                                {30, 1, 5001, 1301, k_pshack, 65535, 50},
                                {31, 1, 5051, 1301, k_pshack, 65535, 50},
                                {32, 1, 5101, 1401, k_pshack, 65535, 50}});
        CHECK(r[4].flags == flags_of({SegmentFlag::ack_lost_segment}));
        CHECK(r[5].flags == 0);
        CHECK(r[6].flags == 0);
    }
    SUBCASE("sender with a hole: once for the hole, once past nextseq") {
        SequenceAnalyzer an;
        const auto r = run(an, {k_hs_syn,
                                k_hs_synack,
                                k_hs_ack,
                                {21, 0, 1001, 5001, k_pshack, 64240, 100},
                                {22, 0, 1201, 5001, k_pshack, 64240, 100},
                                {30, 1, 5001, 1401, k_pshack, 65535, 50},
                                {31, 1, 5051, 1401, k_pshack, 65535, 50},
                                {32, 1, 5101, 1401, k_pshack, 65535, 50}});
        CHECK(r[4].flags == flags_of({SegmentFlag::lost_segment}));
        CHECK(r[5].flags == flags_of({SegmentFlag::ack_lost_segment}));
        CHECK(r[6].flags == flags_of({SegmentFlag::ack_lost_segment}));
        CHECK(r[7].flags == 0);
    }
    SUBCASE("a pure ACK repeating it is a duplicate ACK #1") {
        SequenceAnalyzer an;
        const auto r = run(an, {k_hs_syn,
                                k_hs_synack,
                                k_hs_ack,
                                {21, 0, 1001, 5001, k_pshack, 64240, 100},
                                {30, 1, 5001, 1301, k_ack, 65535, 0},
                                {31, 1, 5001, 1301, k_ack, 65535, 0}});
        CHECK(r[4].flags == flags_of({SegmentFlag::ack_lost_segment}));
        CHECK(r[5].flags == flags_of({SegmentFlag::duplicate_ack}));
        CHECK(r[5].dup_ack_num == 1);
    }
}

TEST_CASE("SYN resent with the same ISN is a retransmission, a SYN-ACK with a new ISN rebases") {
    SUBCASE("SYN again") {
        SequenceAnalyzer an;
        const auto r =
            run(an, {k_hs_syn, {1000, 0, 1000, 0, k_syn, 64240, 0}, {1010, 1, 5000, 1001, k_synack, 65535, 0}});
        CHECK(r[1].flags == flags_of({SegmentFlag::retransmission}));
        CHECK(r[2].ack_rtt_ns == 1'010'000'000);  // Wireshark times from the original SYN
    }
    SUBCASE("new SYN-ACK") {
        SequenceAnalyzer an;
        const auto r = run(
            an,
            {k_hs_syn, k_hs_synack, {500, 1, 6000, 1001, k_synack, 65535, 0}, {510, 0, 1001, 6001, k_ack, 64240, 0}});
        CHECK(r[2].rel_seq == 0);
        CHECK(r[2].flags == flags_of({SegmentFlag::lost_segment, SegmentFlag::reused_ports}));
        CHECK(r[3].rel_ack == 1);
        CHECK(r[3].flags == flags_of({SegmentFlag::ack_lost_segment}));
    }
}

TEST_CASE("Karn: no RTT sample from retransmitted data") {
    SequenceAnalyzer an;
    run(an, {k_hs_syn,
             k_hs_synack,
             k_hs_ack,
             {21, 0, 1001, 5001, k_pshack, 64240, 100},
             {300, 0, 1001, 5001, k_pshack, 64240, 100},
             {310, 1, 5001, 1101, k_ack, 65535, 0}});
    CHECK(an.direction(0).figures.rtt_samples == 0);
    CHECK(an.direction(0).figures.rtt_mean_ns() == -1);
}

TEST_CASE("the unacked ring merges when full and keeps the bytes-in-flight span") {
    SequenceAnalyzer an;
    std::uint64_t frame = 1;
    for (const Seg& s : {k_hs_syn, k_hs_synack, k_hs_ack}) {
        an.analyze(s.dir, make_packet(frame++, s));
    }
    SegmentAnalysis last{};
    for (std::uint32_t i = 0; i < 40; ++i) {
        last = an.analyze(0, make_packet(frame++, Seg{21.0 + i, 0, 1001 + 100 * i, 5001, k_pshack, 64240, 100}));
    }
    CHECK(last.flags == 0);
    CHECK(last.bytes_in_flight == 4000);
    CHECK(an.direction(0).unacked_count == tcpvet::analysis::SequenceDirection::k_max_unacked);
    const auto ack = an.analyze(1, make_packet(frame++, Seg{100, 1, 5001, 1001 + 4000, k_ack, 65535, 0}));
    CHECK(ack.ack_rtt_ns == 40'000'000);  // from the last segment (sent at 60 ms)
    CHECK(an.direction(0).unacked_count == 0);
}
