// The ladder view: one conversation drawn as a two-column sequence diagram, like a textbook figure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "tcpvet/analysis/segment_flags.hpp"
#include "tcpvet/analysis/segment_history.hpp"
#include "tcpvet/flow/conversation.hpp"
#include "tcpvet/flow/tracker.hpp"

namespace tcpvet::report {

// One segment of the conversation, as the tracker saw it.
struct LadderRow {
    std::uint64_t frame = 0;
    std::int64_t ts_ns = 0;
    std::uint8_t side = 0;    // 0: originator -> responder, 1: responder -> originator
    std::uint16_t flags = 0;  // tcp_flag bits
    std::uint32_t seq = 0;    // raw
    std::uint32_t ack = 0;    // raw
    std::uint32_t rel_seq = 0;
    std::uint32_t rel_ack = 0;
    std::uint32_t len = 0;
    std::uint16_t window = 0;  // raw
    analysis::SegmentFlags analysis = 0;
    std::array<flow::TcpState, 2> state_after{};
    analysis::SegmentFacts facts;  // what the earlier rows showed (annotate_rows / the collector fill it)
};

[[nodiscard]] analysis::SegmentSummary summary_of(const LadderRow& row) noexcept;

// Fills every row's facts in order (the collector does this as rows arrive; tests build rows by hand).
void annotate_rows(std::vector<LadderRow>& rows);

struct LadderOptions {
    bool absolute = false;  // raw seq/ack instead of relative
    bool explain = false;   // one short line per segment on why its numbers are what they are
    bool color = false;     // ANSI colours (caller decides: TTY, --color, NO_COLOR)
    unsigned width = 80;    // terminal columns to fit
};

// Collects the rows of one stream while the pipeline runs, and a copy of that conversation when it ends.
// At most `max_rows` segments are kept (the first ones); the rest are counted, and the views say so.
class LadderCollector : public flow::TrackerObserver {
public:
    // 250,000 rows of ~150 bytes, plus their rendered lines, stay well under 100 MB.
    static constexpr std::size_t k_default_max_rows = 250'000;

    explicit LadderCollector(std::uint32_t stream, std::size_t max_rows = k_default_max_rows)
        : m_stream(stream), m_max_rows(max_rows) {}
    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override;
    void on_conversation_end(const flow::Conversation& conversation) override;
    // A handshake-only attempt ends here instead of on_conversation_end; its rebuilt conversation is kept.
    void on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) override;
    bool wants_half_open_conversation() override { return true; }

    [[nodiscard]] bool found() const noexcept { return m_found; }
    [[nodiscard]] const flow::Conversation& conversation() const noexcept { return m_conversation; }
    [[nodiscard]] const std::vector<LadderRow>& rows() const noexcept { return m_rows; }
    // Segments of the stream past the cap: not in rows(), not drawn, not explained.
    [[nodiscard]] std::uint64_t rows_dropped() const noexcept { return m_rows_dropped; }

private:
    std::uint32_t m_stream;
    std::size_t m_max_rows;
    std::uint64_t m_rows_dropped = 0;
    bool m_found = false;
    flow::Conversation m_conversation{};
    std::vector<LadderRow> m_rows;
    analysis::SegmentHistorian m_historian;
};

// Writes the diagram to `out` as it is laid out, a few kilobytes at a time (a capped ladder of
// 250,000 rows is tens of megabytes of text).
void write_ladder(std::ostream& out, const flow::Conversation& conversation, const std::vector<LadderRow>& rows,
                  const LadderOptions& options, std::uint64_t rows_dropped = 0);

// Renders the diagram: a header naming both endpoints (with ISNs), one line per segment with
// time, the file's frame number, arrow, flags, seq/ack, len, window, analysis flags and both
// endpoints' states after it, and the verdicts at the bottom. With options.explain, a line under
// each segment. `rows_dropped` segments past the collector's cap are said in the footer.
[[nodiscard]] std::string render_ladder(const flow::Conversation& conversation, const std::vector<LadderRow>& rows,
                                        const LadderOptions& options, std::uint64_t rows_dropped = 0);

// The --explain sentence for row `index` (empty when there is nothing to say).
[[nodiscard]] std::string explain_row(const flow::Conversation& conversation, const std::vector<LadderRow>& rows,
                                      std::size_t index, bool absolute);

// The --explain sentences of one conversation's rows: the relative bases are found once, and each
// sentence then words the facts its row carries, at the same cost however many rows precede it.
class LadderExplainer {
public:
    LadderExplainer(const flow::Conversation& conversation, const std::vector<LadderRow>& rows, bool absolute);
    // Empty when there is nothing to say, or `index` is past the rows.
    [[nodiscard]] std::string explain(std::size_t index) const;

private:
    const std::vector<LadderRow>& m_rows;
    bool m_absolute;
    std::array<std::uint32_t, 2> m_base{};
};

}  // namespace tcpvet::report
