// RFC 9293 connection states of one endpoint, as observed from the wire, and the pure transition function.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tcpvet::flow {

// RFC 9293 §3.3.2. LISTEN is the passive side before it answers; `unknown` is a midstream
// endpoint before anything told us its state.
enum class TcpState : std::uint8_t {
    unknown,
    closed,
    listen,
    syn_sent,
    syn_received,
    established,
    fin_wait_1,
    fin_wait_2,
    close_wait,
    closing,
    last_ack,
    time_wait,
};
inline constexpr std::size_t k_tcp_state_count = 12;

// "SYN-SENT", "CLOSE-WAIT", ... (RFC spelling).
[[nodiscard]] std::string_view state_name(TcpState state) noexcept;
// "syn_sent", "close_wait", ... (JSON spelling).
[[nodiscard]] std::string_view state_key(TcpState state) noexcept;

// What an endpoint did or had done to it. From the wire, a `recv_syn`/`recv_syn_ack`/`recv_fin` is
// evidenced by the endpoint acknowledging that SYN or FIN; a `recv_ack_of_*` or `recv_rst` by the
// peer's segment passing by. Within one segment the sender's receipts apply before its sends.
enum class TcpEvent : std::uint8_t {
    send_syn,         // sent SYN without ACK
    send_syn_ack,     // sent SYN+ACK
    recv_syn,         // received SYN without ACK
    recv_syn_ack,     // received SYN+ACK that acknowledges our SYN
    send_ack_of_syn,  // sent an acceptable ACK of the peer's SYN (the third segment)
    recv_ack_of_syn,  // received an acceptable ACK of our SYN
    send_fin,
    recv_fin,
    recv_ack_of_fin,  // received an ACK covering our FIN
    send_rst,
    recv_rst,
    send_data,  // sent payload (lets a midstream endpoint be inferred ESTABLISHED)
};
inline constexpr std::size_t k_tcp_event_count = 12;

[[nodiscard]] std::string_view event_name(TcpEvent event) noexcept;

// The state an endpoint moves to, or nullopt when the event does not change it in that state.
// Pure and total over state x event: the table tests walk every pair.
[[nodiscard]] std::optional<TcpState> next_state(TcpState state, TcpEvent event) noexcept;

}  // namespace tcpvet::flow
