// The ladder's --explain sentences: why each segment's numbers are what they are. Every fact comes from
// the segment history the analysis layer computed once per segment (LadderRow::facts); this only words it.
#include <string_view>

#include "tcpvet/analysis/segment_history.hpp"
#include "tcpvet/packet.hpp"
#include "tcpvet/report/ladder.hpp"
#include "tcpvet/report/side_name.hpp"
#include "tcpvet/seq.hpp"

namespace tcpvet::report {

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Facts the explanations are derived from: only the rows before the one explained, never the tracker.

bool has_flag(const LadderRow& row, std::uint16_t flag) noexcept { return (row.flags & flag) != 0; }

// Raw -> displayed numbers. The relative base of a side is what the rows say (seq - rel_seq, as the
// sequence analyzer numbered it, Wireshark-style), so explanations match the arrows exactly.
class Numbers {
public:
    Numbers(std::array<std::uint32_t, 2> base, bool absolute) : m_absolute(absolute), m_base(base) {}

    // A number in side `s`'s sequence space, as shown.
    [[nodiscard]] std::string show(unsigned s, std::uint32_t raw) const {
        return std::to_string(m_absolute ? raw : raw - m_base[s & 1U]);
    }

private:
    bool m_absolute;
    std::array<std::uint32_t, 2> m_base{};
};

std::string retransmission_text(const std::vector<LadderRow>& rows, analysis::SegmentOrdinal original,
                                const std::string& seq) {
    return "seq " + seq + " again: retransmission of frame " + std::to_string(rows[original].frame);
}

std::string explain_syn(const std::vector<LadderRow>& rows, std::size_t index, const analysis::SegmentHistory& h,
                        const Numbers& numbers) {
    const LadderRow& row = rows[index];
    const unsigned s = row.side & 1U;
    const unsigned p = 1U - s;
    const std::string seq_text = numbers.show(s, row.seq);
    std::string text;
    if (h.syn_row[s] != analysis::k_no_segment && rows[h.syn_row[s]].seq == row.seq) {
        text = retransmission_text(rows, h.syn_row[s], seq_text);
    } else {
        // RFC 9293 §3.4.1: the ISN is chosen by the sender; relative numbers count from it.
        text = "seq " + seq_text + ": the " + std::string(side_name(s)) + "'s ISN";
        if (numbers.show(s, row.seq) != std::to_string(row.seq)) text += " " + std::to_string(row.seq);
        if (!has_flag(row, tcp_flag::ack)) {
            text += h.syn_row[p] != analysis::k_no_segment ? "; both ends sent SYN (simultaneous open, RFC 9293 §3.5)"
                                                           : "; a SYN consumes one sequence number";
        }
    }
    if (has_flag(row, tcp_flag::ack)) {
        const std::string ack_text = numbers.show(p, row.ack);
        if (h.syn_row[p] == analysis::k_no_segment) {
            text += "; ack " + ack_text + ": acknowledges a SYN that is not in the capture";
        } else if (row.ack == rows[h.syn_row[p]].seq + 1) {
            text += "; ack " + ack_text + ": acknowledges the SYN, which consumes one sequence number";
        } else {
            text += "; ack " + ack_text + ": should be " + numbers.show(p, rows[h.syn_row[p]].seq + 1) + ", the " +
                    std::string(side_name(p)) + "'s ISN + 1";
        }
    }
    if (row.len > 0) text += "; the SYN carries " + std::to_string(row.len) + " bytes of data";
    return text;
}

std::string explain_third(const std::vector<LadderRow>& rows, const LadderRow& row, const analysis::SegmentHistory& h,
                          const Numbers& numbers) {
    const unsigned s = row.side & 1U;
    const unsigned p = 1U - s;
    const std::uint32_t isn = rows[h.syn_row[s]].seq;
    const std::uint32_t peer_isn = rows[h.syn_row[p]].seq;
    const std::string seq_text = numbers.show(s, row.seq);
    const std::string ack_text = numbers.show(p, row.ack);
    const bool ack_right = row.ack == peer_isn + 1;
    std::string text;
    if (row.seq == isn + 1 && ack_right) {
        // RFC 9293 §3.5 figure 6, line 4: <SEQ=101><ACK=301><CTL=ACK>.
        text = "seq " + seq_text + ", ack " + ack_text + ": the handshake's third segment; RFC 9293 wants seq = ISN+1";
    } else {
        if (row.seq == isn) {
            // Many textbook figures draw the third segment with the SYN's own number.
            text = "seq " + seq_text + " reuses the SYN's number; RFC 9293 wants " + numbers.show(s, isn + 1) +
                   " (textbook drawings often show this)";
        } else if (row.seq == isn + 1) {
            text = "seq " + seq_text + ": the handshake's third segment (seq = ISN+1, as RFC 9293 wants)";
        } else {
            text = "seq " + seq_text + ": the third segment should carry ISN+1 = " + numbers.show(s, isn + 1);
        }
        text += ack_right ? "; ack " + ack_text + ": acknowledges the " + std::string(side_name(p)) + "'s SYN"
                          : "; ack " + ack_text + ": should be " + numbers.show(p, peer_isn + 1) + ", the " +
                                std::string(side_name(p)) + "'s ISN + 1";
    }
    if (row.len > 0) text += "; it already carries " + std::to_string(row.len) + " bytes";
    return text;
}

// The seq part of a segment that carries payload or FIN (or an analysed probe).
std::string explain_seq(const std::vector<LadderRow>& rows, std::size_t index, const analysis::SegmentHistory& h,
                        const Numbers& numbers) {
    const LadderRow& row = rows[index];
    const unsigned s = row.side & 1U;
    const std::string seq_text = numbers.show(s, row.seq);
    const bool fin = has_flag(row, tcp_flag::fin);
    const std::string peer(side_name(1U - s));

    if (analysis::has(row.analysis, analysis::SegmentFlag::keep_alive)) {
        // Wireshark's tcp.analysis.keep_alive: seq = next expected - 1, carrying 0 or 1 byte.
        return "seq " + seq_text + ": one below the next sequence number, a keep-alive probe";
    }
    if (analysis::has(row.analysis, analysis::SegmentFlag::zero_window_probe)) {
        return "seq " + seq_text + ": one byte past the closed window, a zero-window probe";
    }
    if (row.len == 0 && !fin) return {};

    std::string text;
    if (h.any[s] && seq::lt(row.seq, h.end[s])) {
        const analysis::SegmentOrdinal original = row.facts.first_send;
        if (original != analysis::k_no_segment) {
            text = retransmission_text(rows, original, seq_text);
        } else if (analysis::has(row.analysis, analysis::SegmentFlag::out_of_order)) {
            text =
                "seq " + seq_text + ": arrives out of order (the next new byte was " + numbers.show(s, h.end[s]) + ")";
        } else {
            text = "seq " + seq_text + ": resends bytes already sent (the next new byte was " +
                   numbers.show(s, h.end[s]) + ")";
        }
    } else if (h.any[s] && seq::gt(row.seq, h.end[s])) {
        text = "seq " + seq_text + ": the next expected was " + numbers.show(s, h.end[s]) + "; " +
               std::to_string(static_cast<std::uint32_t>(row.seq - h.end[s])) + " bytes were not captured";
    } else if (row.len > 0 && h.end_row[s] != analysis::k_no_segment) {
        const LadderRow& before = rows[h.end_row[s]];
        if (has_flag(before, tcp_flag::syn)) {
            text = "seq " + seq_text + ": first data byte; the " +
                   std::string(has_flag(before, tcp_flag::ack) ? "SYN-ACK" : "SYN") + " used number " +
                   numbers.show(s, before.seq);
        } else if (has_flag(before, tcp_flag::fin) && before.len == 0) {
            text = "seq " + seq_text + ": follows the FIN, which consumed one number";
        } else if (h.end_row[s] == h.last_row[s]) {
            text = "seq " + seq_text + ": previous segment carried " + std::to_string(before.len) + " bytes";
        } else {
            text = "seq " + seq_text + ": frame " + std::to_string(before.frame) + " carried " +
                   std::to_string(before.len) + " bytes";
        }
    } else if (row.len > 0 && !h.any[s]) {
        text = "seq " + seq_text + ": the first segment seen from the " + std::string(side_name(s)) +
               " (its SYN was not captured)";
    }
    if (fin && text.find("again") == std::string::npos) {
        // RFC 9293 §3.4: the FIN occupies the number after the last data byte.
        const std::uint32_t fin_number = row.seq + row.len;
        if (!text.empty()) text += "; ";
        text += "FIN consumes one sequence number: the " + peer + " will ack " + numbers.show(s, fin_number + 1);
    }
    return text;
}

// The ack part: what this segment's cumulative acknowledgment covers that the previous one did not.
std::string explain_ack(const std::vector<LadderRow>& rows, std::size_t index, const analysis::SegmentHistory& h,
                        const Numbers& numbers) {
    const LadderRow& row = rows[index];
    if (!has_flag(row, tcp_flag::ack)) return {};
    const unsigned s = row.side & 1U;
    const unsigned p = 1U - s;
    const std::string ack_text = numbers.show(p, row.ack);
    const bool advances = !h.ack_sent[s] || seq::gt(row.ack, h.last_ack[s]);

    if (!advances) {
        if (analysis::has(row.analysis, analysis::SegmentFlag::duplicate_ack)) {
            return "ack " + ack_text + " again: duplicate ACK, the " + std::string(side_name(s)) +
                   " still waits for byte " + ack_text;
        }
        return {};
    }
    if (h.fin_row[p] != analysis::k_no_segment && row.ack == h.fin_seq[p] + 1) {
        return "ack " + ack_text + ": acknowledges the FIN";
    }
    if (!h.any[p]) return "ack " + ack_text + ": acknowledges bytes sent before the capture";
    if (row.ack == h.end[p]) {
        // The peer's segments this ACK newly covers (cumulative: RFC 9293 §3.4), as the history counted them.
        const std::uint32_t covered = row.facts.acked_segments;
        std::string text =
            "ack " + ack_text + ": cumulative — acknowledges every byte up to " + numbers.show(p, row.ack - 1);
        if (covered > 1) text += " (" + std::to_string(covered) + " segments)";
        return text;
    }
    if (seq::lt(row.ack, h.end[p])) {
        return "ack " + ack_text + ": acknowledges up to " + numbers.show(p, row.ack - 1) + "; bytes from " + ack_text +
               " are still in flight";
    }
    return "ack " + ack_text + ": acknowledges bytes the capture never showed (the " + std::string(side_name(p)) +
           " sent only up to " + numbers.show(p, h.end[p] - 1) + ")";
}

std::string join(std::string a, const std::string& b) {
    if (b.empty()) return a;
    if (a.empty()) return b;
    return a + "; " + b;
}

}  // namespace

