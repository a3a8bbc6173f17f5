// AnomalyEngine behind a real Tracker, fed hand-made segments: each detector raises what it should
// and nothing else, with exact figures.
#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "tcpvet/anomaly/engine.hpp"
#include "tcpvet/anomaly/scan.hpp"
#include "tcpvet/flow/tracker.hpp"

namespace {

using namespace tcpvet;
using anomaly::AnomalyKind;
using anomaly::Severity;

constexpr std::int64_t k_ms = 1'000'000;

IpAddress v4(std::uint32_t value) {
    IpAddress address;
    address.family = 4;
    address.bytes[0] = static_cast<std::uint8_t>(value >> 24);
    address.bytes[1] = static_cast<std::uint8_t>(value >> 16);
    address.bytes[2] = static_cast<std::uint8_t>(value >> 8);
    address.bytes[3] = static_cast<std::uint8_t>(value);
    return address;
}

// Feeds segments to a tracker whose observer is the engine under test.
class Feed {
public:
    explicit Feed(anomaly::Thresholds thresholds = {}) : m_engine(thresholds), m_tracker({}, m_engine) {}
    void send(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport, std::uint16_t flags,
              std::uint32_t seq, std::uint32_t ack, std::uint32_t len = 0, std::uint16_t window = 1000) {
        DecodedPacket packet;
        packet.cls = PacketClass::tcp;
        packet.frame = ++m_frame;
        m_now += k_ms;
        packet.ts_ns = m_now;
        packet.ip_version = 4;
        packet.src = v4(src);
        packet.dst = v4(dst);
        packet.tcp.src_port = sport;
        packet.tcp.dst_port = dport;
        packet.tcp.flags = flags;
        packet.tcp.seq = seq;
        packet.tcp.ack = ack;
        packet.tcp.window = window;
        packet.tcp.data_offset = 5;
        packet.payload_len = len;
        packet.wire_len = 54 + len;
        packet.caplen = packet.wire_len;
        m_tracker.process(packet);
    }
    void wait_ms(std::int64_t ms) { m_now += ms * k_ms; }
    const std::vector<anomaly::Anomaly>& finish() {
        m_tracker.finish();
        m_engine.finish();
        return m_engine.anomalies();
    }

private:
    anomaly::AnomalyEngine m_engine;
    flow::Tracker m_tracker;
    std::uint64_t m_frame = 0;
    std::int64_t m_now = 1'767'225'600LL * 1'000'000'000LL;
};

constexpr std::uint32_t k_server = 0xC000020A;  // 192.0.2.10
constexpr std::uint32_t k_client = 0xC6336407;  // 198.51.100.7
constexpr std::uint16_t F = tcp_flag::fin, S = tcp_flag::syn, R = tcp_flag::rst, P = tcp_flag::psh, A = tcp_flag::ack;

void connection(Feed& feed, std::uint32_t client, std::uint16_t port) {
    feed.send(client, port, k_server, 80, S, 100, 0);
    feed.send(k_server, 80, client, port, S | A, 500, 101);
    feed.send(client, port, k_server, 80, A, 101, 501);
    feed.send(client, port, k_server, 80, A | P, 101, 501, 10);
    feed.send(k_server, 80, client, port, A | F, 501, 111);
    feed.send(client, port, k_server, 80, A | F, 111, 502);
    feed.send(k_server, 80, client, port, A, 502, 112);
}

// The value of an evidence figure; a missing figure fails the test instead of dereferencing null.
double figure(const anomaly::Anomaly& found, std::string_view name) {
    const anomaly::Evidence* evidence = found.find(name);
    REQUIRE_MESSAGE(evidence != nullptr, "no figure " << name);
    return evidence->value;
}

}  // namespace

TEST_CASE("ordinary connections raise nothing") {
    Feed feed;
    for (std::uint16_t i = 0; i < 20; ++i) connection(feed, k_client, static_cast<std::uint16_t>(40000 + i));
    CHECK(feed.finish().empty());
}

