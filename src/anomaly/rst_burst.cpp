// RST bursts: a ring of RST timestamps (sized at construction, so the packet path never allocates for it).
#include "tcpvet/anomaly/rst_burst.hpp"

#include <algorithm>

#include "tcpvet/report/format.hpp"

namespace tcpvet::anomaly {
namespace {
constexpr std::size_t k_sender_sample = 5;
}

RstBurstDetector::RstBurstDetector(const Thresholds& thresholds, AnomalySink& sink)
    : Detector(thresholds, sink),
      m_ring(std::clamp<std::size_t>(static_cast<std::size_t>(thresholds.rst_burst_count), 2, k_max_ring)),
      m_window_ns(static_cast<std::int64_t>(thresholds.rst_burst_window_seconds * 1e9)) {
    m_sender_sample.reserve(k_sender_sample);
    m_sample.reserve(Anomaly::k_max_stream_sample);
}

void RstBurstDetector::on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    if ((packet.tcp.flags & tcp_flag::rst) == 0) return;
    const std::int64_t ts = packet.ts_ns;
    const std::size_t size = m_ring.size();
    // Oldest of the ring after this RST joins it.
    const std::int64_t oldest = m_filled + 1 >= size ? m_ring[(m_head + 1) % size].ts_ns : ts;
    const std::uint64_t sender_key = address_key(packet.src);
    m_ring[m_head] = Entry{ts, sender_key, info.stream};
    m_head = (m_head + 1) % size;
    if (m_filled < size) ++m_filled;
    const bool dense = m_filled == size && ts - oldest <= m_window_ns;
    if (!dense) {
        if (m_in_burst) end_burst();
        return;
    }
    if (!m_in_burst) {
        m_in_burst = true;
        m_first_ns = oldest;
        m_rsts = size - 1;  // the ones before this, counted now
        for (std::size_t i = 0; i < size; ++i) {
            if (i == (m_head + size - 1) % size) continue;  // this RST: added below
            m_senders.add(m_ring[i].sender);
            m_streams.add(m_ring[i].stream);
        }
    }
    ++m_rsts;
    m_last_ns = ts;
    m_senders.add(sender_key);
    m_streams.add(info.stream);
    const flow::Endpoint sender{packet.src, 0};
    if (m_sender_sample.size() < k_sender_sample &&
        std::find(m_sender_sample.begin(), m_sender_sample.end(), sender) == m_sender_sample.end()) {
        m_sender_sample.push_back(sender);
    }
    if (m_sample.size() < Anomaly::k_max_stream_sample &&
        std::find(m_sample.begin(), m_sample.end(), info.stream) == m_sample.end()) {
        m_sample.push_back(info.stream);
    }
}

void RstBurstDetector::end_burst() {
    m_in_burst = false;
    Anomaly anomaly;
    anomaly.kind = AnomalyKind::rst_burst;
    anomaly.severity = info(AnomalyKind::rst_burst).default_severity;
    anomaly.first_ns = m_first_ns;
    anomaly.last_ns = m_last_ns;
    anomaly.endpoints = m_sender_sample;
    anomaly.stream_count = m_streams.count();
    anomaly.streams = m_sample;
    const double seconds = static_cast<double>(m_last_ns - m_first_ns) / 1e9;
    anomaly.add("rsts", m_rsts);
    anomaly.add("senders", m_senders.count());
    anomaly.add_real("duration_seconds", seconds);
    anomaly.add_real("rst_rate_per_s",
                     seconds > 0 ? static_cast<double>(m_rsts) / seconds : static_cast<double>(m_rsts));
    std::string senders;
    for (const flow::Endpoint& sender : m_sender_sample) {
        senders += (senders.empty() ? "" : ", ") + report::format_address(sender.addr);
    }
    anomaly.text = std::to_string(m_rsts) + " RSTs in " + report::format_duration(m_last_ns - m_first_ns) + " from " +
                   std::to_string(m_senders.count()) + " sender(s) (" + senders + ") on " +
                   std::to_string(m_streams.count()) + " conversation(s)";
    m_sink.raise(std::move(anomaly));
    m_senders = DistinctCounter{4096, 12};
    m_streams = DistinctCounter{4096, 12};
    m_sender_sample.clear();
    m_sample.clear();
}

void RstBurstDetector::finish(std::int64_t /*capture_last_ns*/) {
    if (m_in_burst) end_burst();
}

}  // namespace tcpvet::anomaly
