// Evaluating a parsed --select expression on one conversation.
#pragma once

#include <cstdint>

#include "tcpvet/select/conversation_facts.hpp"
#include "tcpvet/select/expression.hpp"

namespace tcpvet::select {

// What an expression is evaluated against: the conversation, the anomaly kinds it is part of
// (bit set of anomaly::AnomalyKind) and the capture's first frame time (relative `time` values).
struct Subject {
    const ConversationFacts& facts;
    std::uint32_t anomaly_kinds = 0;
    std::int64_t capture_start_ns = 0;
};

// Semantics (README "Selecting conversations"):
//  - host/port test either endpoint, src/sport the originator, dst/dport the responder; for every
//    field `a != b` is `not (a == b)`, so `port != 80` means neither port is 80;
//  - time compares the conversation's span [first, last]: `time >= T` is last >= T, `time <= T`
//    first <= T (so `time >= A and time <= B` is "active at some point in [A, B]"), `time == T`
//    holds when T is inside the span;
//  - flag/anomaly `== x`: some segment had the flag / the conversation is part of such an anomaly;
//  - tunnel/tunnel_id: some layer of the encapsulation its first packet came through has that kind
//    / an identifier that compares true (`tunnel == none`: not tunnelled).
[[nodiscard]] bool evaluate(const Expression& expression, const Subject& subject) noexcept;

}  // namespace tcpvet::select
