// What the earlier segments of one conversation showed, computed once per segment in order, so a view
// can say why each number is what it is (which segment a retransmission repeats, the third-segment
// rule, what an ACK newly covers) without walking the conversation again.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace tcpvet::analysis {

// Segment ordinals are 32-bit: a history holds at most the ladder's cap of segments, and every row
// carries a copy of the history before it, so its size is the ladder's memory per segment.
using SegmentOrdinal = std::uint32_t;
inline constexpr SegmentOrdinal k_no_segment = static_cast<SegmentOrdinal>(-1);

// The state of both sides before a segment; *_row fields are segment ordinals (0 = the first observed).
struct SegmentHistory {
    std::array<bool, 2> any{};
    std::array<std::uint32_t, 2> end{};                                 // highest seq + sequence space sent (raw)
    std::array<SegmentOrdinal, 2> end_row{k_no_segment, k_no_segment};  // the segment that last moved `end`
    std::array<SegmentOrdinal, 2> last_row{k_no_segment, k_no_segment};
    std::array<SegmentOrdinal, 2> syn_row{k_no_segment, k_no_segment};  // first SYN or SYN-ACK
    std::array<bool, 2> syn_had_ack{};                                  // that SYN was a SYN-ACK
    std::array<SegmentOrdinal, 2> fin_row{k_no_segment, k_no_segment};  // first FIN
    std::array<std::uint32_t, 2> fin_seq{};                             // the number the FIN occupies
    std::array<bool, 2> ack_sent{};
    std::array<std::uint32_t, 2> last_ack{};  // highest cumulative ACK sent
    std::array<bool, 2> non_syn_sent{};
};

// One segment as the history needs it (raw numbers).
struct SegmentSummary {
    std::uint8_t side = 0;  // 0: originator, 1: responder
    std::uint16_t flags = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint32_t len = 0;
};

// The facts about one segment, from the segments before it.
struct SegmentFacts {
    SegmentHistory before;
    // The earliest earlier segment of the same side with the same seq that carried payload, SYN or FIN.
    SegmentOrdinal first_send = k_no_segment;
    // The handshake's third segment: the first non-SYN ACK of the side that sent a plain SYN, after the
    // peer's SYN-ACK (RFC 9293 §3.5).
    bool third_segment = false;
    // The peer's data segments this ACK newly covers (cumulative, RFC 9293 §3.4); 0 unless it advances.
    std::uint32_t acked_segments = 0;
};

// Feeds segments in capture order; O(1) amortised per segment (plus the segments still unacknowledged).
class SegmentHistorian {
public:
    SegmentFacts observe(const SegmentSummary& segment);

private:
    SegmentHistory m_history;
    SegmentOrdinal m_count = 0;
    std::unordered_map<std::uint64_t, SegmentOrdinal> m_first_send;  // (side, seq) -> first ordinal
    std::array<std::vector<std::uint32_t>, 2> m_unacked_ends;        // per sender: data ends above the peer's ACK
};

}  // namespace tcpvet::analysis
