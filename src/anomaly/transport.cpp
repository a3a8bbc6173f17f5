// Transport trouble from the Wireshark-compatible sequence analysis the tracker already did.
#include "tcpvet/anomaly/transport.hpp"

#include <algorithm>
#include <cstdio>

#include "tcpvet/anomaly/distinct_counter.hpp"
#include "tcpvet/report/format.hpp"

namespace tcpvet::anomaly {
namespace {

std::string fixed(double value, int decimals) {
    char text[48];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

}  // namespace

void TransportDetector::on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    if (info.compact || (packet.tcp.flags & (tcp_flag::syn | tcp_flag::rst)) != 0) return;
    if (analysis::has(info.analysis.flags, analysis::SegmentFlag::zero_window)) {
        auto it = m_stalls.find(info.stream);
        if (it == m_stalls.end()) {
            if (m_stalls.size() >= k_max_open_stalls) return;
            it = m_stalls.emplace(info.stream, Stalls{}).first;
        }
        if (it->second.open_since[info.side] == flow::k_no_time) it->second.open_since[info.side] = packet.ts_ns;
        return;
    }
    if (m_stalls.empty() || !info.closes_zero_window) return;
    const auto it = m_stalls.find(info.stream);
    if (it != m_stalls.end() && it->second.open_since[info.side] != flow::k_no_time) {
        close_stall(it->second, info.side, packet.ts_ns);
    }
}

void TransportDetector::close_stall(Stalls& stalls, unsigned side, std::int64_t now_ns) {
    const std::int64_t since = stalls.open_since[side];
    stalls.open_since[side] = flow::k_no_time;
    const std::int64_t duration = now_ns - since;
    if (static_cast<double>(duration) < m_thresholds.zero_window_stall_seconds * 1e9) return;
    ++stalls.over[side];
    stalls.longest_ns[side] = std::max(stalls.longest_ns[side], duration);
    if (stalls.first_ns[side] == flow::k_no_time) stalls.first_ns[side] = since;
    stalls.last_ns[side] = now_ns;
}

void TransportDetector::check_stalls(const flow::Conversation& conversation, std::int64_t capture_last_ns) {
    const auto it = m_stalls.find(conversation.stream);
    if (it == m_stalls.end()) return;
    Stalls stalls = it->second;
    m_stalls.erase(it);
    const std::int64_t until = conversation.end_reason == analysis::EndReason::end_of_capture
                                   ? std::max(capture_last_ns, conversation.last_ts_ns)
                                   : conversation.last_ts_ns;
    for (unsigned side = 0; side < 2; ++side) {
        const bool still_open = stalls.open_since[side] != flow::k_no_time;
        if (still_open) close_stall(stalls, side, until);
        if (stalls.over[side] == 0) continue;
        const flow::Endpoint& receiver = conversation.side[side].endpoint;
        const flow::Endpoint& sender = conversation.side[1 - side].endpoint;
        Anomaly anomaly;
        anomaly.kind = AnomalyKind::zero_window_stall;
        anomaly.severity = info(anomaly.kind).default_severity;
        anomaly.first_ns = stalls.first_ns[side];
        anomaly.last_ns = stalls.last_ns[side];
        anomaly.endpoints = {receiver, sender};
        anomaly.note_stream(conversation.stream);
        anomaly.add("stalls", stalls.over[side]);
        anomaly.add_real("longest_seconds", static_cast<double>(stalls.longest_ns[side]) / 1e9);
        anomaly.add("open_at_end", still_open ? 1 : 0);
        anomaly.text = report::format_endpoint(receiver) + " advertised a zero window to " +
                       report::format_endpoint(sender) + " for " + report::format_duration(stalls.longest_ns[side]) +
                       (stalls.over[side] > 1 ? " (longest of " + std::to_string(stalls.over[side]) + " stalls)" : "") +
                       (still_open ? ", still closed at the end" : "") + " (stream " +
                       std::to_string(conversation.stream) + ")";
        m_sink.raise(std::move(anomaly));
    }
}

void TransportDetector::check_retransmissions(const flow::Conversation& conversation) {
    for (unsigned side = 0; side < 2; ++side) {
        const std::uint64_t packets = conversation.side[side].packets;
        if (packets == 0 || static_cast<double>(packets) < m_thresholds.retransmission_min_packets) continue;
        const analysis::DirectionFigures& figures = conversation.sequence.direction(side).figures;
        const std::uint64_t retransmissions =
            figures.flag_counts[static_cast<std::size_t>(analysis::SegmentFlag::retransmission)];
        const double rate = static_cast<double>(retransmissions) / static_cast<double>(packets);
        if (retransmissions == 0 || rate < m_thresholds.retransmission_rate) continue;
        Anomaly anomaly;
        anomaly.kind = AnomalyKind::high_retransmission_rate;
        anomaly.severity = info(anomaly.kind).default_severity;
        anomaly.first_ns = conversation.first_ts_ns;
        anomaly.last_ns = conversation.last_ts_ns;
        anomaly.endpoints = {conversation.side[side].endpoint, conversation.side[1 - side].endpoint};
        anomaly.note_stream(conversation.stream);
        anomaly.add("retransmissions", retransmissions);
        anomaly.add("packets", packets);
        anomaly.add_real("rate", rate);
        anomaly.add("fast_retransmissions",
                    figures.flag_counts[static_cast<std::size_t>(analysis::SegmentFlag::fast_retransmission)]);
        anomaly.add("spurious_retransmissions",
                    figures.flag_counts[static_cast<std::size_t>(analysis::SegmentFlag::spurious_retransmission)]);
        anomaly.text = report::format_endpoint(conversation.side[side].endpoint) + " retransmitted " +
                       std::to_string(retransmissions) + " of " + std::to_string(packets) + " segments (" +
                       fixed(rate * 100.0, 1) + "%) to " +
                       report::format_endpoint(conversation.side[1 - side].endpoint) + " (stream " +
                       std::to_string(conversation.stream) + ")";
        m_sink.raise(std::move(anomaly));
    }
}

void TransportDetector::on_conversation_end(const flow::Conversation& conversation, std::int64_t capture_last_ns) {
    if (!m_stalls.empty()) check_stalls(conversation, capture_last_ns);
    check_retransmissions(conversation);
    if (conversation.initial_rtt_ns > 0 && m_rtt_samples < k_max_rtt_samples) {
        const std::uint64_t key = endpoint_key(conversation.side[1].endpoint);
        Server& server = m_servers[key];
        server.endpoint = conversation.side[1].endpoint;
        server.samples.push_back(RttSample{conversation.initial_rtt_ns, conversation.first_ts_ns, conversation.stream,
                                           conversation.side[0].endpoint});
        ++m_rtt_samples;
    }
}

void TransportDetector::finish(std::int64_t /*capture_last_ns*/) {
    std::vector<Server*> servers;
    for (auto& [key, server] : m_servers) {
        if (static_cast<double>(server.samples.size()) >= m_thresholds.rtt_outlier_min_samples)
            servers.push_back(&server);
    }
    std::sort(servers.begin(), servers.end(),
              [](const Server* a, const Server* b) { return a->samples.front().stream < b->samples.front().stream; });
    for (Server* server : servers) {
        std::vector<std::int64_t> rtts;
        rtts.reserve(server->samples.size());
        for (const RttSample& sample : server->samples) rtts.push_back(sample.rtt_ns);
        std::nth_element(rtts.begin(), rtts.begin() + static_cast<std::ptrdiff_t>(rtts.size() / 2), rtts.end());
        const std::int64_t median = rtts[rtts.size() / 2];
        const double limit = std::max(static_cast<double>(median) * m_thresholds.rtt_outlier_factor,
                                      m_thresholds.rtt_outlier_min_ms * 1e6);
        Anomaly anomaly;
        std::int64_t worst = 0;
        for (const RttSample& sample : server->samples) {
            if (static_cast<double>(sample.rtt_ns) <= limit) continue;
            if (anomaly.stream_count == 0 || sample.rtt_ns > worst) worst = sample.rtt_ns;
            if (anomaly.stream_count == 0 || sample.ts_ns < anomaly.first_ns) anomaly.first_ns = sample.ts_ns;
            anomaly.last_ns = std::max(anomaly.last_ns, sample.ts_ns);
            anomaly.note_stream(sample.stream);
            if (anomaly.endpoints.size() < 4) anomaly.endpoints.push_back(sample.client);
        }
        if (anomaly.stream_count == 0) continue;
        anomaly.endpoints.insert(anomaly.endpoints.begin(), server->endpoint);
        anomaly.kind = AnomalyKind::rtt_outlier;
        anomaly.severity = info(anomaly.kind).default_severity;
        anomaly.add("outliers", anomaly.stream_count);
        anomaly.add("conversations", server->samples.size());
        anomaly.add_real("median_ms", static_cast<double>(median) / 1e6);
        anomaly.add_real("max_ms", static_cast<double>(worst) / 1e6);
        anomaly.text = report::format_endpoint(server->endpoint) + ": " + std::to_string(anomaly.stream_count) +
                       " of " + std::to_string(server->samples.size()) + " conversations had a handshake RTT over " +
                       fixed(m_thresholds.rtt_outlier_factor, 0) + "x the median " +
                       fixed(static_cast<double>(median) / 1e6, 3) + " ms (worst " +
                       fixed(static_cast<double>(worst) / 1e6, 3) + " ms)";
        m_sink.raise(std::move(anomaly));
    }
}

}  // namespace tcpvet::anomaly
