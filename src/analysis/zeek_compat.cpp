// Zeek conn.log conn_state and history, by replaying Zeek's TCP endpoint state machine per segment.
//
// Rules implemented (Zeek 6/7: packet_analysis/protocol/tcp/TCPSessionAdapter.cc and TCP.cc,
// analyzer/protocol/tcp/TCP_Endpoint.cc and TCP_Reassembler.cc, Conn.cc/Conn.h, conn/main.zeek):
//  Per segment (TCPSessionAdapter::Process): bad checksum -> 'C' and nothing else (ValidateChecksum);
//   else init_endpoint, update_history, update_window ('W'), ACK bookkeeping, update_last_seq ('T' when a
//   segment with payload ends at or below last_seq), UpdateStateMachine, peer AckReceived ('G'), DataSent.
//  Letters: S H A D F R I Q once per direction (CheckHistory; S and H share a bit; S H F R again when their
//   relative seq differs from the previous one); C T W G at the 1st, 10th, 100th ... occurrence
//   (ScaledHistoryEntry); upper case for orig; '^' whenever Zeek flips roles (Connection::FlipRoles).
//  Endpoint transitions (UpdateStateMachine):
//   INACTIVE: orig SYN -> SYN_SENT (SYN_ACK_SENT with ACK); resp SYN -> ESTABLISHED, and an orig in SYN_SENT
//    -> ESTABLISHED (resp SYN w/o ACK answering an orig SYN_ACK_SENT at resp's start seq flips roles);
//    FIN -> CLOSED; RST -> RESET; no SYN/FIN/RST: ACK with peer ESTABLISHED -> ESTABLISHED, else PARTIAL
//    (a resp pure ACK while orig is SYN_SENT leaves it INACTIVE).
//   SYN_SENT/SYN_ACK_SENT: FIN -> CLOSED; RST -> RESET.
//   ESTABLISHED/PARTIAL: SYN from PARTIAL while peer INACTIVE (no ACK) -> SYN_SENT; FIN w/o RST -> CLOSED
//    (a peer RESET right after its own FIN goes back to CLOSED); RST -> RESET.
//   CLOSED: RST -> RESET unless the peer is CLOSED.   RESET: final.
//  conn_state (main.zeek conn_state()); os/rs = orig/resp state, "inactive" = INACTIVE or PARTIAL:
//   rs RESET: REJ if os SYN_SENT|SYN_ACK_SENT or (os RESET and both sizes 0); RSTRH if os inactive; else RSTR
//   os RESET: rs inactive: RSTOS0 if history ~ /^\^?S[^HAFGIQ]*R.*$/ else OTH; otherwise RSTO
//   both CLOSED: SF; os CLOSED: SH (rs inactive) / S2; rs CLOSED: SHR (os inactive) / S3;
//   os SYN_SENT and rs INACTIVE: S0; both ESTABLISHED: S1; anything else: OTH.
//
// Approximations (fixed 96-byte state instead of Zeek's heap objects), each repeated where it applies:
//  - relative sequence numbers are 32-bit (Zeek: 64-bit with wrap counts): exact below 2 GiB per direction;
//  - hist_last_SYN/RST compared on their low 16 bits; hist_last_FIN and FIN_seq derived from last_seq;
//  - the reassembler keeps one hole: data buffered above it is taken as contiguous up to last_seq, and an
//    ACK covering it counts one gap (Zeek counts one per hole); reassembly assumed on from the first packet
//    (dpd_reassemble_first_packets=T) and never skipped; no memory limits;
//  - TCP_Endpoint::ack_seq is not kept: Size() (only its zero-ness matters, for REJ) uses the reassembler;
//  - C T W G counters saturate at 65535, so the sixth letter (100,000th occurrence) never appears;
//  - timers (attempt, close, inactivity), connection reuse (IsReuse) and the history beyond 31 letters
//    are not modeled; '^' at creation follows tcpvet's roles, not Zeek's likely_server_ports heuristic.
#include "tcpvet/analysis/zeek_compat.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "tcpvet/seq.hpp"

