// Collects finished conversations for the final report, or streams them as NDJSON records.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "tcpvet/analysis/verdicts.hpp"
#include "tcpvet/flow/tracker.hpp"

namespace tcpvet::report {

// One line of the conversation table, rendered from a finished conversation.
struct ConversationRow {
    std::uint32_t stream = 0;
    std::string originator;
    std::string responder;
    std::int64_t start_ns = 0;
    std::int64_t duration_ns = 0;
    std::array<std::uint64_t, 2> packets{};
    std::array<std::uint64_t, 2> bytes{};
    std::string handshake;
    std::string teardown;
    std::string conn_state;
    std::string encapsulation;  // format_encapsulation's text; empty when not tunnelled
    bool nonconformant = false;
};

struct VerdictCounts {
    std::map<std::string, std::uint64_t> handshake;
    std::map<std::string, std::uint64_t> teardown;
    std::map<std::string, std::uint64_t> conn_state;
    std::map<std::string, std::uint64_t> findings;
};

enum class CollectMode : std::uint8_t {
    rows,       // text tables
    json,       // the "conversations" array of a JSON document, streamed as they end (the caller writes the rest)
    ndjson,     // stream each conversation as it ends
    zeek,       // Zeek conn.log TSV rows, streamed as they end (the caller writes header and #close)
    zeek_json,  // Zeek conn.log JSON lines, streamed as they end
};

class ReportCollector : public flow::TrackerObserver {
public:
    // `ndjson_out` is required for CollectMode::ndjson and CollectMode::json. Half-open attempts beyond
    // `half_open_list_limit` are counted, not listed (a flood would otherwise flood the report).
    ReportCollector(CollectMode mode, std::ostream* ndjson_out, std::uint64_t half_open_list_limit);

    [[nodiscard]] bool wants_segment(const DecodedPacket& /*packet*/,
                                     const flow::SegmentInfo& /*info*/) const override {
        return false;
    }
    void on_conversation_end(const flow::Conversation& conversation) override;
    void on_half_open_end(const flow::HalfOpen& attempt, const flow::Conversation* materialized) override;
    bool wants_half_open_conversation() override;

    // Table rows in stream order.
    [[nodiscard]] std::vector<ConversationRow> sorted_rows();
    // Verdict counts so far (unlisted half-open attempts folded in).
    [[nodiscard]] const VerdictCounts& counts();
    [[nodiscard]] std::uint64_t conversations() const noexcept { return m_conversations; }
    [[nodiscard]] std::uint64_t half_open_unlisted() const noexcept { return m_half_open_unlisted; }
    // NDJSON: flush after every record (live capture, so `jq` sees records as they end).
    void set_flush_each(bool flush) noexcept { m_flush_each = flush; }

private:
    CollectMode m_mode;
    std::ostream* m_out;
    std::uint64_t m_half_open_limit;
    std::uint64_t m_half_open_listed = 0;
    std::uint64_t m_half_open_unlisted = 0;
    std::uint64_t m_conversations = 0;
    bool m_flush_each = false;
    std::array<std::uint64_t, 2> m_unlisted{};  // unlisted attempts: [0] SYN only, [1] SYN-ACK seen
    std::array<std::uint64_t, 2> m_unlisted_folded_by_kind{};
    std::uint64_t m_unlisted_folded = 0;
    std::uint64_t m_unlisted_syn_retransmissions = 0;
    std::uint64_t m_unlisted_synack_retransmissions = 0;
    VerdictCounts m_counts;
    std::vector<ConversationRow> m_rows;
    std::uint64_t m_written = 0;  // conversations written to the JSON array
};

// Builds the table row of a conversation.
[[nodiscard]] ConversationRow make_row(const flow::Conversation& conversation);

}  // namespace tcpvet::report
