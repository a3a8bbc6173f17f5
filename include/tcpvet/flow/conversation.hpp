// One TCP conversation as tracked and judged: both endpoints, verdicts, evidence. Reporters read it.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "tcpvet/analysis/segment_flags.hpp"
#include "tcpvet/analysis/sequence_analyzer.hpp"
#include "tcpvet/analysis/verdicts.hpp"
#include "tcpvet/analysis/zeek_compat.hpp"
#include "tcpvet/flow/flow_key.hpp"
#include "tcpvet/flow/reassembler.hpp"
#include "tcpvet/flow/tcp_state.hpp"

namespace tcpvet::flow {

inline constexpr std::uint64_t k_no_frame = 0;  // frames count from 1
inline constexpr std::int64_t k_no_time = std::numeric_limits<std::int64_t>::min();

struct StateTransition {
    std::int64_t ts_ns = 0;
    std::uint64_t frame = 0;
    TcpState from = TcpState::unknown;
    TcpState to = TcpState::unknown;
};

// Options an endpoint announced on its SYN (negotiated values come from both SYNs).
struct AnnouncedOptions {
    std::uint16_t mss = 0;
    std::int8_t window_scale = -1;  // -1: not offered
    bool has_mss = false;
    bool sack_permitted = false;
    bool timestamps = false;
};

// Everything tcpvet knows about one side of a conversation.
struct EndpointRecord {
    static constexpr std::size_t k_max_transitions = 12;

    Endpoint endpoint{};

    // Sequence space.
    bool isn_known = false;  // a SYN from this side was seen
    std::uint32_t isn = 0;
    bool next_seq_known = false;
    std::uint32_t next_seq = 0;  // highest seq + segment length sent
    bool ack_known = false;
    std::uint32_t last_ack_sent = 0;  // highest cumulative ACK this side sent
    std::uint32_t last_window = 0;    // raw window of its last segment
    bool zero_window_open = false;    // it advertised a zero window and has not reopened it yet

    // State machine.
    TcpState state = TcpState::unknown;
    std::int64_t state_since_ns = k_no_time;
    std::uint8_t transition_count = 0;
    std::uint16_t transitions_dropped = 0;
    std::array<StateTransition, k_max_transitions> transitions{};
    std::array<std::int64_t, k_tcp_state_count> time_in_state_ns{};

    // Traffic.
    std::uint64_t packets = 0;
    std::uint64_t wire_bytes = 0;            // frame lengths, as tshark -z conv,tcp counts bytes
    std::uint64_t payload_bytes = 0;         // sum of tcp.len
    std::uint64_t bytes_after_peer_fin = 0;  // payload sent after the peer's FIN was acknowledged
    AnnouncedOptions options{};

    // Milestones (frame numbers; k_no_frame when absent).
    std::uint64_t syn_frame = k_no_frame;  // first SYN (or SYN-ACK) this side sent
    std::int64_t syn_ts_ns = k_no_time;
    bool syn_had_ack = false;              // its SYN was a SYN-ACK
    bool syn_acked = false;                // the peer acknowledged ISN+1
    bool syn_ack_pending = false;          // acknowledged while still SYN-SENT (simultaneous open)
    std::uint16_t syn_count = 0;           // SYNs (or SYN-ACKs) sent, retransmissions included
    std::uint64_t fin_frame = k_no_frame;  // first FIN
    std::uint32_t fin_seq = 0;             // sequence number the FIN occupies
    std::uint16_t fin_count = 0;
    std::uint64_t fin_acked_frame = k_no_frame;  // frame in which the peer acknowledged the FIN
    std::int64_t fin_ts_ns = k_no_time;
    std::int64_t fin_acked_ts_ns = k_no_time;
    std::uint64_t rst_frame = k_no_frame;
    std::int64_t last_ts_ns = k_no_time;
    std::uint64_t keepalives = 0;  // segments Wireshark calls keep-alive
};

struct Finding {
    analysis::FindingKind kind{};
    std::uint64_t frame = 0;
    std::uint8_t side = 0;  // 0 originator, 1 responder: who sent the frame
    bool has_numbers = false;
    std::uint32_t expected = 0;  // raw wire numbers
    std::uint32_t observed = 0;
    std::uint32_t count = 0;  // e.g. how many retransmissions
};

struct Conversation {
    static constexpr std::size_t k_max_findings = 32;
    static constexpr std::uint32_t k_no_stream = std::numeric_limits<std::uint32_t>::max();

    std::uint32_t stream = 0;  // Wireshark's tcp.stream
    FlowKey key{};
    bool originator_is_a = true;           // which side of the key is endpoint 0
    std::array<EndpointRecord, 2> side{};  // [0] originator (client), [1] responder (server)

    std::int64_t first_ts_ns = 0;
    std::int64_t last_ts_ns = 0;
    std::uint64_t first_frame = 0;
    std::uint64_t last_frame = 0;

    bool midstream = false;
    bool resumed = false;                            // continued after an idle timeout split it
    bool timed_out = false;                          // this record ended by the idle timeout
    std::uint32_t reused_from_stream = k_no_stream;  // port reuse: the stream this 5-tuple held before
    // The tunnels its first packet came through (outermost first; null: not tunnelled or not
    // recorded). Points into the run's EncapsulationTable.
    const decode::Encapsulation* encapsulation = nullptr;

    // Handshake.
    analysis::HandshakeVerdict handshake = analysis::HandshakeVerdict::midstream;
    std::array<std::uint64_t, 3> handshake_frames{};  // SYN, SYN-ACK, ACK (0 = not seen)
    std::int64_t initial_rtt_ns = -1;                 // SYN to the ACK of the SYN-ACK, as tcp.analysis.initial_rtt
    bool established = false;                         // the responder reached ESTABLISHED (or midstream)
    bool simultaneous_open = false;
    bool third_segment_seen = false;
    bool third_segment_data = false;
    bool rst_seen = false;

    // Teardown.
    analysis::TeardownVerdict teardown = analysis::TeardownVerdict::none;
    analysis::CloseInitiator close_initiator = analysis::CloseInitiator::none;
    std::int8_t reset_by = -1;                    // side that sent the first RST
    TcpState reset_in_state = TcpState::unknown;  // sender's state when it reset
    bool reset_with_unacked_data = false;

    analysis::EndReason end_reason = analysis::EndReason::end_of_capture;

    std::vector<Finding> findings;  // capped at k_max_findings
    std::uint32_t findings_dropped = 0;

    analysis::SequenceAnalyzer sequence{};
    analysis::ZeekConnection zeek{};
    std::array<StreamReassembler, 2> reassembly{};  // [side]: the bytes that side sent

    [[nodiscard]] const EndpointRecord& originator() const noexcept { return side[0]; }
    [[nodiscard]] const EndpointRecord& responder() const noexcept { return side[1]; }
    [[nodiscard]] std::uint64_t packets() const noexcept { return side[0].packets + side[1].packets; }
    [[nodiscard]] std::int64_t duration_ns() const noexcept { return last_ts_ns - first_ts_ns; }
};

}  // namespace tcpvet::flow
