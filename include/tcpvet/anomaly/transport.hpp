// Transport trouble: zero-window stalls, high retransmission rates, handshake-RTT outliers.
#pragma once

#include <unordered_map>
#include <vector>

#include "tcpvet/anomaly/detector.hpp"

namespace tcpvet::anomaly {

// zero_window_stall: a side advertised window 0 (tcp.analysis.zero_window) and did not open it again
//   for zero_window_stall_seconds; one anomaly per conversation, raised when it ends.
// high_retransmission_rate: per conversation and direction, tcp.analysis.retransmission frames over
//   the frames that side sent, once it sent retransmission_min_packets.
// rtt_outlier: per server endpoint, conversations whose initial RTT (tcp.analysis.initial_rtt) is
//   over rtt_outlier_factor times the median and over rtt_outlier_min_ms; one anomaly per server.
class TransportDetector : public Detector {
public:
    static constexpr std::size_t k_max_open_stalls = 65536;
    static constexpr std::size_t k_max_rtt_samples = 262144;

    using Detector::Detector;
    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override;
    void on_conversation_end(const flow::Conversation& conversation, std::int64_t capture_last_ns) override;
    void finish(std::int64_t capture_last_ns) override;

private:
    struct Stalls {
        std::array<std::int64_t, 2> open_since{flow::k_no_time, flow::k_no_time};  // per side
        std::array<std::uint64_t, 2> over{};                                       // stalls over the threshold
        std::array<std::int64_t, 2> longest_ns{};
        std::array<std::int64_t, 2> first_ns{flow::k_no_time, flow::k_no_time};
        std::array<std::int64_t, 2> last_ns{};
    };
    struct RttSample {
        std::int64_t rtt_ns;
        std::int64_t ts_ns;  // the conversation's first packet
        std::uint32_t stream;
        flow::Endpoint client;
    };
    struct Server {
        flow::Endpoint endpoint{};
        std::vector<RttSample> samples;
    };
    void close_stall(Stalls& stalls, unsigned side, std::int64_t now_ns);
    void check_stalls(const flow::Conversation& conversation, std::int64_t capture_last_ns);
    void check_retransmissions(const flow::Conversation& conversation);

    std::unordered_map<std::uint32_t, Stalls> m_stalls;  // by stream
    std::unordered_map<std::uint64_t, Server> m_servers;
    std::size_t m_rtt_samples = 0;
};

}  // namespace tcpvet::anomaly
