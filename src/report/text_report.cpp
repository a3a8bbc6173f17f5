// Text tables: aligned columns that fit 80 columns where they can, colour only when asked.
#include "tcpvet/report/text_report.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <string_view>

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/report/format.hpp"
#include "tcpvet/report/seconds_text.hpp"

namespace tcpvet::report {
namespace {

constexpr const char* k_bold = "\x1b[1m";
constexpr const char* k_red = "\x1b[31m";
constexpr const char* k_green = "\x1b[32m";
constexpr const char* k_yellow = "\x1b[33m";
constexpr const char* k_reset = "\x1b[0m";

void append_painted(std::string& out, std::string_view text, const char* code, const TextStyle& style) {
    if (style.color) out += code;
    out += text;
    if (style.color) out += k_reset;
}

std::string paint(std::string_view text, const char* code, const TextStyle& style) {
    std::string out;
    append_painted(out, text, code, style);
    return out;
}

// "[retransmission]", made once per name.
std::string_view bracketed_flag_name(std::size_t flag) {
    static const auto names = [] {
        std::array<std::string, analysis::k_segment_flag_count> all;
        for (std::size_t i = 0; i < all.size(); ++i)
            all[i].append("[").append(analysis::k_segment_flag_names[i]).append("]");
        return all;
    }();
    return names[flag];
}

void append_number(std::string& out, std::uint64_t value) {
    char text[24];
    out.append(text, std::to_chars(text, text + sizeof(text), value).ptr);
}

void append_right_aligned(std::string& out, std::string_view text, std::size_t width) {
    if (text.size() < width) out.append(width - text.size(), ' ');
    out += text;
}

// As printf("%*llu", width, value).
void append_right_aligned(std::string& out, std::uint64_t value, std::size_t width) {
    char text[24];
    append_right_aligned(out, written(text, std::to_chars(text, text + sizeof(text), value).ptr), width);
}

void append_endpoint(std::string& out, const IpAddress& address, std::uint16_t port) {
    char text[k_endpoint_text_max];
    out += written(text, write_endpoint(text, flow::Endpoint{address, port}));
}

// " <mss=1460 ws=7 sack_perm>": the options as sent, nothing when there are none.
void append_options(std::string& out, const TcpOptions& options) {
    bool first = true;
    const auto item = [&](std::string_view name) {
        out += first ? " <" : " ";
        out += name;
        first = false;
    };
    if (options.has_mss) {
        item("mss=");
        append_number(out, options.mss);
    }
    if (options.has_window_scale) {
        item("ws=");
        append_number(out, options.window_scale);
    }
    if (options.sack_permitted) item("sack_perm");
    if (options.has_timestamps) {
        item("ts=");
        append_number(out, options.ts_val);
        out += '/';
        append_number(out, options.ts_ecr);
    }
    for (std::size_t i = 0; i < options.sack_count; ++i) {
        item("sack=");
        append_number(out, options.sack[i].left);
        out += '-';
        append_number(out, options.sack[i].right);
    }
    if (options.malformed) item("options-malformed");
    if (!first) out += '>';
}

std::string pad_right(const std::string& text, std::size_t width) {
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}
std::string pad_left(const std::string& text, std::size_t width) {
    return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string count_line(const char* label, std::uint64_t value) {
    char text[96];
    std::snprintf(text, sizeof(text), "  %-24s %llu\n", label, static_cast<unsigned long long>(value));
    return text;
}

const char* verdict_color(const std::string& verdict) {
    if (verdict == "complete" || verdict == "complete_with_data" || verdict == "graceful_four_way" ||
        verdict == "graceful_three_segment" || verdict == "SF") {
        return k_green;
    }
    if (verdict == "reset" || verdict == "rejected" || verdict == "synack_wrong_ack" ||
        verdict == "third_segment_wrong" || verdict == "REJ") {
        return k_red;
    }
    return k_yellow;
}

// What became of the fragments: only the counters that are not zero, under "ip fragments".
std::string render_reassembly(const capture::CaptureStats& stats) {
    if (!stats.ip_reassembly) return "    not reassembled (--no-ip-reassembly)\n";
    const decode::ReassemblyStats& r = stats.reassembly;
    std::string out = "    " + pad_right("datagrams reassembled", 22) + std::to_string(r.reassembled) + "\n";
    const auto line = [&out](const char* label, std::uint64_t value) {
        if (value != 0) out += "    " + pad_right(label, 22) + std::to_string(value) + "\n";
    };
    if (r.incomplete != 0) {
        out += "    " + pad_right("never completed", 22) + std::to_string(r.incomplete) + " (" +
               std::to_string(r.incomplete_fragments) +
               (r.incomplete_fragments == 1 ? " fragment)\n" : " fragments)\n");
    }
    line("overlapping", r.overlaps);
    line("conflicting overlaps", r.conflicting_overlaps);
    line("tiny first fragments", r.tiny_first_fragments);
    line("truncated", r.truncated_fragments);
    line("timed out", r.timed_out);
    line("too large", r.too_large);
    line("too many fragments", r.too_many_fragments);
    line("evicted (datagram cap)", r.evicted_datagram_cap);
    line("evicted (memory cap)", r.evicted_memory_cap);
    return out;
}

}  // namespace

std::string render_undecoded_note(const capture::CaptureStats& stats) {
    const std::uint64_t total = stats.undecoded_total();
    if (total == 0) return {};
    std::string reasons;
    for (std::size_t i = 1; i < stats.undecoded.size(); ++i) {
        if (stats.undecoded[i] == 0) continue;
        if (!reasons.empty()) reasons += ", ";
        reasons += std::to_string(stats.undecoded[i]) + " " + capture::undecoded_name(static_cast<Undecoded>(i));
    }
    return "note: " + std::to_string(total) + " frame(s) may carry TCP that tcpvet could not open (" + reasons +
           "); they are counted under \"not opened\" in the capture summary";
}

std::string render_capture_summary(const std::vector<std::string>& inputs, const PipelineResult& result,
                                   const TextStyle& style) {
    const capture::CaptureStats& stats = result.capture;
    std::string out = paint("Capture", k_bold, style) + "\n";
    for (const std::string& input : inputs) out += "  input                    " + input + "\n";
    out += count_line("packets", stats.packets);
    out += "  bytes                    " + std::to_string(stats.bytes) + " (" + format_bytes(stats.bytes) + ")\n";
    if (!stats.empty()) {
        out += "  first                    " + format_rfc3339(stats.first_ts_ns) + "\n";
        out += "  last                     " + format_rfc3339(stats.last_ts_ns) + "\n";
        out += "  span                     " + format_duration(stats.last_ts_ns - stats.first_ts_ns) + "\n";
    }
    for (const capture::LinkTypeCount& link : stats.link_types) {
        if (link.link_type < 0) continue;
        out += "  link " + pad_right(capture::link_type_name(link.link_type), 20) + std::to_string(link.packets) +
               (link.decoded ? "\n" : " (link type not decoded)\n");
    }
    out += count_line("tcp", stats.tcp);
    out += count_line("udp", stats.udp);
    out += count_line("icmp", stats.icmp);
    out += count_line("other ip", stats.other_ip);
    out += count_line("non-ip", stats.non_ip);
    if (stats.malformed != 0) out += count_line("malformed", stats.malformed);
    out += count_line("ip fragments", stats.fragments);
    if (stats.fragments != 0) out += render_reassembly(stats);
    out += count_line("truncated", stats.truncated);
    if (stats.truncated != 0) {
        static constexpr const char* k_layers[] = {"none", "link", "ip", "tcp", "tcp options"};
        for (std::size_t i = 1; i < stats.truncated_at.size(); ++i) {
            if (stats.truncated_at[i] == 0) continue;
            out += "    at " + pad_right(k_layers[i], 19) + std::to_string(stats.truncated_at[i]) + "\n";
        }
    }
    if (stats.tunnelled != 0) out += count_line("tunnelled", stats.tunnelled);
    if (stats.encapsulations != 0) out += count_line("encapsulations", stats.encapsulations);
    if (stats.encapsulations_unrecorded != 0) {
        out += count_line("  not named (table full)", stats.encapsulations_unrecorded);
    }
    if (stats.undecoded_total() != 0) {
        out += count_line("not opened", stats.undecoded_total());
        for (std::size_t i = 1; i < stats.undecoded.size(); ++i) {
            if (stats.undecoded[i] == 0) continue;
            out += "    " + pad_right(capture::undecoded_name(static_cast<Undecoded>(i)), 22) +
                   std::to_string(stats.undecoded[i]) + "\n";
        }
    }
    out += count_line("bad ipv4 checksums", stats.bad_ip_checksum);
    out += count_line("bad tcp checksums", stats.bad_tcp_checksum);
    if (stats.malformed_tcp_options != 0) out += count_line("malformed tcp options", stats.malformed_tcp_options);
    if (result.live.received != 0 || result.live.dropped_by_kernel != 0) {
        out += count_line("kernel received", result.live.received);
        out += count_line("kernel dropped", result.live.dropped_by_kernel);
        out += count_line("interface dropped", result.live.dropped_by_interface);
    }
    return out;
}

std::string render_tracker_summary(const PipelineResult& result, std::uint64_t half_open_unlisted) {
    const flow::TrackerStats& t = result.tracker;
    std::string out = "Tracking\n";
    out += count_line("conversations", result.streams);
    out += count_line("half-open attempts", t.half_open_created);
    if (half_open_unlisted != 0) out += count_line("  counted, not listed", half_open_unlisted);
    if (t.ended_idle_timeout != 0) out += count_line("ended by idle timeout", t.ended_idle_timeout);
    if (t.resumed != 0) out += count_line("resumed after timeout", t.resumed);
    if (t.ended_port_reuse != 0) out += count_line("ended by port reuse", t.ended_port_reuse);
    out += count_line("evicted (record cap)", t.evicted_record_cap);
    out += count_line("evicted (conv. cap)", t.evicted_conversation_cap);
    out += "  peak memory              " + format_bytes(t.peak_memory_bytes) + " (" + std::to_string(t.peak_records) +
           " records)\n";
    return out;
}

// One line per conversation when the terminal is wide enough; otherwise the start time and the
// verdicts move to an indented second line and the number columns narrow, so a table of IPv4
// conversations fits 80 columns.
std::string render_conversation_table(const std::vector<ConversationRow>& rows, const TextStyle& style) {
    std::size_t w_orig = 10;
    std::size_t w_resp = 9;
    std::size_t w_verdicts = 0;
    for (const ConversationRow& row : rows) {
        w_orig = std::max(w_orig, row.originator.size());
        w_resp = std::max(w_resp, row.responder.size());
        w_verdicts = std::max(w_verdicts, row.handshake.size() + row.teardown.size() + 3);
    }
    const std::size_t endpoints_width = 4 + 2 + w_orig + 4 + w_resp;
    const std::size_t wide_width = endpoints_width + 8 + 8 + 6 + 6 + 9 + 9 + 2 + 7 + w_verdicts;
    const bool one_line = wide_width <= style.width;
    const std::size_t w_dur = one_line ? 8 : 7;
    const std::size_t w_pkts = one_line ? 6 : 5;
    const std::size_t w_bytes = one_line ? 9 : 8;

    std::string header =
        pad_left("#", 4) + "  " + pad_right("originator", w_orig) + "    " + pad_right("responder", w_resp);
    if (one_line) header += pad_left("start", 8);
    header += pad_left("dur", w_dur) + pad_left(one_line ? "pkts>" : "pkt>", w_pkts) +
              pad_left(one_line ? "<pkts" : "<pkt", w_pkts) + pad_left("bytes>", w_bytes) +
              pad_left("<bytes", w_bytes) + (one_line ? "  state  handshake / teardown" : " state");
    std::string out = paint(header, k_bold, style) + "\n";
    if (!one_line) out += paint("      start  handshake / teardown", k_bold, style) + "\n";

    const std::int64_t base =
        rows.empty() ? 0 : std::min_element(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
                               return a.start_ns < b.start_ns;
                           })->start_ns;
    for (const ConversationRow& row : rows) {
        char start[32];
        std::snprintf(start, sizeof(start), "%.3f", static_cast<double>(row.start_ns - base) / 1e9);
        char duration[32];
        std::snprintf(duration, sizeof(duration), "%.3f", static_cast<double>(row.duration_ns) / 1e9);
        out += pad_left(std::to_string(row.stream), 4) + "  " + pad_right(row.originator, w_orig) + " -> " +
               pad_right(row.responder, w_resp);
        if (one_line) out += pad_left(start, 8);
        out += pad_left(duration, w_dur) + pad_left(std::to_string(row.packets[0]), w_pkts) +
               pad_left(std::to_string(row.packets[1]), w_pkts) + pad_left(std::to_string(row.bytes[0]), w_bytes) +
               pad_left(std::to_string(row.bytes[1]), w_bytes) + (one_line ? "  " : " ");
        out += paint(one_line ? pad_right(row.conn_state, 6) : row.conn_state, verdict_color(row.conn_state), style);
        out += one_line ? std::string(" ") : "\n      " + std::string(start) + "  ";
        out += paint(row.handshake, verdict_color(row.handshake), style) + " / " +
               paint(row.teardown, verdict_color(row.teardown), style) + "\n";
        if (!row.encapsulation.empty()) out += "      via " + row.encapsulation + "\n";
    }
    return out;
}

std::string render_verdict_counts(const VerdictCounts& counts, const TextStyle& style) {
    std::string out = paint("Verdicts", k_bold, style) + "\n";
    const auto section = [&out, &style](const char* title, const std::map<std::string, std::uint64_t>& map) {
        if (map.empty()) return;
        out += std::string("  ") + title + "\n";
        for (const auto& [name, count] : map) {
            out += "    " + paint(pad_right(name, 26), verdict_color(name), style) + std::to_string(count) + "\n";
        }
    };
    section("handshake", counts.handshake);
    section("teardown", counts.teardown);
    section("conn_state (Zeek)", counts.conn_state);
    section("findings", counts.findings);
    return out;
}

void append_packet_line(std::string& out, const DecodedPacket& packet, const flow::SegmentInfo& info,
                        std::int64_t first_ts_ns, const TextStyle& style) {
    append_right_aligned(out, packet.frame, 6);
    out += ' ';
    char seconds[k_seconds_text_max];  // write_fixed_seconds may hand all of it to snprintf
    append_right_aligned(out, written(seconds, write_fixed_seconds(seconds, packet.ts_ns - first_ts_ns)), 11);
    out += ' ';
    append_right_aligned(out, info.stream, 4);
    out += ' ';
    const TcpHeader& tcp = packet.tcp;
    append_endpoint(out, packet.src, tcp.src_port);
    out += " > ";
    append_endpoint(out, packet.dst, tcp.dst_port);
    out += " [";
    char flags[k_flags_text_max];
    append_painted(out, written(flags, write_flags(flags, tcp.flags)),
                   tcp.has(tcp_flag::rst)                               ? k_red
                   : (tcp.has(tcp_flag::syn) || tcp.has(tcp_flag::fin)) ? k_yellow
                                                                        : k_green,
                   style);
    out += "] seq=";
    append_number(out, info.analysis.rel_seq);
    if (tcp.has(tcp_flag::ack)) {
        out += " ack=";
        append_number(out, info.analysis.rel_ack);
    }
    out += " len=";
    append_number(out, packet.payload_len);
    out += " win=";
    append_number(out, tcp.window);
    out += " (raw seq=";
    append_number(out, tcp.seq);
    out += " ack=";
    append_number(out, tcp.ack);
    out += ')';
    append_options(out, tcp.options);
    for (std::size_t i = 0; i < analysis::k_segment_flag_count; ++i) {
        if ((info.analysis.flags & (analysis::SegmentFlags{1} << i)) == 0) continue;
        out += ' ';
        append_painted(out, bracketed_flag_name(i), k_red, style);
    }
    if (packet.tcp_checksum == ChecksumResult::bad) out += " [bad checksum]";
}

}  // namespace tcpvet::report
