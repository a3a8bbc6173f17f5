// The plain options struct CLI11 fills; commands read only this.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/flow/tracker.hpp"

namespace tcpvet::cli {

enum class OutputFormat : std::uint8_t { text, json, ndjson };
enum class ColorMode : std::uint8_t { automatic, always, never };

struct Options {
    std::string command = "analyze";
    std::vector<std::string> inputs;  // positionals and -r, in order
    std::string filter;               // BPF
    OutputFormat format = OutputFormat::text;
    std::string output;               // empty: stdout
    ColorMode color = ColorMode::automatic;
    bool quiet = false;

    // Tracking limits.
    double idle_timeout_s = 600.0;
    double closed_linger_s = 120.0;
    std::uint64_t max_flows = 4'000'000;
    std::uint64_t max_conversations = 1'000'000;
    std::uint64_t half_open_list_limit = 10'000;

    // ladder / follow
    std::int64_t stream = -1;
    bool absolute = false;
    bool explain = false;

    // live
    capture::LiveOptions live{};
    double duration_s = 0.0;
    std::uint64_t count = 0;
    bool list_interfaces = false;
};

}  // namespace tcpvet::cli
