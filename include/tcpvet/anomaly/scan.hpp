// Scans: one source whose connection attempts fail (REJ / S0) on many ports of a host or many hosts of a port.
#pragma once

#include <memory>
#include <vector>

#include "tcpvet/anomaly/detector.hpp"
#include "tcpvet/anomaly/distinct_counter.hpp"
#include "tcpvet/anomaly/flat_key_map.hpp"
#include "tcpvet/anomaly/lookahead_queue.hpp"

namespace tcpvet::anomaly {

// Counts failed attempts (the originator's SYN seen, the handshake never completed) over the whole
// capture: per (source address, destination address) the distinct destination ports (port_scan),
// per (source address, destination port) the distinct destination addresses (host_scan).
class ScanDetector : public Detector {
public:
    static constexpr std::size_t k_max_keys = 65536;      // per table; further pairs are not tracked
    static constexpr std::size_t k_exact_targets = 4096;  // then HyperLogLog, 2^12 registers
    // Attempts wait this many calls before they are counted, their table slots prefetched meanwhile:
    // a flood ends millions of attempts in a row, each a cache miss in both tables otherwise.
    static constexpr std::size_t k_lookahead = 16;

    using Detector::Detector;
    void on_conversation_end(const flow::Conversation& conversation, std::int64_t capture_last_ns) override;
    void on_half_open_end(const flow::HalfOpen& attempt) override;
    void finish(std::int64_t capture_last_ns) override;

private:
    // What every attempt updates, in the table's record array at its key's slot.
    struct Counts {
        // Most probe keys in a spoofed flood see one target only: the counter is made at the second.
        std::uint64_t first_target = 0;
        std::uint64_t attempts = 0;
        std::uint64_t refused = 0;  // answered by RST
        std::int64_t first_ns = 0;
        std::int64_t last_ns = 0;
        std::uint32_t detail = 0;  // index in Table::details
        bool counting = false;     // Table::details[detail].targets exists
    };
    // Written when the key is new (and once it has a second target); read for the report.
    struct Detail {
        flow::Endpoint source{};  // port 0
        flow::Endpoint target{};  // port_scan: the host (port 0); host_scan: the port (no address)
        std::unique_ptr<DistinctCounter> targets;
    };
    // One of a key's first min(attempts, 10) streams, the report's sample. They go to one log,
    // appended in the order counted, rather than into each key's Detail: a flood counts millions
    // of attempts across 65,536 keys, and a write into the key's Detail was a cache miss each time
    // (~0.1 s of a 2M-SYN flood). At most 10 per key, so the log is bounded with the table:
    // 655,360 entries (5 MiB; up to twice that while the vector doubles).
    struct SampleEntry {
        std::uint32_t detail = 0;
        std::uint32_t stream = 0;
    };
    struct Table {
        FlatKeyMap<Counts> counts;
        std::vector<Detail> details;  // in the order keys were first seen
        std::vector<SampleEntry> samples;
    };
    // An attempt waiting in the look-ahead ring.
    struct Pending {
        std::uint64_t host_key = 0;    // m_by_host key: (source address, destination address)
        std::uint64_t port_key = 0;    // m_by_port key: (source address, destination port)
        std::uint64_t server_key = 0;  // address_key of the server: host_scan's target
        flow::Endpoint client{};
        flow::Endpoint server{};
        std::uint32_t stream = 0;
        bool refused = false;
        std::int64_t first_ns = 0;
        std::int64_t last_ns = 0;
    };

    void attempt(const flow::Endpoint& client, const flow::Endpoint& server, std::uint32_t stream, bool refused,
                 std::int64_t first_ns, std::int64_t last_ns);
    void count_pending(const Pending& attempt);
    void count(Table& table, const Pending& attempt, std::uint64_t key, const flow::Endpoint& target,
               std::uint64_t target_key);
    void raise_table(Table& table, AnomalyKind kind, double threshold);

    Table m_by_host;  // port_scan
    Table m_by_port;  // host_scan
    LookaheadQueue<Pending, k_lookahead> m_pending;
};

}  // namespace tcpvet::anomaly