namespace {

std::string explain_with(const std::vector<LadderRow>& rows, std::size_t index, const Numbers& numbers) {
    const LadderRow& row = rows[index];
    const unsigned s = row.side & 1U;
    const unsigned p = 1U - s;
    const analysis::SegmentHistory& h = row.facts.before;

    if (has_flag(row, tcp_flag::rst)) {
        const bool refuses =
            !h.any[s] && h.syn_row[p] != analysis::k_no_segment && !has_flag(rows[h.syn_row[p]], tcp_flag::ack);
        if (refuses) {
            // RFC 9293 §3.10.7.1: a segment to a CLOSED port draws a RST acknowledging it.
            return "RST: refuses the " + std::string(side_name(p)) + "'s SYN (connection refused)";
        }
        std::string text = "RST: the " + std::string(side_name(s)) + " aborts the connection; no reply follows";
        if (h.any[s] && row.seq == h.end[s]) {
            // RFC 5961 §3.2: only a RST at exactly RCV.NXT is accepted at once.
            text += "; seq " + numbers.show(s, row.seq) + " is the next expected number, so it is accepted";
        }
        return text;
    }
    if (has_flag(row, tcp_flag::syn)) return explain_syn(rows, index, h, numbers);
    if (row.facts.third_segment) return explain_third(rows, row, h, numbers);

    std::string text = join(explain_seq(rows, index, h, numbers), explain_ack(rows, index, h, numbers));
    if (analysis::has(row.analysis, analysis::SegmentFlag::zero_window)) {
        text = join(std::move(text), "win=0: the " + std::string(side_name(s)) + "'s receive buffer is full");
    } else if (analysis::has(row.analysis, analysis::SegmentFlag::window_update)) {
        text = join(std::move(text), "only the window changed: a window update");
    }
    return text;
}

}  // namespace

