// Port and host scans from failed attempts, as Zeek's scan policy counts REJ and S0 connections.
#include "tcpvet/anomaly/scan.hpp"

#include <algorithm>

#include "tcpvet/report/format.hpp"

namespace tcpvet::anomaly {

void ScanDetector::attempt(const flow::Endpoint& client, const flow::Endpoint& server, std::uint32_t stream,
                           bool refused, std::int64_t first_ns, std::int64_t last_ns) {
    const flow::Endpoint source{client.addr, 0};
    const std::uint64_t source_key = address_key(client.addr);
    auto count = [&](std::unordered_map<std::uint64_t, Probe>& table, std::uint64_t key, const flow::Endpoint& target,
                     std::uint64_t target_key) {
        auto it = table.find(key);
        if (it == table.end()) {
            if (table.size() >= k_max_keys) return;
            it = table.emplace(key, Probe{}).first;
            it->second.source = source;
            it->second.target = target;
            it->second.first_ns = first_ns;
        }
        Probe& probe = it->second;
        probe.add_target(target_key);
        ++probe.attempts;
        if (refused) ++probe.refused;
        probe.first_ns = std::min(probe.first_ns, first_ns);
        probe.last_ns = std::max(probe.last_ns, last_ns);
        if (probe.sample.size() < Anomaly::k_max_stream_sample) probe.sample.push_back(stream);
    };
    count(m_by_host, pair_key(source_key, address_key(server.addr)), flow::Endpoint{server.addr, 0}, server.port);
    flow::Endpoint port_only{};
    port_only.port = server.port;
    count(m_by_port, pair_key(source_key, 0x10000U + server.port), port_only, address_key(server.addr));
}

void ScanDetector::Probe::add_target(std::uint64_t key) {
    if (attempts == 0) {
        first_target = key;
        return;
    }
    if (!targets) {
        if (key == first_target) return;
        targets = std::make_unique<DistinctCounter>(k_exact_targets, 12);
        targets->add(first_target);
    }
    targets->add(key);
}

std::uint64_t ScanDetector::Probe::distinct_targets() const noexcept {
    if (targets) return targets->count();
    return attempts == 0 ? 0 : 1;
}

void ScanDetector::on_conversation_end(const flow::Conversation& conversation, std::int64_t /*capture_last_ns*/) {
    const flow::EndpointRecord& client = conversation.side[0];
    if (client.syn_frame == flow::k_no_frame || client.syn_had_ack || conversation.established) return;
    if (conversation.simultaneous_open) return;
    attempt(client.endpoint, conversation.side[1].endpoint, conversation.stream,
            conversation.handshake == analysis::HandshakeVerdict::rejected, conversation.first_ts_ns,
            conversation.last_ts_ns);
}

void ScanDetector::on_half_open_end(const flow::HalfOpen& attempt_record) {
    const flow::Endpoint a = flow::endpoint_a(attempt_record.key);
    const flow::Endpoint b = flow::endpoint_b(attempt_record.key);
    attempt(attempt_record.originator_is_a ? a : b, attempt_record.originator_is_a ? b : a, attempt_record.stream,
            false, attempt_record.first_ts_ns, attempt_record.last_ts_ns);
}

void ScanDetector::raise_table(std::unordered_map<std::uint64_t, Probe>& table, AnomalyKind kind, double threshold) {
    std::vector<Probe*> found;
    for (auto& [key, probe] : table) {
        if (static_cast<double>(probe.distinct_targets()) >= threshold) found.push_back(&probe);
    }
    std::sort(found.begin(), found.end(), [](const Probe* a, const Probe* b) {
        return a->first_ns != b->first_ns ? a->first_ns < b->first_ns : a->attempts > b->attempts;
    });
    const bool ports = kind == AnomalyKind::port_scan;
    for (Probe* probe : found) {
        const std::uint64_t targets = probe->distinct_targets();
        Anomaly anomaly;
        anomaly.kind = kind;
        anomaly.severity = info(kind).default_severity;
        anomaly.first_ns = probe->first_ns;
        anomaly.last_ns = probe->last_ns;
        anomaly.endpoints.push_back(probe->source);
        if (ports) anomaly.endpoints.push_back(probe->target);
        anomaly.stream_count = probe->attempts;
        anomaly.streams = probe->sample;
        anomaly.add(ports ? "distinct_ports" : "distinct_hosts", targets);
        anomaly.add_real(ports ? "distinct_ports_error" : "distinct_hosts_error", (probe->targets ? probe->targets->standard_error() : 0.0));
        anomaly.add("failed_attempts", probe->attempts);
        anomaly.add("refused", probe->refused);
        anomaly.add("unanswered", probe->attempts - probe->refused);
        if (!ports) anomaly.add("port", probe->target.port);
        const std::string source = report::format_address(probe->source.addr);
        anomaly.text = source + " probed " + std::to_string(targets) +
                       (ports ? " ports of " + report::format_address(probe->target.addr)
                              : " hosts on port " + std::to_string(probe->target.port)) +
                       " in " + report::format_duration(probe->last_ns - probe->first_ns) + ": " +
                       std::to_string(probe->attempts) + " failed attempts, " + std::to_string(probe->refused) +
                       " refused (REJ), " + std::to_string(probe->attempts - probe->refused) + " unanswered (S0)";
        m_sink.raise(std::move(anomaly));
    }
}

void ScanDetector::finish(std::int64_t /*capture_last_ns*/) {
    raise_table(m_by_host, AnomalyKind::port_scan, m_thresholds.port_scan_ports);
    raise_table(m_by_port, AnomalyKind::host_scan, m_thresholds.host_scan_hosts);
}

}  // namespace tcpvet::anomaly
