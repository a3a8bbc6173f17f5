// The closed name tables --select values come from: conn_state, verdicts, anomaly kinds, flags.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tcpvet/select/expression.hpp"

namespace tcpvet::select {

// Zeek's conn_state values (conn/main.zeek), in its documentation's order.
inline constexpr std::array<std::string_view, 13> k_conn_states = {
    "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH"};

// The index of `value` in the name table of `field` (conn_state, handshake, teardown, anomaly, flag).
[[nodiscard]] std::optional<std::uint32_t> value_code(Field field, std::string_view value);
// The names `field` accepts, separated by spaces (for error messages and the README).
[[nodiscard]] std::string value_names(Field field);
// The index of a conn_state string as ZeekConnection::conn_state() gives it (OTH when unknown).
[[nodiscard]] std::uint32_t conn_state_code(std::string_view conn_state) noexcept;

}  // namespace tcpvet::select
