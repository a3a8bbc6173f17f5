// StreamReassembler: order, overlaps (first-wins), gaps, snaplen, caps, accounting mode, sequence wrap.
//
// As libtins' tests/src/tcp_ip_test.cpp does, every scenario is replayed with the stream's ISN at
// 0, 2^31 and 2^32-3 (the last wraps the 32-bit sequence space two bytes into the stream).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tcpvet/flow/reassembler.hpp"

namespace {

using tcpvet::Bytes;
using tcpvet::flow::ReassemblyBudget;
using tcpvet::flow::ReassemblyFigures;
using tcpvet::flow::ReassemblyLimits;
using tcpvet::flow::StreamReassembler;
using tcpvet::flow::StreamSink;

constexpr std::array<std::uint32_t, 3> k_isns{0U, 0x80000000U, 0xFFFFFFFDU};

// The stream used by most cases: 100 distinct-looking bytes.
std::string payload() {
    std::string text;
    for (int i = 0; i < 100; ++i) text.push_back(static_cast<char>('!' + (i * 7) % 90));
    return text;
}

Bytes as_bytes(const std::string& text) { return {reinterpret_cast<const std::byte*>(text.data()), text.size()}; }

// Rebuilds the stream as text; a gap becomes '~' per missing byte. Checks that every event starts
// where the previous one ended (the sink contract).
class Recorder : public StreamSink {
public:
    void on_stream_data(std::uint64_t offset, Bytes data) override {
        CHECK(offset == m_next);
        CHECK(!data.empty());
        for (std::byte b : data) text.push_back(static_cast<char>(b));
        m_next = offset + data.size();
        pointers.push_back(data.data());
    }
    void on_stream_gap(std::uint64_t offset, std::uint64_t length) override {
        CHECK(offset == m_next);
        CHECK(length > 0);
        gaps.push_back({offset, length});
        text.append(static_cast<std::size_t>(length), '~');
        m_next = offset + length;
    }

    std::string text;
    std::vector<std::array<std::uint64_t, 2>> gaps;  // {offset, length}
    std::vector<const std::byte*> pointers;

private:
    std::uint64_t m_next = 0;
};

// One direction starting at ISN `isn` (first byte isn+1); segments named by stream offset.
struct Harness {
    explicit Harness(std::uint32_t isn_, bool byte_mode_ = true) : isn(isn_), byte_mode(byte_mode_) {
        stream.start(isn + 1);
    }
    void add(std::uint64_t offset, const std::string& bytes) { add_cut(offset, bytes, bytes.size()); }
    void add_cut(std::uint64_t offset, const std::string& bytes, std::size_t captured) {
        keep.push_back(bytes);
        const std::string& kept = keep.back();
        const Bytes all = as_bytes(kept);
        stream.add(seq_of(offset), static_cast<std::uint32_t>(bytes.size()), byte_mode ? all.first(captured) : Bytes{},
                   limits, *budget, byte_mode ? &sink : nullptr);
    }
    // A slice of the shared payload (zero-copy check: the pointer handed out is the caller's).
    void add_slice(const std::string& text, std::size_t from, std::size_t to) {
        const Bytes all = as_bytes(text);
        stream.add(seq_of(from), static_cast<std::uint32_t>(to - from),
                   byte_mode ? all.subspan(from, to - from) : Bytes{}, limits, *budget, byte_mode ? &sink : nullptr);
    }
    void ack(std::uint64_t offset) { stream.acknowledged(seq_of(offset), *budget, byte_mode ? &sink : nullptr); }
    void finish() { stream.finish(*budget, byte_mode ? &sink : nullptr); }
    [[nodiscard]] std::uint32_t seq_of(std::uint64_t offset) const {
        return static_cast<std::uint32_t>(isn + 1 + offset);
    }
    [[nodiscard]] const ReassemblyFigures& figures() const { return stream.figures(); }

