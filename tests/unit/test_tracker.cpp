// The tracker's life-cycle rules: idle timeout and resumption, port reuse, eviction at the caps.
#include <doctest/doctest.h>

#include <vector>

#include "tcpvet/flow/tracker.hpp"
#include "test_decode_support.hpp"

namespace {

using namespace tcpvet;
using namespace tcpvet::flow;

constexpr std::int64_t k_second = 1'000'000'000;

IpAddress v4(std::uint8_t last) { return test_support::ipv4(192, 0, 2, last); }

// One TCP segment from (client_last, client_port) to the server 192.0.2.1:80, or back.
DecodedPacket segment(std::uint64_t frame, std::int64_t ts_ns, std::uint8_t client_last, std::uint16_t client_port,
                      bool from_client, std::uint16_t flags, std::uint32_t seq, std::uint32_t ack, std::uint32_t len) {
    DecodedPacket packet;
    packet.cls = PacketClass::tcp;
    packet.frame = frame;
    packet.ts_ns = ts_ns;
    packet.ip_version = 4;
    packet.wire_len = 54 + len;
    packet.src = from_client ? v4(client_last) : v4(1);
    packet.dst = from_client ? v4(1) : v4(client_last);
    packet.tcp.src_port = from_client ? client_port : 80;
    packet.tcp.dst_port = from_client ? 80 : client_port;
    packet.tcp.flags = flags;
    packet.tcp.seq = seq;
    packet.tcp.ack = ack;
    packet.tcp.data_offset = 5;
    packet.tcp.window = 1000;
    packet.payload_len = len;
    return packet;
}

struct Recorder : TrackerObserver {
    struct Ended {
        std::uint32_t stream;
        analysis::EndReason reason;
        bool resumed;
        std::uint32_t reused_from;
        analysis::HandshakeVerdict handshake;
        std::uint64_t packets;
    };
    std::vector<Ended> ended;
    std::vector<std::uint32_t> segment_streams;
    void on_segment(const DecodedPacket&, const SegmentInfo& info) override { segment_streams.push_back(info.stream); }
    void on_conversation_end(const Conversation& c) override {
        ended.push_back({c.stream, c.end_reason, c.resumed, c.reused_from_stream, c.handshake, c.packets()});
    }
};

constexpr std::uint16_t syn = tcp_flag::syn;
constexpr std::uint16_t ack = tcp_flag::ack;
constexpr std::uint16_t psh = tcp_flag::psh;
constexpr std::uint16_t fin = tcp_flag::fin;

// SYN, SYN-ACK, ACK, 10 bytes of data and its ACK: frames first..first+4 at ts.
std::uint64_t handshake_and_data(Tracker& tracker, std::uint64_t frame, std::int64_t ts, std::uint8_t client,
                                 std::uint16_t port, std::uint32_t isn) {
    tracker.process(segment(frame++, ts, client, port, true, syn, isn, 0, 0));
    tracker.process(segment(frame++, ts + 1000, client, port, false, syn | ack, 9000, isn + 1, 0));
    tracker.process(segment(frame++, ts + 2000, client, port, true, ack, isn + 1, 9001, 0));
    tracker.process(segment(frame++, ts + 3000, client, port, true, psh | ack, isn + 1, 9001, 10));
    tracker.process(segment(frame++, ts + 4000, client, port, false, ack, 9001, isn + 11, 0));
    return frame;
}

}  // namespace

