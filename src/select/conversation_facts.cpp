// The facts --select reads are the ones the reports print, taken from the same record.
#include "tcpvet/select/conversation_facts.hpp"

#include "tcpvet/select/value_names.hpp"

namespace tcpvet::select {

ConversationFacts facts_of(const flow::Conversation& conversation) noexcept {
    ConversationFacts facts;
    facts.stream = conversation.stream;
    facts.originator = conversation.side[0].endpoint;
    facts.responder = conversation.side[1].endpoint;
    facts.conn_state = conn_state_code(conversation.zeek.conn_state());
    facts.handshake = conversation.handshake;
    facts.teardown = conversation.teardown;
    for (unsigned side = 0; side < 2; ++side) {
        const analysis::DirectionFigures& figures = conversation.sequence.direction(side).figures;
        for (std::size_t flag = 0; flag < analysis::k_segment_flag_count; ++flag) {
            if (figures.flag_counts[flag] != 0) facts.flags |= analysis::bit(static_cast<analysis::SegmentFlag>(flag));
        }
    }
    facts.first_ns = conversation.first_ts_ns;
    facts.last_ns = conversation.last_ts_ns;
    facts.bytes = conversation.side[0].wire_bytes + conversation.side[1].wire_bytes;
    facts.packets = conversation.packets();
    facts.encapsulation = conversation.encapsulation;
    return facts;
}

}  // namespace tcpvet::select
