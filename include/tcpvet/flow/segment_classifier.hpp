// Stage one of the state machine: what a segment means for each endpoint, with evidence.
#pragma once

#include "tcpvet/analysis/sequence_analyzer.hpp"
#include "tcpvet/flow/conversation.hpp"
#include "tcpvet/packet.hpp"

namespace tcpvet::flow {

// Sets an endpoint's first state (no transition is implied before it).
void set_initial_state(EndpointRecord& endpoint, TcpState state, std::int64_t ts_ns) noexcept;

// Applies one segment sent by `side` (0 originator, 1 responder): counters, handshake and close
// milestones, findings, and the RFC 9293 events for both endpoints (through next_state()).
void classify_segment(Conversation& conversation, unsigned side, const DecodedPacket& packet,
                      const analysis::SegmentAnalysis& analysis);

// Adds a finding (one per occurrence, up to Conversation::k_max_findings; the rest are counted).
void record_finding(Conversation& conversation, const Finding& finding);

}  // namespace tcpvet::flow
