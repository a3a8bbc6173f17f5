// CLOSE-WAIT and FIN-WAIT-2 that never end: RFC 9293 §3.6, one side closed and the other never did.
#include "tcpvet/anomaly/close_wait.hpp"

#include <algorithm>
#include <vector>

#include "tcpvet/anomaly/distinct_counter.hpp"
#include "tcpvet/report/format.hpp"

namespace tcpvet::anomaly {
namespace {

constexpr std::size_t k_max_peers = 3;

std::int64_t seconds_ns(double seconds) { return static_cast<std::int64_t>(seconds * 1e9); }

}  // namespace

void CloseWaitDetector::note(std::unordered_map<std::uint64_t, Group>& groups, const flow::Conversation& conversation,
                             unsigned side, std::int64_t duration_ns, std::int64_t since_ns, std::int64_t until_ns) {
    flow::Endpoint endpoint = conversation.side[side].endpoint;
    if (side == 0) endpoint.port = 0;  // clients: group by host
    const std::uint64_t key = endpoint_key(endpoint);
    auto it = groups.find(key);
    if (it == groups.end()) {
        if (groups.size() >= k_max_groups) return;
        it = groups.emplace(key, Group{}).first;
        it->second.endpoint = endpoint;
        it->second.min_ns = duration_ns;
        it->second.first_ns = since_ns;
    }
    Group& group = it->second;
    const flow::EndpointRecord& self = conversation.side[side];
    const flow::EndpointRecord& peer = conversation.side[1 - side];
    ++group.connections;
    group.min_ns = std::min(group.min_ns, duration_ns);
    group.max_ns = std::max(group.max_ns, duration_ns);
    group.first_ns = std::min(group.first_ns, since_ns);
    group.last_ns = std::max(group.last_ns, until_ns);
    // The stuck side (side of this group in close_wait) kept talking after the peer's FIN?
    const flow::EndpointRecord& stuck = conversation.side[self.fin_frame == flow::k_no_frame ? side : 1 - side];
    if (stuck.bytes_after_peer_fin > 0) ++group.data_after;
    if (self.keepalives + peer.keepalives > 0) ++group.keepalives_after;
    if (conversation.timed_out) ++group.timed_out;
    if (group.peers.size() < k_max_peers) {
        flow::Endpoint other = peer.endpoint;
        if (side == 1) other.port = 0;
        group.peers.emplace(endpoint_key(other), other);
    }
    if (group.sample.size() < Anomaly::k_max_stream_sample) group.sample.push_back(conversation.stream);
}

void CloseWaitDetector::on_conversation_end(const flow::Conversation& conversation, std::int64_t capture_last_ns) {
    if (conversation.rst_seen) return;
    for (unsigned closer = 0; closer < 2; ++closer) {
        const flow::EndpointRecord& active = conversation.side[closer];
        const flow::EndpointRecord& passive = conversation.side[1 - closer];
        if (active.fin_acked_frame == flow::k_no_frame || passive.fin_frame != flow::k_no_frame) continue;
        // Measured to the capture's end, unless the idle timeout (or eviction) ended the record first.
        const std::int64_t until = conversation.end_reason == analysis::EndReason::end_of_capture
                                       ? std::max(capture_last_ns, conversation.last_ts_ns)
                                       : conversation.last_ts_ns;
        // The passive side entered CLOSE-WAIT when the FIN reached it (RFC 9293 §3.10.7.4, eighth step).
        const std::int64_t since = active.fin_ts_ns != flow::k_no_time ? active.fin_ts_ns : active.fin_acked_ts_ns;
        const std::int64_t duration = until - since;
        if (duration >= seconds_ns(m_thresholds.close_wait_seconds)) {
            note(m_close_wait, conversation, 1 - closer, duration, since, until);
        }
        if (duration >= seconds_ns(m_thresholds.fin_wait_2_seconds)) {
            note(m_fin_wait_2, conversation, closer, duration, since, until);
        }
    }
}

void CloseWaitDetector::raise_groups(std::unordered_map<std::uint64_t, Group>& groups, AnomalyKind kind) {
    std::vector<Group*> ordered;
    for (auto& [key, group] : groups) ordered.push_back(&group);
    std::sort(ordered.begin(), ordered.end(), [](const Group* a, const Group* b) {
        return a->connections != b->connections ? a->connections > b->connections : a->first_ns < b->first_ns;
    });
    const bool close_wait = kind == AnomalyKind::close_wait;
    for (Group* group : ordered) {
        Anomaly anomaly;
        anomaly.kind = kind;
        anomaly.severity = info(kind).default_severity;
        anomaly.first_ns = group->first_ns;
        anomaly.last_ns = group->last_ns;
        anomaly.endpoints.push_back(group->endpoint);
        std::vector<flow::Endpoint> peers;
        for (const auto& [key, peer] : group->peers) peers.push_back(peer);
        std::sort(peers.begin(), peers.end(), [](const flow::Endpoint& a, const flow::Endpoint& b) {
            return a.addr.bytes != b.addr.bytes ? a.addr.bytes < b.addr.bytes : a.port < b.port;
        });
        for (const flow::Endpoint& peer : peers) anomaly.endpoints.push_back(peer);
        anomaly.stream_count = group->connections;
        anomaly.streams = group->sample;
        anomaly.add("connections", group->connections);
        anomaly.add_real("min_seconds", static_cast<double>(group->min_ns) / 1e9);
        anomaly.add_real("max_seconds", static_cast<double>(group->max_ns) / 1e9);
        anomaly.add("data_after_fin", group->data_after);
        anomaly.add("keepalives", group->keepalives_after);
        anomaly.add("measured_to_idle_timeout", group->timed_out);
        const std::string who = group->endpoint.port == 0 ? report::format_address(group->endpoint.addr) + " (clients)"
                                                          : report::format_endpoint(group->endpoint);
        std::string span = report::format_duration(group->min_ns);
        if (group->max_ns != group->min_ns) span += "–" + report::format_duration(group->max_ns);
        std::string activity;
        if (group->data_after > 0) activity += "; data still sent on " + std::to_string(group->data_after);
        if (group->keepalives_after > 0) activity += "; keep-alives on " + std::to_string(group->keepalives_after);
        anomaly.text =
            who + ": " + std::to_string(group->connections) + " connection" + (group->connections == 1 ? "" : "s") +
            (close_wait ? " stuck in CLOSE_WAIT" : " lingering in FIN_WAIT_2") + " for " + span +
            (close_wait ? " (peer's FIN acknowledged, this side never closed)" : " (waiting for the peer's FIN)") +
            activity;
        m_sink.raise(std::move(anomaly));
    }
    groups.clear();
}

void CloseWaitDetector::finish(std::int64_t /*capture_last_ns*/) {
    raise_groups(m_close_wait, AnomalyKind::close_wait);
    raise_groups(m_fin_wait_2, AnomalyKind::fin_wait_2);
}

}  // namespace tcpvet::anomaly
