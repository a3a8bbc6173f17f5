// A recursive-descent parser for --select: or < and < not < comparison, as in tshark's display
// filters. Every error names the column of the token it stopped at.
#include <array>
#include <cmath>
#include <string>

#include "tcpvet/select/expression.hpp"
#include "tcpvet/select/lexer.hpp"
#include "tcpvet/select/value_names.hpp"
#include "tcpvet/select/value_parsers.hpp"

namespace tcpvet::select {
namespace {

constexpr std::array<std::string_view, k_field_count> k_field_names = {
    "stream",   "host",    "src",  "dst",      "port",  "sport",   "dport", "conn_state", "handshake",
    "teardown", "anomaly", "flag", "duration", "bytes", "packets", "time",  "tunnel",     "tunnel_id"};

constexpr std::string_view k_field_list =
    "stream host src dst port sport dport conn_state handshake teardown anomaly flag duration bytes packets time "
    "tunnel tunnel_id";

// How a field's values are written and compared.
enum class ValueType : std::uint8_t { number, address, name, time };

ValueType value_type(Field field) noexcept {
    switch (field) {
    case Field::host:
    case Field::src:
    case Field::dst: return ValueType::address;
    case Field::conn_state:
    case Field::handshake:
    case Field::teardown:
    case Field::anomaly:
    case Field::flag:
    case Field::tunnel: return ValueType::name;
    case Field::time: return ValueType::time;
    default: return ValueType::number;
    }
}

// Thrown inside the parser only; parse_expression turns it into a ParseError.
struct Failure {
    std::size_t column;
    std::string message;
};

bool is_keyword(const Token& token, std::string_view word) noexcept {
    return token.kind == TokenKind::word && token.text == word;
}

// The comparison a token spells (symbols, or tshark's eq ne lt le gt ge), if any.
bool comparison_of(const Token& token, Compare& op) noexcept {
    static constexpr std::array<std::pair<std::string_view, Compare>, 6> k_words = {{{"eq", Compare::eq},
                                                                                     {"ne", Compare::ne},
                                                                                     {"lt", Compare::lt},
                                                                                     {"le", Compare::le},
                                                                                     {"gt", Compare::gt},
                                                                                     {"ge", Compare::ge}}};
    switch (token.kind) {
    case TokenKind::eq: op = Compare::eq; return true;
    case TokenKind::ne: op = Compare::ne; return true;
    case TokenKind::lt: op = Compare::lt; return true;
    case TokenKind::le: op = Compare::le; return true;
    case TokenKind::gt: op = Compare::gt; return true;
    case TokenKind::ge: op = Compare::ge; return true;
    case TokenKind::word:
        for (const auto& [word, value] : k_words) {
            if (token.text == word) {
                op = value;
                return true;
            }
        }
        return false;
    default: return false;
    }
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

class Parser {
public:
    explicit Parser(std::string_view text) : m_tokens(tokenize(text)) {}

    Expression parse() {
        if (peek().kind == TokenKind::end)
            fail(peek(), "empty expression: expected a comparison such as 'port == 443'");
        m_expression.root = parse_or();
        if (peek().kind != TokenKind::end) {
            if (peek().kind == TokenKind::close) fail(peek(), "')' without a matching '('");
            fail(peek(), "expected 'and', 'or' or the end, found " + quoted(peek().text));
        }
        return std::move(m_expression);
    }

private:
    const Token& peek() const { return m_tokens[m_pos]; }
    const Token& take() { return m_tokens[m_pos < m_tokens.size() - 1 ? m_pos++ : m_pos]; }
    [[noreturn]] static void fail(const Token& at, std::string message) {
        throw Failure{at.column, std::move(message)};
    }

    std::int32_t add(Node node) {
        m_expression.nodes.push_back(node);
        return static_cast<std::int32_t>(m_expression.nodes.size() - 1);
    }
    std::int32_t join(NodeKind kind, std::int32_t left, std::int32_t right) {
        Node node;
        node.kind = kind;
        node.left = left;
        node.right = right;
        return add(node);
    }

    std::int32_t parse_or() {
        std::int32_t left = parse_and();
        while (peek().kind == TokenKind::or_op || is_keyword(peek(), "or")) {
            take();
            left = join(NodeKind::any, left, parse_and());
        }
        return left;
    }

    std::int32_t parse_and() {
        std::int32_t left = parse_not();
        while (peek().kind == TokenKind::and_op || is_keyword(peek(), "and")) {
            take();
            left = join(NodeKind::all, left, parse_not());
        }
        return left;
    }

    std::int32_t parse_not() {
        // Nesting is bounded so that a hostile expression cannot exhaust the stack.
        if (++m_depth > k_max_depth) fail(peek(), "nested too deeply (more than 64 levels)");
        std::int32_t result = 0;
        if (peek().kind == TokenKind::not_op || is_keyword(peek(), "not")) {
            take();
            result = join(NodeKind::negate, parse_not(), -1);
        } else {
            result = parse_primary();
        }
        --m_depth;
        return result;
    }

    std::int32_t parse_primary() {
        const Token& token = take();
        if (token.kind == TokenKind::open) {
            const std::int32_t inner = parse_or();
            if (peek().kind != TokenKind::close)
                fail(peek(), "expected ')' to close the '(' at column " + std::to_string(token.column));
            take();
            return inner;
        }
        if (token.kind == TokenKind::invalid) fail(token, "unknown operator " + quoted(token.text) + " (use == && ||)");
        if (token.kind != TokenKind::word) {
            fail(token, token.kind == TokenKind::end ? "expected a comparison at the end"
                                                     : "expected a field name, found " + quoted(token.text));
        }
        return parse_comparison(token);
    }

    std::int32_t parse_comparison(const Token& name) {
        Node node;
        node.kind = NodeKind::compare;
        if (!field_of(name.text, node.field)) {
            fail(name, "unknown field " + quoted(name.text) + " (fields: " + std::string(k_field_list) + ")");
        }
        const Token& op = take();
        if (!comparison_of(op, node.op)) {
            if (op.kind == TokenKind::invalid && op.text == "=") fail(op, "'=' is not a comparison: use '=='");
            fail(op, "expected a comparison (== != < <= > >=) after " + quoted(name.text));
        }
        const ValueType type = value_type(node.field);
        if ((type == ValueType::address || type == ValueType::name) && node.op != Compare::eq &&
            node.op != Compare::ne) {
            fail(op, quoted(name.text) + " compares only with == or !=");
        }
        const Token& value = take();
        if (value.kind != TokenKind::word) fail(value, "expected a value after " + quoted(op.text));
        read_value(node, type, value);
        return add(node);
    }

    static bool field_of(std::string_view text, Field& field) noexcept {
        for (std::size_t i = 0; i < k_field_names.size(); ++i) {
            if (k_field_names[i] == text) {
                field = static_cast<Field>(i);
                return true;
            }
        }
        return false;
    }

    static void read_value(Node& node, ValueType type, const Token& value) {
        switch (type) {
        case ValueType::number: read_number(node, value); return;
        case ValueType::address: {
            const std::optional<AddressPrefix> prefix = parse_address_prefix(value.text);
            if (!prefix) fail(value, "expected an IPv4 or IPv6 address or CIDR prefix, found " + quoted(value.text));
            node.address = prefix->address;
            node.prefix_bits = prefix->prefix_bits;
            return;
        }
        case ValueType::name: {
            const std::optional<std::uint32_t> code = value_code(node.field, value.text);
            if (!code) {
                fail(value, "unknown " + std::string(field_name(node.field)) + " " + quoted(value.text) +
                                " (one of: " + value_names(node.field) + ")");
            }
            node.code = *code;
            return;
        }
        case ValueType::time: {
            if (const std::optional<std::int64_t> when = parse_rfc3339(value.text)) {
                node.absolute_time = true;
                node.time_ns = *when;
                return;
            }
            const std::optional<double> seconds = parse_number(value.text);
            if (!seconds || *seconds < 0) {
                fail(value,
                     "expected an RFC 3339 time (2026-12-04T10:02:00Z) or seconds from the first frame, "
                     "found " +
                         quoted(value.text));
            }
            node.number = *seconds;
            return;
        }
        }
    }

    static void read_number(Node& node, const Token& value) {
        const std::optional<double> number = parse_number(value.text);
        if (!number || *number < 0) fail(value, "expected a number, found " + quoted(value.text));
        const bool whole = std::floor(*number) == *number;
        const bool is_port = node.field == Field::port || node.field == Field::sport || node.field == Field::dport;
        if (is_port && (!whole || *number > 65535)) fail(value, "a port is a whole number from 0 to 65535");
        if (node.field == Field::tunnel_id && (!whole || *number > 4294967295.0)) {
            fail(value, "a tunnel id is a whole number from 0 to 4294967295");
        }
        if ((node.field == Field::stream || node.field == Field::bytes || node.field == Field::packets) && !whole) {
            fail(value, quoted(field_name(node.field)) + " is a whole number");
        }
        node.number = *number;
    }

    static constexpr int k_max_depth = 64;
    std::vector<Token> m_tokens;
    std::size_t m_pos = 0;
    int m_depth = 0;
    Expression m_expression;
};

}  // namespace

std::string_view field_name(Field field) noexcept { return k_field_names[static_cast<std::size_t>(field)]; }

bool Expression::uses(Field field) const noexcept {
    for (const Node& node : nodes) {
        if (node.kind == NodeKind::compare && node.field == field) return true;
    }
    return false;
}

ParseResult parse_expression(std::string_view text) {
    ParseResult result;
    try {
        result.expression = Parser(text).parse();
        result.ok = true;
    } catch (const Failure& failure) {
        result.error = ParseError{failure.column, failure.message};
    }
    return result;
}

std::string describe(const ParseError& error) {
    return "--select: column " + std::to_string(error.column) + ": " + error.message;
}

}  // namespace tcpvet::select
