// Detector thresholds: defaults, names for `--threshold NAME=VALUE` and config files, and their descriptions.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace tcpvet::anomaly {

// Every threshold, with its default. Counts are doubles too, so one parser serves all.
struct Thresholds {
    // SYN flood: per destination (address, port), in a sliding window.
    double syn_flood_window_seconds = 10;
    double syn_flood_half_open = 1000;            // half-open attempts in one window: warning
    double syn_flood_critical_half_open = 10000;  // ... critical
    double syn_flood_min_sources = 100;           // distinct source addresses needed as well
    double syn_cookies_answer_ratio = 0.95;       // share of flood SYNs answered, none retransmitted
    // Stuck closes, measured to the last packet of the capture (or of a timed-out conversation).
    double close_wait_seconds = 60;
    double fin_wait_2_seconds = 60;
    // Scans: failed attempts (REJ / S0) from one source over the whole capture.
    double port_scan_ports = 50;  // distinct ports of one host
    double host_scan_hosts = 50;  // distinct hosts on one port
    // RST burst: RSTs within the window, capture-wide.
    double rst_burst_count = 100;
    double rst_burst_window_seconds = 1;
    double backscatter_synacks = 10;  // SYN-ACKs without a SYN, from one sender
    // Transport trouble.
    double zero_window_stall_seconds = 5;
    double retransmission_rate = 0.10;  // retransmitted share of one direction's segments
    double retransmission_min_packets = 50;
    double rtt_outlier_factor = 10;       // initial RTT above this many times the server's median
    double rtt_outlier_min_ms = 100;      // ... and above this
    double rtt_outlier_min_samples = 10;  // conversations to the server needed for a median
    // Protocol violations.
    double out_of_window_factor = 4;  // seq beyond this many receive windows (at least 64 KiB) from rcv.nxt
};

struct ThresholdSpec {
    std::string_view name;
    double Thresholds::*member;
    std::string_view description;
};

// Every threshold in report order.
[[nodiscard]] std::span<const ThresholdSpec> threshold_specs() noexcept;

// Applies one "name=value" (spaces allowed around '='); false with `error` set on a bad name or value.
bool apply_threshold(Thresholds& thresholds, std::string_view assignment, std::string& error);
// Applies a config file of "name = value" lines; '#' starts a comment; blank lines ignored.
bool load_threshold_file(Thresholds& thresholds, const std::string& path, std::string& error);

}  // namespace tcpvet::anomaly
