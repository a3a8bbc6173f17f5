// One raised anomaly: what, how bad, when, who, which conversations, the figures behind it, one line of text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tcpvet/anomaly/registry.hpp"
#include "tcpvet/flow/flow_key.hpp"

namespace tcpvet::anomaly {

// One named figure. Integral figures stay integers in JSON.
struct Evidence {
    std::string name;
    double value = 0;
    bool integral = true;
};

struct Anomaly {
    static constexpr std::size_t k_max_stream_sample = 10;

    AnomalyKind kind{};
    Severity severity = Severity::info;
    std::int64_t first_ns = 0;  // time window the evidence covers
    std::int64_t last_ns = 0;
    std::vector<flow::Endpoint> endpoints;  // the endpoints involved, most important first
    std::uint64_t stream_count = 0;         // conversations involved (may exceed the sample)
    std::vector<std::uint32_t> streams;     // up to k_max_stream_sample tcp.stream indexes
    std::vector<Evidence> evidence;         // in report order
    std::string text;                       // one line with the numbers

    void add(std::string_view figure, std::uint64_t value) {
        evidence.push_back(Evidence{std::string(figure), static_cast<double>(value), true});
    }
    void add_real(std::string_view figure, double value) {
        evidence.push_back(Evidence{std::string(figure), value, false});
    }
    // Counts a conversation and keeps it in the sample while there is room.
    void note_stream(std::uint32_t stream) {
        ++stream_count;
        if (streams.size() < k_max_stream_sample) streams.push_back(stream);
    }
    [[nodiscard]] const Evidence* find(std::string_view figure) const noexcept {
        for (const Evidence& item : evidence) {
            if (item.name == figure) return &item;
        }
        return nullptr;
    }
};

// Receives anomalies as detectors raise them (the engine stores and forwards them).
class AnomalySink {
public:
    virtual ~AnomalySink() = default;
    virtual void raise(Anomaly anomaly) = 0;
};

}  // namespace tcpvet::anomaly
