// Zeek-compatible connection summary: conn.log's conn_state and history, by Zeek's own rules.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "tcpvet/packet.hpp"

namespace tcpvet::analysis {

// Zeek's TCP endpoint states (analyzer/protocol/tcp/TCP_Endpoint.h).
enum class ZeekEndpointState : std::uint8_t { inactive, syn_sent, syn_ack_sent, partial, established, closed, reset };

// One per conversation; fed every segment in capture order. Fixed size (104 bytes), no allocation.
class ZeekConnection {
public:
    static constexpr std::size_t k_max_history = 31;

    // `from_originator`: sent by the conversation's originator (Zeek's "orig").
    // `bad_checksum`: the TCP checksum was verified and is wrong (history 'C').
    void on_segment(bool from_originator, const DecodedPacket& packet, bool bad_checksum) noexcept;

    // conn_state as Zeek's conn/main.zeek conn_state() computes it: S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR
    // OTH.
    [[nodiscard]] std::string_view conn_state() const noexcept;
    // The history string, e.g. "ShADadFf" (at most k_max_history letters; later ones are dropped).
    [[nodiscard]] std::string_view history() const noexcept;

    // Zeek's orig_bytes/resp_bytes (TCP_Endpoint::Size(): the sequence space covered, less the SYN
    // and FIN octets), for Zeek's originator (`zeek_originator`) or responder.
    [[nodiscard]] std::uint64_t payload_size(bool zeek_originator) const noexcept;
    // Zeek flipped roles (SYN-ACK first): Zeek's originator is tcpvet's responder.
    [[nodiscard]] bool swapped() const noexcept;
    // Zeek's Connection::last_time: the time of the last segment processed before both sides had
    // sent a FIN (later ones, the final ACK, do not extend Zeek's duration); 0 before any segment.
    [[nodiscard]] std::int64_t last_time_ns() const noexcept { return m_last_ns; }

    // Zeek's orig/resp endpoints (they differ from tcpvet's only after Zeek's SYN/SYN-ACK reversal flip).
    [[nodiscard]] ZeekEndpointState originator_state() const noexcept { return m_orig.state; }
    [[nodiscard]] ZeekEndpointState responder_state() const noexcept { return m_resp.state; }

private:
    // One TCP_Endpoint, reduced to what history and conn_state depend on (32 bytes).
    struct Side {
        std::uint32_t start_seq = 0;            // TCP_Endpoint::start_seq (absolute)
        std::uint32_t last_seq = 0;             // TCP_Endpoint::last_seq: one past the highest segment
        std::uint32_t reassembled = 1;          // TCP_Reassembler::last_reassem_seq, relative to start_seq
        std::uint32_t buffered_from = 0;        // relative start of data held above a hole (if k_buffered)
        std::uint16_t hist_last_syn = 0;        // low 16 bits of TCP_Endpoint::hist_last_SYN
        std::uint16_t hist_last_rst = 0;        // low 16 bits of TCP_Endpoint::hist_last_RST
        std::array<std::uint16_t, 4> scaled{};  // C T W G occurrence counts (saturating)
        ZeekEndpointState state = ZeekEndpointState::inactive;
        ZeekEndpointState prev_state = ZeekEndpointState::inactive;
        std::uint8_t bits = 0;       // k_fin_seen, k_buffered, k_first_packet_seen
        std::uint8_t hist_seen = 0;  // Connection::hist_seen for the role this Side holds (stays with the role)
    };
    Side m_orig{};
    Side m_resp{};
    std::array<char, k_max_history> m_history{};  // NUL-padded
    std::uint8_t m_flags = 0;                     // k_started, k_partial, k_swapped
    std::int64_t m_last_ns = 0;                   // see last_time_ns()

    void process(bool is_orig, const DecodedPacket& packet) noexcept;
    void add_history(char code) noexcept;
    bool check_history(Side& side, std::uint8_t mask, char code) noexcept;
    void scaled_entry(Side& side, std::size_t which, char code) noexcept;
    void gap(Side& side) noexcept;
    void ack_received(Side& side, std::uint32_t rel_ack) noexcept;
    void data_sent(Side& side, std::uint32_t rel_seq, std::uint32_t len) noexcept;
    void update_state_machine(Side*& ep, Side*& peer, const DecodedPacket& packet, bool is_orig) noexcept;
    void flip_roles(Side*& ep, Side*& peer) noexcept;
    [[nodiscard]] bool is_orig_side(const Side& side) const noexcept { return &side == &m_orig; }
    [[nodiscard]] static bool size_is_zero(const Side& side, const Side& peer) noexcept;
};

}  // namespace tcpvet::analysis
