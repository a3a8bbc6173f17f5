// What --select can test about one conversation, copied from the judged record when it ends.
#pragma once

#include <cstdint>

#include "tcpvet/analysis/segment_flags.hpp"
#include "tcpvet/analysis/verdicts.hpp"
#include "tcpvet/decode/encapsulation.hpp"
#include "tcpvet/flow/conversation.hpp"

namespace tcpvet::select {

struct ConversationFacts {
    std::uint32_t stream = 0;
    flow::Endpoint originator{};   // src: the side that sent the first SYN (or the first segment seen)
    flow::Endpoint responder{};    // dst
    std::uint32_t conn_state = 0;  // index in k_conn_states
    analysis::HandshakeVerdict handshake{};
    analysis::TeardownVerdict teardown{};
    analysis::SegmentFlags flags = 0;  // every tcp.analysis flag any segment had
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    std::uint64_t bytes = 0;    // frame bytes both ways, as the conversation table's bytes
    std::uint64_t packets = 0;  // both ways
    // The tunnels its first packet came through (null: none), as the reports name them. Entries of
    // the pipeline's EncapsulationTable never move; read only while the conversation is judged.
    const decode::Encapsulation* encapsulation = nullptr;
};

[[nodiscard]] ConversationFacts facts_of(const flow::Conversation& conversation) noexcept;

}  // namespace tcpvet::select
