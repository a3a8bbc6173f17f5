// libFuzzer target: arbitrary bytes as a capture file, read from memory by libpcap and run through
// the whole pipeline (decode -> count -> track -> judge). The observer reads every field of every
// segment, conversation and half-open attempt it is handed, so a bad view or an invalid enum or
// bool is reported by the sanitizers where it is produced.
//
// The tracker runs with small caps so eviction and record reuse are reached with few packets.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_touch.hpp"
#include "tcpvet/analysis/segment_flags.hpp"
#include "tcpvet/analysis/verdicts.hpp"
#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/flow/conversation.hpp"
#include "tcpvet/flow/half_open.hpp"
#include "tcpvet/flow/tcp_state.hpp"
#include "tcpvet/flow/tracker.hpp"
#include "tcpvet/pipeline.hpp"

namespace {

using tcpvet::fuzz::require;
using tcpvet::fuzz::Sink;

void touch_key(Sink& sink, const tcpvet::flow::FlowKey& key) {
    for (const std::uint64_t word : key.addr_a) sink.add(word);
    for (const std::uint64_t word : key.addr_b) sink.add(word);
    sink.add(key.port_a);
    sink.add(key.port_b);
    sink.add(key.family);
}

void touch_direction(Sink& sink, const tcpvet::analysis::SequenceDirection& dir) {
    require(dir.unacked_count <= tcpvet::analysis::SequenceDirection::k_max_unacked);
    sink.add(dir.base_seq);
    sink.add(dir.base_seq_set);
    sink.add(dir.saw_syn);
    sink.add(dir.saw_synack);
    sink.add(dir.is_first_ack);
    sink.add(dir.valid_bif);
    sink.add(dir.next_seq);
    sink.add(dir.next_seq_ts_ns);
    sink.add(dir.max_seq_to_be_acked);
    sink.add(dir.last_ack);
    sink.add(dir.last_ack_ts_ns);
    sink.add(dir.last_non_dup_ack_frame);
    sink.add(dir.dup_ack_num);
    sink.add(dir.window);
    sink.add(dir.window_scale);
    sink.add(dir.last_flags);
    sink.add(dir.sack_delivered);
    sink.add(dir.sack_blocks);
    for (std::size_t i = 0; i < dir.unacked_count; ++i) {
        const tcpvet::analysis::UnackedSegment& seg = dir.unacked[i];
        sink.add(seg.seq);
        sink.add(seg.next_seq);
        sink.add(seg.ts_ns);
        sink.add(seg.has_data);
        sink.add(seg.retransmitted);
    }
    for (const std::uint64_t count : dir.figures.flag_counts) sink.add(count);
    sink.add(dir.figures.rtt_samples);
    sink.add(dir.figures.rtt_min_ns);
    sink.add(dir.figures.rtt_max_ns);
    sink.add(dir.figures.rtt_mean_ns());
    sink.add(dir.figures.bytes_in_flight_max);
}

void touch_endpoint(Sink& sink, const tcpvet::flow::EndpointRecord& side) {
    for (const std::uint8_t b : side.endpoint.addr.bytes) sink.add(b);
    sink.add(side.endpoint.addr.family);
    sink.add(side.endpoint.port);
    sink.add(side.isn_known);
    sink.add(side.isn);
    sink.add(side.next_seq_known);
    sink.add(side.next_seq);
    sink.add(side.ack_known);
    sink.add(side.last_ack_sent);
    sink.add(side.last_window);
    sink.add_text(tcpvet::flow::state_name(side.state));
    sink.add_text(tcpvet::flow::state_key(side.state));
    sink.add(side.state_since_ns);
    require(side.transition_count <= tcpvet::flow::EndpointRecord::k_max_transitions);
    sink.add(side.transitions_dropped);
    for (std::size_t i = 0; i < side.transition_count; ++i) {
        const tcpvet::flow::StateTransition& t = side.transitions[i];
        sink.add(t.ts_ns);
        sink.add(t.frame);
        sink.add_text(tcpvet::flow::state_name(t.from));
        sink.add_text(tcpvet::flow::state_name(t.to));
    }
    for (const std::int64_t ns : side.time_in_state_ns) sink.add(ns);
    sink.add(side.packets);
    sink.add(side.wire_bytes);
    sink.add(side.payload_bytes);
    sink.add(side.bytes_after_peer_fin);
    sink.add(side.options.mss);
    sink.add(side.options.window_scale);
    sink.add(side.options.has_mss);
    sink.add(side.options.sack_permitted);
    sink.add(side.options.timestamps);
    sink.add(side.syn_frame);
    sink.add(side.syn_ts_ns);
    sink.add(side.syn_had_ack);
    sink.add(side.syn_acked);
    sink.add(side.syn_ack_pending);
    sink.add(side.syn_count);
    sink.add(side.fin_frame);
    sink.add(side.fin_seq);
    sink.add(side.fin_count);
    sink.add(side.fin_acked_frame);
    sink.add(side.fin_ts_ns);
    sink.add(side.fin_acked_ts_ns);
    sink.add(side.rst_frame);
    sink.add(side.last_ts_ns);
    sink.add(side.keepalives);
}

void touch_conversation(Sink& sink, const tcpvet::flow::Conversation& c) {
    namespace analysis = tcpvet::analysis;
    sink.add(c.stream);
    touch_key(sink, c.key);
    sink.add(c.originator_is_a);
    touch_endpoint(sink, c.side[0]);
    touch_endpoint(sink, c.side[1]);
    sink.add(c.first_ts_ns);
    sink.add(c.last_ts_ns);
    sink.add(c.first_frame);
    sink.add(c.last_frame);
    sink.add(c.midstream);
    sink.add(c.resumed);
    sink.add(c.timed_out);
    sink.add(c.reused_from_stream);
    sink.add_text(analysis::name(c.handshake));
    sink.add_text(analysis::explain(c.handshake));
    for (const std::uint64_t frame : c.handshake_frames) sink.add(frame);
    sink.add(c.initial_rtt_ns);
    sink.add(c.established);
    sink.add(c.simultaneous_open);
    sink.add(c.third_segment_seen);
    sink.add(c.third_segment_data);
    sink.add(c.rst_seen);
    sink.add_text(analysis::name(c.teardown));
    sink.add_text(analysis::explain(c.teardown));
    sink.add_text(analysis::name(c.close_initiator));
    sink.add(c.reset_by);
    sink.add_text(tcpvet::flow::state_name(c.reset_in_state));
    sink.add(c.reset_with_unacked_data);
    sink.add_text(analysis::name(c.end_reason));
    require(c.findings.size() <= tcpvet::flow::Conversation::k_max_findings);
    for (const tcpvet::flow::Finding& f : c.findings) {
        sink.add_text(analysis::name(f.kind));
        sink.add(f.frame);
        sink.add(f.side);
        sink.add(f.has_numbers);
        sink.add(f.expected);
        sink.add(f.observed);
        sink.add(f.count);
    }
    sink.add(c.findings_dropped);
    touch_direction(sink, c.sequence.direction(0));
    touch_direction(sink, c.sequence.direction(1));
    sink.add(c.sequence.initial_rtt_ns());
    sink.add_text(c.zeek.conn_state());
    sink.add_text(c.zeek.history());
    sink.add(static_cast<unsigned>(c.zeek.originator_state()));
    sink.add(static_cast<unsigned>(c.zeek.responder_state()));
    sink.add(c.packets());
    sink.add(c.duration_ns());
}

class TouchEverything final : public tcpvet::flow::TrackerObserver, public tcpvet::FrameObserver {
public:
    void on_frame(const tcpvet::DecodedPacket& packet) override { tcpvet::fuzz::touch_packet(m_sink, packet); }

