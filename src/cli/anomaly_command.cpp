// `tcpvet anomalies` and the anomaly options shared with analyze. Kept apart from commands.cpp so
// the anomaly layer stays one seam: thresholds in, an engine observing the tracker, a report out.
#include "tcpvet/cli/anomaly_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "tcpvet/anomaly/thresholds.hpp"
#include "tcpvet/capture/progress.hpp"
#include "tcpvet/pipeline.hpp"
#include "tcpvet/report/anomaly_report.hpp"
#include "tcpvet/report/json_report.hpp"

namespace tcpvet::cli {
namespace {

using nlohmann::json;

constexpr int k_exit_ok = 0;
constexpr int k_exit_error = 1;
constexpr int k_exit_anomaly = 2;

void print_error(const std::string& line) { std::cerr << "tcpvet: " << line << '\n'; }

json ndjson_record(const anomaly::Anomaly& a) {
    json record = report::anomaly_json(a);
    record["type"] = "anomaly";
    return record;
}

}  // namespace

void add_anomaly_options(CLI::App& command, Options& options) {
    command
        .add_option("--threshold", options.thresholds,
                    "set a detector threshold, NAME=VALUE (repeatable; names in the report's Thresholds line)")
        ->allow_extra_args(false);  // one NAME=VALUE per --threshold: never swallows the input files
    command
        .add_option("--config", options.threshold_config, "read thresholds from FILE: 'name = value' lines, # comments")
        ->check(CLI::ExistingFile);
    command
        .add_option("--fail-on", options.fail_on,
                    "exit with status 2 when an anomaly at or above this severity is found")
        ->check(CLI::IsMember({"info", "warning", "critical"}));
}

AnomalySession::AnomalySession(const Options& options, std::ostream* ndjson_out) {
    anomaly::Thresholds thresholds;
    std::string error;
    // The file first, so a --threshold on the command line overrides it.
    if (!options.threshold_config.empty() &&
        !anomaly::load_threshold_file(thresholds, options.threshold_config, error)) {
        print_error(error);
        return;
    }
    for (const std::string& assignment : options.thresholds) {
        if (!anomaly::apply_threshold(thresholds, assignment, error)) {
            print_error(error);
            return;
        }
    }
    if (!options.fail_on.empty()) {
        const std::optional<anomaly::Severity> level = anomaly::parse_severity(options.fail_on);
        if (!level) {
            print_error("--fail-on: expected info, warning or critical");
            return;
        }
        m_fail_enabled = true;
        m_fail_on = *level;
    }
    anomaly::AnomalyEngine::Callback callback;
    if (ndjson_out != nullptr) {
        callback = [ndjson_out](const anomaly::Anomaly& a) { *ndjson_out << ndjson_record(a).dump() << '\n' << std::flush; };
    }
    m_engine = std::make_unique<anomaly::AnomalyEngine>(thresholds, std::move(callback));
}

std::string AnomalySession::render_text(const report::TextStyle& style) const {
    return report::render_anomalies(m_engine->anomalies(), m_engine->thresholds(), style);
}

void AnomalySession::fill(json& document) const {
    json list = json::array();
    for (const anomaly::Anomaly& a : m_engine->anomalies()) list.push_back(report::anomaly_json(a));
    document["anomalies"] = std::move(list);
    document["thresholds"] = report::thresholds_json(m_engine->thresholds());
}

int AnomalySession::exit_status(int status) const {
    if (status == k_exit_ok && m_fail_enabled && m_engine->any_at_least(m_fail_on)) return k_exit_anomaly;
    return status;
}

int run_anomalies(const Options& options) {
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
    AnomalySession session(options, options.format == OutputFormat::ndjson ? out : nullptr);
    if (!session.ok()) return k_exit_error;

    capture::SourceOptions source_options;
    source_options.files = options.inputs;
    source_options.bpf_filter = options.filter;
    capture::PacketSource source(source_options);
    if (!source.open()) {
        print_error(source.error());
        return k_exit_error;
    }
    // Same tracking limits as analyze, so both commands see the same conversations.
    PipelineOptions pipeline;
    pipeline.tracker.idle_timeout_ns = static_cast<std::int64_t>(options.idle_timeout_s * 1e9);
    pipeline.tracker.closed_linger_ns = static_cast<std::int64_t>(options.closed_linger_s * 1e9);
    pipeline.tracker.max_records = options.max_flows;
    pipeline.tracker.max_conversations = options.max_conversations;
    pipeline.progress_bar = !options.quiet && capture::ProgressBar::stderr_is_terminal();
    pipeline.max_packets = options.count;
    const PipelineResult result = run_pipeline(source, pipeline, session.engine());
    session.finish();

    switch (options.format) {
    case OutputFormat::text: {
        const char* no_color = std::getenv("NO_COLOR");
        const bool color = options.color == ColorMode::always ||
                           (options.color == ColorMode::automatic && out == &std::cout && isatty(STDOUT_FILENO) != 0 &&
                            (no_color == nullptr || no_color[0] == '\0'));
        *out << session.render_text(report::TextStyle{color, 100});
        break;
    }
    case OutputFormat::json: {
        json document{{"schema_version", report::k_schema_version},
                      {"tool", json{{"name", "tcpvet"}, {"version", TCPVET_VERSION}}},
                      {"command", options.command},
                      {"inputs", options.inputs},
                      {"capture", report::capture_json(result.capture)},
                      {"error", result.failed ? json(result.error) : json(nullptr)}};
        session.fill(document);
        *out << document.dump() << '\n';
        break;
    }
    case OutputFormat::ndjson: {
        json summary{{"type", "summary"}, {"command", options.command}, {"inputs", options.inputs}};
        std::size_t counts[3] = {0, 0, 0};
        for (const anomaly::Anomaly& a : session.engine().anomalies()) ++counts[static_cast<std::size_t>(a.severity)];
        summary["anomaly_counts"] = json{{"info", counts[0]}, {"warning", counts[1]}, {"critical", counts[2]}};
        summary["thresholds"] = report::thresholds_json(session.engine().thresholds());
        summary["error"] = result.failed ? json(result.error) : json(nullptr);
        *out << summary.dump() << '\n';
        break;
    }
    }
    out->flush();
    if (!*out) {
        print_error("error writing output");
        return k_exit_error;
    }
    if (result.failed) {
        print_error(result.error);
        return k_exit_error;
    }
    return session.exit_status(k_exit_ok);
}

}  // namespace tcpvet::cli
