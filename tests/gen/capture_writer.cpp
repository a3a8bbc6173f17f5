// pcap / pcap-ns / pcapng serialisation (file formats: draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng).
#include "capture_writer.hpp"

#include <array>
#include <cstring>

namespace tcpvet::gen {
namespace {

constexpr std::uint32_t k_magic_us = 0xA1B2C3D4;
constexpr std::uint32_t k_magic_ns = 0xA1B23C4D;
constexpr std::uint32_t k_pcapng_shb = 0x0A0D0D0A;
constexpr std::uint32_t k_pcapng_idb = 0x00000001;
constexpr std::uint32_t k_pcapng_epb = 0x00000006;
constexpr std::uint32_t k_pcapng_bom = 0x1A2B3C4D;
constexpr std::size_t k_io_buffer = std::size_t{1} << 20;

}  // namespace

CaptureWriter::~CaptureWriter() {
    if (m_file != nullptr) {
        (void)close();
    }
}

void CaptureWriter::put(const void* data, std::size_t n) noexcept {
    if (std::fwrite(data, 1, n, m_file) != n) {
        m_failed = true;
    }
}

void CaptureWriter::put_u16(std::uint16_t v) noexcept {
    const std::array<std::uint8_t, 2> b{static_cast<std::uint8_t>(v & 0xFF), static_cast<std::uint8_t>(v >> 8)};
    put(b.data(), b.size());
}

void CaptureWriter::put_u32(std::uint32_t v) noexcept {
    const std::array<std::uint8_t, 4> b{static_cast<std::uint8_t>(v & 0xFF), static_cast<std::uint8_t>((v >> 8) & 0xFF),
                                        static_cast<std::uint8_t>((v >> 16) & 0xFF),
                                        static_cast<std::uint8_t>(v >> 24)};
    put(b.data(), b.size());
}

bool CaptureWriter::open(const char* path, CaptureFormat format, std::uint16_t link_type) {
    m_file = std::fopen(path, "wb");
    if (m_file == nullptr) {
        return false;
    }
    m_stdio_buffer.resize(k_io_buffer);
    std::setvbuf(m_file, m_stdio_buffer.data(), _IOFBF, m_stdio_buffer.size());
    m_format = format;

    if (format == CaptureFormat::pcapng) {
        // Section Header Block with shb_userappl, then one Interface Description Block.
        static constexpr char k_appl[] = "tcpvet_gen";  // 10 bytes, padded to 12
        put_u32(k_pcapng_shb);
        put_u32(48);
        put_u32(k_pcapng_bom);
        put_u16(1);
        put_u16(0);
        put_u32(0xFFFFFFFF);  // section length unknown (-1)
        put_u32(0xFFFFFFFF);
        put_u16(4);  // shb_userappl
        put_u16(10);
        const std::array<char, 12> appl{k_appl[0], k_appl[1], k_appl[2], k_appl[3], k_appl[4], k_appl[5],
                                        k_appl[6], k_appl[7], k_appl[8], k_appl[9], 0,         0};
        put(appl.data(), appl.size());
        put_u32(0);  // opt_endofopt
        put_u32(48);

        // if_tsresol = 9: timestamps in nanoseconds, so the option parser is exercised.
        put_u32(k_pcapng_idb);
        put_u32(32);
        put_u16(link_type);
        put_u16(0);
        put_u32(k_snaplen);
        put_u16(9);
        put_u16(1);
        const std::array<std::uint8_t, 4> tsresol{9, 0, 0, 0};
        put(tsresol.data(), tsresol.size());
        put_u32(0);
        put_u32(32);
    } else {
        put_u32(format == CaptureFormat::pcap_ns ? k_magic_ns : k_magic_us);
        put_u16(2);
        put_u16(4);
        put_u32(0);  // thiszone
        put_u32(0);  // sigfigs
        put_u32(k_snaplen);
        put_u32(link_type);
    }
    return !m_failed;
}

void CaptureWriter::write(std::int64_t ts_ns, std::span<const std::uint8_t> frame) noexcept {
    const auto len = static_cast<std::uint32_t>(frame.size());
    const auto ts = static_cast<std::uint64_t>(ts_ns);
    ++m_records;
    switch (m_format) {
    case CaptureFormat::pcap:
    case CaptureFormat::pcap_ns: {
        const std::uint64_t sub = ts % 1000000000U;
        put_u32(static_cast<std::uint32_t>(ts / 1000000000U));
        put_u32(static_cast<std::uint32_t>(m_format == CaptureFormat::pcap ? sub / 1000U : sub));
        put_u32(len);
        put_u32(len);
        put(frame.data(), frame.size());
        return;
    }
    case CaptureFormat::pcapng: {
        const std::uint32_t padded = (len + 3U) & ~3U;
        static constexpr std::array<std::uint8_t, 3> k_zero{};
        put_u32(k_pcapng_epb);
        put_u32(32 + padded);
        put_u32(0);  // interface 0
        put_u32(static_cast<std::uint32_t>(ts >> 32));
        put_u32(static_cast<std::uint32_t>(ts & 0xFFFFFFFFU));
        put_u32(len);
        put_u32(len);
        put(frame.data(), frame.size());
        put(k_zero.data(), padded - len);
        put_u32(32 + padded);
        return;
    }
    }
}

bool CaptureWriter::close() {
    if (m_file == nullptr) {
        return !m_failed;
    }
    if (std::fclose(m_file) != 0) {
        m_failed = true;
    }
    m_file = nullptr;
    return !m_failed;
}

}  // namespace tcpvet::gen
