// The one-way pipeline: capture -> decode -> count -> track. Reporters observe; they never analyse.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "tcpvet/capture/capture_stats.hpp"
#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/encapsulation_table.hpp"
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
    // --tunnel-key: conversations in different encapsulations (VNI, key, label, TEID, outer
    // addresses) stay apart even with equal inner 5-tuples; off, streams are Wireshark's tcp.stream.
    bool key_by_tunnel = false;
    // Where tunnelled conversations' encapsulations are stored; shared so that it outlives the run
    // for as long as any report still reads a conversation.
    std::shared_ptr<EncapsulationTable> encapsulations = std::make_shared<EncapsulationTable>();
    // Reassemble IP fragments before tracking (tshark's ip.defragment, on by default); false
    // analyses each fragment alone, as `tshark -o ip.defragment:FALSE` does.
    bool ip_reassembly = true;
    // Set to the first frame's time as soon as it is read, before any conversation ends (--select's
    // `time` in seconds from the first frame). Optional.
    std::atomic<std::int64_t>* first_frame_ns = nullptr;
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
    std::shared_ptr<const EncapsulationTable> encapsulations;  // the table the conversations point into
    bool failed = false;
    bool interrupted = false;
    std::string error;  // one line per failed input (merged inputs may fail apart): file and packet or byte offset
};

// Reads `source` to its end (or error, interrupt, limit), then ends every conversation.
// The observer is called on the calling thread, in capture order, whatever options.threads says.
// Whatever was read before an input error is still tracked and reported.
PipelineResult run_pipeline(capture::PacketSource& source, const PipelineOptions& options,
                            flow::TrackerObserver& observer, FrameObserver* frames = nullptr,
                            const std::atomic<bool>* stop = nullptr);

}  // namespace tcpvet