TEST_CASE("syn_flood: exact half-open and source counts, warning below the critical threshold") {
    anomaly::Thresholds thresholds;
    Feed feed(thresholds);
    // 1500 spoofed SYNs from 300 addresses (5 ports each); the server answers every third.
    for (std::uint32_t i = 0; i < 1500; ++i) {
        const std::uint32_t source = 0xC6120000U + i / 5;
        const auto port = static_cast<std::uint16_t>(1024 + i % 5);
        feed.send(source, port, k_server, 80, S, i * 77U, 0);
        if (i % 3 == 0) feed.send(k_server, 80, source, port, S | A, i * 13U, i * 77U + 1);
    }
    connection(feed, k_client, 40000);
    const auto& found = feed.finish();
    REQUIRE(found.size() == 1);
    const anomaly::Anomaly& flood = found[0];
    CHECK(flood.kind == AnomalyKind::syn_flood);
    CHECK(flood.severity == Severity::warning);
    CHECK(flood.endpoints.at(0).port == 80);
    CHECK(figure(flood, "half_open") == 1500);
    CHECK(figure(flood, "distinct_sources") == 300);
    CHECK(figure(flood, "half_open_answered_synack") == 500);
    CHECK(figure(flood, "completed_handshakes") == 1);
    CHECK(flood.stream_count == 1500);
    CHECK(flood.streams.size() == anomaly::Anomaly::k_max_stream_sample);
}

