// Protocol violations: RFC 9293 flag rules, the urgent pointer (RFC 6093), window acceptance
// (RFC 9293 §3.10.7.4), and ISN reuse on a reused 5-tuple (RFC 1337, RFC 6528).
#include "tcpvet/anomaly/violations.hpp"

#include <algorithm>
#include <cstdlib>

#include "tcpvet/mix64.hpp"
#include "tcpvet/report/format.hpp"
#include "tcpvet/seq.hpp"

namespace tcpvet::anomaly {
namespace {

constexpr std::array<AnomalyKind, 6> k_tallied = {AnomalyKind::invalid_flags,      AnomalyKind::data_on_syn,
                                                  AnomalyKind::urgent_without_urg, AnomalyKind::data_after_rst,
                                                  AnomalyKind::out_of_window,      AnomalyKind::isn_reuse};
constexpr std::array<const char*, ViolationDetector::k_variants> k_variant_names = {
    "syn_fin", "syn_rst", "no_flags", "fin_psh_urg", "fin_without_ack", "data_without_ack"};
constexpr std::array<const char*, ViolationDetector::k_variants> k_variant_text = {
    "SYN+FIN", "SYN+RST", "no flags", "FIN+PSH+URG", "FIN without ACK", "data without ACK"};

constexpr std::uint16_t k_classic =
    tcp_flag::fin | tcp_flag::syn | tcp_flag::rst | tcp_flag::psh | tcp_flag::ack | tcp_flag::urg;

}  // namespace

ViolationDetector::ViolationDetector(const Thresholds& thresholds, AnomalySink& sink)
    : Detector(thresholds, sink),
      m_ended_per_bucket(std::size_t{1} << k_bucket_bits, 0),
      m_bucket_used((std::size_t{1} << k_bucket_bits) / 64, 0) {
    for (Tally& t : m_tallies) t.conversations.reserve(1024);
}

// Cheaper than the flow key's hash: one mix.
std::size_t ViolationDetector::bucket(const flow::FlowKey& key) noexcept {
    constexpr std::uint64_t k_spread = 0x9E3779B97F4A7C15ULL;
    const std::uint64_t one = key.addr_a[0] ^ (key.addr_a[1] * 31U) ^ (std::uint64_t{key.port_a} * k_spread);
    const std::uint64_t two = key.addr_b[0] ^ (key.addr_b[1] * 31U) ^ (std::uint64_t{key.port_b} * k_spread);
    return static_cast<std::size_t>(mix64(one + two) >> (64 - k_bucket_bits));
}

ViolationDetector::Tally& ViolationDetector::tally(AnomalyKind kind) {
    const auto it = std::find(k_tallied.begin(), k_tallied.end(), kind);
    return m_tallies[static_cast<std::size_t>(it - k_tallied.begin())];
}

void ViolationDetector::count(AnomalyKind kind, std::int64_t ts_ns, std::uint64_t frame, std::uint32_t stream,
                              const flow::Endpoint& sender) {
    Tally& t = tally(kind);
    if (t.segments == 0) {
        t.first_ns = ts_ns;
        t.first_frame = frame;
    }
    ++t.segments;
    t.first_ns = std::min(t.first_ns, ts_ns);
    t.last_ns = std::max(t.last_ns, ts_ns);
    t.conversations.add(stream);
    if (t.sampled < t.sample.size() &&
        std::find(t.sample.begin(), t.sample.begin() + static_cast<std::ptrdiff_t>(t.sampled), stream) ==
            t.sample.begin() + static_cast<std::ptrdiff_t>(t.sampled)) {
        t.sample[t.sampled++] = stream;
    }
    const auto end = t.senders.begin() + static_cast<std::ptrdiff_t>(t.sender_count);
    if (t.sender_count < t.senders.size() && std::find(t.senders.begin(), end, sender) == end) {
        t.senders[t.sender_count++] = sender;
    }
}

void ViolationDetector::check_flags(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    const std::uint16_t f = packet.tcp.flags & k_classic;
    const bool syn = (f & tcp_flag::syn) != 0;
    const bool fin = (f & tcp_flag::fin) != 0;
    const bool rst = (f & tcp_flag::rst) != 0;
    const bool ack = (f & tcp_flag::ack) != 0;
    int variant = -1;
    if (syn && fin) {
        variant = static_cast<int>(FlagVariant::syn_fin);
    } else if (syn && rst) {
        variant = static_cast<int>(FlagVariant::syn_rst);
    } else if (f == 0) {
        variant = static_cast<int>(FlagVariant::null);  // a null scan
    } else if ((f & (tcp_flag::fin | tcp_flag::psh | tcp_flag::urg)) ==
                   (tcp_flag::fin | tcp_flag::psh | tcp_flag::urg) &&
               !ack) {
        variant = static_cast<int>(FlagVariant::fin_psh_urg);  // an Xmas scan
    } else if (!ack && !syn && !rst && info.established) {
        // RFC 9293 §3.10.7.4: once synchronized, every segment but a RST carries ACK.
        if (fin) {
            variant = static_cast<int>(FlagVariant::fin_without_ack);
        } else if (packet.payload_len > 0) {
            variant = static_cast<int>(FlagVariant::data_without_ack);
        }
    }
    if (variant < 0) return;
    count(AnomalyKind::invalid_flags, packet.ts_ns, packet.frame, info.stream,
          flow::Endpoint{packet.src, packet.tcp.src_port});
    ++tally(AnomalyKind::invalid_flags).variants[static_cast<std::size_t>(variant)];
}

void ViolationDetector::check_window(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    // A segment continuing its sender's own sequence means the capture missed the receiver's ACKs
    // (one-way or sampled captures), not that the sender ignored the window: only jumps count.
    constexpr analysis::SegmentFlags k_jumps = analysis::bit(analysis::SegmentFlag::lost_segment) |
                                               analysis::bit(analysis::SegmentFlag::retransmission) |
                                               analysis::bit(analysis::SegmentFlag::out_of_order);
    if ((info.analysis.flags & k_jumps) == 0) return;
    if (!info.receiver_ack_known) return;
    const std::uint64_t window = std::max<std::uint64_t>(info.receiver_window, 65535);
    const double limit = m_thresholds.out_of_window_factor * static_cast<double>(window);
    const std::int64_t distance = seq::diff(packet.tcp.seq, info.receiver_ack);
    if (static_cast<double>(std::llabs(distance)) <= limit) return;
    count(AnomalyKind::out_of_window, packet.ts_ns, packet.frame, info.stream,
          flow::Endpoint{packet.src, packet.tcp.src_port});
    Tally& t = tally(AnomalyKind::out_of_window);
    t.figure = std::max<std::uint64_t>(t.figure, static_cast<std::uint64_t>(std::llabs(distance)));
}

void ViolationDetector::check_isn_reuse(const DecodedPacket& packet, const flow::SegmentInfo& info,
                                        const flow::FlowKey& key) {
    const auto it = m_ended.find(key);
    if (it == m_ended.end()) return;
    const Remembered& old = it->second;
    const unsigned side = (old.originator == flow::Endpoint{packet.src, packet.tcp.src_port}) ? 0U : 1U;
    if (!old.isn_known[side]) return;
    // Inside [old ISN, old next seq]: the new connection would accept the old one's duplicates.
    const std::uint32_t isn = packet.tcp.seq;
    if (!seq::ge(isn, old.isn[side]) || !seq::le(isn, old.next_seq[side])) return;
    Tally& t = tally(AnomalyKind::isn_reuse);
    if (t.segments == 0) t.example = {old.stream, isn, old.isn[side], old.next_seq[side]};
    count(AnomalyKind::isn_reuse, packet.ts_ns, packet.frame, info.stream,
          flow::Endpoint{packet.src, packet.tcp.src_port});
}

void ViolationDetector::on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    const std::uint16_t flags = packet.tcp.flags;
    check_flags(packet, info);
    if (packet.tcp.urgent_pointer != 0 && (flags & tcp_flag::urg) == 0) {
        count(AnomalyKind::urgent_without_urg, packet.ts_ns, packet.frame, info.stream,
              flow::Endpoint{packet.src, packet.tcp.src_port});
    }
    if ((flags & (tcp_flag::syn | tcp_flag::ack | tcp_flag::rst)) == tcp_flag::syn) {
        if (analysis::has(info.analysis.flags, analysis::SegmentFlag::reused_ports) && !m_ended.empty()) {
            bool src_is_a = false;
            const flow::FlowKey key = flow::make_flow_key(packet, src_is_a);
            if (bucket_used(bucket(key))) check_isn_reuse(packet, info, key);
        }
        return;
    }
    if (!info.compact && (flags & (tcp_flag::syn | tcp_flag::rst)) == 0 &&
        (packet.payload_len > 0 || (flags & tcp_flag::fin) != 0)) {
        check_window(packet, info);
    }
}