namespace tcpvet::analysis {

static_assert(sizeof(ZeekConnection) <= 104, "ZeekConnection is held per conversation: keep it small");

namespace {

using State = ZeekEndpointState;

// TCP_Endpoint::HistoryMasks (TCP_Endpoint.h). Zeek keeps them in Connection::hist_seen, responder bits
// shifted by 16; we keep one byte per role.
constexpr std::uint8_t k_hist_syn = 0x01;
constexpr std::uint8_t k_hist_fin = 0x02;
constexpr std::uint8_t k_hist_rst = 0x04;
constexpr std::uint8_t k_hist_fin_rst = 0x08;
constexpr std::uint8_t k_hist_data = 0x10;
constexpr std::uint8_t k_hist_ack = 0x20;
constexpr std::uint8_t k_hist_multi_flag = 0x40;

// Side::bits
constexpr std::uint8_t k_fin_seen = 0x01;           // TCP_Endpoint::FIN_cnt > 0
constexpr std::uint8_t k_buffered = 0x02;           // the reassembler holds data above a hole
constexpr std::uint8_t k_first_packet_seen = 0x04;  // TCPSessionAdapter::first_packet_seen, this endpoint's bit

// ZeekConnection::m_flags
constexpr std::uint8_t k_started = 0x01;
constexpr std::uint8_t k_partial = 0x02;  // TCPSessionAdapter::is_partial
constexpr std::uint8_t k_swapped = 0x04;  // Zeek flipped roles mid-connection: tcpvet's orig is Zeek's resp

// Side::scaled indices: TCP_Endpoint chk_cnt, rxmt_cnt, win0_cnt, gap_cnt.
constexpr std::size_t k_checksum = 0;
constexpr std::size_t k_rexmit = 1;
constexpr std::size_t k_zero_window = 2;
constexpr std::size_t k_gap = 3;

constexpr std::int32_t k_too_large_seq_delta = 1048576;  // TCPSessionAdapter.cc TOO_LARGE_SEQ_DELTA

constexpr char to_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Thresholds of Connection::ScaledHistoryEntry with scaling_base 10, as far as a 16-bit counter reaches.
constexpr bool is_scaled_threshold(std::uint16_t count) noexcept {
    return count == 1 || count == 10 || count == 100 || count == 1000 || count == 10000;
}

// TCP_Endpoint::SetState: prev_state changes only on a real transition.
void set_state(auto& side, State next) noexcept {
    if (side.state != next) {
        side.prev_state = side.state;
        side.state = next;
    }
}

// The endpoint is done sending (see the last_time update in process()).
bool has_closed(const auto& side) noexcept { return (side.bits & k_fin_seen) != 0 || side.state == State::reset; }

// TCP_Reassembler.cc is_clean().
bool is_clean(const auto& side) noexcept {
    return side.state == State::established || (side.state == State::closed && side.prev_state == State::established);
}

// Relative offset of the FIN (TCP_Endpoint::FIN_seq = rel_seq + seg_len of the last FIN). Approximation:
// taken as one past the highest segment, which is where a FIN sits unless data follows it.
std::uint32_t fin_seq(const auto& side) noexcept { return side.last_seq - side.start_seq; }

// End of the data buffered above a hole. Approximation: everything up to the highest segment (less the
// FIN octet) is taken as received; Zeek knows each block.
std::uint32_t buffered_end(const auto& side) noexcept {
    const std::uint32_t end = fin_seq(side) - ((side.bits & k_fin_seen) != 0 ? 1U : 0U);
    return seq::max(end, side.buffered_from);
}

// TCPSessionAdapter.cc init_endpoint(): (re)start the sequence space of the sending endpoint.
void init_endpoint(auto& ep, bool syn, std::uint32_t first_seg_seq, std::uint32_t last_seq) noexcept {
    switch (ep.state) {
    case State::inactive:
        if (syn) {
            ep.start_seq = first_seg_seq;
        } else {
            // A partial connection: number as though a SYN had been seen, and keep the first packet
            // from looking like a retransmission.
            ep.start_seq = first_seg_seq - 1;
            last_seq = first_seg_seq;
        }
        ep.last_seq = last_seq;
        break;
    case State::syn_sent:
    case State::syn_ack_sent:
        if (syn && first_seg_seq != ep.start_seq) {  // "SYN_seq_jump"
            ep.start_seq = first_seg_seq;
            ep.last_seq = last_seq;
        }
        break;
    case State::established:
    case State::partial:
        if (syn) {  // guess that this SYN is the one that really sets the connection up
            ep.start_seq = first_seg_seq;
            ep.last_seq = last_seq;
        }
        break;
    case State::reset:
        if (syn && ep.prev_state == State::inactive) {  // the earlier RST may have been injected
            ep.start_seq = first_seg_seq;
            ep.last_seq = last_seq;
        }
        break;
    case State::closed: break;
    }
}

// main.zeek conn_state(): `/\^?S[^HAFGIQ]*R.*/ == c$history` (a whole-string match).
bool history_is_rstos0(std::string_view history) noexcept {
    std::size_t i = 0;
    if (i < history.size() && history[i] == '^') {
        ++i;
    }
    if (i >= history.size() || history[i] != 'S') {
        return false;
    }
    for (++i; i < history.size(); ++i) {
        const char c = history[i];
        if (c == 'R') {
            return true;
        }
        if (c == 'H' || c == 'A' || c == 'F' || c == 'G' || c == 'I' || c == 'Q') {
            return false;
        }
    }
    return false;
}

}  // namespace

std::string_view ZeekConnection::history() const noexcept {
    const auto end = std::find(m_history.begin(), m_history.end(), '\0');
    return {m_history.data(), static_cast<std::size_t>(end - m_history.begin())};
}

// Connection::AddHistory. Approximation: Zeek's history is unbounded; ours stops at k_max_history.
void ZeekConnection::add_history(char code) noexcept {
    const auto end = std::find(m_history.begin(), m_history.end(), '\0');
    if (end != m_history.end()) {
        *end = code;
    }
}

// TCP_Endpoint::CheckHistory -> Connection::CheckHistory: adds the letter the first time, returns
// whether it had been seen before.
bool ZeekConnection::check_history(Side& side, std::uint8_t mask, char code) noexcept {
    if ((side.hist_seen & mask) == 0) {
        side.hist_seen = static_cast<std::uint8_t>(side.hist_seen | mask);
        add_history(is_orig_side(side) ? code : to_lower(code));
        return false;
    }
    return true;
}

// Connection::ScaledHistoryEntry via TCP_Endpoint::ChecksumError/DidRxmit/ZeroWindow/Gap.
// Approximation: the counter saturates at 65535 (Zeek: 32 bits).
void ZeekConnection::scaled_entry(Side& side, std::size_t which, char code) noexcept {
    std::uint16_t& count = side.scaled[which];
    if (count == 0xFFFF) {
        return;
    }
    ++count;
    if (is_scaled_threshold(count)) {
        add_history(is_orig_side(side) ? code : to_lower(code));
    }
}

// TCP_Reassembler::Gap: only connections established (or cleanly closing) on both sides record 'G'.
void ZeekConnection::gap(Side& side) noexcept {
    const Side& other = is_orig_side(side) ? m_resp : m_orig;
    if (is_clean(side) && is_clean(other)) {
        scaled_entry(side, k_gap, 'G');
    }
}

// TCP_Reassembler::AckReceived -> Reassembler::TrimToSeq -> TCP_Reassembler::Undelivered, for the
// endpoint whose data `rel_ack` acknowledges.
void ZeekConnection::ack_received(Side& side, std::uint32_t rel_ack) noexcept {
    if ((side.bits & k_fin_seen) != 0 && seq::ge(rel_ack, fin_seq(side))) {
        rel_ack = fin_seq(side) - 1;  // don't count the FIN octet as missing data
    }
    // `seq <= trim_seq` returns early, and Trim calls Undelivered only above last_reassem_seq
    // (trim_seq never exceeds it).
    if (!seq::gt(rel_ack, side.reassembled)) {
        return;
    }
    // A partial connection's faked-up first octet or keep-alive octet: ignored, last_reassem_seq kept.
    if (rel_ack <= 2 && (m_flags & k_partial) != 0) {
        return;
    }
    if ((side.bits & k_buffered) != 0 && seq::lt(side.buffered_from, rel_ack)) {
        // The hole below the buffered blocks, then the buffered data is delivered.
        // Approximation: one hole, buffered data contiguous up to the highest segment.
        gap(side);
        side.reassembled = buffered_end(side);
        side.bits = static_cast<std::uint8_t>(side.bits & ~k_buffered);
        if (seq::gt(rel_ack, side.reassembled)) {
            gap(side);
        }
    } else {
        gap(side);
    }
    side.reassembled = seq::max(side.reassembled, rel_ack);
}

// TCP_Reassembler::DataSent -> Reassembler::NewBlock -> TCP_Reassembler::BlockInserted.
void ZeekConnection::data_sent(Side& side, std::uint32_t rel_seq, std::uint32_t len) noexcept {
    const std::uint32_t end = rel_seq + len;
    if (!seq::gt(end, side.reassembled)) {
        return;  // already delivered (or acked and trimmed)
    }
    if (seq::gt(rel_seq, side.reassembled)) {
        // Above a hole: buffered until the hole fills or an ACK skips it.
        if ((side.bits & k_buffered) == 0 || seq::lt(rel_seq, side.buffered_from)) {
            side.buffered_from = rel_seq;
            side.bits = static_cast<std::uint8_t>(side.bits | k_buffered);
        }
        return;
    }
    side.reassembled = end;
    if ((side.bits & k_buffered) != 0 && !seq::gt(side.buffered_from, side.reassembled)) {
        side.reassembled = seq::max(end, buffered_end(side));
        side.bits = static_cast<std::uint8_t>(side.bits & ~k_buffered);
    }
}

// Connection::FlipRoles + TCPSessionAdapter::FlipRoles: endpoints swap roles (and first_packet_seen with
// them), hist_seen stays with the roles, is_partial resets, '^' is recorded. `ep`/`peer` keep pointing
// at the same endpoints.
void ZeekConnection::flip_roles(Side*& ep, Side*& peer) noexcept {
    std::swap(m_orig, m_resp);
    std::swap(m_orig.hist_seen, m_resp.hist_seen);
    std::swap(ep, peer);
    m_flags = static_cast<std::uint8_t>((m_flags ^ k_swapped) & ~k_partial);
    add_history('^');
}

// TCPSessionAdapter::UpdateStateMachine and its UpdateInactiveState / UpdateSYN_SentState /
// UpdateEstablishedState / UpdateClosedState / UpdateResetState.
void ZeekConnection::update_state_machine(Side*& ep, Side*& peer, const DecodedPacket& packet, bool is_orig) noexcept {
    const TcpHeader& tcp = packet.tcp;
    const bool syn = tcp.has(tcp_flag::syn);
    const bool fin = tcp.has(tcp_flag::fin);
    const bool rst = tcp.has(tcp_flag::rst);
    const bool ack = tcp.has(tcp_flag::ack);

    switch (ep->state) {
    case State::inactive:
        // UpdateInactiveState
        if (syn) {
            if (is_orig) {
                set_state(*ep, ack ? State::syn_ack_sent : State::syn_sent);
            } else {
                if (!ack && peer->state == State::syn_ack_sent && tcp.seq == ep->start_seq) {
                    // A SYN/SYN-ACK reversal: flip the endpoints and establish the connection.
                    m_flags = static_cast<std::uint8_t>(m_flags & ~k_partial);
                    flip_roles(ep, peer);
                    set_state(*peer, State::established);
                    ep->bits = static_cast<std::uint8_t>(ep->bits | k_first_packet_seen);  // SetFirstPacketSeen(true)
                }
                if (peer->state == State::syn_sent) {
                    set_state(*peer, State::established);
                }
                set_state(*ep, State::established);
            }
        }
        if (fin) {
            set_state(*ep, State::closed);
        }
        if (rst) {
            set_state(*ep, State::reset);
        }
        if (ep->state == State::inactive) {  // no control flag changed the state
            if (!is_orig && packet.payload_len == 0 && m_orig.state == State::syn_sent) {
                // Some TCPs ACK an initial SYN before answering it: not a partial connection.
            } else if (ack && peer->state == State::established) {
                // The SYN was missed but the SYN-ACK seen: establish instead of going partial.
                set_state(*ep, State::established);
                m_flags = static_cast<std::uint8_t>(m_flags & ~k_partial);
                Side& role = is_orig ? m_orig : m_resp;  // SetFirstPacketSeen(is_orig)
                role.bits = static_cast<std::uint8_t>(role.bits | k_first_packet_seen);
            } else {
                set_state(*ep, State::partial);
            }
        }
        break;
    case State::syn_sent:
    case State::syn_ack_sent:
        // UpdateSYN_SentState
        if (fin) {
            set_state(*ep, State::closed);
        }
        if (rst) {
            set_state(*ep, State::reset);
        }
        break;
    case State::established:
    case State::partial:
        // UpdateEstablishedState
        if (syn && ep->state == State::partial && peer->state == State::inactive && !ack) {
            set_state(*ep, State::syn_sent);  // "SYN_after_partial"
        }
        if (fin && !rst) {
            set_state(*ep, State::closed);
            if (peer->state == State::reset && peer->prev_state == State::closed) {
                set_state(*peer, State::closed);  // the peer's FIN then RST was a normal termination
            }
        }
        if (rst) {
            set_state(*ep, State::reset);
        }
        break;
    case State::closed:
        // UpdateClosedState: after a FIN exchange a RST no longer changes anything.
        if (rst && peer->state != State::closed) {
            set_state(*ep, State::reset);
        }
        break;
    case State::reset: break;  // UpdateResetState only reports weirds
    }
}

void ZeekConnection::on_segment(bool from_originator, const DecodedPacket& packet, bool bad_checksum) noexcept {
    if (packet.cls != PacketClass::tcp) {
        return;
    }
    if ((m_flags & k_started) == 0) {
        m_flags = static_cast<std::uint8_t>(m_flags | k_started);
        // tcpvet makes the receiver of a leading SYN-ACK the originator, as Zeek's
        // TCPAnalyzer::WantConnection flip does; Zeek records that flip at creation, before the packet.
        if (!from_originator) {
            add_history('^');
        }
    }
    const bool is_orig = from_originator != ((m_flags & k_swapped) != 0);
    // TCPAnalyzer::ExtractTCP_Header: a bad or cut TCP header stops analysis ("bad_TCP_header_len",
    // "truncated_header").
    if (packet.tcp.data_offset < 5 || packet.truncated_at == Layer::tcp_options) {
        return;
    }
    // TCPAnalyzer::ValidateChecksum: the endpoint records 'C' and the packet goes no further.
    if (bad_checksum) {
        scaled_entry(is_orig ? m_orig : m_resp, k_checksum, 'C');
        return;
    }
    process(is_orig, packet);
}

// TCPSessionAdapter::Process, in its order.
void ZeekConnection::process(bool is_orig, const DecodedPacket& packet) noexcept {
    const TcpHeader& tcp = packet.tcp;
    const bool syn = tcp.has(tcp_flag::syn);
    const bool fin = tcp.has(tcp_flag::fin);
    const bool rst = tcp.has(tcp_flag::rst);
    const bool ack = tcp.has(tcp_flag::ack);
    const std::uint32_t len = packet.payload_len;

    // TCPSessionAdapter::DeliverPacket: `if (!orig->did_close || !resp->did_close) SetLastTime()`,
    // judged before this packet. Approximation: did_close taken as "sent a FIN or a RST" (Zeek: the
    // FIN was reached by the reassembler). Matches the baselines, where the final ACK (or a second
    // RST) is outside the duration.
    if (!has_closed(m_orig) || !has_closed(m_resp)) {
        m_last_ns = packet.ts_ns;
    }

    Side* ep = is_orig ? &m_orig : &m_resp;
    Side* peer = is_orig ? &m_resp : &m_orig;

    // SetPartialStatus: judged on the first packet from each side.
    if (is_orig) {
        if ((m_orig.bits & k_first_packet_seen) == 0) {
            const bool partial = !syn || ack;
            m_flags = static_cast<std::uint8_t>(partial ? (m_flags | k_partial) : (m_flags & ~k_partial));
        }
    } else if ((m_resp.bits & k_first_packet_seen) == 0 && (m_flags & k_partial) == 0 && !syn) {
        m_flags = static_cast<std::uint8_t>(m_flags | k_partial);
    }

    // get_segment_len: SYN and FIN take one octet each; a RST's payload is not part of the stream.
    const std::uint32_t seg_len = (rst ? 0U : len) + (syn ? 1U : 0U) + (fin ? 1U : 0U);
    const std::uint32_t seq_one_past_segment = tcp.seq + seg_len;

    init_endpoint(*ep, syn, tcp.seq, seq_one_past_segment);

    // get_relative_seq. Approximation: 32-bit relative numbers; Zeek's underflow test is this one while
    // the sequence space has not wrapped.
    const bool seq_underflow = seq::lt(tcp.seq, ep->start_seq);
    const std::uint32_t rel_seq = tcp.seq - ep->start_seq;

    // update_history
    const int bits_set = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
    if (bits_set > 1) {
        if (fin && rst) {
            check_history(*ep, k_hist_fin_rst, 'I');
        } else {
            check_history(*ep, k_hist_multi_flag, 'Q');
        }
    } else if (bits_set == 1) {
        // Approximation: hist_last_SYN/RST compared on their low 16 bits.
        const auto rel16 = static_cast<std::uint16_t>(rel_seq & 0xFFFFU);
        if (syn) {
            const char code = ack ? 'H' : 'S';
            if (check_history(*ep, k_hist_syn, code) && rel16 != ep->hist_last_syn) {
                add_history(is_orig_side(*ep) ? code : to_lower(code));
            }
            ep->hist_last_syn = rel16;
        }
        if (fin) {
            // The FIN's sequence number is at the end of its data. Approximation: hist_last_FIN is taken
            // as the octet before the highest segment, where the previous FIN sat.
            const std::uint32_t last_fin = (ep->bits & k_fin_seen) != 0 ? fin_seq(*ep) - 1 : 0;
            if (check_history(*ep, k_hist_fin, 'F') && rel_seq + len != last_fin) {
                add_history(is_orig_side(*ep) ? 'F' : 'f');
            }
        }
        if (rst) {
            if (check_history(*ep, k_hist_rst, 'R') && rel16 != ep->hist_last_rst) {
                add_history(is_orig_side(*ep) ? 'R' : 'r');
            }
            ep->hist_last_rst = rel16;
        }
    } else if (len > 0) {
        check_history(*ep, k_hist_data, 'D');
    } else if (ack) {
        check_history(*ep, k_hist_ack, 'A');
    }

    // update_window: a zero window counts unless it comes with or after a RST, or after the peer's FIN.
    // (Window scaling cannot turn a non-zero window into zero: the shift is at most 14.)
    if (tcp.window == 0 && !rst && peer->state != State::closed && ep->state != State::reset) {
        scaled_entry(*ep, k_zero_window, 'W');
    }

    if (fin) {
        ep->bits = static_cast<std::uint8_t>(ep->bits | k_fin_seen);
    }

    std::uint32_t rel_ack = 0;
    if (ack) {
        if (peer->state == State::inactive) {
            // init_peer: number the peer as though its SYN had been seen.
            rel_ack = 1;
            peer->start_seq = tcp.ack - 1;
            peer->last_seq = tcp.ack - 1;
        } else if (!seq::lt(tcp.ack, peer->start_seq)) {
            rel_ack = tcp.ack - peer->start_seq;  // else "TCP_ack_underflow_or_misorder": rel_ack 0
        }
    }

    // update_last_seq
    const std::int32_t delta_last = seq::diff(seq_one_past_segment, ep->last_seq);
    if ((syn || rst) && (delta_last > k_too_large_seq_delta || delta_last < -k_too_large_seq_delta)) {
        // an outlandish SYN or RST sequence number is not trusted
    } else if (fin && ep->last_seq == ep->start_seq + 1) {
        ep->last_seq = seq_one_past_segment;  // SYN then FIN only: accept even if it looks backwards
    } else if (ep->state == State::reset) {
        // nothing after a RST is trusted
    } else if (delta_last > 0) {
        ep->last_seq = seq_one_past_segment;
    } else if (len > 0) {
        scaled_entry(*ep, k_rexmit, 'T');  // TCP_Endpoint::DidRxmit
    }

    update_state_machine(ep, peer, packet, is_orig);

    // After the state machine, so a gap revealed by a FIN or RST's ACK sees the final states.
    if (ack) {
        ack_received(*peer, rel_ack);
    }

    // CheckPIA_FirstPacket marks the role the packet arrived in (before any flip of this packet).
    Side& role = is_orig ? m_orig : m_resp;
    role.bits = static_cast<std::uint8_t>(role.bits | k_first_packet_seen);

    // TCP_Endpoint::DataSent: the reassembler takes only fully captured payload (caplen >= len); the
    // ConnSize packet child makes Zeek call DataSent even for truncated packets.
    if (len > 0 && packet.payload_captured >= len && !rst && !seq_underflow) {
        data_sent(*ep, syn ? rel_seq + 1 : rel_seq, len);
    }
}

// TCP_Endpoint::Size() == 0. Approximation: ack_seq is not kept; the reassembler's position (which ACKs
// advance) stands in for it. Only zero-ness is needed (conn_state's REJ test).
bool ZeekConnection::size_is_zero(const Side& side, const Side& peer) noexcept {
    if (side.prev_state == State::syn_sent && side.state == State::reset && peer.state == State::inactive &&
        side.reassembled > 1) {
        return true;  // a half-open connection discovered and aborted
    }
    const std::uint32_t high = seq::max(side.last_seq - side.start_seq, side.reassembled);
    // size = high - 1 for the SYN octet, - 1 more for a FIN octet, never below 0.
    return high <= 1 || ((side.bits & k_fin_seen) != 0 && high == 2);
}

std::uint64_t ZeekConnection::payload_size(bool zeek_originator) const noexcept {
    const Side& side = zeek_originator ? m_orig : m_resp;
    if (side.prev_state == State::syn_sent && side.state == State::syn_sent) return 0;
    std::uint64_t size = seq::max(side.last_seq - side.start_seq, side.reassembled);
    if (size > 0) --size;  // the SYN octet
    if ((side.bits & k_fin_seen) != 0 && size > 0) --size;
    return size;
}

bool ZeekConnection::swapped() const noexcept { return (m_flags & k_swapped) != 0; }

std::string_view ZeekConnection::conn_state() const noexcept {
    const State os = m_orig.state;
    const State rs = m_resp.state;
    const bool o_inactive = os == State::inactive || os == State::partial;
    const bool r_inactive = rs == State::inactive || rs == State::partial;

    if (rs == State::reset) {
        if (os == State::syn_sent || os == State::syn_ack_sent ||
            (os == State::reset && size_is_zero(m_orig, m_resp) && size_is_zero(m_resp, m_orig))) {
            return "REJ";
        }
        return o_inactive ? "RSTRH" : "RSTR";
    }
    if (os == State::reset) {
        if (r_inactive) {
            return history_is_rstos0(history()) ? "RSTOS0" : "OTH";
        }
        return "RSTO";
    }
    if (rs == State::closed && os == State::closed) {
        return "SF";
    }
    if (os == State::closed) {
        return r_inactive ? "SH" : "S2";
    }
    if (rs == State::closed) {
        return o_inactive ? "SHR" : "S3";
    }
    if (os == State::syn_sent && rs == State::inactive) {
        return "S0";
    }
    if (os == State::established && rs == State::established) {
        return "S1";
    }
    return "OTH";
}

}  // namespace tcpvet::analysis