TEST_CASE("close_wait names the endpoint that never closed, fin_wait_2 the one that did") {
    anomaly::Thresholds thresholds;
    thresholds.close_wait_seconds = 30;
    Feed feed(thresholds);
    feed.send(k_client, 40000, k_server, 8000, S, 100, 0);
    feed.send(k_server, 8000, k_client, 40000, S | A, 500, 101);
    feed.send(k_client, 40000, k_server, 8000, A, 101, 501);
    feed.send(k_client, 40000, k_server, 8000, A | F, 101, 501);
    feed.send(k_server, 8000, k_client, 40000, A, 501, 102);
    feed.wait_ms(45'000);
    feed.send(k_server, 8000, k_client, 40000, A, 500, 102);  // a keep-alive
    const auto& found = feed.finish();
    REQUIRE(found.size() == 1);  // fin_wait_2 keeps its 60 s default
    CHECK(found[0].kind == AnomalyKind::close_wait);
    CHECK(found[0].endpoints.at(0).port == 8000);
    CHECK(figure(found[0], "keepalives") == 1);
    CHECK(figure(found[0], "max_seconds") == doctest::Approx(45.002));
}

TEST_CASE("invalid flags, urgent pointer without URG, and a RST burst") {
    anomaly::Thresholds thresholds;
    thresholds.rst_burst_count = 10;
    Feed feed(thresholds);
    feed.send(k_client, 1, k_server, 80, S | F, 1, 0);
    feed.send(k_client, 2, k_server, 80, 0, 1, 0);
    for (std::uint16_t i = 0; i < 12; ++i)
        feed.send(k_server, 80, k_client, static_cast<std::uint16_t>(3000 + i), R, 9, 0);
    const auto& found = feed.finish();
    std::vector<AnomalyKind> kinds;
    for (const anomaly::Anomaly& a : found) kinds.push_back(a.kind);
    CHECK(kinds == std::vector<AnomalyKind>{AnomalyKind::rst_burst, AnomalyKind::invalid_flags});
    CHECK(figure(found[0], "rsts") == 12);
    CHECK(figure(found[1], "syn_fin") == 1);
    CHECK(figure(found[1], "no_flags") == 1);
}

TEST_CASE("port_scan: exact figures past the look-ahead, counted in the order attempts ended") {
    // 40 ports of one host: odd ones refused (RST+ACK, REJ), even ones silent (S0, ended at finish).
    constexpr std::uint32_t k_scanner = 0xCB007142;  // 203.0.113.66
    const auto scan_40_ports = [](Feed& feed) {
        for (std::uint16_t port = 1; port <= 40; ++port) {
            feed.send(k_scanner, 50000, k_server, port, S, 1000U + port, 0);
            if (port % 2 == 1) feed.send(k_server, port, k_scanner, 50000, R | A, 0, 1001U + port);
        }
    };
    Feed feed;
    scan_40_ports(feed);
    anomaly::Thresholds thresholds;
    thresholds.port_scan_ports = 40;
    thresholds.host_scan_hosts = 2;  // one host only: never a host scan
    Feed strict(thresholds);
    scan_40_ports(strict);
    CHECK(feed.finish().empty());  // 40 < the default 50
    const auto& found = strict.finish();
    REQUIRE(found.size() == 1);
    const anomaly::Anomaly& scan = found[0];
    CHECK(scan.kind == AnomalyKind::port_scan);
    CHECK(figure(scan, "distinct_ports") == 40);
    CHECK(figure(scan, "distinct_ports_error") == 0.0);
    CHECK(figure(scan, "failed_attempts") == 40);
    CHECK(figure(scan, "refused") == 20);
    CHECK(figure(scan, "unanswered") == 20);
    CHECK(scan.stream_count == 40);
    // All end at the end of the capture (a REJ lingers as closed), in stream order: the first ten.
    REQUIRE(scan.streams.size() == anomaly::Anomaly::k_max_stream_sample);
    for (std::size_t i = 0; i < scan.streams.size(); ++i) CHECK(scan.streams[i] == i);
    REQUIRE(scan.endpoints.size() == 2);
    CHECK(scan.endpoints[0] == flow::Endpoint{v4(k_scanner), 0});
    CHECK(scan.endpoints[1] == flow::Endpoint{v4(k_server), 0});
}

TEST_CASE("host_scan: one port on many hosts, sources kept apart, earliest first") {
    anomaly::Thresholds thresholds;
    thresholds.host_scan_hosts = 30;
    Feed feed(thresholds);
    constexpr std::uint32_t k_first = 0xCB007142;   // 203.0.113.66: 60 hosts
    constexpr std::uint32_t k_second = 0xCB007143;  // 203.0.113.67: 30 hosts, starts later
    constexpr std::uint32_t k_third = 0xCB007144;   // 203.0.113.68: 29 hosts, below the threshold
    for (std::uint32_t host = 1; host <= 60; ++host) {
        feed.send(k_first, 40000, 0xC0000200U + host, 22, S, host, 0);
        if (host <= 30) feed.send(k_second, 40000, 0xC0000200U + host, 22, S, host, 0);
        if (host <= 29) feed.send(k_third, 40000, 0xC0000200U + host, 22, S, host, 0);
    }
    const auto& found = feed.finish();
    REQUIRE(found.size() == 2);
    CHECK(found[0].kind == AnomalyKind::host_scan);
    CHECK(found[0].endpoints.at(0).addr == v4(k_first));
    CHECK(figure(found[0], "distinct_hosts") == 60);
    CHECK(figure(found[0], "failed_attempts") == 60);
    CHECK(figure(found[0], "port") == 22);
    CHECK(found[1].endpoints.at(0).addr == v4(k_second));
    CHECK(figure(found[1], "distinct_hosts") == 30);
    CHECK(figure(found[1], "unanswered") == 30);
    // Each one's first ten streams, though the three sources' attempts interleave (streams
    // 3(h-1), 3(h-1)+1, 3(h-1)+2 for host h up to 29), all ending at the end of the capture.
    CHECK(found[0].streams == std::vector<std::uint32_t>{0, 3, 6, 9, 12, 15, 18, 21, 24, 27});
    CHECK(found[1].streams == std::vector<std::uint32_t>{1, 4, 7, 10, 13, 16, 19, 22, 25, 28});
}

TEST_CASE("scans: pairs first seen after the key cap are not tracked") {
    anomaly::Thresholds thresholds;
    thresholds.syn_flood_half_open = 1e12;  // only the scans matter here
    Feed feed(thresholds);
    constexpr std::uint32_t k_early = 0xCB007142;  // scans before the cap: raised
    constexpr std::uint32_t k_late = 0xCB007143;   // scans once both tables are full: not tracked
    for (std::uint16_t port = 1; port <= 60; ++port) feed.send(k_early, 50000, k_server, port, S, port, 0);
    // One attempt each from enough spoofed sources to fill both tables: the early scanner holds one
    // key in the port-scan table (source, host) and 60 in the host-scan table (source, port).
    for (std::uint32_t i = 0; i + 1 < anomaly::ScanDetector::k_max_keys; ++i) {
        feed.send(0x0A000000U + i, 1024, k_server, 80, S, i, 0);
    }
    for (std::uint16_t port = 1; port <= 60; ++port) feed.send(k_late, 50000, k_server, port, S, port, 0);
    // A key from before the cap goes on counting in a full table.
    for (std::uint16_t port = 61; port <= 70; ++port) feed.send(k_early, 50000, k_server, port, S, port, 0);
    const auto& found = feed.finish();
    REQUIRE(found.size() == 1);
    CHECK(found[0].kind == AnomalyKind::port_scan);
    CHECK(found[0].endpoints.at(0).addr == v4(k_early));
    CHECK(figure(found[0], "distinct_ports") == 70);
}
