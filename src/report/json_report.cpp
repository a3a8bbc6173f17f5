// JSON renderings: snake_case names, numbers as numbers, times as epoch seconds and RFC 3339.
#include "tcpvet/report/json_report.hpp"

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/decode/encapsulation.hpp"
#include "tcpvet/report/format.hpp"
#include "tcpvet/report/json_writer.hpp"
#include "tcpvet/report/seconds_text.hpp"

namespace tcpvet::report {
namespace {

using nlohmann::json;

// Builds an object by emplacing members. nlohmann's initializer-list constructor first makes every
// {"key", value} pair a two-element array and then converts the lot: measured with callgrind, ~10x
// the instructions of emplacing (about 400k per conversation record against 40k).
class JsonObject {
public:
    template <typename T>
    JsonObject& operator()(const char* key, T&& value) {
        m_json.emplace(key, std::forward<T>(value));
        return *this;
    }
    json take() { return std::move(m_json); }

private:
    json m_json = json::object();
};

const char* role_name(unsigned side) noexcept { return side == 0 ? "originator" : "responder"; }

// The same numbers as std::to_chars writes for the doubles (static_cast<double>(ns) / 1e9 and
// epoch_seconds), without its general algorithm: a record has dozens of them.
void write_duration(JsonWriter& w, std::string_view name, std::int64_t ns) {
    char text[k_seconds_text_max];
    w.key(name);
    w.number(written(text, write_duration_seconds(text, ns)));
}

void write_epoch(JsonWriter& w, std::string_view name, std::int64_t ts_ns) {
    char text[k_seconds_text_max];
    w.key(name);
    w.number(written(text, write_epoch_seconds(text, ts_ns)));
}

void write_time(JsonWriter& w, std::string_view name, std::int64_t ts_ns) {
    w.key(name);
    w.begin_object();
    write_epoch(w, "epoch", ts_ns);
    w.member("epoch_ns", ts_ns);
    char stamp[k_rfc3339_text_max];
    w.member("rfc3339", written(stamp, write_rfc3339(stamp, ts_ns)));
    w.end_object();
}

void write_address_member(JsonWriter& w, std::string_view name, const IpAddress& address) {
    char text[k_address_text_max];
    w.member(name, written(text, write_address(text, address)));
}

// A segment's options as sent, in name order; only those present.
void write_segment_options(JsonWriter& w, const TcpOptions& options) {
    w.key("options");
    w.begin_object();
    if (options.malformed) w.member("malformed", true);
    if (options.has_mss) w.member("mss", options.mss);
    if (options.other_count > 0) {
        w.key("other");
        w.begin_array();
        for (std::size_t i = 0; i < options.other_count && i < TcpOptions::k_max_other; ++i) {
            w.begin_object();
            w.member("kind", options.other[i].kind);
            w.member("length", options.other[i].length);
            w.end_object();
        }
        w.end_array();
    }
    if (options.sack_count > 0) {
        w.key("sack");
        w.begin_array();
        for (std::size_t i = 0; i < options.sack_count; ++i) {
            w.begin_array();
            w.value(options.sack[i].left);
            w.value(options.sack[i].right);
            w.end_array();
        }
        w.end_array();
    }
    if (options.sack_permitted) w.member("sack_permitted", true);
    if (options.has_timestamps) {
        w.key("timestamps");
        w.begin_array();
        w.value(options.ts_val);
        w.value(options.ts_ecr);
        w.end_array();
    }
    if (options.has_window_scale) w.member("window_scale", options.window_scale);
    w.end_object();
}

void write_frame(JsonWriter& w, std::string_view name, std::uint64_t frame) {
    if (frame == flow::k_no_frame) {
        w.null_member(name);
    } else {
        w.member(name, frame);
    }
}

void write_options(JsonWriter& w, const flow::AnnouncedOptions& options) {
    w.key("options");
    w.begin_object();
    if (options.has_mss) {
        w.member("mss", options.mss);
    } else {
        w.null_member("mss");
    }
    if (options.window_scale >= 0) {
        w.member("window_scale", std::int64_t{options.window_scale});
    } else {
        w.null_member("window_scale");
    }
    w.member("sack_permitted", options.sack_permitted);
    w.member("timestamps", options.timestamps);
    w.end_object();
}

void write_seconds_or_null(JsonWriter& w, std::string_view name, bool known, std::int64_t ns) {
    if (known) {
        write_duration(w, name, ns);
    } else {
        w.null_member(name);
    }
}

void write_figures(JsonWriter& w, const analysis::DirectionFigures& figures) {
    w.key("analysis");
    w.begin_object();
    w.key("flags");
    w.begin_object();
    for (std::size_t i = 0; i < analysis::k_segment_flag_count; ++i) {
        w.member(analysis::k_segment_flag_names[i], figures.flag_counts[i]);
    }
    w.end_object();
    w.key("rtt");
    w.begin_object();
    w.member("samples", figures.rtt_samples);
    const bool sampled = figures.rtt_samples > 0;
    write_seconds_or_null(w, "min_s", sampled, figures.rtt_min_ns);
    if (sampled) {
        w.member("mean_s", static_cast<double>(figures.rtt_sum_ns) / 1e9 / static_cast<double>(figures.rtt_samples));
    } else {
        w.null_member("mean_s");
    }
    write_seconds_or_null(w, "max_s", sampled, figures.rtt_max_ns);
    w.end_object();
    w.member("bytes_in_flight_max", figures.bytes_in_flight_max);
    w.end_object();
}

void write_reassembly(JsonWriter& w, const flow::ReassemblyFigures& figures) {
    w.key("reassembly");
    w.begin_object();
    w.member("delivered_bytes", figures.delivered_bytes);
    w.member("out_of_order_segments", figures.out_of_order_segments);
    w.member("overlaps", figures.overlaps);
    w.member("overlap_bytes", figures.overlap_bytes);
    w.member("overlaps_differing", figures.overlaps_differing);
    w.member("gaps", figures.gaps);
    w.member("missed_bytes", figures.missed_bytes);
    w.member("dropped_bytes", figures.dropped_bytes);
    w.member("out_of_window_segments", figures.out_of_window_segments);
    w.member("buffered_peak", figures.buffered_peak);
    w.end_object();
}

void write_endpoint(JsonWriter& w, const flow::Conversation& conversation, unsigned side) {
    const flow::EndpointRecord& endpoint = conversation.side[side];
    w.key(role_name(side));
    w.begin_object();
    w.member("role", role_name(side));
    write_address_member(w, "address", endpoint.endpoint.addr);
    w.member("port", endpoint.endpoint.port);
    if (endpoint.isn_known) {
        w.member("isn", endpoint.isn);
    } else {
        w.null_member("isn");
    }
    w.member("packets", endpoint.packets);
    w.member("bytes", endpoint.wire_bytes);
    w.member("payload_bytes", endpoint.payload_bytes);
    w.member("state", flow::state_name(endpoint.state));
    w.key("transitions");
    w.begin_array();
    for (std::size_t i = 0; i < endpoint.transition_count; ++i) {
        const flow::StateTransition& t = endpoint.transitions[i];
        w.begin_object();
        w.member("frame", t.frame);
        write_epoch(w, "time", t.ts_ns);
        w.member("time_ns", t.ts_ns);
        w.member("from", flow::state_name(t.from));
        w.member("to", flow::state_name(t.to));
        w.end_object();
    }
    w.end_array();
    w.member("transitions_dropped", endpoint.transitions_dropped);
    w.key("time_in_state_s");
    w.begin_object();
    for (std::size_t s = 0; s < flow::k_tcp_state_count; ++s) {
        if (endpoint.time_in_state_ns[s] == 0) continue;
        write_duration(w, flow::state_key(static_cast<flow::TcpState>(s)), endpoint.time_in_state_ns[s]);
    }
    w.end_object();
    write_options(w, endpoint.options);
    w.member("syn_count", endpoint.syn_count);
    write_frame(w, "fin_frame", endpoint.fin_frame);
    write_frame(w, "fin_acked_frame", endpoint.fin_acked_frame);
    w.member("fin_count", endpoint.fin_count);
    write_frame(w, "rst_frame", endpoint.rst_frame);
    w.member("bytes_after_peer_fin", endpoint.bytes_after_peer_fin);
    w.member("keepalives", endpoint.keepalives);
    write_figures(w, conversation.sequence.direction(side).figures);
    write_reassembly(w, conversation.reassembly[side].figures());
    // Goodput: bytes delivered in order (retransmissions and overlaps not counted) per second of
    // the conversation's life, in bits per second.
    const std::int64_t duration = conversation.duration_ns();
    if (duration > 0) {
        w.member("goodput_bps", static_cast<double>(conversation.reassembly[side].figures().delivered_bytes) * 8e9 /
                                    static_cast<double>(duration));
    } else {
        w.null_member("goodput_bps");
    }
    w.end_object();
}

// RFC 7323 §2.2 and RFC 2018: window scaling, SACK and timestamps are in effect only when both
// SYNs offered them; each side's MSS limits what the other sends.
void write_negotiated(JsonWriter& w, const flow::Conversation& c) {
    const flow::AnnouncedOptions& o = c.side[0].options;
    const flow::AnnouncedOptions& r = c.side[1].options;
    const bool both_syns = c.side[0].isn_known && c.side[1].isn_known;
    w.key("negotiated");
    w.begin_object();
    w.member("both_syns_seen", both_syns);
    const bool scaling = both_syns && o.window_scale >= 0 && r.window_scale >= 0;
    w.member("window_scaling", scaling);
    if (scaling) {
        w.member("originator_window_shift", std::int64_t{o.window_scale});
        w.member("responder_window_shift", std::int64_t{r.window_scale});
    }
    w.member("sack", both_syns && o.sack_permitted && r.sack_permitted);
    w.member("timestamps", both_syns && o.timestamps && r.timestamps);
    if (o.has_mss) {
        w.member("originator_mss", o.mss);
    } else {
        w.null_member("originator_mss");
    }
    if (r.has_mss) {
        w.member("responder_mss", r.mss);
    } else {
        w.null_member("responder_mss");
    }
    w.end_object();
}

}  // namespace

json time_json(std::int64_t ts_ns) {
    return JsonObject()("epoch", epoch_seconds(ts_ns))("epoch_ns", ts_ns)("rfc3339", format_rfc3339(ts_ns)).take();
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
    case FindingKind::data_on_syn: return text + "SYN carries data";
    case FindingKind::data_after_fin:
        return text + std::string(role_name(finding.side)) + " sent data after its own FIN";
    case FindingKind::data_after_rst: return text + std::string(role_name(finding.side)) + " sent data after a RST";
    case FindingKind::port_reused:
        return text + "new SYN on the 5-tuple of stream " + std::to_string(conversation.reused_from_stream) +
               " (port reuse)";
    case FindingKind::resumed_after_timeout:
        return text + "continues a conversation that had gone idle past the timeout";
    }
    return text;
}

