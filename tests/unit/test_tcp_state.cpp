// next_state against a table written from RFC 9293 §3.10 (event processing), not from the code.
// Every state x event pair is checked; pairs absent from the table must leave the state alone.
#include <doctest/doctest.h>

#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "tcpvet/flow/tcp_state.hpp"

using tcpvet::flow::event_name;
using tcpvet::flow::k_tcp_event_count;
using tcpvet::flow::k_tcp_state_count;
using tcpvet::flow::next_state;
using tcpvet::flow::state_key;
using tcpvet::flow::state_name;
using E = tcpvet::flow::TcpEvent;
using S = tcpvet::flow::TcpState;

namespace {

struct Row {
    S from;
    E event;
    S to;
    const char* why;  // the RFC 9293 passage (or, for tcpvet's own UNKNOWN, the inference)
};

// The transitions. Reviewed against RFC 9293 §3.3.2 (figure 5) and §3.10.1-§3.10.7.
// Two places where tcpvet reports the conversation, not the socket, and so differs from the RFC
// on purpose (the code is right for a wire observer; see the notes on the rows):
//  - LISTEN + send_rst: the RFC keeps a listener in LISTEN when it resets a stray ACK (§3.10.7.2);
//    on the wire an endpoint that answers a SYN with RST is a closed port, and the conversation ends.
//  - SYN-RECEIVED + recv_rst, passive role: the RFC returns the *socket* to LISTEN (§3.10.7.4
//    first); this connection is gone, so its endpoint is CLOSED.
constexpr std::array k_rows{
    // tcpvet's midstream endpoint: the first evidence decides (not an RFC state).
    Row{S::unknown, E::send_syn, S::syn_sent, "a SYN is only sent by an active OPEN"},
    Row{S::unknown, E::send_syn_ack, S::syn_received, "a SYN,ACK is sent from SYN-RECEIVED"},
    Row{S::unknown, E::recv_syn_ack, S::established, "§3.10.7.3: SYN-SENT + acceptable SYN,ACK"},
    Row{S::unknown, E::send_ack_of_syn, S::established, "the third segment is sent entering ESTABLISHED"},
    Row{S::unknown, E::recv_ack_of_syn, S::established, "§3.10.7.4 fifth: SYN-RECEIVED + ACK"},
    Row{S::unknown, E::send_data, S::established, "data flows once synchronized"},
    Row{S::unknown, E::send_fin, S::fin_wait_1, "§3.10.4 CLOSE in ESTABLISHED"},
    Row{S::unknown, E::recv_fin, S::close_wait, "§3.10.7.4 eighth, ESTABLISHED"},
    Row{S::unknown, E::send_rst, S::closed, "§3.10.5 ABORT"},
    Row{S::unknown, E::recv_rst, S::closed, "§3.10.7.4 first"},
    // CLOSED
    Row{S::closed, E::send_syn, S::syn_sent, "§3.10.1 active OPEN"},
    // LISTEN
    Row{S::listen, E::recv_syn, S::syn_received, "§3.10.7.2 third: SYN in LISTEN"},
    Row{S::listen, E::send_syn_ack, S::syn_received, "§3.10.7.2 third: send SYN,ACK, enter SYN-RECEIVED"},
    Row{S::listen, E::send_syn, S::syn_sent, "§3.10.2 SEND in LISTEN: passive to active"},
    Row{S::listen, E::send_rst, S::closed, "deviation: the RFC stays LISTEN; the wire shows a closed port"},
    // SYN-SENT
    Row{S::syn_sent, E::recv_syn_ack, S::established, "§3.10.7.3 fourth: SYN,ACK acknowledging our SYN"},
    Row{S::syn_sent, E::recv_syn, S::syn_received, "§3.10.7.3 fourth: simultaneous open"},
    Row{S::syn_sent, E::send_syn_ack, S::syn_received, "§3.10.7.3: answers the peer's SYN with SYN,ACK"},
    Row{S::syn_sent, E::recv_rst, S::closed, "§3.10.7.3 second: acceptable RST"},
    Row{S::syn_sent, E::send_rst, S::closed, "§3.10.5 ABORT"},
    // SYN-RECEIVED
    Row{S::syn_received, E::recv_ack_of_syn, S::established, "§3.10.7.4 fifth"},
    Row{S::syn_received, E::recv_syn_ack, S::established, "§3.10.7.4 fifth: simultaneous open"},
    Row{S::syn_received, E::send_fin, S::fin_wait_1, "§3.10.4 CLOSE in SYN-RECEIVED"},
    Row{S::syn_received, E::recv_fin, S::close_wait, "§3.10.7.4 eighth"},
    Row{S::syn_received, E::recv_rst, S::closed, "§3.10.7.4 first (active role; passive: see above)"},
    Row{S::syn_received, E::send_rst, S::closed, "§3.10.5 ABORT"},
    // ESTABLISHED
    Row{S::established, E::send_fin, S::fin_wait_1, "§3.10.4 CLOSE"},
    Row{S::established, E::recv_fin, S::close_wait, "§3.10.7.4 eighth"},
    Row{S::established, E::recv_rst, S::closed, "§3.10.7.4 first"},
    Row{S::established, E::send_rst, S::closed, "§3.10.5 ABORT"},
    // FIN-WAIT-1
    Row{S::fin_wait_1, E::recv_ack_of_fin, S::fin_wait_2, "§3.10.7.4 fifth, FIN-WAIT-1"},
    Row{S::fin_wait_1, E::recv_fin, S::closing, "§3.10.7.4 eighth: our FIN not yet ACKed"},
    Row{S::fin_wait_1, E::recv_rst, S::closed, "§3.10.7.4 first"},
    Row{S::fin_wait_1, E::send_rst, S::closed, "§3.10.5 ABORT"},
    // FIN-WAIT-2
    Row{S::fin_wait_2, E::recv_fin, S::time_wait, "§3.10.7.4 eighth, FIN-WAIT-2"},
    Row{S::fin_wait_2, E::recv_rst, S::closed, "§3.10.7.4 first"},
    Row{S::fin_wait_2, E::send_rst, S::closed, "§3.10.5 ABORT"},
    // CLOSE-WAIT
    Row{S::close_wait, E::send_fin, S::last_ack, "§3.10.4 CLOSE in CLOSE-WAIT"},
    Row{S::close_wait, E::recv_rst, S::closed, "§3.10.7.4 first"},
    Row{S::close_wait, E::send_rst, S::closed, "§3.10.5 ABORT"},
    // CLOSING
    Row{S::closing, E::recv_ack_of_fin, S::time_wait, "§3.10.7.4 fifth, CLOSING"},
    Row{S::closing, E::recv_rst, S::closed, "§3.10.7.4 first"},
    Row{S::closing, E::send_rst, S::closed, "a RST from here comes from a deleted TCB"},
    // LAST-ACK
    Row{S::last_ack, E::recv_ack_of_fin, S::closed, "§3.10.7.4 fifth, LAST-ACK"},
    Row{S::last_ack, E::recv_rst, S::closed, "§3.10.7.4 first"},
    Row{S::last_ack, E::send_rst, S::closed, "a RST from here comes from a deleted TCB"},
    // TIME-WAIT (RFC 1337 advises ignoring RST; RFC 9293 §3.10.7.4 enters CLOSED, and so do many stacks)
    Row{S::time_wait, E::recv_rst, S::closed, "§3.10.7.4 first"},
    Row{S::time_wait, E::send_rst, S::closed, "a RST from here comes from a deleted TCB"},
};

std::optional<S> table_next(S from, E event) {
    for (const Row& row : k_rows) {
        if (row.from == from && row.event == event) return row.to;
    }
    return std::nullopt;
}

S run(S start, std::initializer_list<E> events) {
    S state = start;
    for (E event : events) {
        if (const auto next = next_state(state, event)) state = *next;
    }
    return state;
}

}  // namespace

