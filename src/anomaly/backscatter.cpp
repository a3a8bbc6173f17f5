// Backscatter (Moore et al., "Inferring Internet Denial-of-Service Activity", 2001): replies to spoofed SYNs.
#include "tcpvet/anomaly/backscatter.hpp"

#include <algorithm>

#include "tcpvet/report/format.hpp"

namespace tcpvet::anomaly {

void BackscatterDetector::on_conversation_end(const flow::Conversation& conversation,
                                              std::int64_t /*capture_last_ns*/) {
    // The tracker makes the receiver of a first SYN-ACK the originator (Zeek's flip): side 1 sent it.
    const flow::EndpointRecord& server = conversation.side[1];
    const flow::EndpointRecord& receiver = conversation.side[0];
    if (!server.syn_had_ack || server.syn_frame != conversation.first_frame || receiver.syn_frame != flow::k_no_frame) {
        return;
    }
    if (conversation.established && receiver.payload_bytes > 0) return;  // a real connection picked up late
    const std::uint64_t key = endpoint_key(server.endpoint);
    auto it = m_senders.find(key);
    if (it == m_senders.end()) {
        if (m_senders.size() >= k_max_senders) return;
        it = m_senders.emplace(key, Sender{}).first;
        it->second.endpoint = server.endpoint;
        it->second.first_ns = conversation.first_ts_ns;
        it->second.receivers = std::make_unique<DistinctCounter>(4096, 12);
    }
    Sender& sender = it->second;
    ++sender.conversations;
    sender.synacks += server.syn_count;
    if (receiver.rst_frame != flow::k_no_frame) ++sender.answered_rst;
    sender.first_ns = std::min(sender.first_ns, conversation.first_ts_ns);
    sender.last_ns = std::max(sender.last_ns, conversation.last_ts_ns);
    sender.receivers->add(address_key(receiver.endpoint.addr));
    if (sender.sample.size() < Anomaly::k_max_stream_sample) sender.sample.push_back(conversation.stream);
}

void BackscatterDetector::finish(std::int64_t /*capture_last_ns*/) {
    std::vector<Sender*> found;
    for (auto& [key, sender] : m_senders) {
        if (static_cast<double>(sender.conversations) >= m_thresholds.backscatter_synacks) found.push_back(&sender);
    }
    std::sort(found.begin(), found.end(), [](const Sender* a, const Sender* b) {
        return a->conversations != b->conversations ? a->conversations > b->conversations : a->first_ns < b->first_ns;
    });
    for (Sender* sender : found) {
        Anomaly anomaly;
        anomaly.kind = AnomalyKind::backscatter;
        anomaly.severity = info(AnomalyKind::backscatter).default_severity;
        anomaly.first_ns = sender->first_ns;
        anomaly.last_ns = sender->last_ns;
        anomaly.endpoints.push_back(sender->endpoint);
        anomaly.stream_count = sender->conversations;
        anomaly.streams = sender->sample;
        anomaly.add("conversations", sender->conversations);
        anomaly.add("synacks", sender->synacks);
        anomaly.add("distinct_receivers", sender->receivers->count());
        anomaly.add("answered_rst", sender->answered_rst);
        anomaly.text = report::format_endpoint(sender->endpoint) + " sent " + std::to_string(sender->synacks) +
                       " SYN-ACKs on " + std::to_string(sender->conversations) + " connections to " +
                       std::to_string(sender->receivers->count()) +
                       " address(es) that never sent a SYN: backscatter of a flood spoofing those addresses";
        m_sink.raise(std::move(anomaly));
    }
}

}  // namespace tcpvet::anomaly
