// The read loop on one thread: read, decode, count, track. Reporters observe; they never analyse.
#include "tcpvet/pipeline.hpp"

#include "tcpvet/frame_reader.hpp"
#include "tcpvet/parallel/sharded_pipeline.hpp"

namespace tcpvet {

PipelineResult run_pipeline(capture::PacketSource& source, const PipelineOptions& options,
                            flow::TrackerObserver& observer, FrameObserver* frames, const std::atomic<bool>* stop) {
    if (options.threads > 1 && frames == nullptr && !options.tracker.stream_bytes && !source.is_live()) {
        return parallel::run_sharded_pipeline(source, options, observer, stop);
    }
    PipelineResult result;
    flow::Tracker tracker(options.tracker, observer);
    FrameReader reader(source, options, stop);
    DecodedPacket packet;
    while (reader.next(packet)) {
        if (frames != nullptr) frames->on_frame(packet);
        if (packet.cls == PacketClass::tcp) tracker.process(packet);
    }
    reader.conclude(result);
    tracker.finish(reader.end_ns());
    result.tracker = tracker.stats();
    result.streams = tracker.streams();
    return result;
}

}  // namespace tcpvet
