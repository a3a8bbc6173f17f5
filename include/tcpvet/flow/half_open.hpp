// The compact record of a connection attempt that has not completed its handshake.
#pragma once

#include <array>
#include <cstdint>

#include "tcpvet/analysis/verdicts.hpp"
#include "tcpvet/flow/flow_key.hpp"

namespace tcpvet::flow {

// Options a SYN or SYN-ACK announced, packed.
struct PackedSynOptions {
    std::uint16_t mss = 0;
    std::int8_t window_scale = -1;
    std::uint8_t bits = 0;  // k_has_mss | k_sack_permitted | k_timestamps

    static constexpr std::uint8_t k_has_mss = 1;
    static constexpr std::uint8_t k_sack_permitted = 2;
    static constexpr std::uint8_t k_timestamps = 4;
};

// A SYN (possibly retransmitted) and possibly SYN-ACKs, nothing else. It holds only what the full
// conversation needs to be rebuilt on promotion (a replay of the SYN and SYN-ACK) and what the
// report and the flood detector count. This is the working form handed to observers; the tracker
// stores a flood's millions in HalfOpenStore's packed form (64 bytes for a lone IPv4 SYN).
struct HalfOpen {
    FlowKey key{};
    std::uint32_t stream = 0;
    std::uint32_t client_isn = 0;
    std::uint32_t server_isn = 0;
    std::uint16_t syn_count = 0;
    std::uint16_t synack_count = 0;
    std::int64_t first_ts_ns = 0;   // first SYN
    std::int64_t synack_ts_ns = 0;  // first SYN-ACK
    std::int64_t last_ts_ns = 0;
    std::uint64_t first_frame = 0;
    static constexpr std::size_t k_kept_retransmissions = 3;

    std::uint32_t synack_frame_delta = 0;  // first SYN-ACK frame - first_frame
    std::uint32_t last_frame_delta = 0;
    // Frames (minus first_frame) of the first retransmissions, named as evidence after promotion.
    std::array<std::uint32_t, k_kept_retransmissions> syn_retransmit_delta{};
    std::array<std::uint32_t, k_kept_retransmissions> synack_retransmit_delta{};
    std::uint32_t client_wire_bytes = 0;
    std::uint32_t server_wire_bytes = 0;
    std::uint16_t client_window = 0;
    std::uint16_t server_window = 0;
    PackedSynOptions client_options{};
    PackedSynOptions server_options{};
    bool originator_is_a = true;
    bool synack_seen = false;
    analysis::EndReason end_reason = analysis::EndReason::end_of_capture;  // set when it ends
    std::uint32_t reused_from_stream = 0xFFFFFFFFU;
    const decode::Encapsulation* encapsulation = nullptr;  // the SYN's tunnel, if any
};
static_assert(sizeof(HalfOpen) <= 160, "copied by value on every compact packet and at every end");

}  // namespace tcpvet::flow
