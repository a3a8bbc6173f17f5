// Wireshark-compatible per-conversation sequence analysis: relative numbers and tcp.analysis.* flags.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "tcpvet/analysis/segment_flags.hpp"
#include "tcpvet/packet.hpp"

namespace tcpvet::analysis {

// What the analysis says about one segment.
// `flags` are the tcp.analysis.* fields TShark shows for the frame: as in Wireshark, a fast or a
// spurious retransmission also carries `retransmission` (its expert info adds both).
struct SegmentAnalysis {
    SegmentFlags flags = 0;
    std::uint32_t rel_seq = 0;      // tcp.seq with Wireshark's default relative numbering
    std::uint32_t rel_ack = 0;      // tcp.ack: relative when the ACK bit is set, else the raw field (as tshark)
    std::uint32_t dup_ack_num = 0;  // tcp.analysis.duplicate_ack_num (0 if not a dup ack)
    std::int64_t ack_rtt_ns = -1;   // tcp.analysis.ack_rtt, -1 if this segment acknowledges nothing new
    // The RTT sample this ACK gives the peer's figures (DirectionFigures::rtt_*: data, Karn's rule),
    // -1 when it gives none; the graph draws exactly these samples.
    std::int64_t rtt_sample_ns = -1;
    std::uint32_t bytes_in_flight = 0;  // tcp.analysis.bytes_in_flight (0 when not computed)
    bool has_bytes_in_flight = false;
};

// Per-direction figures accumulated over the conversation (issue: data transfer).
struct DirectionFigures {
    std::uint64_t flag_counts[k_segment_flag_count] = {};  // frames this side sent carrying each flag
    // RTT of data this side sent, measured to the ACK that exactly covers it (Karn: never from
    // a segment that was retransmitted).
    std::uint64_t rtt_samples = 0;
    std::int64_t rtt_min_ns = -1;
    std::int64_t rtt_max_ns = -1;
    std::int64_t rtt_sum_ns = 0;
    std::uint32_t bytes_in_flight_max = 0;  // largest tcp.analysis.bytes_in_flight on this side's frames

    [[nodiscard]] std::int64_t rtt_mean_ns() const noexcept {
        return rtt_samples == 0 ? -1 : rtt_sum_ns / static_cast<std::int64_t>(rtt_samples);
    }
};

// One sent, not yet fully acknowledged segment (Wireshark's tcp_unacked_t).
struct UnackedSegment {
    std::uint32_t seq = 0;
    std::uint32_t next_seq = 0;  // seq + len (+1 for SYN/FIN)
    std::int64_t ts_ns = 0;      // when it was sent
    bool has_data = false;       // carried payload (RTT samples are taken for data only)
    bool retransmitted = false;  // Karn: this range was sent more than once
};

// The state of one direction, as Wireshark's tcp_flow_t + tcp_analyze_seq_flow_info_t.
// Numbers are raw (absolute); like Wireshark, next_seq/max_seq_to_be_acked/last_ack == 0 mean "unset".
struct SequenceDirection {
    // Wireshark keeps every unacked segment; we keep the newest k_max_unacked and merge the two
    // oldest when full, which keeps the bytes-in-flight span and loses only their exact-ACK RTT.
    static constexpr std::size_t k_max_unacked = 16;

    std::uint32_t base_seq = 0;
    bool base_seq_set = false;  // TCP_S_BASE_SEQ_SET
    bool saw_syn = false;       // TCP_S_SAW_SYN / TCP_S_SAW_SYNACK
    bool saw_synack = false;
    bool is_first_ack = true;               // no pure ACK sent since this side's SYN (issue 14690)
    bool valid_bif = true;                  // bytes in flight computable (cleared by a lost segment)
    std::uint32_t next_seq = 0;             // nextseq: highest seq+len seen so far
    std::int64_t next_seq_ts_ns = 0;        // nextseqtime
    std::uint32_t max_seq_to_be_acked = 0;  // maxseqtobeacked: highest contiguous seq seen
    std::uint32_t last_ack = 0;             // lastack: last ACK field this side sent
    std::int64_t last_ack_ts_ns = 0;        // lastacktime
    std::uint64_t last_non_dup_ack_frame = 0;
    std::int32_t dup_ack_num = 0;        // dupacknum (-1 after an "ACKed unseen segment")
    std::uint32_t window = 0xFFFFFFFFU;  // last raw (unscaled) window; Wireshark starts at G_MAXUINT32
    std::int32_t window_scale = -1;      // -1 unknown, -2 no scaling, else shift count (<= 14)
    SegmentFlags last_flags = 0;         // lastsegmentflags (Wireshark's TCP_A_* set of the last segment)
    std::uint32_t sack_delivered = 0;    // bytes SACKed by this side's last segment (first 3 blocks)
    std::uint8_t sack_blocks = 0;
    std::uint8_t unacked_count = 0;
    std::array<UnackedSegment, k_max_unacked> unacked{};  // oldest first
    DirectionFigures figures{};
};

// Both directions of one conversation, indexed as the tracker's sides (0 originator, 1 responder);
// Wireshark's rules are symmetric, so which side is 0 does not change any result.
// A pure SYN carrying a new ISN on a known conversation is a new conversation in Wireshark
// (tcp.analysis.reused_ports, new tcp.stream): the tracker must start a fresh analyzer for it
// and flag that SYN. A SYN-ACK with a new ISN stays in the conversation: flagged here.
class SequenceAnalyzer {
public:
    // Analyses one segment of this conversation sent in `direction` (0 or 1); call in capture order.
    SegmentAnalysis analyze(unsigned direction, const DecodedPacket& packet) noexcept;

    [[nodiscard]] const SequenceDirection& direction(unsigned d) const noexcept { return m_dirs[d & 1U]; }

    // tcp.analysis.initial_rtt: first SYN to the first pure ACK after it; -1 until known.
    [[nodiscard]] std::int64_t initial_rtt_ns() const noexcept { return m_first_rtt_ns == 0 ? -1 : m_first_rtt_ns; }

private:
    SequenceDirection m_dirs[2]{};
    std::int64_t m_mru_syn_ts_ns = 0;  // ts_mru_syn: time of the most recent pure SYN (0 = none)
    std::int64_t m_first_rtt_ns = 0;   // ts_first_rtt (0 = not known), the out-of-order threshold
};

}  // namespace tcpvet::analysis
