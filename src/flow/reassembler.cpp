// One direction's byte stream in sequence order: out-of-order buffering, first-wins overlaps, gaps, caps.
//
// Design (compare libtins' tcp_ip/data_tracker.cpp and Suricata's stream-tcp-reassemble.c):
//  - in-order bytes go to the sink straight from the packet buffer (no copy); only data that must
//    wait for a hole to fill is copied into a sorted list of non-overlapping pending runs;
//  - overlaps are resolved first-wins (the byte received first stays), as Suricata's default
//    policy for most targets and Wireshark's "tcp.reassemble_out_of_order"; differing overlap bytes
//    are counted (an evasion signal, Ptacek & Newsham 1998) where the first copy is still held;
//    bytes already delivered are not retained (zero copy), so their overlaps are counted by length;
//  - a hole is never joined silently: it becomes a gap when the peer acknowledges past it (the data
//    reached the receiver but not the capture), when a cap forces the oldest hole to be skipped, or
//    at the end of the conversation;
//  - 32-bit sequence numbers are unwrapped to 64-bit stream offsets against the last seen seq
//    (RFC 9293 §3.4), so streams longer than 4 GiB and ISNs near 2^32 need no special case.
#include "tcpvet/flow/reassembler.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "tcpvet/seq.hpp"

