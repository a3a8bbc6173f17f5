// The ladder view: one conversation drawn between two timelines, with optional per-segment explanations.
#include "tcpvet/report/ladder.hpp"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "tcpvet/analysis/verdicts.hpp"
#include "tcpvet/flow/tcp_state.hpp"
#include "tcpvet/report/format.hpp"
#include "tcpvet/seq.hpp"

namespace tcpvet::report {

// ---------------------------------------------------------------------------------------------------------------
// Collector

void LadderCollector::on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    if (info.stream != m_stream) return;
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

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Facts the explanations are derived from: only the rows before the one explained, never the tracker.

constexpr std::size_t k_none = static_cast<std::size_t>(-1);

bool has_flag(const LadderRow& row, std::uint16_t flag) noexcept { return (row.flags & flag) != 0; }

std::uint32_t seq_space(const LadderRow& row) noexcept {
    return seq::segment_length(row.len, has_flag(row, tcp_flag::syn), has_flag(row, tcp_flag::fin));
}

std::string_view side_name(unsigned side) noexcept { return side == 0 ? "client" : "server"; }

// What rows [0, index) showed about each side.
struct History {
    std::array<bool, 2> any{};
    std::array<std::uint32_t, 2> end{};                  // highest seq + sequence space sent (raw)
    std::array<std::size_t, 2> end_row{k_none, k_none};  // the row that last moved `end`
    std::array<std::size_t, 2> last_row{k_none, k_none};
    std::array<std::size_t, 2> syn_row{k_none, k_none};  // first SYN or SYN-ACK
    std::array<std::size_t, 2> fin_row{k_none, k_none};  // first FIN
    std::array<std::uint32_t, 2> fin_seq{};              // the number the FIN occupies
    std::array<bool, 2> ack_sent{};
    std::array<std::uint32_t, 2> last_ack{};  // highest cumulative ACK sent
    std::array<bool, 2> non_syn_sent{};
};

History walk(const std::vector<LadderRow>& rows, std::size_t index) {
    History h;
    for (std::size_t i = 0; i < index && i < rows.size(); ++i) {
        const LadderRow& row = rows[i];
        const unsigned s = row.side & 1U;
        const std::uint32_t end = row.seq + seq_space(row);
        if (!h.any[s] || seq::gt(end, h.end[s])) {
            h.end[s] = end;
            h.end_row[s] = i;
        }
        h.any[s] = true;
        h.last_row[s] = i;
        if (has_flag(row, tcp_flag::syn)) {
            if (h.syn_row[s] == k_none) h.syn_row[s] = i;
        } else {
            h.non_syn_sent[s] = true;
        }
        if (has_flag(row, tcp_flag::fin) && h.fin_row[s] == k_none) {
            h.fin_row[s] = i;
            h.fin_seq[s] = row.seq + row.len;
        }
        if (has_flag(row, tcp_flag::ack) && (!h.ack_sent[s] || seq::gt(row.ack, h.last_ack[s]))) {
            h.ack_sent[s] = true;
            h.last_ack[s] = row.ack;
        }
    }
    return h;
}

// Raw -> displayed numbers. The relative base of a side is what the rows say (seq - rel_seq, as the
// sequence analyzer numbered it, Wireshark-style), so explanations match the arrows exactly.
class Numbers {
public:
    Numbers(const flow::Conversation& conversation, const std::vector<LadderRow>& rows, bool absolute)
        : m_absolute(absolute) {
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

    // A number in side `s`'s sequence space, as shown.
    [[nodiscard]] std::string show(unsigned s, std::uint32_t raw) const {
        return std::to_string(m_absolute ? raw : raw - m_base[s & 1U]);
    }

private:
    bool m_absolute;
    std::array<std::uint32_t, 2> m_base{};
};

// The earliest earlier row of the same side that sent this sequence number with payload, SYN or FIN.
std::size_t first_send_of(const std::vector<LadderRow>& rows, std::size_t index) {
    const LadderRow& row = rows[index];
    for (std::size_t i = 0; i < index; ++i) {
        const LadderRow& other = rows[i];
        if (other.side != row.side || other.seq != row.seq) continue;
        if (other.len > 0 || has_flag(other, tcp_flag::syn) || has_flag(other, tcp_flag::fin)) return i;
    }
    return k_none;
}

std::string retransmission_text(const std::vector<LadderRow>& rows, std::size_t original, const std::string& seq) {
    return "seq " + seq + " again: retransmission of frame " + std::to_string(rows[original].frame);
}

// The third segment: the first non-SYN segment of the side that sent a plain SYN, after the peer's SYN-ACK.
bool is_third_segment(const std::vector<LadderRow>& rows, const History& h, unsigned s, const LadderRow& row) {
    const unsigned p = 1U - s;
    if (has_flag(row, tcp_flag::syn) || !has_flag(row, tcp_flag::ack) || h.non_syn_sent[s]) return false;
    if (h.syn_row[s] == k_none || h.syn_row[p] == k_none) return false;
    return !has_flag(rows[h.syn_row[s]], tcp_flag::ack) && has_flag(rows[h.syn_row[p]], tcp_flag::ack);
}

std::string explain_syn(const std::vector<LadderRow>& rows, std::size_t index, const History& h,
                        const Numbers& numbers) {
    const LadderRow& row = rows[index];
    const unsigned s = row.side & 1U;
    const unsigned p = 1U - s;
    const std::string seq_text = numbers.show(s, row.seq);
    std::string text;
    if (h.syn_row[s] != k_none && rows[h.syn_row[s]].seq == row.seq) {
        text = retransmission_text(rows, h.syn_row[s], seq_text);
    } else {
        // RFC 9293 §3.4.1: the ISN is chosen by the sender; relative numbers count from it.
        text = "seq " + seq_text + ": the " + std::string(side_name(s)) + "'s ISN";
        if (numbers.show(s, row.seq) != std::to_string(row.seq)) text += " " + std::to_string(row.seq);
        if (!has_flag(row, tcp_flag::ack)) {
            text += h.syn_row[p] != k_none ? "; both ends sent SYN (simultaneous open, RFC 9293 §3.5)"
                                           : "; a SYN consumes one sequence number";
        }
    }
    if (has_flag(row, tcp_flag::ack)) {
        const std::string ack_text = numbers.show(p, row.ack);
        if (h.syn_row[p] == k_none) {
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

std::string explain_third(const std::vector<LadderRow>& rows, const LadderRow& row, const History& h,
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
std::string explain_seq(const std::vector<LadderRow>& rows, std::size_t index, const History& h,
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
        const std::size_t original = first_send_of(rows, index);
        if (original != k_none) {
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
    } else if (row.len > 0 && h.end_row[s] != k_none) {
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
std::string explain_ack(const std::vector<LadderRow>& rows, std::size_t index, const History& h,
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
    if (h.fin_row[p] != k_none && row.ack == h.fin_seq[p] + 1) {
        return "ack " + ack_text + ": acknowledges the FIN";
    }
    if (!h.any[p]) return "ack " + ack_text + ": acknowledges bytes sent before the capture";
    if (row.ack == h.end[p]) {
        // Count the peer's segments this ACK newly covers (cumulative: RFC 9293 §3.4).
        std::size_t covered = 0;
        for (std::size_t i = 0; i < index; ++i) {
            const LadderRow& other = rows[i];
            if ((other.side & 1U) != p || other.len == 0) continue;
            const std::uint32_t end = other.seq + seq_space(other);
            if (seq::le(end, row.ack) && (!h.ack_sent[s] || seq::gt(end, h.last_ack[s]))) ++covered;
        }
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

std::string explain_row(const flow::Conversation& conversation, const std::vector<LadderRow>& rows, std::size_t index,
                        bool absolute) {
    if (index >= rows.size()) return {};
    const LadderRow& row = rows[index];
    const unsigned s = row.side & 1U;
    const unsigned p = 1U - s;
    const History h = walk(rows, index);
    const Numbers numbers(conversation, rows, absolute);

    if (has_flag(row, tcp_flag::rst)) {
        const bool refuses = !h.any[s] && h.syn_row[p] != k_none && !has_flag(rows[h.syn_row[p]], tcp_flag::ack);
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
    if (is_third_segment(rows, h, s, row)) return explain_third(rows, row, h, numbers);

    std::string text = join(explain_seq(rows, index, h, numbers), explain_ack(rows, index, h, numbers));
    if (analysis::has(row.analysis, analysis::SegmentFlag::zero_window)) {
        text = join(std::move(text), "win=0: the " + std::string(side_name(s)) + "'s receive buffer is full");
    } else if (analysis::has(row.analysis, analysis::SegmentFlag::window_update)) {
        text = join(std::move(text), "only the window changed: a window update");
    }
    return text;
}

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Rendering

constexpr std::string_view k_reset = "\x1b[0m";
constexpr std::string_view k_green = "\x1b[32m";
constexpr std::string_view k_yellow = "\x1b[33m";
constexpr std::string_view k_red = "\x1b[31m";
constexpr std::string_view k_magenta = "\x1b[35m";
constexpr std::string_view k_dim = "\x1b[2m";

constexpr std::string_view k_shaft = "─";
constexpr std::string_view k_head_right = "▶";
constexpr std::string_view k_head_left = "◀";
constexpr std::string_view k_bar = "│";

// Terminal columns of UTF-8 text: every code point here (box drawing, arrows, dashes) is one column.
std::size_t columns(std::string_view text) noexcept {
    std::size_t count = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
    }
    return count;
}

// Text whose on-screen width is tracked apart from its bytes (escapes take no columns).
class Cells {
public:
    explicit Cells(bool color) : m_color(color) {}

    void put(std::string_view text) {
        m_bytes += text;
        m_cols += columns(text);
    }
    void put(std::string_view text, std::string_view color) {
        if (m_color && !color.empty()) m_bytes += color;
        put(text);
        if (m_color && !color.empty()) m_bytes += k_reset;
    }
    void repeat(std::string_view glyph, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) put(glyph);
    }
    void pad_to(std::size_t column) {
        if (m_cols < column) repeat(" ", column - m_cols);
    }
    void put_right(std::string_view text, std::size_t width) {
        const std::size_t cols = columns(text);
        if (cols < width) repeat(" ", width - cols);
        put(text);
    }
    void append(const Cells& other) {
        m_bytes += other.m_bytes;
        m_cols += other.m_cols;
    }
    [[nodiscard]] std::size_t cols() const noexcept { return m_cols; }
    [[nodiscard]] const std::string& bytes() const noexcept { return m_bytes; }

private:
    bool m_color;
    std::string m_bytes;
    std::size_t m_cols = 0;
};

std::string_view flag_color(std::uint16_t flags) noexcept {
    if ((flags & tcp_flag::rst) != 0) return k_red;
    if ((flags & tcp_flag::syn) != 0) return k_green;
    if ((flags & tcp_flag::fin) != 0) return k_yellow;
    return {};
}

// "retransmission, duplicate_ack"; a fast or spurious retransmission also carries `retransmission`
// (as in Wireshark), which would only repeat itself here.
std::string analysis_text(analysis::SegmentFlags flags) {
    using analysis::SegmentFlag;
    if (analysis::has(flags, SegmentFlag::fast_retransmission) ||
        analysis::has(flags, SegmentFlag::spurious_retransmission)) {
        flags &= ~analysis::bit(SegmentFlag::retransmission);
    }
    std::string text;
    for (std::size_t i = 0; i < analysis::k_segment_flag_count; ++i) {
        if ((flags & (analysis::SegmentFlags{1} << i)) == 0) continue;
        if (!text.empty()) text += ", ";
        text += analysis::k_segment_flag_names[i];
    }
    return text;
}

// How much of a segment's label to show; each level drops what matters least for the figure.
// The analysis flags matter more than the window, so they are the last to leave the arrow (they
// then go on a line of their own under it).
enum class LabelForm : std::uint8_t { full, no_window, minimal, analysis_below };

// The window is shown where it tells something: on SYNs, on a side's first segment, when it changed,
// and when the analysis flagged it (as textbook figures show `win` on the SYNs only).
bool window_news(const std::vector<LadderRow>& rows, std::size_t index) {
    const LadderRow& row = rows[index];
    using analysis::SegmentFlag;
    if (has_flag(row, tcp_flag::syn) || analysis::has(row.analysis, SegmentFlag::zero_window) ||
        analysis::has(row.analysis, SegmentFlag::window_update) ||
        analysis::has(row.analysis, SegmentFlag::window_full)) {
        return true;
    }
    for (std::size_t i = index; i-- > 0;) {
        if (rows[i].side == row.side) return rows[i].window != row.window;
    }
    return true;
}

Cells make_label(const LadderRow& row, bool show_window, bool absolute, LabelForm form, bool color) {
    Cells label(color);
    label.put(format_flags(row.flags), flag_color(row.flags));
    label.put(" seq=" + std::to_string(absolute ? row.seq : row.rel_seq));
    if (has_flag(row, tcp_flag::ack)) label.put(" ack=" + std::to_string(absolute ? row.ack : row.rel_ack));
    if (form == LabelForm::full && show_window) label.put(" win=" + std::to_string(row.window));
    if (form != LabelForm::minimal || row.len > 0) label.put(" len=" + std::to_string(row.len));
    if (row.analysis != 0 && form != LabelForm::analysis_below) {
        label.put(" [" + analysis_text(row.analysis) + "]", k_magenta);
    }
    return label;
}

constexpr std::size_t k_lead = 2;                      // shaft before a rightward label (mirrored for leftward)
constexpr std::size_t k_arrow_extra = k_lead + 2 + 2;  // lead, two spaces, at least one shaft, the head
constexpr std::size_t k_min_arrow = 24;

struct FittedLabel {
    Cells label;
    bool analysis_below = false;
};

// The richest label that fits an arrow of `inner` columns (the smallest one when none does).
FittedLabel fitted_label(const LadderRow& row, bool show_window, bool absolute, std::size_t inner, bool color) {
    for (const LabelForm form : {LabelForm::full, LabelForm::no_window, LabelForm::minimal}) {
        Cells label = make_label(row, show_window, absolute, form, color);
        if (label.cols() + k_arrow_extra <= inner) return {std::move(label), false};
    }
    return {make_label(row, show_window, absolute, LabelForm::analysis_below, color), row.analysis != 0};
}

// "──SYN seq=0 ...──────▶" for the originator, mirrored for the responder; exactly `inner` columns
// when the label fits.
Cells make_arrow(const LadderRow& row, const Cells& label, std::size_t inner, bool color) {
    Cells arrow(color);
    const std::size_t used = label.cols() + k_lead + 3;
    const std::size_t fill = inner > used ? inner - used : 1;
    if ((row.side & 1U) == 0) {
        arrow.repeat(k_shaft, k_lead);
        arrow.put(" ");
        arrow.append(label);
        arrow.put(" ");
        arrow.repeat(k_shaft, fill);
        arrow.put(k_head_right);
    } else {
        arrow.put(k_head_left);
        arrow.repeat(k_shaft, fill);
        arrow.put(" ");
        arrow.append(label);
        arrow.put(" ");
        arrow.repeat(k_shaft, k_lead);
    }
    return arrow;
}

// Greedy word wrap with a hanging indent; a word longer than the line stays whole.
void wrap_into(std::string& out, std::string_view text, std::size_t indent, std::size_t width, bool color) {
    const std::size_t room = width > indent + 20 ? width - indent : 20;
    std::size_t line_cols = 0;
    bool line_open = false;
    auto open_line = [&] {
        out.append(indent, ' ');
        if (color) out += k_dim;
        line_open = true;
        line_cols = 0;
    };
    auto close_line = [&] {
        if (color) out += k_reset;
        out += '\n';
        line_open = false;
    };
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t next = text.find(' ', pos);
        // "seq = ISN+1" reads as one term: never break around a lone "=".
        auto joins = [&](std::size_t space) {
            const bool before_equals = text.substr(space + 1, 2) == "= ";
            const bool after_equals = space >= 2 && text[space - 1] == '=' && text[space - 2] == ' ';
            return before_equals || after_equals;
        };
        while (next != std::string_view::npos && joins(next)) next = text.find(' ', next + 1);
        if (next == std::string_view::npos) next = text.size();
        const std::string_view word = text.substr(pos, next - pos);
        pos = next + 1;
        if (word.empty()) continue;
        const std::size_t word_cols = columns(word);
        if (line_open && line_cols + 1 + word_cols > room) close_line();
        if (!line_open) {
            open_line();
        } else {
            out += ' ';
            ++line_cols;
        }
        out += word;
        line_cols += word_cols;
    }
    if (line_open) close_line();
}

std::string endpoint_text(const flow::Conversation& conversation, unsigned s) {
    const flow::EndpointRecord& endpoint = conversation.side[s];
    std::string text = std::string(side_name(s)) + " " + format_endpoint(endpoint.endpoint);
    text += endpoint.isn_known ? " (ISN " + std::to_string(endpoint.isn) + ")" : " (no SYN seen)";
    return text;
}

std::string initiator_text(analysis::CloseInitiator initiator) {
    switch (initiator) {
    case analysis::CloseInitiator::none: return {};
    case analysis::CloseInitiator::originator: return "client";
    case analysis::CloseInitiator::responder: return "server";
    case analysis::CloseInitiator::both: return "both sides";
    }
    return {};
}

// "label      text" with the text wrapped under itself.
void labelled(std::string& out, std::string_view label, const std::string& text, std::size_t width) {
    constexpr std::size_t k_label = 11;  // "handshake  "
    std::string wrapped;
    wrap_into(wrapped, text, k_label, width, false);
    out += label;
    out.append(k_label > label.size() ? k_label - label.size() : 1, ' ');
    out += std::string_view(wrapped).substr(std::min(wrapped.size(), k_label));
}

void render_footer(std::string& out, const flow::Conversation& conversation, const LadderOptions& options) {
    const std::size_t width = options.width;

    Cells handshake(options.color);
    handshake.put("handshake  ");
    handshake.put(analysis::name(conversation.handshake),
                  analysis::is_nonconformant(conversation.handshake) ? k_red : std::string_view{});
    std::string frames;
    for (const std::uint64_t frame : conversation.handshake_frames) {
        if (frame == flow::k_no_frame) continue;
        frames += frames.empty() ? "" : ", ";
        frames += std::to_string(frame);
    }
    if (!frames.empty()) handshake.put(" (frames " + frames + ")");
    if (conversation.initial_rtt_ns >= 0) {
        char rtt[48];
        std::snprintf(rtt, sizeof(rtt), ", initial RTT %.3f ms",
                      static_cast<double>(conversation.initial_rtt_ns) / 1e6);
        handshake.put(rtt);
    }
    out += handshake.bytes();
    out += '\n';

    std::string teardown(analysis::name(conversation.teardown));
    const std::string initiator = initiator_text(conversation.close_initiator);
    if (!initiator.empty()) teardown += ", initiated by " + initiator;
    if (conversation.reset_by >= 0) {
        teardown += ", RST from " + std::string(side_name(static_cast<unsigned>(conversation.reset_by))) + " in " +
                    std::string(flow::state_name(conversation.reset_in_state));
        if (conversation.reset_with_unacked_data) teardown += " with data unacknowledged";
    }
    if (conversation.end_reason != analysis::EndReason::end_of_capture &&
        conversation.end_reason != analysis::EndReason::closed) {
        teardown += ", ended by " + std::string(analysis::name(conversation.end_reason));
    }
    labelled(out, "teardown", teardown, width);

    if (!conversation.zeek.history().empty()) {
        out += "zeek       conn_state " + std::string(conversation.zeek.conn_state()) + ", history " +
               std::string(conversation.zeek.history()) + "\n";
    }

    if (!conversation.findings.empty()) {
        std::string findings;
        for (const flow::Finding& finding : conversation.findings) {
            if (!findings.empty()) findings += ", ";
            findings += std::string(analysis::name(finding.kind)) + " (frame " + std::to_string(finding.frame) + ")";
        }
        if (conversation.findings_dropped > 0) {
            findings += ", " + std::to_string(conversation.findings_dropped) + " more";
        }
        labelled(out, "findings", findings, width);
    }
}

}  // namespace

std::string render_ladder(const flow::Conversation& conversation, const std::vector<LadderRow>& rows,
                          const LadderOptions& options) {
    const std::size_t width = options.width;
    std::string out;

    // Header: both endpoints on one line when it fits, else one per line.
    const std::string stream = "stream " + std::to_string(conversation.stream);
    const std::string client = endpoint_text(conversation, 0);
    const std::string server = endpoint_text(conversation, 1);
    const std::string one_line = stream + "  " + client + "  " + server;
    if (columns(one_line) <= width) {
        out += one_line + "\n";
    } else {
        out += stream + "\n  " + client + "\n  " + server + "\n";
    }

    // Columns: time | client state, right-aligned to the client's timeline | arrow | server state.
    const std::int64_t t0 = rows.empty() ? 0 : rows.front().ts_ns;
    std::vector<std::string> times;
    times.reserve(rows.size());
    std::size_t time_w = columns("time(s)");
    std::size_t left_w = columns("client");
    std::size_t right_w = columns("server");
    for (const LadderRow& row : rows) {
        times.push_back(format_seconds(row.ts_ns - t0));
        time_w = std::max(time_w, times.back().size());
        left_w = std::max(left_w, flow::state_name(row.state_after[0]).size());
        right_w = std::max(right_w, flow::state_name(row.state_after[1]).size());
    }
    time_w += 1;  // margin on the left
    const std::size_t fixed = time_w + 1 + left_w + 1 + 2 + 1 + right_w;
    std::size_t inner = width > fixed + k_min_arrow ? width - fixed : k_min_arrow;
    // When even the minimal label of some segment does not fit, widen the ladder for every row so
    // the timelines stay straight (absolute numbers at 80 columns need this).
    for (const LadderRow& row : rows) {
        const Cells minimal = make_label(row, false, options.absolute, LabelForm::analysis_below, false);
        inner = std::max(inner, minimal.cols() + k_arrow_extra);
    }

    Cells heading(false);
    heading.put_right("time(s)", time_w);
    heading.put(" ");
    heading.put_right("client", left_w + 2);  // ends on the client's timeline
    heading.repeat(" ", inner);
    heading.put("server");
    out += heading.bytes();
    out += '\n';

    if (rows.empty()) out += "  (no segments)\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const LadderRow& row = rows[i];
        Cells line(options.color);
        line.put_right(times[i], time_w);
        line.put(" ");
        line.put_right(flow::state_name(row.state_after[0]), left_w);
        line.put(" ");
        line.put(k_bar);
        const FittedLabel fitted = fitted_label(row, window_news(rows, i), options.absolute, inner, options.color);
        const std::size_t arrow_start = line.cols();
        line.append(make_arrow(row, fitted.label, inner, options.color));
        line.put(k_bar);
        line.put(" ");
        line.put(flow::state_name(row.state_after[1]));
        out += line.bytes();
        out += '\n';
        if (fitted.analysis_below) {
            // Under the label: from its start for a rightward arrow, up to its end for a leftward one.
            const std::string tag = "[" + analysis_text(row.analysis) + "]";
            Cells below(options.color);
            if ((row.side & 1U) == 0) {
                below.pad_to(arrow_start + k_lead + 1);
            } else {
                const std::size_t label_end = arrow_start + inner - k_lead - 1;
                below.pad_to(label_end > columns(tag) ? label_end - columns(tag) : 0);
            }
            below.put(tag, k_magenta);
            out += below.bytes();
            out += '\n';
        }
        if (options.explain) {
            const std::string text = explain_row(conversation, rows, i, options.absolute);
            if (!text.empty()) wrap_into(out, text, time_w + 3, width, options.color);
        }
    }

    render_footer(out, conversation, options);
    return out;
}

}  // namespace tcpvet::report
