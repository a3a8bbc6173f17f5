// --select's named values come from the registries the reports print, so a name in a report is a
// name --select accepts.
#include "tcpvet/select/value_names.hpp"

#include "tcpvet/analysis/segment_flags.hpp"
#include "tcpvet/analysis/verdicts.hpp"
#include "tcpvet/anomaly/registry.hpp"
#include "tcpvet/decode/encapsulation.hpp"

namespace tcpvet::select {
namespace {

constexpr std::uint32_t k_handshake_count = 9;  // HandshakeVerdict: complete .. midstream
constexpr std::uint32_t k_teardown_count = 8;   // TeardownVerdict: none .. reset
constexpr std::uint32_t k_tunnel_kind_count = static_cast<std::uint32_t>(decode::TunnelKind::ayiya) + 1;

std::size_t table_size(Field field) noexcept {
    switch (field) {
    case Field::conn_state: return k_conn_states.size();
    case Field::handshake: return k_handshake_count;
    case Field::teardown: return k_teardown_count;
    case Field::anomaly: return anomaly::k_anomaly_kind_count;
    case Field::flag: return analysis::k_segment_flag_count;
    case Field::tunnel: return k_tunnel_kind_count;
    default: return 0;
    }
}

std::string_view name_at(Field field, std::uint32_t index) noexcept {
    switch (field) {
    case Field::conn_state: return k_conn_states[index];
    case Field::handshake: return analysis::name(static_cast<analysis::HandshakeVerdict>(index));
    case Field::teardown: return analysis::name(static_cast<analysis::TeardownVerdict>(index));
    case Field::anomaly: return anomaly::k_kinds[index].name;
    case Field::flag: return analysis::k_segment_flag_names[index];
    case Field::tunnel: return decode::tunnel_kind_name(static_cast<decode::TunnelKind>(index));
    default: return {};
    }
}

}  // namespace

std::optional<std::uint32_t> value_code(Field field, std::string_view value) {
    const std::size_t count = table_size(field);
    for (std::uint32_t i = 0; i < count; ++i) {
        if (name_at(field, i) == value) return i;
    }
    return std::nullopt;
}

std::string value_names(Field field) {
    std::string names;
    const std::size_t count = table_size(field);
    for (std::uint32_t i = 0; i < count; ++i) {
        if (!names.empty()) names += ' ';
        names += name_at(field, i);
    }
    return names;
}

std::uint32_t conn_state_code(std::string_view conn_state) noexcept {
    for (std::uint32_t i = 0; i < k_conn_states.size(); ++i) {
        if (k_conn_states[i] == conn_state) return i;
    }
    return static_cast<std::uint32_t>(k_conn_states.size() - 1);
}

}  // namespace tcpvet::select
