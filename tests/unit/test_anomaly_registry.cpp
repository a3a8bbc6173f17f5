// Anomaly registry, severities and threshold parsing (names are API: these tests pin them).
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "tcpvet/anomaly/registry.hpp"
#include "tcpvet/anomaly/thresholds.hpp"

using namespace tcpvet::anomaly;

TEST_CASE("anomaly kind registry is closed, snake_case and unique") {
    std::set<std::string> names;
    for (const KindInfo& entry : k_kinds) {
        CHECK(names.insert(std::string(entry.name)).second);
        for (const char ch : entry.name) CHECK(((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'));
        CHECK(!entry.explanation.empty());
        CHECK(parse_kind(entry.name) == entry.kind);
    }
    CHECK(names.size() == k_anomaly_kind_count);
    CHECK(name(AnomalyKind::syn_flood) == "syn_flood");
    CHECK(name(AnomalyKind::close_wait) == "close_wait");
    CHECK(name(AnomalyKind::isn_reuse) == "isn_reuse");
    CHECK(info(AnomalyKind::syn_cookies).default_severity == Severity::info);
    CHECK(!parse_kind("synflood"));
}

TEST_CASE("severities parse and order") {
    CHECK(parse_severity("info") == Severity::info);
    CHECK(parse_severity("warning") == Severity::warning);
    CHECK(parse_severity("critical") == Severity::critical);
    CHECK(!parse_severity("Critical"));
    CHECK(Severity::info < Severity::warning);
    CHECK(Severity::warning < Severity::critical);
    CHECK(name(Severity::warning) == "warning");
}

TEST_CASE("thresholds: NAME=VALUE assignments") {
    Thresholds t;
    std::string error;
    CHECK(t.close_wait_seconds == 60);
    CHECK(apply_threshold(t, "close_wait_seconds=1.5", error));
    CHECK(t.close_wait_seconds == 1.5);
    CHECK(apply_threshold(t, "  syn_flood_half_open =  250 ", error));
    CHECK(t.syn_flood_half_open == 250);
    CHECK(!apply_threshold(t, "close_wait_seconds", error));
    CHECK(error.find("NAME=VALUE") != std::string::npos);
    CHECK(!apply_threshold(t, "close_wait_seconds=-1", error));
    CHECK(!apply_threshold(t, "close_wait_seconds=1x", error));
    CHECK(!apply_threshold(t, "nope=1", error));
    CHECK(error.find("unknown threshold 'nope'") != std::string::npos);
    for (const ThresholdSpec& spec : threshold_specs()) {
        Thresholds fresh;
        CHECK(apply_threshold(fresh, std::string(spec.name) + "=7", error));
        CHECK(fresh.*spec.member == 7);
    }
}

TEST_CASE("thresholds: config file with comments") {
    const std::string path = "test_anomaly_thresholds.conf";
    {
        std::ofstream file(path);
        file << "# comment line\n\nrst_burst_count = 20  # trailing comment\nport_scan_ports=5\n";
    }
    Thresholds t;
    std::string error;
    CHECK(load_threshold_file(t, path, error));
    CHECK(t.rst_burst_count == 20);
    CHECK(t.port_scan_ports == 5);
    {
        std::ofstream file(path);
        file << "rst_burst_count = 20\nbogus = 1\n";
    }
    CHECK(!load_threshold_file(t, path, error));
    CHECK(error.find(":2:") != std::string::npos);
    std::remove(path.c_str());
    CHECK(!load_threshold_file(t, "/nonexistent/tcpvet.conf", error));
}
