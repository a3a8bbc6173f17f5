// A k-way merge of the shards' event sequences by MergeKey. An event is delivered only when every
// shard that has nothing pending has promised (by its bound) that it will not send an earlier one.
#include "tcpvet/parallel/event_merger.hpp"

#include <cassert>
#include <utility>

namespace tcpvet::parallel {

EventMerger::EventMerger(std::vector<BoundedQueue<EventChunk>*> shards, std::vector<BoundedQueue<EventChunk>*> spares,
                         flow::TrackerObserver& observer, flow::Tracker& materializer, const CaptureClock& clock)
    : m_queues(std::move(shards)),
      m_spares(std::move(spares)),
      m_cursors(m_queues.size()),
      m_streams(m_queues.size()),
      m_observer(observer),
      m_materializer(materializer),
      m_clock(clock) {}

bool EventMerger::has_event(const Cursor& cursor) const noexcept {
    return cursor.chunk.has_value() && cursor.next < cursor.chunk->events.size();
}

std::uint32_t EventMerger::global_stream(std::size_t shard, std::uint32_t local) const {
    if (local == flow::Conversation::k_no_stream) return local;
    assert(local < m_streams[shard].size());
    return m_streams[shard][local];
}

// Packet-phase events of one frame all come from the shard that tracked it, already in order.
MergeKey EventMerger::key_of(std::size_t shard, const ShardEvent& event) const {
    if (event.phase == EventPhase::packet) return MergeKey{event.frame, EventPhase::packet, 0};
    return MergeKey{event.frame, event.phase, global_stream(shard, event.stream)};
}

void EventMerger::install(std::size_t shard, EventChunk chunk) {
    Cursor& cursor = m_cursors[shard];
    cursor.chunk = std::move(chunk);
    cursor.next = 0;
    if (!has_event(cursor)) step_past(shard);
}

// The chunk is used up: what the shard promised for later events is now its bound.
void EventMerger::step_past(std::size_t shard) {
    Cursor& cursor = m_cursors[shard];
    EventChunk& chunk = *cursor.chunk;
    if (chunk.last) {
        cursor.done = true;
        cursor.bound = k_end_of_events;
    } else if (chunk.bound_is_last_event && !chunk.events.empty()) {
        cursor.bound = key_of(shard, chunk.events.back());
    } else {
        cursor.bound = chunk.bound;
    }
    (void)m_spares[shard]->try_push(std::move(chunk));
    cursor.chunk.reset();
}

bool EventMerger::run() {
    const std::size_t shards = m_cursors.size();
    for (;;) {
        std::size_t best = shards;
        MergeKey best_key = k_end_of_events;
        for (std::size_t s = 0; s < shards; ++s) {
            if (!has_event(m_cursors[s])) continue;
            const MergeKey key = key_of(s, m_cursors[s].chunk->events[m_cursors[s].next]);
            if (best == shards || key < best_key) {
                best = s;
                best_key = key;
            }
        }
        // A shard with nothing pending may still send something earlier: wait for it.
        std::size_t waiting_on = shards;
        for (std::size_t s = 0; s < shards && waiting_on == shards; ++s) {
            const Cursor& cursor = m_cursors[s];
            if (cursor.done || has_event(cursor)) continue;
            if (best == shards || !(best_key < cursor.bound)) waiting_on = s;
        }
        if (waiting_on != shards) {
            std::optional<EventChunk> chunk = m_queues[waiting_on]->pop();
            if (!chunk) return false;
            install(waiting_on, std::move(*chunk));
            continue;
        }
        if (best == shards) break;  // every shard finished
        Cursor& cursor = m_cursors[best];
        const ShardEvent event = cursor.chunk->events[cursor.next++];
        deliver(best, event, *cursor.chunk);
        if (!has_event(cursor)) step_past(best);
    }
    end_capture_once();
    return true;
}

void EventMerger::end_capture_once() {
    if (m_capture_ended) return;
    m_capture_ended = true;
    m_observer.on_capture_end(m_clock.capture_end());
}

void EventMerger::deliver(std::size_t shard, const ShardEvent& event, EventChunk& chunk) {
    if (event.phase == EventPhase::finish) end_capture_once();
    switch (event.kind) {
    case ShardEvent::Kind::stream_started:
        assert(event.stream == m_streams[shard].size());
        m_streams[shard].push_back(m_next_stream++);
        break;
    case ShardEvent::Kind::segment: {
        SegmentEvent& segment = chunk.segments[event.index];
        segment.info.stream = global_stream(shard, segment.info.stream);
        m_observer.on_segment(segment.packet, segment.info);
        break;
    }
    case ShardEvent::Kind::conversation_end: {
        flow::Conversation& conversation = chunk.conversations[event.index];
        conversation.stream = global_stream(shard, conversation.stream);
        conversation.reused_from_stream = global_stream(shard, conversation.reused_from_stream);
        m_observer.on_conversation_end(conversation);
        break;
    }
    case ShardEvent::Kind::half_open_end: {
        flow::HalfOpen& attempt = chunk.attempts[event.index];
        attempt.stream = global_stream(shard, attempt.stream);
        attempt.reused_from_stream = global_stream(shard, attempt.reused_from_stream);
        // As the single tracker's end_half_open does.
        if (m_observer.wants_half_open_conversation()) {
            // The clock is read only at the end of the capture, after the reader has set it.
            const bool at_end = attempt.end_reason == analysis::EndReason::end_of_capture;
            m_materializer.materialize(attempt, attempt.end_reason, at_end ? m_clock.now_at_end() : 0, m_scratch);
            m_observer.on_conversation_end(m_scratch);
            m_observer.on_half_open_end(attempt, &m_scratch);
        } else {
            m_observer.on_half_open_end(attempt, nullptr);
        }
        break;
    }
    }
}

}  // namespace tcpvet::parallel
