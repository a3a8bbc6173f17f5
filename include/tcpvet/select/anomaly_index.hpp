// Which anomalies a conversation is part of, for --select's `anomaly` field and for listing only
// the anomalies of selected conversations.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "tcpvet/anomaly/anomaly.hpp"
#include "tcpvet/select/conversation_facts.hpp"

namespace tcpvet::select {

// A conversation is part of an anomaly when the anomaly lists its stream, or, when the anomaly's
// stream sample was cut (more conversations than it lists), when one of the anomaly's endpoints is
// one of the conversation's (same address; same port unless the anomaly's port is 0) and the
// conversation's span overlaps the anomaly's time window.
class AnomalyIndex {
public:
    AnomalyIndex() = default;
    explicit AnomalyIndex(const std::vector<anomaly::Anomaly>& anomalies);

    // Bit set of anomaly::AnomalyKind the conversation is part of.
    [[nodiscard]] std::uint32_t kinds_of(const ConversationFacts& facts) const;
    // Whether the conversation is part of `anomaly`.
    [[nodiscard]] static bool involves(const anomaly::Anomaly& anomaly, const ConversationFacts& facts) noexcept;

private:
    std::unordered_map<std::uint32_t, std::uint32_t> m_kinds_by_stream;
    std::vector<const anomaly::Anomaly*> m_cut;  // anomalies whose stream sample is incomplete
};

}  // namespace tcpvet::select
