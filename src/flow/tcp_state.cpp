// RFC 9293 per-endpoint transitions, one small handler per state (§3.3.2 figure 5, §3.10.7).
#include "tcpvet/flow/tcp_state.hpp"

namespace tcpvet::flow {
namespace {

using Next = std::optional<TcpState>;
using E = TcpEvent;
using S = TcpState;

// A reset ends the connection in every synchronized or half-synchronized state (§3.10.7.4, step 2).
Next on_reset(TcpEvent event) noexcept {
    if (event == E::send_rst || event == E::recv_rst) return S::closed;
    return std::nullopt;
}

// Midstream endpoint: nothing seen yet tells its state; the first evidence decides.
Next from_unknown(TcpEvent event) noexcept {
    switch (event) {
    case E::send_syn: return S::syn_sent;
    case E::send_syn_ack: return S::syn_received;
    case E::send_data:
    case E::send_ack_of_syn:
    case E::recv_ack_of_syn:
    case E::recv_syn_ack: return S::established;
    case E::send_fin: return S::fin_wait_1;
    case E::recv_fin: return S::close_wait;
    case E::send_rst:
    case E::recv_rst: return S::closed;
    case E::recv_syn:
    case E::recv_ack_of_fin: return std::nullopt;
    }
    return std::nullopt;
}

Next from_closed(TcpEvent event) noexcept {
    if (event == E::send_syn) return S::syn_sent;
    return std::nullopt;
}

Next from_listen(TcpEvent event) noexcept {
    switch (event) {
    case E::recv_syn:  // it acknowledged a SYN that reached it in LISTEN
    case E::send_syn_ack: return S::syn_received;
    case E::send_syn: return S::syn_sent;  // LISTEN + SEND call
    case E::send_rst: return S::closed;    // a closed port answers the SYN with RST
    case E::recv_syn_ack:
    case E::send_ack_of_syn:
    case E::recv_ack_of_syn:
    case E::send_fin:
    case E::recv_fin:
    case E::recv_ack_of_fin:
    case E::recv_rst:  // §3.10.7.2: a RST reaching LISTEN is ignored
    case E::send_data: return std::nullopt;
    }
    return std::nullopt;
}

Next from_syn_sent(TcpEvent event) noexcept {
    switch (event) {
    case E::recv_syn_ack: return S::established;  // §3.10.7.3: our SYN acknowledged
    case E::recv_syn:                             // simultaneous open
    case E::send_syn_ack: return S::syn_received;
    case E::send_syn:
    case E::send_ack_of_syn:
    case E::recv_ack_of_syn:
    case E::send_fin:
    case E::recv_fin:
    case E::recv_ack_of_fin:
    case E::send_rst:
    case E::recv_rst:
    case E::send_data: return on_reset(event);
    }
    return std::nullopt;
}

Next from_syn_received(TcpEvent event) noexcept {
    switch (event) {
    case E::recv_ack_of_syn:
    case E::recv_syn_ack: return S::established;  // §3.10.7.4 step 5
    case E::send_fin: return S::fin_wait_1;       // CLOSE call in SYN-RECEIVED
    case E::recv_fin: return S::close_wait;       // §3.10.7.4 step 8
    case E::send_syn:
    case E::send_syn_ack:
    case E::recv_syn:
    case E::send_ack_of_syn:
    case E::recv_ack_of_fin:
    case E::send_rst:
    case E::recv_rst:
    case E::send_data: return on_reset(event);
    }
    return std::nullopt;
}

Next from_established(TcpEvent event) noexcept {
    switch (event) {
    case E::send_fin: return S::fin_wait_1;
    case E::recv_fin: return S::close_wait;
    case E::send_syn:
    case E::send_syn_ack:
    case E::recv_syn:
    case E::recv_syn_ack:
    case E::send_ack_of_syn:
    case E::recv_ack_of_syn:
    case E::recv_ack_of_fin:
    case E::send_rst:
    case E::recv_rst:
    case E::send_data: return on_reset(event);
    }
    return std::nullopt;
}

Next from_fin_wait_1(TcpEvent event) noexcept {
    switch (event) {
    case E::recv_ack_of_fin: return S::fin_wait_2;
    case E::recv_fin: return S::closing;  // our FIN not yet acknowledged: simultaneous close
    case E::send_syn:
    case E::send_syn_ack:
    case E::recv_syn:
    case E::recv_syn_ack:
    case E::send_ack_of_syn:
    case E::recv_ack_of_syn:
    case E::send_fin:
    case E::send_rst:
    case E::recv_rst:
    case E::send_data: return on_reset(event);
    }
    return std::nullopt;
}

Next from_fin_wait_2(TcpEvent event) noexcept {
    if (event == E::recv_fin) return S::time_wait;
    return on_reset(event);
}

Next from_close_wait(TcpEvent event) noexcept {
    if (event == E::send_fin) return S::last_ack;
    return on_reset(event);
}

Next from_closing(TcpEvent event) noexcept {
    if (event == E::recv_ack_of_fin) return S::time_wait;
    return on_reset(event);
}

Next from_last_ack(TcpEvent event) noexcept {
    if (event == E::recv_ack_of_fin) return S::closed;
    return on_reset(event);
}

// RFC 9293 §3.10.7.4 lets a RST end TIME-WAIT (RFC 1337 advises hosts to ignore it; the wire shows both).
Next from_time_wait(TcpEvent event) noexcept { return on_reset(event); }

}  // namespace

Next next_state(TcpState state, TcpEvent event) noexcept {
    switch (state) {
    case S::unknown: return from_unknown(event);
    case S::closed: return from_closed(event);
    case S::listen: return from_listen(event);
    case S::syn_sent: return from_syn_sent(event);
    case S::syn_received: return from_syn_received(event);
    case S::established: return from_established(event);
    case S::fin_wait_1: return from_fin_wait_1(event);
    case S::fin_wait_2: return from_fin_wait_2(event);
    case S::close_wait: return from_close_wait(event);
    case S::closing: return from_closing(event);
    case S::last_ack: return from_last_ack(event);
    case S::time_wait: return from_time_wait(event);
    }
    return std::nullopt;
}

std::string_view state_name(TcpState state) noexcept {
    switch (state) {
    case S::unknown: return "UNKNOWN";
    case S::closed: return "CLOSED";
    case S::listen: return "LISTEN";
    case S::syn_sent: return "SYN-SENT";
    case S::syn_received: return "SYN-RECEIVED";
    case S::established: return "ESTABLISHED";
    case S::fin_wait_1: return "FIN-WAIT-1";
    case S::fin_wait_2: return "FIN-WAIT-2";
    case S::close_wait: return "CLOSE-WAIT";
    case S::closing: return "CLOSING";
    case S::last_ack: return "LAST-ACK";
    case S::time_wait: return "TIME-WAIT";
    }
    return "?";
}

std::string_view state_key(TcpState state) noexcept {
    switch (state) {
    case S::unknown: return "unknown";
    case S::closed: return "closed";
    case S::listen: return "listen";
    case S::syn_sent: return "syn_sent";
    case S::syn_received: return "syn_received";
    case S::established: return "established";
    case S::fin_wait_1: return "fin_wait_1";
    case S::fin_wait_2: return "fin_wait_2";
    case S::close_wait: return "close_wait";
    case S::closing: return "closing";
    case S::last_ack: return "last_ack";
    case S::time_wait: return "time_wait";
    }
    return "?";
}

std::string_view event_name(TcpEvent event) noexcept {
    switch (event) {
    case E::send_syn: return "send_syn";
    case E::send_syn_ack: return "send_syn_ack";
    case E::recv_syn: return "recv_syn";
    case E::recv_syn_ack: return "recv_syn_ack";
    case E::send_ack_of_syn: return "send_ack_of_syn";
    case E::recv_ack_of_syn: return "recv_ack_of_syn";
    case E::send_fin: return "send_fin";
    case E::recv_fin: return "recv_fin";
    case E::recv_ack_of_fin: return "recv_ack_of_fin";
    case E::send_rst: return "send_rst";
    case E::recv_rst: return "recv_rst";
    case E::send_data: return "send_data";
    }
    return "?";
}

}  // namespace tcpvet::flow
