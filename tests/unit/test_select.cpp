// --select: the parser (precedence, every field, every error with its column) and the evaluator.
#include <doctest/doctest.h>

#include <string>

#include "tcpvet/decode/encapsulation.hpp"
#include "tcpvet/select/anomaly_index.hpp"
#include "tcpvet/select/evaluator.hpp"
#include "tcpvet/select/expression.hpp"
#include "tcpvet/select/value_parsers.hpp"
#include "test_decode_support.hpp"

using namespace tcpvet;
using namespace tcpvet::select;
using tcpvet::test_support::ipv4;

namespace {

constexpr std::int64_t k_start = 1'000'000'000'000'000'000LL;  // capture start, ns

// Stream 5, 10.0.0.1:40000 -> 192.0.2.10:443, SF, complete / graceful, one retransmission,
// from 2 s to 5 s after the capture start, 3000 bytes in 12 packets.
ConversationFacts sample() {
    ConversationFacts f;
    f.stream = 5;
    f.originator = flow::Endpoint{ipv4(10, 0, 0, 1), 40000};
    f.responder = flow::Endpoint{ipv4(192, 0, 2, 10), 443};
    f.conn_state = 2;  // SF
    f.handshake = analysis::HandshakeVerdict::complete;
    f.teardown = analysis::TeardownVerdict::graceful_four_way;
    f.flags = analysis::bit(analysis::SegmentFlag::retransmission);
    f.first_ns = k_start + 2'000'000'000;
    f.last_ns = k_start + 5'000'000'000;
    f.bytes = 3000;
    f.packets = 12;
    return f;
}

bool eval_on(const ConversationFacts& facts, const std::string& text, std::uint32_t anomaly_kinds = 0) {
    const ParseResult parsed = parse_expression(text);
    REQUIRE_MESSAGE(parsed.ok, text << ": " << parsed.error.message);
    return evaluate(parsed.expression, Subject{facts, anomaly_kinds, k_start});
}

bool eval(const std::string& text, std::uint32_t anomaly_kinds = 0) { return eval_on(sample(), text, anomaly_kinds); }

// MPLS label 16 carrying VXLAN VNI 4711 (outermost first).
decode::Encapsulation mpls_then_vxlan() {
    decode::Encapsulation layers;
    layers.depth = 2;
    layers.layers[0] = decode::TunnelLayer{decode::TunnelKind::mpls, true, 16, {}, {}};
    layers.layers[1] = decode::TunnelLayer{decode::TunnelKind::vxlan, true, 4711, ipv4(10, 1, 0, 1), ipv4(10, 1, 0, 2)};
    return layers;
}

std::string error_of(const std::string& text) {
    const ParseResult parsed = parse_expression(text);
    REQUIRE_FALSE_MESSAGE(parsed.ok, text);
    return describe(parsed.error);
}

}  // namespace

TEST_CASE("select: and binds tighter than or, not tighter than and") {
    // The fact has port 443 and stream 5. Each unparenthesised case below gives the opposite result
    // under the wrong grouping, shown in the comment.
    CHECK(eval("port == 443 or port == 1 and stream == 6"));  // wrong: (a or b) and c = false
    CHECK(eval("stream == 6 and port == 1 or port == 443"));  // wrong: a and (b or c) = false
    CHECK_FALSE(eval("(port == 443 or port == 1) and stream == 6"));
    CHECK_FALSE(eval("not stream == 6 and port == 1"));  // wrong: not (a and b) = true
    CHECK(eval("not stream == 5 or port == 443"));       // wrong: not (a or b) = false
    CHECK_FALSE(eval("not (port == 443 and stream == 5)"));
    CHECK_FALSE(eval("! stream == 6 && port == 1 || stream == 9"));  // wrong: !(a && (b || c)) = true
    CHECK(eval("not not port == 443"));
    CHECK(eval("stream eq 5 and port ne 80 and bytes ge 3000 and packets lt 13"));
}