TEST_SUITE("tracker") {
    TEST_CASE("an idle conversation ends by timeout and resumes under the same stream") {
        Recorder recorder;
        TrackerOptions options;
        options.idle_timeout_ns = 60 * k_second;
        Tracker tracker(options, recorder);
        std::uint64_t frame = handshake_and_data(tracker, 1, 0, 10, 40000, 1000);
        // 10 minutes later the client sends more data, continuing its sequence numbers.
        tracker.process(segment(frame++, 600 * k_second, 10, 40000, true, psh | ack, 1011, 9001, 10));
        tracker.finish();
        REQUIRE(recorder.ended.size() == 2);
        CHECK(recorder.ended[0].reason == analysis::EndReason::idle_timeout);
        CHECK(recorder.ended[0].stream == 0);
        CHECK(recorder.ended[1].stream == 0);
        CHECK(recorder.ended[1].resumed);
        CHECK(tracker.streams() == 1);
        CHECK(tracker.stats().resumed == 1);
    }

    TEST_CASE("a SYN with a new ISN after a close starts a new stream, linked as port reuse") {
        Recorder recorder;
        Tracker tracker(TrackerOptions{}, recorder);
        std::uint64_t frame = handshake_and_data(tracker, 1, 0, 10, 40000, 1000);
        tracker.process(segment(frame++, 10'000, 10, 40000, true, fin | ack, 1011, 9001, 0));
        tracker.process(segment(frame++, 11'000, 10, 40000, false, fin | ack, 9001, 1012, 0));
        tracker.process(segment(frame++, 12'000, 10, 40000, true, ack, 1012, 9002, 0));
        handshake_and_data(tracker, frame, 2 * k_second, 10, 40000, 777'000);
        tracker.finish();
        REQUIRE(recorder.ended.size() == 2);
        CHECK(recorder.ended[0].reason == analysis::EndReason::port_reuse);
        CHECK(recorder.ended[1].stream == 1);
        CHECK(recorder.ended[1].reused_from == 0);
        CHECK(recorder.ended[1].handshake == analysis::HandshakeVerdict::complete);
        CHECK(recorder.segment_streams.back() == 1);
    }

    TEST_CASE("at the record cap the least recently active records are evicted and counted") {
        Recorder recorder;
        TrackerOptions options;
        options.max_records = 32;
        options.max_conversations = 32;
        options.idle_timeout_ns = 3600 * k_second;
        Tracker tracker(options, recorder);
        std::uint64_t frame = 1;
        // 100 complete conversations, then an idle one resumes while the table is full.
        for (std::uint16_t i = 0; i < 100; ++i) {
            frame = handshake_and_data(tracker, frame, i * k_second, static_cast<std::uint8_t>(10 + i % 200),
                                       static_cast<std::uint16_t>(41000 + i), 5000 + i);
        }
        // Conversation 0 (evicted long ago, remembered by its tombstone) continues: it resumes
        // under stream 0 while the table is full, so making room runs with the tombstone in hand.
        tracker.process(segment(frame++, 101 * k_second, 10, 41000, true, psh | ack, 5011, 9001, 10));
        tracker.finish();
        std::uint64_t evicted = 0;
        std::uint64_t packets = 0;
        for (const auto& e : recorder.ended) {
            if (e.reason == analysis::EndReason::evicted) ++evicted;
            packets += e.packets;
        }
        CHECK(evicted > 0);
        CHECK(evicted == tracker.stats().evicted_record_cap + tracker.stats().evicted_conversation_cap);
        CHECK(recorder.ended.size() == 101);  // every conversation accounted for, evicted or not
        CHECK(packets == 501);
        bool resumed_zero = false;
        for (const auto& e : recorder.ended) resumed_zero = resumed_zero || (e.resumed && e.stream == 0);
        CHECK(resumed_zero);
        CHECK(tracker.stats().peak_records <= 32);
    }

    TEST_CASE("a sweep ends what is due in stream order: closed ones after the linger, idle ones after the timeout") {
        Recorder recorder;
        TrackerOptions options;
        options.idle_timeout_ns = 100 * k_second;
        options.closed_linger_ns = 10 * k_second;
        Tracker tracker(options, recorder);
        // Stream 0 stays open and idle; stream 1 closes at once; stream 2 is a lone SYN (compact).
        std::uint64_t frame = handshake_and_data(tracker, 1, 0, 10, 40000, 1000);
        frame = handshake_and_data(tracker, frame, 1 * k_second, 11, 40001, 5000);
        tracker.process(segment(frame++, 2 * k_second, 11, 40001, true, fin | ack, 5011, 9001, 0));
        tracker.process(segment(frame++, 2 * k_second, 11, 40001, false, fin | ack, 9001, 5012, 0));
        tracker.process(segment(frame++, 2 * k_second, 11, 40001, true, ack, 5012, 9002, 0));
        tracker.process(segment(frame++, 3 * k_second, 12, 40002, true, syn, 7000, 0, 0));
        // 30 s on, only the closed one is due (linger 10 s).
        tracker.process(segment(frame++, 30 * k_second, 13, 40003, true, syn, 8000, 0, 0));
        REQUIRE(recorder.ended.size() == 1);
        CHECK(recorder.ended[0].stream == 1);
        CHECK(recorder.ended[0].reason == analysis::EndReason::closed);
        // 110 s: streams 0 (data at 0 s) and 2 (SYN at 3 s) are idle past 100 s; stream 3 (30 s) is not.
        tracker.sweep_at(110 * k_second);
        REQUIRE(recorder.ended.size() == 3);
        CHECK(recorder.ended[1].stream == 0);
        CHECK(recorder.ended[1].reason == analysis::EndReason::idle_timeout);
        CHECK(recorder.ended[2].stream == 2);
        CHECK(recorder.ended[2].reason == analysis::EndReason::idle_timeout);
        tracker.finish();
        REQUIRE(recorder.ended.size() == 4);
        CHECK(recorder.ended[3].stream == 3);
        CHECK(recorder.ended[3].reason == analysis::EndReason::end_of_capture);
    }

    TEST_CASE("an attempt promoted and ended by the same packet (a SYN with data and a new ISN)") {
        // Found by fuzz_pipeline: the promoted record ended before it was ever scheduled for a sweep.
        Recorder recorder;
        Tracker tracker(TrackerOptions{}, recorder);
        tracker.process(segment(1, 0, 10, 40000, true, syn, 1000, 0, 0));
        tracker.process(segment(2, 1000, 10, 40000, true, syn, 5000, 0, 10));
        tracker.finish();
        REQUIRE(recorder.ended.size() == 2);
        CHECK(recorder.ended[0].stream == 0);
        CHECK(recorder.ended[0].reason == analysis::EndReason::port_reuse);
        CHECK(recorder.ended[1].stream == 1);
        CHECK(recorder.ended[1].reused_from == 0);
    }

    TEST_CASE("a flood of bare SYNs stays compact and is counted exactly") {
        struct Counter : TrackerObserver {
            std::uint64_t half_open = 0;
            void on_half_open_end(const HalfOpen&, const Conversation*) override { ++half_open; }
            bool wants_half_open_conversation() override { return false; }
        } counter;
        Tracker tracker(TrackerOptions{}, counter);
        for (std::uint32_t i = 0; i < 5000; ++i) {
            tracker.process(segment(i + 1, i * 1000, static_cast<std::uint8_t>(i % 250),
                                    static_cast<std::uint16_t>(1024 + i), true, syn, i * 7919U, 0, 0));
        }
        tracker.finish();
        CHECK(counter.half_open == 5000);
        CHECK(tracker.stats().half_open_created == 5000);
        CHECK(tracker.stats().conversations == 0);
        CHECK(tracker.streams() == 5000);
    }
}
