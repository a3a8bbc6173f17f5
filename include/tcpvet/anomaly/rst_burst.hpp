// Bursts of RST segments: at least rst_burst_count RSTs within rst_burst_window_seconds, capture-wide.
#pragma once

#include <vector>

#include "tcpvet/anomaly/detector.hpp"
#include "tcpvet/anomaly/distinct_counter.hpp"

namespace tcpvet::anomaly {

// A ring of the last rst_burst_count RST times (sized once): a burst starts when the ring spans at
// most the window and lasts while every new RST keeps it so. One anomaly per burst, raised when it ends.
class RstBurstDetector : public Detector {
public:
    static constexpr std::size_t k_max_ring = 1'000'000;

    RstBurstDetector(const Thresholds& thresholds, AnomalySink& sink);
    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override;
    void finish(std::int64_t capture_last_ns) override;

private:
    void end_burst();

    struct Entry {
        std::int64_t ts_ns = 0;
        std::uint64_t sender = 0;
        std::uint32_t stream = 0;
    };
    std::vector<Entry> m_ring;
    std::size_t m_head = 0;  // next write position = oldest entry once full
    std::size_t m_filled = 0;
    std::int64_t m_window_ns;

    bool m_in_burst = false;
    std::int64_t m_first_ns = 0;
    std::int64_t m_last_ns = 0;
    std::uint64_t m_rsts = 0;
    DistinctCounter m_senders{4096, 12};
    DistinctCounter m_streams{4096, 12};
    std::vector<flow::Endpoint> m_sender_sample;  // reserved: no allocation per RST
    std::vector<std::uint32_t> m_sample;
};

}  // namespace tcpvet::anomaly
