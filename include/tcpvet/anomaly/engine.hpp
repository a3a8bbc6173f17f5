// The anomaly engine: a tracker observer that runs every detector and collects what they raise.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "tcpvet/anomaly/anomaly.hpp"
#include "tcpvet/anomaly/detector.hpp"
#include "tcpvet/anomaly/thresholds.hpp"
#include "tcpvet/flow/tracker.hpp"

namespace tcpvet::anomaly {

class AnomalyEngine : public flow::TrackerObserver, private AnomalySink {
public:
    using Callback = std::function<void(const Anomaly&)>;

    // `on_raise` (optional) sees each anomaly the moment it is raised (NDJSON streams it).
    explicit AnomalyEngine(const Thresholds& thresholds, Callback on_raise = {});
    ~AnomalyEngine() override;

    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override;
    [[nodiscard]] bool wants_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) const override;
    void on_conversation_end(const flow::Conversation& conversation) override;
    void on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) override;
    // The newest packet time (or a live capture's stop time): what "until the end" measures to.
    void on_capture_end(std::int64_t end_ns) override {
        if (end_ns > m_last_ns) m_last_ns = end_ns;
    }
    // Half-open attempts are read in their compact form: floods stay cheap.
    bool wants_half_open_conversation() override { return false; }

    // Call once after the pipeline ended: aggregates are raised. Idempotent.
    void finish();

    [[nodiscard]] const Thresholds& thresholds() const noexcept { return m_thresholds; }
    // Raised so far, sorted by kind then severity (most severe first) after finish().
    [[nodiscard]] const std::vector<Anomaly>& anomalies() const noexcept { return m_anomalies; }
    // Whether any anomaly is at or above `level`.
    [[nodiscard]] bool any_at_least(Severity level) const noexcept;

private:
    void raise(Anomaly anomaly) override;

    Thresholds m_thresholds;
    Callback m_on_raise;
    std::vector<std::unique_ptr<Detector>> m_detectors;
    std::vector<Anomaly> m_anomalies;
    std::int64_t m_last_ns = 0;  // set at the end of the capture
    bool m_finished = false;
};

}  // namespace tcpvet::anomaly
