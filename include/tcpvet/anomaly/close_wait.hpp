// Stuck CLOSE-WAIT (the leaked-socket bug) and lingering FIN-WAIT-2, aggregated per endpoint.
#pragma once

#include <map>
#include <unordered_map>

#include "tcpvet/anomaly/detector.hpp"

namespace tcpvet::anomaly {

// A conversation where one side's FIN was acknowledged and the other side never sent a FIN (nor a
// RST) for longer than the threshold, from that FIN, measured to the capture's last packet (or the conversation's
// last, when the idle timeout ended it). The side that never closed sits in CLOSE-WAIT (close_wait,
// warning); the side that closed sits in FIN-WAIT-2 (fin_wait_2, info). Both are grouped: a
// responder by its endpoint (the server port), an originator by its address (ephemeral ports).
class CloseWaitDetector : public Detector {
public:
    static constexpr std::size_t k_max_groups = 65536;

    using Detector::Detector;
    void on_conversation_end(const flow::Conversation& conversation, std::int64_t capture_last_ns) override;
    void finish(std::int64_t capture_last_ns) override;

private:
    struct Group {
        flow::Endpoint endpoint{};  // port 0 for a group of originators
        std::uint64_t connections = 0;
        std::int64_t min_ns = 0;
        std::int64_t max_ns = 0;
        std::int64_t first_ns = 0;
        std::int64_t last_ns = 0;
        std::uint64_t data_after = 0;                             // connections where the stuck side still sent data
        std::uint64_t keepalives_after = 0;                       // connections with keep-alives after the FIN
        std::uint64_t timed_out = 0;                              // measured to an idle timeout, not the capture's end
        std::unordered_map<std::uint64_t, flow::Endpoint> peers;  // up to a few, for the text
        std::vector<std::uint32_t> sample;
    };
    void note(std::unordered_map<std::uint64_t, Group>& groups, const flow::Conversation& conversation, unsigned side,
              std::int64_t duration_ns, std::int64_t since_ns, std::int64_t until_ns);
    void raise_groups(std::unordered_map<std::uint64_t, Group>& groups, AnomalyKind kind);

    std::unordered_map<std::uint64_t, Group> m_close_wait;
    std::unordered_map<std::uint64_t, Group> m_fin_wait_2;
};

}  // namespace tcpvet::anomaly
