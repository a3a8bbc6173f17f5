// --select at the command line: parse it, read the anomalies first when it tests `anomaly`, and
// put a SelectingObserver in front of the report.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "tcpvet/anomaly/anomaly.hpp"
#include "tcpvet/cli/options.hpp"
#include "tcpvet/pipeline.hpp"
#include "tcpvet/select/anomaly_index.hpp"
#include "tcpvet/select/expression.hpp"
#include "tcpvet/select/selecting_observer.hpp"

namespace CLI {
class App;
}

namespace tcpvet::cli {

// -Y,--select EXPR.
void add_select_option(CLI::App& command, Options& options);

// ladder, follow: --stream N, or else the lowest stream --select selects (the input is read once
// more for it). -1: neither, both, or nothing selected; the error is printed.
[[nodiscard]] std::int64_t chosen_stream(const Options& options);

class Selection {
public:
    // Parses --select; when it tests `anomaly`, reads the input files once for the anomaly list
    // (standard input and live capture cannot be read twice: refused). False: the error is printed.
    bool prepare(const Options& options);
    [[nodiscard]] bool active() const noexcept { return m_active; }
    // The observer to give the pipeline: `inner` itself without --select.
    flow::TrackerObserver& wrap(flow::TrackerObserver& inner);
    // Only records which conversations are selected (for the anomalies command); null without --select.
    flow::TrackerObserver* recorder();
    // packets, ladder, follow print segments before their conversation is judged: a first pass over
    // the input files (not standard input) decides which streams are selected. False: error printed.
    bool find_streams(const Options& options);
    // After find_streams (or a run with wrap/recorder): the selected streams.
    [[nodiscard]] const select::SelectedStreams& streams() const { return m_observer->selected(); }
    // Lets the pipeline tell the selection the first frame's time.
    void configure(PipelineOptions& pipeline) { pipeline.first_frame_ns = &m_capture_start; }
    // After the run: the anomalies a selected conversation is part of (all of them without --select).
    [[nodiscard]] std::vector<anomaly::Anomaly> anomalies_of_selected(const std::vector<anomaly::Anomaly>& all) const;

private:
    bool m_active = false;
    select::Expression m_expression;
    std::vector<anomaly::Anomaly> m_first_pass_anomalies;
    select::AnomalyIndex m_index;
    std::atomic<std::int64_t> m_capture_start{0};
    std::optional<select::SelectingObserver> m_observer;
};

}  // namespace tcpvet::cli
