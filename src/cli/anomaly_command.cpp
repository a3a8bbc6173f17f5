// `tcpvet anomalies` and the anomaly options shared with analyze. Kept apart from commands.cpp so
// the anomaly layer stays one seam: thresholds in, an engine observing the tracker, a report out.
#include "tcpvet/cli/anomaly_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <utility>

#include "tcpvet/anomaly/thresholds.hpp"
#include "tcpvet/capture/progress.hpp"
#include "tcpvet/cli/command_support.hpp"
#include "tcpvet/cli/selection_support.hpp"
#include "tcpvet/pipeline.hpp"
#include "tcpvet/report/anomaly_report.hpp"
#include "tcpvet/report/json_report.hpp"

namespace tcpvet::cli {
namespace {

using nlohmann::json;

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
    if (!options.select.empty()) std::swap(m_selected_ndjson_out, ndjson_out);
    anomaly::AnomalyEngine::Callback callback;
    if (ndjson_out != nullptr) {
        callback = [ndjson_out](const anomaly::Anomaly& a) {
            *ndjson_out << ndjson_record(a).dump() << '\n' << std::flush;
        };
    }
    m_engine = std::make_unique<anomaly::AnomalyEngine>(thresholds, std::move(callback));
}

void AnomalySession::write_selected_ndjson() const {
    if (m_selected_ndjson_out == nullptr) return;
    for (const anomaly::Anomaly& a : shown()) *m_selected_ndjson_out << ndjson_record(a).dump() << '\n';
    m_selected_ndjson_out->flush();
}

std::string AnomalySession::render_text(const report::TextStyle& style) const {
    return report::render_anomalies(shown(), m_engine->thresholds(), style);
}

void AnomalySession::fill(json& document) const {
    json list = json::array();
    for (const anomaly::Anomaly& a : shown()) list.push_back(report::anomaly_json(a));
    document["anomalies"] = std::move(list);
    document["thresholds"] = report::thresholds_json(m_engine->thresholds());
}

int AnomalySession::exit_status(int status) const {
    if (status != k_exit_ok || !m_fail_enabled) return status;
    for (const anomaly::Anomaly& a : shown()) {
        if (a.severity >= m_fail_on) return k_exit_anomaly;
    }
    return status;
}

int run_anomalies(const Options& options) {
    Output output;
    if (!output.open(options)) return k_exit_error;
    std::ostream* out = &output.stream();
    AnomalySession session(options, options.format == OutputFormat::ndjson ? out : nullptr);
    if (!session.ok()) return k_exit_error;
    Selection selection;
    if (!selection.prepare(options)) return k_exit_error;
    capture::PacketSource source(source_options(options));
    if (!open_source(source)) return k_exit_error;
    // Same tracking limits as analyze, so both commands see the same conversations.
    PipelineOptions pipeline = pipeline_options(options);
    selection.configure(pipeline);
    flow::ObserverChain observers;
    observers.add(session.engine());
    if (flow::TrackerObserver* recorder = selection.recorder(); recorder != nullptr) observers.add(*recorder);
    const PipelineResult result = run_pipeline(source, pipeline, observers);
    session.finish();
    if (selection.active()) session.show_only(selection.anomalies_of_selected(session.engine().anomalies()));
    session.write_selected_ndjson();

    switch (options.format) {
    case OutputFormat::text: {
        *out << session.render_text(text_style(options, output));
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
        for (const anomaly::Anomaly& a : session.shown()) ++counts[static_cast<std::size_t>(a.severity)];
        summary["anomaly_counts"] = json{{"info", counts[0]}, {"warning", counts[1]}, {"critical", counts[2]}};
        summary["thresholds"] = report::thresholds_json(session.engine().thresholds());
        summary["error"] = result.failed ? json(result.error) : json(nullptr);
        *out << summary.dump() << '\n';
        break;
    }
    case OutputFormat::zeek:
    case OutputFormat::zeek_json: break;  // refused for anomalies by run_command
    }
    return session.exit_status(finish_status(result, output));
}

}  // namespace tcpvet::cli
