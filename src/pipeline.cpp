// The read loop on one thread: read, decode, count, track. Reporters observe; they never analyse.
#include "tcpvet/pipeline.hpp"

#include <array>

#include "tcpvet/frame_reader.hpp"
#include "tcpvet/parallel/sharded_pipeline.hpp"

namespace tcpvet {
namespace {

// Reads one packet ahead, so that its flow-table slot loads while the packet before is tracked:
// with millions of flows (a flood) nearly every lookup misses the cache. Only where no one reads
// payload bytes: the next read reuses the buffer the earlier packet's payload pointed into.
void track_one_ahead(FrameReader& reader, flow::Tracker& tracker) {
    std::array<DecodedPacket, 2> packets;
    std::size_t current = 0;
    if (!reader.next(packets[current])) return;
    for (;;) {
        DecodedPacket& packet = packets[current];
        packet.payload = {};  // the next read reuses the buffer it pointed into
        DecodedPacket& next = packets[current ^ 1U];
        const bool more = reader.next(next);
        if (more && next.cls == PacketClass::tcp) tracker.prefetch(next);
        if (packet.cls == PacketClass::tcp) tracker.process(packet);
        if (!more) return;
        current ^= 1U;
    }
}

}  // namespace

PipelineResult run_pipeline(capture::PacketSource& source, const PipelineOptions& options,
                            flow::TrackerObserver& observer, FrameObserver* frames, const std::atomic<bool>* stop) {
    // Packets may be read ahead (one thread) or handed to other threads only when no one reads
    // their bytes: neither a frame observer nor payload reassembly.
    const bool bytes_unread = frames == nullptr && !options.tracker.stream_bytes;
    if (options.threads > 1 && bytes_unread && !source.is_live()) {
        return parallel::run_sharded_pipeline(source, options, observer, stop);
    }
    PipelineResult result;
    flow::Tracker tracker(options.tracker, observer);
    FrameReader reader(source, options, stop);
    if (bytes_unread) {
        track_one_ahead(reader, tracker);
    } else {
        DecodedPacket packet;
        while (reader.next(packet)) {
            if (frames != nullptr) frames->on_frame(packet);
            if (packet.cls == PacketClass::tcp) tracker.process(packet);
        }
    }
    reader.conclude(result);
    tracker.finish(reader.end_ns());
    result.tracker = tracker.stats();
    result.streams = tracker.streams();
    return result;
}

}  // namespace tcpvet
