// The closed vocabularies of conversation verdicts and findings. Names are API: never renamed.
#pragma once

#include <cstdint>
#include <string_view>

namespace tcpvet::analysis {

enum class HandshakeVerdict : std::uint8_t {
    complete,             // SYN, SYN-ACK, ACK with the right numbers
    complete_with_data,   // ... and the third segment carried data
    simultaneous_open,    // both sides sent SYN (RFC 9293 §3.5 figure 8)
    syn_unanswered,       // SYN(s) seen, nothing came back: half-open on the client side
    synack_unanswered,    // SYN and SYN-ACK seen, the third segment never came: half-open on the server side
    rejected,             // SYN answered by RST
    synack_wrong_ack,     // the SYN-ACK did not acknowledge ISN+1
    third_segment_wrong,  // the third segment's seq or ack was not ISN+1 / peer ISN+1
    midstream,            // no handshake seen: the capture started after it
};

enum class TeardownVerdict : std::uint8_t {
    none,                    // never established and nothing closed it (e.g. an unanswered SYN)
    open,                    // still open at the end of the capture
    graceful_four_way,       // FIN, ACK, FIN, ACK
    graceful_three_segment,  // FIN, FIN+ACK, ACK
    simultaneous_close,      // both FINs sent before either was acknowledged
    half_closed,             // one FIN acknowledged, the other side never sent its FIN
    fin_unacknowledged,      // a FIN was sent and never acknowledged
    reset,                   // ended by RST
};

enum class CloseInitiator : std::uint8_t { none, originator, responder, both };

// One non-conformance or notable fact, tied to the frame that shows it.
enum class FindingKind : std::uint8_t {
    syn_retransmitted,
    synack_retransmitted,
    synack_wrong_ack,
    third_segment_wrong_seq,
    third_segment_wrong_ack,
    third_segment_textbook_seq,
    data_before_handshake,
    data_on_syn,
    data_after_fin,
    data_after_rst,
    port_reused,
    resumed_after_timeout,
};

// Why a conversation record was finished and handed to the reporters.
enum class EndReason : std::uint8_t {
    end_of_capture,
    closed,  // FIN/RST close completed and the linger period passed
    idle_timeout,
    evicted,     // flow table at its cap: the oldest idle record made room
    port_reuse,  // a new SYN with a new ISN replaced it
};

[[nodiscard]] std::string_view name(HandshakeVerdict verdict) noexcept;
[[nodiscard]] std::string_view name(TeardownVerdict verdict) noexcept;
[[nodiscard]] std::string_view name(CloseInitiator initiator) noexcept;
[[nodiscard]] std::string_view name(FindingKind kind) noexcept;
[[nodiscard]] std::string_view name(EndReason reason) noexcept;

// One-line human explanation of a verdict (for reports and --explain).
[[nodiscard]] std::string_view explain(HandshakeVerdict verdict) noexcept;
[[nodiscard]] std::string_view explain(TeardownVerdict verdict) noexcept;

// True when the verdict is a non-conformance rather than a normal outcome.
[[nodiscard]] bool is_nonconformant(HandshakeVerdict verdict) noexcept;

}  // namespace tcpvet::analysis