namespace tcpvet::flow {
namespace {

// An acknowledgment this far beyond anything the sender was seen to send is not believed (a bogus
// or unrelated ACK field); 2^30 is the largest window RFC 7323 §2.3 allows.
constexpr std::uint64_t k_max_ack_beyond_seen = 1ULL << 30;

}  // namespace

void StreamReassembler::Piece::advance_to(std::uint64_t offset) noexcept {
    if (offset <= begin) return;
    const std::uint64_t skip = std::min<std::uint64_t>(offset - begin, present.size());
    present = present.subspan(static_cast<std::size_t>(skip));
    begin = std::min(offset, end);
}

void StreamReassembler::start(std::uint32_t first_seq) noexcept {
    m_started = true;
    m_first_seq = first_seq;
    m_last_seq = first_seq;
    m_last_offset = 0;
    m_next_offset = 0;
    m_highest_end = 0;
    m_acked_end = 0;
}

std::int64_t StreamReassembler::unwrap(std::uint32_t value) const noexcept {
    return static_cast<std::int64_t>(m_last_offset) + seq::diff(value, m_last_seq);
}

void StreamReassembler::add(std::uint32_t seq, std::uint32_t claimed_len, Bytes captured,
                            const ReassemblyLimits& limits, ReassemblyBudget& budget, StreamSink* sink) {
    if (claimed_len == 0) return;
    if (!m_started) start(seq);
    if (captured.size() > claimed_len) captured = captured.first(claimed_len);

    const std::int64_t signed_begin = unwrap(seq);
    const std::int64_t signed_end = signed_begin + static_cast<std::int64_t>(claimed_len);
    if (signed_begin >= static_cast<std::int64_t>(m_last_offset)) {
        m_last_seq = seq;
        m_last_offset = static_cast<std::uint64_t>(signed_begin);
    }
    // Bytes before the stream's first byte (a retransmission of data sent before a midstream
    // capture began) are outside the stream.
    if (signed_end <= 0) return;

    Piece piece;
    piece.begin = static_cast<std::uint64_t>(signed_begin < 0 ? 0 : signed_begin);
    piece.end = static_cast<std::uint64_t>(signed_end);
    piece.present = captured;
    if (signed_begin < 0) {
        const auto skip = std::min<std::uint64_t>(static_cast<std::uint64_t>(-signed_begin), captured.size());
        piece.present = captured.subspan(static_cast<std::size_t>(skip));
    }
    m_highest_end = std::max(m_highest_end, piece.end);

    // Far beyond anything a receive window allows (RFC 7323 caps it at 1 GiB; real gaps are a few
    // windows): not stream data but a forged or corrupt segment. Dropped and counted, so one such
    // segment cannot declare a gigabyte "missing" or make --dump-streams write a gigabyte hole.
    if (piece.begin > m_next_offset + limits.max_gap_bytes) {
        m_figures.dropped_bytes += piece.end - piece.begin;
        ++m_figures.out_of_window_segments;
        return;
    }

    Tally tally;
    if (piece.begin > m_next_offset) ++m_figures.out_of_order_segments;
    for (;;) {
        if (piece.end <= m_next_offset) {
            // Entirely below the delivery point: a retransmission of delivered bytes (or bytes
            // already declared missing). Not retained, so counted by length only.
            tally.bytes += piece.end - piece.begin;
            break;
        }
        if (piece.begin < m_next_offset) {
            tally.bytes += m_next_offset - piece.begin;
            piece.advance_to(m_next_offset);
        }
        if (piece.begin == m_next_offset) {
            deliver_in_order(piece, tally, budget, sink);
            break;
        }
        if (buffer(piece, tally, limits, budget, sink != nullptr)) break;
        // A cap is reached: skip the oldest hole (declare it a gap) and retry, as libtins'
        // StreamFollower does on buffer_too_long, but keeping the data above the hole.
        if (m_pending.empty()) {
            // Nothing buffered here to give up: the global budget is held by other directions, or the
            // segment alone exceeds the caps. The data is dropped; its range stays a hole.
            const std::uint64_t dropped = piece.end - piece.begin;
            m_figures.dropped_bytes += dropped;
            budget.dropped_bytes += dropped;
            break;
        }
        const std::uint64_t first = m_pending.front().offset;
        if (piece.begin < first) {
            declare_gap(piece.begin - m_next_offset, sink);  // the piece itself is now in order
        } else {
            declare_gap(first - m_next_offset, sink);
            drain(budget, sink);
        }
    }
    if (tally.bytes > 0) {
        ++m_figures.overlaps;
        m_figures.overlap_bytes += tally.bytes;
        if (tally.differing) ++m_figures.overlaps_differing;
    }
}

// `piece` starts at m_next_offset. Pending runs inside it win (first-wins); the piece fills the
// spaces between them straight from the packet.
void StreamReassembler::deliver_in_order(Piece& piece, Tally& tally, ReassemblyBudget& budget, StreamSink* sink) {
    std::size_t consumed = 0;  // pending runs delivered from the front
    while (piece.begin < piece.end) {
        if (consumed < m_pending.size() && m_pending[consumed].offset <= piece.begin) {
            const Pending& held = m_pending[consumed];
            const std::uint64_t held_end = held.offset + held.length;
            const std::uint64_t overlap_end = std::min(piece.end, held_end);
            tally.bytes += overlap_end - piece.begin;
            compare(piece, held, piece.begin, overlap_end, tally);
            deliver_present(held.length, held.bytes, sink);
            release(held, budget);
            ++consumed;
            piece.advance_to(held_end);
        } else {
            const std::uint64_t stop =
                consumed < m_pending.size() ? std::min(piece.end, m_pending[consumed].offset) : piece.end;
            const std::uint64_t length = stop - piece.begin;
            const std::uint64_t usable = std::min<std::uint64_t>(length, piece.present.size());
            deliver_present(length, piece.present.first(static_cast<std::size_t>(usable)), sink);
            piece.advance_to(stop);
        }
    }
    m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(consumed));
    drain(budget, sink);
}

// Can `length` bytes at `offset` be appended to `run`? Only when they continue it and the run holds
// all its bytes (a run's bytes are its captured prefix: after a snaplen-cut tail, appended bytes
// would land at the wrong offsets). Appending keeps the pending count a count of holes, not of
// segments: a lost segment followed by a window of 1,500 in-order segments is one pending run, not
// 1,500, so max_pending_segments limits fragmentation and cannot skip a hole that would have filled.
bool StreamReassembler::extends(const Pending& run, std::uint64_t offset, std::uint64_t length,
                                bool byte_mode) noexcept {
    return run.offset + run.length == offset && (!byte_mode || run.bytes.size() == run.length) &&
           std::uint64_t{run.length} + length <= std::numeric_limits<std::uint32_t>::max();
}

