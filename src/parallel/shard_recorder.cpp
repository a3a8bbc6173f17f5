// Copies a shard tracker's events into chunks. A chunk is handed over at the end of each batch,
// and mid-batch when it is full (a sweep or the end of the capture can end millions of records),
// so the merger's memory stays bounded by the queue depth.
#include "tcpvet/parallel/shard_recorder.hpp"

#include <utility>

namespace tcpvet::parallel {

ShardRecorder::ShardRecorder(const flow::TrackerObserver& downstream, BoundedQueue<EventChunk>& out,
                             BoundedQueue<EventChunk>& spares)
    : m_downstream(downstream), m_out(out), m_spares(spares) {
    m_chunk.events.reserve(k_chunk_events);
}

// Called before an event is recorded (with its index into the chunk), never between the two.
void ShardRecorder::make_room() {
    if (m_chunk.events.size() + 2 > k_chunk_events) hand_over(true, MergeKey{}, false);
}

ShardEvent& ShardRecorder::record(ShardEvent::Kind kind, std::uint32_t stream, std::size_t index) {
    ShardEvent& event = m_chunk.events.emplace_back();
    event.kind = kind;
    event.phase = m_phase;
    event.frame = m_frame;
    event.stream = stream;
    event.index = static_cast<std::uint32_t>(index);
    return event;
}

void ShardRecorder::on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    make_room();
    // A stream's first event is always its segment, in the frame that numbered it.
    while (info.stream >= m_next_stream) {
        record(ShardEvent::Kind::stream_started, m_next_stream, 0);
        ++m_next_stream;
        make_room();
    }
    if (!m_downstream.wants_segment(packet, info)) return;
    const std::size_t index = m_chunk.segments.size();
    record(ShardEvent::Kind::segment, info.stream, index);
    SegmentEvent& copy = m_chunk.segments.emplace_back(SegmentEvent{packet, info});
    copy.info.conversation = nullptr;
}

void ShardRecorder::on_conversation_end(const flow::Conversation& conversation) {
    make_room();
    record(ShardEvent::Kind::conversation_end, conversation.stream, m_chunk.conversations.size());
    m_chunk.conversations.push_back(conversation);
}

void ShardRecorder::on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* /*materialized*/) {
    make_room();
    record(ShardEvent::Kind::half_open_end, attempt.stream, m_chunk.attempts.size());
    m_chunk.attempts.push_back(attempt);
}

void ShardRecorder::flush(MergeKey bound) { hand_over(false, bound, false); }

void ShardRecorder::flush_last() { hand_over(false, k_end_of_events, true); }

void ShardRecorder::hand_over(bool bound_is_last_event, MergeKey bound, bool last) {
    m_chunk.bound = bound;
    m_chunk.bound_is_last_event = bound_is_last_event;
    m_chunk.last = last;
    if (!m_cancelled && !m_out.push(std::move(m_chunk))) m_cancelled = true;
    if (std::optional<EventChunk> spare = m_spares.try_pop()) {
        m_chunk = std::move(*spare);
        m_chunk.clear();
    } else {
        m_chunk = EventChunk{};
        m_chunk.events.reserve(k_chunk_events);
    }
}

}  // namespace tcpvet::parallel
