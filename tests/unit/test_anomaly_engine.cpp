// AnomalyEngine behind a real Tracker, fed hand-made segments: each detector raises what it should
// and nothing else, with exact figures.
#include <doctest/doctest.h>

#include <vector>

#include "tcpvet/anomaly/engine.hpp"
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
    CHECK(flood.find("half_open")->value == 1500);
    CHECK(flood.find("distinct_sources")->value == 300);
    CHECK(flood.find("half_open_answered_synack")->value == 500);
    CHECK(flood.find("completed_handshakes")->value == 1);
    CHECK(flood.stream_count == 1500);
    CHECK(flood.streams.size() == anomaly::Anomaly::k_max_stream_sample);
}

TEST_CASE("close_wait names the endpoint that never closed; fin_wait_2 the one that did") {
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
    CHECK(found[0].find("keepalives")->value == 1);
    CHECK(found[0].find("max_seconds")->value == doctest::Approx(45.002));
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
    CHECK(found[0].find("rsts")->value == 12);
    CHECK(found[1].find("syn_fin")->value == 1);
    CHECK(found[1].find("no_flags")->value == 1);
}
