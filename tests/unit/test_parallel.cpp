// The sharded run's parts: the bounded queue, and the merger's order and stream renumbering.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tcpvet/parallel/bounded_queue.hpp"
#include "tcpvet/parallel/event_merger.hpp"

namespace {

using namespace tcpvet;
using namespace tcpvet::parallel;

// What the merger delivered, as "kind:stream" strings in order.
class Transcript : public flow::TrackerObserver {
public:
    void on_conversation_end(const flow::Conversation& conversation) override {
        lines.push_back("end:" + std::to_string(conversation.stream) + "<-" +
                        (conversation.reused_from_stream == flow::Conversation::k_no_stream
                             ? std::string("none")
                             : std::to_string(conversation.reused_from_stream)));
    }
    void on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) override {
        lines.push_back("half_open:" + std::to_string(attempt.stream) + (materialized != nullptr ? "+" : ""));
    }
    bool wants_half_open_conversation() override { return false; }
    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override {
        lines.push_back("segment:" + std::to_string(info.stream) + "@" + std::to_string(packet.frame));
    }
    void on_capture_end(std::int64_t end_ns) override { lines.push_back("capture_end:" + std::to_string(end_ns)); }
    std::vector<std::string> lines;
};

// Builds one shard's chunk event by event.
struct ChunkBuilder {
    EventChunk chunk;
    ChunkBuilder& started(std::uint64_t frame, std::uint32_t stream) {
        chunk.events.push_back(ShardEvent{ShardEvent::Kind::stream_started, EventPhase::packet, frame, stream, 0});
        return *this;
    }
    ChunkBuilder& segment(std::uint64_t frame, std::uint32_t stream) {
        SegmentEvent event{};
        event.packet.frame = frame;
        event.info.stream = stream;
        chunk.segments.push_back(event);
        chunk.events.push_back(ShardEvent{ShardEvent::Kind::segment, EventPhase::packet, frame, stream,
                                          static_cast<std::uint32_t>(chunk.segments.size() - 1)});
        return *this;
    }
    ChunkBuilder& ended(EventPhase phase, std::uint64_t frame, std::uint32_t stream,
                        std::uint32_t reused_from = flow::Conversation::k_no_stream) {
        flow::Conversation conversation;
        conversation.stream = stream;
        conversation.reused_from_stream = reused_from;
        chunk.conversations.push_back(conversation);
        chunk.events.push_back(ShardEvent{ShardEvent::Kind::conversation_end, phase, frame, stream,
                                          static_cast<std::uint32_t>(chunk.conversations.size() - 1)});
        return *this;
    }
    ChunkBuilder& half_open(EventPhase phase, std::uint64_t frame, std::uint32_t stream) {
        flow::HalfOpen attempt;
        attempt.stream = stream;
        chunk.attempts.push_back(attempt);
        chunk.events.push_back(ShardEvent{ShardEvent::Kind::half_open_end, phase, frame, stream,
                                          static_cast<std::uint32_t>(chunk.attempts.size() - 1)});
        return *this;
    }
    EventChunk through(std::uint64_t last_frame) {
        chunk.bound = MergeKey{last_frame + 1, EventPhase::sweep, 0};
        return std::move(chunk);
    }
    EventChunk last() {
        chunk.last = true;
        return std::move(chunk);
    }
};

// Two shards' output queues, merged into a transcript once their chunks are pushed.
struct TwoShards {
    BoundedQueue<EventChunk> shard0{8};
    BoundedQueue<EventChunk> shard1{8};
    Transcript transcript;
    std::uint32_t streams = 0;

    bool merge(std::int64_t last_packet_ns, std::int64_t newest_packet_ns) {
        flow::TrackerObserver silent;
        flow::Tracker materializer(flow::TrackerOptions{}, silent);
        CaptureClock clock;
        clock.last_packet_ns = last_packet_ns;
        clock.newest_packet_ns = newest_packet_ns;
        BoundedQueue<EventChunk> spare0(8);
        BoundedQueue<EventChunk> spare1(8);
        EventMerger merger({&shard0, &shard1}, {&spare0, &spare1}, transcript, materializer, clock);
        const bool ran = merger.run();
        streams = merger.streams();
        return ran;
    }
};

}  // namespace

