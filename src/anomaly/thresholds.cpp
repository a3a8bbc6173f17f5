// Threshold names and parsing of `--threshold NAME=VALUE` and `--config FILE`.
#include "tcpvet/anomaly/thresholds.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>

namespace tcpvet::anomaly {
namespace {

constexpr std::array<ThresholdSpec, 19> k_specs{{
    {"syn_flood_window_seconds", &Thresholds::syn_flood_window_seconds, "SYN flood sliding window"},
    {"syn_flood_half_open", &Thresholds::syn_flood_half_open, "half-open attempts in one window: warning"},
    {"syn_flood_critical_half_open", &Thresholds::syn_flood_critical_half_open,
     "half-open attempts in one window: critical"},
    {"syn_flood_min_sources", &Thresholds::syn_flood_min_sources, "distinct source addresses for a SYN flood"},
    {"syn_cookies_answer_ratio", &Thresholds::syn_cookies_answer_ratio,
     "share of flood SYNs answered (no SYN-ACK retransmitted) that suggests SYN cookies"},
    {"close_wait_seconds", &Thresholds::close_wait_seconds, "time in CLOSE-WAIT before it is stuck"},
    {"fin_wait_2_seconds", &Thresholds::fin_wait_2_seconds, "time in FIN-WAIT-2 before it lingers"},
    {"port_scan_ports", &Thresholds::port_scan_ports, "failed ports of one host tried by one source"},
    {"host_scan_hosts", &Thresholds::host_scan_hosts, "failed hosts on one port tried by one source"},
    {"rst_burst_count", &Thresholds::rst_burst_count, "RSTs within the burst window"},
    {"rst_burst_window_seconds", &Thresholds::rst_burst_window_seconds, "RST burst window"},
    {"backscatter_synacks", &Thresholds::backscatter_synacks, "SYN-ACKs without a SYN from one sender"},
    {"zero_window_stall_seconds", &Thresholds::zero_window_stall_seconds, "zero-window duration"},
    {"retransmission_rate", &Thresholds::retransmission_rate, "retransmitted share of one direction's segments"},
    {"retransmission_min_packets", &Thresholds::retransmission_min_packets,
     "segments a direction needs before its rate counts"},
    {"rtt_outlier_factor", &Thresholds::rtt_outlier_factor, "initial RTT over the server's median, as a factor"},
    {"rtt_outlier_min_ms", &Thresholds::rtt_outlier_min_ms, "initial RTT floor for an outlier, ms"},
    {"rtt_outlier_min_samples", &Thresholds::rtt_outlier_min_samples, "conversations to a server for a median"},
    {"out_of_window_factor", &Thresholds::out_of_window_factor,
     "receive windows (at least 64 KiB) a segment must lie beyond rcv.nxt"},
}};

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
    return text;
}

}  // namespace

std::span<const ThresholdSpec> threshold_specs() noexcept { return k_specs; }

bool apply_threshold(Thresholds& thresholds, std::string_view assignment, std::string& error) {
    const std::size_t equals = assignment.find('=');
    if (equals == std::string_view::npos) {
        error = "threshold '" + std::string(assignment) + "': expected NAME=VALUE";
        return false;
    }
    const std::string_view key = trim(assignment.substr(0, equals));
    const std::string_view text = trim(assignment.substr(equals + 1));
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || !std::isfinite(value) || value < 0) {
        error = "threshold " + std::string(key) + ": '" + std::string(text) + "' is not a non-negative number";
        return false;
    }
    for (const ThresholdSpec& spec : k_specs) {
        if (spec.name == key) {
            thresholds.*spec.member = value;
            return true;
        }
    }
    error = "unknown threshold '" + std::string(key) + "' (known: ";
    for (std::size_t i = 0; i < k_specs.size(); ++i) error += (i == 0 ? "" : ", ") + std::string(k_specs[i].name);
    error += ")";
    return false;
}

bool load_threshold_file(Thresholds& thresholds, const std::string& path, std::string& error) {
    std::ifstream file(path);
    if (!file) {
        error = path + ": cannot open";
        return false;
    }
    std::string line;
    unsigned number = 0;
    while (std::getline(file, line)) {
        ++number;
        std::string_view text = line;
        if (const std::size_t hash = text.find('#'); hash != std::string_view::npos) text = text.substr(0, hash);
        text = trim(text);
        if (text.empty()) continue;
        if (!apply_threshold(thresholds, text, error)) {
            error = path + ":" + std::to_string(number) + ": " + error;
            return false;
        }
    }
    return true;
}

}  // namespace tcpvet::anomaly
