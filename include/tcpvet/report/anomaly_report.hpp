// Renderings of raised anomalies and the thresholds behind them: text for people, JSON for tools.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tcpvet/anomaly/anomaly.hpp"
#include "tcpvet/anomaly/thresholds.hpp"
#include "tcpvet/report/text_report.hpp"

namespace tcpvet::report {

// {"kind","severity","explanation","text","first","last","endpoints","stream_count","streams","evidence"}.
[[nodiscard]] nlohmann::json anomaly_json(const anomaly::Anomaly& anomaly);
// {"name": value, ...} in threshold_specs() order.
[[nodiscard]] nlohmann::json thresholds_json(const anomaly::Thresholds& thresholds);
// "Anomalies" section: grouped by kind and severity (input sorted so), then the thresholds used.
[[nodiscard]] std::string render_anomalies(const std::vector<anomaly::Anomaly>& anomalies,
                                           const anomaly::Thresholds& thresholds, const TextStyle& style);

}  // namespace tcpvet::report
