// SYN flood / half-open exhaustion per destination (address, port), and SYN cookies during a flood.
#pragma once

#include <array>
#include <memory>
#include <unordered_map>

#include "tcpvet/anomaly/detector.hpp"
#include "tcpvet/anomaly/distinct_counter.hpp"
#include "tcpvet/anomaly/lookahead_queue.hpp"

namespace tcpvet::anomaly {

// Raises syn_flood (warning, critical past syn_flood_critical_half_open) and syn_cookies (info).
// The sliding window is cut into k_slots slots of window/k_slots; new SYNs and completed handshakes
// are counted per slot in capture order, and the window's half-open figure is SYNs minus
// completions over the last k_slots slots. The exact half-open total and the distinct sources
// come from the attempts as they end (compact ones included).
class SynFloodDetector : public Detector {
public:
    static constexpr std::size_t k_slots = 10;
    static constexpr std::size_t k_max_destinations = 65536;
    static constexpr std::size_t k_exact_sources = std::size_t{1} << 20;  // then HyperLogLog, 2^14 registers
    // Sources wait this many attempts before they are added, their set slots prefetched meanwhile: the
    // exact set of a flood outgrows the caches, and a flood ends millions of attempts in a row.
    static constexpr std::size_t k_lookahead = 16;

    SynFloodDetector(const Thresholds& thresholds, AnomalySink& sink);

    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override;
    void on_conversation_end(const flow::Conversation& conversation, std::int64_t capture_last_ns) override;
    void on_half_open_end(const flow::HalfOpen& attempt) override;
    void finish(std::int64_t capture_last_ns) override;

private:
    struct Slot {
        std::int64_t index = -1;  // slot number since the epoch
        std::uint64_t syns = 0;
        std::uint64_t completed = 0;
    };
    struct Destination {
        flow::Endpoint endpoint{};
        std::array<Slot, k_slots> slots{};
        std::uint64_t syns = 0;  // new attempts (pure SYNs, retransmissions excluded)
        std::uint64_t syn_retransmissions = 0;
        std::uint64_t synacks = 0;
        std::uint64_t synack_retransmissions = 0;
        std::uint64_t resets = 0;  // RSTs sent by the destination
        std::uint64_t completed = 0;
        std::uint64_t refused = 0;  // attempts answered by RST (REJ)
        std::uint64_t half_open = 0;
        std::uint64_t half_open_answered = 0;  // got a SYN-ACK, never the third segment
        std::uint64_t peak_window_half_open = 0;
        std::uint64_t peak_window_syns = 0;
        std::int64_t peak_at_ns = 0;
        std::int64_t first_ns = 0;
        std::int64_t last_ns = 0;
        std::unique_ptr<DistinctCounter> sources;  // of half-open attempts
        std::array<std::uint32_t, Anomaly::k_max_stream_sample> sample{};
    };

    Destination* find(const flow::Endpoint& endpoint, bool create);
    void note_slot(Destination& destination, std::int64_t ts_ns, bool completion);
    void count_half_open(Destination& destination, const IpAddress& source, std::uint32_t stream, bool answered,
                         std::int64_t first_ns, std::int64_t last_ns);

    // A source waiting in the look-ahead ring.
    struct PendingSource {
        DistinctCounter* counter = nullptr;  // a Destination's (map nodes and counters never move)
        std::uint64_t key = 0;
    };

    std::int64_t m_slot_ns;
    std::unordered_map<std::uint64_t, Destination> m_destinations;
    // The destination found last: a flood looks up the same one millions of times.
    std::uint64_t m_last_key = 0;
    Destination* m_last = nullptr;
    LookaheadQueue<PendingSource, k_lookahead> m_pending;
    std::uint64_t m_destinations_dropped = 0;
};

}  // namespace tcpvet::anomaly