// The tunnels the conversation came through, outermost first (Zeek's tunnel_parents, with the
// identifiers): an empty array when it was not tunnelled.
void write_encapsulation(JsonWriter& w, const decode::Encapsulation* layers) {
    w.key("encapsulation");
    w.begin_array();
    const std::size_t depth = layers == nullptr ? 0 : layers->depth;
    for (std::size_t i = 0; i < depth; ++i) {
        const decode::TunnelLayer& layer = layers->layers[i];
        w.begin_object();
        w.member("kind", decode::tunnel_kind_name(layer.kind));
        if (layer.has_id && !decode::tunnel_id_name(layer.kind).empty()) {
            w.member(decode::tunnel_id_name(layer.kind), layer.id);
        }
        if (layer.outer_src.family != 0) {
            w.key("outer");
            w.begin_array();
            w.value(format_address(layer.outer_src));
            w.value(format_address(layer.outer_dst));
            w.end_array();
        }
        w.end_object();
    }
    w.end_array();
}

void write_conversation(JsonWriter& w, const flow::Conversation& c, std::string_view record_type) {
    w.begin_object();
    if (!record_type.empty()) w.member("type", record_type);
    w.member("stream", c.stream);
    write_endpoint(w, c, 0);
    write_endpoint(w, c, 1);
    write_time(w, "start", c.first_ts_ns);
    write_time(w, "end", c.last_ts_ns);
    write_duration(w, "duration_s", c.duration_ns());
    w.member("first_frame", c.first_frame);
    w.member("last_frame", c.last_frame);
    w.member("packets", c.packets());
    w.member("midstream", c.midstream);
    w.member("resumed", c.resumed);
    w.member("timed_out", c.timed_out);
    if (c.reused_from_stream == flow::Conversation::k_no_stream) {
        w.null_member("reused_from_stream");
    } else {
        w.member("reused_from_stream", c.reused_from_stream);
    }
    write_encapsulation(w, c.encapsulation);
    write_negotiated(w, c);

    w.key("handshake");
    w.begin_object();
    w.member("verdict", analysis::name(c.handshake));
    w.member("explanation", analysis::explain(c.handshake));
    w.member("conformant", !analysis::is_nonconformant(c.handshake));
    w.key("frames");
    w.begin_array();
    for (std::uint64_t frame : c.handshake_frames) {
        if (frame == flow::k_no_frame) {
            w.null();
        } else {
            w.value(frame);
        }
    }
    w.end_array();
    write_seconds_or_null(w, "initial_rtt_s", c.initial_rtt_ns >= 0, c.initial_rtt_ns);
    w.end_object();

    w.key("teardown");
    w.begin_object();
    w.member("verdict", analysis::name(c.teardown));
    w.member("explanation", analysis::explain(c.teardown));
    w.member("initiator", analysis::name(c.close_initiator));
    if (c.rst_seen) {
        w.key("reset");
        w.begin_object();
        w.member("by", role_name(static_cast<unsigned>(c.reset_by)));
        w.member("in_state", flow::state_name(c.reset_in_state));
        w.member("unacked_data", c.reset_with_unacked_data);
        w.end_object();
    } else {
        w.null_member("reset");
    }
    w.end_object();

    w.key("findings");
    w.begin_array();
    for (const flow::Finding& finding : c.findings) {
        w.begin_object();
        w.member("kind", analysis::name(finding.kind));
        w.member("frame", finding.frame);
        w.member("side", role_name(finding.side));
        w.member("count", finding.count);
        w.member("text", finding_text(c, finding));
        if (finding.has_numbers) {
            w.member("expected", finding.expected);
            w.member("observed", finding.observed);
        }
        w.end_object();
    }
    w.end_array();
    w.member("findings_dropped", c.findings_dropped);
    w.key("zeek");
    w.begin_object();
    w.member("conn_state", c.zeek.conn_state());
    w.member("history", c.zeek.history());
    w.end_object();
    w.member("end_reason", analysis::name(c.end_reason));
    w.end_object();
}

