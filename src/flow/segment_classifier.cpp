// Segment classification: guards on seq/ack first, then RFC 9293 events for both endpoints.
//
// Observing from the wire, an endpoint's receipt of a SYN or FIN is proven only when it acknowledges
// it; the receipt of an ACK or RST is taken when the segment passes the capture point. Within one
// segment the sender's receipts (its ACK field) come before its own SYN/FIN/RST, as RFC 9293
// §3.10.7.4 processes the ACK field (step 5) before the FIN bit (step 8).
#include "tcpvet/flow/segment_classifier.hpp"

#include <algorithm>

#include "tcpvet/seq.hpp"

namespace tcpvet::flow {
namespace {

using analysis::FindingKind;

void apply(EndpointRecord& endpoint, TcpEvent event, const DecodedPacket& packet) noexcept {
    const std::optional<TcpState> next = next_state(endpoint.state, event);
    if (!next || *next == endpoint.state) return;
    if (endpoint.state_since_ns != k_no_time) {
        endpoint.time_in_state_ns[static_cast<std::size_t>(endpoint.state)] +=
            std::max<std::int64_t>(0, packet.ts_ns - endpoint.state_since_ns);
    }
    if (endpoint.transition_count < EndpointRecord::k_max_transitions) {
        endpoint.transitions[endpoint.transition_count++] =
            StateTransition{packet.ts_ns, packet.frame, endpoint.state, *next};
    } else {
        ++endpoint.transitions_dropped;
    }
    endpoint.state = *next;
    endpoint.state_since_ns = packet.ts_ns;
}

AnnouncedOptions announced(const TcpOptions& options) noexcept {
    AnnouncedOptions result;
    result.has_mss = options.has_mss;
    result.mss = options.mss;
    result.window_scale =
        options.has_window_scale ? static_cast<std::int8_t>(std::min<int>(options.window_scale, 14)) : std::int8_t{-1};
    result.sack_permitted = options.sack_permitted;
    result.timestamps = options.has_timestamps;
    return result;
}

// An ACK acknowledges a SYN when it covers ISN+1 and nothing the sender of the SYN never sent.
bool acks_syn(const EndpointRecord& syn_sender, std::uint32_t ack) noexcept {
    if (!syn_sender.isn_known) return false;
    const std::uint32_t highest = syn_sender.next_seq_known ? syn_sender.next_seq : syn_sender.isn + 1;
    return seq::ge(ack, syn_sender.isn + 1) && seq::le(ack, highest);
}

Finding make_finding(FindingKind kind, const DecodedPacket& packet, unsigned side) noexcept {
    Finding finding;
    finding.kind = kind;
    finding.frame = packet.frame;
    finding.side = static_cast<std::uint8_t>(side);
    finding.count = 1;
    return finding;
}

Finding make_number_finding(FindingKind kind, const DecodedPacket& packet, unsigned side, std::uint32_t expected,
                            std::uint32_t observed) noexcept {
    Finding finding = make_finding(kind, packet, side);
    finding.has_numbers = true;
    finding.expected = expected;
    finding.observed = observed;
    return finding;
}

// The originator's first ACK after the responder's SYN-ACK: RFC 9293 §3.5 wants seq = ISN+1 and
// ack = the responder's ISN+1. Returns whether its sequence number is acceptable.
bool check_third_segment(Conversation& conversation, const DecodedPacket& packet) {
    EndpointRecord& client = conversation.side[0];
    const EndpointRecord& server = conversation.side[1];
    conversation.third_segment_seen = true;
    conversation.handshake_frames[2] = packet.frame;
    conversation.third_segment_data = packet.payload_len > 0;
    if (client.syn_ts_ns != k_no_time) conversation.initial_rtt_ns = packet.ts_ns - client.syn_ts_ns;
    bool seq_ok = true;
    // ISN+1, or past the SYN's own data when the SYN-ACK acknowledged it.
    const std::uint32_t expected_seq =
        server.ack_known && acks_syn(client, server.last_ack_sent) ? server.last_ack_sent : client.isn + 1;
    if (client.isn_known && packet.tcp.seq != expected_seq) {
        seq_ok = false;
        // Some textbooks draw the third segment with the SYN's own number; the SYN consumed it.
        record_finding(conversation, make_number_finding(FindingKind::third_segment_wrong_seq, packet, 0, expected_seq,
                                                         packet.tcp.seq));
        if (packet.tcp.seq == client.isn) {
            record_finding(conversation, make_number_finding(FindingKind::third_segment_textbook_seq, packet, 0,
                                                             client.isn + 1, packet.tcp.seq));
        }
    }
    if (!acks_syn(server, packet.tcp.ack)) {
        record_finding(conversation, make_number_finding(FindingKind::third_segment_wrong_ack, packet, 0,
                                                         server.isn + 1, packet.tcp.ack));
    }
    return seq_ok;
}

void refresh_established(Conversation& conversation) noexcept {
    if (conversation.side[1].state == TcpState::established ||
        (conversation.side[0].state == TcpState::established && conversation.side[0].syn_acked)) {
        conversation.established = true;
    }
}

// Receipts proven by this segment's ACK field: the peer's SYN and FIN. `peer_accepts` is false
// when the peer must drop the segment (a third segment with an unacceptable seq, RFC 9293 §3.10.7.4
// step 1): the sender did receive the SYN-ACK, but the peer's SYN is not yet acknowledged for it.
void apply_receipts(Conversation& conversation, unsigned side, const DecodedPacket& packet, bool peer_accepts) {
    EndpointRecord& me = conversation.side[side];
    EndpointRecord& peer = conversation.side[side ^ 1U];
    const std::uint32_t ack = packet.tcp.ack;
    if (!peer.syn_acked && acks_syn(peer, ack)) {
        apply(me, peer.syn_had_ack ? TcpEvent::recv_syn_ack : TcpEvent::recv_syn, packet);
        if (peer_accepts) {
            peer.syn_acked = true;
            if (peer.state == TcpState::syn_sent) {
                peer.syn_ack_pending = true;  // simultaneous open: it will take effect in SYN-RECEIVED
            } else {
                apply(peer, TcpEvent::recv_ack_of_syn, packet);
            }
        }
    }
    refresh_established(conversation);
    if (peer.fin_frame != k_no_frame && peer.fin_acked_frame == k_no_frame && seq::ge(ack, peer.fin_seq + 1)) {
        peer.fin_acked_frame = packet.frame;
        peer.fin_acked_ts_ns = packet.ts_ns;
        apply(me, TcpEvent::recv_fin, packet);
        apply(peer, TcpEvent::recv_ack_of_fin, packet);
    }
    me.last_ack_sent = me.ack_known ? seq::max(me.last_ack_sent, ack) : ack;
    me.ack_known = true;
}

void note_syn(Conversation& conversation, unsigned side, const DecodedPacket& packet) {
    EndpointRecord& me = conversation.side[side];
    const EndpointRecord& peer = conversation.side[side ^ 1U];
    const bool with_ack = packet.tcp.has(tcp_flag::ack);
    ++me.syn_count;
    if (!me.isn_known) {
        me.isn_known = true;
        me.isn = packet.tcp.seq;
        me.syn_frame = packet.frame;
        me.syn_ts_ns = packet.ts_ns;
        me.syn_had_ack = with_ack;
        me.options = announced(packet.tcp.options);
        if (!with_ack && side == 0) conversation.handshake_frames[0] = packet.frame;
        if (with_ack && side == 1) conversation.handshake_frames[1] = packet.frame;
        if (with_ack && peer.isn_known && !acks_syn(peer, packet.tcp.ack)) {
            record_finding(conversation, make_number_finding(FindingKind::synack_wrong_ack, packet, side, peer.isn + 1,
                                                             packet.tcp.ack));
        }
        if (!with_ack && peer.isn_known && !peer.syn_had_ack) conversation.simultaneous_open = true;
    } else if (packet.tcp.seq == me.isn) {
        record_finding(
            conversation,
            make_finding(with_ack ? FindingKind::synack_retransmitted : FindingKind::syn_retransmitted, packet, side));
    }
    if (packet.payload_len > 0) record_finding(conversation, make_finding(FindingKind::data_on_syn, packet, side));
    apply(me, with_ack ? TcpEvent::send_syn_ack : TcpEvent::send_syn, packet);
}

void note_data(Conversation& conversation, unsigned side, const DecodedPacket& packet, bool was_established) {
    EndpointRecord& me = conversation.side[side];
    const EndpointRecord& peer = conversation.side[side ^ 1U];
    if (!conversation.midstream && !was_established && !conversation.established) {
        record_finding(conversation, make_finding(FindingKind::data_before_handshake, packet, side));
    }
    if (me.fin_frame != k_no_frame && seq::gt(packet.tcp.seq + packet.payload_len, me.fin_seq) &&
        seq::ge(packet.tcp.seq, me.fin_seq)) {
        record_finding(conversation, make_finding(FindingKind::data_after_fin, packet, side));
    }
    if (peer.fin_acked_frame != k_no_frame) me.bytes_after_peer_fin += packet.payload_len;
    if (conversation.rst_seen) record_finding(conversation, make_finding(FindingKind::data_after_rst, packet, side));
}

void note_fin(EndpointRecord& me, const DecodedPacket& packet) {
    ++me.fin_count;
    if (me.fin_frame != k_no_frame) return;
    me.fin_frame = packet.frame;
    me.fin_ts_ns = packet.ts_ns;
    me.fin_seq = packet.tcp.seq + packet.payload_len + (packet.tcp.has(tcp_flag::syn) ? 1U : 0U);
    apply(me, TcpEvent::send_fin, packet);
}

bool has_unacked_data(const EndpointRecord& sender, const EndpointRecord& receiver) noexcept {
    if (sender.payload_bytes == 0 || !sender.next_seq_known) return false;
    if (!receiver.ack_known) return true;
    const std::uint32_t end = sender.next_seq - (sender.fin_frame != k_no_frame ? 1U : 0U);
    return seq::gt(end, receiver.last_ack_sent);
}

void note_rst(Conversation& conversation, unsigned side, const DecodedPacket& packet) {
    EndpointRecord& me = conversation.side[side];
    EndpointRecord& peer = conversation.side[side ^ 1U];
    if (me.rst_frame == k_no_frame) me.rst_frame = packet.frame;
    if (!conversation.rst_seen) {
        conversation.rst_seen = true;
        conversation.reset_by = static_cast<std::int8_t>(side);
        conversation.reset_in_state = me.state;
        conversation.reset_with_unacked_data = has_unacked_data(me, peer) || has_unacked_data(peer, me);
    }
    apply(me, TcpEvent::send_rst, packet);
    apply(peer, TcpEvent::recv_rst, packet);
}

void advance_next_seq(EndpointRecord& me, const DecodedPacket& packet) noexcept {
    const std::uint32_t end = packet.tcp.seq + seq::segment_length(packet.payload_len, packet.tcp.has(tcp_flag::syn),
                                                                   packet.tcp.has(tcp_flag::fin));
    if (!me.next_seq_known || seq::gt(end, me.next_seq)) {
        me.next_seq = end;
        me.next_seq_known = true;
    }
}

void settle_pending_syn_acks(Conversation& conversation, const DecodedPacket& packet) noexcept {
    for (EndpointRecord& endpoint : conversation.side) {
        if (endpoint.syn_ack_pending && endpoint.state == TcpState::syn_received) {
            endpoint.syn_ack_pending = false;
            apply(endpoint, TcpEvent::recv_ack_of_syn, packet);
        }
    }
    refresh_established(conversation);
    if (conversation.midstream) conversation.established = true;
}

}  // namespace

void set_initial_state(EndpointRecord& endpoint, TcpState state, std::int64_t ts_ns) noexcept {
    endpoint.state = state;
    endpoint.state_since_ns = ts_ns;
}

// Each occurrence is its own finding, so every frame is named as evidence.
void record_finding(Conversation& conversation, const Finding& finding) {
    if (conversation.findings.size() >= Conversation::k_max_findings) {
        ++conversation.findings_dropped;
        return;
    }
    conversation.findings.push_back(finding);
}

void classify_segment(Conversation& conversation, unsigned side, const DecodedPacket& packet,
                      const analysis::SegmentAnalysis& analysis) {
    EndpointRecord& me = conversation.side[side];
    const TcpHeader& tcp = packet.tcp;
    const bool syn = tcp.has(tcp_flag::syn);
    const bool ack = tcp.has(tcp_flag::ack);
    const bool fin = tcp.has(tcp_flag::fin);
    const bool rst = tcp.has(tcp_flag::rst);
    const bool was_established = conversation.established;

    ++me.packets;
    me.wire_bytes += packet.wire_len;
    me.payload_bytes += packet.payload_len;
    me.last_ts_ns = packet.ts_ns;
    me.last_window = tcp.window;
    if (analysis::has(analysis.flags, analysis::SegmentFlag::keep_alive)) ++me.keepalives;

    bool seq_acceptable = true;
    if (ack && !syn && !rst && side == 0 && !conversation.third_segment_seen && conversation.side[1].isn_known &&
        conversation.side[1].syn_had_ack && !conversation.midstream) {
        seq_acceptable = check_third_segment(conversation, packet);
    }
    // A RST's ACK field proves nothing about what its sender accepted (a closed port acks the SYN).
    if (ack && !rst) apply_receipts(conversation, side, packet, seq_acceptable);
    // ...but it does say how much its sender had received, which decides "reset with unacked data".
    if (ack && rst) {
        me.last_ack_sent = me.ack_known ? seq::max(me.last_ack_sent, tcp.ack) : tcp.ack;
        me.ack_known = true;
    }

    if (syn) note_syn(conversation, side, packet);
    if (packet.payload_len > 0 && !syn) note_data(conversation, side, packet, was_established);
    if (me.state == TcpState::unknown && !syn && !fin && !rst) apply(me, TcpEvent::send_data, packet);
    if (fin) note_fin(me, packet);
    if (rst) {
        note_rst(conversation, side, packet);
    } else {
        advance_next_seq(me, packet);
    }
    settle_pending_syn_acks(conversation, packet);
}

}  // namespace tcpvet::flow
