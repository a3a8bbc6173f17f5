// The first stage of every pipeline: read a frame, decode it, count it, honour the limits.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "tcpvet/capture/capture_stats.hpp"
#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/capture/progress.hpp"
#include "tcpvet/decode/ip_reassembler.hpp"
#include "tcpvet/pipeline.hpp"

namespace tcpvet {

class FrameReader {
public:
    FrameReader(capture::PacketSource& source, const PipelineOptions& options, const std::atomic<bool>* stop);

    // Decodes the next frame into `packet` (no field survives from the last frame).
    // False at the end of input, on an input error, an interrupt or a limit.
    bool next(DecodedPacket& packet);
    // After next() said false: the capture counters, the input error, the interrupt, live drops.
    void conclude(PipelineResult& result);
    // When the capture ended: a live capture's wall-clock stop time, else the lowest time (none).
    [[nodiscard]] std::int64_t end_ns() const;

private:
    void record_encapsulation(DecodedPacket& packet);

    capture::PacketSource& m_source;
    const PipelineOptions& m_options;
    const std::atomic<bool>* m_stop;
    capture::ProgressBar m_progress;
    capture::CaptureStats m_stats{};
    capture::RawFrame m_raw{};
    decode::Encapsulation m_layers{};  // the frame's encapsulations, as decode_frame found them
    std::chrono::steady_clock::time_point m_started;
    bool m_interrupted = false;
    // Fragments are reassembled here, before any routing by flow: every thread sees whole segments.
    decode::IpReassembler m_reassembler;
    decode::IpReassembler* m_reassembly;  // &m_reassembler, or null with --no-ip-reassembly
};

}  // namespace tcpvet
