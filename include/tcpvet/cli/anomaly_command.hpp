// The anomaly layer at the command line: `tcpvet anomalies`, and the engine analyze runs beside its report.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <vector>

#include "tcpvet/anomaly/engine.hpp"
#include "tcpvet/cli/options.hpp"
#include "tcpvet/report/text_report.hpp"

namespace CLI {
class App;
}

namespace tcpvet::cli {

// --threshold NAME=VALUE (repeatable), --config FILE, --fail-on SEVERITY.
void add_anomaly_options(CLI::App& command, Options& options);

// One run's anomaly engine, built from the options; NDJSON output streams each anomaly as raised.
class AnomalySession {
public:
    // `ndjson_out`: where {"type":"anomaly",...} lines go the moment they are raised (null: nowhere).
    // Under --select they wait for write_selected_ndjson: which conversations are selected is known
    // only when they end, and an anomaly streamed before that could belong to none of them.
    AnomalySession(const Options& options, std::ostream* ndjson_out);
    // False when a threshold or the config file was bad (the error is already printed).
    [[nodiscard]] bool ok() const noexcept { return m_engine != nullptr; }
    [[nodiscard]] anomaly::AnomalyEngine& engine() noexcept { return *m_engine; }
    [[nodiscard]] const anomaly::AnomalyEngine& engine() const noexcept { return *m_engine; }
    void finish() { m_engine->finish(); }
    // --select: report only these (the anomalies of the selected conversations) instead of all.
    void show_only(std::vector<anomaly::Anomaly> anomalies) { m_shown = std::move(anomalies); }
    // --select with NDJSON: writes the shown anomalies' lines, held back during the run.
    void write_selected_ndjson() const;
    [[nodiscard]] const std::vector<anomaly::Anomaly>& shown() const noexcept {
        return m_shown ? *m_shown : m_engine->anomalies();
    }

    [[nodiscard]] std::string render_text(const report::TextStyle& style) const;
    // Sets "anomalies" and "thresholds" of a report or summary object.
    void fill(nlohmann::json& document) const;
    // `status`, or 2 when it is 0 and an anomaly reached --fail-on.
    [[nodiscard]] int exit_status(int status) const;

private:
    std::unique_ptr<anomaly::AnomalyEngine> m_engine;
    std::optional<std::vector<anomaly::Anomaly>> m_shown;
    std::ostream* m_selected_ndjson_out = nullptr;  // --select: NDJSON lines written after the run
    bool m_fail_enabled = false;
    anomaly::Severity m_fail_on = anomaly::Severity::critical;
};

// `tcpvet anomalies FILE...`: anomalies only, grouped by kind and severity (text, json or ndjson).
int run_anomalies(const Options& options);

}  // namespace tcpvet::cli
