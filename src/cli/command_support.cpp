// What every subcommand shares: output, colours, exit statuses, and options turned into the
// pipeline's plain structs.
#include "tcpvet/cli/command_support.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/capture/progress.hpp"
#include "tcpvet/report/text_report.hpp"

namespace tcpvet::cli {

void print_error(const std::string& lines) {
    // Several inputs may each have failed: one prefixed line per input.
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = lines.find('\n', start);
        std::cerr << "tcpvet: " << lines.substr(start, end - start) << '\n';
        if (end == std::string::npos) return;
        start = end + 1;
    }
}

bool Output::open(const Options& options, Placement placement) {
    // Before anything is created or truncated: -o and -w must not be an input (or each other).
    std::vector<std::string> inputs = options.inputs;
    if (!options.threshold_config.empty()) inputs.push_back(options.threshold_config);
    if (const std::string clash = find_output_clash(inputs, {options.output, options.live.write_path});
        !clash.empty()) {
        print_error(clash);
        return false;
    }
    if (options.output.empty() || options.output == "-") {
        m_stream = &std::cout;
        m_tty = isatty(STDOUT_FILENO) != 0;
        return true;
    }
    if (!m_file.open(options.output, placement == Placement::write_in_place)) {
        print_error(m_file.error());
        return false;
    }
    m_path = options.output;
    m_buffer.attach(m_file.fd());
    m_stream = &m_to_file;
    return true;
}

bool Output::finish() {
    m_stream->flush();
    if (m_stream == &std::cout) {
        if (!*m_stream) {
            print_error("standard output: write error");
            return false;
        }
        return true;
    }
    if (m_buffer.error() != 0) {
        print_error(m_path + ": cannot write: " + std::strerror(m_buffer.error()));
        return false;  // the temporary file goes with m_file; a previous report stays
    }
    if (!m_file.commit()) {
        print_error(m_file.error());
        return false;
    }
    return true;
}

namespace {

bool use_color(const Options& options, const Output& output) {
    switch (options.color) {
    case ColorMode::always: return true;
    case ColorMode::never: return false;
    case ColorMode::automatic: {
        const char* no_color = std::getenv("NO_COLOR");
        return output.is_tty() && (no_color == nullptr || no_color[0] == '\0');
    }
    }
    return false;
}

unsigned terminal_width(const Output& output) {
    if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
        const long value = std::strtol(columns, nullptr, 10);
        if (value >= 40 && value <= 1000) return static_cast<unsigned>(value);
    }
    winsize size{};
    if (output.is_tty() && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40) return size.ws_col;
    return 80;
}

}  // namespace

report::TextStyle text_style(const Options& options, const Output& output) {
    return report::TextStyle{use_color(options, output), terminal_width(output)};
}

flow::TrackerOptions tracker_options(const Options& options) {
    flow::TrackerOptions tracker;
    tracker.idle_timeout_ns = static_cast<std::int64_t>(options.idle_timeout_s * 1e9);
    tracker.closed_linger_ns = static_cast<std::int64_t>(options.closed_linger_s * 1e9);
    tracker.max_records = options.max_flows;
    tracker.max_conversations = options.max_conversations;
    return tracker;
}

PipelineOptions pipeline_options(const Options& options) {
    PipelineOptions pipeline;
    pipeline.tracker = tracker_options(options);
    pipeline.progress_bar = !options.quiet && capture::ProgressBar::stderr_is_terminal();
    pipeline.max_packets = options.count;
    pipeline.key_by_tunnel = options.tunnel_key;
    pipeline.ip_reassembly = !options.no_ip_reassembly;
    // 0: one shard per core, within the range --threads accepts.
    pipeline.threads = options.threads != 0
                           ? options.threads
                           : std::clamp(std::thread::hardware_concurrency(), 1U, Options::k_max_threads);
    return pipeline;
}

capture::SourceOptions source_options(const Options& options) {
    capture::SourceOptions source;
    source.files = options.inputs;
    source.bpf_filter = options.filter;
    source.concatenate = options.concatenate;
    source.on_warning = [](const std::string& line) { print_error("warning: " + line); };
    source.live = options.live;
    return source;
}

int finish_status(const PipelineResult& result, Output& output) {
    const bool written = output.finish();
    // Frames tcpvet could not open because of their link type: said once per link type (not after
    // an input error, whose one line stays the only one; the report names the link type anyway).
    for (const capture::LinkTypeCount& link : result.capture.link_types) {
        if (result.failed || link.link_type < 0 || link.decoded) continue;
        print_error("warning: " + std::to_string(link.packets) + (link.packets == 1 ? " frame" : " frames") +
                    " of link type " + capture::link_type_name(link.link_type) + " (" + std::to_string(link.link_type) +
                    ") not decoded: tcpvet does not read this link type");
    }
    if (const std::string note = report::render_undecoded_note(result.capture); !result.failed && !note.empty()) {
        print_error(note);
    }
    if (result.failed) {
        print_error(result.error);
        return k_exit_error;
    }
    return written ? k_exit_ok : k_exit_error;
}

bool open_source(capture::PacketSource& source) {
    if (source.open()) return true;
    print_error(source.error());
    return false;
}

}  // namespace tcpvet::cli