void ViolationDetector::on_conversation_end(const flow::Conversation& conversation, std::int64_t /*capture_last_ns*/) {
    for (const flow::Finding& finding : conversation.findings) {
        AnomalyKind kind{};
        if (finding.kind == analysis::FindingKind::data_on_syn) {
            kind = AnomalyKind::data_on_syn;
        } else if (finding.kind == analysis::FindingKind::data_after_rst) {
            // Only from the side that reset: the peer's data may have been in flight when the RST left.
            if (conversation.reset_by != static_cast<std::int8_t>(finding.side)) continue;
            // A RST from SYN-SENT answers an unacceptable ACK and aborts nothing (RFC 9293 §3.10.7.3):
            // the SYN is retried and the connection may well complete afterwards.
            if (conversation.reset_in_state == flow::TcpState::syn_sent) continue;
            kind = AnomalyKind::data_after_rst;
        } else {
            continue;
        }
        // Findings carry frames, not times: the conversation's span stands for them.
        count(kind, conversation.first_ts_ns, finding.frame, conversation.stream,
              conversation.side[finding.side & 1U].endpoint);
        Tally& t = tally(kind);
        t.last_ns = std::max(t.last_ns, conversation.last_ts_ns);
    }
    // Remember its sequence spaces for a later SYN on the same 5-tuple.
    Remembered remembered;
    remembered.originator = conversation.side[0].endpoint;
    remembered.stream = conversation.stream;
    bool any = false;
    for (unsigned s = 0; s < 2; ++s) {
        const flow::EndpointRecord& side = conversation.side[s];
        remembered.isn_known[s] = side.isn_known && side.next_seq_known;
        remembered.isn[s] = side.isn;
        remembered.next_seq[s] = side.next_seq;
        any = any || remembered.isn_known[s];
    }
    if (!any) return;
    const auto [it, inserted] = m_ended.insert_or_assign(conversation.key, remembered);
    (void)it;
    if (inserted) {
        m_ended_order.push_back(conversation.key);
        const std::size_t index = bucket(conversation.key);
        ++m_ended_per_bucket[index];
        m_bucket_used[index / 64] |= std::uint64_t{1} << (index % 64);
    }
    while (m_ended_order.size() > k_max_remembered) forget_oldest();
}

