// The interface every anomaly detector implements; the engine feeds all of them the tracker's events.
#pragma once

#include <cstdint>

#include "tcpvet/anomaly/anomaly.hpp"
#include "tcpvet/anomaly/thresholds.hpp"
#include "tcpvet/flow/tracker.hpp"

namespace tcpvet::anomaly {

class Detector {
public:
    Detector(const Thresholds& thresholds, AnomalySink& sink) : m_thresholds(thresholds), m_sink(sink) {}
    virtual ~Detector() = default;
    Detector(const Detector&) = delete;
    Detector& operator=(const Detector&) = delete;

    // Every TCP segment, in capture order. Hot path: no allocation, no strings; hash work only
    // for the rare segments (SYN, SYN-ACK, RST, flag violations).
    virtual void on_segment(const DecodedPacket& /*packet*/, const flow::SegmentInfo& /*info*/) {}
    // A finished, judged conversation; `capture_last_ns` is the capture's newest packet time once
    // the capture has ended (conversations ended with reason end_of_capture), 0 before.
    virtual void on_conversation_end(const flow::Conversation& /*conversation*/, std::int64_t /*capture_last_ns*/) {}
    // A never-completed compact attempt that was not rebuilt as a conversation.
    virtual void on_half_open_end(const flow::HalfOpen& /*attempt*/) {}
    // End of input: raise what aggregates over the capture.
    virtual void finish(std::int64_t /*capture_last_ns*/) {}

protected:
    const Thresholds& m_thresholds;
    AnomalySink& m_sink;
};

}  // namespace tcpvet::anomaly
