// `tcpvet follow FILE --stream N`: one stream's reassembled bytes, as Wireshark's Follow TCP Stream.
#include <fstream>
#include <iostream>
#include <string>

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/capture/progress.hpp"
#include "tcpvet/cli/commands.hpp"
#include "tcpvet/pipeline.hpp"
#include "tcpvet/report/follow.hpp"

namespace tcpvet::cli {
namespace {

constexpr int k_exit_ok = 0;
constexpr int k_exit_error = 1;

void print_error(const std::string& line) { std::cerr << "tcpvet: " << line << '\n'; }

report::FollowOptions follow_options(const Options& options) {
    report::FollowOptions follow;
    follow.stream = static_cast<std::uint32_t>(options.stream);
    if (options.follow_direction == "client") follow.direction = report::FollowDirection::client;
    if (options.follow_direction == "server") follow.direction = report::FollowDirection::server;
    if (options.follow_as == "hex") follow.format = report::FollowFormat::hex;
    if (options.follow_as == "raw") follow.format = report::FollowFormat::raw;
    return follow;
}

// The same tracking limits as the other file commands, with byte-mode reassembly on.
PipelineOptions follow_pipeline(const Options& options) {
    PipelineOptions pipeline;
    pipeline.tracker.idle_timeout_ns = static_cast<std::int64_t>(options.idle_timeout_s * 1e9);
    pipeline.tracker.closed_linger_ns = static_cast<std::int64_t>(options.closed_linger_s * 1e9);
    pipeline.tracker.max_records = options.max_flows;
    pipeline.tracker.max_conversations = options.max_conversations;
    pipeline.tracker.stream_bytes = true;
    pipeline.progress_bar = !options.quiet && capture::ProgressBar::stderr_is_terminal();
    return pipeline;
}

}  // namespace

int run_follow(const Options& options) {
    if (options.stream < 0 || options.stream > 0xFFFFFFFFLL) {
        print_error("follow needs --stream N (see `tcpvet conversations FILE` for stream numbers)");
        return k_exit_error;
    }
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (!options.output.empty() && options.output != "-") {
        file.open(options.output, std::ios::out | std::ios::trunc | std::ios::binary);
        if (!file) {
            print_error(options.output + ": cannot open for writing");
            return k_exit_error;
        }
        out = &file;
    }
    capture::SourceOptions source_options;
    source_options.files = options.inputs;
    source_options.bpf_filter = options.filter;
    capture::PacketSource source(source_options);
    if (!source.open()) {
        print_error(source.error());
        return k_exit_error;
    }
    report::FollowRenderer renderer(follow_options(options), *out, std::cerr);
    const PipelineResult result = run_pipeline(source, follow_pipeline(options), renderer);
    renderer.finish();
    out->flush();
    if (result.failed) print_error(result.error);
    if (!renderer.found()) {
        print_error("stream " + std::to_string(options.stream) + " not found: the input has " +
                    std::to_string(result.streams) + " TCP stream(s), numbered from 0");
        return k_exit_error;
    }
    if (!*out) {
        print_error("error writing output");
        return k_exit_error;
    }
    return result.failed ? k_exit_error : k_exit_ok;
}

}  // namespace tcpvet::cli
