// --select: one parse, an optional first pass for the anomaly list, an observer in front of the report.
#include "tcpvet/cli/selection_support.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <string>

#include "tcpvet/capture/packet_source.hpp"
#include "tcpvet/cli/anomaly_command.hpp"
#include "tcpvet/cli/command_support.hpp"

namespace tcpvet::cli {

void add_select_option(CLI::App& command, Options& options) {
    command.add_option("-Y,--select", options.select,
                       "report only the conversations EXPR selects, judged after decoding (sees through VLANs "
                       "and tunnels, keeps frame numbers); see the man page for the language");
}

namespace {

bool rereadable(const Options& options) noexcept {
    return !options.inputs.empty() &&
           std::find(options.inputs.begin(), options.inputs.end(), "-") == options.inputs.end();
}

// The anomaly list a full run would raise, read in a first pass over the same files.
bool read_anomalies(const Options& options, std::vector<anomaly::Anomaly>& out) {
    if (!rereadable(options)) {
        print_error("--select: 'anomaly' needs capture files: they are read twice (not standard input or live)");
        return false;
    }
    AnomalySession session(options, nullptr);
    if (!session.ok()) return false;
    capture::PacketSource source(source_options(options));
    if (!open_source(source)) return false;
    PipelineOptions pipeline = pipeline_options(options);
    pipeline.progress_bar = false;
    (void)run_pipeline(source, pipeline, session.engine());
    session.finish();
    out = session.engine().anomalies();
    return true;
}

}  // namespace

bool Selection::prepare(const Options& options) {
    if (options.select.empty()) return true;
    select::ParseResult parsed = select::parse_expression(options.select);
    if (!parsed.ok) {
        print_error(select::describe(parsed.error));
        return false;
    }
    m_expression = std::move(parsed.expression);
    m_active = true;
    if (m_expression.uses(select::Field::anomaly)) {
        if (!read_anomalies(options, m_first_pass_anomalies)) return false;
        m_index = select::AnomalyIndex(m_first_pass_anomalies);
    }
    return true;
}

flow::TrackerObserver& Selection::wrap(flow::TrackerObserver& inner) {
    if (!m_active) return inner;
    m_observer.emplace(m_expression, &inner, &m_index, &m_capture_start);
    return *m_observer;
}

flow::TrackerObserver* Selection::recorder() {
    if (!m_active) return nullptr;
    m_observer.emplace(m_expression, nullptr, &m_index, &m_capture_start);
    return &*m_observer;
}

bool Selection::find_streams(const Options& options) {
    if (!m_active) return true;
    if (!rereadable(options)) {
        print_error("--select: " + options.command +
                    " needs capture files: they are read once to select, then again (not standard input)");
        return false;
    }
    capture::PacketSource source(source_options(options));
    if (!open_source(source)) return false;
    PipelineOptions pipeline = pipeline_options(options);
    pipeline.progress_bar = false;
    configure(pipeline);
    // A read error is left to the second pass to report: it stops at the same frame.
    (void)run_pipeline(source, pipeline, *recorder());
    return true;
}

std::int64_t chosen_stream(const Options& options) {
    if (options.select.empty()) {
        if (options.stream >= 0 && options.stream <= 0xFFFFFFFFLL) return options.stream;
        print_error(options.command +
                    " needs --stream N or --select EXPR (see `tcpvet conversations FILE` for stream numbers)");
        return -1;
    }
    if (options.stream >= 0) {
        print_error(options.command + ": give --stream or --select, not both");
        return -1;
    }
    Selection selection;
    if (!selection.prepare(options) || !selection.find_streams(options)) return -1;
    const std::int64_t first = selection.streams().first();
    if (first < 0) print_error("--select: no conversation of the input is selected");
    return first;
}

std::vector<anomaly::Anomaly> Selection::anomalies_of_selected(const std::vector<anomaly::Anomaly>& all) const {
    if (!m_active || !m_observer) return all;
    const select::SelectedStreams& selected = m_observer->selected();
    // The stream sample answers for most anomalies; only those whose sample was cut (a flood, a
    // scan) need the selected conversations' endpoints and times.
    const auto involves_selected = [&](const anomaly::Anomaly& a) {
        if (std::any_of(a.streams.begin(), a.streams.end(), [&](std::uint32_t s) { return selected.contains(s); }))
            return true;
        if (a.stream_count <= a.streams.size()) return false;
        return std::any_of(selected.facts().begin(), selected.facts().end(),
                           [&](const select::ConversationFacts& f) { return select::AnomalyIndex::involves(a, f); });
    };
    std::vector<anomaly::Anomaly> kept;
    bool any_cut = false;
    for (const anomaly::Anomaly& a : all) {
        any_cut = any_cut || a.stream_count > a.streams.size();
        if (involves_selected(a)) kept.push_back(a);
    }
    if (any_cut && selected.facts_dropped() != 0) {
        print_error("warning: --select: " + std::to_string(selected.facts_dropped()) +
                    " selected conversations past the " + std::to_string(select::SelectedStreams::k_max_facts) +
                    " kept for matching anomalies; an anomaly that names only them by address is not listed");
    }
    return kept;
}

}  // namespace tcpvet::cli