LadderExplainer::LadderExplainer(const flow::Conversation& conversation, const std::vector<LadderRow>& rows,
                                 bool absolute)
    : m_rows(rows), m_absolute(absolute) {
    // The relative base of a side: its first row's seq - rel_seq, else the peer's first ACK, else the ISN.
    for (unsigned s = 0; s < 2; ++s) {
        m_base[s] = conversation.side[s].isn_known ? conversation.side[s].isn : 0;
        bool found = false;
        for (const LadderRow& row : rows) {
            if ((row.side & 1U) == s) {
                m_base[s] = row.seq - row.rel_seq;
                found = true;
                break;
            }
        }
        if (found) continue;
        for (const LadderRow& row : rows) {
            if ((row.side & 1U) != s && has_flag(row, tcp_flag::ack)) {
                m_base[s] = row.ack - row.rel_ack;
                break;
            }
        }
    }
}

std::string LadderExplainer::explain(std::size_t index) const {
    if (index >= m_rows.size()) return {};
    return explain_with(m_rows, index, Numbers(m_base, m_absolute));
}

std::string explain_row(const flow::Conversation& conversation, const std::vector<LadderRow>& rows, std::size_t index,
                        bool absolute) {
    return LadderExplainer(conversation, rows, absolute).explain(index);
}

}  // namespace tcpvet::report
