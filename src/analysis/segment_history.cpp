// The per-segment history behind the ladder's explanations: one pass, in capture order.
#include "tcpvet/analysis/segment_history.hpp"

#include <algorithm>

#include "tcpvet/packet.hpp"
#include "tcpvet/seq.hpp"

namespace tcpvet::analysis {

namespace {

bool has_flag(const SegmentSummary& segment, std::uint16_t flag) noexcept { return (segment.flags & flag) != 0; }

std::uint64_t send_key(unsigned side, std::uint32_t seq) noexcept {
    return (static_cast<std::uint64_t>(side) << 32U) | seq;
}

}  // namespace

SegmentFacts SegmentHistorian::observe(const SegmentSummary& segment) {
    SegmentHistory& h = m_history;
    const SegmentOrdinal index = m_count++;
    const unsigned s = segment.side & 1U;
    const unsigned p = 1U - s;
    const bool syn = has_flag(segment, tcp_flag::syn);
    const bool fin = has_flag(segment, tcp_flag::fin);
    const bool ack = has_flag(segment, tcp_flag::ack);

    SegmentFacts facts;
    facts.before = h;
    if (const auto found = m_first_send.find(send_key(s, segment.seq)); found != m_first_send.end()) {
        facts.first_send = found->second;
    }
    facts.third_segment = !syn && ack && !h.non_syn_sent[s] && h.syn_row[s] != k_no_segment &&
                          h.syn_row[p] != k_no_segment && !h.syn_had_ack[s] && h.syn_had_ack[p];

    // The ACK: count and forget the peer's data segments it newly covers.
    if (ack && (!h.ack_sent[s] || seq::gt(segment.ack, h.last_ack[s]))) {
        std::vector<std::uint32_t>& ends = m_unacked_ends[p];
        const auto covered =
            std::remove_if(ends.begin(), ends.end(), [&](std::uint32_t end) { return seq::le(end, segment.ack); });
        facts.acked_segments = static_cast<std::uint32_t>(ends.end() - covered);
        ends.erase(covered, ends.end());
        h.ack_sent[s] = true;
        h.last_ack[s] = segment.ack;
    }

    // The sequence space this segment occupies.
    const std::uint32_t end = segment.seq + seq::segment_length(segment.len, syn, fin);
    if (!h.any[s] || seq::gt(end, h.end[s])) {
        h.end[s] = end;
        h.end_row[s] = index;
    }
    h.any[s] = true;
    h.last_row[s] = index;
    if (syn) {
        if (h.syn_row[s] == k_no_segment) {
            h.syn_row[s] = index;
            h.syn_had_ack[s] = ack;
        }
    } else {
        h.non_syn_sent[s] = true;
    }
    if (fin && h.fin_row[s] == k_no_segment) {
        h.fin_row[s] = index;
        h.fin_seq[s] = segment.seq + segment.len;
    }
    if (segment.len > 0 || syn || fin) m_first_send.try_emplace(send_key(s, segment.seq), index);
    if (segment.len > 0 && (!h.ack_sent[p] || seq::gt(end, h.last_ack[p]))) m_unacked_ends[s].push_back(end);
    return facts;
}

}  // namespace tcpvet::analysis
