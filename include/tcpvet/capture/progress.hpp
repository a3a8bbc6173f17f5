// A one-line progress display on stderr while captures are read: percent, bytes, packets/s, ETA.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tcpvet/capture/packet_source.hpp"

namespace tcpvet::capture {

// A short line of text in a fixed buffer, so drawing never allocates.
struct ProgressText {
    std::array<char, 160> buffer{};
    std::size_t size = 0;

    [[nodiscard]] std::string_view view() const noexcept { return {buffer.data(), size}; }
};

// "812 B", "1.5 KiB", "23.4 MiB", "1.20 GiB" (binary units, as ls -lh).
[[nodiscard]] ProgressText format_bytes(std::uint64_t bytes) noexcept;

// The progress line without carriage return or escape codes, e.g.
// " 42.3%  12.3 MiB of 29.1 MiB  153.2k pkt/s  ETA 0:12" (plus "  file 2/3" for several files);
// with no known total (stdin, live): "1234567 packets  153.2k pkt/s  0:12 elapsed".
[[nodiscard]] ProgressText format_progress_line(const ReadProgress& progress, std::uint64_t packets,
                                                double elapsed_s) noexcept;

class ProgressBar {
public:
    // Draws nothing unless `enabled`; the caller decides (stderr is a terminal and not --quiet).
    // `source` must outlive the bar.
    ProgressBar(const PacketSource& source, bool enabled) noexcept;
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    // Call once per packet with the packets read so far. Looks at the clock every
    // k_check_every calls only, and redraws at most every k_redraw_interval.
    void tick(std::uint64_t packets) noexcept {
        if (!m_enabled || (++m_calls & (k_check_every - 1)) != 0) {
            return;
        }
        maybe_redraw(packets);
    }

    // Clears the line if one was drawn; later ticks draw nothing.
    void finish() noexcept;

    // isatty(stderr), for the caller's decision.
    [[nodiscard]] static bool stderr_is_terminal() noexcept;

    static constexpr std::uint32_t k_check_every = 4096;  // a power of two
    static constexpr std::chrono::milliseconds k_redraw_interval{100};
    // Short reads finish before the first draw instead of flashing a bar.
    static constexpr std::chrono::milliseconds k_first_draw_after{500};

private:
    void maybe_redraw(std::uint64_t packets) noexcept;

    const PacketSource* m_source;
    bool m_enabled;
    bool m_drawn = false;
    std::uint32_t m_calls = 0;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last_draw;
};

}  // namespace tcpvet::capture
