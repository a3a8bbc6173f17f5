// What flows between the threads of a sharded run: packet batches from the reader to each shard,
// and chunks of tracker events from each shard to the merger.
//
// Every event has a place in the order a single tracker would have produced it: events sort by
// (frame, phase, stream). Within one frame only one shard tracks the packet, and the records a
// sweep or the end of the capture ends are ended in stream order by every tracker, so merging the
// shards' sorted event sequences by that key reproduces the single-threaded order exactly.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <vector>

#include "tcpvet/flow/conversation.hpp"
#include "tcpvet/flow/half_open.hpp"
#include "tcpvet/flow/tracker.hpp"
#include "tcpvet/packet.hpp"

namespace tcpvet::parallel {

enum class EventPhase : std::uint8_t {
    sweep = 0,   // records ended by the sweep that runs before the frame
    packet = 1,  // tracking the frame itself
    finish = 2,  // the end of the capture (frame is k_after_last)
};

inline constexpr std::uint64_t k_after_last = std::numeric_limits<std::uint64_t>::max();

struct MergeKey {
    std::uint64_t frame = 0;
    EventPhase phase = EventPhase::sweep;
    std::uint32_t stream = 0;  // orders sweep and finish events; 0 in the packet phase

    friend auto operator<=>(const MergeKey&, const MergeKey&) = default;
};

inline constexpr MergeKey k_end_of_events{k_after_last, EventPhase::finish, std::numeric_limits<std::uint32_t>::max()};

struct ShardEvent {
    enum class Kind : std::uint8_t {
        stream_started,    // the shard numbered a new stream (its streams are numbered densely from 0)
        segment,           // a segment some observer wants: segments[index]
        conversation_end,  // conversations[index]
        half_open_end,     // attempts[index]
    };
    Kind kind = Kind::stream_started;
    EventPhase phase = EventPhase::packet;
    std::uint64_t frame = 0;
    std::uint32_t stream = 0;  // the shard's own number (the merger renumbers)
    std::uint32_t index = 0;
};

struct SegmentEvent {
    DecodedPacket packet;    // without payload bytes (payload_captured says how many there were)
    flow::SegmentInfo info;  // without the conversation pointer
};

// A shard's events, in its order, and how far it has got: every later event of the shard sorts
// at or after `bound`, or after the chunk's last event when it was handed over mid-batch.
struct EventChunk {
    std::vector<ShardEvent> events;
    std::vector<SegmentEvent> segments;
    std::vector<flow::Conversation> conversations;
    std::vector<flow::HalfOpen> attempts;
    MergeKey bound{};
    bool bound_is_last_event = false;
    bool last = false;  // the shard has finished: nothing follows

    // Empties it for reuse, keeping the capacity (chunks go back to their shard once merged).
    void clear() noexcept {
        events.clear();
        segments.clear();
        conversations.clear();
        attempts.clear();
        bound = MergeKey{};
        bound_is_last_event = false;
        last = false;
    }
};

// A sweep that runs before the first packet of the batch at `before` (or after them all).
struct SweepMark {
    std::size_t before = 0;
    std::uint64_t frame = 0;  // the frame whose time made it due
    std::int64_t now_ns = 0;
};

// What the reader hands one shard: its packets of a run of frames, the sweeps of that run, and at
// the end the capture's clock.
struct ShardBatch {
    std::vector<DecodedPacket> packets;
    std::vector<SweepMark> sweeps;
    std::uint64_t last_frame = 0;  // the run of frames ends here (whether or not this shard had any)
    bool final = false;
    std::int64_t last_packet_ns = 0;  // final: the last TCP packet's time, and the newest
    std::int64_t newest_packet_ns = std::numeric_limits<std::int64_t>::min();
    std::int64_t end_ns = std::numeric_limits<std::int64_t>::min();

    void clear() noexcept {
        packets.clear();
        sweeps.clear();
        final = false;
    }
};

}  // namespace tcpvet::parallel
