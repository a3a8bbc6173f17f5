// Writes classic pcap (µs or ns) and pcapng files without libpcap, through one large stdio buffer.
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <vector>

namespace tcpvet::gen {

enum class CaptureFormat : std::uint8_t { pcap, pcap_ns, pcapng };

// Always little-endian on disk, whatever the host, so generated files are byte-identical everywhere.
class CaptureWriter {
public:
    CaptureWriter() = default;
    CaptureWriter(const CaptureWriter&) = delete;
    CaptureWriter& operator=(const CaptureWriter&) = delete;
    ~CaptureWriter();

    // Creates `path` and writes the file header; false (errno set) on failure.
    [[nodiscard]] bool open(const char* path, CaptureFormat format, std::uint16_t link_type);
    // Appends one record with caplen == wire length == frame.size().
    void write(std::int64_t ts_ns, std::span<const std::uint8_t> frame) noexcept;
    // Flushes and closes; false if any write failed.
    [[nodiscard]] bool close();

    [[nodiscard]] std::uint64_t records() const noexcept { return m_records; }

    static constexpr std::uint32_t k_snaplen = 262144;

private:
    void put(const void* data, std::size_t n) noexcept;
    void put_u16(std::uint16_t v) noexcept;
    void put_u32(std::uint32_t v) noexcept;

    std::FILE* m_file = nullptr;
    CaptureFormat m_format = CaptureFormat::pcap;
    std::vector<char> m_stdio_buffer;
    std::uint64_t m_records = 0;
    bool m_failed = false;
};

}  // namespace tcpvet::gen
