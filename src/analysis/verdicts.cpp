// Names and explanations of the verdict vocabularies.
#include "tcpvet/analysis/verdicts.hpp"

namespace tcpvet::analysis {

std::string_view name(HandshakeVerdict verdict) noexcept {
    switch (verdict) {
    case HandshakeVerdict::complete: return "complete";
    case HandshakeVerdict::complete_with_data: return "complete_with_data";
    case HandshakeVerdict::simultaneous_open: return "simultaneous_open";
    case HandshakeVerdict::syn_unanswered: return "syn_unanswered";
    case HandshakeVerdict::synack_unanswered: return "synack_unanswered";
    case HandshakeVerdict::rejected: return "rejected";
    case HandshakeVerdict::synack_wrong_ack: return "synack_wrong_ack";
    case HandshakeVerdict::third_segment_wrong: return "third_segment_wrong";
    case HandshakeVerdict::midstream: return "midstream";
    }
    return "?";
}

std::string_view explain(HandshakeVerdict verdict) noexcept {
    switch (verdict) {
    case HandshakeVerdict::complete: return "SYN, SYN-ACK, ACK with the expected numbers";
    case HandshakeVerdict::complete_with_data: return "three-way handshake whose third segment carried data";
    case HandshakeVerdict::simultaneous_open: return "both ends sent SYN (RFC 9293 simultaneous open)";
    case HandshakeVerdict::syn_unanswered: return "SYN never answered (half-open)";
    case HandshakeVerdict::synack_unanswered: return "SYN-ACK never acknowledged (half-open on the server)";
    case HandshakeVerdict::rejected: return "SYN answered by RST (connection refused)";
    case HandshakeVerdict::synack_wrong_ack: return "SYN-ACK acknowledged the wrong number";
    case HandshakeVerdict::third_segment_wrong: return "third segment carried the wrong seq or ack";
    case HandshakeVerdict::midstream: return "no handshake seen: picked up mid-stream";
    }
    return "?";
}

bool is_nonconformant(HandshakeVerdict verdict) noexcept {
    return verdict == HandshakeVerdict::synack_wrong_ack || verdict == HandshakeVerdict::third_segment_wrong;
}

std::string_view name(TeardownVerdict verdict) noexcept {
    switch (verdict) {
    case TeardownVerdict::none: return "none";
    case TeardownVerdict::open: return "open";
    case TeardownVerdict::graceful_four_way: return "graceful_four_way";
    case TeardownVerdict::graceful_three_segment: return "graceful_three_segment";
    case TeardownVerdict::simultaneous_close: return "simultaneous_close";
    case TeardownVerdict::half_closed: return "half_closed";
    case TeardownVerdict::fin_unacknowledged: return "fin_unacknowledged";
    case TeardownVerdict::reset: return "reset";
    }
    return "?";
}

std::string_view explain(TeardownVerdict verdict) noexcept {
    switch (verdict) {
    case TeardownVerdict::none: return "never established, nothing to close";
    case TeardownVerdict::open: return "still open at the end of the capture";
    case TeardownVerdict::graceful_four_way: return "FIN, ACK, FIN, ACK";
    case TeardownVerdict::graceful_three_segment: return "FIN, FIN+ACK, ACK";
    case TeardownVerdict::simultaneous_close: return "both ends sent FIN before either was acknowledged";
    case TeardownVerdict::half_closed: return "one FIN acknowledged; the other side never sent its FIN";
    case TeardownVerdict::fin_unacknowledged: return "a FIN was never acknowledged";
    case TeardownVerdict::reset: return "ended by RST";
    }
    return "?";
}

std::string_view name(CloseInitiator initiator) noexcept {
    switch (initiator) {
    case CloseInitiator::none: return "none";
    case CloseInitiator::originator: return "originator";
    case CloseInitiator::responder: return "responder";
    case CloseInitiator::both: return "both";
    }
    return "?";
}

std::string_view name(FindingKind kind) noexcept {
    switch (kind) {
    case FindingKind::syn_retransmitted: return "syn_retransmitted";
    case FindingKind::synack_retransmitted: return "synack_retransmitted";
    case FindingKind::synack_wrong_ack: return "synack_wrong_ack";
    case FindingKind::third_segment_wrong_seq: return "third_segment_wrong_seq";
    case FindingKind::third_segment_wrong_ack: return "third_segment_wrong_ack";
    case FindingKind::third_segment_textbook_seq: return "third_segment_textbook_seq";
    case FindingKind::data_before_handshake: return "data_before_handshake";
    case FindingKind::data_on_syn: return "data_on_syn";
    case FindingKind::data_after_fin: return "data_after_fin";
    case FindingKind::data_after_rst: return "data_after_rst";
    case FindingKind::port_reused: return "port_reused";
    case FindingKind::resumed_after_timeout: return "resumed_after_timeout";
    }
    return "?";
}

std::string_view name(EndReason reason) noexcept {
    switch (reason) {
    case EndReason::end_of_capture: return "end_of_capture";
    case EndReason::closed: return "closed";
    case EndReason::idle_timeout: return "idle_timeout";
    case EndReason::evicted: return "evicted";
    case EndReason::port_reuse: return "port_reuse";
    }
    return "?";
}

}  // namespace tcpvet::analysis
