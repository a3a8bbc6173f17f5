// The subcommands: open input, run the pipeline with the right observer, render, choose the exit status.
#include "tcpvet/cli/commands.hpp"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "tcpvet/capture/progress.hpp"
#include "tcpvet/cli/anomaly_command.hpp"
#include "tcpvet/cli/command_support.hpp"
#include "tcpvet/cli/selection_support.hpp"
#include "tcpvet/pipeline.hpp"
#include "tcpvet/report/format.hpp"
#include "tcpvet/report/json_report.hpp"
#include "tcpvet/report/ladder.hpp"
#include "tcpvet/report/report_collector.hpp"
#include "tcpvet/report/stream_dumper.hpp"
#include "tcpvet/report/text_report.hpp"
#include "tcpvet/report/zeek_log.hpp"

namespace tcpvet::cli {
namespace {

// Zeek's #open/#close carry the time the log was written.
std::int64_t wall_clock_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

using nlohmann::json;

report::CollectMode collect_mode(OutputFormat format) {
    switch (format) {
    case OutputFormat::text: return report::CollectMode::rows;
    case OutputFormat::json: return report::CollectMode::json;
    case OutputFormat::ndjson: return report::CollectMode::ndjson;
    case OutputFormat::zeek: return report::CollectMode::zeek;
    case OutputFormat::zeek_json: return report::CollectMode::zeek_json;
    }
    return report::CollectMode::rows;
}

json tool_json() { return json{{"name", "tcpvet"}, {"version", TCPVET_VERSION}}; }

json verdicts_json(const report::VerdictCounts& counts) {
    return json{{"handshake", counts.handshake},
                {"teardown", counts.teardown},
                {"conn_state", counts.conn_state},
                {"findings", counts.findings}};
}

json summary_json(const Options& options, const PipelineResult& result, report::ReportCollector& collector) {
    return json{{"schema_version", report::k_schema_version},
                {"tool", tool_json()},
                {"command", options.command},
                {"inputs", options.inputs},
                {"filter", options.filter.empty() ? json(nullptr) : json(options.filter)},
                {"capture", report::capture_json(result.capture)},
                {"tracker", report::tracker_json(result.tracker, tracker_options(options))},
                {"summary", json{{"conversations", result.streams},
                                 {"half_open_unlisted", collector.half_open_unlisted()},
                                 {"verdicts", verdicts_json(collector.counts())}}},
                {"anomalies", json::array()},
                {"error", result.failed ? json(result.error) : json(nullptr)}};
}

// The JSON document is streamed: its head, then the "conversations" array filled by the collector
// as conversations end (so memory does not grow with them), then everything known at the end.
constexpr const char* k_head_keys[] = {"schema_version", "tool", "command", "inputs", "filter"};

void write_json_head(std::ostream& out, const Options& options) {
    // schema_version first, so a reader can dispatch on it before anything else.
    std::string text = "{\"schema_version\":" + json(report::k_schema_version).dump();
    text += ",\"tool\":" + tool_json().dump();
    text += ",\"command\":" + json(options.command).dump();
    text += ",\"inputs\":" + json(options.inputs).dump();
    text += ",\"filter\":" + (options.filter.empty() ? json(nullptr) : json(options.filter)).dump();
    out << text << ",\"conversations\":[";
}

void write_json_tail(std::ostream& out, const Options& options, const PipelineResult& result,
                     report::ReportCollector& collector, const AnomalySession* anomalies = nullptr) {
    json tail = summary_json(options, result, collector);
    if (anomalies != nullptr) anomalies->fill(tail);
    for (const char* key : k_head_keys) tail.erase(key);
    const std::string text = tail.dump();
    out << "]," << std::string_view(text).substr(1) << '\n';
}

// Prints each TCP segment as it is tracked: a text line, or one JSON object per line. Lines are
// gathered in one buffer and written in blocks, so a segment costs no allocation and no stream
// call; on a terminal each line is written as it is made, as a line-buffered stdout would.
class SegmentPrinter : public flow::TrackerObserver {
public:
    SegmentPrinter(std::ostream& out, OutputFormat format, report::TextStyle style, bool line_by_line)
        : m_out(out), m_format(format), m_style(style), m_line_by_line(line_by_line) {
        m_buffer.reserve(k_flush_bytes + 4096);
    }
    SegmentPrinter(const SegmentPrinter&) = delete;
    SegmentPrinter& operator=(const SegmentPrinter&) = delete;
    ~SegmentPrinter() override { flush(); }

