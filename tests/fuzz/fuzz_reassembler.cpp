// libFuzzer target: the stream reassembler (both directions of one conversation, one shared
// budget) driven by a sequence of hostile segments and acknowledgments decoded from the input.
//
// Input: byte 0 picks the caps and modes, bytes 1-4 the first sequence number (big-endian); then
// records of 8 bytes, each followed by the payload bytes it claims to carry:
//   byte 0   bit 0-1: 0/1 add a segment, 2 acknowledge, 3 finish both directions and stop
//            bit 2:   direction (0 or 1)
//   bytes 1-4 sequence (or acknowledgment) number, as an offset from the first one (so the 32-bit
//             wrap and data before the stream's start are reached)
//   bytes 5-6 claimed length (tcp.len)
//   byte  7   captured length (<= 255, cut to what the input still holds): the rest is snaplen-cut
// Each run checks the reassembler's contract: every byte handed out is in order (data and gaps
// contiguous from offset 0), delivered + missed == next_offset, the caps and the shared budget
// hold, and finish() releases every buffered byte. In "consistent" mode the payload is rewritten so
// that a byte's value is a function of its sequence number: then a delivered byte must carry the
// value of its sequence number (data is placed where it belongs) and no overlap may differ.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_touch.hpp"
#include "tcpvet/flow/reassembler.hpp"

namespace {

using tcpvet::flow::ReassemblyBudget;
using tcpvet::flow::ReassemblyLimits;
using tcpvet::flow::StreamReassembler;
using tcpvet::fuzz::require;

constexpr std::size_t k_max_records = 2048;  // keeps a run short whatever the input length
constexpr std::size_t k_record_size = 8;

// The value a byte at sequence number `seq` carries in consistent mode.
std::byte value_of(std::uint32_t seq) noexcept { return static_cast<std::byte>((seq * 2654435761U) >> 24U); }

// Checks what one direction hands out: contiguous from 0, payload inside a live buffer (ASan reads
// every byte), and in consistent mode each byte at the position its sequence number says.
class CheckingSink final : public tcpvet::flow::StreamSink {
public:
    void on_stream_data(std::uint64_t offset, tcpvet::Bytes data) override {
        require(offset == m_next);
        require(!data.empty());
        m_sink.add_bytes(data);
        if (m_consistent) {
            for (std::size_t i = 0; i < data.size(); ++i) {
                const auto seq = static_cast<std::uint32_t>(m_stream_start + offset + i);
                require(data[i] == value_of(seq));
            }
        }
        m_next += data.size();
    }
    void on_stream_gap(std::uint64_t offset, std::uint64_t length) override {
        require(offset == m_next);
        require(length > 0);
        m_next += length;
    }

    void set_consistent(bool consistent) noexcept { m_consistent = consistent; }
    // Offset 0 is the sequence number the stream started at (start(), or its first segment's).
    void set_stream_start(std::uint32_t seq) noexcept { m_stream_start = seq; }
    [[nodiscard]] std::uint64_t next() const noexcept { return m_next; }
    [[nodiscard]] const tcpvet::fuzz::Sink& sink() const noexcept { return m_sink; }

private:
    tcpvet::fuzz::Sink m_sink;
    std::uint64_t m_next = 0;
    std::uint32_t m_stream_start = 0;
    bool m_consistent = false;
};

struct Setup {
    ReassemblyLimits limits;
    ReassemblyBudget budget;
    bool byte_mode = false;
    bool consistent = false;
    bool explicit_start = false;
};

// Byte 0: bit 0 byte mode (else accounting), bit 1 consistent payload, bit 2 start() before the
// first segment (as the tracker does once it knows the ISN), bits 3-4 per-direction cap, bits 5-6
// pending-segment cap, bit 7 small gap window and shared budget.
Setup decode_setup(std::uint8_t bits) noexcept {
    constexpr std::array<std::uint64_t, 4> k_direction_bytes = {64, 1024, 65536, 4ULL << 20};
    constexpr std::array<std::uint32_t, 4> k_pending = {1, 3, 16, 1024};
    Setup setup;
    setup.byte_mode = (bits & 0x01U) != 0;
    setup.consistent = (bits & 0x02U) != 0;
    setup.explicit_start = (bits & 0x04U) != 0;
    setup.limits.per_direction_bytes = k_direction_bytes[(bits >> 3U) & 0x03U];
    setup.limits.max_pending_segments = k_pending[(bits >> 5U) & 0x03U];
    if ((bits & 0x80U) != 0) {
        setup.limits.max_gap_bytes = 4096;
        setup.budget.limit = 1536;
    }
    return setup;
}

std::uint32_t read_be32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24U) | (std::uint32_t{p[1]} << 16U) | (std::uint32_t{p[2]} << 8U) | p[3];
}

