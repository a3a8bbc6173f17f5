// The stderr progress line: formatting is pure and tested; drawing is throttled and allocation-free.
#include "tcpvet/capture/progress.hpp"

#include <unistd.h>

#include <cstdarg>
#include <cstdio>

namespace tcpvet::capture {
namespace {

// Appends printf-style text to `out`, silently cut at the buffer's end.
[[gnu::format(printf, 2, 3)]] void append(ProgressText& out, const char* format, ...) noexcept {
    const std::size_t room = out.buffer.size() - out.size;
    if (room <= 1) {
        return;
    }
    va_list args;
    va_start(args, format);
    const int written = std::vsnprintf(out.buffer.data() + out.size, room, format, args);
    va_end(args);
    if (written > 0) {
        out.size += static_cast<std::size_t>(written) < room ? static_cast<std::size_t>(written) : room - 1;
    }
}

void append_bytes(ProgressText& out, std::uint64_t bytes) noexcept {
    static constexpr const char* k_units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (bytes < 1024) {
        append(out, "%llu B", static_cast<unsigned long long>(bytes));
        return;
    }
    auto value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(k_units)) {
        value /= 1024.0;
        ++unit;
    }
    // Two decimals under 10 so a slowly growing GiB count still visibly moves.
    append(out, value < 10.0 ? "%.2f %s" : "%.1f %s", value, k_units[unit]);
}

void append_rate(ProgressText& out, double per_second) noexcept {
    if (per_second >= 1e6) {
        append(out, "%.1fM pkt/s", per_second / 1e6);
    } else if (per_second >= 1e3) {
        append(out, "%.1fk pkt/s", per_second / 1e3);
    } else {
        append(out, "%.0f pkt/s", per_second);
    }
}

void append_duration(ProgressText& out, double seconds) noexcept {
    if (!(seconds >= 0.0) || seconds > 359'999.0) {  // NaN, negative or beyond 99:59:59
        append(out, "--:--");
        return;
    }
    const auto total = static_cast<unsigned long>(seconds + 0.5);
    const unsigned long hours = total / 3600;
    const unsigned long minutes = (total / 60) % 60;
    const unsigned long secs = total % 60;
    if (hours > 0) {
        append(out, "%lu:%02lu:%02lu", hours, minutes, secs);
    } else {
        append(out, "%lu:%02lu", minutes, secs);
    }
}

}  // namespace

ProgressText format_bytes(std::uint64_t bytes) noexcept {
    ProgressText out;
    append_bytes(out, bytes);
    return out;
}

ProgressText format_progress_line(const ReadProgress& progress, std::uint64_t packets, double elapsed_s) noexcept {
    ProgressText out;
    const double rate = elapsed_s > 0.0 ? static_cast<double>(packets) / elapsed_s : 0.0;
    if (progress.bytes_total == 0) {
        append(out, "%llu packets  ", static_cast<unsigned long long>(packets));
        append_rate(out, rate);
        append(out, "  ");
        append_duration(out, elapsed_s);
        append(out, " elapsed");
        return out;
    }
    const std::uint64_t done = progress.bytes_done < progress.bytes_total ? progress.bytes_done : progress.bytes_total;
    const double fraction = static_cast<double>(done) / static_cast<double>(progress.bytes_total);
    append(out, "%5.1f%%  ", fraction * 100.0);
    append_bytes(out, done);
    append(out, " of ");
    append_bytes(out, progress.bytes_total);
    append(out, "  ");
    append_rate(out, rate);
    append(out, "  ETA ");
    // The average byte rate since the start: steadier than the last interval on bursty disks.
    const double byte_rate = elapsed_s > 0.0 ? static_cast<double>(done) / elapsed_s : 0.0;
    append_duration(out, byte_rate > 0.0 ? static_cast<double>(progress.bytes_total - done) / byte_rate : -1.0);
    if (progress.input_count > 1) {
        append(out, "  file %zu/%zu", progress.input_index + 1, progress.input_count);
    }
    return out;
}

ProgressBar::ProgressBar(const PacketSource& source, bool enabled) noexcept
    : m_source(&source), m_enabled(enabled), m_start(std::chrono::steady_clock::now()), m_last_draw(m_start) {}

ProgressBar::~ProgressBar() { finish(); }

bool ProgressBar::stderr_is_terminal() noexcept { return ::isatty(STDERR_FILENO) == 1; }

void ProgressBar::maybe_redraw(std::uint64_t packets) noexcept {
    const auto now = std::chrono::steady_clock::now();
    if (now - m_start < k_first_draw_after || now - m_last_draw < k_redraw_interval) {
        return;
    }
    m_last_draw = now;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const ProgressText line = format_progress_line(m_source->progress(), packets, elapsed);
    // "\r" back to column 0, the text, then ESC[K to erase what a longer previous line left.
    std::fprintf(stderr, "\r%.*s\x1b[K", static_cast<int>(line.size), line.buffer.data());
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::finish() noexcept {
    if (m_drawn) {
        std::fputs("\r\x1b[K", stderr);
        std::fflush(stderr);
        m_drawn = false;
    }
    m_enabled = false;
}

}  // namespace tcpvet::capture