TEST_CASE("tcp_state: every state x event pair matches the RFC 9293 table") {
    std::size_t changes = 0;
    for (std::size_t s = 0; s < k_tcp_state_count; ++s) {
        for (std::size_t e = 0; e < k_tcp_event_count; ++e) {
            const auto state = static_cast<S>(s);
            const auto event = static_cast<E>(e);
            CAPTURE(state_name(state));
            CAPTURE(event_name(event));
            const auto expected = table_next(state, event);
            const auto actual = next_state(state, event);
            CHECK(actual.has_value() == expected.has_value());
            if (actual && expected) CHECK(state_name(*actual) == state_name(*expected));
            if (expected) ++changes;
        }
    }
    CHECK(changes == k_rows.size());  // no duplicate rows
}

TEST_CASE("tcp_state: names cover every state and event, distinct") {
    std::set<std::string_view> names;
    std::set<std::string_view> keys;
    for (std::size_t s = 0; s < k_tcp_state_count; ++s) {
        names.insert(state_name(static_cast<S>(s)));
        keys.insert(state_key(static_cast<S>(s)));
    }
    CHECK(names.size() == k_tcp_state_count);
    CHECK(keys.size() == k_tcp_state_count);
    CHECK(names.count("?") == 0);
    CHECK(state_name(S::syn_received) == "SYN-RECEIVED");
    CHECK(state_key(S::fin_wait_2) == "fin_wait_2");
    std::set<std::string_view> events;
    for (std::size_t e = 0; e < k_tcp_event_count; ++e) events.insert(event_name(static_cast<E>(e)));
    CHECK(events.size() == k_tcp_event_count);
    CHECK(events.count("?") == 0);
    // One past the last enumerator is out of the vocabulary.
    CHECK(state_name(static_cast<S>(k_tcp_state_count)) == "?");
    CHECK(event_name(static_cast<E>(k_tcp_event_count)) == "?");
}

