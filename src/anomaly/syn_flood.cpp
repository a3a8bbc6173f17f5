// SYN flood detection: sliding-window half-open counts per destination, exact totals at the end.
#include "tcpvet/anomaly/syn_flood.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "tcpvet/report/format.hpp"

namespace tcpvet::anomaly {
namespace {

// A pending source joins its destination's distinct-source set.
constexpr auto add_source = [](const auto& pending) { pending.counter->add(pending.key); };

bool is_pure_syn(const DecodedPacket& packet) noexcept {
    return (packet.tcp.flags & (tcp_flag::syn | tcp_flag::ack | tcp_flag::rst | tcp_flag::fin)) == tcp_flag::syn;
}
bool is_syn_ack(const DecodedPacket& packet) noexcept {
    return (packet.tcp.flags & (tcp_flag::syn | tcp_flag::ack | tcp_flag::rst)) == (tcp_flag::syn | tcp_flag::ack);
}

std::string percent(double share) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", share * 100.0);
    return text;
}

}  // namespace

SynFloodDetector::SynFloodDetector(const Thresholds& thresholds, AnomalySink& sink)
    : Detector(thresholds, sink),
      m_slot_ns(std::max<std::int64_t>(
          1, static_cast<std::int64_t>(thresholds.syn_flood_window_seconds * 1e9 / static_cast<double>(k_slots)))) {}

SynFloodDetector::Destination* SynFloodDetector::find(const flow::Endpoint& endpoint, bool create) {
    const std::uint64_t key = endpoint_key(endpoint);
    if (m_last != nullptr && key == m_last_key) return m_last;
    const auto it = m_destinations.find(key);
    if (it != m_destinations.end()) {
        m_last_key = key;
        m_last = &it->second;
        return m_last;
    }
    if (!create) return nullptr;
    if (m_destinations.size() >= k_max_destinations) {
        ++m_destinations_dropped;
        return nullptr;
    }
    Destination& destination = m_destinations[key];
    destination.endpoint = endpoint;
    m_last_key = key;
    m_last = &destination;
    return &destination;
}

void SynFloodDetector::note_slot(Destination& destination, std::int64_t ts_ns, bool completion) {
    const std::int64_t index = ts_ns / m_slot_ns;
    Slot& slot = destination.slots[static_cast<std::size_t>(index % static_cast<std::int64_t>(k_slots))];
    if (slot.index != index) slot = Slot{index, 0, 0};
    if (completion) {
        ++slot.completed;
        return;
    }
    ++slot.syns;
    // The window ending at this slot: the slots of the last k_slots indexes.
    std::uint64_t syns = 0;
    std::uint64_t completed = 0;
    for (const Slot& other : destination.slots) {
        if (other.index > index - static_cast<std::int64_t>(k_slots) && other.index <= index) {
            syns += other.syns;
            completed += other.completed;
        }
    }
    const std::uint64_t half_open = syns > completed ? syns - completed : 0;
    if (half_open > destination.peak_window_half_open) {
        destination.peak_window_half_open = half_open;
        destination.peak_at_ns = ts_ns;
    }
    destination.peak_window_syns = std::max(destination.peak_window_syns, syns);
}

void SynFloodDetector::on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    const std::uint16_t flags = packet.tcp.flags;
    if ((flags & (tcp_flag::syn | tcp_flag::rst)) == 0) {
        // The third segment of a handshake completes an attempt (RFC 9293 §3.5).
        if (info.completes_handshake && !m_destinations.empty()) {
            if (Destination* destination = find(flow::Endpoint{packet.dst, packet.tcp.dst_port}, false)) {
                ++destination->completed;
                note_slot(*destination, packet.ts_ns, true);
            }
        }
        return;
    }
    const bool retransmission = analysis::has(info.analysis.flags, analysis::SegmentFlag::retransmission);
    if (is_pure_syn(packet)) {
        Destination* destination = find(flow::Endpoint{packet.dst, packet.tcp.dst_port}, true);
        if (destination == nullptr) return;
        if (retransmission) {
            ++destination->syn_retransmissions;
            return;
        }
        ++destination->syns;
        note_slot(*destination, packet.ts_ns, false);
        return;
    }
    if (m_destinations.empty()) return;
    if (is_syn_ack(packet)) {
        if (Destination* destination = find(flow::Endpoint{packet.src, packet.tcp.src_port}, false)) {
            ++destination->synacks;
            if (retransmission) ++destination->synack_retransmissions;
        }
    } else if ((flags & tcp_flag::rst) != 0) {
        if (Destination* destination = find(flow::Endpoint{packet.src, packet.tcp.src_port}, false)) {
            ++destination->resets;
        }
    }
}

