// Protocol violations: invalid flag combinations, data on SYN, urgent pointer without URG, data after
// RST, segments far outside the receiver's window, ISN reuse on a reused 5-tuple.
#pragma once

#include <array>
#include <deque>
#include <unordered_map>
#include <vector>

#include "tcpvet/anomaly/detector.hpp"
#include "tcpvet/anomaly/distinct_counter.hpp"

namespace tcpvet::anomaly {

// Each kind is tallied over the whole capture and raised once at the end with the count, the
// conversations involved (a sample of 10) and the first senders; per-segment checks use only fixed
// arrays (no allocation). data_on_syn and data_after_rst come from the tracker's findings
// (data_after_rst only for payload from the side that sent the RST: the peer's may have been in flight).
class ViolationDetector : public Detector {
public:
    static constexpr std::size_t k_max_remembered = 65536;  // ended conversations kept for isn_reuse

    ViolationDetector(const Thresholds& thresholds, AnomalySink& sink);
    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override;
    void on_conversation_end(const flow::Conversation& conversation, std::int64_t capture_last_ns) override;
    void finish(std::int64_t capture_last_ns) override;

    // invalid_flags variants, in evidence order.
    enum class FlagVariant : std::uint8_t { syn_fin, syn_rst, null, fin_psh_urg, fin_without_ack, data_without_ack };
    static constexpr std::size_t k_variants = 6;

private:
    static constexpr std::size_t k_kinds = 6;
    static constexpr std::size_t k_max_senders = 4;
    struct Tally {
        std::uint64_t segments = 0;
        std::int64_t first_ns = 0;
        std::int64_t last_ns = 0;
        std::uint64_t first_frame = 0;
        DistinctCounter conversations{1U << 20, 12};
        std::array<std::uint32_t, Anomaly::k_max_stream_sample> sample{};
        std::size_t sampled = 0;
        std::array<flow::Endpoint, k_max_senders> senders{};
        std::size_t sender_count = 0;
        std::array<std::uint64_t, k_variants> variants{};
        std::uint64_t figure = 0;                // out_of_window: largest distance from rcv.nxt in bytes
        std::array<std::uint32_t, 4> example{};  // isn_reuse: old stream, new ISN, old ISN, old next seq
    };
    // The part of an ended conversation isn_reuse compares a new SYN with.
    struct Remembered {
        flow::Endpoint originator{};
        std::array<bool, 2> isn_known{};
        std::array<std::uint32_t, 2> isn{};
        std::array<std::uint32_t, 2> next_seq{};
        std::uint32_t stream = 0;
    };
    struct KeyHash {
        std::size_t operator()(const flow::FlowKey& key) const noexcept {
            return static_cast<std::size_t>(flow::hash_flow_key(key));
        }
    };

    Tally& tally(AnomalyKind kind);
    void count(AnomalyKind kind, std::int64_t ts_ns, std::uint64_t frame, std::uint32_t stream,
               const flow::Endpoint& sender);
    void check_flags(const DecodedPacket& packet, const flow::SegmentInfo& info);
    void check_window(const DecodedPacket& packet, const flow::SegmentInfo& info);
    void check_isn_reuse(const DecodedPacket& packet, const flow::SegmentInfo& info, const flow::FlowKey& key);

    std::array<Tally, k_kinds> m_tallies;
    // m_ended's keys per bucket of their 4-tuple, and a bit per bucket that is not empty (8 KiB: stays
    // cached): a SYN whose bucket is empty is looked up no further (a flood reuses a million
    // 4-tuples, next to few that ended as conversations).
    static constexpr unsigned k_bucket_bits = 16;
    [[nodiscard]] static std::size_t bucket(const flow::FlowKey& key) noexcept;
    void forget_oldest();
    [[nodiscard]] bool bucket_used(std::size_t index) const noexcept {
        return ((m_bucket_used[index / 64] >> (index % 64)) & 1U) != 0;
    }

    std::unordered_map<flow::FlowKey, Remembered, KeyHash> m_ended;
    std::deque<flow::FlowKey> m_ended_order;
    std::vector<std::uint32_t> m_ended_per_bucket;
    std::vector<std::uint64_t> m_bucket_used;
};

}  // namespace tcpvet::anomaly