std::string conversation_record(const flow::Conversation& conversation, std::string_view record_type) {
    std::string text;
    text.reserve(8192);  // a record is ~4.4 KB
    JsonWriter writer(text);
    write_conversation(writer, conversation, record_type);
    return text;
}

json conversation_json(const flow::Conversation& conversation) {
    return json::parse(conversation_record(conversation, {}));
}

json reassembly_json(const capture::CaptureStats& stats) {
    const decode::ReassemblyStats& r = stats.reassembly;
    const decode::ReassemblyLimits& limits = stats.reassembly_limits;
    return JsonObject()("enabled", stats.ip_reassembly)("reassembled", r.reassembled)("incomplete", r.incomplete)(
               "incomplete_fragments", r.incomplete_fragments)("overlaps", r.overlaps)(
               "conflicting_overlaps", r.conflicting_overlaps)("tiny_first_fragments", r.tiny_first_fragments)(
               "truncated_fragments", r.truncated_fragments)("timed_out", r.timed_out)("too_large", r.too_large)(
               "too_many_fragments", r.too_many_fragments)(
               "evicted",
               JsonObject()("datagram_cap", r.evicted_datagram_cap)("memory_cap", r.evicted_memory_cap).take())(
               "peak_bytes", r.peak_bytes)(
               "limits", JsonObject()("max_datagram_bytes", limits.max_datagram_bytes)(
                             "max_fragments", limits.max_fragments)("max_datagrams", limits.max_datagrams)(
                             "max_bytes", limits.max_bytes)("timeout_s", static_cast<double>(limits.timeout_ns) / 1e9)
                             .take())
        .take();
}

