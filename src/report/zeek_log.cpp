// Zeek's conn.log writer. Field list and order are Zeek's current default (with ip_proto), as in
// Zeek's own baselines. tcpvet tracks TCP only, has no protocol detection (service unset), knows
// no Site::local_nets (local_orig/local_resp unset), and does not yet count IP lengths
// (orig_ip_bytes/resp_ip_bytes unset) nor name tunnel parents, nor count missed_bytes (unset).
#include "tcpvet/report/zeek_log.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "tcpvet/mix64.hpp"
#include "tcpvet/report/format.hpp"

namespace tcpvet::report {
namespace {

// The values of one row, in Zeek's orientation (Zeek may flip originator and responder).
struct ZeekRow {
    const flow::Endpoint* orig = nullptr;
    const flow::Endpoint* resp = nullptr;
    std::uint64_t orig_bytes = 0;
    std::uint64_t resp_bytes = 0;
    std::uint64_t orig_pkts = 0;
    std::uint64_t resp_pkts = 0;
};

ZeekRow zeek_row(const flow::Conversation& c) {
    const bool flip = c.zeek.swapped();
    const unsigned o = flip ? 1U : 0U;
    return {&c.side[o].endpoint,        &c.side[1U - o].endpoint, c.zeek.payload_size(true),
            c.zeek.payload_size(false), c.side[o].packets,        c.side[1U - o].packets};
}

// conn/main.zeek set_conn() fills duration, orig_bytes and resp_bytes only when the duration is
// positive: a one-packet connection leaves all three unset.
// Zeek's duration runs to Zeek's last_time, not to the conversation's last packet.
std::int64_t zeek_duration_ns(const flow::Conversation& c) {
    const std::int64_t last = c.zeek.last_time_ns();
    return last > c.first_ts_ns ? last - c.first_ts_ns : 0;
}
bool has_duration(const flow::Conversation& c) { return zeek_duration_ns(c) > 0; }

// Zeek's time and interval values: seconds with 6 decimals (the ASCII writer's "%.6f" of the
// double). From the integer nanoseconds, rounded to microseconds, so no double rounding shows.
std::string seconds6(std::int64_t ns) {
    std::array<char, 32> text{};
    int n = 0;
    if (ns >= 0) {
        const std::int64_t us = ns / 1000 + (ns % 1000 >= 500 ? 1 : 0);
        n = std::snprintf(text.data(), text.size(), "%lld.%06lld", static_cast<long long>(us / 1000000),
                          static_cast<long long>(us % 1000000));
    } else {
        n = std::snprintf(text.data(), text.size(), "%.6f", static_cast<double>(ns) / 1e9);
    }
    return {text.data(), static_cast<std::size_t>(n)};
}

// The JSON writer's double, built as Zeek builds packet times (seconds plus the fraction), so the
// shortest form is the capture's own ("1767225600.03", not "1767225600.0300002").
double seconds_double(std::int64_t ns) {
    return static_cast<double>(ns / 1000000000) + static_cast<double>(ns % 1000000000) / 1e9;
}

// Zeek's #open/#close time: local time as YYYY-MM-DD-HH-MM-SS (UTC here, for reproducible output).
std::string log_time(std::int64_t ns) {
    const std::time_t t = static_cast<std::time_t>(ns / 1000000000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::array<char, 32> text{};
    const std::size_t n = std::strftime(text.data(), text.size(), "%Y-%m-%d-%H-%M-%S", &tm);
    return {text.data(), n};
}

}  // namespace

std::string zeek_uid(const flow::Conversation& c) {
    static constexpr std::string_view k_base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::uint64_t h = mix64(static_cast<std::uint64_t>(c.first_ts_ns) ^ (std::uint64_t{c.stream} << 32U));
    for (const flow::EndpointRecord& side : c.side) {
        for (const std::uint8_t byte : side.endpoint.addr.bytes) h = mix64(h ^ byte);
        h = mix64(h ^ side.endpoint.port);
    }
    std::uint64_t h2 = mix64(h ^ 0x9e3779b97f4a7c15ULL);
    std::string uid = "C";
    for (int i = 0; i < 17; ++i) {
        std::uint64_t& word = i < 9 ? h : h2;
        uid.push_back(k_base62[word % 62]);
        word /= 62;
    }
    return uid;
}

std::string zeek_tsv_header(std::int64_t open_ns) {
    return "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t" +
           log_time(open_ns) +
           "\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
           "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_"
           "pkts\tresp_ip_bytes\ttunnel_parents\tip_proto\n"
           "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\t"
           "count\tstring\tcount\tcount\tcount\tcount\tset[string]\tcount\n";
}

std::string zeek_tsv_close(std::int64_t close_ns) { return "#close\t" + log_time(close_ns) + "\n"; }

std::string zeek_tsv_row(const flow::Conversation& c) {
    const ZeekRow row = zeek_row(c);
    const std::string_view history = c.zeek.history();
    std::string line = seconds6(c.first_ts_ns);
    const auto field = [&line](std::string_view value) {
        line.push_back('\t');
        line.append(value.empty() ? std::string_view("(empty)") : value);
    };
    field(zeek_uid(c));
    field(format_address(row.orig->addr));
    field(std::to_string(row.orig->port));
    field(format_address(row.resp->addr));
    field(std::to_string(row.resp->port));
    field("tcp");
    field("-");  // service: no protocol detection
    if (has_duration(c)) {
        field(seconds6(zeek_duration_ns(c)));
        field(std::to_string(row.orig_bytes));
        field(std::to_string(row.resp_bytes));
    } else {
        field("-");
        field("-");
        field("-");
    }
    field(c.zeek.conn_state());
    field("-");  // local_orig
    field("-");  // local_resp
    field("-");  // missed_bytes: gaps not counted in Zeek's terms yet
    field(history.empty() ? std::string_view("-") : history);
    field(std::to_string(row.orig_pkts));
    field("-");  // orig_ip_bytes
    field(std::to_string(row.resp_pkts));
    field("-");  // resp_ip_bytes
    field("-");  // tunnel_parents
    field("6");
    line.push_back('\n');
    return line;
}

std::string zeek_json_row(const flow::Conversation& c) {
    const ZeekRow row = zeek_row(c);
    nlohmann::ordered_json o;
    o["ts"] = seconds_double(c.first_ts_ns);
    o["uid"] = zeek_uid(c);
    o["id.orig_h"] = format_address(row.orig->addr);
    o["id.orig_p"] = row.orig->port;
    o["id.resp_h"] = format_address(row.resp->addr);
    o["id.resp_p"] = row.resp->port;
    o["proto"] = "tcp";
    if (has_duration(c)) {
        o["duration"] = seconds_double(zeek_duration_ns(c));
        o["orig_bytes"] = row.orig_bytes;
        o["resp_bytes"] = row.resp_bytes;
    }
    o["conn_state"] = std::string(c.zeek.conn_state());
    if (!c.zeek.history().empty()) o["history"] = std::string(c.zeek.history());
    o["orig_pkts"] = row.orig_pkts;
    o["resp_pkts"] = row.resp_pkts;
    o["ip_proto"] = 6;
    return o.dump() + "\n";
}

}  // namespace tcpvet::report
