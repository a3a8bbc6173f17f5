// The graph views' model: one stream's segments as the tracker and the analysis described them,
// and the series each graph kind draws from them (the same series for SVG, CSV and JSON).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "tcpvet/analysis/segment_flags.hpp"
#include "tcpvet/flow/conversation.hpp"
#include "tcpvet/flow/tracker.hpp"
#include "tcpvet/huge_page_allocator.hpp"

namespace tcpvet::report {

// One segment of the stream: the tracker's facts, nothing derived here.
struct GraphSegment {
    std::uint64_t frame = 0;
    std::int64_t ts_ns = 0;
    std::uint64_t window = 0;         // the window this segment advertises, scaled (SegmentInfo::sender_window)
    std::int64_t rtt_sample_ns = -1;  // the Karn RTT sample this ACK gives the peer's data, -1 none
    std::uint32_t rel_seq = 0;        // Wireshark's relative tcp.seq
    std::uint32_t rel_ack = 0;        // relative tcp.ack (in the peer's sequence space)
    std::uint32_t len = 0;            // payload bytes
    std::uint32_t bytes_in_flight = 0;
    analysis::SegmentFlags analysis = 0;
    std::uint16_t flags = 0;  // tcp_flag bits
    std::uint8_t side = 0;    // 0: sent by the client (originator), 1: by the server
    bool has_bytes_in_flight = false;
    std::uint8_t sack_count = 0;  // SACK blocks this segment carries (in GraphCollector::sacks)
};

// The segments in 2 MiB chunks on huge pages where the system gives them: growing never copies
// (a doubling vector would copy a million segments' ~64 MB about twice, and fault it in twice).
class GraphSegments {
public:
    static constexpr std::size_t k_chunk = HugePageAllocator<GraphSegment>::k_huge_page / sizeof(GraphSegment);

    GraphSegments() = default;
    GraphSegments(const GraphSegments&) = delete;
    GraphSegments& operator=(const GraphSegments&) = delete;
    ~GraphSegments() {
        for (GraphSegment* chunk : m_chunks) HugePageAllocator<GraphSegment>{}.deallocate(chunk, k_chunk);
    }

    void push_back(const GraphSegment& segment) {
        if (m_size == m_chunks.size() * k_chunk)
            m_chunks.push_back(HugePageAllocator<GraphSegment>{}.allocate(k_chunk));
        ::new (static_cast<void*>(&m_chunks[m_size / k_chunk][m_size % k_chunk])) GraphSegment(segment);
        ++m_size;
    }
    [[nodiscard]] const GraphSegment& operator[](std::size_t i) const noexcept {
        return m_chunks[i / k_chunk][i % k_chunk];
    }
    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] bool empty() const noexcept { return m_size == 0; }

    class Iterator {
    public:
        Iterator(const GraphSegments* owner, std::size_t index) : m_owner(owner), m_index(index) {}
        const GraphSegment& operator*() const noexcept { return (*m_owner)[m_index]; }
        Iterator& operator++() noexcept {
            ++m_index;
            return *this;
        }
        bool operator!=(const Iterator& other) const noexcept { return m_index != other.m_index; }

    private:
        const GraphSegments* m_owner;
        std::size_t m_index;
    };
    [[nodiscard]] Iterator begin() const noexcept { return {this, 0}; }
    [[nodiscard]] Iterator end() const noexcept { return {this, m_size}; }

private:
    std::vector<GraphSegment*> m_chunks;
    std::size_t m_size = 0;
};

// One SACK block, relative to the sequence space it acknowledges (the peer's).
struct GraphSack {
    std::uint32_t segment = 0;  // index into GraphCollector::segments()
    std::uint32_t left = 0;
    std::uint32_t right = 0;
};

// Collects one stream's segments while the pipeline runs, and its conversation when it ends.
// Bounded: at most k_max_segments are kept; the rest are counted in dropped().
class GraphCollector : public flow::TrackerObserver {
public:
    static constexpr std::size_t k_max_segments = 8'000'000;  // ~450 MB at most; a 1M-segment stream ~56 MB

