// The engine fans tracker events out to the detectors and keeps what they raise, in raise order
// until finish() sorts it for the reports.
#include "tcpvet/anomaly/engine.hpp"

#include <algorithm>

#include "tcpvet/anomaly/backscatter.hpp"
#include "tcpvet/anomaly/close_wait.hpp"
#include "tcpvet/anomaly/rst_burst.hpp"
#include "tcpvet/anomaly/scan.hpp"
#include "tcpvet/anomaly/syn_flood.hpp"
#include "tcpvet/anomaly/transport.hpp"
#include "tcpvet/anomaly/violations.hpp"

namespace tcpvet::anomaly {

AnomalyEngine::AnomalyEngine(const Thresholds& thresholds, Callback on_raise)
    : m_thresholds(thresholds), m_on_raise(std::move(on_raise)) {
    // Detectors keep a reference to m_thresholds (a member: stable for the engine's life).
    AnomalySink& sink = *this;
    m_detectors.push_back(std::make_unique<SynFloodDetector>(m_thresholds, sink));
    m_detectors.push_back(std::make_unique<CloseWaitDetector>(m_thresholds, sink));
    m_detectors.push_back(std::make_unique<ScanDetector>(m_thresholds, sink));
    m_detectors.push_back(std::make_unique<RstBurstDetector>(m_thresholds, sink));
    m_detectors.push_back(std::make_unique<BackscatterDetector>(m_thresholds, sink));
    m_detectors.push_back(std::make_unique<TransportDetector>(m_thresholds, sink));
    m_detectors.push_back(std::make_unique<ViolationDetector>(m_thresholds, sink));
}

AnomalyEngine::~AnomalyEngine() = default;

// The segments some detector reads; the engine itself skips the rest, so a threaded run, which
// forwards only these, raises exactly what a single-threaded one does. One screen for all
// detectors (not a virtual call each per packet). A detector that reads other segments must be
// added here: both modes apply this screen, so they would agree and tests/parallel would not
// notice; only that detector's own tests would.
bool AnomalyEngine::wants_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) const {
    const std::uint16_t flags = packet.tcp.flags;
    // Handshakes and resets (syn_flood, rst_burst, isn_reuse, flag rules), and every segment
    // without ACK (null and Xmas scans, FIN or data without ACK).
    if ((flags & (tcp_flag::syn | tcp_flag::rst)) != 0 || (flags & tcp_flag::ack) == 0) return true;
    if (packet.tcp.urgent_pointer != 0 && (flags & tcp_flag::urg) == 0) return true;
    if (info.completes_handshake || info.closes_zero_window) return true;
    // Zero-window stalls, and the sequence jumps checked against the receiver's window.
    constexpr analysis::SegmentFlags k_read =
        analysis::bit(analysis::SegmentFlag::zero_window) | analysis::bit(analysis::SegmentFlag::lost_segment) |
        analysis::bit(analysis::SegmentFlag::retransmission) | analysis::bit(analysis::SegmentFlag::out_of_order);
    return (info.analysis.flags & k_read) != 0;
}

void AnomalyEngine::on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    if (!wants_segment(packet, info)) return;
    for (const std::unique_ptr<Detector>& detector : m_detectors) detector->on_segment(packet, info);
}

void AnomalyEngine::on_conversation_end(const flow::Conversation& conversation) {
    for (const std::unique_ptr<Detector>& detector : m_detectors)
        detector->on_conversation_end(conversation, m_last_ns);
}

void AnomalyEngine::on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) {
    // Rebuilt for another observer: on_conversation_end just saw it, so it is not counted twice.
    if (materialized != nullptr) return;
    for (const std::unique_ptr<Detector>& detector : m_detectors) detector->on_half_open_end(attempt);
}

void AnomalyEngine::finish() {
    if (m_finished) return;
    m_finished = true;
    for (const std::unique_ptr<Detector>& detector : m_detectors) detector->finish(m_last_ns);
    // Grouped by kind (registry order), most severe first, then by time.
    std::stable_sort(m_anomalies.begin(), m_anomalies.end(), [](const Anomaly& a, const Anomaly& b) {
        if (a.kind != b.kind) return a.kind < b.kind;
        if (a.severity != b.severity) return a.severity > b.severity;
        return a.first_ns < b.first_ns;
    });
}

bool AnomalyEngine::any_at_least(Severity level) const noexcept {
    return std::any_of(m_anomalies.begin(), m_anomalies.end(),
                       [level](const Anomaly& anomaly) { return anomaly.severity >= level; });
}

void AnomalyEngine::raise(Anomaly anomaly) {
    m_anomalies.push_back(std::move(anomaly));
    if (m_on_raise) m_on_raise(m_anomalies.back());
}

}  // namespace tcpvet::anomaly
