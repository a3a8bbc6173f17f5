// Text renderings for people: capture summary, conversation table, verdict counts, packet lines.
#pragma once

#include <string>
#include <vector>

#include "tcpvet/flow/tracker.hpp"
#include "tcpvet/pipeline.hpp"
#include "tcpvet/report/report_collector.hpp"

namespace tcpvet::report {

struct TextStyle {
    bool color = false;
    unsigned width = 80;
};

// One line for standard error when frames that may carry TCP could not be opened (ESP, a tunnel
// cut short, ...), naming the count per reason; empty when there were none.
[[nodiscard]] std::string render_undecoded_note(const capture::CaptureStats& stats);

[[nodiscard]] std::string render_capture_summary(const std::vector<std::string>& inputs, const PipelineResult& result,
                                                 const TextStyle& style);
[[nodiscard]] std::string render_tracker_summary(const PipelineResult& result, std::uint64_t half_open_unlisted);
[[nodiscard]] std::string render_conversation_table(const std::vector<ConversationRow>& rows, const TextStyle& style);
[[nodiscard]] std::string render_verdict_counts(const VerdictCounts& counts, const TextStyle& style);
// Appends one `tcpvet packets` line (no newline): frame, time, stream, endpoints, flags, seq/ack
// (relative and raw), len, win, options, analysis. Written per segment, so nothing is allocated
// once `out` has grown.
void append_packet_line(std::string& out, const DecodedPacket& packet, const flow::SegmentInfo& info,
                        std::int64_t first_ts_ns, const TextStyle& style);

}  // namespace tcpvet::report