void SynFloodDetector::count_half_open(Destination& destination, const IpAddress& source, std::uint32_t stream,
                                       bool answered, std::int64_t first_ns, std::int64_t last_ns) {
    if (!destination.sources) destination.sources = std::make_unique<DistinctCounter>(k_exact_sources, 14);
    // Added k_lookahead attempts later, in the same order: the set ends up exactly the same.
    PendingSource& pending = m_pending.push(add_source);
    pending.counter = destination.sources.get();
    pending.key = address_key(source);
    pending.counter->prefetch(pending.key);
    if (destination.half_open < destination.sample.size()) destination.sample[destination.half_open] = stream;
    if (destination.half_open == 0 || first_ns < destination.first_ns) destination.first_ns = first_ns;
    destination.last_ns = std::max(destination.last_ns, last_ns);
    ++destination.half_open;
    if (answered) ++destination.half_open_answered;
}

void SynFloodDetector::on_conversation_end(const flow::Conversation& conversation, std::int64_t /*capture_last_ns*/) {
    const flow::EndpointRecord& client = conversation.side[0];
    // Only attempts whose SYN was seen: a lone SYN-ACK is backscatter, not a half-open here.
    if (client.syn_frame == flow::k_no_frame || client.syn_had_ack) return;
    const analysis::HandshakeVerdict verdict = conversation.handshake;
    if (verdict == analysis::HandshakeVerdict::rejected) {
        if (Destination* destination = find(conversation.side[1].endpoint, false)) ++destination->refused;
        return;
    }
    if (verdict != analysis::HandshakeVerdict::syn_unanswered &&
        verdict != analysis::HandshakeVerdict::synack_unanswered) {
        return;
    }
    if (Destination* destination = find(conversation.side[1].endpoint, true)) {
        count_half_open(*destination, client.endpoint.addr, conversation.stream,
                        verdict == analysis::HandshakeVerdict::synack_unanswered, conversation.first_ts_ns,
                        conversation.last_ts_ns);
    }
}

void SynFloodDetector::on_half_open_end(const flow::HalfOpen& attempt) {
    const flow::Endpoint client =
        attempt.originator_is_a ? flow::endpoint_a(attempt.key) : flow::endpoint_b(attempt.key);
    const flow::Endpoint server =
        attempt.originator_is_a ? flow::endpoint_b(attempt.key) : flow::endpoint_a(attempt.key);
    if (Destination* destination = find(server, true)) {
        count_half_open(*destination, client.addr, attempt.stream, attempt.synack_seen, attempt.first_ts_ns,
                        attempt.last_ts_ns);
    }
}

