// The merger of a sharded run: it takes every shard's events in the order one tracker would have
// produced them, renumbers streams as Wireshark does (in order of first packet, across shards),
// and hands them to the observers on the calling thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "tcpvet/flow/tracker.hpp"
#include "tcpvet/parallel/bounded_queue.hpp"
#include "tcpvet/parallel/shard_events.hpp"

namespace tcpvet::parallel {

// The capture's clock, known once the reader finished (before any shard's end-of-capture events).
struct CaptureClock {
    std::int64_t last_packet_ns = 0;  // the last TCP packet's time
    std::int64_t newest_packet_ns = std::numeric_limits<std::int64_t>::min();
    std::int64_t end_ns = std::numeric_limits<std::int64_t>::min();  // a live capture's stop time

    // What a single tracker calls "now" at the end of the capture, and what it tells on_capture_end.
    [[nodiscard]] std::int64_t now_at_end() const noexcept { return std::max(last_packet_ns, end_ns); }
    [[nodiscard]] std::int64_t capture_end() const noexcept { return std::max(newest_packet_ns, now_at_end()); }
};

class EventMerger {
public:
    // `materializer` rebuilds ended half-open attempts for observers that want them as conversations.
    // A merged chunk goes back to its shard through spares[shard] (dropped when that is full).
    EventMerger(std::vector<BoundedQueue<EventChunk>*> shards, std::vector<BoundedQueue<EventChunk>*> spares,
                flow::TrackerObserver& observer, flow::Tracker& materializer, const CaptureClock& clock);

    // Runs until every shard has finished; false when a queue was cancelled first.
    bool run();
    [[nodiscard]] std::uint32_t streams() const noexcept { return m_next_stream; }

private:
    struct Cursor {
        std::optional<EventChunk> chunk;
        std::size_t next = 0;
        MergeKey bound{};  // every event not yet received sorts at or after this
        bool done = false;
    };

    [[nodiscard]] bool has_event(const Cursor& cursor) const noexcept;
    [[nodiscard]] MergeKey key_of(std::size_t shard, const ShardEvent& event) const;
    void install(std::size_t shard, EventChunk chunk);
    void step_past(std::size_t shard);
    void deliver(std::size_t shard, const ShardEvent& event, EventChunk& chunk);
    [[nodiscard]] std::uint32_t global_stream(std::size_t shard, std::uint32_t local) const;
    void end_capture_once();

    std::vector<BoundedQueue<EventChunk>*> m_queues;
    std::vector<BoundedQueue<EventChunk>*> m_spares;
    std::vector<Cursor> m_cursors;
    std::vector<std::vector<std::uint32_t>> m_streams;  // [shard][its stream] -> global stream
    flow::TrackerObserver& m_observer;
    flow::Tracker& m_materializer;
    const CaptureClock& m_clock;
    flow::Conversation m_scratch{};
    std::uint32_t m_next_stream = 0;
    bool m_capture_ended = false;
};

}  // namespace tcpvet::parallel
