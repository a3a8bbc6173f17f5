// The graph model: one stream's segment records, and the series each graph kind reads from them.
#include "tcpvet/report/graph_model.hpp"

#include <algorithm>

#include "tcpvet/report/format.hpp"
#include "tcpvet/report/side_name.hpp"

namespace tcpvet::report {

// ---------------------------------------------------------------------------------------------------------------
// Collector

bool GraphCollector::wants_segment(const DecodedPacket& /*packet*/, const flow::SegmentInfo& info) const {
    return info.stream == m_stream;
}

void GraphCollector::on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    if (info.stream != m_stream) return;
    if (m_segments.size() >= k_max_segments) {
        ++m_dropped;
        return;
    }
    const analysis::SegmentAnalysis& a = info.analysis;
    GraphSegment s;
    s.frame = packet.frame;
    s.ts_ns = packet.ts_ns;
    s.window = info.sender_window;
    s.rtt_sample_ns = a.rtt_sample_ns;
    s.rel_seq = a.rel_seq;
    s.rel_ack = a.rel_ack;
    s.len = packet.payload_len;
    s.bytes_in_flight = a.bytes_in_flight;
    s.has_bytes_in_flight = a.has_bytes_in_flight;
    s.analysis = a.flags;
    s.flags = packet.tcp.flags;
    s.side = static_cast<std::uint8_t>(info.side & 1U);
    // SACK edges in the peer's relative numbers: the analysis gave the ACK relative to the same
    // base (rel_ack = ack - base), so base = ack - rel_ack.
    const TcpOptions& options = packet.tcp.options;
    if (packet.tcp.has(tcp_flag::ack) && options.sack_count > 0) {
        const std::uint32_t base = packet.tcp.ack - a.rel_ack;
        const std::size_t count = std::min<std::size_t>(options.sack_count, TcpOptions::k_max_sack_blocks);
        for (std::size_t i = 0; i < count; ++i) {
            m_sacks.push_back(GraphSack{static_cast<std::uint32_t>(m_segments.size()), options.sack[i].left - base,
                                        options.sack[i].right - base});
        }
        s.sack_count = static_cast<std::uint8_t>(count);
    }
    m_segments.push_back(s);
}

void GraphCollector::on_conversation_end(const flow::Conversation& conversation) {
    if (conversation.stream != m_stream) return;
    m_conversation = conversation;
    m_found = true;
}

void GraphCollector::on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) {
    if (attempt.stream != m_stream || materialized == nullptr) return;
    m_conversation = *materialized;
    m_found = true;
}

// ---------------------------------------------------------------------------------------------------------------
// Events

GraphEvents graph_events(const GraphSegment& segment, unsigned data_side) noexcept {
    GraphEvents events = 0;
    const auto mark = [&events](GraphEvent event) {
        events |= static_cast<GraphEvents>(1U << static_cast<unsigned>(event));
    };
    if ((segment.flags & tcp_flag::syn) != 0) mark(GraphEvent::syn);
    if ((segment.flags & tcp_flag::fin) != 0) mark(GraphEvent::fin);
    if ((segment.flags & tcp_flag::rst) != 0) mark(GraphEvent::rst);
    if (segment.side == data_side) {
        if (analysis::has(segment.analysis, analysis::SegmentFlag::retransmission)) mark(GraphEvent::retransmission);
        if (analysis::has(segment.analysis, analysis::SegmentFlag::out_of_order)) mark(GraphEvent::out_of_order);
        if (analysis::has(segment.analysis, analysis::SegmentFlag::lost_segment)) mark(GraphEvent::lost_segment);
    } else if (analysis::has(segment.analysis, analysis::SegmentFlag::zero_window)) {
        mark(GraphEvent::zero_window);
    }
    return events;
}

// ---------------------------------------------------------------------------------------------------------------
// Series