// Holds the parts of an out-of-order piece that no pending run covers yet. Returns false, holding
// nothing, when that would exceed a cap.
bool StreamReassembler::buffer(const Piece& piece, Tally& tally, const ReassemblyLimits& limits,
                               ReassemblyBudget& budget, bool byte_mode) {
    const auto first_after =
        std::lower_bound(m_pending.begin(), m_pending.end(), piece.begin,
                         [](const Pending& held, std::uint64_t offset) { return held.offset + held.length <= offset; });
    const auto start_index = static_cast<std::size_t>(first_after - m_pending.begin());

    // Pass 1: what would be new, and how many runs that adds (a part that continues the run before
    // it extends that run instead).
    std::uint64_t needed = 0;
    std::size_t runs = 0;
    for (std::uint64_t at = piece.begin, i = start_index; at < piece.end;) {
        if (i < m_pending.size() && m_pending[i].offset <= at) {
            at = std::min(piece.end, m_pending[i].offset + m_pending[i].length);
            ++i;
        } else {
            const std::uint64_t stop = i < m_pending.size() ? std::min(piece.end, m_pending[i].offset) : piece.end;
            needed += stop - at;
            if (i == 0 || !extends(m_pending[i - 1], at, stop - at, byte_mode)) ++runs;
            at = stop;
        }
    }
    if (needed > 0 && (m_buffered + needed > limits.per_direction_bytes || budget.used + needed > budget.limit ||
                       m_pending.size() + runs > limits.max_pending_segments)) {
        return false;
    }

    // Pass 2: compare the covered parts, copy the new ones.
    std::size_t i = start_index;
    for (std::uint64_t at = piece.begin; at < piece.end;) {
        if (i < m_pending.size() && m_pending[i].offset <= at) {
            const Pending& held = m_pending[i];
            const std::uint64_t stop = std::min(piece.end, held.offset + held.length);
            tally.bytes += stop - at;
            compare(piece, held, at, stop, tally);
            at = stop;
            ++i;
        } else {
            const std::uint64_t stop = i < m_pending.size() ? std::min(piece.end, m_pending[i].offset) : piece.end;
            Bytes present;
            const std::uint64_t present_end = piece.begin + piece.present.size();
            if (byte_mode && present_end > at) {
                present = piece.present.subspan(static_cast<std::size_t>(at - piece.begin),
                                                static_cast<std::size_t>(std::min(stop, present_end) - at));
            }
            if (i > 0 && extends(m_pending[i - 1], at, stop - at, byte_mode)) {
                Pending& before = m_pending[i - 1];
                before.length += static_cast<std::uint32_t>(stop - at);
                before.bytes.insert(before.bytes.end(), present.begin(), present.end());
            } else {
                Pending run;
                run.offset = at;
                run.length = static_cast<std::uint32_t>(stop - at);
                run.bytes.assign(present.begin(), present.end());
                m_pending.insert(m_pending.begin() + static_cast<std::ptrdiff_t>(i), std::move(run));
                ++i;
            }
            at = stop;
        }
    }
    m_buffered += needed;
    budget.used += needed;
    m_figures.buffered_peak = std::max(m_figures.buffered_peak, m_buffered);
    return true;
}

// Hands `length` bytes at m_next_offset to the sink: the captured prefix as data, the rest (cut by
// snaplen) as a gap. In accounting mode every byte counts as delivered.
void StreamReassembler::deliver_present(std::uint64_t length, Bytes present, StreamSink* sink) {
    if (length == 0) return;
    if (sink == nullptr) {
        m_figures.delivered_bytes += length;
        m_next_offset += length;
        return;
    }
    if (!present.empty()) {
        sink->on_stream_data(m_next_offset, present);
        m_figures.delivered_bytes += present.size();
        m_next_offset += present.size();
    }
    if (length > present.size()) declare_gap(length - present.size(), sink);
}

