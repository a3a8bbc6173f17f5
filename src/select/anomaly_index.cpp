// Anomalies keep a sample of at most ten streams; beyond it membership falls back to the
// endpoints the anomaly names, within its time window (a flood's victim, a scanner).
#include "tcpvet/select/anomaly_index.hpp"

#include <algorithm>

namespace tcpvet::select {
namespace {

std::uint32_t kind_bit(anomaly::AnomalyKind kind) noexcept { return std::uint32_t{1} << static_cast<unsigned>(kind); }

bool endpoint_matches(const flow::Endpoint& named, const flow::Endpoint& side) noexcept {
    return named.addr == side.addr && (named.port == 0 || named.port == side.port);
}

}  // namespace

AnomalyIndex::AnomalyIndex(const std::vector<anomaly::Anomaly>& anomalies) {
    for (const anomaly::Anomaly& a : anomalies) {
        for (const std::uint32_t stream : a.streams) m_kinds_by_stream[stream] |= kind_bit(a.kind);
        if (a.stream_count > a.streams.size()) m_cut.push_back(&a);
    }
}

bool AnomalyIndex::involves(const anomaly::Anomaly& a, const ConversationFacts& facts) noexcept {
    if (std::find(a.streams.begin(), a.streams.end(), facts.stream) != a.streams.end()) return true;
    if (a.stream_count <= a.streams.size()) return false;
    if (facts.last_ns < a.first_ns || facts.first_ns > a.last_ns) return false;
    for (const flow::Endpoint& named : a.endpoints) {
        if (endpoint_matches(named, facts.originator) || endpoint_matches(named, facts.responder)) return true;
    }
    return false;
}

std::uint32_t AnomalyIndex::kinds_of(const ConversationFacts& facts) const {
    std::uint32_t kinds = 0;
    if (const auto found = m_kinds_by_stream.find(facts.stream); found != m_kinds_by_stream.end())
        kinds = found->second;
    for (const anomaly::Anomaly* a : m_cut) {
        if ((kinds & kind_bit(a->kind)) == 0 && involves(*a, facts)) kinds |= kind_bit(a->kind);
    }
    return kinds;
}

}  // namespace tcpvet::select
