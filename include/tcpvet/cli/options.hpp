// The plain options struct CLI11 fills; commands read only this.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/flow/tracker.hpp"

namespace tcpvet::cli {

enum class OutputFormat : std::uint8_t { text, json, ndjson, zeek, zeek_json };
enum class ColorMode : std::uint8_t { automatic, always, never };

struct Options {
    std::string command = "analyze";
    std::vector<std::string> inputs;  // positionals and -r, in order
    std::string filter;               // BPF
    bool tunnel_key = false;          // --tunnel-key
    bool no_ip_reassembly = false;    // --no-ip-reassembly: each fragment decoded alone
    bool concatenate = false;         // several inputs end to end instead of merged in time
    std::string select;               // --select EXPR, evaluated on the decoded conversations
    OutputFormat format = OutputFormat::text;
    std::string output;  // empty: stdout
    ColorMode color = ColorMode::automatic;
    bool quiet = false;

    // Tracking limits.
    double idle_timeout_s = 600.0;
    double closed_linger_s = 120.0;
    std::uint64_t max_flows = 4'000'000;
    std::uint64_t max_conversations = 1'000'000;
    std::uint64_t half_open_list_limit = 1000;
    unsigned threads = 1;  // analyze, conversations, anomalies: tracking shards (0: one per core)
    static constexpr unsigned k_max_threads = 64;  // --threads accepts 0..64; 0 becomes the core count, within it

    // ladder / follow
    std::int64_t stream = -1;
    bool absolute = false;
    bool explain = false;
    std::string follow_direction = "both";  // follow: both, client or server
    std::string follow_as = "ascii";        // follow: ascii, hex or raw

    // graph (src/cli/graph_command.cpp)
    std::string graph_kind = "sequence";  // sequence, throughput, rtt or window
    std::string graph_format = "svg";     // svg, csv or json
    std::string graph_direction;          // client or server (whose data); empty: the side that sent more
    double graph_interval_s = 0.0;        // throughput interval; 0: chosen from the span

    // analyze
    std::string dump_streams_dir;  // --dump-streams: each direction's reassembled bytes to a file here

    // anomalies, analyze (src/cli/anomaly_command.cpp)
    std::vector<std::string> thresholds;  // --threshold NAME=VALUE, in order
    std::string threshold_config;         // --config FILE
    std::string fail_on;                  // --fail-on info|warning|critical; empty: never

    // live
    capture::LiveOptions live{};
    double duration_s = 0.0;
    std::uint64_t count = 0;
    bool list_interfaces = false;
};

}  // namespace tcpvet::cli