// Delivers the pending runs that now continue the stream.
void StreamReassembler::drain(ReassemblyBudget& budget, StreamSink* sink) {
    std::size_t consumed = 0;
    while (consumed < m_pending.size() && m_pending[consumed].offset <= m_next_offset) {
        const Pending& held = m_pending[consumed];
        const std::uint64_t held_end = held.offset + held.length;
        if (held_end > m_next_offset) {
            // Runs never overlap the delivery point; trim defensively if one ever does.
            const std::uint64_t skip = m_next_offset - held.offset;
            const Bytes bytes(held.bytes);
            const Bytes rest = bytes.subspan(static_cast<std::size_t>(std::min<std::uint64_t>(skip, bytes.size())));
            deliver_present(held_end - m_next_offset, rest, sink);
        }
        release(held, budget);
        ++consumed;
    }
    m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(consumed));
}

void StreamReassembler::declare_gap(std::uint64_t length, StreamSink* sink) {
    if (length == 0) return;
    ++m_figures.gaps;
    m_figures.missed_bytes += length;
    if (sink != nullptr) sink->on_stream_gap(m_next_offset, length);
    m_next_offset += length;
}

// Moves the delivery point to `offset`, declaring each hole on the way a gap and delivering the
// pending runs between them.
void StreamReassembler::skip_to(std::uint64_t offset, ReassemblyBudget& budget, StreamSink* sink) {
    while (m_next_offset < offset) {
        if (!m_pending.empty() && m_pending.front().offset < offset) {
            declare_gap(m_pending.front().offset - m_next_offset, sink);
            drain(budget, sink);
        } else {
            declare_gap(offset - m_next_offset, sink);
        }
    }
}

void StreamReassembler::release(const Pending& pending, ReassemblyBudget& budget) noexcept {
    m_buffered -= std::min<std::uint64_t>(m_buffered, pending.length);
    budget.used -= std::min<std::uint64_t>(budget.used, pending.length);
}

void StreamReassembler::compare(const Piece& piece, const Pending& pending, std::uint64_t from, std::uint64_t to,
                                Tally& tally) noexcept {
    if (tally.differing) return;
    const std::uint64_t lo = from;
    const std::uint64_t hi = std::min({to, piece.begin + piece.present.size(), pending.offset + pending.bytes.size()});
    if (lo >= hi || lo < piece.begin || lo < pending.offset) return;
    const std::byte* mine = piece.present.data() + (lo - piece.begin);
    const std::byte* held = pending.bytes.data() + (lo - pending.offset);
    if (std::memcmp(mine, held, static_cast<std::size_t>(hi - lo)) != 0) tally.differing = true;
}

void StreamReassembler::acknowledged(std::uint32_t ack, ReassemblyBudget& budget, StreamSink* sink) {
    if (!m_started) return;
    const std::int64_t signed_ack = unwrap(ack);
    if (signed_ack <= static_cast<std::int64_t>(m_next_offset)) return;
    const auto acked = static_cast<std::uint64_t>(signed_ack);
    if (acked > m_highest_end + k_max_ack_beyond_seen) return;
    m_acked_end = std::max(m_acked_end, acked);
    // Only holes below the highest byte seen are skipped now: an ACK one beyond it covers the FIN,
    // which occupies a sequence number but carries no byte. Beyond that is left to finish().
    skip_to(std::min(acked, m_highest_end), budget, sink);
}

void StreamReassembler::finish(ReassemblyBudget& budget, StreamSink* sink) {
    if (!m_started) return;
    while (!m_pending.empty()) {
        declare_gap(m_pending.front().offset - m_next_offset, sink);
        drain(budget, sink);
    }
    // Data seen but never delivered (dropped at a cap) and data acknowledged but never seen (the
    // capture missed the tail) are gaps too; one acknowledged sequence number is taken as the FIN.
    std::uint64_t end = m_highest_end;
    if (m_acked_end > end + 1) end = m_acked_end - 1;
    if (end > m_next_offset) declare_gap(end - m_next_offset, sink);
    std::vector<Pending>().swap(m_pending);
}

}  // namespace tcpvet::flow