    void on_segment(const DecodedPacket& packet, const flow::SegmentInfo& info) override {
        if (m_first_ts == flow::k_no_time) m_first_ts = packet.ts_ns;
        switch (m_format) {
        case OutputFormat::text: report::append_packet_line(m_buffer, packet, info, m_first_ts, m_style); break;
        case OutputFormat::ndjson: report::append_segment_record(m_buffer, packet, info); break;
        case OutputFormat::json:
            if (m_count != 0) m_buffer.push_back(',');
            report::append_segment_record(m_buffer, packet, info);
            break;
        case OutputFormat::zeek:
        case OutputFormat::zeek_json: break;  // refused for packets by run_command
        }
        if (m_format != OutputFormat::json) m_buffer.push_back('\n');
        ++m_count;
        if (m_line_by_line) {
            flush();
            m_out.flush();
        } else if (m_buffer.size() >= k_flush_bytes) {
            flush();
        }
    }
    bool wants_half_open_conversation() override { return false; }
    void flush() {
        m_out.write(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
        m_buffer.clear();
    }

private:
    static constexpr std::size_t k_flush_bytes = 32 * 1024;
    std::ostream& m_out;
    OutputFormat m_format;
    report::TextStyle m_style;
    bool m_line_by_line;
    std::string m_buffer;
    std::int64_t m_first_ts = flow::k_no_time;
    std::uint64_t m_count = 0;
};

// The one-line status of a live capture on a terminal: packets, conversations open, drops.
// Redrawn from the packet path at most once a second (the clock is read every 256 packets).
class LiveStatusLine : public flow::TrackerObserver {
public:
    LiveStatusLine(const capture::PacketSource& source, bool enabled) : m_source(source), m_enabled(enabled) {}
    ~LiveStatusLine() override { clear(); }
    void on_segment(const DecodedPacket& /*packet*/, const flow::SegmentInfo& info) override {
        m_streams = std::max<std::uint64_t>(m_streams, std::uint64_t{info.stream} + 1);
        if (!m_enabled || (++m_packets & 255U) != 0) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - m_drawn < std::chrono::seconds(1)) return;
        m_drawn = now;
        const capture::LiveDropStats drops = m_source.live_drop_stats();
        const std::uint64_t open = m_streams > m_ended ? m_streams - m_ended : 0;
        std::fprintf(stderr, "\r\x1b[K%llu TCP packets  %llu conversations open  %llu ended  %llu dropped",
                     static_cast<unsigned long long>(m_packets), static_cast<unsigned long long>(open),
                     static_cast<unsigned long long>(m_ended),
                     static_cast<unsigned long long>(drops.dropped_by_kernel + drops.dropped_by_interface));
        std::fflush(stderr);
        m_shown = true;
    }
    void on_conversation_end(const flow::Conversation& /*conversation*/) override { ++m_ended; }
    void on_half_open_end(const flow::HalfOpen& /*attempt*/, const flow::Conversation* materialized) override {
        if (materialized == nullptr) ++m_ended;
    }
    bool wants_half_open_conversation() override { return false; }
    void clear() {
        if (m_shown) std::fputs("\r\x1b[K", stderr);
        m_shown = false;
    }

private:
    const capture::PacketSource& m_source;
    bool m_enabled;
    bool m_shown = false;
    std::uint64_t m_packets = 0;
    std::uint64_t m_streams = 0;
    std::uint64_t m_ended = 0;
    std::chrono::steady_clock::time_point m_drawn{};
};

// Live capture, and a capture streamed on standard input: SIGINT/SIGTERM stop the loop and the
// final report still prints. Once only: a second signal (either) ends the process at once, for a
// pipe whose writer never closes it.
std::atomic<bool> g_stop{false};
std::atomic<capture::PacketSource*> g_live_source{nullptr};  // the handler may run on the watchdog thread
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<capture::PacketSource*>::is_always_lock_free,
              "a signal handler may only touch lock-free atomics");

extern "C" void on_stop_signal(int /*signal*/) {
    // sigaction, not std::signal: C++ allows std::signal in a handler only for its own signal.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    sigaction(SIGINT, &default_action, nullptr);
    sigaction(SIGTERM, &default_action, nullptr);
    g_stop.store(true);
    if (capture::PacketSource* source = g_live_source.load(); source != nullptr) source->interrupt();
}

// Installs on_stop_signal while a run lasts, even over a disposition inherited as ignored (a
// script's background job ignores SIGINT): like tcpdump, so that `kill -INT` stops a capture.
class StopSignals {
public:
    StopSignals() {
        g_stop.store(false);
        for (std::size_t i = 0; i < std::size(k_signals); ++i) m_before[i] = std::signal(k_signals[i], on_stop_signal);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;
    ~StopSignals() {
        for (std::size_t i = 0; i < std::size(k_signals); ++i) std::signal(k_signals[i], m_before[i]);
    }

private:
    static constexpr int k_signals[] = {SIGINT, SIGTERM};
    std::array<void (*)(int), std::size(k_signals)> m_before{};
};

}  // namespace

int run_analyze(const Options& options) {
    Output output;
    if (!output.open(options)) return k_exit_error;
    capture::PacketSource source(source_options(options));
    if (!open_source(source)) return k_exit_error;
    report::ReportCollector collector(collect_mode(options.format), &output.stream(), options.half_open_list_limit);
    if (options.format == OutputFormat::json) write_json_head(output.stream(), options);
    if (options.format == OutputFormat::zeek) output.stream() << report::zeek_tsv_header(wall_clock_ns());
    // Anomaly detectors observe the same tracker; NDJSON streams each anomaly as it is raised.
    AnomalySession anomalies(options, options.format == OutputFormat::ndjson ? &output.stream() : nullptr);
    if (!anomalies.ok()) return k_exit_error;
    Selection selection;
    if (!selection.prepare(options)) return k_exit_error;
    flow::ObserverChain observers;
    observers.add(selection.wrap(collector));
    observers.add(anomalies.engine());
    // --dump-streams: reassembly in byte mode, each direction's bytes to a file.
    PipelineOptions pipeline = pipeline_options(options);
    selection.configure(pipeline);
    std::unique_ptr<report::StreamDumper> dumper;
    if (!options.dump_streams_dir.empty()) {
        dumper = std::make_unique<report::StreamDumper>(options.dump_streams_dir, 64, options.inputs);
        if (!dumper->prepare()) {
            print_error(dumper->error());
            return k_exit_error;
        }
        observers.add(*dumper);
        pipeline.tracker.stream_bytes = true;
    }
    const PipelineResult result = run_pipeline(source, pipeline, observers);
    anomalies.finish();
    if (selection.active()) anomalies.show_only(selection.anomalies_of_selected(anomalies.engine().anomalies()));
    anomalies.write_selected_ndjson();
    if (dumper != nullptr) {
        dumper->finish();
        const report::StreamDumpStats& dumped = dumper->stats();
        if (dumped.errors != 0) {
            print_error("--dump-streams: " + std::to_string(dumped.errors) + " error(s), first: " + dumper->error());
        }
        if (!options.quiet) {
            std::cerr << "tcpvet: dumped " << dumped.bytes << " bytes into " << dumped.files << " file(s) in "
                      << options.dump_streams_dir << " (" << dumped.gaps << " gap(s) left as holes)\n";
        }
    }

    switch (options.format) {
    case OutputFormat::text: {
        const report::TextStyle style = text_style(options, output);
        std::ostream& out = output.stream();
        out << report::render_capture_summary(options.inputs, result, style) << '\n';
        out << report::render_tracker_summary(result, collector.half_open_unlisted()) << '\n';
        out << "Conversations\n" << report::render_conversation_table(collector.sorted_rows(), style) << '\n';
        out << report::render_verdict_counts(collector.counts(), style);
        out << '\n' << anomalies.render_text(style);
        break;
    }
    case OutputFormat::json: write_json_tail(output.stream(), options, result, collector, &anomalies); break;
    case OutputFormat::zeek: output.stream() << report::zeek_tsv_close(wall_clock_ns()); break;
    case OutputFormat::zeek_json: break;
    case OutputFormat::ndjson: {
        json summary = summary_json(options, result, collector);
        anomalies.fill(summary);
        summary["type"] = "summary";
        output.stream() << summary.dump() << '\n';
        break;
    }
    }
    return anomalies.exit_status(finish_status(result, output));
}

int run_conversations(const Options& options) {
    Output output;
    if (!output.open(options)) return k_exit_error;
    capture::PacketSource source(source_options(options));
    if (!open_source(source)) return k_exit_error;
    report::ReportCollector collector(collect_mode(options.format), &output.stream(), options.half_open_list_limit);
    if (options.format == OutputFormat::json) write_json_head(output.stream(), options);
    if (options.format == OutputFormat::zeek) output.stream() << report::zeek_tsv_header(wall_clock_ns());
    Selection selection;
    if (!selection.prepare(options)) return k_exit_error;
    PipelineOptions pipeline = pipeline_options(options);
    selection.configure(pipeline);
    const PipelineResult result = run_pipeline(source, pipeline, selection.wrap(collector));
    switch (options.format) {
    case OutputFormat::text:
        output.stream() << report::render_conversation_table(collector.sorted_rows(), text_style(options, output));
        if (collector.half_open_unlisted() != 0) {
            output.stream() << "(" << collector.half_open_unlisted()
                            << " further half-open attempts counted, not listed: see --half-open-list)\n";
        }
        break;
    case OutputFormat::json: write_json_tail(output.stream(), options, result, collector); break;
    case OutputFormat::zeek: output.stream() << report::zeek_tsv_close(wall_clock_ns()); break;
    case OutputFormat::zeek_json:
    case OutputFormat::ndjson: break;  // streamed as they ended
    }
    return finish_status(result, output);
}

int run_packets(const Options& options) {
    Output output;
    if (!output.open(options)) return k_exit_error;
    capture::PacketSource source(source_options(options));
    if (!open_source(source)) return k_exit_error;
    if (options.format == OutputFormat::json) {
        output.stream() << "{\"schema_version\":\"" << report::k_schema_version << "\",\"segments\":[";
    }
    Selection selection;
    if (!selection.prepare(options) || !selection.find_streams(options)) return k_exit_error;
    SegmentPrinter printer(output.stream(), options.format, text_style(options, output), output.is_tty());
    std::optional<select::SelectedStreamFilter> selected;
    if (selection.active()) selected.emplace(selection.streams(), printer);
    flow::TrackerObserver& observer = selected ? static_cast<flow::TrackerObserver&>(*selected) : printer;
    // A capture streamed on standard input (tcpdump -U -w - | tcpvet packets -) is stopped with
    // Ctrl-C, which reaches tcpdump too: its pipe then ends, and what was read is all printed.
    const bool streamed = std::find(options.inputs.begin(), options.inputs.end(), "-") != options.inputs.end();
    std::optional<StopSignals> signals;
    if (streamed) signals.emplace();
    const PipelineResult result =
        run_pipeline(source, pipeline_options(options), observer, nullptr, streamed ? &g_stop : nullptr);
    signals.reset();
    printer.flush();
    if (options.format == OutputFormat::json) output.stream() << "]}\n";
    return finish_status(result, output);
}

int run_ladder(const Options& options) {
    const std::int64_t stream = chosen_stream(options);
    if (stream < 0) return k_exit_error;
    Output output;
    if (!output.open(options)) return k_exit_error;
    capture::PacketSource source(source_options(options));
    if (!open_source(source)) return k_exit_error;
    report::LadderCollector collector(static_cast<std::uint32_t>(stream));
    const PipelineResult result = run_pipeline(source, pipeline_options(options), collector);
    if (!collector.found()) {  // no report: a previous -o FILE stays as it was
        if (result.failed) print_error(result.error);
        print_error("stream " + std::to_string(stream) + " not found: the input has " + std::to_string(result.streams) +
                    " TCP stream(s), numbered from 0");
        return k_exit_error;
    }
    if (options.format == OutputFormat::text) {
        report::LadderOptions ladder;
        ladder.absolute = options.absolute;
        ladder.explain = options.explain;
        const report::TextStyle style = text_style(options, output);
        ladder.color = style.color;
        ladder.width = style.width;
        report::write_ladder(output.stream(), collector.conversation(), collector.rows(), ladder,
                             collector.rows_dropped());
    } else {
        // Written segment by segment (a document of 250,000 segments held as one json value would
        // take about a kilobyte per segment), in the key order json::dump() gives the whole document.
        std::ostream& out = output.stream();
        out << "{\"conversation\":" << report::conversation_json(collector.conversation()).dump()
            << ",\"schema_version\":" << json(report::k_schema_version).dump() << ",\"segments\":[";
        const report::LadderExplainer explainer(collector.conversation(), collector.rows(), options.absolute);
        for (std::size_t i = 0; i < collector.rows().size(); ++i) {
            const report::LadderRow& row = collector.rows()[i];
            json item{{"frame", row.frame},
                      {"time", report::epoch_seconds(row.ts_ns)},
                      {"side", row.side == 0 ? "originator" : "responder"},
                      {"flags", report::format_flags(row.flags)},
                      {"seq", row.seq},
                      {"ack", row.ack},
                      {"rel_seq", row.rel_seq},
                      {"rel_ack", row.rel_ack},
                      {"len", row.len},
                      {"window", row.window},
                      {"state_after", json::array({std::string(flow::state_name(row.state_after[0])),
                                                   std::string(flow::state_name(row.state_after[1]))})}};
            if (options.explain) item["explain"] = explainer.explain(i);
            out << (i == 0 ? "" : ",") << item.dump();
        }
        out << "],\"segments_dropped\":" << collector.rows_dropped() << ",\"stream\":" << stream << "}\n";
    }
    return finish_status(result, output);
}

int run_live(const Options& options) {
    if (options.list_interfaces) {
        std::string error;
        const std::vector<capture::InterfaceInfo> interfaces = capture::list_interfaces(error);
        if (!error.empty()) {
            print_error(error);
            return k_exit_error;
        }
        for (const capture::InterfaceInfo& info : interfaces) {
            std::cout << info.name << (info.up ? "" : " (down)") << (info.loopback ? " [loopback]" : "")
                      << (info.description.empty() ? "" : "  " + info.description) << '\n';
        }
        return k_exit_ok;
    }
    if (options.live.interface.empty()) {
        print_error("live needs -i INTERFACE (see --list-interfaces)");
        return k_exit_error;
    }
    Output output;  // written as records end, for a reader following the file
    if (!output.open(options, Output::Placement::write_in_place)) return k_exit_error;
    Options live_options = options;
    live_options.inputs.clear();
    capture::PacketSource source(source_options(live_options));
    if (!open_source(source)) return k_exit_error;
    for (const std::string& warning : source.warnings()) print_error("warning: " + warning);

    const report::CollectMode mode =
        options.format == OutputFormat::text ? report::CollectMode::rows : report::CollectMode::ndjson;
    report::ReportCollector collector(mode, &output.stream(), options.half_open_list_limit);
    collector.set_flush_each(true);  // a script reading the stream sees each record as it ends
    AnomalySession anomalies(options, options.format == OutputFormat::ndjson ? &output.stream() : nullptr);
    if (!anomalies.ok()) return k_exit_error;
    Selection selection;
    if (!selection.prepare(live_options)) return k_exit_error;

    g_live_source.store(&source);
    std::optional<StopSignals> signals(std::in_place);

    // --duration: a watchdog interrupts the capture; it is released early when the capture ends.
    // Started after the last early return: a joinable thread must not be destroyed.
    std::mutex mutex;
    std::condition_variable done_signal;
    bool done = false;
    std::thread watchdog;
    if (options.duration_s > 0) {
        watchdog = std::thread([&] {
            std::unique_lock lock(mutex);
            if (!done_signal.wait_for(lock, std::chrono::duration<double>(options.duration_s), [&] { return done; })) {
                source.interrupt();
            }
        });
    }

    LiveStatusLine status(source, !options.quiet && capture::ProgressBar::stderr_is_terminal());
    flow::ObserverChain observers;
    observers.add(selection.wrap(collector));
    observers.add(anomalies.engine());
    observers.add(status);
    PipelineOptions pipeline = pipeline_options(options);
    pipeline.progress_bar = false;
    selection.configure(pipeline);
    const PipelineResult result = run_pipeline(source, pipeline, observers, nullptr, &g_stop);
    anomalies.finish();
    if (selection.active()) anomalies.show_only(selection.anomalies_of_selected(anomalies.engine().anomalies()));
    anomalies.write_selected_ndjson();
    status.clear();
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    done_signal.notify_all();
    if (watchdog.joinable()) watchdog.join();
    source.close();
    g_live_source.store(nullptr);
    signals.reset();

    if (options.format == OutputFormat::text) {
        const report::TextStyle style = text_style(options, output);
        output.stream() << report::render_capture_summary({options.live.interface}, result, style) << '\n';
        output.stream() << "Conversations\n"
                        << report::render_conversation_table(collector.sorted_rows(), style) << '\n';
        output.stream() << report::render_verdict_counts(collector.counts(), style);
        output.stream() << '\n' << anomalies.render_text(style);
    } else {
        json summary = summary_json(live_options, result, collector);
        anomalies.fill(summary);
        summary["type"] = "summary";
        summary["interface"] = options.live.interface;
        summary["live"] = json{{"received", result.live.received},
                               {"dropped_by_kernel", result.live.dropped_by_kernel},
                               {"dropped_by_interface", result.live.dropped_by_interface}};
        output.stream() << summary.dump() << '\n';
    }
    return anomalies.exit_status(finish_status(result, output));
}

}  // namespace tcpvet::cli