namespace {

unsigned busier_side(const GraphSegments& segments) noexcept {
    std::uint64_t bytes[2] = {0, 0};
    for (const GraphSegment& s : segments) bytes[s.side] += s.len;
    return bytes[1] > bytes[0] ? 1U : 0U;
}

void build_throughput(GraphSeries& series, std::int64_t requested_ns) {
    series.interval_ns = requested_ns > 0 ? requested_ns : choose_interval_ns(series.span_ns);
    // Bounded: a tiny --interval over a long span widens to at most k_max_intervals intervals.
    series.interval_ns = std::max(series.interval_ns, series.span_ns / GraphSeries::k_max_intervals + 1);
    const std::int64_t interval = series.interval_ns;
    const auto count = static_cast<std::size_t>(series.span_ns / interval + 1);
    series.bins.resize(count);
    for (std::size_t i = 0; i < count; ++i) series.bins[i].start_ns = static_cast<std::int64_t>(i) * interval;
    for (const GraphSegment& s : *series.segments) {
        if (s.side != series.side || s.len == 0) continue;
        if (analysis::has(s.analysis, analysis::SegmentFlag::retransmission)) continue;  // goodput: new data only
        const auto bin = static_cast<std::size_t>(std::max<std::int64_t>(0, s.ts_ns - series.origin_ns) / interval);
        series.bins[std::min(bin, count - 1)].bytes += s.len;
    }
    const double seconds = static_cast<double>(interval) / 1e9;
    double window_sum = 0;
    for (std::size_t i = 0; i < count; ++i) {
        ThroughputBin& bin = series.bins[i];
        bin.goodput_bps = static_cast<double>(bin.bytes) * 8.0 / seconds;
        window_sum += bin.goodput_bps;
        if (i >= GraphSeries::k_average_intervals)
            window_sum -= series.bins[i - GraphSeries::k_average_intervals].goodput_bps;
        const std::size_t n = std::min<std::size_t>(i + 1, GraphSeries::k_average_intervals);
        bin.average_bps = window_sum / static_cast<double>(n);
    }
}

void build_rtt(GraphSeries& series) {
    // The samples of the data side's segments sit on the receiver's ACKs.
    for (const GraphSegment& s : *series.segments) {
        if (s.side == series.side || s.rtt_sample_ns < 0) continue;
        series.rtt.push_back(RttSample{s.frame, s.ts_ns, s.rtt_sample_ns, s.rel_ack});
    }
}

}  // namespace

std::int64_t choose_interval_ns(std::int64_t span_ns) noexcept {
    const std::int64_t target = std::max<std::int64_t>(span_ns / 100, 1);
    std::int64_t decade = 1;
    while (decade * 10 <= target) decade *= 10;
    std::int64_t step = decade;
    for (const std::int64_t factor : {2, 5, 10}) {
        if (step >= target) break;
        step = decade * factor;
    }
    return std::max<std::int64_t>(step, 1000);
}

std::string GraphSeries::title() const {
    static constexpr std::string_view k_kind_titles[] = {"time-sequence", "throughput", "round-trip time", "window"};
    const std::string& from = side == 0 ? client : server;
    const std::string& to = side == 0 ? server : client;
    return "stream " + std::to_string(stream) + ": " + from + " -> " + to + " (" + std::string(side_name(side)) +
           " data), " + std::string(k_kind_titles[static_cast<std::size_t>(kind)]);
}

GraphSeries build_graph_series(const GraphCollector& collector, const GraphRequest& request) {
    GraphSeries series;
    series.kind = request.kind;
    series.segments = &collector.segments();
    series.sacks = &collector.sacks();
    series.dropped = collector.dropped();
    const flow::Conversation& c = collector.conversation();
    series.stream = c.stream;
    series.client = format_endpoint(c.side[0].endpoint);
    series.server = format_endpoint(c.side[1].endpoint);
    const GraphSegments& segments = collector.segments();
    series.side = request.side >= 0 ? static_cast<unsigned>(request.side) : busier_side(segments);
    if (!segments.empty()) {
        series.origin_ns = segments[0].ts_ns;
        std::int64_t last = series.origin_ns;
        for (const GraphSegment& s : segments) last = std::max(last, s.ts_ns);
        series.span_ns = last - series.origin_ns;
    }
    switch (request.kind) {
    case GraphKind::throughput: build_throughput(series, request.interval_ns); break;
    case GraphKind::rtt: build_rtt(series); break;
    case GraphKind::sequence:
    case GraphKind::window: break;  // drawn from the segments themselves
    }
    return series;
}

}  // namespace tcpvet::report