    explicit GraphCollector(std::uint32_t stream) : m_stream(stream) {}
    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override;
    [[nodiscard]] bool wants_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) const override;
    void on_conversation_end(const flow::Conversation& conversation) override;
    void on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) override;
    bool wants_half_open_conversation() override { return true; }

    [[nodiscard]] bool found() const noexcept { return m_found; }
    [[nodiscard]] const flow::Conversation& conversation() const noexcept { return m_conversation; }
    [[nodiscard]] const GraphSegments& segments() const noexcept { return m_segments; }
    [[nodiscard]] const std::vector<GraphSack>& sacks() const noexcept { return m_sacks; }
    [[nodiscard]] std::uint64_t dropped() const noexcept { return m_dropped; }

private:
    std::uint32_t m_stream;
    bool m_found = false;
    std::uint64_t m_dropped = 0;
    flow::Conversation m_conversation{};
    GraphSegments m_segments;
    std::vector<GraphSack> m_sacks;
};

enum class GraphKind : std::uint8_t { sequence, throughput, rtt, window };
inline constexpr std::array<std::string_view, 4> k_graph_kind_names = {"sequence", "throughput", "rtt", "window"};
[[nodiscard]] constexpr std::string_view name(GraphKind kind) noexcept {
    return k_graph_kind_names[static_cast<std::size_t>(kind)];
}

// The events a graph marks, each its own colour and SVG class ("mark mark-NAME").
enum class GraphEvent : std::uint8_t { syn, fin, rst, retransmission, out_of_order, lost_segment, zero_window };
inline constexpr std::size_t k_graph_event_count = 7;
inline constexpr std::array<std::string_view, k_graph_event_count> k_graph_event_names = {
    "syn", "fin", "rst", "retransmission", "out_of_order", "lost_segment", "zero_window"};
using GraphEvents = std::uint8_t;  // bit set of GraphEvent

// The events `segment` shows in the graph of the data `data_side` sends: SYN, FIN and RST from
// either side; retransmission, out-of-order and lost segment on the data; zero window from the
// receiver. Read from the analysis flags, never re-derived.
[[nodiscard]] GraphEvents graph_events(const GraphSegment& segment, unsigned data_side) noexcept;

// One throughput interval of the data side.
struct ThroughputBin {
    std::int64_t start_ns = 0;  // relative to the series' time origin
    std::uint64_t bytes = 0;    // goodput: payload not flagged as a retransmission
    double goodput_bps = 0;     // bits per second in this interval
    double average_bps = 0;     // moving average over the last k_average_intervals intervals
};

// One RTT sample of the data side (taken at the receiver's ACK).
struct RttSample {
    std::uint64_t frame = 0;  // the ACK
    std::int64_t ts_ns = 0;
    std::int64_t rtt_ns = 0;
    std::uint32_t rel_ack = 0;
};

struct GraphRequest {
    GraphKind kind = GraphKind::sequence;
    int side = -1;                 // the data sender: 0 client, 1 server, -1 the side that sent more payload
    std::int64_t interval_ns = 0;  // throughput: 0 chooses from the span
};

// Everything a graph renderer needs: the model's segments and the series of the requested kind.
struct GraphSeries {
    static constexpr unsigned k_average_intervals = 10;
    static constexpr std::int64_t k_max_intervals = 1'000'000;  // throughput: --interval widens past it

    GraphKind kind = GraphKind::sequence;
    std::uint32_t stream = 0;
    unsigned side = 0;           // the data sender
    std::int64_t origin_ns = 0;  // time 0: the stream's first segment
    std::int64_t span_ns = 0;    // last segment - first segment
    std::string client;          // "198.51.100.7:51000"
    std::string server;
    std::uint64_t dropped = 0;  // segments beyond the collector's cap
    const GraphSegments* segments = nullptr;
    const std::vector<GraphSack>* sacks = nullptr;
    std::int64_t interval_ns = 0;  // throughput
    std::vector<ThroughputBin> bins;
    std::vector<RttSample> rtt;

    // "stream 3: 192.0.2.10:8000 -> 198.51.100.7:51000 (server data), time-sequence"
    [[nodiscard]] std::string title() const;
};

// Builds the series of one kind from the collected model.
[[nodiscard]] GraphSeries build_graph_series(const GraphCollector& collector, const GraphRequest& request);

// The throughput interval for a span: about 100 intervals, rounded to a 1-2-5 step, at least 1 µs.
[[nodiscard]] std::int64_t choose_interval_ns(std::int64_t span_ns) noexcept;

}  // namespace tcpvet::report