class Harness {
public:
    Harness(const Setup& setup, std::uint32_t first_seq) : m_setup(setup), m_first_seq(first_seq) {
        for (unsigned side = 0; side < 2; ++side) {
            m_sinks[side].set_consistent(setup.consistent && setup.byte_mode);
            if (setup.explicit_start) {
                m_streams[side].start(first_seq);
                m_sinks[side].set_stream_start(first_seq);
            }
        }
    }

    void add(unsigned side, std::uint32_t seq, std::uint32_t claimed, std::span<const std::uint8_t> captured) {
        StreamReassembler& stream = m_streams[side];
        if (!stream.started() && claimed > 0) {
            m_sinks[side].set_stream_start(seq);
        }
        tcpvet::Bytes payload = std::as_bytes(captured);
        if (m_setup.consistent) {
            // Exactly as long as the input's bytes: ASan still sees a read past the captured part.
            m_payload.assign(captured.size(), std::byte{0});
            for (std::size_t i = 0; i < captured.size(); ++i) {
                m_payload[i] = value_of(seq + static_cast<std::uint32_t>(i));
            }
            payload = tcpvet::Bytes(m_payload.data(), m_payload.size());
        }
        stream.add(seq, claimed, payload, m_setup.limits, m_budget, sink(side));
        check(side);
    }

    void acknowledge(unsigned side, std::uint32_t ack) {
        m_streams[side].acknowledged(ack, m_budget, sink(side));
        check(side);
    }

    void finish() {
        for (unsigned side = 0; side < 2; ++side) {
            m_streams[side].finish(m_budget, sink(side));
            check(side);
            require(m_streams[side].buffered() == 0);
        }
        require(m_budget.used == 0);
    }

    void publish() const {
        tcpvet::fuzz::Sink sink = m_sinks[0].sink();
        sink.add(m_sinks[1].next());
        for (const StreamReassembler& stream : m_streams) {
            const tcpvet::flow::ReassemblyFigures& f = stream.figures();
            sink.add(f.overlaps + f.overlap_bytes + f.out_of_order_segments + f.dropped_bytes + f.buffered_peak);
        }
        sink.publish();
    }

    [[nodiscard]] std::uint32_t first_seq() const noexcept { return m_first_seq; }

private:
    tcpvet::flow::StreamSink* sink(unsigned side) noexcept { return m_setup.byte_mode ? &m_sinks[side] : nullptr; }

    void check(unsigned side) const {
        const StreamReassembler& stream = m_streams[side];
        const tcpvet::flow::ReassemblyFigures& figures = stream.figures();
        // Everything below the delivery point was handed out or declared missing, exactly once.
        require(figures.delivered_bytes + figures.missed_bytes == stream.next_offset());
        if (m_setup.byte_mode) {
            require(m_sinks[side].next() == stream.next_offset());
        }
        require(stream.buffered() <= m_setup.limits.per_direction_bytes);
        require(figures.buffered_peak <= m_setup.limits.per_direction_bytes);
        require(m_budget.used <= m_budget.limit);
        require(m_budget.used == m_streams[0].buffered() + m_streams[1].buffered());
        if (m_setup.consistent && m_setup.byte_mode) {
            require(figures.overlaps_differing == 0);
        }
        require(figures.overlaps_differing <= figures.overlaps);
    }

    Setup m_setup;
    ReassemblyBudget m_budget{m_setup.budget};
    std::uint32_t m_first_seq;
    std::array<StreamReassembler, 2> m_streams{};
    std::array<CheckingSink, 2> m_sinks{};
    std::vector<std::byte> m_payload;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 5) {
        return 0;
    }
    Harness harness(decode_setup(data[0]), read_be32(data + 1));
    std::size_t at = 5;
    for (std::size_t records = 0; records < k_max_records && at + k_record_size <= size; ++records) {
        const std::uint8_t* record = data + at;
        at += k_record_size;
        const unsigned op = record[0] & 0x03U;
        const unsigned side = (record[0] >> 2U) & 0x01U;
        const std::uint32_t number = harness.first_seq() + read_be32(record + 1);
        if (op == 3) {
            break;
        }
        if (op == 2) {
            harness.acknowledge(side, number);
            continue;
        }
        const std::uint32_t claimed = (std::uint32_t{record[5]} << 8U) | record[6];
        const std::size_t captured = std::min<std::size_t>({record[7], claimed, size - at});
        harness.add(side, number, claimed, std::span<const std::uint8_t>(data + at, captured));
        at += captured;
    }
    harness.finish();
    harness.publish();
    return 0;
}