TEST_CASE("select: every field") {
    CHECK(eval("stream == 5"));
    CHECK(eval("stream > 4"));
    CHECK_FALSE(eval("stream < 5"));
    CHECK(eval("host == 192.0.2.10"));
    CHECK(eval("host == 10.0.0.0/8"));
    CHECK_FALSE(eval("host == 172.16.0.0/12"));
    CHECK(eval("host != 172.16.0.1"));
    CHECK(eval("src == 10.0.0.1"));
    CHECK_FALSE(eval("src == 192.0.2.10"));
    CHECK(eval("dst == 192.0.2.0/24"));
    CHECK_FALSE(eval("dst == 2001:db8::/32"));  // another family never matches
    CHECK(eval("port == 40000"));
    CHECK(eval("port == 443"));
    CHECK_FALSE(eval("port != 443"));  // neither port is 443: false
    CHECK(eval("sport >= 1024"));
    CHECK_FALSE(eval("dport >= 1024"));
    CHECK(eval("dport == 443"));
    CHECK(eval("conn_state == SF"));
    CHECK(eval("conn_state != S0"));
    CHECK(eval("handshake == complete"));
    CHECK(eval("teardown == graceful_four_way"));
    CHECK_FALSE(eval("teardown == reset"));
    CHECK(eval("flag == retransmission"));
    CHECK_FALSE(eval("flag == zero_window"));
    CHECK(eval("flag != zero_window"));
    CHECK(eval("anomaly == close_wait", 1U << static_cast<unsigned>(anomaly::AnomalyKind::close_wait)));
    CHECK_FALSE(eval("anomaly == close_wait"));
    CHECK(eval("duration == 3"));
    CHECK(eval("duration > 2.5"));
    CHECK(eval("bytes == 3000"));
    CHECK(eval("packets <= 12"));
    CHECK_FALSE(eval("packets > 12"));
    CHECK(eval("tunnel == none"));  // sample() is not tunnelled
    CHECK_FALSE(eval("tunnel == vxlan"));
    CHECK_FALSE(eval("tunnel_id == 0"));
    CHECK(eval("tunnel_id != 0"));
}

TEST_CASE("select: tunnel and tunnel_id test every layer") {
    const decode::Encapsulation layers = mpls_then_vxlan();
    ConversationFacts facts = sample();
    facts.encapsulation = &layers;
    CHECK(eval_on(facts, "tunnel == vxlan"));
    CHECK(eval_on(facts, "tunnel == mpls"));
    CHECK(eval_on(facts, "tunnel != none"));
    CHECK_FALSE(eval_on(facts, "tunnel == gre"));
    CHECK(eval_on(facts, "tunnel_id == 4711"));
    CHECK(eval_on(facts, "tunnel_id == 16"));
    CHECK_FALSE(eval_on(facts, "tunnel_id == 4242"));
    CHECK_FALSE(eval_on(facts, "tunnel_id != 16"));  // some layer's id is 16
    CHECK(eval_on(facts, "tunnel_id > 4000 and tunnel_id < 5000"));
    CHECK(eval_on(facts, "tunnel == vxlan and tunnel_id == 4711 and dport == 443"));
}

TEST_CASE("select: time compares the conversation's span") {
    CHECK(eval("time >= 4"));  // last (5 s) >= 4
    CHECK_FALSE(eval("time > 5"));
    CHECK(eval("time <= 2"));  // first (2 s) <= 2
    CHECK_FALSE(eval("time < 2"));
    CHECK(eval("time == 3.5"));
    CHECK_FALSE(eval("time == 6"));
    CHECK(eval("time != 6"));
    CHECK(eval("time >= 3 and time <= 4"));  // active inside [3, 4]
    CHECK_FALSE(eval("time >= 6 and time <= 9"));
    // k_start is 2001-09-09T01:46:40Z.
    CHECK(eval("time >= 2001-09-09T01:46:44Z"));
    CHECK_FALSE(eval("time >= 2001-09-09T01:46:46Z"));
    CHECK(eval("time <= 2001-09-09T03:46:42.5+02:00"));
    CHECK(parse_rfc3339("1970-01-01T00:00:01.25Z") == 1'250'000'000);
    CHECK(parse_rfc3339("2024-02-29T00:00:00Z").has_value());
    CHECK_FALSE(parse_rfc3339("2023-02-29T00:00:00Z").has_value());
    CHECK_FALSE(parse_rfc3339("2024-01-01T00:00:00").has_value());  // no offset
}

TEST_CASE("select: IPv6 addresses and prefixes") {
    const std::optional<AddressPrefix> prefix = parse_address_prefix("2001:db8::1/32");
    REQUIRE(prefix);
    CHECK(prefix->prefix_bits == 32);
    CHECK(prefix->address.bytes[15] == 0);  // host bits cleared
    CHECK_FALSE(parse_address_prefix("10.0.0.0/33"));
    CHECK_FALSE(parse_address_prefix("10.0.0"));
    ConversationFacts facts = sample();
    facts.originator.addr = IpAddress{};
    facts.originator.addr.family = 6;
    facts.originator.addr.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};
    const ParseResult parsed = parse_expression("src == 2001:db8::/32 and not src == 2001:db8::8");
    REQUIRE(parsed.ok);
    CHECK(evaluate(parsed.expression, Subject{facts, 0, k_start}));
}

