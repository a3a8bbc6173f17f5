// A walk over the flat tree; one small function per value type.
#include "tcpvet/select/evaluator.hpp"

#include <cmath>

namespace tcpvet::select {
namespace {

template <typename T>
bool compare_ordered(Compare op, T left, T right) noexcept {
    switch (op) {
    case Compare::eq: return left == right;
    case Compare::ne: return left != right;
    case Compare::lt: return left < right;
    case Compare::le: return left <= right;
    case Compare::gt: return left > right;
    case Compare::ge: return left >= right;
    }
    return false;
}

bool in_prefix(const IpAddress& address, const Node& node) noexcept {
    if (address.family != node.address.family) return false;
    const unsigned full = node.prefix_bits / 8;
    for (unsigned i = 0; i < full; ++i) {
        if (address.bytes[i] != node.address.bytes[i]) return false;
    }
    const unsigned rest = node.prefix_bits % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xFFU << (8 - rest));
    return (address.bytes[full] & mask) == node.address.bytes[full];
}

// A test on two endpoints (host, port): == holds when either matches; != is its negation.
template <typename Test>
bool either(Compare op, Test test) noexcept {
    if (op == Compare::ne) return !(test(0, Compare::eq) || test(1, Compare::eq));
    return test(0, op) || test(1, op);
}

bool equality(Compare op, bool equal) noexcept { return op == Compare::ne ? !equal : equal; }

// The span [first, last] against T (see evaluator.hpp).
bool compare_span(Compare op, std::int64_t first, std::int64_t last, std::int64_t t) noexcept {
    switch (op) {
    case Compare::eq: return first <= t && t <= last;
    case Compare::ne: return !(first <= t && t <= last);
    case Compare::lt: return first < t;
    case Compare::le: return first <= t;
    case Compare::gt: return last > t;
    case Compare::ge: return last >= t;
    }
    return false;
}

std::int64_t time_of(const Node& node, std::int64_t capture_start_ns) noexcept {
    if (node.absolute_time) return node.time_ns;
    return capture_start_ns + static_cast<std::int64_t>(std::llround(node.number * 1e9));
}

bool compare_endpoints(const Node& node, const ConversationFacts& f) noexcept {
    const flow::Endpoint* sides[2] = {&f.originator, &f.responder};
    switch (node.field) {
    case Field::host: return either(node.op, [&](int s, Compare) { return in_prefix(sides[s]->addr, node); });
    case Field::src: return equality(node.op, in_prefix(f.originator.addr, node));
    case Field::dst: return equality(node.op, in_prefix(f.responder.addr, node));
    case Field::port:
        return either(node.op,
                      [&](int s, Compare op) { return compare_ordered<double>(op, sides[s]->port, node.number); });
    case Field::sport: return compare_ordered<double>(node.op, f.originator.port, node.number);
    case Field::dport: return compare_ordered<double>(node.op, f.responder.port, node.number);
    default: return false;
    }
}

// tunnel == none: not tunnelled; tunnel == K: some layer is of kind K.
bool has_tunnel(const decode::Encapsulation* layers, std::uint32_t kind) noexcept {
    if (layers == nullptr || layers->depth == 0) return kind == static_cast<std::uint32_t>(decode::TunnelKind::none);
    for (std::uint8_t i = 0; i < layers->depth && i < layers->layers.size(); ++i) {
        if (static_cast<std::uint32_t>(layers->layers[i].kind) == kind) return true;
    }
    return false;
}

// Some layer's identifier compares true (as port: != is "no layer's id equals").
bool compare_tunnel_id(const Node& node, const decode::Encapsulation* layers) noexcept {
    if (layers == nullptr) return node.op == Compare::ne;
    const Compare op = node.op == Compare::ne ? Compare::eq : node.op;
    bool found = false;
    for (std::uint8_t i = 0; i < layers->depth && i < layers->layers.size() && !found; ++i) {
        const decode::TunnelLayer& layer = layers->layers[i];
        found = layer.has_id && compare_ordered<double>(op, layer.id, node.number);
    }
    return node.op == Compare::ne ? !found : found;
}

bool compare_field(const Node& node, const Subject& subject) noexcept {
    const ConversationFacts& f = subject.facts;
    switch (node.field) {
    case Field::stream: return compare_ordered<double>(node.op, f.stream, node.number);
    case Field::host:
    case Field::src:
    case Field::dst:
    case Field::port:
    case Field::sport:
    case Field::dport: return compare_endpoints(node, f);
    case Field::conn_state: return equality(node.op, f.conn_state == node.code);
    case Field::handshake: return equality(node.op, static_cast<std::uint32_t>(f.handshake) == node.code);
    case Field::teardown: return equality(node.op, static_cast<std::uint32_t>(f.teardown) == node.code);
    case Field::anomaly: return equality(node.op, ((subject.anomaly_kinds >> node.code) & 1U) != 0);
    case Field::flag: return equality(node.op, ((f.flags >> node.code) & 1U) != 0);
    case Field::duration:
        return compare_ordered<double>(node.op, static_cast<double>(f.last_ns - f.first_ns) / 1e9, node.number);
    case Field::bytes: return compare_ordered<double>(node.op, static_cast<double>(f.bytes), node.number);
    case Field::packets: return compare_ordered<double>(node.op, static_cast<double>(f.packets), node.number);
    case Field::time: return compare_span(node.op, f.first_ns, f.last_ns, time_of(node, subject.capture_start_ns));
    case Field::tunnel: return equality(node.op, has_tunnel(f.encapsulation, node.code));
    case Field::tunnel_id: return compare_tunnel_id(node, f.encapsulation);
    }
    return false;
}

bool evaluate_node(const Expression& expression, std::int32_t index, const Subject& subject) noexcept {
    const Node& node = expression.nodes[static_cast<std::size_t>(index)];
    switch (node.kind) {
    case NodeKind::all:
        return evaluate_node(expression, node.left, subject) && evaluate_node(expression, node.right, subject);
    case NodeKind::any:
        return evaluate_node(expression, node.left, subject) || evaluate_node(expression, node.right, subject);
    case NodeKind::negate: return !evaluate_node(expression, node.left, subject);
    case NodeKind::compare: return compare_field(node, subject);
    }
    return false;
}

}  // namespace

bool evaluate(const Expression& expression, const Subject& subject) noexcept {
    if (expression.root < 0) return true;
    return evaluate_node(expression, expression.root, subject);
}

}  // namespace tcpvet::select