TEST_CASE("BoundedQueue: first in, first out, try_pop never waits, a full queue holds its producer") {
    BoundedQueue<int> queue(2);
    CHECK_FALSE(queue.try_pop().has_value());
    CHECK(queue.push(1));
    CHECK(queue.push(2));
    CHECK_FALSE(queue.try_push(9));  // full: refused, not queued
    std::atomic<bool> third_pushed = false;
    std::thread producer([&] { third_pushed = queue.push(3); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(third_pushed);  // still waiting for room
    CHECK(queue.pop() == 1);    // makes room: the producer goes on
    producer.join();
    CHECK(third_pushed);
    CHECK(queue.pop() == 2);
    CHECK(queue.try_pop() == 3);
}

TEST_CASE("BoundedQueue: cancel wakes a waiting consumer and refuses further items") {
    BoundedQueue<int> queue(1);
    std::optional<int> popped = 7;
    std::thread consumer([&] { popped = queue.pop(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    queue.cancel();
    consumer.join();
    CHECK_FALSE(popped.has_value());
    CHECK_FALSE(queue.push(1));
}

TEST_CASE("EventMerger: streams are numbered by first frame across shards, sweeps and the end merge by stream") {
    TwoShards run;
    BoundedQueue<EventChunk>& shard0 = run.shard0;
    BoundedQueue<EventChunk>& shard1 = run.shard1;
    // Frames 1..4 dealt: 1 and 3 to shard 0, 2 and 4 to shard 1. A sweep before frame 5 ends the
    // streams of frames 1 and 2; frame 4 reused the 5-tuple of frame 2 (a port reuse in shard 1).
    shard0.push(ChunkBuilder{}.started(1, 0).segment(1, 0).started(3, 1).segment(3, 1).through(4));
    shard1.push(ChunkBuilder{}.started(2, 0).ended(EventPhase::packet, 4, 0).started(4, 1).segment(4, 1).through(4));
    shard0.push(ChunkBuilder{}.ended(EventPhase::sweep, 5, 0).through(8));
    shard1.push(ChunkBuilder{}.ended(EventPhase::sweep, 5, 1, 0).through(8));
    shard0.push(ChunkBuilder{}.half_open(EventPhase::finish, k_after_last, 1).last());
    shard1.push(ChunkBuilder{}.last());

    REQUIRE(run.merge(40, 50));
    CHECK(run.streams == 4);
    const std::vector<std::string> expected = {
        "segment:0@1",    "segment:2@3", "end:1<-none", "segment:3@4",  // frame 4: the old stream ends first
        "end:0<-none",    "end:3<-1",                                   // the sweep before frame 5, by stream
        "capture_end:50",                                               // once, before the end-of-capture records
        "half_open:2",
    };
    CHECK(run.transcript.lines == expected);
}

TEST_CASE("EventMerger: a sweep merges by global stream, not by shard nor by a shard's own numbers") {
    TwoShards run;
    BoundedQueue<EventChunk>& shard0 = run.shard0;
    BoundedQueue<EventChunk>& shard1 = run.shard1;
    // Frames 1 and 2 start shard 1's streams 0 and 1 (global 0 and 1), frame 3 shard 0's stream 0
    // (global 2). The sweep before frame 4 ends shard 0's stream 0 and shard 1's stream 1: by
    // global stream that is 1, then 2. Taking shard 0 first, or comparing the shards' own stream
    // numbers (0 < 1), would give 2, then 1.
    shard1.push(ChunkBuilder{}.started(1, 0).segment(1, 0).started(2, 1).segment(2, 1).through(3));
    shard0.push(ChunkBuilder{}.started(3, 0).segment(3, 0).through(3));
    shard0.push(ChunkBuilder{}.ended(EventPhase::sweep, 4, 0).through(6));
    shard1.push(ChunkBuilder{}.ended(EventPhase::sweep, 4, 1).through(6));
    shard0.push(ChunkBuilder{}.last());
    shard1.push(ChunkBuilder{}.last());

    REQUIRE(run.merge(30, 30));
    CHECK(run.streams == 3);
    const std::vector<std::string> expected = {
        "segment:0@1", "segment:1@2", "segment:2@3", "end:1<-none", "end:2<-none", "capture_end:30",
    };
    CHECK(run.transcript.lines == expected);
}

TEST_CASE("EventMerger: a cancelled queue ends the run with false") {
    BoundedQueue<EventChunk> shard0(2);
    shard0.push(ChunkBuilder{}.started(1, 0).through(1));
    shard0.cancel();
    Transcript transcript;
    flow::TrackerObserver silent;
    flow::Tracker materializer(flow::TrackerOptions{}, silent);
    CaptureClock clock;
    BoundedQueue<EventChunk> spare0(2);
    EventMerger merger({&shard0}, {&spare0}, transcript, materializer, clock);
    CHECK_FALSE(merger.run());
}
