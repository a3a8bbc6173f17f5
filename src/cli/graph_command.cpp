// `tcpvet graph FILE --stream N --kind K`: one stream's time-sequence, throughput, RTT or window
// graph, as SVG or as the CSV/JSON series behind it.
#include <cmath>
#include <string>

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/cli/command_support.hpp"
#include "tcpvet/cli/commands.hpp"
#include "tcpvet/pipeline.hpp"
#include "tcpvet/report/graph_model.hpp"
#include "tcpvet/report/graph_svg.hpp"
#include "tcpvet/report/graph_table.hpp"

namespace tcpvet::cli {
namespace {

report::GraphRequest graph_request(const Options& options) {
    report::GraphRequest request;
    for (std::size_t i = 0; i < report::k_graph_kind_names.size(); ++i) {
        if (options.graph_kind == report::k_graph_kind_names[i]) request.kind = static_cast<report::GraphKind>(i);
    }
    if (options.graph_direction == "client") request.side = 0;
    if (options.graph_direction == "server") request.side = 1;
    request.interval_ns = static_cast<std::int64_t>(std::llround(options.graph_interval_s * 1e9));
    return request;
}

}  // namespace

int run_graph(const Options& options) {
    if (options.stream < 0 || options.stream > 0xFFFFFFFFLL) {
        print_error("graph needs --stream N (see `tcpvet conversations FILE` for stream numbers)");
        return k_exit_error;
    }
    const report::GraphRequest request = graph_request(options);
    if (options.graph_interval_s > 0 && request.interval_ns < 1000) {
        print_error("--interval must be at least 0.000001 s");
        return k_exit_error;
    }
    Output output;
    if (!output.open(options)) return k_exit_error;
    capture::PacketSource source(source_options(options));
    if (!open_source(source)) return k_exit_error;
    report::GraphCollector collector(static_cast<std::uint32_t>(options.stream));
    const PipelineResult result = run_pipeline(source, pipeline_options(options), collector);
    if (!collector.found()) {
        if (result.failed) print_error(result.error);
        print_error("stream " + std::to_string(options.stream) + " not found: the input has " +
                    std::to_string(result.streams) + " TCP stream(s), numbered from 0");
        return k_exit_error;
    }
    if (collector.dropped() != 0) {
        print_error("stream " + std::to_string(options.stream) + ": " + std::to_string(collector.dropped()) +
                    " segments beyond the graph's cap of " + std::to_string(report::GraphCollector::k_max_segments) +
                    " left out");
    }
    const report::GraphSeries series = report::build_graph_series(collector, request);
    if (options.graph_format == "csv") {
        report::write_graph_csv(output.stream(), series);
    } else if (options.graph_format == "json") {
        report::write_graph_json(output.stream(), series);
    } else {
        output.stream() << report::render_graph_svg(series);
    }
    return finish_status(result, output);
}

}  // namespace tcpvet::cli
