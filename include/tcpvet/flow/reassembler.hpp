// One direction's byte stream in sequence order: out-of-order buffering, overlaps, gaps, caps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tcpvet/packet.hpp"

namespace tcpvet::flow {

// What reassembly saw in one direction. Sequence accounting is always on; byte-level figures
// (overlaps_differing) need byte mode.
struct ReassemblyFigures {
    std::uint64_t delivered_bytes = 0;  // bytes handed out in order (or accounted so, in accounting mode)
    std::uint64_t out_of_order_segments = 0;
    std::uint64_t overlaps = 0;  // segments overlapping bytes already received
    std::uint64_t overlap_bytes = 0;
    std::uint64_t overlaps_differing = 0;      // overlaps whose bytes differ from the first copy (evasion signal)
    std::uint64_t gaps = 0;                    // holes skipped (never filled)
    std::uint64_t missed_bytes = 0;            // bytes in those holes
    std::uint64_t dropped_bytes = 0;           // not buffered because a cap was reached, or out of window
    std::uint64_t out_of_window_segments = 0;  // segments beyond ReassemblyLimits::max_gap_bytes
    std::uint64_t buffered_peak = 0;           // most bytes held out of order at once
};

// Shared cap on bytes buffered out of order across every conversation.
struct ReassemblyBudget {
    std::uint64_t limit = 256ULL << 20;
    std::uint64_t used = 0;
    std::uint64_t dropped_bytes = 0;  // all directions
};

struct ReassemblyLimits {
    std::uint64_t per_direction_bytes = 4ULL << 20;  // out-of-order bytes one direction may hold
    std::uint32_t max_pending_segments =
        1024;  // out-of-order runs (contiguous bytes: holes between them) one direction may hold
    std::uint64_t max_gap_bytes = 64ULL << 20;  // a segment further than this past the in-order point is dropped
};

// Receives a direction's stream. Offsets count from the first byte after the SYN (0-based).
class StreamSink {
public:
    virtual ~StreamSink() = default;
    virtual void on_stream_data(std::uint64_t offset, Bytes data) = 0;
    virtual void on_stream_gap(std::uint64_t offset, std::uint64_t length) = 0;
};

class StreamReassembler {
public:
    // The sequence number of the stream's first byte (ISN+1, or the first seen seq midstream).
    void start(std::uint32_t first_seq) noexcept;
    [[nodiscard]] bool started() const noexcept { return m_started; }

    // One segment's payload. `claimed_len` is tcp.len; `captured` may be shorter (snaplen) — the
    // missing tail is a gap. In accounting mode (`sink` null) no byte is copied.
    void add(std::uint32_t seq, std::uint32_t claimed_len, Bytes captured, const ReassemblyLimits& limits,
             ReassemblyBudget& budget, StreamSink* sink);

    // The peer acknowledged up to `ack`: data below it that never arrived is a gap (skipped, counted),
    // as Zeek's and Suricata's reassemblers do.
    void acknowledged(std::uint32_t ack, ReassemblyBudget& budget, StreamSink* sink);

    // End of conversation: deliver what is buffered, marking holes as gaps; frees the buffers.
    void finish(ReassemblyBudget& budget, StreamSink* sink);

    [[nodiscard]] const ReassemblyFigures& figures() const noexcept { return m_figures; }
    // The next in-order stream offset (everything below was delivered or declared a gap).
    [[nodiscard]] std::uint64_t next_offset() const noexcept { return m_next_offset; }
    // Bytes (sequence space) currently held out of order.
    [[nodiscard]] std::uint64_t buffered() const noexcept { return m_buffered; }

private:
    // A run of sequence space held out of order (one segment, or several that continue each other).
    // Pending runs never overlap and all lie above
    // m_next_offset; `bytes` holds the captured prefix (shorter than `length` when snaplen cut the
    // segment; empty in accounting mode).
    struct Pending {
        std::uint64_t offset = 0;  // stream offset of the first byte
        std::uint32_t length = 0;
        std::vector<std::byte> bytes;  // empty in accounting mode
    };
    // The not-yet-consumed part of the segment being added: [begin, end), `present` aligned to begin.
    struct Piece {
        std::uint64_t begin = 0;
        std::uint64_t end = 0;
        Bytes present;
        void advance_to(std::uint64_t offset) noexcept;
    };
    // Overlap seen while adding one segment (one segment counts as one overlap at most).
    struct Tally {
        std::uint64_t bytes = 0;
        bool differing = false;
    };

    [[nodiscard]] std::int64_t unwrap(std::uint32_t seq) const noexcept;
    void deliver_in_order(Piece& piece, Tally& tally, ReassemblyBudget& budget, StreamSink* sink);
    bool buffer(const Piece& piece, Tally& tally, const ReassemblyLimits& limits, ReassemblyBudget& budget,
                bool byte_mode);
    void deliver_present(std::uint64_t length, Bytes present, StreamSink* sink);
    void drain(ReassemblyBudget& budget, StreamSink* sink);
    void declare_gap(std::uint64_t length, StreamSink* sink);
    void skip_to(std::uint64_t offset, ReassemblyBudget& budget, StreamSink* sink);
    void release(const Pending& pending, ReassemblyBudget& budget) noexcept;
    [[nodiscard]] static bool extends(const Pending& run, std::uint64_t offset, std::uint64_t length,
                                      bool byte_mode) noexcept;
    static void compare(const Piece& piece, const Pending& pending, std::uint64_t from, std::uint64_t to,
                        Tally& tally) noexcept;

    bool m_started = false;
    std::uint32_t m_first_seq = 0;
    std::uint64_t m_next_offset = 0;  // next in-order stream offset
    std::uint32_t m_last_seq = 0;     // for 32-bit wrap: offsets are unwrapped relative to this
    std::uint64_t m_last_offset = 0;
    std::uint64_t m_highest_end = 0;  // end of the highest segment seen (delivered, buffered or dropped)
    std::uint64_t m_acked_end = 0;    // highest offset the peer acknowledged
    std::uint64_t m_buffered = 0;
    std::vector<Pending> m_pending;  // sorted by offset
    ReassemblyFigures m_figures{};
};

}  // namespace tcpvet::flow
