// Verdicts: the handshake and teardown of a finished conversation, judged from its milestones.
#include "tcpvet/flow/conversation_judge.hpp"

#include <algorithm>

namespace tcpvet::flow {
namespace {

using analysis::CloseInitiator;
using analysis::FindingKind;
using analysis::HandshakeVerdict;
using analysis::TeardownVerdict;

bool has_finding(const Conversation& conversation, FindingKind kind) noexcept {
    return std::any_of(conversation.findings.begin(), conversation.findings.end(),
                       [kind](const Finding& finding) { return finding.kind == kind; });
}

HandshakeVerdict judge_handshake(const Conversation& conversation) noexcept {
    const EndpointRecord& client = conversation.side[0];
    const EndpointRecord& server = conversation.side[1];
    if (conversation.midstream || !client.isn_known) return HandshakeVerdict::midstream;
    if (conversation.simultaneous_open) return HandshakeVerdict::simultaneous_open;
    if (has_finding(conversation, FindingKind::synack_wrong_ack)) return HandshakeVerdict::synack_wrong_ack;
    if (!server.isn_known && conversation.rst_seen && conversation.reset_by == 1) return HandshakeVerdict::rejected;
    if (has_finding(conversation, FindingKind::third_segment_wrong_seq) ||
        has_finding(conversation, FindingKind::third_segment_wrong_ack)) {
        return HandshakeVerdict::third_segment_wrong;
    }
    if (conversation.established && conversation.third_segment_seen) {
        return conversation.third_segment_data ? HandshakeVerdict::complete_with_data : HandshakeVerdict::complete;
    }
    if (server.isn_known) return HandshakeVerdict::synack_unanswered;
    return HandshakeVerdict::syn_unanswered;
}

CloseInitiator initiator_of(unsigned side) noexcept {
    return side == 0 ? CloseInitiator::originator : CloseInitiator::responder;
}

void judge_teardown(Conversation& conversation) noexcept {
    const EndpointRecord& o = conversation.side[0];
    const EndpointRecord& r = conversation.side[1];
    const bool o_fin = o.fin_frame != k_no_frame;
    const bool r_fin = r.fin_frame != k_no_frame;
    const bool both_acked = o_fin && r_fin && o.fin_acked_frame != k_no_frame && r.fin_acked_frame != k_no_frame;
    const std::uint64_t first_rst =
        std::min(o.rst_frame == k_no_frame ? ~0ULL : o.rst_frame, r.rst_frame == k_no_frame ? ~0ULL : r.rst_frame);
    const bool closed_before_rst = both_acked && std::max(o.fin_acked_frame, r.fin_acked_frame) < first_rst;
    const unsigned first_fin_side = (o_fin && (!r_fin || o.fin_frame <= r.fin_frame)) ? 0U : 1U;

    if (conversation.rst_seen && !closed_before_rst) {
        conversation.teardown = TeardownVerdict::reset;
        const bool fin_before_rst = (o_fin && o.fin_frame < first_rst) || (r_fin && r.fin_frame < first_rst);
        conversation.close_initiator =
            fin_before_rst ? initiator_of(first_fin_side) : initiator_of(static_cast<unsigned>(conversation.reset_by));
        return;
    }
    // Data kept flowing after one side's FIN was acknowledged: a half-close, however it ended.
    if ((o.fin_acked_frame != k_no_frame && r.bytes_after_peer_fin > 0) ||
        (r.fin_acked_frame != k_no_frame && o.bytes_after_peer_fin > 0)) {
        conversation.teardown = TeardownVerdict::half_closed;
        conversation.close_initiator = initiator_of(first_fin_side);
        return;
    }
    if (both_acked) {
        const EndpointRecord& first = conversation.side[first_fin_side];
        const EndpointRecord& second = conversation.side[first_fin_side ^ 1U];
        conversation.close_initiator = initiator_of(first_fin_side);
        if (second.fin_frame < first.fin_acked_frame) {
            conversation.teardown = TeardownVerdict::simultaneous_close;
            conversation.close_initiator = CloseInitiator::both;
        } else if (second.fin_frame == first.fin_acked_frame) {
            conversation.teardown = TeardownVerdict::graceful_three_segment;
        } else {
            conversation.teardown = TeardownVerdict::graceful_four_way;
        }
        return;
    }
    if ((o_fin && o.fin_acked_frame == k_no_frame) || (r_fin && r.fin_acked_frame == k_no_frame)) {
        conversation.teardown = TeardownVerdict::fin_unacknowledged;
        conversation.close_initiator = initiator_of(first_fin_side);
        return;
    }
    if (o_fin || r_fin) {
        conversation.teardown = TeardownVerdict::half_closed;
        conversation.close_initiator = initiator_of(first_fin_side);
        return;
    }
    conversation.close_initiator = CloseInitiator::none;
    conversation.teardown = conversation.established ? TeardownVerdict::open : TeardownVerdict::none;
}

}  // namespace

void judge_conversation(Conversation& conversation, std::int64_t end_ns) noexcept {
    for (EndpointRecord& endpoint : conversation.side) {
        if (endpoint.state_since_ns != k_no_time) {
            endpoint.time_in_state_ns[static_cast<std::size_t>(endpoint.state)] +=
                std::max<std::int64_t>(0, end_ns - endpoint.state_since_ns);
            endpoint.state_since_ns = end_ns;
        }
    }
    conversation.handshake = judge_handshake(conversation);
    judge_teardown(conversation);
}

bool is_closed(const Conversation& conversation) noexcept {
    const EndpointRecord& o = conversation.side[0];
    const EndpointRecord& r = conversation.side[1];
    return conversation.rst_seen || (o.fin_acked_frame != k_no_frame && r.fin_acked_frame != k_no_frame);
}

}  // namespace tcpvet::flow