json capture_json(const capture::CaptureStats& stats) {
    json link_types = json::array();
    for (const capture::LinkTypeCount& link : stats.link_types) {
        if (link.link_type < 0) continue;
        link_types.push_back(JsonObject()("link_type", link.link_type)("name", capture::link_type_name(link.link_type))(
                                 "packets", link.packets)("decoded", link.decoded)
                                 .take());
    }
    static constexpr const char* k_layer_names[] = {"none", "link", "ip", "tcp", "tcp_options"};
    json truncated_at = json::object();
    for (std::size_t i = 1; i < stats.truncated_at.size(); ++i) truncated_at[k_layer_names[i]] = stats.truncated_at[i];
    json undecoded = json::object();
    for (std::size_t i = 1; i < stats.undecoded.size(); ++i) {
        undecoded[capture::undecoded_name(static_cast<Undecoded>(i))] = stats.undecoded[i];
    }
    json result{{"packets", stats.packets},
                {"bytes", stats.bytes},
                {"captured_bytes", stats.captured_bytes},
                {"link_types", link_types},
                {"tcp", stats.tcp},
                {"non_ip", stats.non_ip},
                {"non_tcp", JsonObject()("udp", stats.udp)("icmp", stats.icmp)("other", stats.other_ip).take()},
                {"malformed", stats.malformed},
                {"fragments", stats.fragments},
                {"reassembly", reassembly_json(stats)},
                {"truncated", stats.truncated},
                {"truncated_at", truncated_at},
                {"bad_checksums", JsonObject()("ipv4", stats.bad_ip_checksum)("tcp", stats.bad_tcp_checksum).take()},
                {"unverified_tcp_checksums", stats.unverified_tcp_checksum},
                {"malformed_tcp_options", stats.malformed_tcp_options},
                {"tunnelled", stats.tunnelled},
                {"encapsulations", stats.encapsulations},
                {"encapsulations_unrecorded", stats.encapsulations_unrecorded},
                {"undecoded", undecoded}};
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
    return JsonObject()("conversations_created", stats.conversations)("half_open_created", stats.half_open_created)(
               "half_open_promoted", stats.promoted)("half_open_ended", stats.half_open_ended)(
               "ended", JsonObject()("idle_timeout", stats.ended_idle_timeout)("closed", stats.ended_closed)(
                            "port_reuse", stats.ended_port_reuse)
                            .take())(
               "evicted",
               JsonObject()("record_cap", stats.evicted_record_cap)("conversation_cap", stats.evicted_conversation_cap)
                   .take())("resumed", stats.resumed)("peak_records", stats.peak_records)(
               "peak_conversations", stats.peak_conversations)("peak_memory_bytes", stats.peak_memory_bytes)(
               "limits", JsonObject()("idle_timeout_s", static_cast<double>(options.idle_timeout_ns) / 1e9)(
                             "closed_linger_s", static_cast<double>(options.closed_linger_ns) / 1e9)(
                             "max_records", options.max_records)("max_conversations", options.max_conversations)
                             .take())
        .take();
}