void SynFloodDetector::finish(std::int64_t /*capture_last_ns*/) {
    m_pending.drain(add_source);
    const Thresholds& t = m_thresholds;
    std::vector<const Destination*> flooded;
    for (const auto& [key, destination] : m_destinations) {
        const std::uint64_t sources = destination.sources ? destination.sources->count() : 0;
        if (static_cast<double>(destination.peak_window_half_open) >= t.syn_flood_half_open &&
            static_cast<double>(destination.half_open) >= t.syn_flood_half_open &&
            static_cast<double>(sources) >= t.syn_flood_min_sources) {
            flooded.push_back(&destination);
        }
    }
    // Report order must not depend on the hash table's.
    std::sort(flooded.begin(), flooded.end(), [](const Destination* a, const Destination* b) {
        return a->half_open != b->half_open ? a->half_open > b->half_open : a->first_ns < b->first_ns;
    });
    for (const Destination* d : flooded) {
        const std::uint64_t sources = d->sources->count();
        const std::string where = report::format_endpoint(d->endpoint);
        const double window_s = t.syn_flood_window_seconds;
        const std::uint64_t unanswered = d->half_open - d->half_open_answered;
        const std::uint64_t attempts = d->syns;

        Anomaly anomaly;
        anomaly.kind = AnomalyKind::syn_flood;
        anomaly.severity = static_cast<double>(d->peak_window_half_open) >= t.syn_flood_critical_half_open
                               ? Severity::critical
                               : Severity::warning;
        anomaly.first_ns = d->first_ns;
        anomaly.last_ns = d->last_ns;
        anomaly.endpoints.push_back(d->endpoint);
        anomaly.stream_count = d->half_open;
        for (std::size_t i = 0; i < std::min<std::uint64_t>(d->half_open, d->sample.size()); ++i) {
            anomaly.streams.push_back(d->sample[i]);
        }
        anomaly.add("half_open", d->half_open);
        anomaly.add("distinct_sources", sources);
        anomaly.add_real("distinct_sources_error", d->sources->standard_error());
        anomaly.add("peak_window_half_open", d->peak_window_half_open);
        anomaly.add_real("peak_syn_rate_per_s", static_cast<double>(d->peak_window_syns) / window_s);
        anomaly.add("syns", attempts);
        anomaly.add("syn_retransmissions", d->syn_retransmissions);
        anomaly.add("completed_handshakes", d->completed);
        anomaly.add_real("syn_to_completed_ratio",
                         d->completed == 0 ? static_cast<double>(attempts)
                                           : static_cast<double>(attempts) / static_cast<double>(d->completed));
        anomaly.add("synacks", d->synacks);
        anomaly.add("synack_retransmissions", d->synack_retransmissions);
        anomaly.add("half_open_answered_synack", d->half_open_answered);
        anomaly.add("half_open_unanswered", unanswered);
        anomaly.add("answered_rst", d->refused);
        anomaly.text = where + ": " + std::to_string(d->half_open) + " half-open attempts from " +
                       std::to_string(sources) +
                       (d->sources->exact() ? "" : " (approx., ±" + percent(d->sources->standard_error()) + ")") +
                       " distinct sources, peak " + std::to_string(d->peak_window_half_open) + " in " +
                       report::format_duration(static_cast<std::int64_t>(window_s * 1e9)) + "; server answered " +
                       std::to_string(d->half_open_answered) + " with SYN-ACK (" +
                       std::to_string(d->synack_retransmissions) + " SYN-ACK retransmissions), " +
                       std::to_string(d->refused) + " with RST, left " + std::to_string(unanswered) + " unanswered; " +
                       std::to_string(d->completed) + " of " + std::to_string(attempts) + " SYNs completed a handshake";
        m_sink.raise(std::move(anomaly));

        // SYN cookies (RFC 4987 §3.6): the server answers every SYN at once and, keeping no state,
        // never retransmits a SYN-ACK.
        const double answered_share =
            attempts == 0 ? 0.0
                          : static_cast<double>(d->synacks - d->synack_retransmissions) / static_cast<double>(attempts);
        if (d->synack_retransmissions == 0 && answered_share >= t.syn_cookies_answer_ratio) {
            Anomaly cookies;
            cookies.kind = AnomalyKind::syn_cookies;
            cookies.severity = Severity::info;
            cookies.first_ns = d->first_ns;
            cookies.last_ns = d->last_ns;
            cookies.endpoints.push_back(d->endpoint);
            cookies.add("syns", attempts);
            cookies.add("synacks", d->synacks);
            cookies.add_real("answered_share", answered_share);
            cookies.add("synack_retransmissions", 0);
            cookies.add("completed_handshakes", d->completed);
            cookies.text = where + ": answered " + percent(answered_share) + " of " + std::to_string(attempts) +
                           " flood SYNs and retransmitted no SYN-ACK: consistent with SYN cookies; " +
                           std::to_string(d->completed) + " handshakes still completed";
            m_sink.raise(std::move(cookies));
        }
    }
}

}  // namespace tcpvet::anomaly
