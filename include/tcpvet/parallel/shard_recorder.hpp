// The observer a shard's tracker reports to: it copies each event into chunks for the merger.
#pragma once

#include <cstdint>

#include "tcpvet/flow/tracker.hpp"
#include "tcpvet/parallel/bounded_queue.hpp"
#include "tcpvet/parallel/shard_events.hpp"

namespace tcpvet::parallel {

class ShardRecorder : public flow::TrackerObserver {
public:
    static constexpr std::size_t k_chunk_events = 4096;

    // `downstream` decides which segments are worth copying; its wants_segment() is called from
    // this shard's thread.
    // Merged chunks come back through `spares` and are refilled, so their buffers are allocated once.
    ShardRecorder(const flow::TrackerObserver& downstream, BoundedQueue<EventChunk>& out,
                  BoundedQueue<EventChunk>& spares);

    // Events recorded from now on take this place in the merged order.
    void begin(std::uint64_t frame, EventPhase phase) noexcept {
        m_frame = frame;
        m_phase = phase;
    }
    // Hands the events so far to the merger, with the bound every later event sorts at or after.
    void flush(MergeKey bound);
    // The last chunk: the shard has finished.
    void flush_last();
    // The merger is gone (an error tore the run down): stop working.
    [[nodiscard]] bool cancelled() const noexcept { return m_cancelled; }

    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override;
    void on_conversation_end(const flow::Conversation& conversation) override;
    void on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) override;
    // The merger rebuilds the attempts its observers want rebuilt.
    bool wants_half_open_conversation() override { return false; }

private:
    void make_room();
    ShardEvent& record(ShardEvent::Kind kind, std::uint32_t stream, std::size_t index);
    void hand_over(bool bound_is_last_event, MergeKey bound, bool last);

    const flow::TrackerObserver& m_downstream;
    BoundedQueue<EventChunk>& m_out;
    BoundedQueue<EventChunk>& m_spares;
    EventChunk m_chunk;
    std::uint64_t m_frame = 0;
    EventPhase m_phase = EventPhase::packet;
    std::uint32_t m_next_stream = 0;  // the shard's tracker numbers its streams densely from 0
    bool m_cancelled = false;
};

}  // namespace tcpvet::parallel
