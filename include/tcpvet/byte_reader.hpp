// ByteReader: the one bounded cursor every decoder reads packet bytes through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tcpvet {

// Reads big-endian integers and byte ranges from a span without ever going past its end.
// A read that does not fit marks the reader failed, returns zero (or an empty span) and
// consumes nothing; every later read fails too, so a decoder may read a whole header and
// check ok() once (the tcpdump GET_ idea, without longjmp). Bytes are assembled one at a
// time, so there are no unaligned loads and no casts onto packet memory.
class ByteReader {
public:
    constexpr explicit ByteReader(std::span<const std::byte> data) noexcept : m_data(data) {}

    [[nodiscard]] constexpr std::uint8_t u8() noexcept {
        if (!take(1)) {
            return 0;
        }
        return at(m_pos - 1);
    }

    [[nodiscard]] constexpr std::uint16_t be16() noexcept {
        if (!take(2)) {
            return 0;
        }
        return static_cast<std::uint16_t>((at(m_pos - 2) << 8U) | at(m_pos - 1));
    }

    [[nodiscard]] constexpr std::uint32_t be32() noexcept {
        if (!take(4)) {
            return 0;
        }
        return (std::uint32_t{at(m_pos - 4)} << 24U) | (std::uint32_t{at(m_pos - 3)} << 16U) |
               (std::uint32_t{at(m_pos - 2)} << 8U) | std::uint32_t{at(m_pos - 1)};
    }

    // The next n bytes as a view into the underlying buffer; empty on failure.
    [[nodiscard]] constexpr std::span<const std::byte> bytes(std::size_t n) noexcept {
        if (!take(n)) {
            return {};
        }
        return m_data.subspan(m_pos - n, n);
    }

    // Skips n bytes; false (and failed) if fewer remain.
    constexpr bool skip(std::size_t n) noexcept { return take(n); }

    // Bytes left after the cursor (0 once failed).
    [[nodiscard]] constexpr std::size_t remaining() const noexcept { return m_failed ? 0 : m_data.size() - m_pos; }
    // The unread bytes as a view (empty once failed).
    [[nodiscard]] constexpr std::span<const std::byte> rest() const noexcept {
        return m_failed ? std::span<const std::byte>{} : m_data.subspan(m_pos);
    }
    [[nodiscard]] constexpr std::size_t offset() const noexcept { return m_pos; }
    [[nodiscard]] constexpr bool ok() const noexcept { return !m_failed; }
    [[nodiscard]] constexpr bool failed() const noexcept { return m_failed; }

private:
    constexpr bool take(std::size_t n) noexcept {
        if (m_failed || n > m_data.size() - m_pos) {
            m_failed = true;
            return false;
        }
        m_pos += n;
        return true;
    }
    [[nodiscard]] constexpr std::uint8_t at(std::size_t i) const noexcept {
        return std::to_integer<std::uint8_t>(m_data[i]);
    }

    std::span<const std::byte> m_data;
    std::size_t m_pos = 0;
    bool m_failed = false;
};

}  // namespace tcpvet
