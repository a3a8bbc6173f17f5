// The closed vocabulary of anomaly kinds and severities: one table, names are API (never renamed).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tcpvet::anomaly {

enum class Severity : std::uint8_t { info, warning, critical };

// Order is the report order; append only.
enum class AnomalyKind : std::uint8_t {
    syn_flood,
    syn_cookies,
    close_wait,
    fin_wait_2,
    port_scan,
    host_scan,
    rst_burst,
    backscatter,
    zero_window_stall,
    high_retransmission_rate,
    rtt_outlier,
    invalid_flags,
    data_on_syn,
    urgent_without_urg,
    data_after_rst,
    out_of_window,
    isn_reuse,
};
inline constexpr std::size_t k_anomaly_kind_count = 17;

struct KindInfo {
    AnomalyKind kind;
    std::string_view name;         // snake_case, as in JSON and `--fail-on` reports
    Severity default_severity;     // a detector may raise it (e.g. syn_flood -> critical past a threshold)
    std::string_view explanation;  // one line, for people
};

// The registry, indexed by AnomalyKind.
inline constexpr std::array<KindInfo, k_anomaly_kind_count> k_kinds{{
    {AnomalyKind::syn_flood, "syn_flood", Severity::warning,
     "many half-open connection attempts from many sources against one destination (SYN flood)"},
    {AnomalyKind::syn_cookies, "syn_cookies", Severity::info,
     "the server answered every SYN without keeping state, as SYN cookies do during a flood"},
    {AnomalyKind::close_wait, "close_wait", Severity::warning,
     "the peer's FIN was acknowledged but this endpoint never closed: its application leaked the socket"},
    {AnomalyKind::fin_wait_2, "fin_wait_2", Severity::info,
     "this endpoint's FIN was acknowledged and it has waited in FIN-WAIT-2 for the peer's FIN"},
    {AnomalyKind::port_scan, "port_scan", Severity::warning,
     "one source tried many ports of one host and was refused or ignored (REJ / S0)"},
    {AnomalyKind::host_scan, "host_scan", Severity::warning,
     "one source tried the same port on many hosts and was refused or ignored (REJ / S0)"},
    {AnomalyKind::rst_burst, "rst_burst", Severity::warning, "a burst of RST segments in a short time"},
    {AnomalyKind::backscatter, "backscatter", Severity::warning,
     "SYN-ACKs to connections whose SYN was never seen: replies to SYNs spoofed with these addresses"},
    {AnomalyKind::zero_window_stall, "zero_window_stall", Severity::warning,
     "a receiver advertised a zero window for longer than the threshold"},
    {AnomalyKind::high_retransmission_rate, "high_retransmission_rate", Severity::warning,
     "a large share of one direction's segments were retransmissions"},
    {AnomalyKind::rtt_outlier, "rtt_outlier", Severity::info,
     "connections whose handshake RTT is far above the median to the same server"},
    {AnomalyKind::invalid_flags, "invalid_flags", Severity::warning,
     "segments with flag combinations no TCP sends (SYN+FIN, SYN+RST, none, FIN+PSH+URG, no ACK after the "
     "handshake)"},
    {AnomalyKind::data_on_syn, "data_on_syn", Severity::info, "a SYN carried payload (TCP Fast Open or crafted)"},
    {AnomalyKind::urgent_without_urg, "urgent_without_urg", Severity::info,
     "a non-zero urgent pointer on a segment without the URG flag"},
    {AnomalyKind::data_after_rst, "data_after_rst", Severity::warning, "payload sent after a RST ended the connection"},
    {AnomalyKind::out_of_window, "out_of_window", Severity::warning,
     "segments far outside the receiver's advertised window"},
    {AnomalyKind::isn_reuse, "isn_reuse", Severity::warning,
     "a new connection on a reused 5-tuple started inside the old connection's sequence space (RFC 1337 hazard)"},
}};

[[nodiscard]] constexpr const KindInfo& info(AnomalyKind kind) noexcept {
    return k_kinds[static_cast<std::size_t>(kind)];
}
[[nodiscard]] constexpr std::string_view name(AnomalyKind kind) noexcept { return info(kind).name; }
[[nodiscard]] std::string_view name(Severity severity) noexcept;
[[nodiscard]] std::optional<Severity> parse_severity(std::string_view text) noexcept;
[[nodiscard]] std::optional<AnomalyKind> parse_kind(std::string_view text) noexcept;

}  // namespace tcpvet::anomaly
