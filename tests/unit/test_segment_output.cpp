// `tcpvet packets` output, one segment at a time: the JSON record (members in name order, options
// as sent) and the text line, for segments whose every field was set by hand.
#include <doctest/doctest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "tcpvet/flow/tracker.hpp"
#include "tcpvet/report/json_report.hpp"
#include "tcpvet/report/text_report.hpp"
#include "test_decode_support.hpp"

namespace {

using tcpvet::DecodedPacket;
using tcpvet::flow::SegmentInfo;
using tcpvet::flow::TcpState;

using tcpvet::test_support::ipv4;

// Frame 47 of the README: the responder's retransmitted 1000 bytes, no options.
DecodedPacket retransmission() {
    DecodedPacket packet;
    packet.frame = 47;
    packet.ts_ns = 1'767'225'601'358'000'000;
    packet.cls = tcpvet::PacketClass::tcp;
    packet.src = ipv4(192, 0, 2, 10);
    packet.dst = ipv4(198, 51, 100, 7);
    packet.tcp.src_port = 8000;
    packet.tcp.dst_port = 51006;
    packet.tcp.seq = 75001;
    packet.tcp.ack = 70101;
    packet.tcp.flags = tcpvet::tcp_flag::psh | tcpvet::tcp_flag::ack;
    packet.tcp.window = 502;
    packet.tcp_checksum = tcpvet::ChecksumResult::ok;
    packet.payload_len = 1000;
    return packet;
}

SegmentInfo retransmission_info() {
    SegmentInfo info;
    info.stream = 6;
    info.side = 1;
    info.analysis.rel_seq = 1;
    info.analysis.rel_ack = 101;
    info.analysis.flags = tcpvet::analysis::SegmentFlags{1}
                          << static_cast<unsigned>(tcpvet::analysis::SegmentFlag::retransmission);
    info.analysis.bytes_in_flight = 1000;
    info.analysis.has_bytes_in_flight = true;
    info.state_after = {TcpState::established, TcpState::established};
    return info;
}

}  // namespace

