// JSON renderings of the finished model (schema: tests/schema/tcpvet-report.schema.json, version below).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "tcpvet/capture/capture_stats.hpp"
#include "tcpvet/flow/conversation.hpp"
#include "tcpvet/flow/tracker.hpp"
#include "tcpvet/pipeline.hpp"

namespace tcpvet::report {

// Bumped on any incompatible change; additions keep it.
inline constexpr const char* k_schema_version = "1.0";

[[nodiscard]] nlohmann::json time_json(std::int64_t ts_ns);
// A conversation as one compact JSON object (with a leading "type" member when `record_type` is
// given, as NDJSON records have); conversation_json() is the same parsed into a DOM.
[[nodiscard]] std::string conversation_record(const flow::Conversation& conversation, std::string_view record_type);
[[nodiscard]] nlohmann::json conversation_json(const flow::Conversation& conversation);
[[nodiscard]] nlohmann::json capture_json(const capture::CaptureStats& stats);
[[nodiscard]] nlohmann::json tracker_json(const flow::TrackerStats& stats, const flow::TrackerOptions& options);
// Appends one TCP segment as a compact JSON object, as `tcpvet packets --format ndjson` prints it.
// Written per segment, so nothing is allocated once `out` has grown.
void append_segment_record(std::string& out, const DecodedPacket& packet, const flow::SegmentInfo& info);
// "frame 3: seq 8000, expected 8001 (the SYN consumed 8000)" style evidence line.
[[nodiscard]] std::string finding_text(const flow::Conversation& conversation, const flow::Finding& finding);

}  // namespace tcpvet::report
