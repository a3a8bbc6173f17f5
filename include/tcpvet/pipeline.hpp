// The one-way pipeline: capture -> decode -> count -> track. Reporters observe; they never analyse.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "tcpvet/capture/capture_stats.hpp"
#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/flow/tracker.hpp"

namespace tcpvet {

struct PipelineOptions {
    flow::TrackerOptions tracker{};
    bool progress_bar = false;         // draw the stderr progress line (caller checked TTY and --quiet)
    std::uint64_t max_packets = 0;     // stop after this many frames (0: no limit)
    std::int64_t max_duration_ns = 0;  // live: stop after this much wall time (0: no limit)
    // Tracking shards (--threads). Above 1, files are read by one thread and tracked by this many,
    // for the same output; live captures, per-frame observers and payload bytes stay on one thread.
    unsigned threads = 1;
};

// Called once per frame after decoding, before tracking (e.g. for per-frame output of non-TCP
// frames or live status lines). Optional.
class FrameObserver {
public:
    virtual ~FrameObserver() = default;
    virtual void on_frame(const DecodedPacket& packet) = 0;
};

struct PipelineResult {
    capture::CaptureStats capture{};
    flow::TrackerStats tracker{};
    capture::LiveDropStats live{};
    std::uint32_t streams = 0;
    bool failed = false;
    bool interrupted = false;
    std::string error;  // one line: file and packet number or byte offset
};

// Reads `source` to its end (or error, interrupt, limit), then ends every conversation.
// The observer is called on the calling thread, in capture order, whatever options.threads says.
// Whatever was read before an input error is still tracked and reported.
PipelineResult run_pipeline(capture::PacketSource& source, const PipelineOptions& options,
                            flow::TrackerObserver& observer, FrameObserver* frames = nullptr,
                            const std::atomic<bool>* stop = nullptr);

}  // namespace tcpvet