TEST_SUITE("segment_output") {
    TEST_CASE("a segment record: every member, in name order") {
        std::string out = "x";  // appended to, not replaced
        tcpvet::report::append_segment_record(out, retransmission(), retransmission_info());
        CHECK(out ==
              R"(x{"ack":70101,"analysis":["retransmission"],"bytes_in_flight":1000,"checksum":"ok","dport":51006,)"
              R"("dst":"198.51.100.7","flags":"PSH,ACK","frame":47,"len":1000,"options":{},"rel_ack":101,"rel_seq":1,)"
              R"("seq":75001,"side":"responder","sport":8000,"src":"192.0.2.10","state_after":["ESTABLISHED",)"
              R"("ESTABLISHED"],"stream":6,"time":1767225601.358,"time_ns":1767225601358000000,"window":502})");
    }

    TEST_CASE("a segment record: every option, the optional members, a cut segment") {
        DecodedPacket packet = retransmission();
        tcpvet::TcpOptions& options = packet.tcp.options;
        options.has_mss = true;
        options.mss = 1460;
        options.has_window_scale = true;
        options.window_scale = 7;
        options.sack_permitted = true;
        options.has_timestamps = true;
        options.ts_val = 100;
        options.ts_ecr = 200;
        options.sack_count = 2;
        options.sack[0] = {10, 20};
        options.sack[1] = {30, 40};
        options.other_count = 1;
        options.other[0].kind = 30;
        options.other[0].length = 4;
        options.malformed = true;
        packet.truncated_at = tcpvet::Layer::tcp_options;
        packet.ts_ns = 1'767'225'600'000'000'000;  // a whole second: no fraction
        SegmentInfo info = retransmission_info();
        info.analysis.flags = 0;
        info.analysis.has_bytes_in_flight = false;
        info.analysis.dup_ack_num = 3;
        info.analysis.ack_rtt_ns = 8'000;
        std::string out;
        tcpvet::report::append_segment_record(out, packet, info);
        CHECK(
            out ==
            R"({"ack":70101,"ack_rtt_s":8e-06,"analysis":[],"checksum":"ok","dport":51006,"dst":"198.51.100.7",)"
            R"("dup_ack_num":3,"flags":"PSH,ACK","frame":47,"len":1000,"options":{"malformed":true,"mss":1460,)"
            R"("other":[{"kind":30,"length":4}],"sack":[[10,20],[30,40]],"sack_permitted":true,"timestamps":[100,200],)"
            R"("window_scale":7},"rel_ack":101,"rel_seq":1,"seq":75001,"side":"responder","sport":8000,)"
            R"("src":"192.0.2.10","state_after":["ESTABLISHED","ESTABLISHED"],"stream":6,"time":1767225600,)"
            R"("time_ns":1767225600000000000,"truncated":true,"window":502})");
        CHECK(nlohmann::json::parse(out)["options"].size() == 7);
    }

    TEST_CASE("a text line, plain and coloured") {
        DecodedPacket packet = retransmission();
        packet.tcp.options.has_timestamps = true;
        packet.tcp.options.ts_val = 100;
        packet.tcp.options.ts_ecr = 200;
        packet.tcp.options.sack_count = 1;
        packet.tcp.options.sack[0] = {10, 20};
        std::string out;
        tcpvet::report::append_packet_line(out, packet, retransmission_info(), packet.ts_ns - 207'000'000,
                                           tcpvet::report::TextStyle{});
        CHECK(out ==
              "    47    0.207000    6 192.0.2.10:8000 > 198.51.100.7:51006 [PSH,ACK] seq=1 ack=101 len=1000 "
              "win=502 (raw seq=75001 ack=70101) <ts=100/200 sack=10-20> [retransmission]");
        out.clear();
        packet.tcp_checksum = tcpvet::ChecksumResult::bad;
        tcpvet::report::append_packet_line(out, packet, retransmission_info(), packet.ts_ns,
                                           tcpvet::report::TextStyle{true, 80});
        CHECK(out ==
              "    47    0.000000    6 192.0.2.10:8000 > 198.51.100.7:51006 [\x1b[32mPSH,ACK\x1b[0m] seq=1 "
              "ack=101 len=1000 win=502 (raw seq=75001 ack=70101) <ts=100/200 sack=10-20> "
              "\x1b[31m[retransmission]\x1b[0m [bad checksum]");
    }

    TEST_CASE("a text line's head reads as printf(\"%6llu %11.6f %4u \") makes it, halfway microseconds included") {
        DecodedPacket packet = retransmission();
        SegmentInfo info = retransmission_info();
        const auto head_by_printf = [](std::uint64_t frame, std::int64_t ns, std::uint32_t stream) {
            char text[96];
            const int length =
                std::snprintf(text, sizeof(text), "%6llu %11.6f %4u ", static_cast<unsigned long long>(frame),
                              static_cast<double>(ns) / 1e9, stream);
            return std::string(text, static_cast<std::size_t>(length));
        };
        std::size_t mismatches = 0;
        std::uint64_t state = 7;
        for (int i = 0; i < 200'000; ++i) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;       // Knuth's MMIX LCG
            const unsigned width = 1 + static_cast<unsigned>((state >> 58) % 62);  // every magnitude
            std::int64_t ns = static_cast<std::int64_t>((state >> 1) >> (63 - width));
            if (i % 4 == 1) ns = ns / 1000 * 1000 + 500;  // exactly halfway between microseconds
            if (i % 4 == 2) ns = -ns;                     // a frame earlier than the first
            packet.frame = state % 10'000'000'000ULL >> (state % 30);
            info.stream = static_cast<std::uint32_t>(state >> 40) >> (state % 25);
            std::string out;
            tcpvet::report::append_packet_line(out, packet, info, packet.ts_ns - ns, tcpvet::report::TextStyle{});
            const std::string expected = head_by_printf(packet.frame, ns, info.stream);
            if (out.compare(0, expected.size(), expected) != 0 && mismatches++ < 5) {
                MESSAGE("head mismatch at ns=" << ns << ": " << out.substr(0, expected.size()) << " vs " << expected);
            }
        }
        CHECK(mismatches == 0);
    }
}