    void on_segment(const tcpvet::DecodedPacket& packet, const tcpvet::flow::SegmentInfo& info) override {
        require(packet.cls == tcpvet::PacketClass::tcp);
        require(info.side <= 1);
        m_sink.add(info.stream);
        m_sink.add(info.analysis.flags);
        m_sink.add(info.analysis.rel_seq);
        m_sink.add(info.analysis.rel_ack);
        m_sink.add(info.analysis.dup_ack_num);
        m_sink.add(info.analysis.ack_rtt_ns);
        m_sink.add(info.analysis.bytes_in_flight);
        m_sink.add(info.analysis.has_bytes_in_flight);
        m_sink.add_text(tcpvet::flow::state_name(info.state_after[0]));
        m_sink.add_text(tcpvet::flow::state_name(info.state_after[1]));
        if (info.conversation != nullptr) {
            require(info.conversation->stream == info.stream);
            m_sink.add(info.conversation->packets());
        }
    }

    void on_conversation_end(const tcpvet::flow::Conversation& conversation) override {
        touch_conversation(m_sink, conversation);
    }

    void on_half_open_end(const tcpvet::flow::HalfOpen& attempt,
                          const tcpvet::flow::Conversation* materialized) override {
        touch_key(m_sink, attempt.key);
        m_sink.add(attempt.stream);
        m_sink.add(attempt.client_isn);
        m_sink.add(attempt.server_isn);
        m_sink.add(attempt.syn_count);
        m_sink.add(attempt.synack_count);
        m_sink.add(attempt.first_ts_ns);
        m_sink.add(attempt.synack_ts_ns);
        m_sink.add(attempt.last_ts_ns);
        m_sink.add(attempt.first_frame);
        m_sink.add(attempt.synack_frame_delta);
        m_sink.add(attempt.syn_retransmit_delta[0]);
        m_sink.add(attempt.last_frame_delta);
        m_sink.add(attempt.client_wire_bytes);
        m_sink.add(attempt.server_wire_bytes);
        m_sink.add(attempt.client_window);
        m_sink.add(attempt.server_window);
        m_sink.add(attempt.client_options.mss);
        m_sink.add(attempt.client_options.window_scale);
        m_sink.add(attempt.client_options.bits);
        m_sink.add(attempt.server_options.mss);
        m_sink.add(attempt.server_options.window_scale);
        m_sink.add(attempt.server_options.bits);
        m_sink.add(attempt.originator_is_a);
        m_sink.add(attempt.synack_seen);
        m_sink.add(attempt.reused_from_stream);
        if (materialized != nullptr) {
            touch_conversation(m_sink, *materialized);
        }
    }

    // Every other call says no, so both the compact and the rebuilt path are exercised.
    bool wants_half_open_conversation() override { return (++m_half_open_asks & 1U) != 0; }

    [[nodiscard]] const Sink& sink() const noexcept { return m_sink; }

private:
    Sink m_sink;
    unsigned m_half_open_asks = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    tcpvet::capture::SourceOptions source_options;
    source_options.memory = std::as_bytes(std::span<const std::uint8_t>(data, size));
    tcpvet::capture::PacketSource source(source_options);
    if (!source.open()) {
        require(source.failed() && !source.error().empty());
        return 0;
    }

    tcpvet::PipelineOptions options;
    options.tracker.max_records = 16;
    options.tracker.max_conversations = 8;
    options.max_packets = 4096;  // keeps each run short; libFuzzer's inputs stay small anyway
    TouchEverything observer;
    const tcpvet::PipelineResult result = tcpvet::run_pipeline(source, options, observer, &observer);
    require(!result.failed || !result.error.empty());
    require(result.capture.packets <= options.max_packets);
    Sink sink = observer.sink();
    sink.add(result.capture.packets);
    sink.add(result.tracker.conversations);
    sink.add(result.streams);
    sink.publish();
    return 0;
}
