// Port and host scans from failed attempts, as Zeek's scan policy counts REJ and S0 connections.
#include "tcpvet/anomaly/scan.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <tuple>

#include "tcpvet/report/format.hpp"

namespace tcpvet::anomaly {

void ScanDetector::attempt(const flow::Endpoint& client, const flow::Endpoint& server, std::uint32_t stream,
                           bool refused, std::int64_t first_ns, std::int64_t last_ns) {
    Pending& queued = m_pending.push([this](const Pending& oldest) { count_pending(oldest); });
    const std::uint64_t source_key = address_key(client.addr);
    queued.server_key = address_key(server.addr);
    queued.host_key = pair_key(source_key, queued.server_key);
    queued.port_key = pair_key(source_key, 0x10000U + server.port);
    queued.client = client;
    queued.server = server;
    queued.stream = stream;
    queued.refused = refused;
    queued.first_ns = first_ns;
    queued.last_ns = last_ns;
    m_by_host.counts.prefetch(queued.host_key);
    m_by_port.counts.prefetch(queued.port_key);
}

// Attempts are counted in the order they ended, exactly as if counted at once.
void ScanDetector::count_pending(const Pending& attempt) {
    count(m_by_host, attempt, attempt.host_key, flow::Endpoint{attempt.server.addr, 0}, attempt.server.port);
    flow::Endpoint port_only{};
    port_only.port = attempt.server.port;
    count(m_by_port, attempt, attempt.port_key, port_only, attempt.server_key);
}

void ScanDetector::count(Table& table, const Pending& attempt, std::uint64_t key, const flow::Endpoint& target,
                         std::uint64_t target_key) {
    // One probe: insert while there is room, else only look the key up.
    Counts* counts = nullptr;
    bool fresh = false;
    if (table.counts.size() < k_max_keys) {
        std::tie(counts, fresh) = table.counts.insert(key);
    } else {
        counts = table.counts.find(key);
        if (counts == nullptr) return;
    }
    if (fresh) {
        counts->first_ns = attempt.first_ns;
        counts->detail = static_cast<std::uint32_t>(table.details.size());
        Detail& detail = table.details.emplace_back();
        detail.source = flow::Endpoint{attempt.client.addr, 0};
        detail.target = target;
    }
    // The distinct targets: the first one kept inline, a counter from the second on.
    if (counts->attempts == 0) {
        counts->first_target = target_key;
    } else if (counts->counting) {
        table.details[counts->detail].targets->add(target_key);
    } else if (target_key != counts->first_target) {
        auto targets = std::make_unique<DistinctCounter>(k_exact_targets, 12);
        targets->add(counts->first_target);
        targets->add(target_key);
        table.details[counts->detail].targets = std::move(targets);
        counts->counting = true;
    }
    if (counts->attempts < Anomaly::k_max_stream_sample) table.samples.push_back({counts->detail, attempt.stream});
    ++counts->attempts;
    if (attempt.refused) ++counts->refused;
    counts->first_ns = std::min(counts->first_ns, attempt.first_ns);
    counts->last_ns = std::max(counts->last_ns, attempt.last_ns);
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

void ScanDetector::raise_table(Table& table, AnomalyKind kind, double threshold) {
    struct Found {
        const Counts* counts;
        const Detail* detail;
        std::uint64_t targets;
        std::vector<std::uint32_t> streams;
    };
    std::vector<Found> found;
    table.counts.for_each([&](std::uint64_t /*key*/, const Counts& counts) {
        const Detail& detail = table.details[counts.detail];
        const std::uint64_t targets = counts.counting ? detail.targets->count() : 1;  // a key has an attempt
        if (static_cast<double>(targets) >= threshold) found.push_back(Found{&counts, &detail, targets, {}});
    });
    if (!found.empty()) {
        // Each raised key's sample, from the log: by Detail index to its place in `found`.
        constexpr std::uint32_t k_not_raised = std::numeric_limits<std::uint32_t>::max();
        std::vector<std::uint32_t> raised(table.details.size(), k_not_raised);
        for (std::size_t i = 0; i < found.size(); ++i) raised[found[i].counts->detail] = static_cast<std::uint32_t>(i);
        for (const SampleEntry& entry : table.samples) {
            if (raised[entry.detail] != k_not_raised) found[raised[entry.detail]].streams.push_back(entry.stream);
        }
    }
    // Ties in time and attempts keep the order the keys were first seen in, not the table's.
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
        if (a.counts->first_ns != b.counts->first_ns) return a.counts->first_ns < b.counts->first_ns;
        if (a.counts->attempts != b.counts->attempts) return a.counts->attempts > b.counts->attempts;
        return a.counts->detail < b.counts->detail;
    });
    const bool ports = kind == AnomalyKind::port_scan;
    for (Found& item : found) {
        const Counts& probe = *item.counts;
        const Detail& detail = *item.detail;
        const std::uint64_t targets = item.targets;
        Anomaly anomaly;
        anomaly.kind = kind;
        anomaly.severity = info(kind).default_severity;
        anomaly.first_ns = probe.first_ns;
        anomaly.last_ns = probe.last_ns;
        anomaly.endpoints.push_back(detail.source);
        if (ports) anomaly.endpoints.push_back(detail.target);
        anomaly.stream_count = probe.attempts;
        anomaly.streams = std::move(item.streams);
        anomaly.add(ports ? "distinct_ports" : "distinct_hosts", targets);
        anomaly.add_real(ports ? "distinct_ports_error" : "distinct_hosts_error",
                         (detail.targets ? detail.targets->standard_error() : 0.0));
        anomaly.add("failed_attempts", probe.attempts);
        anomaly.add("refused", probe.refused);
        anomaly.add("unanswered", probe.attempts - probe.refused);
        if (!ports) anomaly.add("port", detail.target.port);
        const std::string source = report::format_address(detail.source.addr);
        anomaly.text = source + " probed " + std::to_string(targets) +
                       (ports ? " ports of " + report::format_address(detail.target.addr)
                              : " hosts on port " + std::to_string(detail.target.port)) +
                       " in " + report::format_duration(probe.last_ns - probe.first_ns) + ": " +
                       std::to_string(probe.attempts) + " failed attempts, " + std::to_string(probe.refused) +
                       " refused (REJ), " + std::to_string(probe.attempts - probe.refused) + " unanswered (S0)";
        m_sink.raise(std::move(anomaly));
    }
}

void ScanDetector::finish(std::int64_t /*capture_last_ns*/) {
    m_pending.drain([this](const Pending& attempt) { count_pending(attempt); });
    raise_table(m_by_host, AnomalyKind::port_scan, m_thresholds.port_scan_ports);
    raise_table(m_by_port, AnomalyKind::host_scan, m_thresholds.host_scan_hosts);
}

}  // namespace tcpvet::anomaly
