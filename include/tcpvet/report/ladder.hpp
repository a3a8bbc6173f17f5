// The ladder view: one conversation drawn as a two-column sequence diagram, like a textbook figure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tcpvet/analysis/segment_flags.hpp"
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
};

struct LadderOptions {
    bool absolute = false;  // raw seq/ack instead of relative
    bool explain = false;   // one short line per segment on why its numbers are what they are
    bool color = false;     // ANSI colours (caller decides: TTY, --color, NO_COLOR)
    unsigned width = 80;    // terminal columns to fit
};

// Collects the rows of one stream while the pipeline runs, and a copy of that conversation when it ends.
class LadderCollector : public flow::TrackerObserver {
public:
    explicit LadderCollector(std::uint32_t stream) : m_stream(stream) {}
    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override;
    void on_conversation_end(const flow::Conversation& conversation) override;
    // A handshake-only attempt ends here instead of on_conversation_end; its rebuilt conversation is kept.
    void on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) override;
    bool wants_half_open_conversation() override { return true; }

    [[nodiscard]] bool found() const noexcept { return m_found; }
    [[nodiscard]] const flow::Conversation& conversation() const noexcept { return m_conversation; }
    [[nodiscard]] const std::vector<LadderRow>& rows() const noexcept { return m_rows; }

private:
    std::uint32_t m_stream;
    bool m_found = false;
    flow::Conversation m_conversation{};
    std::vector<LadderRow> m_rows;
};

// Renders the diagram: a header naming both endpoints (with ISNs), one line per segment with
// time, arrow, flags, seq/ack, len, window, analysis flags and both endpoints' states after it,
// and the verdicts at the bottom. With options.explain, a line under each segment.
[[nodiscard]] std::string render_ladder(const flow::Conversation& conversation, const std::vector<LadderRow>& rows,
                                        const LadderOptions& options);

// The --explain sentence for row `index` (empty when there is nothing to say).
[[nodiscard]] std::string explain_row(const flow::Conversation& conversation, const std::vector<LadderRow>& rows,
                                      std::size_t index, bool absolute);

}  // namespace tcpvet::report
