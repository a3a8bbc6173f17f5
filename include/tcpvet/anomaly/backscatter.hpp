// Backscatter: SYN-ACKs answering SYNs that were never seen, per SYN-ACK sender.
#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include "tcpvet/anomaly/detector.hpp"
#include "tcpvet/anomaly/distinct_counter.hpp"

namespace tcpvet::anomaly {

// A conversation that starts with a SYN-ACK and where the other side never sent a SYN: a server
// answering a SYN whose source was spoofed with an address whose traffic we capture. One such
// conversation is a capture that started mid-handshake; backscatter_synacks of them from one sender is not.
class BackscatterDetector : public Detector {
public:
    static constexpr std::size_t k_max_senders = 65536;

    using Detector::Detector;
    void on_conversation_end(const flow::Conversation& conversation, std::int64_t capture_last_ns) override;
    void finish(std::int64_t capture_last_ns) override;

private:
    struct Sender {
        flow::Endpoint endpoint{};
        std::uint64_t conversations = 0;
        std::uint64_t synacks = 0;
        std::uint64_t answered_rst = 0;  // the spoofed address answered with RST
        std::int64_t first_ns = 0;
        std::int64_t last_ns = 0;
        std::unique_ptr<DistinctCounter> receivers;
        std::vector<std::uint32_t> sample;
    };
    std::unordered_map<std::uint64_t, Sender> m_senders;
};

}  // namespace tcpvet::anomaly
