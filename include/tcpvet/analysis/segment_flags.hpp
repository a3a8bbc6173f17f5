// Per-segment analysis flags, defined as Wireshark's tcp.analysis.* so figures compare one to one.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace tcpvet::analysis {

// Bit positions are API: never reorder, only append.
enum class SegmentFlag : std::uint8_t {
    retransmission,           // tcp.analysis.retransmission
    fast_retransmission,      // tcp.analysis.fast_retransmission
    spurious_retransmission,  // tcp.analysis.spurious_retransmission
    out_of_order,             // tcp.analysis.out_of_order
    lost_segment,             // tcp.analysis.lost_segment ("previous segment not captured")
    ack_lost_segment,         // tcp.analysis.ack_lost_segment ("ACKed unseen segment")
    duplicate_ack,            // tcp.analysis.duplicate_ack
    zero_window,              // tcp.analysis.zero_window
    zero_window_probe,        // tcp.analysis.zero_window_probe
    zero_window_probe_ack,    // tcp.analysis.zero_window_probe_ack
    window_full,              // tcp.analysis.window_full
    window_update,            // tcp.analysis.window_update
    keep_alive,               // tcp.analysis.keep_alive
    keep_alive_ack,           // tcp.analysis.keep_alive_ack
    reused_ports,             // tcp.analysis.reused_ports
};
inline constexpr std::size_t k_segment_flag_count = 15;

using SegmentFlags = std::uint32_t;  // bit set of SegmentFlag

[[nodiscard]] constexpr SegmentFlags bit(SegmentFlag flag) noexcept {
    return SegmentFlags{1} << static_cast<unsigned>(flag);
}
[[nodiscard]] constexpr bool has(SegmentFlags flags, SegmentFlag flag) noexcept { return (flags & bit(flag)) != 0; }

// snake_case names as they appear in ndjson `analysis` arrays.
inline constexpr std::array<std::string_view, k_segment_flag_count> k_segment_flag_names = {
    "retransmission",
    "fast_retransmission",
    "spurious_retransmission",
    "out_of_order",
    "lost_segment",
    "ack_lost_segment",
    "duplicate_ack",
    "zero_window",
    "zero_window_probe",
    "zero_window_probe_ack",
    "window_full",
    "window_update",
    "keep_alive",
    "keep_alive_ack",
    "reused_ports",
};

[[nodiscard]] constexpr std::string_view name(SegmentFlag flag) noexcept {
    return k_segment_flag_names[static_cast<std::size_t>(flag)];
}

}  // namespace tcpvet::analysis