TEST_CASE("select: errors name the column") {
    CHECK(error_of("port == 443 and port ==") == "--select: column 24: expected a value after '=='");
    CHECK(error_of("prot == 443") ==
          "--select: column 1: unknown field 'prot' (fields: stream host src dst port sport dport conn_state "
          "handshake teardown anomaly flag duration bytes packets time tunnel tunnel_id)");
    CHECK(error_of("port = 443") == "--select: column 6: '=' is not a comparison: use '=='");
    CHECK(error_of("port 443") == "--select: column 6: expected a comparison (== != < <= > >=) after 'port'");
    CHECK(error_of("host > 10.0.0.1") == "--select: column 6: 'host' compares only with == or !=");
    CHECK(error_of("host == 10.0.0.300") ==
          "--select: column 9: expected an IPv4 or IPv6 address or CIDR prefix, found '10.0.0.300'");
    CHECK(error_of("conn_state == XX").starts_with("--select: column 15: unknown conn_state 'XX' (one of: S0 S1 SF"));
    CHECK(error_of("handshake == done").starts_with("--select: column 14: unknown handshake 'done' (one of: complete"));
    CHECK(error_of("teardown == gone").starts_with("--select: column 13: unknown teardown 'gone' (one of: none"));
    CHECK(error_of("anomaly == flood").starts_with("--select: column 12: unknown anomaly 'flood' (one of: syn_flood"));
    CHECK(
        error_of("flag == retrans").starts_with("--select: column 9: unknown flag 'retrans' (one of: retransmission"));
    CHECK(error_of("port == 70000") == "--select: column 9: a port is a whole number from 0 to 65535");
    CHECK(error_of("tunnel == vlan").starts_with("--select: column 11: unknown tunnel 'vlan' (one of: none gre pptp"));
    CHECK(error_of("tunnel < gre") == "--select: column 8: 'tunnel' compares only with == or !=");
    CHECK(error_of("tunnel_id == 4294967296") ==
          "--select: column 14: a tunnel id is a whole number from 0 to 4294967295");
    CHECK(error_of("stream == 1.5") == "--select: column 11: 'stream' is a whole number");
    CHECK(error_of("bytes > lots") == "--select: column 9: expected a number, found 'lots'");
    CHECK(error_of("time > yesterday").starts_with("--select: column 8: expected an RFC 3339 time"));
    CHECK(error_of("(port == 1") == "--select: column 11: expected ')' to close the '(' at column 1");
    CHECK(error_of("port == 1)") == "--select: column 10: ')' without a matching '('");
    CHECK(error_of("port == 1 port == 2") == "--select: column 11: expected 'and', 'or' or the end, found 'port'");
    CHECK(error_of("port == 1 & port == 2") == "--select: column 11: expected 'and', 'or' or the end, found '&'");
    CHECK(error_of("port == 1 and") == "--select: column 14: expected a comparison at the end");
    CHECK(error_of("== 1") == "--select: column 1: expected a field name, found '=='");
    CHECK(error_of("  ") == "--select: column 3: empty expression: expected a comparison such as 'port == 443'");
    CHECK(error_of(std::string(100, '(') + "port == 1" + std::string(100, ')'))
              .starts_with("--select: column 65: nested too deeply"));
}

TEST_CASE("select: anomaly membership by stream sample, then by endpoint and time") {
    anomaly::Anomaly listed;
    listed.kind = anomaly::AnomalyKind::close_wait;
    listed.note_stream(5);
    anomaly::Anomaly flood;
    flood.kind = anomaly::AnomalyKind::syn_flood;
    flood.endpoints = {flow::Endpoint{ipv4(192, 0, 2, 10), 443}};
    flood.first_ns = k_start;
    flood.last_ns = k_start + 3'000'000'000;
    for (std::uint32_t s = 100; s < 120; ++s) flood.note_stream(s);  // sample cut at 10
    anomaly::Anomaly elsewhere = flood;
    elsewhere.kind = anomaly::AnomalyKind::port_scan;
    elsewhere.endpoints = {flow::Endpoint{ipv4(192, 0, 2, 99), 0}};
    const std::vector<anomaly::Anomaly> all = {listed, flood, elsewhere};
    const AnomalyIndex index(all);
    const std::uint32_t kinds = index.kinds_of(sample());
    CHECK(kinds == ((1U << static_cast<unsigned>(anomaly::AnomalyKind::close_wait)) |
                    (1U << static_cast<unsigned>(anomaly::AnomalyKind::syn_flood))));
    ConversationFacts later = sample();
    later.stream = 6;
    later.first_ns = k_start + 4'000'000'000;  // after the flood's window
    CHECK(index.kinds_of(later) == 0);
}
