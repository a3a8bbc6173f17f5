// The read loop. Per packet: decode into a reused DecodedPacket, count, track; nothing is formatted here.
#include "tcpvet/pipeline.hpp"

#include <chrono>
#include <limits>

#include "tcpvet/capture/progress.hpp"
#include "tcpvet/decode/dispatch.hpp"

namespace tcpvet {

PipelineResult run_pipeline(capture::PacketSource& source, const PipelineOptions& options,
                            flow::TrackerObserver& observer, FrameObserver* frames, const std::atomic<bool>* stop) {
    PipelineResult result;
    flow::Tracker tracker(options.tracker, observer);
    capture::ProgressBar progress(source, options.progress_bar);
    const auto started = std::chrono::steady_clock::now();

    capture::RawFrame raw;
    DecodedPacket packet;
    while (source.next(raw)) {
        packet = DecodedPacket{};
        packet.frame = raw.frame;
        packet.ts_ns = raw.ts_ns;
        packet.caplen = raw.caplen;
        packet.wire_len = raw.wire_len;
        packet.link_type = raw.link_type;
        decode::decode_frame(raw.link_type, raw.data, raw.wire_len, packet);
        result.capture.count(packet);
        if (frames != nullptr) frames->on_frame(packet);
        if (packet.cls == PacketClass::tcp) tracker.process(packet);
        progress.tick(result.capture.packets);

        if (options.max_packets != 0 && result.capture.packets >= options.max_packets) break;
        if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
            result.interrupted = true;
            break;
        }
        if (options.max_duration_ns != 0 && (result.capture.packets & 63U) == 0 &&
            std::chrono::steady_clock::now() - started >= std::chrono::nanoseconds(options.max_duration_ns)) {
            break;
        }
    }
    progress.finish();
    if (source.failed()) {
        result.failed = true;
        result.error = source.error();
    }
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) result.interrupted = true;
    // A live capture ends now, not at its last packet: a connection silent since then has been
    // silent until now (what a CLOSE-WAIT threshold measures).
    std::int64_t end_ns = std::numeric_limits<std::int64_t>::min();
    if (source.is_live()) {
        end_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    }
    tracker.finish(end_ns);
    result.tracker = tracker.stats();
    result.streams = tracker.streams();
    result.live = source.live_drop_stats();
    return result;
}

}  // namespace tcpvet