void append_segment_record(std::string& out, const DecodedPacket& packet, const flow::SegmentInfo& info) {
    // Members in name order, as the nlohmann object (a std::map) that wrote these before printed them.
    const TcpHeader& tcp = packet.tcp;
    const analysis::SegmentAnalysis& analysis = info.analysis;
    JsonWriter w(out);
    w.begin_object();
    w.member("ack", tcp.ack);
    if (analysis.ack_rtt_ns >= 0) write_duration(w, "ack_rtt_s", analysis.ack_rtt_ns);
    w.key("analysis");
    w.begin_array();
    for (std::size_t i = 0; i < analysis::k_segment_flag_count; ++i) {
        if ((analysis.flags & (analysis::SegmentFlags{1} << i)) != 0) w.value(analysis::k_segment_flag_names[i]);
    }
    w.end_array();
    if (analysis.has_bytes_in_flight) w.member("bytes_in_flight", analysis.bytes_in_flight);
    static constexpr const char* k_checksum[] = {"unverified", "ok", "bad"};
    w.member("checksum", k_checksum[static_cast<std::size_t>(packet.tcp_checksum)]);
    w.member("dport", tcp.dst_port);
    write_address_member(w, "dst", packet.dst);
    if (analysis.dup_ack_num > 0) w.member("dup_ack_num", analysis.dup_ack_num);
    char flags[k_flags_text_max];
    w.member("flags", written(flags, write_flags(flags, tcp.flags)));
    w.member("frame", packet.frame);
    w.member("len", packet.payload_len);
    write_segment_options(w, tcp.options);
    w.member("rel_ack", analysis.rel_ack);
    w.member("rel_seq", analysis.rel_seq);
    w.member("seq", tcp.seq);
    w.member("side", role_name(info.side));
    w.member("sport", tcp.src_port);
    write_address_member(w, "src", packet.src);
    w.key("state_after");
    w.begin_array();
    w.value(flow::state_name(info.state_after[0]));
    w.value(flow::state_name(info.state_after[1]));
    w.end_array();
    w.member("stream", info.stream);
    write_epoch(w, "time", packet.ts_ns);
    w.member("time_ns", packet.ts_ns);
    if (packet.truncated_at != Layer::none) w.member("truncated", true);
    w.member("window", tcp.window);
    w.end_object();
}

}  // namespace tcpvet::report
