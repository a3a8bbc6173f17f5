// JSON renderings: snake_case names, numbers as numbers, times as epoch seconds and RFC 3339.
#include "tcpvet/report/json_report.hpp"

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/report/format.hpp"

namespace tcpvet::report {
namespace {

using nlohmann::json;

const char* role_name(unsigned side) noexcept { return side == 0 ? "originator" : "responder"; }

json nullable_frame(std::uint64_t frame) { return frame == flow::k_no_frame ? json(nullptr) : json(frame); }

json options_json(const flow::AnnouncedOptions& options) {
    return json{{"mss", options.has_mss ? json(options.mss) : json(nullptr)},
                {"window_scale", options.window_scale >= 0 ? json(options.window_scale) : json(nullptr)},
                {"sack_permitted", options.sack_permitted},
                {"timestamps", options.timestamps}};
}

json figures_json(const analysis::DirectionFigures& figures) {
    json flags = json::object();
    for (std::size_t i = 0; i < analysis::k_segment_flag_count; ++i) {
        flags[std::string(analysis::k_segment_flag_names[i])] = figures.flag_counts[i];
    }
    json rtt = json::object();
    rtt["samples"] = figures.rtt_samples;
    if (figures.rtt_samples > 0) {
        rtt["min_s"] = static_cast<double>(figures.rtt_min_ns) / 1e9;
        rtt["mean_s"] = static_cast<double>(figures.rtt_sum_ns) / 1e9 / static_cast<double>(figures.rtt_samples);
        rtt["max_s"] = static_cast<double>(figures.rtt_max_ns) / 1e9;
    } else {
        rtt["min_s"] = nullptr;
        rtt["mean_s"] = nullptr;
        rtt["max_s"] = nullptr;
    }
    return json{{"flags", flags}, {"rtt", rtt}, {"bytes_in_flight_max", figures.bytes_in_flight_max}};
}

json reassembly_json(const flow::ReassemblyFigures& figures) {
    return json{{"delivered_bytes", figures.delivered_bytes},
                {"out_of_order_segments", figures.out_of_order_segments},
                {"overlaps", figures.overlaps},
                {"overlap_bytes", figures.overlap_bytes},
                {"overlaps_differing", figures.overlaps_differing},
                {"gaps", figures.gaps},
                {"missed_bytes", figures.missed_bytes},
                {"dropped_bytes", figures.dropped_bytes},
                {"out_of_window_segments", figures.out_of_window_segments},
                {"buffered_peak", figures.buffered_peak}};
}

json endpoint_json(const flow::Conversation& conversation, unsigned side) {
    const flow::EndpointRecord& endpoint = conversation.side[side];
    json transitions = json::array();
    for (std::size_t i = 0; i < endpoint.transition_count; ++i) {
        const flow::StateTransition& t = endpoint.transitions[i];
        transitions.push_back(json{{"frame", t.frame},
                                   {"time", epoch_seconds(t.ts_ns)},
                                   {"from", std::string(flow::state_name(t.from))},
                                   {"to", std::string(flow::state_name(t.to))}});
    }
    json time_in_state = json::object();
    for (std::size_t s = 0; s < flow::k_tcp_state_count; ++s) {
        if (endpoint.time_in_state_ns[s] == 0) continue;
        time_in_state[std::string(flow::state_key(static_cast<flow::TcpState>(s)))] =
            static_cast<double>(endpoint.time_in_state_ns[s]) / 1e9;
    }
    const analysis::SequenceDirection& direction = conversation.sequence.direction(side);
    return json{{"role", role_name(side)},
                {"address", format_address(endpoint.endpoint.addr)},
                {"port", endpoint.endpoint.port},
                {"isn", endpoint.isn_known ? json(endpoint.isn) : json(nullptr)},
                {"packets", endpoint.packets},
                {"bytes", endpoint.wire_bytes},
                {"payload_bytes", endpoint.payload_bytes},
                {"state", std::string(flow::state_name(endpoint.state))},
                {"transitions", transitions},
                {"transitions_dropped", endpoint.transitions_dropped},
                {"time_in_state_s", time_in_state},
                {"options", options_json(endpoint.options)},
                {"syn_count", endpoint.syn_count},
                {"fin_frame", nullable_frame(endpoint.fin_frame)},
                {"fin_acked_frame", nullable_frame(endpoint.fin_acked_frame)},
                {"fin_count", endpoint.fin_count},
                {"rst_frame", nullable_frame(endpoint.rst_frame)},
                {"bytes_after_peer_fin", endpoint.bytes_after_peer_fin},
                {"keepalives", endpoint.keepalives},
                {"analysis", figures_json(direction.figures)},
                {"reassembly", reassembly_json(conversation.reassembly[side].figures())}};
}

}  // namespace

json time_json(std::int64_t ts_ns) {
    return json{{"epoch", epoch_seconds(ts_ns)}, {"epoch_ns", ts_ns}, {"rfc3339", format_rfc3339(ts_ns)}};
}

std::string finding_text(const flow::Conversation& conversation, const flow::Finding& finding) {
    using analysis::FindingKind;
    std::string text = "frame " + std::to_string(finding.frame) + ": ";
    const auto number = [](std::uint32_t value) { return std::to_string(value); };
    switch (finding.kind) {
    case FindingKind::syn_retransmitted:
        return text + "SYN retransmitted " + std::to_string(finding.count) + " time(s)";
    case FindingKind::synack_retransmitted:
        return text + "SYN-ACK retransmitted " + std::to_string(finding.count) + " time(s)";
    case FindingKind::synack_wrong_ack:
        return text + "SYN-ACK ack " + number(finding.observed) + ", expected " + number(finding.expected) +
               " (client ISN + 1)";
    case FindingKind::third_segment_wrong_seq:
        return text + "third segment seq " + number(finding.observed) + ", expected " + number(finding.expected) +
               " (client ISN + 1)";
    case FindingKind::third_segment_wrong_ack:
        return text + "third segment ack " + number(finding.observed) + ", expected " + number(finding.expected) +
               " (server ISN + 1)";
    case FindingKind::third_segment_textbook_seq:
        return text + "third segment reuses the SYN's seq " + number(finding.observed) +
               "; RFC 9293 wants ISN + 1 = " + number(finding.expected) + " because the SYN consumed one number";
    case FindingKind::data_before_handshake:
        return text + std::string(role_name(finding.side)) + " sent data before the handshake completed";
    case FindingKind::data_on_syn:
        return text + "SYN carries data";
    case FindingKind::data_after_fin:
        return text + std::string(role_name(finding.side)) + " sent data after its own FIN";
    case FindingKind::data_after_rst:
        return text + std::string(role_name(finding.side)) + " sent data after a RST";
    case FindingKind::port_reused:
        return text + "new SYN on the 5-tuple of stream " + std::to_string(conversation.reused_from_stream) +
               " (port reuse)";
    case FindingKind::resumed_after_timeout:
        return text + "continues a conversation that had gone idle past the timeout";
    }
    return text;
}

json conversation_json(const flow::Conversation& c) {
    json findings = json::array();
    for (const flow::Finding& finding : c.findings) {
        json item{{"kind", std::string(analysis::name(finding.kind))},
                  {"frame", finding.frame},
                  {"side", role_name(finding.side)},
                  {"count", finding.count},
                  {"text", finding_text(c, finding)}};
        if (finding.has_numbers) {
            item["expected"] = finding.expected;
            item["observed"] = finding.observed;
        }
        findings.push_back(std::move(item));
    }
    json frames = json::array();
    for (std::uint64_t frame : c.handshake_frames) frames.push_back(nullable_frame(frame));
    json reset = nullptr;
    if (c.rst_seen) {
        reset = json{{"by", role_name(static_cast<unsigned>(c.reset_by))},
                     {"in_state", std::string(flow::state_name(c.reset_in_state))},
                     {"unacked_data", c.reset_with_unacked_data}};
    }
    return json{{"stream", c.stream},
                {"originator", endpoint_json(c, 0)},
                {"responder", endpoint_json(c, 1)},
                {"start", time_json(c.first_ts_ns)},
                {"end", time_json(c.last_ts_ns)},
                {"duration_s", static_cast<double>(c.duration_ns()) / 1e9},
                {"first_frame", c.first_frame},
                {"last_frame", c.last_frame},
                {"packets", c.packets()},
                {"midstream", c.midstream},
                {"resumed", c.resumed},
                {"timed_out", c.timed_out},
                {"reused_from_stream",
                 c.reused_from_stream == flow::Conversation::k_no_stream ? json(nullptr) : json(c.reused_from_stream)},
                {"handshake",
                 json{{"verdict", std::string(analysis::name(c.handshake))},
                      {"explanation", std::string(analysis::explain(c.handshake))},
                      {"conformant", !analysis::is_nonconformant(c.handshake)},
                      {"frames", frames},
                      {"initial_rtt_s", c.initial_rtt_ns >= 0 ? json(static_cast<double>(c.initial_rtt_ns) / 1e9)
                                                              : json(nullptr)}}},
                {"teardown",
                 json{{"verdict", std::string(analysis::name(c.teardown))},
                      {"explanation", std::string(analysis::explain(c.teardown))},
                      {"initiator", std::string(analysis::name(c.close_initiator))},
                      {"reset", reset}}},
                {"findings", findings},
                {"findings_dropped", c.findings_dropped},
                {"zeek", json{{"conn_state", std::string(c.zeek.conn_state())}, {"history", std::string(c.zeek.history())}}},
                {"end_reason", std::string(analysis::name(c.end_reason))}};
}

json capture_json(const capture::CaptureStats& stats) {
    json link_types = json::array();
    for (const capture::LinkTypeCount& link : stats.link_types) {
        if (link.link_type < 0) continue;
        link_types.push_back(
            json{{"link_type", link.link_type}, {"name", capture::link_type_name(link.link_type)}, {"packets", link.packets}});
    }
    static constexpr const char* k_layer_names[] = {"none", "link", "ip", "tcp", "tcp_options"};
    json truncated_at = json::object();
    for (std::size_t i = 1; i < stats.truncated_at.size(); ++i) truncated_at[k_layer_names[i]] = stats.truncated_at[i];
    json result{{"packets", stats.packets},
                {"bytes", stats.bytes},
                {"captured_bytes", stats.captured_bytes},
                {"link_types", link_types},
                {"tcp", stats.tcp},
                {"non_ip", stats.non_ip},
                {"non_tcp", json{{"udp", stats.udp}, {"icmp", stats.icmp}, {"other", stats.other_ip}}},
                {"malformed", stats.malformed},
                {"fragments", stats.fragments},
                {"truncated", stats.truncated},
                {"truncated_at", truncated_at},
                {"bad_checksums", json{{"ipv4", stats.bad_ip_checksum}, {"tcp", stats.bad_tcp_checksum}}},
                {"unverified_tcp_checksums", stats.unverified_tcp_checksum},
                {"malformed_tcp_options", stats.malformed_tcp_options}};
    if (!stats.empty()) {
        result["first"] = time_json(stats.first_ts_ns);
        result["last"] = time_json(stats.last_ts_ns);
    } else {
        result["first"] = nullptr;
        result["last"] = nullptr;
    }
    return result;
}

json tracker_json(const flow::TrackerStats& stats, const flow::TrackerOptions& options) {
    return json{{"conversations_created", stats.conversations},
                {"half_open_created", stats.half_open_created},
                {"half_open_promoted", stats.promoted},
                {"half_open_ended", stats.half_open_ended},
                {"ended", json{{"idle_timeout", stats.ended_idle_timeout},
                               {"closed", stats.ended_closed},
                               {"port_reuse", stats.ended_port_reuse}}},
                {"evicted", json{{"record_cap", stats.evicted_record_cap},
                                 {"conversation_cap", stats.evicted_conversation_cap}}},
                {"resumed", stats.resumed},
                {"peak_records", stats.peak_records},
                {"peak_conversations", stats.peak_conversations},
                {"peak_memory_bytes", stats.peak_memory_bytes},
                {"limits", json{{"idle_timeout_s", static_cast<double>(options.idle_timeout_ns) / 1e9},
                                {"closed_linger_s", static_cast<double>(options.closed_linger_ns) / 1e9},
                                {"max_records", options.max_records},
                                {"max_conversations", options.max_conversations}}}};
}

json segment_json(const DecodedPacket& packet, const flow::SegmentInfo& info) {
    json analysis_names = json::array();
    for (std::size_t i = 0; i < analysis::k_segment_flag_count; ++i) {
        if ((info.analysis.flags & (analysis::SegmentFlags{1} << i)) != 0) {
            analysis_names.push_back(std::string(analysis::k_segment_flag_names[i]));
        }
    }
    const TcpHeader& tcp = packet.tcp;
    json options = json::object();
    if (tcp.options.has_mss) options["mss"] = tcp.options.mss;
    if (tcp.options.has_window_scale) options["window_scale"] = tcp.options.window_scale;
    if (tcp.options.sack_permitted) options["sack_permitted"] = true;
    if (tcp.options.has_timestamps) options["timestamps"] = json::array({tcp.options.ts_val, tcp.options.ts_ecr});
    if (tcp.options.sack_count > 0) {
        json blocks = json::array();
        for (std::size_t i = 0; i < tcp.options.sack_count; ++i) {
            blocks.push_back(json::array({tcp.options.sack[i].left, tcp.options.sack[i].right}));
        }
        options["sack"] = blocks;
    }
    if (tcp.options.other_count > 0) {
        json other = json::array();
        for (std::size_t i = 0; i < tcp.options.other_count && i < TcpOptions::k_max_other; ++i) {
            other.push_back(json{{"kind", tcp.options.other[i].kind}, {"length", tcp.options.other[i].length}});
        }
        options["other"] = other;
    }
    if (tcp.options.malformed) options["malformed"] = true;
    static constexpr const char* k_checksum[] = {"unverified", "ok", "bad"};
    json result{{"frame", packet.frame},
                {"time", epoch_seconds(packet.ts_ns)},
                {"stream", info.stream},
                {"side", role_name(info.side)},
                {"src", format_address(packet.src)},
                {"sport", tcp.src_port},
                {"dst", format_address(packet.dst)},
                {"dport", tcp.dst_port},
                {"flags", format_flags(tcp.flags)},
                {"seq", tcp.seq},
                {"ack", tcp.ack},
                {"rel_seq", info.analysis.rel_seq},
                {"rel_ack", info.analysis.rel_ack},
                {"len", packet.payload_len},
                {"window", tcp.window},
                {"options", options},
                {"checksum", k_checksum[static_cast<std::size_t>(packet.tcp_checksum)]},
                {"analysis", analysis_names},
                {"state_after", json::array({std::string(flow::state_name(info.state_after[0])),
                                             std::string(flow::state_name(info.state_after[1]))})}};
    if (info.analysis.dup_ack_num > 0) result["dup_ack_num"] = info.analysis.dup_ack_num;
    if (info.analysis.ack_rtt_ns >= 0) result["ack_rtt_s"] = static_cast<double>(info.analysis.ack_rtt_ns) / 1e9;
    if (info.analysis.has_bytes_in_flight) result["bytes_in_flight"] = info.analysis.bytes_in_flight;
    if (packet.truncated_at != Layer::none) result["truncated"] = true;
    return result;
}

}  // namespace tcpvet::report
