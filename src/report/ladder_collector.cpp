// The ladder's collection: the rows of one stream and the facts behind them, gathered while the pipeline runs.
#include "tcpvet/report/ladder.hpp"

namespace tcpvet::report {

analysis::SegmentSummary summary_of(const LadderRow& row) noexcept {
    return {row.side, row.flags, row.seq, row.ack, row.len};
}

void annotate_rows(std::vector<LadderRow>& rows) {
    analysis::SegmentHistorian historian;
    for (LadderRow& row : rows) row.facts = historian.observe(summary_of(row));
}

void LadderCollector::on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    if (info.stream != m_stream) return;
    if (m_rows.size() >= m_max_rows) {
        ++m_rows_dropped;
        return;
    }
    LadderRow row;
    row.frame = packet.frame;
    row.ts_ns = packet.ts_ns;
    row.side = static_cast<std::uint8_t>(info.side & 1U);
    row.flags = packet.tcp.flags;
    row.seq = packet.tcp.seq;
    row.ack = packet.tcp.ack;
    row.rel_seq = info.analysis.rel_seq;
    row.rel_ack = info.analysis.rel_ack;
    row.len = packet.payload_len;
    row.window = packet.tcp.window;
    row.analysis = info.analysis.flags;
    row.state_after = info.state_after;
    row.facts = m_historian.observe(summary_of(row));
    m_rows.push_back(row);
}

void LadderCollector::on_conversation_end(const flow::Conversation& conversation) {
    if (conversation.stream != m_stream) return;
    m_conversation = conversation;
    m_found = true;
}

void LadderCollector::on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) {
    if (attempt.stream != m_stream || materialized == nullptr) return;
    m_conversation = *materialized;
    m_found = true;
}

}  // namespace tcpvet::report
