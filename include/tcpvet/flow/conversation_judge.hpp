// Stage three: verdicts for a finished conversation, from the milestones the classifier recorded.
#pragma once

#include <cstdint>

#include "tcpvet/flow/conversation.hpp"

namespace tcpvet::flow {

// Fills handshake, teardown and close_initiator, and closes the time-in-state accounts at `end_ns`.
void judge_conversation(Conversation& conversation, std::int64_t end_ns) noexcept;

// Both FINs acknowledged, or a RST seen: nothing more is expected on this conversation.
[[nodiscard]] bool is_closed(const Conversation& conversation) noexcept;

}  // namespace tcpvet::flow
