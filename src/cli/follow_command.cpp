// `tcpvet follow FILE --stream N`: one stream's reassembled bytes, as Wireshark's Follow TCP Stream.
#include <fstream>
#include <iostream>
#include <string>

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/capture/progress.hpp"
#include "tcpvet/cli/command_support.hpp"
#include "tcpvet/cli/commands.hpp"
#include "tcpvet/cli/selection_support.hpp"
#include "tcpvet/pipeline.hpp"
#include "tcpvet/report/follow.hpp"

namespace tcpvet::cli {
namespace {

report::FollowOptions follow_options(const Options& options, std::int64_t stream) {
    report::FollowOptions follow;
    follow.stream = static_cast<std::uint32_t>(stream);
    if (options.follow_direction == "client") follow.direction = report::FollowDirection::client;
    if (options.follow_direction == "server") follow.direction = report::FollowDirection::server;
    if (options.follow_as == "hex") follow.format = report::FollowFormat::hex;
    if (options.follow_as == "raw") follow.format = report::FollowFormat::raw;
    return follow;
}

}  // namespace

int run_follow(const Options& options) {
    const std::int64_t stream = chosen_stream(options);
    if (stream < 0) return k_exit_error;
    Output output;
    if (!output.open(options)) return k_exit_error;
    capture::PacketSource source(source_options(options));
    if (!open_source(source)) return k_exit_error;
    report::FollowRenderer renderer(follow_options(options, stream), output.stream(), std::cerr);
    // The same tracking limits as the other file commands, with byte-mode reassembly on.
    PipelineOptions pipeline = pipeline_options(options);
    pipeline.tracker.stream_bytes = true;
    const PipelineResult result = run_pipeline(source, pipeline, renderer);
    renderer.finish();
    if (!renderer.found()) {  // nothing followed: a previous -o FILE stays as it was
        if (result.failed) print_error(result.error);
        print_error("stream " + std::to_string(stream) + " not found: the input has " + std::to_string(result.streams) +
                    " TCP stream(s), numbered from 0");
        return k_exit_error;
    }
    const bool written = output.finish();
    if (result.failed) print_error(result.error);
    return result.failed || !written ? k_exit_error : k_exit_ok;
}

}  // namespace tcpvet::cli
