// IP fragment reassembly (IPv4 RFC 791 §3.2, IPv6 RFC 8200 §4.5): bounded, counted, capture-time aged.
#pragma once

#include <cstdint>
#include <vector>

#include "tcpvet/packet.hpp"

namespace tcpvet::decode {

// One fragment as an IP decoder found it. `data` views the captured fragment payload.
struct IpFragment {
    IpAddress src{};
    IpAddress dst{};
    std::uint32_t id = 0;       // IPv4: the 16-bit identification; IPv6: the Fragment header's 32 bits
    std::uint8_t protocol = 0;  // IPv4: the protocol field; IPv6: the Fragment header's next header
    std::uint8_t version = 0;
    std::uint32_t offset = 0;  // in bytes
    bool more = false;         // the MF / M flag
    Bytes data{};
    std::uint32_t claimed = 0;  // payload length the IP header claims for this fragment
};

// The bounds on what is held. Every one that is hit is counted in ReassemblyStats.
struct ReassemblyLimits {
    std::uint32_t max_datagram_bytes = 65535;  // reassembled payload, the most an IP length can say
    std::uint32_t max_fragments = 256;         // per datagram (Wireshark has none; FreeBSD 16)
    std::uint32_t max_datagrams = 1024;        // held at once; the oldest is evicted for a new one
    std::uint64_t max_bytes = 16U << 20U;      // buffered across all datagrams; the oldest are evicted
    // Capture time after a datagram's first fragment when it is given up (Linux's ipfrag_time).
    std::int64_t timeout_ns = 30'000'000'000;
};

// What reassembly did over a capture; reported with the capture counters.
struct ReassemblyStats {
    std::uint64_t reassembled = 0;           // datagrams completed (each decoded in its last frame)
    std::uint64_t incomplete = 0;            // datagrams still missing fragments when the capture ended
    std::uint64_t incomplete_fragments = 0;  // fragments those held
    std::uint64_t overlaps = 0;              // fragments overlapping earlier ones with the same bytes
    std::uint64_t conflicting_overlaps = 0;  // overlaps with different bytes, or contradicting ends (teardrop)
    std::uint64_t tiny_first_fragments = 0;  // a TCP first fragment too short for the TCP header (RFC 1858)
    std::uint64_t truncated_fragments = 0;   // cut by the snap length: cannot be added
    std::uint64_t timed_out = 0;             // datagrams given up after timeout_ns
    std::uint64_t too_large = 0;             // fragments ending past max_datagram_bytes (ping of death)
    std::uint64_t too_many_fragments = 0;    // datagrams dropped at max_fragments
    std::uint64_t evicted_datagram_cap = 0;  // datagrams evicted at max_datagrams
    std::uint64_t evicted_memory_cap = 0;    // datagrams evicted at max_bytes
    std::uint64_t peak_bytes = 0;            // most bytes buffered at once
};

enum class FragmentOutcome : std::uint8_t {
    held,       // kept until its datagram completes
    completed,  // this fragment completed its datagram
    dropped,    // not kept (too large, contradicting, over a cap); counted
    not_whole,  // cut by the snap length, so never added (counted): decoded alone, as tshark does
};

class IpReassembler {
public:
    explicit IpReassembler(ReassemblyLimits limits = {}) noexcept;

    // Adds a fragment of frame `frame` seen at `ts_ns`. On `completed`, `datagram` views the whole
    // upper-layer payload; the view lives until a fragment of a later frame is added.
    FragmentOutcome add(const IpFragment& fragment, std::uint64_t frame, std::int64_t ts_ns, Bytes& datagram);
    // At the end of the capture: counts the datagrams never completed, and drops them.
    void finish() noexcept;

    [[nodiscard]] const ReassemblyStats& stats() const noexcept { return m_stats; }
    [[nodiscard]] const ReassemblyLimits& limits() const noexcept { return m_limits; }

private:
    struct Range {
        std::uint32_t begin = 0;
        std::uint32_t end = 0;
    };
    struct Datagram {
        IpFragment key{};  // addresses, id, protocol, version; the rest unused
        std::uint64_t hash = 0;
        std::int64_t first_ts_ns = 0;
        std::uint64_t arrival = 0;        // order of creation, for evicting the oldest
        std::uint64_t completed_in = 0;   // the frame that completed it (its view lives until then)
        std::vector<std::byte> buffer{};  // the payload at its offsets
        std::vector<Range> ranges{};      // received bytes, sorted and coalesced
        std::uint32_t total = 0;          // payload length, known once the last fragment arrived
        std::uint32_t fragments = 0;
        bool has_total = false;
        bool active = false;
        bool completed = false;
    };

    [[nodiscard]] Datagram* find(const IpFragment& fragment, std::uint64_t hash) noexcept;
    Datagram* create(const IpFragment& fragment, std::uint64_t hash, std::int64_t ts_ns);
    void release_completed(std::uint64_t frame) noexcept;
    void expire(std::int64_t ts_ns) noexcept;
    // Evicts the oldest datagram still being filled, other than `keep`; false when there is none.
    bool evict_oldest(std::uint64_t& counter, const Datagram* keep) noexcept;
    void release(Datagram& datagram) noexcept;
    // Copies the fragment into the holes it fills; false when it contradicts what the datagram holds.
    bool merge(Datagram& datagram, std::uint32_t begin, Bytes data);
    [[nodiscard]] static bool complete(const Datagram& datagram) noexcept;

    ReassemblyLimits m_limits;
    ReassemblyStats m_stats{};
    std::vector<Datagram> m_slots;
    std::uint64_t m_active = 0;
    std::uint64_t m_bytes = 0;
    std::uint64_t m_arrivals = 0;
    bool m_completed_pending = false;
    std::int64_t m_earliest_ts_ns = 0;  // lower bound on the first_ts_ns of active datagrams
};

}  // namespace tcpvet::decode