    std::uint32_t isn;
    bool byte_mode;
    StreamReassembler stream;
    Recorder sink;
    ReassemblyLimits limits{};
    ReassemblyBudget own_budget{};
    ReassemblyBudget* budget = &own_budget;
    std::vector<std::string> keep;  // segments live as long as the harness (packets outlive delivery)
};

// The 100-byte payload cut in 10-byte segments, in the given order.
void feed(Harness& h, const std::string& text, const std::vector<int>& order) {
    for (int index : order) {
        const auto from = static_cast<std::size_t>(index) * 10;
        h.add_slice(text, from, from + 10);
    }
}

}  // namespace

TEST_SUITE("reassembler") {
    TEST_CASE("in-order segments pass straight through without copies") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            Harness h(isn);
            feed(h, text, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
            CHECK(h.sink.text == text);
            REQUIRE(h.sink.pointers.size() == 10);
            for (std::size_t i = 0; i < 10; ++i) {
                CHECK(h.sink.pointers[i] == as_bytes(text).data() + i * 10);  // the packet's own bytes
            }
            h.finish();
            CHECK(h.sink.text == text);
            CHECK(h.figures().delivered_bytes == 100);
            CHECK(h.figures().out_of_order_segments == 0);
            CHECK(h.figures().buffered_peak == 0);
            CHECK(h.figures().gaps == 0);
            CHECK(h.budget->used == 0);
        }
    }

    TEST_CASE("reordered segments are buffered and delivered in order") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            Harness h(isn);
            feed(h, text, {1, 0, 3, 2, 5, 4, 7, 6, 9, 8});
            CHECK(h.sink.text == text);
            CHECK(h.figures().out_of_order_segments == 5);
            CHECK(h.figures().buffered_peak == 10);
            CHECK(h.figures().overlaps == 0);
            CHECK(h.stream.buffered() == 0);
            CHECK(h.budget->used == 0);
            h.finish();
            CHECK(h.figures().gaps == 0);
            CHECK(h.figures().delivered_bytes == 100);
        }
    }

    TEST_CASE("reversed segments") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            Harness h(isn);
            feed(h, text, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0});
            CHECK(h.sink.text == text);
            CHECK(h.figures().out_of_order_segments == 9);
            CHECK(h.figures().buffered_peak == 90);
            CHECK(h.budget->used == 0);
        }
    }

    TEST_CASE("duplicated segments count as overlaps with identical bytes") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            Harness h(isn);
            // In-order duplicates, then out-of-order duplicates of buffered data.
            feed(h, text, {0, 0, 1, 1, 3, 3, 2, 2, 4});
            CHECK(h.sink.text == text.substr(0, 50));
            CHECK(h.figures().overlaps == 4);
            CHECK(h.figures().overlap_bytes == 40);
            CHECK(h.figures().overlaps_differing == 0);
        }
    }

    TEST_CASE("overlapping segments with the same bytes") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            Harness h(isn);
            h.add_slice(text, 40, 70);
            h.add_slice(text, 25, 45);  // overlaps the held run's head
            h.add_slice(text, 60, 100);
            h.add_slice(text, 0, 30);  // in order, overlaps [25,30) held
            CHECK(h.sink.text == text);
            CHECK(h.figures().overlaps == 3);
            CHECK(h.figures().overlap_bytes == 5 + 10 + 5);
            CHECK(h.figures().overlaps_differing == 0);
            CHECK(h.budget->used == 0);
        }
    }

    TEST_CASE("overlapping segments with different bytes: the first copy wins") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            SUBCASE("original held first") {
                Harness h(isn);
                h.add(20, text.substr(20, 20));
                std::string forged = text.substr(0, 30);
                for (std::size_t i = 20; i < 30; ++i) forged[i] = 'X';
                h.add(0, forged);
                CHECK(h.sink.text == text.substr(0, 40));
                CHECK(h.figures().overlaps == 1);
                CHECK(h.figures().overlap_bytes == 10);
                CHECK(h.figures().overlaps_differing == 1);
            }
            SUBCASE("forged held first") {
                Harness h(isn);
                h.add(20, std::string(20, 'X'));
                h.add(30, text.substr(30, 20));  // overlaps the forged run by 10 bytes
                h.add(0, text.substr(0, 20));
                CHECK(h.sink.text == text.substr(0, 20) + std::string(20, 'X') + text.substr(40, 10));
                CHECK(h.figures().overlaps == 1);
                CHECK(h.figures().overlaps_differing == 1);
            }
            SUBCASE("delivered bytes are not retained: counted, not compared") {
                Harness h(isn);
                h.add(0, text.substr(0, 20));
                h.add(10, std::string(10, 'X'));
                CHECK(h.sink.text == text.substr(0, 20));
                CHECK(h.figures().overlaps == 1);
                CHECK(h.figures().overlaps_differing == 0);
            }
        }
    }

    TEST_CASE("a hole acknowledged past becomes a gap") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            SUBCASE("hole between data") {
                Harness h(isn);
                feed(h, text, {0, 2, 3});
                CHECK(h.sink.text == text.substr(0, 10));
                h.ack(10);  // acknowledges only what was delivered: nothing happens
                CHECK(h.figures().gaps == 0);
                h.ack(40);
                CHECK(h.sink.text == text.substr(0, 10) + std::string(10, '~') + text.substr(20, 20));
                REQUIRE(h.sink.gaps.size() == 1);
                CHECK(h.sink.gaps[0] == std::array<std::uint64_t, 2>{10, 10});
                CHECK(h.figures().gaps == 1);
                CHECK(h.figures().missed_bytes == 10);
                CHECK(h.budget->used == 0);
                h.add_slice(text, 10, 20);  // the late copy changes nothing
                CHECK(h.sink.text.size() == 40);
            }
            SUBCASE("hole at the start of the stream") {
                Harness h(isn);
                feed(h, text, {2});
                h.ack(30);
                CHECK(h.sink.text == std::string(20, '~') + text.substr(20, 10));
            }
            SUBCASE("the ACK of a FIN is not a missing byte") {
                Harness h(isn);
                feed(h, text, {0, 1});
                h.ack(21);
                h.finish();
                CHECK(h.figures().gaps == 0);
                CHECK(h.sink.text == text.substr(0, 20));
            }
            SUBCASE("an acknowledged tail never seen is a gap at the end") {
                Harness h(isn);
                feed(h, text, {0, 1});
                h.ack(51);  // 30 more bytes and a FIN
                CHECK(h.figures().gaps == 0);
                h.finish();
                CHECK(h.sink.text == text.substr(0, 20) + std::string(30, '~'));
            }
            SUBCASE("holes left at the end of the conversation") {
                Harness h(isn);
                feed(h, text, {0, 3, 5});
                h.finish();
                CHECK(h.sink.text == text.substr(0, 10) + std::string(20, '~') + text.substr(30, 10) +
                                         std::string(10, '~') + text.substr(50, 10));
                CHECK(h.figures().gaps == 2);
                CHECK(h.figures().missed_bytes == 30);
                CHECK(h.stream.buffered() == 0);
                CHECK(h.budget->used == 0);
            }
        }
    }

    TEST_CASE("a snaplen-cut payload delivers what was captured and a gap for the rest") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            SUBCASE("in order") {
                Harness h(isn);
                h.add_cut(0, text.substr(0, 20), 8);
                h.add(20, text.substr(20, 10));
                CHECK(h.sink.text == text.substr(0, 8) + std::string(12, '~') + text.substr(20, 10));
                CHECK(h.figures().gaps == 1);
                CHECK(h.figures().missed_bytes == 12);
                CHECK(h.figures().delivered_bytes == 18);
                CHECK(h.figures().out_of_order_segments == 0);
            }
            SUBCASE("out of order") {
                Harness h(isn);
                h.add_cut(10, text.substr(10, 20), 5);
                h.add(0, text.substr(0, 10));
                CHECK(h.sink.text == text.substr(0, 15) + std::string(15, '~'));
                CHECK(h.budget->used == 0);
            }
            SUBCASE("nothing captured") {
                Harness h(isn);
                h.add_cut(0, text.substr(0, 20), 0);
                CHECK(h.sink.text == std::string(20, '~'));
            }
        }
    }

    TEST_CASE("the per-direction cap skips the oldest hole") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            SUBCASE("bytes") {
                Harness h(isn);
                h.limits.per_direction_bytes = 30;
                feed(h, text, {0, 2, 3});  // 20 held above the hole [10,20)
                CHECK(h.stream.buffered() == 20);
                feed(h, text, {5, 6});  // the second does not fit: [10,20) is skipped
                CHECK(h.figures().gaps == 1);
                CHECK(h.sink.text == text.substr(0, 10) + std::string(10, '~') + text.substr(20, 20));
                CHECK(h.stream.buffered() == 20);
                h.finish();
                CHECK(h.sink.text == text.substr(0, 10) + std::string(10, '~') + text.substr(20, 20) +
                                         std::string(10, '~') + text.substr(50, 20));
                CHECK(h.figures().dropped_bytes == 0);
                CHECK(h.figures().buffered_peak <= 30);
            }
            SUBCASE("a segment inside the oldest hole becomes in order") {
                Harness h(isn);
                h.limits.per_direction_bytes = 20;
                feed(h, text, {0, 5, 6});
                feed(h, text, {3});  // does not fit; it lies in the hole [10,50): [10,30) is skipped
                CHECK(h.sink.text == text.substr(0, 10) + std::string(20, '~') + text.substr(30, 10));
                CHECK(h.stream.buffered() == 20);
            }
            SUBCASE("pending segments") {
                Harness h(isn);
                h.limits.max_pending_segments = 2;
                feed(h, text, {0, 2, 4, 6});
                CHECK(h.figures().gaps == 1);
                CHECK(h.sink.text == text.substr(0, 10) + std::string(10, '~') + text.substr(20, 10));
            }
            SUBCASE("segments that continue each other are one pending run") {
                // A lost segment, then more in-order segments than the cap (a large window under
                // loss, as reassembly_transfer_netem saw): the hole must wait for its retransmission.
                for (const bool byte_mode : {true, false}) {
                    CAPTURE(byte_mode);
                    Harness h(isn, byte_mode);
                    h.limits.max_pending_segments = 2;
                    feed(h, text, {0, 2, 3, 4, 5, 6, 7, 8, 9});
                    CHECK(h.stream.buffered() == 80);
                    CHECK(h.figures().gaps == 0);
                    feed(h, text, {1});
                    CHECK(h.figures().gaps == 0);
                    CHECK(h.figures().delivered_bytes == 100);
                    CHECK(h.stream.buffered() == 0);
                    if (byte_mode) CHECK(h.sink.text == text);
                }
            }
            SUBCASE("a run cut by snaplen is not extended") {
                Harness h(isn);
                h.limits.max_pending_segments = 2;
                feed(h, text, {0});
                h.add_cut(20, text.substr(20, 10), 5);  // [25,30) not captured
                feed(h, text, {3});                     // held as a run of its own
                feed(h, text, {1});
                CHECK(h.sink.text == text.substr(0, 25) + std::string(5, '~') + text.substr(30, 10));
                CHECK(h.figures().gaps == 1);
            }
            SUBCASE("a segment larger than the cap is dropped and counted") {
                Harness h(isn);
                h.limits.per_direction_bytes = 15;
                feed(h, text, {0});
                h.add_slice(text, 20, 40);
                CHECK(h.figures().dropped_bytes == 20);
                CHECK(h.budget->dropped_bytes == 20);
                CHECK(h.stream.buffered() == 0);
                h.finish();  // the dropped range, seen but never delivered, is a gap
                CHECK(h.sink.text == text.substr(0, 10) + std::string(30, '~'));
                CHECK(h.figures().missed_bytes == 30);
            }
        }
    }

    TEST_CASE("the global budget is shared by every direction") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            ReassemblyBudget shared;
            shared.limit = 30;
            Harness a(isn);
            Harness b(isn + 1000);
            a.budget = &shared;
            b.budget = &shared;
            feed(a, text, {1, 2});
            CHECK(shared.used == 20);
            feed(b, text, {1, 2});  // 10 fit, 10 do not; b's own hole is skipped to make room
            CHECK(b.figures().gaps == 1);
            CHECK(shared.used == 20);
            feed(b, text, {5});
            CHECK(shared.used == 30);
            feed(b, text, {8, 9});  // b gives up its hole, then still needs room: a holds the rest
            CHECK(shared.used <= 30);
            a.finish();
            b.finish();
            CHECK(shared.used == 0);
            CHECK(a.sink.text == std::string(10, '~') + text.substr(10, 20));
            CHECK(b.sink.text.size() == 100);
            CHECK(b.sink.text.substr(50, 10) == text.substr(50, 10));
            CHECK(b.figures().dropped_bytes + b.figures().delivered_bytes + b.figures().missed_bytes >= 100);
        }
        SUBCASE("a direction with nothing held drops what the others leave no room for") {
            ReassemblyBudget shared;
            shared.limit = 20;
            Harness a(0);
            Harness b(0);
            a.budget = &shared;
            b.budget = &shared;
            feed(a, text, {1, 2});
            feed(b, text, {3});
            CHECK(b.figures().dropped_bytes == 10);
            CHECK(shared.dropped_bytes == 10);
            b.finish();
            CHECK(b.sink.text == std::string(40, '~'));
            a.finish();
            CHECK(shared.used == 0);
        }
    }

    TEST_CASE("accounting mode gives the same sequence figures without bytes") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            Harness bytes(isn, true);
            Harness counts(isn, false);
            for (Harness* h : {&bytes, &counts}) {
                feed(*h, text, {1, 0, 0, 4, 3, 5, 9});
                h->ack(60);
                h->finish();
            }
            CHECK(counts.sink.text.empty());
            CHECK(counts.figures().delivered_bytes == bytes.figures().delivered_bytes);
            CHECK(counts.figures().out_of_order_segments == bytes.figures().out_of_order_segments);
            CHECK(counts.figures().overlaps == bytes.figures().overlaps);
            CHECK(counts.figures().overlap_bytes == bytes.figures().overlap_bytes);
            CHECK(counts.figures().gaps == bytes.figures().gaps);
            CHECK(counts.figures().missed_bytes == bytes.figures().missed_bytes);
            CHECK(counts.figures().buffered_peak == bytes.figures().buffered_peak);
            CHECK(counts.figures().gaps == 2);
            CHECK(counts.figures().missed_bytes == 40);
        }
    }

    TEST_CASE("streams longer than 4 GiB keep 64-bit offsets") {
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            Harness h(isn, false);
            constexpr std::uint64_t k_segment = 60000;
            constexpr std::uint64_t k_total = (1ULL << 32) + 7 * k_segment;
            for (std::uint64_t offset = 0; offset < k_total; offset += k_segment) {
                h.stream.add(h.seq_of(offset), static_cast<std::uint32_t>(k_segment), {}, h.limits, h.own_budget,
                             nullptr);
                if (offset % (k_segment * 64) == 0) h.ack(offset);
            }
            // A late segment and a reordered pair right at the end.
            const std::uint64_t end = (k_total + k_segment - 1) / k_segment * k_segment;
            h.stream.add(h.seq_of(end + 100), 100, {}, h.limits, h.own_budget, nullptr);
            h.stream.add(h.seq_of(end), 100, {}, h.limits, h.own_budget, nullptr);
            h.finish();
            CHECK(h.stream.next_offset() == end + 200);
            CHECK(h.figures().delivered_bytes == end + 200);
            CHECK(h.figures().gaps == 0);
        }
    }

    TEST_CASE("data before the stream's first byte is ignored") {
        const std::string text = payload();
        for (std::uint32_t isn : k_isns) {
            CAPTURE(isn);
            Harness h(isn);
            h.stream.add(h.seq_of(0) - 10, 10, as_bytes(text).first(10), h.limits, h.own_budget, &h.sink);
            CHECK(h.sink.text.empty());
            h.stream.add(h.seq_of(0) - 5, 15, as_bytes(text).first(15), h.limits, h.own_budget, &h.sink);
            CHECK(h.sink.text == text.substr(5, 10));
        }
    }

}  // TEST_SUITE
