// The --select expression: a parsed tree of comparisons on a conversation's decoded facts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tcpvet/packet.hpp"

namespace tcpvet::select {

// The fields an expression may test. Names are API (as in the README's table).
enum class Field : std::uint8_t {
    stream,
    host,
    src,
    dst,
    port,
    sport,
    dport,
    conn_state,
    handshake,
    teardown,
    anomaly,
    flag,
    duration,
    bytes,
    packets,
    time,
    tunnel,     // a tunnel kind the conversation came through, or none
    tunnel_id,  // a tunnel's identifier (VNI, GRE key, MPLS label, TEID, session)
};
inline constexpr std::size_t k_field_count = 18;

enum class Compare : std::uint8_t { eq, ne, lt, le, gt, ge };

enum class NodeKind : std::uint8_t { all, any, negate, compare };  // all: and, any: or

// One node of the tree, kept in a flat vector: children are indexes, values typed by field.
struct Node {
    NodeKind kind = NodeKind::compare;
    Field field = Field::stream;
    Compare op = Compare::eq;
    std::int32_t left = -1;  // all/any: both; negate: left only
    std::int32_t right = -1;
    double number = 0;       // stream, ports, duration (s), bytes, packets, relative time (s)
    std::uint32_t code = 0;  // conn_state/handshake/teardown/anomaly/flag/tunnel: index in its name table
    IpAddress address{};     // host/src/dst (prefix bits below)
    std::uint8_t prefix_bits = 0;
    bool absolute_time = false;  // time: RFC 3339 (time_ns), else seconds from the first frame
    std::int64_t time_ns = 0;
};

struct Expression {
    std::vector<Node> nodes;
    std::int32_t root = -1;

    // Whether any comparison tests `field` (e.g. anomaly: the capture must be read twice).
    [[nodiscard]] bool uses(Field field) const noexcept;
};

// A parse failure: the 1-based column it points at and what was expected there.
struct ParseError {
    std::size_t column = 0;
    std::string message;
};

struct ParseResult {
    Expression expression;
    bool ok = false;
    ParseError error;
};

// Parses the --select language (README "Selecting conversations"). Never throws on bad input.
[[nodiscard]] ParseResult parse_expression(std::string_view text);

// "--select: column 14: expected a value after '=='"
[[nodiscard]] std::string describe(const ParseError& error);

[[nodiscard]] std::string_view field_name(Field field) noexcept;

}  // namespace tcpvet::select
