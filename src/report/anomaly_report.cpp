// Anomalies as text (grouped by kind and severity) and as JSON objects; both read the finished model only.
#include "tcpvet/report/anomaly_report.hpp"

#include <cmath>
#include <cstdio>

#include "tcpvet/report/format.hpp"
#include "tcpvet/report/json_report.hpp"

namespace tcpvet::report {
namespace {

using nlohmann::json;

constexpr const char* k_red = "\x1b[31m";
constexpr const char* k_yellow = "\x1b[33m";
constexpr const char* k_bold = "\x1b[1m";
constexpr const char* k_reset = "\x1b[0m";

json number_json(double value, bool integral) {
    if (integral && std::fabs(value) < 9.0e15) return json(static_cast<std::int64_t>(std::llround(value)));
    return json(value);
}

std::string number_text(double value) {
    char text[48];
    if (value == std::floor(value) && std::fabs(value) < 9.0e15) {
        std::snprintf(text, sizeof text, "%lld", static_cast<long long>(value));
    } else {
        std::snprintf(text, sizeof text, "%g", value);
    }
    return text;
}

std::string endpoint_text(const flow::Endpoint& endpoint) {
    if (endpoint.addr.family == 0) return "port " + std::to_string(endpoint.port);
    return endpoint.port == 0 ? format_address(endpoint.addr) : format_endpoint(endpoint);
}

}  // namespace

json anomaly_json(const anomaly::Anomaly& a) {
    json endpoints = json::array();
    for (const flow::Endpoint& endpoint : a.endpoints) {
        json item = json::object();
        if (endpoint.addr.family != 0) item["address"] = format_address(endpoint.addr);
        if (endpoint.port != 0) item["port"] = endpoint.port;
        endpoints.push_back(std::move(item));
    }
    json evidence = json::object();
    for (const anomaly::Evidence& item : a.evidence) evidence[item.name] = number_json(item.value, item.integral);
    return json{{"kind", std::string(anomaly::name(a.kind))},
                {"severity", std::string(anomaly::name(a.severity))},
                {"explanation", std::string(anomaly::info(a.kind).explanation)},
                {"text", a.text},
                {"first", time_json(a.first_ns)},
                {"last", time_json(a.last_ns)},
                {"endpoints", endpoints},
                {"stream_count", a.stream_count},
                {"streams", a.streams},
                {"evidence", evidence}};
}

json thresholds_json(const anomaly::Thresholds& thresholds) {
    json result = json::object();
    for (const anomaly::ThresholdSpec& spec : anomaly::threshold_specs()) {
        const double value = thresholds.*spec.member;
        result[std::string(spec.name)] = number_json(value, value == std::floor(value));
    }
    return result;
}

std::string render_anomalies(const std::vector<anomaly::Anomaly>& anomalies, const anomaly::Thresholds& thresholds,
                             const TextStyle& style) {
    std::size_t per_severity[3] = {0, 0, 0};
    for (const anomaly::Anomaly& a : anomalies) ++per_severity[static_cast<std::size_t>(a.severity)];
    std::string out = "Anomalies";
    if (anomalies.empty()) {
        out += ": none\n";
    } else {
        out += " (" + std::to_string(anomalies.size()) + ": " + std::to_string(per_severity[2]) + " critical, " +
               std::to_string(per_severity[1]) + " warning, " + std::to_string(per_severity[0]) + " info)\n";
    }
    const anomaly::Anomaly* previous = nullptr;
    for (const anomaly::Anomaly& a : anomalies) {
        if (previous == nullptr || previous->kind != a.kind || previous->severity != a.severity) {
            std::size_t count = 0;
            for (const anomaly::Anomaly& other : anomalies)
                count += other.kind == a.kind && other.severity == a.severity;
            const char* colour = a.severity == anomaly::Severity::critical  ? k_red
                                 : a.severity == anomaly::Severity::warning ? k_yellow
                                                                            : "";
            const std::string label = std::string(anomaly::name(a.severity)) + " " + std::string(anomaly::name(a.kind));
            out += "  ";
            out += style.color ? std::string(k_bold) + colour + label + k_reset : label;
            out += " (" + std::to_string(count) + "): " + std::string(anomaly::info(a.kind).explanation) + "\n";
        }
        previous = &a;
        out += "    - " + a.text + "\n";
        out += "      " + format_rfc3339(a.first_ns) + " .. " + format_rfc3339(a.last_ns);
        if (a.stream_count != 0) {
            out += "; " + std::to_string(a.stream_count) + " conversation" + (a.stream_count == 1 ? "" : "s");
            if (!a.streams.empty()) {
                out += " (stream";
                out += a.streams.size() == 1 ? " " : "s ";
                for (std::size_t i = 0; i < a.streams.size(); ++i)
                    out += (i == 0 ? "" : ", ") + std::to_string(a.streams[i]);
                if (a.stream_count > a.streams.size()) out += ", ...";
                out += ")";
            }
        }
        out += "\n      evidence:";
        for (const anomaly::Evidence& item : a.evidence)
            out.append(" ").append(item.name).append("=").append(number_text(item.value));
        if (!a.endpoints.empty()) {
            out += "\n      endpoints:";
            for (const flow::Endpoint& endpoint : a.endpoints) out.append(" ").append(endpoint_text(endpoint));
        }
        out += "\n";
    }
    out += "Thresholds:";
    unsigned column = 11;
    for (const anomaly::ThresholdSpec& spec : anomaly::threshold_specs()) {
        const std::string item =
            std::string(" ").append(spec.name).append("=").append(number_text(thresholds.*spec.member));
        if (column + item.size() > style.width && column > 11) {
            out += "\n           ";
            column = 11;
        }
        out += item;
        column += static_cast<unsigned>(item.size());
    }
    out += "\n";
    return out;
}

}  // namespace tcpvet::report