void ViolationDetector::forget_oldest() {
    const flow::FlowKey& oldest = m_ended_order.front();
    const std::size_t index = bucket(oldest);
    if (--m_ended_per_bucket[index] == 0) m_bucket_used[index / 64] &= ~(std::uint64_t{1} << (index % 64));
    m_ended.erase(oldest);
    m_ended_order.pop_front();
}

void ViolationDetector::finish(std::int64_t /*capture_last_ns*/) {
    for (std::size_t i = 0; i < k_tallied.size(); ++i) {
        const Tally& t = m_tallies[i];
        if (t.segments == 0) continue;
        const AnomalyKind kind = k_tallied[i];
        Anomaly anomaly;
        anomaly.kind = kind;
        anomaly.severity = info(kind).default_severity;
        anomaly.first_ns = t.first_ns;
        anomaly.last_ns = t.last_ns;
        anomaly.endpoints.assign(t.senders.begin(), t.senders.begin() + static_cast<std::ptrdiff_t>(t.sender_count));
        anomaly.stream_count = t.conversations.count();
        anomaly.streams.assign(t.sample.begin(), t.sample.begin() + static_cast<std::ptrdiff_t>(t.sampled));
        anomaly.add("segments", t.segments);
        anomaly.add("conversations", anomaly.stream_count);
        anomaly.add("first_frame", t.first_frame);
        std::string streams;
        for (const std::uint32_t stream : anomaly.streams)
            streams += (streams.empty() ? "" : ", ") + std::to_string(stream);
        if (anomaly.stream_count > anomaly.streams.size()) streams += ", ...";
        const std::string where = std::to_string(t.segments) + " segment" + (t.segments == 1 ? "" : "s") + " in " +
                                  std::to_string(anomaly.stream_count) + " conversation" +
                                  (anomaly.stream_count == 1 ? "" : "s") + " (stream " + streams +
                                  "), first at frame " + std::to_string(t.first_frame);
        switch (kind) {
        case AnomalyKind::invalid_flags: {
            std::string variants;
            for (std::size_t v = 0; v < k_variants; ++v) {
                anomaly.add(k_variant_names[v], t.variants[v]);
                if (t.variants[v] != 0) {
                    variants +=
                        (variants.empty() ? "" : ", ") + std::to_string(t.variants[v]) + " " + k_variant_text[v];
                }
            }
            anomaly.text = "invalid flag combinations: " + variants + "; " + where;
            break;
        }
        case AnomalyKind::data_on_syn: anomaly.text = "payload on SYN: " + where; break;
        case AnomalyKind::urgent_without_urg: anomaly.text = "urgent pointer set without URG: " + where; break;
        case AnomalyKind::data_after_rst: anomaly.text = "data sent after RST: " + where; break;
        case AnomalyKind::out_of_window:
            anomaly.add("max_distance_bytes", t.figure);
            anomaly.text =
                "segments beyond " + std::to_string(static_cast<long long>(m_thresholds.out_of_window_factor)) +
                " receive windows from rcv.nxt (up to " + std::to_string(t.figure) + " bytes away): " + where;
            break;
        case AnomalyKind::isn_reuse:
            anomaly.add("old_stream", t.example[0]);
            anomaly.add("isn", t.example[1]);
            anomaly.add("old_isn", t.example[2]);
            anomaly.add("old_next_seq", t.example[3]);
            anomaly.text = "new connection on a reused 5-tuple with ISN " + std::to_string(t.example[1]) +
                           " inside stream " + std::to_string(t.example[0]) + "'s sequence space " +
                           std::to_string(t.example[2]) + ".." + std::to_string(t.example[3]) + ": " + where;
            break;
        default: break;
        }
        m_sink.raise(std::move(anomaly));
    }
}

}  // namespace tcpvet::anomaly
