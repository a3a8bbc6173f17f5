// The ladder view laid out as text: one conversation drawn between two timelines, with optional explanations.
#include "tcpvet/report/ladder.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <sstream>
#include <string_view>

#include "tcpvet/analysis/verdicts.hpp"
#include "tcpvet/flow/tcp_state.hpp"
#include "tcpvet/report/format.hpp"
#include "tcpvet/report/side_name.hpp"
#include "tcpvet/seq.hpp"

namespace tcpvet::report {

namespace {

bool has_flag(const LadderRow& row, std::uint16_t flag) noexcept { return (row.flags & flag) != 0; }

std::size_t decimal_digits(std::uint64_t value) noexcept {
    std::size_t digits = 1;
    for (; value >= 10; value /= 10) ++digits;
    return digits;
}

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

void render_footer(std::string& out, const flow::Conversation& conversation, const LadderOptions& options,
                   std::size_t rows_shown, std::uint64_t rows_dropped) {
    const std::size_t width = options.width;
    if (rows_dropped > 0) {
        labelled(out, "segments",
                 "the first " + std::to_string(rows_shown) + " of " + std::to_string(rows_shown + rows_dropped) +
                     " are drawn; " + std::to_string(rows_dropped) + " more were not kept (the ladder's cap)",
                 width);
    }

    Cells handshake(options.color);
    handshake.put("handshake  ");
    handshake.put(analysis::name(conversation.handshake),
                  analysis::is_nonconformant(conversation.handshake) ? k_red : std::string_view{});
    std::string frames;
    std::size_t frame_count = 0;
    for (const std::uint64_t frame : conversation.handshake_frames) {
        if (frame == flow::k_no_frame) continue;
        frames += frames.empty() ? "" : ", ";
        frames += std::to_string(frame);
        ++frame_count;
    }
    if (!frames.empty()) handshake.put((frame_count == 1 ? " (frame " : " (frames ") + frames + ")");
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

void write_ladder(std::ostream& sink, const flow::Conversation& conversation, const std::vector<LadderRow>& rows,
                  const LadderOptions& options, std::uint64_t rows_dropped) {
    const std::size_t width = options.width;
    constexpr std::size_t k_flush_bytes = 64 * 1024;
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

    // Columns: time | frame | client state, right-aligned to the client's timeline | arrow | server state.
    // The frame is the capture file's own number (tshark's frame.number), to find the segment in Wireshark.
    const std::int64_t t0 = rows.empty() ? 0 : rows.front().ts_ns;
    std::vector<std::string> times;
    times.reserve(rows.size());
    std::size_t time_w = columns("time(s)");
    std::size_t left_w = columns("client");
    std::size_t right_w = columns("server");
    std::size_t frame_w = columns("frame");
    for (const LadderRow& row : rows) {
        frame_w = std::max(frame_w, decimal_digits(row.frame));
        times.push_back(format_seconds(row.ts_ns - t0));
        time_w = std::max(time_w, times.back().size());
        left_w = std::max(left_w, flow::state_name(row.state_after[0]).size());
        right_w = std::max(right_w, flow::state_name(row.state_after[1]).size());
    }
    time_w += 1;  // margin on the left
    const std::size_t fixed = time_w + 1 + frame_w + 1 + left_w + 1 + 2 + 1 + right_w;
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
    heading.put_right("frame", frame_w);
    heading.put(" ");
    heading.put_right("client", left_w + 2);  // ends on the client's timeline
    heading.repeat(" ", inner);
    heading.put("server");
    out += heading.bytes();
    out += '\n';

    const LadderExplainer explainer(conversation, rows, options.absolute);
    if (rows.empty()) out += "  (no segments)\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const LadderRow& row = rows[i];
        Cells line(options.color);
        line.put_right(times[i], time_w);
        line.put(" ");
        line.put_right(std::to_string(row.frame), frame_w);
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
            const std::string text = explainer.explain(i);
            if (!text.empty()) wrap_into(out, text, time_w + 3, width, options.color);
        }
        if (out.size() >= k_flush_bytes) {
            sink << out;
            out.clear();
        }
    }

    render_footer(out, conversation, options, rows.size(), rows_dropped);
    sink << out;
}

std::string render_ladder(const flow::Conversation& conversation, const std::vector<LadderRow>& rows,
                          const LadderOptions& options, std::uint64_t rows_dropped) {
    std::ostringstream out;
    write_ladder(out, conversation, rows, options, rows_dropped);
    return std::move(out).str();
}

}  // namespace tcpvet::report