TEST_CASE("tcp_state: each role's whole life, as the wire shows it") {
    SUBCASE("initiator: active open, active close") {
        CHECK(run(S::closed, {E::send_syn, E::recv_syn_ack, E::send_ack_of_syn, E::send_data, E::send_fin,
                              E::recv_ack_of_fin, E::recv_fin}) == S::time_wait);
        CHECK(run(S::closed, {E::send_syn, E::recv_syn_ack, E::send_fin}) == S::fin_wait_1);
    }
    SUBCASE("responder: passive open, passive close") {
        CHECK(run(S::listen, {E::recv_syn, E::send_syn_ack, E::recv_ack_of_syn, E::recv_fin}) == S::close_wait);
        CHECK(run(S::listen, {E::recv_syn, E::send_syn_ack, E::recv_ack_of_syn, E::recv_fin, E::send_fin,
                              E::recv_ack_of_fin}) == S::closed);
    }
    SUBCASE("both: simultaneous open and close") {
        CHECK(run(S::closed, {E::send_syn, E::recv_syn, E::send_syn_ack, E::recv_syn_ack}) == S::established);
        CHECK(run(S::established, {E::send_fin, E::recv_fin, E::recv_ack_of_fin}) == S::time_wait);
    }
    SUBCASE("refused and reset") {
        CHECK(run(S::closed, {E::send_syn, E::recv_rst}) == S::closed);
        CHECK(run(S::listen, {E::send_rst}) == S::closed);
        CHECK(run(S::listen, {E::recv_rst}) == S::listen);  // §3.10.7.2: ignored
        CHECK(run(S::fin_wait_2, {E::recv_rst}) == S::closed);
    }
    SUBCASE("nothing revives a closed endpoint but a new SYN") {
        for (std::size_t e = 0; e < k_tcp_event_count; ++e) {
            const auto event = static_cast<E>(e);
            if (event == E::send_syn) continue;
            CAPTURE(event_name(event));
            CHECK_FALSE(next_state(S::closed, event).has_value());
        }
    }
}
