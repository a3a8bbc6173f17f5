// A tracker observer in front of a report: passes on only the conversations --select keeps, and
// remembers which streams those were (for -w, packets, ladder and follow).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "tcpvet/flow/tracker.hpp"
#include "tcpvet/select/anomaly_index.hpp"
#include "tcpvet/select/conversation_facts.hpp"
#include "tcpvet/select/expression.hpp"

namespace tcpvet::select {

// The streams a selection kept: a bit per tcp.stream number, and (up to a cap, the rest counted)
// the facts of each, for matching them to anomalies afterwards.
class SelectedStreams {
public:
    static constexpr std::size_t k_max_facts = 1U << 20;

    void add(const ConversationFacts& facts);
    [[nodiscard]] bool contains(std::uint32_t stream) const noexcept {
        return stream < m_bits.size() && m_bits[stream];
    }
    [[nodiscard]] std::uint64_t count() const noexcept { return m_count; }
    [[nodiscard]] const std::vector<ConversationFacts>& facts() const noexcept { return m_facts; }
    [[nodiscard]] std::uint64_t facts_dropped() const noexcept { return m_facts_dropped; }
    // The lowest selected stream, or -1.
    [[nodiscard]] std::int64_t first() const noexcept;

private:
    std::vector<bool> m_bits;
    std::vector<ConversationFacts> m_facts;
    std::uint64_t m_count = 0;
    std::uint64_t m_facts_dropped = 0;
};

class SelectingObserver : public flow::TrackerObserver {
public:
    // `inner` (may be null: only record) sees the selected conversations' ends; `anomalies` (may be
    // null when the expression has no `anomaly` test) and `capture_start` (the first frame's time,
    // set by the pipeline) are read when a conversation ends.
    SelectingObserver(const Expression& expression, flow::TrackerObserver* inner, const AnomalyIndex* anomalies,
                      const std::atomic<std::int64_t>* capture_start);

    [[nodiscard]] bool wants_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) const override {
        return m_inner != nullptr && m_inner->wants_segment(packet, info);
    }
    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override {
        if (m_inner != nullptr) m_inner->on_segment(packet, info);
    }
    void on_conversation_end(const flow::Conversation& conversation) override;
    void on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) override;
    // Every attempt is judged as a conversation: the expression needs its facts.
    bool wants_half_open_conversation() override { return true; }
    void on_capture_end(std::int64_t end_ns) override {
        if (m_inner != nullptr) m_inner->on_capture_end(end_ns);
    }

    [[nodiscard]] const SelectedStreams& selected() const noexcept { return m_selected; }
    [[nodiscard]] bool matches(const ConversationFacts& facts) const noexcept;

private:
    const Expression& m_expression;
    flow::TrackerObserver* m_inner;
    const AnomalyIndex* m_anomalies;
    const std::atomic<std::int64_t>* m_capture_start;
    SelectedStreams m_selected;
    bool m_last_selected = false;  // the decision on the conversation that just ended
};

// In front of a per-segment report (packets, ladder, follow): passes on only the segments and ends
// of the streams a first pass selected, as they come.
class SelectedStreamFilter : public flow::TrackerObserver {
public:
    SelectedStreamFilter(const SelectedStreams& selected, flow::TrackerObserver& inner)
        : m_selected(selected), m_inner(inner) {}

    [[nodiscard]] bool wants_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) const override {
        return m_selected.contains(info.stream) && m_inner.wants_segment(packet, info);
    }
    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override {
        if (m_selected.contains(info.stream)) m_inner.on_segment(packet, info);
    }
    void on_conversation_end(const flow::Conversation& conversation) override {
        if (m_selected.contains(conversation.stream)) m_inner.on_conversation_end(conversation);
    }
    void on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) override {
        if (materialized != nullptr && m_selected.contains(materialized->stream)) {
            m_inner.on_half_open_end(attempt, materialized);
        }
    }
    bool wants_half_open_conversation() override { return m_inner.wants_half_open_conversation(); }
    void on_stream_data(const flow::Conversation& conversation, unsigned side, std::uint64_t offset,
                        Bytes bytes) override {
        if (m_selected.contains(conversation.stream)) m_inner.on_stream_data(conversation, side, offset, bytes);
    }
    void on_stream_gap(const flow::Conversation& conversation, unsigned side, std::uint64_t offset,
                       std::uint64_t length) override {
        if (m_selected.contains(conversation.stream)) m_inner.on_stream_gap(conversation, side, offset, length);
    }
    void on_capture_end(std::int64_t end_ns) override { m_inner.on_capture_end(end_ns); }

private:
    const SelectedStreams& m_selected;
    flow::TrackerObserver& m_inner;
};

}  // namespace tcpvet::select
