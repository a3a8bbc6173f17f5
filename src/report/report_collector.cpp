// Finished conversations become table rows, JSON strings, or NDJSON lines the moment they end.
#include "tcpvet/report/report_collector.hpp"

#include <algorithm>

#include "tcpvet/report/format.hpp"
#include "tcpvet/report/json_report.hpp"
#include "tcpvet/report/zeek_log.hpp"

namespace tcpvet::report {

ConversationRow make_row(const flow::Conversation& conversation) {
    ConversationRow row;
    row.stream = conversation.stream;
    row.originator = format_endpoint(conversation.side[0].endpoint);
    row.responder = format_endpoint(conversation.side[1].endpoint);
    row.start_ns = conversation.first_ts_ns;
    row.duration_ns = conversation.duration_ns();
    row.packets = {conversation.side[0].packets, conversation.side[1].packets};
    row.bytes = {conversation.side[0].wire_bytes, conversation.side[1].wire_bytes};
    row.handshake = std::string(analysis::name(conversation.handshake));
    row.teardown = std::string(analysis::name(conversation.teardown));
    row.conn_state = std::string(conversation.zeek.conn_state());
    row.encapsulation = format_encapsulation(conversation.encapsulation);
    row.nonconformant = analysis::is_nonconformant(conversation.handshake) || !conversation.findings.empty();
    return row;
}

ReportCollector::ReportCollector(CollectMode mode, std::ostream* ndjson_out, std::uint64_t half_open_list_limit)
    : m_mode(mode), m_out(ndjson_out), m_half_open_limit(half_open_list_limit) {}

bool ReportCollector::wants_half_open_conversation() { return m_half_open_listed < m_half_open_limit; }

namespace {

// conn_state Zeek gives a bare SYN (then SYN-ACK) attempt, computed once by the Zeek model itself.
std::string half_open_conn_state(bool synack_seen) {
    analysis::ZeekConnection zeek;
    DecodedPacket packet;
    packet.cls = PacketClass::tcp;
    packet.ip_version = 4;
    packet.src.family = 4;
    packet.dst.family = 4;
    packet.tcp.data_offset = 5;  // a whole 20-byte header, or the Zeek model drops the segment
    packet.tcp.flags = tcp_flag::syn;
    packet.tcp.seq = 1000;
    zeek.on_segment(true, packet, false);
    if (synack_seen) {
        packet.tcp.flags = tcp_flag::syn | tcp_flag::ack;
        packet.tcp.seq = 5000;
        packet.tcp.ack = 1001;
        zeek.on_segment(false, packet, false);
    }
    return std::string(zeek.conn_state());
}

}  // namespace

void ReportCollector::on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) {
    if (materialized != nullptr) {
        ++m_half_open_listed;
        return;
    }
    // Not listed (beyond the limit): counted here with the verdicts its compact form implies.
    // Counted in plain integers here (a flood ends a million of these), folded into the named
    // counts when they are read.
    ++m_half_open_unlisted;
    ++m_conversations;
    ++m_unlisted[attempt.synack_seen ? 1U : 0U];
    m_unlisted_syn_retransmissions += attempt.syn_count > 1 ? attempt.syn_count - 1U : 0U;
    m_unlisted_synack_retransmissions += attempt.synack_count > 1 ? attempt.synack_count - 1U : 0U;
}

const VerdictCounts& ReportCollector::counts() {
    if (m_half_open_unlisted == m_unlisted_folded) return m_counts;
    static const std::string k_syn_only = half_open_conn_state(false);
    static const std::string k_with_synack = half_open_conn_state(true);
    for (unsigned synack = 0; synack < 2; ++synack) {
        const std::uint64_t n = m_unlisted[synack] - m_unlisted_folded_by_kind[synack];
        if (n == 0) continue;
        const auto verdict =
            synack != 0 ? analysis::HandshakeVerdict::synack_unanswered : analysis::HandshakeVerdict::syn_unanswered;
        m_counts.handshake[std::string(analysis::name(verdict))] += n;
        m_counts.teardown[std::string(analysis::name(analysis::TeardownVerdict::none))] += n;
        m_counts.conn_state[synack != 0 ? k_with_synack : k_syn_only] += n;
        m_unlisted_folded_by_kind[synack] = m_unlisted[synack];
    }
    if (m_unlisted_syn_retransmissions != 0) m_counts.findings["syn_retransmitted"] += m_unlisted_syn_retransmissions;
    if (m_unlisted_synack_retransmissions != 0) {
        m_counts.findings["synack_retransmitted"] += m_unlisted_synack_retransmissions;
    }
    m_unlisted_syn_retransmissions = 0;
    m_unlisted_synack_retransmissions = 0;
    m_unlisted_folded = m_half_open_unlisted;
    return m_counts;
}

void ReportCollector::on_conversation_end(const flow::Conversation& conversation) {
    ++m_conversations;
    ++m_counts.handshake[std::string(analysis::name(conversation.handshake))];
    ++m_counts.teardown[std::string(analysis::name(conversation.teardown))];
    ++m_counts.conn_state[std::string(conversation.zeek.conn_state())];
    for (const flow::Finding& finding : conversation.findings) {
        m_counts.findings[std::string(analysis::name(finding.kind))] += finding.count;
    }
    switch (m_mode) {
    case CollectMode::rows: m_rows.push_back(make_row(conversation)); break;
    case CollectMode::json:
        // Streamed into the open "conversations" array: memory does not grow with the conversations.
        if (m_written++ != 0) *m_out << ',';
        *m_out << conversation_record(conversation, {});
        break;
    case CollectMode::zeek: *m_out << zeek_tsv_row(conversation); break;
    case CollectMode::zeek_json: *m_out << zeek_json_row(conversation); break;
    case CollectMode::ndjson: {
        *m_out << conversation_record(conversation, "conversation") << '\n';
        if (m_flush_each) m_out->flush();
        break;
    }
    }
}

std::vector<ConversationRow> ReportCollector::sorted_rows() {
    std::stable_sort(m_rows.begin(), m_rows.end(),
                     [](const ConversationRow& a, const ConversationRow& b) { return a.stream < b.stream; });
    return m_rows;
}

}  // namespace tcpvet::report
