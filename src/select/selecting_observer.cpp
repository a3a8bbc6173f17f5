// The selection is decided when a conversation ends: its verdicts and counts are final then.
#include "tcpvet/select/selecting_observer.hpp"

#include "tcpvet/select/evaluator.hpp"

namespace tcpvet::select {

void SelectedStreams::add(const ConversationFacts& facts) {
    if (facts.stream >= m_bits.size()) m_bits.resize(std::size_t{facts.stream} + 1 + m_bits.size() / 2);
    if (m_bits[facts.stream]) return;  // a stream resumed after an idle timeout ends twice
    m_bits[facts.stream] = true;
    ++m_count;
    if (m_facts.size() < k_max_facts) {
        m_facts.push_back(facts);
    } else {
        ++m_facts_dropped;
    }
}

std::int64_t SelectedStreams::first() const noexcept {
    for (std::size_t i = 0; i < m_bits.size(); ++i) {
        if (m_bits[i]) return static_cast<std::int64_t>(i);
    }
    return -1;
}

SelectingObserver::SelectingObserver(const Expression& expression, flow::TrackerObserver* inner,
                                     const AnomalyIndex* anomalies, const std::atomic<std::int64_t>* capture_start)
    : m_expression(expression), m_inner(inner), m_anomalies(anomalies), m_capture_start(capture_start) {}

bool SelectingObserver::matches(const ConversationFacts& facts) const noexcept {
    const std::uint32_t kinds = m_anomalies != nullptr ? m_anomalies->kinds_of(facts) : 0;
    const std::int64_t start = m_capture_start != nullptr ? m_capture_start->load(std::memory_order_acquire) : 0;
    return evaluate(m_expression, Subject{facts, kinds, start});
}

void SelectingObserver::on_conversation_end(const flow::Conversation& conversation) {
    const ConversationFacts facts = facts_of(conversation);
    m_last_selected = matches(facts);
    if (!m_last_selected) return;
    m_selected.add(facts);
    if (m_inner != nullptr) m_inner->on_conversation_end(conversation);
}

void SelectingObserver::on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) {
    // The tracker called on_conversation_end(*materialized) just before: its decision stands.
    if (materialized == nullptr || !m_last_selected || m_inner == nullptr) return;
    m_inner->on_half_open_end(attempt, materialized);
}

}  // namespace tcpvet::select
