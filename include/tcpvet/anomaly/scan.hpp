// Scans: one source whose connection attempts fail (REJ / S0) on many ports of a host or many hosts of a port.
#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include "tcpvet/anomaly/detector.hpp"
#include "tcpvet/anomaly/distinct_counter.hpp"

namespace tcpvet::anomaly {

// Counts failed attempts (the originator's SYN seen, the handshake never completed) over the whole
// capture: per (source address, destination address) the distinct destination ports (port_scan),
// per (source address, destination port) the distinct destination addresses (host_scan).
class ScanDetector : public Detector {
public:
    static constexpr std::size_t k_max_keys = 65536;      // per table; further pairs are not tracked
    static constexpr std::size_t k_exact_targets = 4096;  // then HyperLogLog, 2^12 registers

    using Detector::Detector;
    void on_conversation_end(const flow::Conversation& conversation, std::int64_t capture_last_ns) override;
    void on_half_open_end(const flow::HalfOpen& attempt) override;
    void finish(std::int64_t capture_last_ns) override;

private:
    struct Probe {
        flow::Endpoint source{};  // port 0
        flow::Endpoint target{};  // port_scan: the host (port 0); host_scan: the port (no address)
        std::uint64_t attempts = 0;
        std::uint64_t refused = 0;  // answered by RST
        std::int64_t first_ns = 0;
        std::int64_t last_ns = 0;
        // Most probe keys in a spoofed flood see one target only: the counter is made at the second.
        std::uint64_t first_target = 0;
        std::unique_ptr<DistinctCounter> targets;
        std::vector<std::uint32_t> sample;

        void add_target(std::uint64_t key);
        [[nodiscard]] std::uint64_t distinct_targets() const noexcept;
    };
    void attempt(const flow::Endpoint& client, const flow::Endpoint& server, std::uint32_t stream, bool refused,
                 std::int64_t first_ns, std::int64_t last_ns);
    void raise_table(std::unordered_map<std::uint64_t, Probe>& table, AnomalyKind kind, double threshold);

    std::unordered_map<std::uint64_t, Probe> m_by_host;  // port_scan
    std::unordered_map<std::uint64_t, Probe> m_by_port;  // host_scan
};

}  // namespace tcpvet::anomaly
